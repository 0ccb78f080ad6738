"""What odd input is told: option values echoed with escapes made visible, FHIR resources of the wrong shape
named as written, nothing in a help item passed over in silence, and labels no CSV cell could hold refused."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .conftest import EXAMPLE_ANSWERS, REPO
from .test_fhir_both_ways import example_response, json_report, write_json

Cli = Callable[..., Any]


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_lang_help_names_every_variable_the_language_is_read_from(run_cli: Cli) -> None:
    assert "default: from LC_ALL, LC_MESSAGES or LANG, else en" in one_line(run_cli("--help").stdout)


@pytest.mark.parametrize(
    ("option", "fragment"),
    [("--region", "help numbers for '\\x1b[2J'"), ("--date", "--date: '\\x1b[2J' is not a date and time")],
)
def test_an_option_error_shows_an_escape_as_visible_text(run_cli: Cli, option: str, fragment: str) -> None:
    result = run_cli("--answers", "-", option, "\x1b[2J", input=EXAMPLE_ANSWERS)
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr
    assert fragment in result.stderr


@pytest.mark.parametrize("option", ["--answers", "--questions"])
def test_a_file_name_with_an_escape_is_shown_as_visible_text(run_cli: Cli, option: str) -> None:
    result = run_cli(option, "\x1b[2Jmissing.yaml", input=EXAMPLE_ANSWERS)
    assert result.exit_code == 2
    assert "Error: \\x1b[2Jmissing.yaml: no such file. Check the path and try again." in result.stderr


@pytest.mark.parametrize(("value", "written"), [("7", "7"), ("null", "null"), ('["Bundle"]', '["Bundle"]')])
def test_a_resource_type_that_is_not_text_is_named_as_written(run_cli: Cli, value: str, written: str) -> None:
    result = run_cli("--answers", "-", input=f'{{"resourceType": {value}}}')
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: standard input: 'resourceType' must name a FHIR resource, like \"QuestionnaireResponse\"; "
        f"here it is {written}. Give a QuestionnaireResponse to this questionnaire, or a Bundle holding one "
        "(what --format fhir writes).\n"
    )


def test_items_inside_a_help_item_are_reported_not_passed_over(run_cli: Cli, tmp_path: Path) -> None:
    response = example_response()
    response["item"].insert(0, {"linkId": "duration.help", "item": [{"linkId": "amount"}]})
    result = run_cli("--answers", str(write_json(tmp_path, response)))
    assert result.exit_code == 2
    assert (
        "'duration.help' is a help text, so the answers and items in it are not read. Give each answer in the "
        "item of its question."
    ) in one_line(result.stderr)


def test_an_answer_inside_a_help_item_nested_in_its_question_is_reported(run_cli: Cli, tmp_path: Path) -> None:
    response = example_response()
    frequency = next(item for item in response["item"] if item["linkId"] == "frequency")
    frequency["item"] = [{"linkId": "frequency.help", "answer": [{"valueString": "daily"}]}]
    result = run_cli("--answers", str(write_json(tmp_path, response)))
    assert result.exit_code == 2
    assert "'frequency.help' is a help text, so the answers and items in it are not read." in one_line(result.stderr)


def test_a_help_item_with_only_its_text_is_still_passed_over(
    run_cli: Cli, tmp_path: Path, answers_file: Callable[[str], Path]
) -> None:
    response = example_response()
    response["item"].insert(0, {"linkId": "duration.help", "text": "Why we ask.", "item": []})
    path = write_json(tmp_path, response)
    assert json_report(run_cli, path) == json_report(run_cli, answers_file(EXAMPLE_ANSWERS))


def _questionnaire_copy(tmp_path: Path) -> Path:
    for name in ("questions.yaml", "questions.es.yaml"):
        shutil.copy(REPO / name, tmp_path / name)
    return tmp_path / "questions.yaml"


def test_validate_refuses_a_choice_label_with_a_semicolon_naming_its_line(run_cli: Cli, tmp_path: Path) -> None:
    path = _questionnaire_copy(tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    number = lines.index("        label: Once a day") + 1
    lines[number - 1] = "        label: Once a day; or more"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("validate", str(path))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {path}:{number}: questions[1].choices[2].label: 'Once a day; or more' has a ';', which separates "
        "choices in CSV cells and SQL, so it could never be used there; leave the ';' out (a translated label "
        "counts too)\n"
    )


def test_validate_refuses_a_translated_label_with_a_semicolon(run_cli: Cli, tmp_path: Path) -> None:
    path = _questionnaire_copy(tmp_path)
    spanish = tmp_path / "questions.es.yaml"
    text = spanish.read_text(encoding="utf-8")
    spanish.write_text(
        text.replace("questions.frequency.choices.daily: Una vez al día\n",
                     "questions.frequency.choices.daily: Una vez al día; o más\n"),
        encoding="utf-8",
    )  # fmt: skip
    result = run_cli("validate", str(path))
    assert result.exit_code == 2
    assert "questions[1].choices[2].aliases: 'Una vez al día; o más' has a ';'" in result.stderr
