"""The clinician's part of a report: every answer with warning signs marked, the result with what
raised it, and only the pointers that fit this person, each with its sources, in both languages."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from kratom_check.load import questionnaire as questionnaire_module
from kratom_check.load import wording
from kratom_check.model import Questionnaire
from kratom_check.score.reference import score, without_clinician

from .conftest import LIGHT_USE

Cli = Callable[..., Any]
BASE = {
    "symptoms": ("none",),
    "frequency": ("rarely",),
    "duration": ("over_1_year",),
    "amount": ("small",),
    "product_forms": ("leaf",),
    "co_use": ("none",),
    "liver_conditions": ("none",),
}


def pointers(questionnaire: Questionnaire, **answers: tuple[str, ...]) -> list[str]:
    return [line.id for line in score(questionnaire, {**BASE, **answers}).clinician]


def test_light_use_gets_only_the_drug_screen_pointer(questionnaire: Questionnaire) -> None:
    assert pointers(questionnaire) == ["urine_screens"]


def test_new_regular_use_gets_the_liver_pointer(questionnaire: Questionnaire) -> None:
    found = pointers(questionnaire, frequency=("daily",), duration=("under_1_month",))
    assert "liver_injury" in found


def test_someone_on_methadone_gets_the_qt_and_interaction_pointers_but_not_the_medicines_for_opioid_use(
    questionnaire: Questionnaire,
) -> None:
    found = pointers(
        questionnaire,
        frequency=("several_daily",),
        withdrawal_when_stopping=("yes",),
        daily_medicines=("yes",),
        medicine_kinds=("methadone_buprenorphine",),
    )
    assert {"qt_interval", "interactions", "on_treatment"} <= set(found)
    assert "moud" not in found


def test_stopping_opioids_recently_brings_lost_tolerance_and_the_medicines_for_opioid_use(
    questionnaire: Questionnaire,
) -> None:
    assert {"lost_tolerance", "moud"} <= set(pointers(questionnaire, opioids=("stopped_recently",)))


def test_pregnancy_brings_the_pregnancy_pointers_and_not_the_general_medicines_pointer(
    questionnaire: Questionnaire,
) -> None:
    found = pointers(questionnaire, pregnancy=("yes",), pregnancy_detail=("pregnant",), reasons=("reduce_opioids",))
    assert {"pregnancy", "pregnancy_treatment"} <= set(found)
    assert "moud" not in found
    assert "lactation" not in found


def test_every_pointer_shown_has_its_sources_in_the_report(questionnaire: Questionnaire) -> None:
    assessment = score(questionnaire, {**BASE, "opioids": ("stopped_recently",), "symptoms": ("racing_heart",)})
    listed = [key for key, _ in assessment.sources]
    assert assessment.clinician
    for line in assessment.clinician:
        assert line.sources
        assert all(key in listed for key in line.sources)


@pytest.mark.parametrize("language", ["en", "es"])
def test_no_pointer_gives_dosing_advice_or_uses_a_stigmatising_word(language: str) -> None:
    model = questionnaire_module.load(None, language)
    assert model.clinician
    assert list(wording.all_findings(pointer.text for pointer in model.clinician)) == []


def test_the_answer_behind_a_warning_sign_is_marked(run_cli: Cli) -> None:
    answers = _yaml({**BASE, "symptoms": ("seizure",)})
    page = run_cli("--answers", "-", "--format", "markdown", input=answers).stdout.split("# For your clinician")[1]
    assert "| In the past 2 weeks, have you noticed any of these? | **A seizure (warning sign)** |" in page
    assert "| How often do you use kratom now? | Less than once a week |" in page


def test_the_json_clinician_part_has_answers_areas_and_pointers(run_cli: Cli) -> None:
    answers = _yaml({**BASE, "symptoms": ("seizure",)})
    part = json.loads(run_cli("--answers", "-", "--format", "json", input=answers).stdout)["clinician"]
    symptoms = next(row for row in part["answers"] if row["question"] == "symptoms")
    assert symptoms["chosen"] == [{"choice": "seizure", "label": "A seizure", "warning_sign": True}]
    assert any(row.startswith("Signs you noticed: Urgent") for row in part["areas"])
    assert [pointer["id"] for pointer in part["pointers"]][:1] == ["urine_screens"]


def test_a_spanish_report_has_the_clinician_part_in_spanish(run_cli: Cli) -> None:
    answers = _yaml(BASE)
    page = run_cli("--answers", "-", "--format", "markdown", "--lang", "es", input=answers).stdout
    part = page.split("# Para su profesional de salud")[1]
    assert "Las pruebas estándar de detección de drogas no detectan el kratom." in part
    assert "## Notas para el profesional de salud" in part


def test_the_html_report_has_the_clinician_section(run_cli: Cli) -> None:
    page = run_cli("--answers", "-", "--format", "html", input=_yaml(LIGHT_USE)).stdout
    assert '<section class="clinician">' in page
    assert "Kratom is not detected by standard drug screens." in page


def test_the_text_report_says_where_the_clinician_page_is(run_cli: Cli) -> None:
    text = " ".join(run_cli("--answers", "-", input=_yaml(LIGHT_USE)).stdout.split())
    assert "For a page for your clinician, run:" in text
    assert "kratom-check --format html --output report.html" in text


@pytest.mark.parametrize("output_format", ["text", "markdown", "html", "json"])
def test_no_clinician_leaves_the_page_out_in_every_format(run_cli: Cli, output_format: str) -> None:
    report = run_cli("--answers", "-", "--no-clinician", "--format", output_format, input=_yaml(LIGHT_USE)).stdout
    if output_format == "json":
        assert json.loads(report)["clinician"] is None
    else:
        assert "For your clinician" not in report
        assert "page for your clinician" not in report.lower()
        assert "not detected by standard drug screens" not in report


def test_no_clinician_also_drops_the_sources_only_the_pointers_cite(questionnaire: Questionnaire) -> None:
    full = score(questionnaire, BASE)
    only_pointers = {key for line in full.clinician for key in line.sources} - {
        key
        for line in (*full.safety_net, *full.cautions, *full.next_steps, *full.resources, *full.good_to_know)
        for key in line.sources
    }
    assert only_pointers
    kept = [key for key, _ in without_clinician(full).sources]
    assert not only_pointers & set(kept)
    assert kept == [key for key, _ in full.sources if key not in only_pointers]


def _yaml(answers: dict[str, tuple[str, ...]]) -> str:
    """Checked answers as an answers file (JSON is YAML too)."""
    from kratom_check.ask.answers import as_contract

    return json.dumps(as_contract(answers, questionnaire_module.load()))
