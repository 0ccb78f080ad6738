"""From a screen to a brief intervention: dependence asked properly, what the person wants, and a short
menu of next steps that fits it, with no dosing anywhere and no effect on the level."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kratom_check import i18n
from kratom_check.ask import answers
from kratom_check.ask.interview import parse_typed
from kratom_check.errors import QuestionnaireError
from kratom_check.load import questionnaire as questionnaire_module
from kratom_check.load.wording import dosing_advice, stigmatising_words
from kratom_check.model import MENU_STEPS, Questionnaire
from kratom_check.render import data as json_report
from kratom_check.render import fhir
from kratom_check.render import markdown as markdown_report
from kratom_check.score.reference import score

from .conftest import REPO
from .strategies import answer_sets

SOURCE = (REPO / "questions.yaml").read_text(encoding="utf-8")
ADAPTED_LICENCE = """\
    licence: >-
      Our own wording; no NIDA or WHO text is used. The topic and time frame follow NIDA-Modified ASSIST items 3 to
      7 (NIDA 2012), which NIDA adapted from WHO's ASSIST (copyright WHO) and retired in 2022.
"""
STOPS_AFTER_7OH = {
    "symptoms": ["none"],
    "frequency": "several_daily",
    "duration": "months_6_to_12",
    "amount": "not_in_grams",
    "product_forms": ["seven_oh"],
    "opioids": "no",
    "co_use": ["none"],
    "drinks_alcohol": "no",
    "liver_conditions": ["none"],
    "withdrawal_when_stopping": "yes",
    "pregnancy": "no",
    "goal": "stop",
}


def load_edited(tmp_path: Path, old: str, new: str, *, count: int = 1) -> QuestionnaireError:
    assert old in SOURCE, f"test edit does not apply: {old!r}"
    path = tmp_path / "questions.yaml"
    path.write_text(SOURCE.replace(old, new, count), encoding="utf-8")
    with pytest.raises(QuestionnaireError) as caught:
        questionnaire_module.load(str(path))
    return caught.value


def not_counted(questionnaire: Questionnaire) -> list[str]:
    return [question.id for question in questionnaire.questions if not question.counts]


def assess(questionnaire: Questionnaire, given_answers: dict[str, Any]) -> Any:
    return score(questionnaire, answers.check(questionnaire, given_answers).values)


# Provenance of adapted questions


def test_every_dependence_question_adapted_from_a_screening_tool_states_its_provenance(
    questionnaire: Questionnaire,
) -> None:
    adapted = [question for question in questionnaire.questions if question.adapted_from]
    assert len(adapted) == 5
    for question in adapted:
        assert question.licence
        assert question.validated_for_kratom is False
        assert question.adapted_from in questionnaire.sources


def test_validate_refuses_an_adapted_question_without_its_licence_naming_line_and_field(tmp_path: Path) -> None:
    error = load_edited(tmp_path, ADAPTED_LICENCE, "", count=1)
    (problem,) = error.problems
    assert problem.startswith(f"{tmp_path / 'questions.yaml'}:")
    assert ".licence: an adapted question needs 'licence' too" in problem


def test_validate_refuses_an_adapted_question_that_does_not_say_whether_it_was_validated(tmp_path: Path) -> None:
    error = load_edited(tmp_path, "    validated_for_kratom: false\n", "", count=1)
    (problem,) = error.problems
    assert ".validated_for_kratom: an adapted question needs 'validated_for_kratom' too" in problem


def test_validate_refuses_an_adapted_question_whose_source_is_unknown(tmp_path: Path) -> None:
    error = load_edited(tmp_path, "    adapted_from: nida_nm_assist\n", "    adapted_from: who_assist\n", count=1)
    assert any(".adapted_from: unknown source 'who_assist'" in problem for problem in error.problems)


def test_the_clinician_page_says_where_an_adapted_question_came_from_and_that_it_is_not_validated(
    questionnaire: Questionnaire,
) -> None:
    assessment = assess(questionnaire, {**STOPS_AFTER_7OH, "urges": "yes"})._replace(for_clinician=True)
    page = markdown_report.markdown(assessment, questionnaire)
    row = next(line for line in page.splitlines() if "strong urges to use kratom" in line)
    assert "Adapted from Resource Guide: Screening for Drug Use in General Medical Settings" in row
    assert "not validated for kratom" in row
    answers_json = json_report.as_dict(assessment, questionnaire)["clinician"]["answers"]
    urges = next(item for item in answers_json if item["question"] == "urges")
    assert urges["provenance"].endswith("not validated for kratom.")


def test_the_fhir_questionnaire_carries_the_same_provenance_as_a_display_item(questionnaire: Questionnaire) -> None:
    resource = fhir.questionnaire_resource(questionnaire)
    urges = next(item for item in resource["item"] if item["linkId"] == "urges")
    (note,) = [child for child in urges["item"] if child["linkId"] == "urges.provenance"]
    assert note["type"] == "display"
    assert note["text"].endswith("not validated for kratom.")
    frequency = next(item for item in resource["item"] if item["linkId"] == "frequency")
    assert [child["linkId"] for child in frequency["item"]] == ["frequency.help"]


# What matters to the person never changes the level


def test_what_the_person_wants_is_the_only_part_outside_the_level(questionnaire: Questionnaire) -> None:
    assert not_counted(questionnaire) == ["goal", "importance", "confidence"]
    for question_id in not_counted(questionnaire):
        question = questionnaire.questions_by_id[question_id]
        assert not any(choice.points for choice in question.choices)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_level_never_depends_on_what_the_person_wants(questionnaire: Questionnaire, data: st.DataObject) -> None:
    chosen = data.draw(answer_sets(questionnaire))
    without = {key: value for key, value in chosen.items() if key not in not_counted(questionnaire)}
    a = score(questionnaire, chosen)
    b = score(questionnaire, without)
    assert (a.level, a.combined_level, [(f.id, f.score, f.level) for f in a.factors], a.red_flags) == (
        b.level,
        b.combined_level,
        [(f.id, f.score, f.level) for f in b.factors],
        b.red_flags,
    )


def test_validate_refuses_points_on_a_question_that_does_not_count(tmp_path: Path) -> None:
    points = "        label: Cut down\n        points: {dependence: 1}\n"
    error = load_edited(tmp_path, "        label: Cut down\n", points)
    assert any("a question with 'counts: false' gives no points" in problem for problem in error.problems)


def test_validate_refuses_a_rule_that_reads_what_the_person_wants(tmp_path: Path) -> None:
    error = load_edited(
        tmp_path,
        "  - id: slow_breathing\n    when: {answer: symptoms, includes: slow_breathing}\n",
        "  - id: slow_breathing\n    when: {answer: goal, is: stop}\n",
    )
    assert any("'goal' has 'counts: false', so it cannot decide a level" in problem for problem in error.problems)


def test_validate_refuses_a_ruler_that_is_not_the_numbers_0_to_10(tmp_path: Path) -> None:
    error = load_edited(tmp_path, '      - {id: "10", label: "10"}\n', "")
    assert any("a ruler is a 'single' question with the choices 0 to 10" in problem for problem in error.problems)


# The menu: at most three steps that fit, never a dose, pace or target


def test_choosing_stop_after_daily_7oh_brings_treatment_the_lost_tolerance_and_help_with_withdrawal(
    questionnaire: Questionnaire,
) -> None:
    assessment = assess(questionnaire, STOPS_AFTER_7OH)
    assert [line.id for line in assessment.next_steps] == [
        "menu_opioid_withdrawal",
        "menu_after_a_break",
        "menu_kratom_withdrawal",
    ]
    assert "opioid_treatment" not in [caution.id for caution in assessment.cautions]


@pytest.mark.parametrize(
    "change",
    [
        {"medicine_kinds": ["methadone_buprenorphine"], "daily_medicines": "yes"},
        {"pregnancy": "yes", "pregnancy_detail": ["pregnant"]},
    ],
    ids=["on_methadone_or_buprenorphine", "pregnant"],
)
def test_wanting_to_stop_7oh_brings_no_treatment_or_tolerance_step_to_whom_it_does_not_fit(
    questionnaire: Questionnaire, change: dict[str, Any]
) -> None:
    assessment = assess(questionnaire, {**STOPS_AFTER_7OH, **change})
    shown = [line.id for line in assessment.next_steps]
    assert "menu_opioid_withdrawal" not in shown
    assert "menu_after_a_break" not in shown


def test_cutting_down_kratom_used_for_opioids_still_names_the_opioid_medicines(questionnaire: Questionnaire) -> None:
    answers_given = {**STOPS_AFTER_7OH, "product_forms": ["leaf"], "reasons": ["reduce_opioids"], "goal": "cut_down"}
    assessment = assess(questionnaire, answers_given)
    assert "opioid_treatment" in [caution.id for caution in assessment.cautions]


@pytest.mark.parametrize("goal", ["safer", "cut_down", "stop", "not_sure", "rather_not_say"])
def test_any_answer_about_what_the_person_wants_keeps_what_to_do_next_to_three_steps(
    questionnaire: Questionnaire, goal: str
) -> None:
    busy = {**STOPS_AFTER_7OH, "opioids": "not_prescribed", "co_use": ["sedatives"], "clinician_support": "no"}
    without = assess(questionnaire, {key: value for key, value in busy.items() if key != "goal"})
    assert len(without.next_steps) + len(without.ask_clinician) > MENU_STEPS
    assessment = assess(questionnaire, {**busy, "goal": goal})
    assert len(assessment.next_steps) + len(assessment.ask_clinician) <= MENU_STEPS
    assert assessment.next_steps[0].id.startswith("menu_")


def test_keep_using_brings_the_safety_steps(questionnaire: Questionnaire) -> None:
    assessment = assess(questionnaire, {**STOPS_AFTER_7OH, "goal": "safer", "withdrawal_when_stopping": "no"})
    assert [line.id for line in assessment.next_steps][:2] == ["menu_naloxone", "menu_tell_clinicians"]


def menu_texts() -> list[tuple[str, str]]:
    found = []
    for language in ("en", "es"):
        i18n.activate(language)
        loaded = questionnaire_module.load(language=language)
        new = [q for q in loaded.questions if q.since == "1.3.0"]
        found += [(language, text) for q in new for text in (q.text, q.help, *(c.label for c in q.choices))]
        found += [(language, item.text) for item in loaded.advice if item.kind == "menu"]
        found += [
            (language, text)
            for caution in loaded.cautions
            if caution.id == "hard_to_control"
            for text in (caution.title, caution.text, caution.next_step)
        ]
    i18n.activate("en")
    return found


@pytest.mark.parametrize(("language", "text"), menu_texts())
def test_every_new_text_passes_the_dosing_and_stigma_gates(language: str, text: str) -> None:
    assert dosing_advice(text) == []
    assert stigmatising_words(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Cut down slowly, a little each week.",
        "Set a quit date.",
        "Try to cut your use in half.",
        "Deje de usarlo gradualmente.",
        "Reduzca poco a poco.",
    ],
)
def test_the_dosing_gate_refuses_a_pace_or_a_target(text: str) -> None:
    assert dosing_advice(text)


def test_a_menu_step_that_sets_a_pace_is_refused_at_load(tmp_path: Path) -> None:
    error = load_edited(
        tmp_path,
        "      You do not have to do this on your own. Going without kratom can bring withdrawal.\n",
        "      Cut down slowly, a little each week. Going without kratom can bring withdrawal.\n",
    )
    assert any("sets a pace or a target" in problem for problem in error.problems)


# Dependence asked properly


def test_each_dependence_sign_raises_the_dependence_area_and_three_make_it_moderate(
    questionnaire: Questionnaire,
) -> None:
    base = {"symptoms": ["none"], "frequency": "rarely", "duration": "under_1_month", "amount": "small"}
    base |= {"product_forms": ["leaf"], "opioids": "no", "co_use": ["none"], "drinks_alcohol": "no"}
    base |= {"liver_conditions": ["none"]}
    signs = ["urges", "led_to_problems", "missed_duties", "others_worried", "could_not_cut_down"]
    scores = []
    for count in range(len(signs) + 1):
        assessment = assess(questionnaire, {**base, **dict.fromkeys(signs[:count], "yes")})
        dependence = next(factor for factor in assessment.factors if factor.id == "dependence")
        scores.append((dependence.score, dependence.level))
    assert [score for score, _ in scores] == [0, 1, 2, 3, 4, 5]
    assert [level for _, level in scores] == ["low", "low", "low", "moderate", "moderate", "moderate"]


def test_a_dependence_sign_brings_a_caution_free_of_blame_with_its_sources(questionnaire: Questionnaire) -> None:
    assessment = assess(questionnaire, {**STOPS_AFTER_7OH, "withdrawal_when_stopping": "no", "urges": "yes"})
    caution = next(caution for caution in assessment.cautions if caution.id == "hard_to_control")
    assert caution.sources == ("smith2022", "rogers2024")


def test_the_withdrawal_checklist_is_asked_only_after_withdrawal_was_felt(questionnaire: Questionnaire) -> None:
    checked = answers.check(
        questionnaire, {**STOPS_AFTER_7OH, "withdrawal_when_stopping": "no", "withdrawal_signs": ["aches"]}
    )
    assert "withdrawal_signs" not in checked.values


# The rulers in every way in


def test_a_ruler_reads_an_unquoted_number_from_an_answers_file(questionnaire: Questionnaire) -> None:
    checked = answers.check(questionnaire, {**STOPS_AFTER_7OH, "importance": 9, "confidence": 0})
    assert (checked.values["importance"], checked.values["confidence"]) == (("9",), ("0",))


def test_a_ruler_refuses_a_number_outside_0_to_10(questionnaire: Questionnaire) -> None:
    with pytest.raises(Exception, match="11"):
        answers.check(questionnaire, {**STOPS_AFTER_7OH, "importance": 11})


def test_the_answers_schema_accepts_a_ruler_as_a_number_or_its_id(questionnaire: Questionnaire) -> None:
    import jsonschema

    schema = answers.json_schema(questionnaire)
    jsonschema.validate({**STOPS_AFTER_7OH, "importance": 7, "confidence": "3"}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**STOPS_AFTER_7OH, "importance": 11}, schema)


def test_at_the_terminal_a_ruler_takes_the_number_typed_never_its_position(questionnaire: Questionnaire) -> None:
    importance = questionnaire.questions_by_id["importance"]
    assert parse_typed(importance, "0") == (("0",), None)
    assert parse_typed(importance, "10") == (("10",), None)
    assert parse_typed(importance, "11") == ((), "Type a number from 0 to 10.")


def test_the_json_report_keeps_the_rulers_as_the_person_gave_them(questionnaire: Questionnaire) -> None:
    assessment = assess(questionnaire, {**STOPS_AFTER_7OH, "importance": 9, "confidence": 3})
    report = json.loads(json_report.json_text(assessment, questionnaire))
    assert (report["answers"]["importance"], report["answers"]["confidence"]) == ("9", "3")


def test_the_exported_sql_reads_a_ruler_held_as_a_number_column(questionnaire: Questionnaire) -> None:
    duckdb = pytest.importorskip("duckdb")
    pytest.importorskip("sqlglot")
    from kratom_check.score.sql import export_query

    connection = duckdb.connect()
    columns = []
    for question in questionnaire.questions:
        value = {**STOPS_AFTER_7OH, "importance": 9, "confidence": 11}.get(question.id)
        if isinstance(value, int):
            columns.append(f"{value} AS {question.id}")
        elif value is None:
            columns.append(f"CAST(NULL AS VARCHAR) AS {question.id}")
        else:
            cell = ";".join(value) if isinstance(value, list) else value
            columns.append(f"'{cell}' AS {question.id}")
    connection.execute(f"CREATE TABLE answers AS SELECT 'a' AS id, {', '.join(columns)}")
    connection.execute("INSERT INTO answers SELECT * REPLACE (5 AS confidence, 'b' AS id) FROM answers")
    rows = {row[0]: row for row in connection.execute(export_query(questionnaire, "duckdb")).fetchall()}
    assert rows["a"][-1] == "'confidence': not a choice"
    expected = assess(questionnaire, {**STOPS_AFTER_7OH, "importance": 9, "confidence": 5})
    assert rows["b"][1] == expected.level
    assert rows["b"][-1] is None


def test_batch_scores_a_row_with_rulers_given_as_numbers() -> None:
    from kratom_check.batch import python_engine
    from kratom_check.load import questionnaire as loader

    out = io.StringIO()
    row = json.dumps({"id": 1, **STOPS_AFTER_7OH, "importance": 9, "confidence": 3})
    rows = io.StringIO(row + "\n")
    summary = python_engine.run(loader.load(), rows, out, input_format="jsonl", output_format="jsonl")
    assert summary.errors == 0
    assert json.loads(out.getvalue())["level"] == "high"


def test_a_saved_check_keeps_what_the_person_wants_and_the_rulers(
    run_cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kratom_check.store import history

    monkeypatch.setenv(history.ENVIRONMENT, str(tmp_path / "state"))
    given_answers = json.dumps({**STOPS_AFTER_7OH, "importance": 9, "confidence": 3})
    assert run_cli("--answers", "-", "--save", input=given_answers).exit_code == 0
    saved, _total, _skipped = history.newest(1)
    assert (saved[0].answers["goal"], saved[0].answers["importance"], saved[0].answers["confidence"]) == (
        "stop",
        "9",
        "3",
    )


def test_the_fhir_result_read_back_keeps_what_the_person_wants_and_the_rulers(run_cli: Any, tmp_path: Path) -> None:
    given_answers = json.dumps({**STOPS_AFTER_7OH, "importance": 9, "confidence": 3})
    bundle = run_cli("--answers", "-", "--format", "fhir", input=given_answers)
    assert bundle.exit_code == 0
    path = tmp_path / "bundle.json"
    path.write_text(bundle.stdout, encoding="utf-8")
    again = run_cli("--answers", str(path), "--format", "json")
    assert again.exit_code == 0, again.stderr
    read = json.loads(again.stdout)["answers"]
    assert (read["goal"], read["importance"], read["confidence"]) == ("stop", "9", "3")
