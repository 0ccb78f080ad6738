"""The safety net every report carries, and claims no text may make (evidence brief, revision 2)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kratom_check import i18n
from kratom_check.load import questionnaire as questionnaire_module
from kratom_check.model import Questionnaire
from kratom_check.render import markdown as markdown_report
from kratom_check.render import text as report
from kratom_check.score.reference import Assessment, score

from .conftest import LIGHT_USE, REPO
from .strategies import answer_sets

# Claims that revision 2 of the evidence brief marks unsupported or wrong, in the words we used to
# write them and in near variants, English and Spanish. None may appear in any text or doc.
FORBIDDEN = [
    r"used more, and more often",
    r"larger amounts were more common",
    r"more often can raise the risk of liver",
    r"more often seen with concentrated",
    r"(more|larger|higher|longer)\s+(use|amounts?|doses?)\b[^.]{0,60}\bliver (harm|injury|damage|strain)",
    r"concentrated products?[^.]{0,60}\bliver",
    r"liver breaks down many medicines",
    r"nobody checks",
    r"schedule i\b",
    r"dose-related",
    r"likely cause",
    r"kratom tea\)",
    r"no amount is known to be safe[^.]{0,20}(small|plain leaf)",
    r"las cantidades grandes eran más comunes",
    r"más seguido puede subir el riesgo de daño al hígado",
    r"productos concentrados[^.]{0,60}hígado",
    r"casi siempre",
    r"no está solo",
    r"muchos medicamentos",
    r"lista i\b",
]
FORBIDDEN_PATTERN = re.compile("|".join(f"(?:{pattern})" for pattern in FORBIDDEN), re.IGNORECASE)
DOCS = sorted(f"docs/{path.name}" for path in (REPO / "docs").glob("*.md"))
TEXT_FILES = ["questions.yaml", "questions.es.yaml", "README.md", "CHANGELOG.md", *DOCS]

SAME_DAY_SIGNS = ["yellow_skin_eyes", "dark_urine", "pale_stools", "confusion", "bleeding_bruising", "slow_breathing",
                  "chest_pain", "racing_heart", "fainting", "seizure"]  # fmt: skip
SCREEN_LINES = 24
LIGHT = LIGHT_USE


@pytest.mark.parametrize("name", TEXT_FILES)
def test_no_file_repeats_an_unsupported_claim(name: str) -> None:
    text = " ".join((REPO / name).read_text(encoding="utf-8").split())
    assert [match.group(0) for match in FORBIDDEN_PATTERN.finditer(text)] == []


@pytest.mark.parametrize(
    "claim",
    [
        "Liver harm was seen more often in people who used more, and more often.",
        "We ask because larger amounts were more common in reports of liver harm.",
        "Larger amounts can raise the risk of liver harm.",
        "Liver harm was more often seen with concentrated products.",
        "Kratom slows how the liver breaks down many medicines.",
        "Preguntamos porque las cantidades grandes eran más comunes en los casos de daño al hígado.",
    ],
)
def test_forbidden_claims_list_catches_the_old_wordings(claim: str) -> None:
    assert FORBIDDEN_PATTERN.search(claim)


def test_every_source_has_a_link_a_reader_can_check(questionnaire: Questionnaire) -> None:
    for key, source in questionnaire.sources.items():
        assert re.match(r"^https://\S+$", source.url), key


def test_journal_articles_link_their_doi_or_a_public_record(questionnaire: Questionnaire) -> None:
    for key, source in questionnaire.sources.items():
        if re.search(r"\d+\(\d+\)", source.publisher):  # volume(issue): a journal article
            assert re.match(r"^https://(doi\.org/10\.|pubmed\.ncbi|pmc\.ncbi|www\.cdc\.gov/mmwr|jpet\.)", source.url), (
                key
            )


def _localized(language: str) -> Questionnaire:
    i18n.activate(language)
    return questionnaire_module.load(language=language)


def _with(base: dict[str, tuple[str, ...]], **changes: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    return {**base, **changes}


@given(data=st.data(), language=st.sampled_from(["en", "es"]))
def test_every_report_carries_the_safety_net_right_under_the_result(data: st.DataObject, language: str) -> None:
    questionnaire = _localized(language)
    assessment = score(questionnaire, data.draw(answer_sets(questionnaire)))
    watch = [item for item in questionnaire.advice if item.kind == "watch_for"]
    assert [line.id for line in assessment.safety_net] == [item.id for item in watch]
    for render in (report.plain_text, markdown_report.markdown):
        flat = " ".join(render(assessment, questionnaire).split())
        result = flat.index(assessment.level_title)
        for item in watch:
            where = flat.index(" ".join(item.text.split()))
            assert result < where < flat.index(report.heading("areas"))
            if assessment.cautions:
                assert where < flat.index(report.heading("cautions"))


def test_the_safety_net_names_every_same_day_sign_and_every_see_soon_sign(questionnaire: Questionnaire) -> None:
    now, today, soon = (item.text for item in questionnaire.advice if item.kind == "watch_for")
    signs = ("slow breathing", "very hard to wake", "confused or very sleepy", "seizure", "chest pain", "fainting")
    for words in signs:
        assert words in now.lower(), words
    for words in ("bleeding or bruising", "yellow skin or eyes", "dark pee", "pale poop", "racing heart"):
        assert words in today.lower(), words
    for words in ("itching", "right ribs", "upset stomach", "more tired than usual"):
        assert words in soon.lower(), words


@pytest.mark.parametrize("language", ["en", "es"])
def test_no_text_tells_a_person_to_wait_for_a_clinician_over_a_same_day_sign(language: str) -> None:
    from kratom_check.load import wording as content

    questionnaire = _localized(language)
    pattern = re.compile(r"see a clinician if|vea a un profesional de salud si", re.IGNORECASE)
    assert [w.where for w in content.wordings(questionnaire) if pattern.search(w.text)] == []


@pytest.mark.parametrize("language", ["en", "es"])
def test_cautions_leave_timing_to_the_level_line(language: str) -> None:
    """A caution that said "soon" beside a level line that says "at your next chance" would contradict it."""
    questionnaire = _localized(language)
    timing = re.compile(r"\b(soon|next chance|next visit|pronto|cuando pueda|próxima consulta)\b", re.IGNORECASE)
    for caution in questionnaire.cautions:
        assert not timing.search(f"{caution.text} {caution.next_step}"), caution.id


def test_no_advice_line_repeats_a_level_meaning(questionnaire: Questionnaire) -> None:
    meanings = {" ".join(level.meaning.split()) for level in questionnaire.levels}
    assert not {" ".join(item.text.split()) for item in questionnaire.advice} & meanings


def test_naloxone_is_a_next_step_never_a_question(questionnaire: Questionnaire) -> None:
    asked = [item.id for item in questionnaire.advice if item.kind == "ask_clinician" and "naloxone" in item.text]
    assert asked == []


def _first_screen(assessment: Assessment, questionnaire: Questionnaire) -> str:
    lines = report.plain_text(assessment, questionnaire, width=80).splitlines()[:SCREEN_LINES]
    return " ".join(" ".join(lines).split())


@given(data=st.data(), language=st.sampled_from(["en", "es"]), urgent=st.booleans())
def test_first_screen_holds_result_next_step_same_day_signs_and_contacts(
    data: st.DataObject, language: str, urgent: bool
) -> None:
    questionnaire = _localized(language)
    chosen = data.draw(answer_sets(questionnaire))
    if urgent:
        signs = data.draw(st.lists(st.sampled_from(SAME_DAY_SIGNS), min_size=1, max_size=4, unique=True))
        chosen = _with(chosen, symptoms=tuple(signs))
    assessment = score(questionnaire, chosen)
    screen = _first_screen(assessment, questionnaire)
    assert assessment.level_title in screen
    assert " ".join(assessment.level_meaning.split()) in screen
    for line in assessment.safety_net:
        if line.id != "see_soon_signs":  # same-day signs; "soon" may follow below the first screen
            assert " ".join(line.text.split()) in screen
    for line in (*assessment.act_now, *assessment.lead_resources):
        assert line.text in screen or " ".join(line.text.split()) in screen
    if assessment.level == "urgent":
        assert "911" in screen
        assert "1-800-222-1222" in screen


@given(data=st.data())
def test_every_item_has_its_next_step_and_cautions_come_highest_severity_first(
    questionnaire: Questionnaire, data: st.DataObject
) -> None:
    from kratom_check.render.plan import plan

    assessment = score(questionnaire, data.draw(answer_sets(questionnaire)))
    text = report.plain_text(assessment, questionnaire)
    items = plan(assessment, questionnaire).items
    # One "Next step:" per item, plus the result's own.
    assert text.count(f"{report.heading('next_step')}:") == len(items) + 1
    assert [item.folded for item in items] == [number > 2 for number in range(1, len(items) + 1)]
    rank = questionnaire.level_rank
    severities = [rank[caution.severity] for caution in assessment.cautions]
    assert severities == sorted(severities, reverse=True)


@given(data=st.data(), language=st.sampled_from(["en", "es"]))
def test_every_report_explains_each_area_with_its_level_in_words(data: st.DataObject, language: str) -> None:
    from kratom_check.render import html

    questionnaire = _localized(language)
    assessment = score(questionnaire, data.draw(answer_sets(questionnaire)))
    for render in (report.plain_text, markdown_report.markdown, html.page):
        flat = " ".join(render(assessment, questionnaire).split())
        assert report.heading("areas") in flat
        lowest = questionnaire.levels[0]
        for factor in assessment.factors:
            raised = f"{factor.title}: {questionnaire.level(factor.level).name}" in flat
            grouped = re.search(rf"({lowest.name}|\w[^:]*): [^:]*{re.escape(factor.title)}", flat)
            assert raised or grouped, factor.id


def test_area_line_names_the_answers_that_raised_it(questionnaire: Questionnaire) -> None:
    base = {"frequency": ("rarely",), "duration": ("under_1_month",), "amount": ("small",),
            "product_forms": ("leaf", "extract"), "co_use": ("none",), "liver_conditions": ("none",),
            "symptoms": ("none",)}  # fmt: skip
    rows = report.area_rows(score(questionnaire, base), questionnaire)
    assert 'Kind of product: Moderate (Extracts, concentrates, or "enhanced" products)' in rows
    assert any(row.startswith("Low: How often, how much, how long") for row in rows)


@pytest.mark.parametrize(
    "trigger",
    [
        {"product_forms": ("seven_oh",)},
        {"opioids": ("not_prescribed",)},
        {"opioids": ("prescribed",)},
        {"co_use": ("sedatives",)},
        {"daily_medicines": ("yes",), "medicine_kinds": ("gabapentin_pregabalin",)},
        {"daily_medicines": ("yes",), "medicine_kinds": ("sleep_or_benzo",)},
        {"daily_medicines": ("yes",), "medicine_kinds": ("opioid_medicines",)},
        {"co_use": ("alcohol",), "alcohol_frequency": ("daily",)},
    ],
    ids=lambda trigger: "-".join(value for values in trigger.values() for value in values),
)
def test_each_opioid_like_exposure_alone_brings_the_overdose_caution_with_naloxone(
    questionnaire: Questionnaire, trigger: dict[str, tuple[str, ...]]
) -> None:
    assessment = score(questionnaire, {**LIGHT, **trigger})
    (overdose,) = [caution for caution in assessment.cautions if caution.id == "overdose_risk"]
    assert "naloxone" in overdose.next_step.lower()
    assert "hard to wake" in overdose.text
    assert "slow breathing" in overdose.text
    assert assessment.level in ("high", "urgent")


def test_stopping_opioids_recently_is_scored_and_warns_about_lost_tolerance(questionnaire: Questionnaire) -> None:
    assessment = score(questionnaire, {**LIGHT, "opioids": ("stopped_recently",)})
    assert assessment.level == "high"
    (caution,) = [caution for caution in assessment.cautions if caution.id == "lost_tolerance"]
    assert "naloxone" in caution.next_step
    # The medicines are named once, in the treatment item.
    assert "buprenorphine" not in caution.text
    assert "opioid_treatment" in [c.id for c in assessment.cautions]


@pytest.mark.parametrize("sign", ["confusion", "slow_breathing"])
def test_a_possible_overdose_opens_the_report_with_what_to_do_now(questionnaire: Questionnaire, sign: str) -> None:
    assessment = score(questionnaire, {**LIGHT, "product_forms": ("seven_oh",), "symptoms": (sign,)})
    blocks = report.plain_text(assessment, questionnaire).split("\n\n")
    first = " ".join(blocks[0].split())
    for step in ("Call 911 now", "naloxone", "awake and breathing", "on their side", "Stay with them"):
        assert step in first
    assert first.index("Call 911 now") < first.index("Poison Help")


def test_urgent_report_does_not_open_its_cautions_with_rare(questionnaire: Questionnaire) -> None:
    for caution in questionnaire.cautions:
        if caution.severity == "urgent":
            assert "rare" not in caution.text.split(".")[0].lower(), caution.id


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_pregnancy_report_never_offers_naltrexone(language: str) -> None:
    questionnaire = _localized(language)
    answers = {"frequency": ("several_daily",), "duration": ("over_1_year",), "amount": ("moderate",),
               "product_forms": ("seven_oh",), "reasons": ("opioid_withdrawal",), "opioids": ("stopped_recently",),
               "co_use": ("none",), "liver_conditions": ("none",), "symptoms": ("none",),
               "withdrawal_when_stopping": ("yes",), "pregnancy": ("yes",)}  # fmt: skip
    for detail in ((), ("pregnant",), ("pregnant", "breastfeeding")):
        chosen = {**answers, "pregnancy_detail": detail} if detail else answers
        text = report.plain_text(score(questionnaire, chosen), questionnaire).lower()
        assert "naltrex" not in text
        assert "buprenorf" in text or "buprenorphine" in text


def test_breastfeeding_gets_its_own_text_and_not_the_pregnancy_one(questionnaire: Questionnaire) -> None:
    answers = {"frequency": ("daily",), "duration": ("over_1_year",), "amount": ("small",),
               "product_forms": ("leaf",), "co_use": ("none",), "liver_conditions": ("none",), "symptoms": ("none",),
               "pregnancy": ("yes",), "pregnancy_detail": ("breastfeeding",)}  # fmt: skip
    ids = [caution.id for caution in score(questionnaire, answers).cautions]
    assert "breastfeeding" in ids
    assert "pregnancy" not in ids
    (text,) = [c.text + c.next_step for c in questionnaire.cautions if c.id == "breastfeeding"]
    for words in ("breast milk", "much sleepier than usual", "feed poorly", "trouble breathing", "floppy",
                  "baby's clinician"):  # fmt: skip
        assert words in text


@pytest.mark.parametrize(
    ("answers", "names"),
    [
        ({"reasons": ("opioid_withdrawal",)}, ("buprenorphine", "methadone")),
        ({"withdrawal_when_stopping": ("yes",)}, ("buprenorphine",)),
        ({"product_forms": ("seven_oh",)}, ("buprenorphine", "methadone")),
        ({"frequency": ("many_daily",), "withdrawal_when_stopping": ("not_tried",)}, ("buprenorphine",)),
    ],
    ids=["for-opioid-withdrawal", "kratom-withdrawal", "seven-oh", "never-a-day-without"],
)
def test_medicines_that_ease_withdrawal_are_named_where_they_apply_and_never_naltrexone(
    questionnaire: Questionnaire, answers: dict[str, tuple[str, ...]], names: tuple[str, ...]
) -> None:
    text = report.plain_text(score(questionnaire, {**LIGHT, "frequency": ("daily",), **answers}), questionnaire)
    flat = " ".join(text.split())
    for name in names:
        assert name in flat
    assert "naltrexone" not in flat.lower()


def test_the_first_question_asked_is_the_one_whose_answers_alone_call_for_care_today(
    questionnaire: Questionnaire,
) -> None:
    """A person with a same-day sign meets that question before any other."""
    first = questionnaire.questions[0]
    top = questionnaire.levels[-1].id
    alone = {choice.id: score(questionnaire, {first.id: (choice.id,)}).level for choice in first.choices}
    assert top in alone.values()
    later = [
        question.id
        for question in questionnaire.questions[1:]
        if any(score(questionnaire, {question.id: (choice.id,)}).level == top for choice in question.choices)
    ]
    assert later == []
