"""Advice that fits the person reading it, and every claim true to its source (evidence brief, revision 3).

Each test names one point of revision 3 or one rule of "advice chosen for the person", and runs in English
and Spanish: ids decide who is told what, the words are checked in each language.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from kratom_check import i18n
from kratom_check.ask import answers as answers_module
from kratom_check.load import questionnaire as questionnaire_module
from kratom_check.load import wording
from kratom_check.model import Questionnaire
from kratom_check.render import text as report
from kratom_check.score.reference import Assessment, score, score_levels

from .conftest import LIGHT_USE

LANGUAGES = ("en", "es")

WORDS: dict[str, dict[str, str]] = {
    "naltrexone": {"en": r"naltrexone", "es": r"naltrexona"},
    "rare": {"en": r"\brare\b", "es": r"\braro\b"},
    "before you stop": {"en": r"before you stop", "es": r"antes de dejar"},
    "heals": {"en": r"got better after people stopped", "es": r"mejoró cuando las personas lo dejaron"},
    "withdrawal can be treated": {"en": r"withdrawal can be treated", "es": r"abstinencia se puede tratar"},
    "today": {"en": r"\btoday\b", "es": r"\bhoy\b"},
    "now": {"en": r"\bnow\b", "es": r"\bahora\b"},
    "alone": {"en": r"not to use alone", "es": r"a solas"},
    "floppy": {"en": r"floppy", "es": r"cuerpo flojo"},
    "A&E": {"en": r"A&E", "es": r"A&E"},
    "emergency room": {"en": r"emergency room", "es": r"sala de emergencias"},
}


def said(language: str, key: str, text: str) -> bool:
    return re.search(WORDS[key][language], text, re.IGNORECASE) is not None


def localized(language: str, region: str | None = None) -> Questionnaire:
    i18n.activate(language)
    return questionnaire_module.load(language=language, region=region)


def assess(language: str, answers: dict[str, Any], region: str | None = None) -> tuple[Assessment, Questionnaire]:
    questionnaire = localized(language, region)
    light = answers_module.as_contract(LIGHT_USE, questionnaire)
    checked = answers_module.check(questionnaire, {**light, **answers}, "test")
    return score(questionnaire, checked.values), questionnaire


def plain(language: str, answers: dict[str, Any], region: str | None = None) -> str:
    assessment, questionnaire = assess(language, answers, region)
    return " ".join(report.plain_text(assessment, questionnaire).split())


def caution_ids(language: str, answers: dict[str, Any]) -> list[str]:
    return [caution.id for caution in assess(language, answers)[0].cautions]


def person_texts(questionnaire: Questionnaire) -> list[str]:
    """Every text a person reads (the clinician's pointers are for the clinician)."""
    return [w.text for w in wording.wordings(questionnaire) if not w.where.startswith("clinician")]


ON_TREATMENT = {"daily_medicines": "yes", "medicine_kinds": ["methadone_buprenorphine"]}
LIVER_SIGNS = ("yellow_skin_eyes", "dark_urine", "pale_stools")


# 1. Naltrexone does not ease withdrawal: no person is offered it; the clinician reads it with its context.
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_text_a_person_reads_names_naltrexone(language: str) -> None:
    assert [text for text in person_texts(localized(language)) if said(language, "naltrexone", text)] == []


def test_the_clinician_reads_naltrexone_only_with_why_it_does_not_fit() -> None:
    pointers = [p for p in localized("en").clinician if said("en", "naltrexone", p.text)]
    assert pointers, "the medicines pointer names naltrexone for the clinician"
    for pointer in pointers:
        in_general = "does not treat withdrawal" in pointer.text and "7\u201310 days" in pointer.text
        in_pregnancy = "should not be started in a pregnant patient actively using opioids" in pointer.text
        assert in_general or in_pregnancy, pointer.id


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_medicines_that_ease_withdrawal_are_buprenorphine_and_methadone(language: str) -> None:
    treatment = next(c for c in localized(language).cautions if c.id == "opioid_treatment")
    assert re.search("buprenor(ph|f)in", treatment.text, re.IGNORECASE)
    assert re.search("metadona|methadone", treatment.text, re.IGNORECASE)


# 2. Liver signs: the injury usually heals once kratom is stopped; tell the care team today; withdrawal can
# be treated; never "talk before you stop", never "rare".
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("sign", LIVER_SIGNS)
def test_a_liver_sign_report_says_it_heals_after_stopping_and_withdrawal_can_be_treated(
    language: str, sign: str
) -> None:
    text = plain(language, {"symptoms": [sign], "frequency": "daily", "duration": "over_1_year"})
    assert said(language, "heals", text)
    assert said(language, "withdrawal can be treated", text)
    assert not said(language, "before you stop", text)
    assert not said(language, "rare", text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_early_signs_rule_brings_the_same_three_messages(language: str) -> None:
    text = plain(language, {"symptoms": ["itching"], "frequency": "daily", "duration": "over_1_year"})
    assert said(language, "heals", text)
    assert said(language, "withdrawal can be treated", text)
    assert not said(language, "before you stop", text)
    assert not said(language, "rare", text)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("condition", ["hepatitis_b", "hepatitis_c", "cirrhosis", "fatty_liver", "alcohol_liver"])
def test_a_report_with_liver_disease_never_says_liver_injury_is_rare(language: str, condition: str) -> None:
    assert not said(language, "rare", plain(language, {"liver_conditions": [condition]}))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_liver_sign_item_tells_the_care_team_today(language: str) -> None:
    caution = next(c for c in localized(language).cautions if c.id == "liver_warning_signs")
    assert said(language, "today", caution.next_step)


# 3. One sign, one timing.
CALL_NOW = ("slow_breathing", "confusion", "seizure", "chest_pain", "fainting")
TODAY = ("yellow_skin_eyes", "dark_urine", "pale_stools", "racing_heart", "bleeding_bruising")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("sign", CALL_NOW)
def test_a_call_now_sign_gets_call_now_in_the_result_and_no_today(language: str, sign: str) -> None:
    assessment, _ = assess(language, {"symptoms": [sign]})
    assert said(language, "now", assessment.level_meaning)
    assert not said(language, "today", assessment.level_meaning)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("sign", TODAY)
def test_a_same_day_sign_gets_today_in_the_result_and_no_call_now(language: str, sign: str) -> None:
    assessment, _ = assess(language, {"symptoms": [sign]})
    assert said(language, "today", assessment.level_meaning)
    assert not said(language, "now", assessment.level_meaning)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("sign", [*CALL_NOW, *TODAY])
def test_the_safety_net_line_that_names_the_sign_has_the_same_timing_as_the_result(language: str, sign: str) -> None:
    assessment, _ = assess(language, {"symptoms": [sign]})
    own = [line for line in assessment.safety_net if line.id in assessment.own_signs]
    assert len(own) == 1
    timing = "now" if sign in CALL_NOW else "today"
    assert said(language, timing, own[0].text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_confusion_alone_opens_with_what_to_do_now(language: str) -> None:
    assessment, _ = assess(language, {"symptoms": ["confusion"]})
    assert [line.id for line in assessment.act_now] == ["overdose_steps"]


# 4. Breastfeeding: an urgent step for a baby who is floppy or breathing poorly.
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_breastfeeding_report_says_to_call_now_for_a_floppy_baby(language: str) -> None:
    text = plain(language, {"pregnancy": "yes", "pregnancy_detail": ["breastfeeding"]})
    assert said(language, "floppy", text)
    assert re.search(r"(call|llame al) 911 (now|ahora)", text, re.IGNORECASE)


# 5. Lost tolerance: any break, jail and prison included; don't use alone.
@pytest.mark.parametrize("language", LANGUAGES)
def test_leaving_jail_or_prison_brings_the_lost_tolerance_caution(language: str) -> None:
    assert "lost_tolerance" in caution_ids(language, {"opioids": "released_recently"})


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_lost_tolerance_caution_names_every_kind_of_break_and_says_not_to_use_alone(language: str) -> None:
    caution = next(c for c in localized(language).cautions if c.id == "lost_tolerance")
    text = f"{caution.text} {caution.next_step}".lower()
    for words in {"en": ("detox", "hospital", "jail", "prison"), "es": ("desintox", "hospital", "cárcel", "prisión")}[
        language
    ]:
        assert words in text
    assert said(language, "alone", text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_text_says_cutting_down_with_kratom_lowers_tolerance(language: str) -> None:
    pattern = {"en": r"cutting down.{0,40}tolerance", "es": r"usar menos.{0,40}tolerancia"}[language]
    questionnaire = localized(language)
    texts = [*person_texts(questionnaire), *(p.text for p in questionnaire.clinician)]
    assert [text for text in texts if re.search(pattern, text, re.IGNORECASE)] == []


# 6. On methadone or buprenorphine: keep taking it; no naltrexone, no "ask about methadone", no lost tolerance
# unless they stopped.
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_person_on_methadone_is_told_to_keep_taking_it(language: str) -> None:
    shown = caution_ids(language, ON_TREATMENT)
    assert shown[0] == "on_treatment"
    assert "opioid_treatment" not in shown
    assert "lost_tolerance" not in shown


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_person_on_methadone_who_stopped_other_opioids_gets_the_lost_tolerance_caution(language: str) -> None:
    assert "lost_tolerance" in caution_ids(language, {**ON_TREATMENT, "opioids": "stopped_recently"})


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_person_on_methadone_using_kratom_for_withdrawal_gets_no_treatment_offer(language: str) -> None:
    shown = caution_ids(language, {**ON_TREATMENT, "reasons": ["opioid_withdrawal"], "withdrawal_when_stopping": "yes"})
    assert {"opioid_treatment", "kratom_treatment", "lost_tolerance"}.isdisjoint(shown)


# Opioid treatment for the people it fits, worded for what they use.
@pytest.mark.parametrize("language", LANGUAGES)
def test_leaf_for_back_pain_with_no_opioids_gets_no_treatment_line(language: str) -> None:
    shown = caution_ids(language, {"frequency": "weekly", "reasons": ["pain"], "opioids": "no"})
    assert {"opioid_treatment", "kratom_treatment"}.isdisjoint(shown)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "answers",
    [
        {"opioids": "not_prescribed"},
        {"opioids": "stopped_recently"},
        {"opioids": "released_recently"},
        {"product_forms": ["seven_oh"]},
        {"reasons": ["reduce_opioids"]},
    ],
)
def test_opioid_use_a_break_or_kratom_for_opioids_brings_the_opioid_treatment_line(
    language: str, answers: dict[str, Any]
) -> None:
    assert "opioid_treatment" in caution_ids(language, answers)


@pytest.mark.parametrize("language", LANGUAGES)
def test_dependence_on_kratom_alone_brings_the_treatment_line_worded_for_kratom(language: str) -> None:
    shown = caution_ids(language, {"frequency": "daily", "withdrawal_when_stopping": "yes"})
    assert "kratom_treatment" in shown
    assert "opioid_treatment" not in shown


# Naloxone: daily extracts, shots, tablets, 7-OH and unknown products too; never for a reason alone.
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "answers",
    [
        {"product_forms": ["extract"], "frequency": "daily"},
        {"product_forms": ["shots"]},
        {"product_forms": ["tablets"]},
        {"product_forms": ["seven_oh"]},
        {"product_forms": ["leaf", "unsure"]},
    ],
)
def test_products_that_may_hold_an_opioid_bring_naloxone(language: str, answers: dict[str, Any]) -> None:
    assessment, _ = assess(language, answers)
    naloxone = {"en": "naloxone", "es": "naloxona"}[language]
    assert any(naloxone in caution.next_step for caution in assessment.cautions)
    assert "naloxone_without_prescription" in [line.id for line in assessment.next_steps]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_reason_alone_brings_no_naloxone(language: str) -> None:
    assessment, _ = assess(language, {"reasons": ["opioid_withdrawal", "reduce_opioids"]})
    assert "overdose_risk" not in [c.id for c in assessment.cautions]
    assert "naloxone_without_prescription" not in [line.id for line in assessment.next_steps]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_person_with_an_unregulated_opioid_is_told_not_to_use_alone(language: str) -> None:
    assert said(language, "alone", plain(language, {"opioids": "not_prescribed"}))


# A reason is not a drug.
def test_a_reason_does_not_raise_other_drugs_and_medicines(questionnaire: Questionnaire) -> None:
    index = [factor.id for factor in questionnaire.factors].index("other_substances")
    for reasons in (("opioid_withdrawal",), ("reduce_opioids",), ("opioid_withdrawal", "reduce_opioids")):
        levels = score_levels(questionnaire, {**LIGHT_USE, "reasons": reasons})
        assert levels.factor_totals[index] == 0, reasons


# 7. Prescribed sedatives: do not stop on your own, beside the breathing caution.
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("kind", "caution"), [("sleep_or_benzo", "benzo_do_not_stop"),
                                               ("gabapentin_pregabalin", "gabapentinoid_ask_first")])  # fmt: skip
def test_a_prescribed_sedative_brings_do_not_stop_beside_the_breathing_caution(
    language: str, kind: str, caution: str
) -> None:
    shown = caution_ids(language, {"daily_medicines": "yes", "medicine_kinds": [kind]})
    assert shown.index(caution) == shown.index("overdose_risk") + 1


def test_only_the_benzo_text_names_seizures(questionnaire: Questionnaire) -> None:
    cautions = {c.id: f"{c.text} {c.next_step}" for c in questionnaire.cautions}
    assert "seizure" in cautions["benzo_do_not_stop"]
    assert "seizure" not in cautions["gabapentinoid_ask_first"]


# Liver blood tests: advice for a liver condition, daily heavy drinking or daily extracts.
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "answers",
    [
        {"liver_conditions": ["hepatitis_c"]},
        {"co_use": ["alcohol"], "alcohol_frequency": "daily"},
        {"product_forms": ["extract"], "frequency": "daily"},
    ],
)
def test_the_liver_blood_test_is_named_as_how_a_clinician_checks(language: str, answers: dict[str, Any]) -> None:
    assert "liver_unknown" in caution_ids(language, answers)


# 8. Pregnancy: the advice against stopping suddenly is about opioids; OUD treatment only where it fits.
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pregnancy_caution_says_the_stopping_advice_is_about_opioids(language: str) -> None:
    caution = next(c for c in localized(language).cautions if c.id == "pregnancy")
    assert re.search({"en": r"For opioids.*No one has studied this for kratom",
                      "es": r"opioides.*nadie ha estudiado"}[language], caution.text, re.IGNORECASE | re.S)  # fmt: skip


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "answers", [{"opioids": "prescribed"}, {"frequency": "daily", "withdrawal_when_stopping": "yes"}]
)
def test_pregnancy_treatment_is_not_shown_for_prescribed_opioids_or_kratom_alone(
    language: str, answers: dict[str, Any]
) -> None:
    shown = caution_ids(language, {"pregnancy": "yes", "pregnancy_detail": ["pregnant"], **answers})
    assert "treatment_in_pregnancy" not in shown


# 9. UK: A&E.
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_uk_report_says_a_and_e_never_emergency_room(language: str) -> None:
    text = plain(language, {"symptoms": ["bleeding_bruising"]}, region="GB")
    assert "A&E" in text
    assert not said(language, "emergency room", text)


# 10. Citations and wording.
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_text_claims_kratom_adds_to_breathing_or_heart_risk(language: str) -> None:
    pattern = {"en": r"kratom can add to this", "es": r"el kratom puede sumarse"}[language]
    assert [t for t in person_texts(localized(language)) if re.search(pattern, t, re.IGNORECASE)] == []


def test_cautions_say_heavy_drinking_not_a_drink_count(questionnaire: Questionnaire) -> None:
    assert [c.id for c in questionnaire.cautions if "4 or more drinks" in f"{c.text} {c.next_step}"] == []


def test_how_often_over_how_much_is_cited_to_rogers_2024(questionnaire: Questionnaire) -> None:
    regular = next(c for c in questionnaire.cautions if c.id == "regular_use")
    assert "rogers2024" in regular.sources
    assert questionnaire.sources["rogers2024"].url == "https://doi.org/10.1016/j.drugalcdep.2024.111329"


def test_pale_stools_cite_medlineplus(questionnaire: Questionnaire) -> None:
    assert "medlineplus_pale_stools" in next(r for r in questionnaire.rules if r.id == "pale_stools").sources


@pytest.mark.parametrize("language", LANGUAGES)
def test_us_only_facts_say_in_the_us(language: str) -> None:
    us = {"en": "In the US", "es": "En los Estados Unidos"}[language]
    questionnaire = localized(language)
    texts = {item.id: item.text for item in (*questionnaire.cautions, *questionnaire.advice)}
    assert texts["unregulated_products"].startswith(us)
    assert us in texts["acetaminophen"]


# 11. Naloxone and help lines outside the US.
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("region", "line"),
    [("AU", "naloxone_australia"), ("GB", "naloxone_uk"), ("CA", "naloxone_canada"),
     ("US", "naloxone_without_prescription")],
)  # fmt: skip
def test_each_country_gets_its_own_naloxone_line_and_no_other(language: str, region: str, line: str) -> None:
    assessment, _ = assess(language, {"opioids": "not_prescribed"}, region=region)
    naloxone = [item.id for item in assessment.next_steps if item.id.startswith("naloxone")]
    assert naloxone == [line]


def test_australia_lists_its_alcohol_and_drug_hotline() -> None:
    assessment, _ = assess("en", {}, region="AU")
    assert "alcohol_drug_hotline" in [line.id for line in assessment.resources]


def test_no_unconfirmed_help_number_is_shipped(questionnaire: Questionnaire) -> None:
    data = questionnaire_module.packaged_path().read_text(encoding="utf-8")
    for number in ("0300 123 6600", "800 911 2000", "91 562 04 20"):
        assert number not in data


# 12. Cannabis: asked, never claimed to interact.
@pytest.mark.parametrize("language", LANGUAGES)
def test_cannabis_brings_no_caution_and_no_points(language: str) -> None:
    assessment, questionnaire = assess(language, {"co_use": ["cannabis"]})
    plain_assessment, _ = assess(language, {})
    assert [c.id for c in assessment.cautions] == [c.id for c in plain_assessment.cautions]
    assert assessment.level == plain_assessment.level
    assert not re.search("cannabis", " ".join(person_texts(questionnaire)).replace("Cannabis (", ""), re.IGNORECASE)


# Section 3: the new answers a clinician would expect.
def test_drinking_is_asked_of_people_who_did_not_drink_around_kratom(questionnaire: Questionnaire) -> None:
    from kratom_check.conditions import holds

    assert questionnaire.questions_by_id["drinks_alcohol"].ask_if is None  # asked of everyone
    frequency = questionnaire.questions_by_id["alcohol_frequency"].ask_if
    assert frequency is not None
    assert holds(frequency, {"co_use": ("none",), "drinks_alcohol": ("yes",)})
    assert not holds(frequency, {"co_use": ("none",), "drinks_alcohol": ("no",)})


def test_not_sure_may_be_picked_with_the_products_the_person_did_see(questionnaire: Questionnaire) -> None:
    light = answers_module.as_contract(LIGHT_USE, questionnaire)
    checked = answers_module.check(questionnaire, {**light, "product_forms": ["tablets", "unsure"]}, "test")
    assert checked.values["product_forms"] == ("tablets", "unsure")


# Section 4: light, occasional use is Low.
def test_light_occasional_use_with_an_occasional_drink_and_acetaminophen_is_low(questionnaire: Questionnaire) -> None:
    answers = {
        **LIGHT_USE,
        "frequency": ("weekly",),
        "duration": ("over_1_year",),
        "co_use": ("alcohol", "acetaminophen"),
        "alcohol_frequency": ("never",),
    }
    assert score_levels(questionnaire, answers).level == "low"
