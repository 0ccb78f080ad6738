"""The docs say what the tool does: generated tables are current and every option is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kratom_check.cli import app
from kratom_check.model import Questionnaire

from .conftest import REPO
from .generated import render_readme

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_levels_table_matches_the_questionnaire(questionnaire: Questionnaire) -> None:
    assert render_readme(README, questionnaire) == README, "run: python -m tests.generated"


def test_readme_levels_table_names_every_level_and_red_flag(questionnaire: Questionnaire) -> None:
    block = README.split("<!-- levels:start -->")[1].split("<!-- levels:end -->")[0]
    for level in questionnaire.levels:
        assert f"| `{level.id}` |" in block
    for rule in questionnaire.rules:
        if rule.red_flag:
            assert rule.red_flag in block


def test_readme_quick_start_has_exactly_the_two_commands() -> None:
    quick_start = README.split("## Quick start")[1].split("\n## ")[0]
    commands = re.findall(r"```console\n(.*?)\n```", quick_start, re.DOTALL)
    assert commands == ["pip install . && kratom-check", "pip install '.[test]' && pytest"]


def test_every_option_in_help_is_in_the_readme() -> None:
    help_text = CliRunner().invoke(app, ["--help"]).stdout
    options = set(re.findall(r"(--[a-z][a-z-]+)", help_text)) - {"--install-completion", "--show-completion", "--help"}
    assert options
    for option in options:
        assert f"`{option}" in README or f"{option} " in README, option


def test_report_format_doc_lists_every_top_level_json_field(run_cli: object) -> None:
    import json

    from .conftest import EXAMPLE_ANSWERS

    doc = (REPO / "docs" / "report-format.md").read_text(encoding="utf-8")
    result = CliRunner().invoke(app, ["--format", "json"], input=EXAMPLE_ANSWERS)
    for field in json.loads(result.stdout):
        assert f'"{field}"' in doc, field


COMMANDS = ["validate", "schema", "template", "batch", "export fhir-questionnaire"]


def test_every_command_has_help_and_a_readme_example() -> None:
    runner = CliRunner()
    for command in COMMANDS:
        result = runner.invoke(app, [*command.split(), "--help"])
        assert result.exit_code == 0, command
        assert "Usage:" in result.stdout
        assert f"kratom-check {command}" in README, command


def test_main_help_lists_every_command() -> None:
    help_text = CliRunner().invoke(app, ["--help"]).stdout
    for command in COMMANDS:
        assert command.split()[0] in help_text


def test_answers_format_doc_and_schema_match_the_questionnaire(questionnaire: Questionnaire) -> None:
    from kratom_check.ask import answers

    from .generated import answers_format

    doc = (REPO / "docs" / "answers-format.md").read_text(encoding="utf-8")
    assert doc == answers_format(questionnaire), "run: python -m tests.generated"
    committed = (REPO / "answers.schema.json").read_text(encoding="utf-8")
    assert committed == answers.json_schema_text(questionnaire), "run: python -m tests.generated"


def test_answers_schema_command_prints_the_committed_schema() -> None:
    result = CliRunner().invoke(app, ["schema", "--answers"])
    assert result.exit_code == 0
    assert result.stdout == (REPO / "answers.schema.json").read_text(encoding="utf-8")


def test_every_persona_and_the_readme_example_validate_against_the_answers_schema() -> None:
    import json

    import jsonschema
    import yaml

    from .conftest import EXAMPLE_ANSWERS, PERSONAS, load_persona

    schema = json.loads((REPO / "answers.schema.json").read_text(encoding="utf-8"))
    for answers in [yaml.safe_load(EXAMPLE_ANSWERS), *(load_persona(path)["answers"] for path in PERSONAS)]:
        jsonschema.validate(answers, schema)


@pytest.mark.parametrize(
    "answers",
    [
        {"frequency": "hourly"},
        {"symptoms": ["none", "itching"]},
        {"frequncy": "daily"},
        {"symptoms": []},
    ],
    ids=["unknown-choice", "none-with-another", "unknown-question", "empty-list"],
)
def test_answers_schema_refuses_what_the_contract_refuses(answers: dict[str, object]) -> None:
    import json

    import jsonschema
    import yaml

    from .conftest import EXAMPLE_ANSWERS

    schema = json.loads((REPO / "answers.schema.json").read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**yaml.safe_load(EXAMPLE_ANSWERS), **answers}, schema)


def test_readme_layout_table_names_every_module_and_nothing_else() -> None:
    block = README.split("<!-- layout:start -->")[1].split("<!-- layout:end -->")[0]
    named = set(re.findall(r"^\| `([^`]+)` \|", block, re.MULTILINE))
    package = REPO / "kratom_check"
    modules = {
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if path.name not in ("__init__.py", "__main__.py") and path.parent.name != "commands"
    }
    assert named == modules | {"commands/"}


def test_a_generator_run_with_nothing_to_do_leaves_files_untouched(tmp_path: Path) -> None:
    from .generated import write_if_changed

    target = tmp_path / "generated.md"
    assert write_if_changed(target, "text\n") is True
    before = target.stat().st_mtime_ns
    assert write_if_changed(target, "text\n") is False
    assert target.stat().st_mtime_ns == before


def test_catalog_update_with_no_new_messages_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from . import catalogs

    copy = tmp_path / "kratom_check.po"
    shutil.copy(catalogs.po_path("es"), copy)
    shutil.copy(catalogs.po_path("es").with_suffix(".mo"), copy.with_suffix(".mo"))
    monkeypatch.setattr(catalogs, "po_path", lambda language: copy)
    catalogs.update("es")  # brings the copy up to date if the tree is not
    before = copy.read_bytes()
    assert catalogs.update("es") is False
    assert copy.read_bytes() == before


def _options_of(text: str) -> set[str]:
    return set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+|-[a-z])\b", text))


def test_readme_option_table_lists_exactly_the_options_of_help() -> None:
    """Both ways: every option in --help is in the table, and the table names no option --help lacks."""
    table = README.split("### Options")[1].split("\n\n")[1]
    in_table = set()
    for row in table.splitlines()[2:]:
        in_table |= _options_of(row.split("|")[1])
    help_text = CliRunner().invoke(app, ["--help"]).stdout
    in_help = _options_of(help_text) - {"--install-completion", "--show-completion"}
    assert in_table == in_help


def test_readme_says_which_questions_can_be_skipped(questionnaire: Questionnaire) -> None:
    block = README.split("<!-- optional:start -->")[1].split("<!-- optional:end -->")[0]
    listed = [name.strip() for name in block.replace("\n", " ").split(",")]
    assert listed == [question.id for question in questionnaire.questions if not question.required]


def test_readme_shows_the_warning_sign_question_first(questionnaire: Questionnaire) -> None:
    run = README.split("## What a run looks like")[1]
    assert run.index("Question 1 of") < run.index(questionnaire.questions[0].text) < run.index("Question 2 of")
