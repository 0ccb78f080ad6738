"""Loading questions.yaml: a valid file loads; every kind of mistake names file, line and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kratom_check.errors import QuestionnaireError
from kratom_check.load import questionnaire

from .conftest import REPO

SOURCE = (REPO / "questions.yaml").read_text(encoding="utf-8")


def load_changed(tmp_path: Path, old: str, new: str, *, count: int = 1) -> QuestionnaireError:
    """Load questions.yaml with one edit applied and return the error it raises."""
    assert old in SOURCE, f"test edit does not apply: {old!r}"
    path = tmp_path / "questions.yaml"
    path.write_text(SOURCE.replace(old, new, count), encoding="utf-8")
    with pytest.raises(QuestionnaireError) as caught:
        questionnaire.load(str(path))
    return caught.value


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    """1-based line of the n-th line containing fragment in the edited file."""
    hits = [number for number, line in enumerate(text.splitlines(), 1) if fragment in line]
    return hits[occurrence - 1]


def edited(old: str, new: str) -> str:
    return SOURCE.replace(old, new, 1)


def test_packaged_questionnaire_loads() -> None:
    model = questionnaire.load()
    assert model.schema_version == 1
    assert len(model.questions) >= 15


def test_packaged_path_points_at_a_file() -> None:
    assert questionnaire.packaged_path().is_file()


def test_unknown_factor_in_points_names_line_field_and_known_factors(tmp_path: Path) -> None:
    error = load_changed(tmp_path, "points: {use_pattern: 1}\n", "points: {livr: 1}\n")
    line = line_of(edited("points: {use_pattern: 1}\n", "points: {livr: 1}\n"), "livr")
    assert error.problems == [
        f"{tmp_path / 'questions.yaml'}:{line}: questions[2].choices[1].points.livr: unknown factor 'livr' "
        "(known: use_pattern, products, other_substances, liver, symptoms, dependence, pregnancy)"
    ]


def test_duplicate_question_id_is_reported(tmp_path: Path) -> None:
    error = load_changed(tmp_path, "  - id: duration\n", "  - id: frequency\n")
    assert any("questions[2].id: the id 'frequency' is used twice" in problem for problem in error.problems)


def test_duplicate_yaml_key_is_rejected_not_merged(tmp_path: Path) -> None:
    old = "    text: How often do you use kratom now?\n"
    error = load_changed(tmp_path, old, old + "    text: Again?\n")
    line = line_of(edited(old, old + "    text: Again?\n"), "Again?")
    assert error.problems == [
        f"{tmp_path / 'questions.yaml'}:{line}: the key 'text' appears twice in the same mapping. Keep only one."
    ]


def test_ask_if_may_not_point_at_a_later_question(tmp_path: Path) -> None:
    error = load_changed(
        tmp_path, 'ask_if: {answer: daily_medicines, is: "yes"}', "ask_if: {answer: pregnancy, is: 'yes'}"
    )
    assert any(
        "questions[11].ask_if.answer: 'pregnancy' is not an earlier question id" in problem
        for problem in error.problems
    )


def test_unknown_source_key_is_reported_with_known_keys(tmp_path: Path) -> None:
    error = load_changed(tmp_path, "sources: [binswanger2007,", "sources: [strang2030,")
    (problem,) = error.problems
    assert "cautions[" in problem
    assert ".sources[0]: unknown source 'strang2030' (known: livertox, livertox_cases, livertox_hds," in problem


def test_misspelt_field_lists_the_allowed_fields(tmp_path: Path) -> None:
    error = load_changed(tmp_path, "    help: How often you use kratom", "    halp: How often you use kratom")
    assert any(
        "questions[1].halp: unknown field 'halp' "
        "(allowed: id, kind, text, help, required, short, ask_if, since, ruler, choices)" in p
        for p in error.problems
    )


def test_missing_required_field_is_named(tmp_path: Path) -> None:
    error = load_changed(tmp_path, "    text: How often do you use kratom now?\n", "")
    assert any(problem.endswith("questions[1].text: this field is required") for problem in error.problems)


def test_wrong_question_kind_lists_the_kinds(tmp_path: Path) -> None:
    error = load_changed(tmp_path, "    kind: single\n", "    kind: pick_one\n")
    line = line_of(edited("    kind: single\n", "    kind: pick_one\n"), "pick_one")
    assert error.problems == [
        f"{tmp_path / 'questions.yaml'}:{line}: questions[1].kind: Input should be 'single', 'multiple' or 'yes_no'"
    ]


def test_condition_with_two_forms_is_rejected(tmp_path: Path) -> None:
    error = load_changed(
        tmp_path,
        'ask_if: {answer: daily_medicines, is: "yes"}',
        'ask_if: {answer: daily_medicines, is: "yes", any: [{answer: co_use, includes: none}]}',
    )
    assert any("needs exactly one of: any, all, not, answer" in problem for problem in error.problems)


def test_thresholds_must_rise_with_the_level(tmp_path: Path) -> None:
    error = load_changed(tmp_path, "thresholds: {moderate: 2, high: 5}", "thresholds: {moderate: 5, high: 2}")
    assert any("factors[1].thresholds: thresholds must rise with the level" in problem for problem in error.problems)


def test_rules_may_not_use_not(tmp_path: Path) -> None:
    error = load_changed(
        tmp_path,
        "    when: {answer: symptoms, includes: dark_urine}\n",
        "    when: {not: {answer: symptoms, includes: none}}\n",
    )
    assert any("rules only raise the level" in problem for problem in error.problems)


def test_condition_naming_an_unknown_choice_lists_the_choices(tmp_path: Path) -> None:
    error = load_changed(
        tmp_path, "when: {answer: symptoms, includes: dark_urine}", "when: {answer: symptoms, includes: dark_pee}"
    )
    assert any(
        "rules[6].when.includes[0]: unknown choice 'dark_pee' for 'symptoms' (known: yellow_skin_eyes," in problem
        for problem in error.problems
    )


def test_a_list_instead_of_a_mapping_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- one\n- two\n", encoding="utf-8")
    with pytest.raises(QuestionnaireError) as caught:
        questionnaire.load(str(path))
    assert "must be a YAML mapping" in caught.value.message
    assert "not a list" in caught.value.message


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = tmp_path / "questions.yaml"
    text = SOURCE.replace("points: {use_pattern: 1}\n", "points: {livr: 1}\n", 1).replace(
        "sources: [binswanger2007,", "sources: [nobody,", 1
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(QuestionnaireError) as caught:
        questionnaire.load(str(path))
    assert len(caught.value.problems) == 2
    assert caught.value.message.startswith("The questionnaire file has problems. (2 problems)")


def test_missing_file_is_a_clear_error() -> None:
    with pytest.raises(QuestionnaireError, match="no such file"):
        questionnaire.load("/nonexistent/questions.yaml")


def test_compiled_copy_is_up_to_date_with_questions_yaml() -> None:
    from kratom_check.load import compiled

    payload = json.loads(compiled.COMPILED.read_text(encoding="utf-8"))
    source = (REPO / "questions.yaml").read_bytes()
    assert payload["source_sha256"] == compiled.digest(source), "run: python -m tests.generated"


def test_compiled_copy_equals_the_fully_checked_questionnaire() -> None:
    from kratom_check.load import compiled

    trusted = compiled.load_trusted(REPO / "questions.yaml")
    assert trusted is not None
    assert trusted == questionnaire.load_checked(str(REPO / "questions.yaml"))


def test_compiled_copy_is_ignored_when_the_source_changed(tmp_path: Path) -> None:
    from kratom_check.load import compiled

    edited_source = tmp_path / "questions.yaml"
    edited_source.write_text(SOURCE.replace("Kratom self-check", "Edited"), encoding="utf-8")
    assert compiled.load_trusted(edited_source) is None


def test_compiled_copy_is_ignored_when_broken(tmp_path: Path) -> None:
    from kratom_check.load import compiled

    broken = tmp_path / "questions.compiled.json"
    broken.write_text("{not json", encoding="utf-8")
    assert compiled.load_trusted(REPO / "questions.yaml", broken) is None


def test_a_questionnaire_that_gives_dosing_advice_is_refused_with_its_line(tmp_path: Path) -> None:
    error = load_changed(
        tmp_path,
        "They have ways to ease it.\n",
        "Take no more than 4 grams a day.\n",
    )
    (problem,) = error.problems
    assert ".next_step: bounds an amount ('" in problem
    assert "a report never names a safe amount, schedule or taper" in problem
    assert problem.startswith(f"{tmp_path / 'questions.yaml'}:")


def test_a_questionnaire_with_a_stigmatising_word_is_refused(tmp_path: Path) -> None:
    error = load_changed(tmp_path, "How often do you use kratom now?\n", "How often do addicts use it?\n")
    (problem,) = error.problems
    assert "questions[1].text: uses the word 'addicts': use person-first words" in problem


def test_a_control_character_in_a_questionnaire_text_is_refused(tmp_path: Path) -> None:
    error = load_changed(tmp_path, "How often do you use kratom now?", '"How often do you use kratom now?\\x1b[2J"')
    (problem,) = error.problems
    assert "questions[1].text: 'How often do you use kratom now?\\x1b[2J' has a control character" in problem


def test_an_ask_if_with_not_may_not_hide_a_question_that_raises_the_level(tmp_path: Path) -> None:
    """Hiding the warning signs behind 'not' would let adding a risk factor lower the result."""
    error = load_changed(
        tmp_path,
        "  - id: liver_conditions\n    short: Liver problems\n",
        "  - id: liver_conditions\n    short: Liver problems\n    ask_if: {not: {answer: co_use, includes: alcohol}}\n",
    )
    (problem,) = error.problems
    assert "questions[12].ask_if: 'liver_conditions' can raise the level, so a riskier answer must never" in problem
    assert "its ask_if may not use 'not'" in problem


def test_an_ask_if_on_a_less_risky_choice_may_not_hide_a_question_that_raises_the_level(tmp_path: Path) -> None:
    error = load_changed(
        tmp_path,
        "  - id: liver_conditions\n    short: Liver problems\n",
        "  - id: liver_conditions\n    short: Liver problems\n    ask_if: {answer: frequency, is: rarely}\n",
    )
    (problem,) = error.problems
    assert "its ask_if names some choices of 'frequency' but not the riskier 'daily'" in problem


def test_an_ask_if_on_an_exclusive_choice_may_not_hide_a_question_that_raises_the_level(tmp_path: Path) -> None:
    error = load_changed(
        tmp_path,
        "  - id: liver_conditions\n    short: Liver problems\n",
        "  - id: liver_conditions\n    short: Liver problems\n    ask_if: {answer: co_use, includes: none}\n",
    )
    (problem,) = error.problems
    assert "its ask_if may not test the exclusive choice 'none'" in problem
