"""The commands around the self-check: validate, schema, template, export, and label answers."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from kratom_check.ask import answers
from kratom_check.load import questionnaire
from kratom_check.model import Questionnaire
from kratom_check.score.reference import score

from .conftest import EXAMPLE_ANSWERS, PERSONAS, REPO, load_persona

Run = Callable[..., Any]
SOURCE = (REPO / "questions.yaml").read_text(encoding="utf-8")


def write(tmp_path: Path, text: str, name: str = "questions.yaml") -> Path:
    """A questionnaire file, with the packaged Spanish texts beside it."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    spanish = (REPO / "questions.es.yaml").read_text(encoding="utf-8")
    path.with_name(f"{path.stem}.es.yaml").write_text(spanish, encoding="utf-8")
    return path


# --- validate -----------------------------------------------------------------------------------


def test_validate_passes_the_packaged_questionnaire(run_cli: Run) -> None:
    result = run_cli("validate")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.endswith(": OK: 27 questions, 36 cautions\n")
    assert result.stderr == ""


def test_validate_lists_every_problem_with_line_and_field(run_cli: Run, tmp_path: Path) -> None:
    broken = SOURCE.replace("    kind: single\n", "    kind: pick_one\n", 1).replace(
        "    help: How often you use kratom", "    halp: How often you use kratom", 1
    )
    path = write(tmp_path, broken)
    result = run_cli("validate", str(path))
    assert result.exit_code == 2
    assert "(3 problems)" in result.stderr
    assert "questions[1].help: this field is required" in result.stderr
    assert f"{path}:" in result.stderr
    assert "questions[1].kind: Input should be 'single', 'multiple' or 'yes_no'" in result.stderr
    assert "questions[1].halp: unknown field 'halp'" in result.stderr


def test_validate_reads_standard_input(run_cli: Run) -> None:
    result = run_cli("validate", "-", input=SOURCE)
    assert result.exit_code == 0
    assert result.stdout.startswith("standard input: OK")


def test_validate_warns_about_a_question_that_can_never_be_asked(run_cli: Run, tmp_path: Path) -> None:
    # pregnancy_detail cannot raise the level, so an ask_if may gate it on anything, even never.
    never = SOURCE.replace(
        'ask_if: {answer: pregnancy, is: "yes"}',
        'ask_if: {all: [{answer: pregnancy, is: "yes"}, {answer: pregnancy, is: "no"}]}',
    )
    result = run_cli("validate", str(write(tmp_path, never)))
    assert result.exit_code == 0, result.stderr
    assert "Warning: question 'pregnancy_detail' is never asked: its ask_if can never be true" in result.stderr
    assert result.stdout.endswith(" warnings\n")


def test_validate_warns_about_a_caution_that_can_never_apply(run_cli: Run, tmp_path: Path) -> None:
    never = SOURCE.replace(
        "    when: {answer: co_use, includes: stimulants}\n",
        "    when: {all: [{answer: co_use, includes: stimulants}, {answer: co_use, includes: none}]}\n",
    )
    result = run_cli("validate", str(write(tmp_path, never)))
    assert "Warning: cautions 'stimulants' never applies: its condition can never be true" in result.stderr


def test_validate_warns_about_a_factor_no_answer_feeds(run_cli: Run, tmp_path: Path) -> None:
    unfed = SOURCE.replace("        points: {pregnancy: 1}\n", "")
    result = run_cli("validate", str(write(tmp_path, unfed)))
    assert "Warning: factor 'pregnancy' is fed by no answer (no choice gives it points)" in result.stderr


# --- schema -------------------------------------------------------------------------------------


def test_schema_command_prints_the_committed_schema(run_cli: Run) -> None:
    result = run_cli("schema")
    assert result.exit_code == 0
    committed = (REPO / "questionnaire.schema.json").read_text(encoding="utf-8")
    assert result.stdout == committed, "run: python -m tests.generated"


def test_questions_yaml_validates_against_the_schema() -> None:
    import jsonschema

    schema = json.loads((REPO / "questionnaire.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(yaml.safe_load(SOURCE), schema)


def test_questions_yaml_points_editors_at_the_schema() -> None:
    assert SOURCE.splitlines()[0] == "# yaml-language-server: $schema=questionnaire.schema.json"


# --- template -----------------------------------------------------------------------------------


def test_yaml_template_lists_every_question_and_its_ids(run_cli: Run, questionnaire: Questionnaire) -> None:
    text = run_cli("template").stdout
    for question in questionnaire.questions:
        assert f"\n{question.id}:\n" in text
        assert f"# {question.text}" in text
        for choice in question.choices:
            assert f"#   {choice.id}: {choice.label}" in text


def test_unfilled_template_names_every_missing_answer(run_cli: Run) -> None:
    result = run_cli(input=run_cli("template").stdout)
    assert result.exit_code == 2
    assert "'frequency' needs an answer" in result.stderr
    assert "'reasons'" not in result.stderr  # optional questions may stay empty


@pytest.mark.parametrize("persona", PERSONAS[:4], ids=lambda path: path.stem)
def test_template_filled_from_a_persona_scores_like_the_persona(
    run_cli: Run, questionnaire: Questionnaire, persona: Path
) -> None:
    data = load_persona(persona)
    lines = []
    for line in run_cli("template").stdout.splitlines():
        key = line[:-1] if line.endswith(":") and not line.startswith("#") else None
        if key in data["answers"]:
            line = f"{key}: {json.dumps(data['answers'][key])}"
        lines.append(line)
    result = run_cli("--format", "json", input="\n".join(lines))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["level"] == data["expected_level"]


def test_json_template_has_every_question(run_cli: Run, questionnaire: Questionnaire) -> None:
    data = json.loads(run_cli("template", "--format", "json").stdout)
    assert list(data) == [question.id for question in questionnaire.questions]


# --- answers by label ---------------------------------------------------------------------------


def test_answers_may_name_a_choice_by_its_label(questionnaire: Questionnaire) -> None:
    data = yaml.safe_load(EXAMPLE_ANSWERS)
    data.update(
        {"frequency": "once a DAY", "product_forms": ["Plain leaf powder, capsules, or tea"], "co_use": "None of these"}
    )
    checked = answers.check(questionnaire, data)
    assert checked.values["frequency"] == ("daily",)
    assert checked.values["product_forms"] == ("leaf",)
    assert checked.values["co_use"] == ("none",)


def test_unknown_label_is_still_an_error(questionnaire: Questionnaire) -> None:
    data = {**yaml.safe_load(EXAMPLE_ANSWERS), "frequency": "sometimes"}
    with pytest.raises(Exception, match="'sometimes' is not a choice"):
        answers.check(questionnaire, data)


# --- FHIR ---------------------------------------------------------------------------------------


def test_fhir_questionnaire_export_is_a_valid_r4_questionnaire(run_cli: Run, questionnaire: Questionnaire) -> None:
    from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire

    result = run_cli("export", "fhir-questionnaire")
    assert result.exit_code == 0, result.stderr
    resource = FhirQuestionnaire.model_validate_json(result.stdout)
    items = {item.linkId: item for item in resource.item or []}
    assert list(items) == [question.id for question in questionnaire.questions]
    follow_up = items["alcohol_frequency"]
    assert follow_up.enableWhen is not None
    assert follow_up.enableWhen[0].question == "co_use"
    assert items["product_forms"].repeats is True
    codes = [option.valueCoding.code for option in items["symptoms"].answerOption or []]
    assert tuple(codes) == questionnaire.questions_by_id["symptoms"].choice_ids


def test_fhir_format_is_a_bundle_of_valid_response_and_risk_assessment(run_cli: Run) -> None:
    from fhir.resources.R4B.bundle import Bundle
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
    from fhir.resources.R4B.riskassessment import RiskAssessment

    result = run_cli("--format", "fhir", input=EXAMPLE_ANSWERS)
    assert result.exit_code == 0, result.stderr
    Bundle.model_validate_json(result.stdout)
    entries = [entry["resource"] for entry in json.loads(result.stdout)["entry"]]
    QuestionnaireResponse.model_validate(entries[0])
    risk = RiskAssessment.model_validate(entries[1])
    assert risk.prediction is not None
    assert risk.prediction[0].qualitativeRisk.coding[0].code == "high"


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda path: path.stem)
def test_questionnaire_response_round_trips_to_the_same_answers(questionnaire: Questionnaire, persona: Path) -> None:
    from kratom_check.render import fhir

    checked = answers.check(questionnaire, load_persona(persona)["answers"])
    bundle = fhir.bundle(score(questionnaire, checked.values), questionnaire)
    response = bundle["entry"][0]["resource"]
    assert answers.from_fhir(questionnaire, response).values == checked.values


def test_fhir_ids_differ_between_runs_and_are_rfc_4122_uuids(run_cli: Run) -> None:
    import uuid

    def ids(output: str) -> list[str]:
        return [entry["fullUrl"] for entry in json.loads(output)["entry"]]

    first = ids(run_cli("--format", "fhir", input=EXAMPLE_ANSWERS).stdout)
    second = ids(run_cli("--format", "fhir", input=EXAMPLE_ANSWERS).stdout)
    assert set(first).isdisjoint(second)
    for value in first:
        parsed = uuid.UUID(value.removeprefix("urn:uuid:"))
        assert parsed.variant == uuid.RFC_4122
        assert parsed.version == 4


def test_fhir_bundle_is_the_same_for_the_same_answers_and_seed(run_cli: Run) -> None:
    import uuid

    fixed = ("--date", "2026-11-25T10:00:00+00:00")  # the time is in the bundle too
    first = run_cli("--format", "fhir", "--seed", "clinic-42", *fixed, input=EXAMPLE_ANSWERS).stdout
    assert first == run_cli("--format", "fhir", "--seed", "clinic-42", *fixed, input=EXAMPLE_ANSWERS).stdout
    assert first != run_cli("--format", "fhir", "--seed", "clinic-43", *fixed, input=EXAMPLE_ANSWERS).stdout
    for entry in json.loads(first)["entry"]:
        assert uuid.UUID(entry["fullUrl"].removeprefix("urn:uuid:")).version == 5


def test_html_report_is_self_contained(run_cli: Run) -> None:
    page = run_cli("--format", "html", input=EXAMPLE_ANSWERS).stdout
    assert page.startswith("<!DOCTYPE html>")
    lowered = page.lower()
    for forbidden in ("<script", "<link", "<img", "<iframe", "@import", "src="):
        assert forbidden not in lowered


def test_html_report_has_level_answers_cautions_and_notice(run_cli: Run) -> None:
    page = run_cli("--format", "html", input=EXAMPLE_ANSWERS).stdout
    assert "Your result: High: we found a serious risk, or several risks together" in page
    assert "<td>How often do you use kratom now?</td><td>2 or 3 times a day</td>" in page
    assert "When to get care" in page
    assert "Why you got this result" in page
    assert "This check is not a diagnosis." in page


def test_html_report_escapes_questionnaire_text(run_cli: Run, tmp_path: Path) -> None:
    hostile = SOURCE.replace("title: Kratom self-check", 'title: "<script>alert(1)</script>"')
    path = write(tmp_path, hostile)
    page = run_cli("--questions", str(path), "--format", "html", input=EXAMPLE_ANSWERS).stdout
    assert "<script>" not in page
    assert "&lt;script&gt;" in page


def test_packaged_questionnaire_loads_the_same_either_way() -> None:
    from kratom_check.load.regions import in_region
    from kratom_check.model import from_data, to_data

    for code in (None, "AU", "ZZ"):
        checked = from_data(in_region(to_data(questionnaire.load_checked()), code, from_locale=True))
        assert questionnaire.load(None, None, code, from_locale=True) == checked
