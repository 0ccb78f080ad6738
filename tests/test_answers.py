"""The answers contract: what an answers file may say, and how each mistake is reported."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kratom_check import safe_yaml as safeyaml
from kratom_check.ask import answers
from kratom_check.errors import AnswersError
from kratom_check.model import Questionnaire

from .conftest import EXAMPLE_ANSWERS


def parse(questionnaire: Questionnaire, text: str) -> answers.CheckedAnswers:
    document = safeyaml.parse(text, "answers.yaml", AnswersError)
    return answers.check(questionnaire, document.data, "answers.yaml")


def problems_for(questionnaire: Questionnaire, data: Any) -> list[str]:
    with pytest.raises(AnswersError) as caught:
        answers.check(questionnaire, data, "answers.yaml")
    return caught.value.problems


def test_the_contract_example_is_accepted(questionnaire: Questionnaire) -> None:
    checked = parse(questionnaire, EXAMPLE_ANSWERS)
    assert checked.values["product_forms"] == ("leaf", "extract")
    assert checked.values["alcohol_frequency"] == ("weekly",)
    assert checked.warnings == ()


@pytest.mark.parametrize(("written", "expected"), [("yes", "yes"), ("no", "no"), ('"yes"', "yes"), ("'no'", "no")])
def test_yes_and_no_mean_the_choice_ids_quoted_or_not(
    questionnaire: Questionnaire, written: str, expected: str
) -> None:
    checked = parse(questionnaire, EXAMPLE_ANSWERS + f"pregnancy: {written}\ndaily_medicines: {written}\n")
    assert checked.values["pregnancy"] == (expected,)
    assert checked.values["daily_medicines"] == (expected,)


def test_true_and_false_are_read_as_yes_and_no(questionnaire: Questionnaire) -> None:
    checked = parse(questionnaire, EXAMPLE_ANSWERS + "clinician_support: true\nopioids: false\n")
    assert checked.values["clinician_support"] == ("yes",)
    assert checked.values["opioids"] == ("no",)


def test_a_single_id_is_accepted_for_a_multiple_choice_question(questionnaire: Questionnaire) -> None:
    checked = parse(questionnaire, EXAMPLE_ANSWERS.replace("product_forms: [leaf, extract]", "product_forms: leaf"))
    assert checked.values["product_forms"] == ("leaf",)


def test_none_cannot_be_combined_with_other_choices(questionnaire: Questionnaire) -> None:
    text = EXAMPLE_ANSWERS.replace("symptoms: [none]", "symptoms: [none, itching]")
    with pytest.raises(AnswersError) as caught:
        parse(questionnaire, text)
    assert caught.value.problems == [
        "answers.yaml: 'symptoms': 'none' cannot be combined with other choices (one or more of: yellow_skin_eyes, "
        "dark_urine, pale_stools, itching, belly_pain, nausea_vomiting, unusual_tiredness, confusion, "
        "bleeding_bruising, slow_breathing, chest_pain, racing_heart, fainting, seizure, none)"
    ]


def test_unknown_question_id_lists_the_known_ids(questionnaire: Questionnaire) -> None:
    problems = problems_for(questionnaire, {**_example(), "frequncy": "daily"})
    assert problems == [
        f"answers.yaml: 'frequncy' is not a question id (known: {', '.join(questionnaire.questions_by_id)})"
    ]


def test_unknown_choice_id_lists_the_allowed_ids(questionnaire: Questionnaire) -> None:
    problems = problems_for(questionnaire, {**_example(), "frequency": "hourly"})
    assert problems == [
        "answers.yaml: 'frequency': 'hourly' is not a choice (one of: rarely, weekly, daily, several_daily, many_daily)"
    ]


@pytest.mark.parametrize("value", [3, 2.5, {"nested": "mapping"}, ["daily"]])
def test_wrong_types_are_reported_with_the_allowed_values(questionnaire: Questionnaire, value: Any) -> None:
    (problem,) = problems_for(questionnaire, {**_example(), "frequency": value})
    assert problem.startswith("answers.yaml: 'frequency': ")
    assert problem.endswith("(one of: rarely, weekly, daily, several_daily, many_daily)")


def test_missing_required_answer_is_named(questionnaire: Questionnaire) -> None:
    data = _example()
    del data["symptoms"]
    (problem,) = problems_for(questionnaire, data)
    assert problem.startswith("answers.yaml: 'symptoms' needs an answer (one or more of: yellow_skin_eyes,")


def test_follow_up_becomes_required_when_its_condition_holds(questionnaire: Questionnaire) -> None:
    data = _example()
    del data["alcohol_frequency"]
    (problem,) = problems_for(questionnaire, data)
    assert problem == "answers.yaml: 'alcohol_frequency' needs an answer (one of: never, monthly, weekly, daily)"


def test_answer_to_a_question_that_does_not_apply_is_ignored_with_a_warning(questionnaire: Questionnaire) -> None:
    data = {**_example(), "co_use": ["none"]}
    checked = answers.check(questionnaire, data)
    assert "alcohol_frequency" not in checked.values
    assert checked.warnings == ("'alcohol_frequency' does not apply to these answers, so its answer was ignored.",)


def test_all_problems_are_reported_together(questionnaire: Questionnaire) -> None:
    problems = problems_for(questionnaire, {"frequency": "hourly", "colour": "blue", "symptoms": []})
    assert len(problems) >= 5
    assert any("'colour' is not a question id" in problem for problem in problems)
    assert any("'frequency': 'hourly' is not a choice" in problem for problem in problems)
    assert any("'symptoms': the list is empty" in problem for problem in problems)
    assert any("'duration' needs an answer" in problem for problem in problems)


def test_a_list_document_is_refused_with_the_expected_shape(questionnaire: Questionnaire) -> None:
    with pytest.raises(AnswersError, match="must be a mapping of question id to answer"):
        answers.check(questionnaire, ["daily"], "answers.yaml")


def test_json_answers_are_read_like_yaml(questionnaire: Questionnaire) -> None:
    text = '{"frequency": "daily", "duration": "over_1_year", "amount": "small", "product_forms": ["leaf"], '
    text += '"co_use": ["none"], "liver_conditions": ["none"], "symptoms": ["none"]}'
    checked = parse(questionnaire, text)
    assert checked.values["frequency"] == ("daily",)


def _example() -> dict[str, Any]:
    data: dict[str, Any] = safeyaml.parse(EXAMPLE_ANSWERS, "example", AnswersError).data
    return data


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_answers_file_in_utf16_or_utf32_with_a_byte_order_mark_is_read(
    run_cli: Any, tmp_path: Path, encoding: str
) -> None:
    text = EXAMPLE_ANSWERS
    raw = text.encode(encoding)
    if encoding == "utf-16-be":
        raw = b"\xfe\xff" + raw
    path = tmp_path / "answers.yaml"
    path.write_bytes(raw)
    result = run_cli("--answers", str(path), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["level"] == "high"


def test_text_with_nul_bytes_and_no_byte_order_mark_names_the_encodings_expected(
    run_cli: Any, tmp_path: Path
) -> None:
    path = tmp_path / "answers.yaml"
    path.write_bytes(EXAMPLE_ANSWERS.encode("utf-16-le"))
    result = run_cli("--answers", str(path))
    assert result.exit_code == 2
    assert "in UTF-8 (or UTF-16 or UTF-32 starting with a byte order mark)" in result.stderr


def test_a_file_of_many_unknown_keys_gets_a_short_message(questionnaire: Questionnaire) -> None:
    junk = {f"key{number}": "x" for number in range(5000)}
    problems = problems_for(questionnaire, {**_example(), **junk})
    (unknown,) = [problem for problem in problems if "question ids" in problem]
    assert unknown.startswith("answers.yaml: 'key0', 'key1', ")
    assert "'key19' and 4980 more are not question ids (known: symptoms, frequency," in unknown
    assert len(unknown) < 1000


def test_a_long_bad_value_is_shortened_and_its_control_characters_shown(questionnaire: Questionnaire) -> None:
    problems = problems_for(questionnaire, {**_example(), "frequency": "\x1b[31mred" + "x" * 500})
    (problem,) = problems
    assert "\x1b" not in problem
    assert "\\x1b" in problem
    assert len(problem) < 200


def test_an_error_lists_a_screenful_of_problems_then_how_many_more() -> None:
    error = AnswersError([f"problem {number}" for number in range(50)])
    lines = error.message.splitlines()
    assert lines[0] == "The answers have problems. No report was made. (50 problems)"
    assert len(lines) == 22
    assert lines[-1] == "  - and 30 more problems: fix these first, then run again."


@pytest.mark.parametrize("lang", ["en", "es"])
def test_an_answers_file_means_the_same_under_every_language(run_cli: Any, lang: str) -> None:
    """Labels are accepted in any language the questionnaire has, whatever the reader's locale."""
    spanish = EXAMPLE_ANSWERS.replace("frequency: several_daily", "frequency: 2 o 3 veces al día")
    english = EXAMPLE_ANSWERS.replace("frequency: several_daily", "frequency: 2 or 3 times a day")
    for text in (spanish, english):
        result = run_cli("--lang", lang, "--format", "json", input=text)
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["answers"]["frequency"] == "several_daily"
