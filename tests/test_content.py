"""What a person reads: evidence-traced, plain, person-first, and never dosing advice."""

from __future__ import annotations

import re
import statistics
from pathlib import Path
from typing import Any

import pytest
import textstat  # type: ignore[import-untyped]
from hypothesis import given
from hypothesis import strategies as st

from kratom_check.load import questionnaire as questionnaire_module
from kratom_check.load import wording as language
from kratom_check.model import Questionnaire
from kratom_check.render import data as data_report
from kratom_check.render import markdown as markdown_report
from kratom_check.render import text as report
from kratom_check.score.reference import score

from .conftest import REPO
from .strategies import answer_sets

# The answers contract (shared/answers-contract.md): stable ids a public interface depends on.
CONTRACT: dict[str, tuple[str, tuple[str, ...]]] = {
    "frequency": ("single", ("rarely", "weekly", "daily", "several_daily", "many_daily")),
    "duration": ("single", ("under_1_month", "months_1_to_6", "months_6_to_12", "over_1_year")),
    "amount": ("single", ("small", "moderate", "large", "not_in_grams", "unsure")),
    "product_forms": ("multiple", ("leaf", "extract", "seven_oh", "shots", "tablets", "unsure")),
    "reasons": ("multiple", ("opioid_withdrawal", "reduce_opioids", "pain", "energy", "mood", "other")),
    "opioids": ("single", ("no", "prescribed", "not_prescribed", "stopped_recently", "released_recently")),
    "co_use": ("multiple", ("alcohol", "acetaminophen", "sedatives", "stimulants", "supplements", "cannabis", "none")),
    "drinks_alcohol": ("yes_no", ("yes", "no")),
    "alcohol_frequency": ("single", ("never", "monthly", "weekly", "daily")),
    "daily_medicines": ("yes_no", ("yes", "no")),
    "medicine_kinds": (
        "multiple",
        (
            "opioid_medicines", "methadone_buprenorphine", "sleep_or_benzo", "gabapentin_pregabalin",
            "mental_health_medicines", "antipsychotics", "nausea_medicines", "other",
        ),
    ),
    "liver_conditions": (
        "multiple",
        (
            "hepatitis_b", "hepatitis_c", "fatty_liver", "cirrhosis", "alcohol_liver",
            "abnormal_liver_tests", "other_liver", "none", "unsure",
        ),
    ),
    "liver_tests": ("single", ("recent_normal", "recent_abnormal", "over_a_year", "never_or_unsure")),
    "symptoms": (
        "multiple",
        (
            "yellow_skin_eyes", "dark_urine", "pale_stools", "itching", "belly_pain", "nausea_vomiting",
            "unusual_tiredness", "confusion", "bleeding_bruising", "slow_breathing", "chest_pain", "racing_heart",
            "fainting", "seizure", "none",
        ),
    ),
    "withdrawal_when_stopping": ("single", ("yes", "no", "not_tried")),
    "withdrawal_signs": ("multiple", ("aches", "poor_sleep", "runny_nose", "cranky", "cravings", "other")),
    "urges": ("yes_no", ("yes", "no")),
    "led_to_problems": ("yes_no", ("yes", "no")),
    "missed_duties": ("yes_no", ("yes", "no")),
    "others_worried": ("yes_no", ("yes", "no")),
    "could_not_cut_down": ("yes_no", ("yes", "no")),
    "clinician_support": ("yes_no", ("yes", "no")),
    "pregnancy": ("single", ("yes", "no", "not_applicable")),
    "pregnancy_detail": ("multiple", ("pregnant", "breastfeeding")),
    "goal": ("single", ("safer", "cut_down", "stop", "not_sure", "rather_not_say")),
    "importance": ("single", tuple(str(number) for number in range(11))),
    "confidence": ("single", tuple(str(number) for number in range(11))),
}  # fmt: skip
ADDED_IN_1_1 = {
    "medicine_kinds", "pregnancy_detail", "amount.not_in_grams", "symptoms.slow_breathing", "symptoms.chest_pain",
    "symptoms.racing_heart", "symptoms.fainting", "symptoms.seizure",
}  # fmt: skip
ADDED_IN_1_2 = {
    "drinks_alcohol", "opioids.released_recently", "medicine_kinds.methadone_buprenorphine",
    "medicine_kinds.antipsychotics", "co_use.cannabis", "product_forms.tablets",
}  # fmt: skip
ADDED_IN_1_3 = {
    "withdrawal_signs", "urges", "led_to_problems", "missed_duties", "others_worried", "could_not_cut_down", "goal",
    "importance", "confidence",
}  # fmt: skip

# Source keys of shared/evidence.md (revision 2), plus sources found with the search tool (named in
# docs/content.md). Keys the brief dropped (kamble2020, niddk_alf, fda_acetaminophen, who_audit) are not here.
EVIDENCE_KEYS = {
    "livertox", "livertox_cases", "livertox_hds", "dilin2021", "schimmel2020", "cdc_mmwr2019", "fda_kratom",
    "fda_7oh2025", "fda_7oh_consumer", "cdc_salmonella2018", "singh2014", "smith2022", "garciaromeu2020",
    "tanna2023", "tanna2021", "leong2021", "leong2021_ecg", "crediblemeds", "post2019", "anwar2016",
    "fda_gabapentinoid2019", "fda_opioid_benzo2016", "niaaa_alcohol_meds", "cdc_overdose_response",
    "fda_naloxone_consumer", "fda_naloxone2023", "ahrq_moud_overdose", "strang2003", "samhsa_moud", "kratom_bup",
    "acog711", "nas_pediatrics2018", "nas_pch2019", "nhs_sps_lactation_opioid",
    "lee2004_apap", "fda_apap_bulletin", "niddk_cirrhosis", "hhs_hcv_cure", "samhsa_helpline", "poison_help",
    "lifeline988",
}  # fmt: skip
SEARCHED_KEYS = {"fda_heavy_metals2019"}
# Questionnaire 1.3.0: the design reference of the dependence questions (docs/content.md, "Questionnaire 1.3.0").
DESIGN_KEYS = {"nida_nm_assist"}
# Revision 3 of the brief and evidence-sources-3.md (docs/content.md, "Secondary facts checked (revision 3)").
REVISION_3_KEYS = {
    "samhsa_naltrexone", "oasas_moud", "asam_patient_guide2020", "nysdoh_preg_oud", "binswanger2007", "merrall2010",
    "ky_never_alone", "frederick_never_alone", "fda_benzo2020", "lactmed_bup", "rogers2024", "medlineplus_pale_stools",
    "medlineplus_dih", "au_thn", "govuk_naloxone", "canada_naloxone",
}  # fmt: skip
REGION_KEYS = {  # official pages for other countries' help numbers: docs/content.md, "Help by country"
    "acma_000", "sa_health_drug_emergency", "qld_poisons_info", "canada_good_samaritan", "ontario_poison_centre",
    "sante_montreal_poison", "sacyl_intoxicacion", "castilla_la_mancha_112", "nhs_poisoning", "npis_public",
    "nidirect_poisoning", "gob_mx_911", "au_aod_hotline",
}  # fmt: skip

GENERIC_WORDS = {"yes", "no", "other"} | {str(number) for number in range(11)}
"""The yes/no question kind's own vocabulary, a common word, and a ruler's numbers."""


def test_questionnaire_has_every_contract_question_and_choice(questionnaire: Questionnaire) -> None:
    found = {q.id: (q.kind, tuple(sorted(q.choice_ids))) for q in questionnaire.questions}
    assert found == {qid: (kind, tuple(sorted(ids))) for qid, (kind, ids) in CONTRACT.items()}


def test_additions_to_the_contract_say_which_version_they_arrived_in(questionnaire: Questionnaire) -> None:
    questions = questionnaire.questions
    marked = {question.id for question in questions if question.since} | {
        f"{question.id}.{choice.id}" for question in questions for choice in question.choices if choice.since
    }
    assert marked == ADDED_IN_1_1 | ADDED_IN_1_2 | ADDED_IN_1_3
    for question in questionnaire.questions:
        assert question.since in (None, "1.1.0", "1.2.0", "1.3.0"), question.id
        if question.id in ADDED_IN_1_3:
            assert question.since == "1.3.0", question.id
            assert not question.required, question.id
        for choice in question.choices:
            if f"{question.id}.{choice.id}" in ADDED_IN_1_2:
                assert choice.since == "1.2.0", choice.id


def test_engine_code_names_no_question_or_choice_id() -> None:
    ids = set(CONTRACT) | {choice for _, choices in CONTRACT.values() for choice in choices}
    alternatives = "|".join(sorted(ids - GENERIC_WORDS))
    pattern = re.compile(rf"""["']({alternatives})["']""")
    hits = [
        f"{path.name}:{number}: {line.strip()}"
        for path in sorted([*(REPO / "kratom_check").glob("*.py"), *(REPO / "kratom_check" / "batch").glob("*.py")])
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert hits == []


def test_no_questionnaire_string_gives_dosing_advice(questionnaire: Questionnaire) -> None:
    findings = [(w.where, f.match) for w in language.wordings(questionnaire) for f in language.dosing_advice(w.text)]
    assert findings == []


def test_no_questionnaire_string_uses_stigmatising_words(questionnaire: Questionnaire) -> None:
    findings = [
        (w.where, f.match) for w in language.wordings(questionnaire) for f in language.stigmatising_words(w.text)
    ]
    assert findings == []


@pytest.mark.parametrize(
    "phrase",
    [
        "Take no more than 4 grams a day.",
        "A safe dose is 2 grams.",
        "Limit yourself to twice a day.",
        "Taper by 1 gram each week.",
        "Cut back by 10 percent a week.",
        "Use it only 2 times a day.",
        "Take kratom every 6 hours.",
        "This amount is safe.",
    ],
)
def test_dosing_checker_flags_dosing_advice(phrase: str) -> None:
    assert language.dosing_advice(phrase)


@pytest.mark.parametrize(
    "phrase",
    [
        "No amount is known to be safe for the liver.",
        "Less than 5 grams",
        "You said you use kratom 2 or 3 times a day.",
        "Talk with a clinician before you stop or change how you use kratom.",
    ],
)
def test_dosing_checker_allows_restating_answers_and_no_safe_amount(phrase: str) -> None:
    assert language.dosing_advice(phrase) == []


@pytest.mark.parametrize("word", ["abuse", "addict", "junkie", "clean", "users"])
def test_stigma_checker_flags_stigmatising_words(word: str) -> None:
    assert language.stigmatising_words(f"Some {word} text.")


def test_agency_names_are_not_flagged_as_stigmatising() -> None:
    assert language.stigmatising_words("Substance Abuse and Mental Health Services Administration") == []


def _grades(questionnaire: Questionnaire) -> list[tuple[float, str, str, bool]]:
    return [
        (textstat.flesch_kincaid_grade(w.text), w.where, w.text, w.paragraph) for w in language.wordings(questionnaire)
    ]


def test_every_caution_and_advice_paragraph_is_at_grade_8_or_below(questionnaire: Questionnaire) -> None:
    grades = sorted((g for g in _grades(questionnaire) if g[3]), reverse=True)
    too_hard = [(round(grade, 1), where) for grade, where, _, _ in grades if grade > 8]
    worst = "\n".join(f"{grade:5.1f}  {where}: {text}" for grade, where, text, _ in grades[:5])
    assert too_hard == [], f"paragraphs above grade 8; the worst five:\n{worst}"


def _cli_messages() -> list[tuple[float, str, str, bool]]:
    """The CLI's own English messages, placeholders read as a word."""
    from . import catalogs

    messages = []
    for message in catalogs.extracted():
        for text in message.id if isinstance(message.id, tuple) else (message.id,):
            if text:
                plain = re.sub(r"\{\w+\}", "it", text)
                messages.append((textstat.flesch_kincaid_grade(plain), f"message: {text[:40]}", plain, False))
    return messages


def test_median_reading_grade_is_6_or_below(questionnaire: Questionnaire) -> None:
    grades = sorted([*_grades(questionnaire), *_cli_messages()], reverse=True)
    worst = "\n".join(f"{grade:5.1f}  {where}: {text}" for grade, where, text, _ in grades[:5])
    assert statistics.median(g[0] for g in grades) <= 6, f"the worst five:\n{worst}"


def test_every_source_is_from_the_evidence_brief_or_documented_search(questionnaire: Questionnaire) -> None:
    assert set(questionnaire.sources) <= EVIDENCE_KEYS | SEARCHED_KEYS | REGION_KEYS | REVISION_3_KEYS | DESIGN_KEYS


def test_every_region_source_is_cited_in_the_help_by_country_table() -> None:
    table = (REPO / "docs" / "content.md").read_text(encoding="utf-8").split("### Help by country\n", 1)[1]
    assert all(f"`{key}`" in table.split("\n#", 1)[0] for key in REGION_KEYS)


def test_every_source_is_cited_somewhere() -> None:
    every_country = questionnaire_module.load_checked()
    lines = (
        every_country.rules, every_country.cautions, every_country.advice, every_country.resources,
        every_country.clinician,
    )  # fmt: skip
    regional = tuple(region.resources for region in every_country.regions)
    cited = {key for section in (*lines, *regional) for item in section for key in item.sources}
    adapted_from = {question.adapted_from for question in every_country.questions if question.adapted_from}
    assert set(every_country.sources) == cited | adapted_from


@pytest.mark.parametrize(
    "caution_id",
    [
        "regular_use", "new_regular_use", "concentrated_products", "seven_oh_products", "unsure_product",
        "alcohol", "heavy_drinking", "acetaminophen", "supplements", "overdose_risk", "lost_tolerance", "stimulants",
        "daily_medicines", "heart_rhythm_medicines", "hepatitis_b", "hepatitis_c", "fatty_liver", "cirrhosis",
        "alcohol_liver", "other_liver", "abnormal_liver_tests", "liver_unknown", "dependence_and_withdrawal",
        "pregnancy", "treatment_in_pregnancy", "breastfeeding", "opioid_treatment", "liver_warning_signs",
        "early_liver_signs", "heart_signs", "seizure", "on_treatment", "kratom_treatment", "benzo_do_not_stop",
        "gabapentinoid_ask_first",
    ],
)  # fmt: skip
def test_each_required_topic_has_its_own_caution(questionnaire: Questionnaire, caution_id: str) -> None:
    assert caution_id in {caution.id for caution in questionnaire.cautions}


def test_treatment_caution_names_the_medicines_that_ease_withdrawal_and_not_naltrexone(
    questionnaire: Questionnaire,
) -> None:
    (caution,) = [c for c in questionnaire.cautions if c.id == "opioid_treatment"]
    words = f"{caution.text} {caution.next_step}".lower()
    for name in ("buprenorphine", "methadone"):
        assert name in words
    assert "naltrexone" not in words


def test_a_us_report_with_the_treatment_caution_lists_the_treatment_helpline(questionnaire: Questionnaire) -> None:
    """The helpline number moved from the caution to the US help lines, so no other country is sent to it."""
    from kratom_check.score.reference import score

    assessment = score(questionnaire, {"opioids": ("not_prescribed",)})
    assert "opioid_treatment" in [caution.id for caution in assessment.cautions]
    assert "Call 1-800-662-4357" in [line.contact for line in (*assessment.lead_resources, *assessment.resources)]


def test_seven_oh_caution_mentions_the_2025_fda_action(questionnaire: Questionnaire) -> None:
    (caution,) = [c for c in questionnaire.cautions if c.id == "seven_oh_products"]
    assert "2025" in caution.text
    assert "FDA" in caution.text


def _content_table(heading: str) -> dict[str, list[str]]:
    """The rows of one table of docs/content.md, by id."""
    text = (REPO / "docs" / "content.md").read_text(encoding="utf-8")
    section = text.split(f"### {heading}\n", 1)[1].split("\n#", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| ") and cells[0] not in ("id", "---"):
            rows[cells[0]] = cells
    return rows


def _keys(cell: str) -> list[str]:
    return [key.strip() for key in cell.split(",")]


def _says_and_status(cells: list[str], sources: tuple[str, ...]) -> None:
    """What the sources say names each of them, and a status is given."""
    *_, says, status = cells
    for key in sources:
        assert f"`{key}`" in says, (cells[0], key)
    assert status, cells[0]


def test_content_doc_traces_every_caution_to_its_sources(questionnaire: Questionnaire) -> None:
    rows = _content_table("Cautions")
    assert list(rows) == [caution.id for caution in questionnaire.cautions]
    for caution in questionnaire.cautions:
        _, when, severity, sources, *_ = rows[caution.id]
        assert severity == caution.severity, caution.id
        assert _keys(sources) == list(caution.sources), caution.id
        assert when, caution.id
        _says_and_status(rows[caution.id], caution.sources)


def test_content_doc_traces_every_advice_line_to_its_sources(questionnaire: Questionnaire) -> None:
    rows = _content_table("Advice lines")
    assert list(rows) == [item.id for item in questionnaire.advice]
    for item in questionnaire.advice:
        _, kind, when, sources, *_ = rows[item.id]
        assert kind == item.kind, item.id
        assert _keys(sources) == list(item.sources), item.id
        assert when, item.id
        _says_and_status(rows[item.id], item.sources)


def test_content_doc_traces_every_red_flag_to_its_sources(questionnaire: Questionnaire) -> None:
    rows = _content_table("Red flags (rules)")
    assert list(rows) == [rule.id for rule in questionnaire.rules]
    for rule in questionnaire.rules:
        _, level, sources, *_ = rows[rule.id]
        assert level == rule.level, rule.id
        assert _keys(sources) == list(rule.sources), rule.id
        _says_and_status(rows[rule.id], rule.sources)


def _html(assessment: Any, q: Questionnaire) -> str:
    from kratom_check.render import html

    return html.page(assessment, q)


def _fhir(assessment: Any, q: Questionnaire) -> str:
    from kratom_check.render import fhir

    return fhir.bundle_json(assessment, q)


RENDERERS = {
    "text": lambda assessment, q: report.plain_text(assessment, q),
    "markdown": markdown_report.markdown,
    "json": data_report.json_text,
    "html": _html,
    "fhir": _fhir,
}
# Formats that carry the whole report for a person (FHIR carries the result for a clinic system).
PERSON_FORMATS = ("text", "markdown", "json", "html")


@given(data=st.data())
def test_no_rendered_report_gives_dosing_advice_or_stigmatising_words(
    questionnaire: Questionnaire, data: st.DataObject
) -> None:
    assessment = score(questionnaire, data.draw(answer_sets(questionnaire)))
    titles = [part for source in questionnaire.sources.values() for part in (source.title, source.publisher)]
    for name, render in RENDERERS.items():
        rendered = " ".join(render(assessment, questionnaire).split())
        assert list(language.all_findings([rendered], allowed=titles)) == [], name


@given(data=st.data())
def test_every_report_has_its_level_step_and_the_not_a_diagnosis_line(
    questionnaire: Questionnaire, data: st.DataObject
) -> None:
    assessment = score(questionnaire, data.draw(answer_sets(questionnaire)))
    step = " ".join(assessment.level_meaning.split())  # the level's, or the warning sign's own
    for name in PERSON_FORMATS:
        flat = " ".join(RENDERERS[name](assessment, questionnaire).split())
        assert "This check is not a diagnosis." in flat, name
        assert step in flat, name


@given(data=st.data())
def test_urgent_reports_put_emergency_and_poison_help_first(questionnaire: Questionnaire, data: st.DataObject) -> None:
    chosen = data.draw(answer_sets(questionnaire))
    symptoms = (
        data.draw(st.sampled_from(["yellow_skin_eyes", "dark_urine", "pale_stools", "confusion", "bleeding_bruising"])),
    )
    assessment = score(questionnaire, {**chosen, "symptoms": symptoms})
    assert assessment.level == "urgent"
    before_result = report.plain_text(assessment, questionnaire).split("Your result:")[0]
    assert "Call 911" in before_result
    assert "1-800-222-1222" in before_result
    assert markdown_report.markdown(assessment, questionnaire).index("Call 911") < markdown_report.markdown(
        assessment, questionnaire
    ).index("## Your result")


def test_content_doc_and_questionnaire_exist_side_by_side() -> None:
    assert Path(REPO / "docs" / "content.md").is_file()


def test_content_doc_traces_every_clinician_pointer_to_its_sources(questionnaire: Questionnaire) -> None:
    rows = _content_table("For your clinician")
    assert list(rows) == [pointer.id for pointer in questionnaire.clinician]
    for pointer in questionnaire.clinician:
        _, when, sources, *_ = rows[pointer.id]
        assert _keys(sources) == list(pointer.sources), pointer.id
        assert when, pointer.id
        _says_and_status(rows[pointer.id], pointer.sources)
