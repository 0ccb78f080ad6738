"""A report that speaks to one person: their own finding first, every item with its next step, short.

Checked for every persona in English and Spanish, in text, Markdown and HTML.
"""

from __future__ import annotations

import re
import statistics
from functools import cache
from html import unescape
from pathlib import Path

import pytest

from kratom_check import i18n
from kratom_check.ask import answers
from kratom_check.load import questionnaire as questionnaire_module
from kratom_check.model import Questionnaire
from kratom_check.render import html as html_report
from kratom_check.render import markdown as markdown_report
from kratom_check.render import text as report
from kratom_check.render.plan import MEANINGS_SAID, REPEAT_WORDS, answer_name, plan, sentences
from kratom_check.score.reference import Assessment, score

from .conftest import PERSONAS, load_persona

LANGUAGES = ("en", "es")
WIDTH = 80
FIRST_SCREEN = 24
MEDIAN_BUDGET = 60
MAX_BUDGET = 80
SAFETY_NET_LINES = 6


def assessed(persona: Path, language: str) -> tuple[Assessment, Questionnaire]:
    """The persona's assessment, with its language active for what is rendered from it."""
    i18n.activate(language)
    return _assessed(persona, language)


@cache
def _assessed(persona: Path, language: str) -> tuple[Assessment, Questionnaire]:
    questionnaire = questionnaire_module.load(language=language)
    checked = answers.check(questionnaire, load_persona(persona)["answers"], persona.name)
    return score(questionnaire, checked.values), questionnaire


def text_lines(persona: Path, language: str) -> list[str]:
    assessment, questionnaire = assessed(persona, language)
    i18n.activate(language)
    return report.plain_text(assessment, questionnaire, width=WIDTH).splitlines()


def before_sources(persona: Path, language: str) -> list[str]:
    lines = text_lines(persona, language)
    i18n.activate(language)
    return lines[: lines.index(report.heading("sources"))]


def flat(lines: list[str]) -> str:
    return " ".join(" ".join(lines).split())


def all_personas(test: object) -> object:
    return pytest.mark.parametrize("language", LANGUAGES)(
        pytest.mark.parametrize("persona", PERSONAS, ids=lambda path: path.stem)(test)
    )


@all_personas
def test_the_first_screen_holds_the_result_what_you_told_us_the_next_step_and_the_same_day_signs(
    persona: Path, language: str
) -> None:
    assessment, questionnaire = assessed(persona, language)
    said = plan(assessment, questionnaire)
    screen = flat(text_lines(persona, language)[:FIRST_SCREEN])
    assert " ".join(assessment.level_title.split()) in screen
    assert " ".join(said.told_us.split()) in screen
    assert " ".join(assessment.level_meaning.split()) in screen
    for line in assessment.safety_net:
        if line.id != "see_soon_signs":  # the same-day signs; "see a clinician soon" may follow
            assert " ".join(line.text.split()) in screen, line.id
    for contact in assessment.lead_resources:
        assert contact.contact in screen, contact.id


@all_personas
def test_everything_before_the_sources_fits_in_80_lines(persona: Path, language: str) -> None:
    assert len(before_sources(persona, language)) <= MAX_BUDGET


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_median_report_fits_in_60_lines_before_the_sources(language: str) -> None:
    assert statistics.median(len(before_sources(persona, language)) for persona in PERSONAS) <= MEDIAN_BUDGET


@all_personas
def test_you_told_us_names_an_answer_that_set_the_result_or_says_none_did(persona: Path, language: str) -> None:
    assessment, questionnaire = assessed(persona, language)
    told = plan(assessment, questionnaire).told_us
    if any(flag.level == assessment.level for flag in assessment.red_flags):
        for flag in assessment.red_flags:
            assert sentences(flag.text)[0].rstrip(".") in told, flag.id
        return
    raising = [
        answer_name(questionnaire, *pair, with_question=True)
        for factor in assessment.factors
        if factor.raised_by
        for pair in factor.raised_by
    ]
    i18n.activate(language)
    nothing = i18n._("You told us nothing that raised the result.")
    assert any(name in told for name in raising) or told.startswith(nothing)


@all_personas
def test_every_item_keeps_its_next_step_so_none_is_a_bare_title(persona: Path, language: str) -> None:
    assessment, questionnaire = assessed(persona, language)
    i18n.activate(language)
    step = report.heading("next_step")
    items = re.split(r"\n\s*\d+\. ", "\n".join(text_lines(persona, language)))
    for item in plan(assessment, questionnaire).items:
        assert item.next_step
        block = next(part for part in items if part.startswith(item.title))
        assert f"{step}:" in block, item.ids


@all_personas
def test_one_item_per_topic(persona: Path, language: str) -> None:
    assessment, questionnaire = assessed(persona, language)
    topics = {c.id: c.topic for c in questionnaire.cautions}
    seen = [topics[item.ids[0]] for item in plan(assessment, questionnaire).items if topics[item.ids[0]]]
    assert len(seen) == len(set(seen))


def _repeated_sentences(text: str) -> list[str]:
    counts: dict[str, int] = {}
    for sentence in sentences(text):
        key = " ".join(re.findall(r"\w+", sentence.casefold()))
        if len(key.split()) >= REPEAT_WORDS:
            counts[key] = counts.get(key, 0) + 1
    return [key for key, count in counts.items() if count > 1]


def _formats(persona: Path, language: str) -> dict[str, str]:
    assessment, questionnaire = assessed(persona, language)
    i18n.activate(language)
    text = flat(before_sources(persona, language))
    markdown = markdown_report.markdown(assessment, questionnaire)
    markdown = markdown.split(f"## {report.heading('sources')}")[0]
    page = html_report.page(assessment, questionnaire)
    page = unescape(re.sub(r"<[^>]+>", " ", page.split(report.heading("sources"))[0].split("<body>")[1]))
    return {"text": text, "markdown": re.sub(r"[*#]|\[[\d, ]+\]", " ", markdown), "html": page}


@all_personas
def test_no_sentence_of_six_words_or_more_is_said_twice(persona: Path, language: str) -> None:
    for name, body in _formats(persona, language).items():
        assert _repeated_sentences(re.sub(r"\[[\d, ]+\]", "", body)) == [], name


@all_personas
def test_the_red_flag_is_in_every_format_whenever_the_json_has_it(persona: Path, language: str) -> None:
    assessment, _ = assessed(persona, language)
    for name, body in _formats(persona, language).items():
        body = " ".join(body.split())
        for flag in assessment.red_flags:
            parts = sentences(flag.text)
            for part in parts if len(assessment.red_flags) <= MEANINGS_SAID else parts[:1]:
                assert part.rstrip(".") in body, (name, flag.id, part)


@all_personas
def test_the_safety_net_fits_in_six_lines(persona: Path, language: str) -> None:
    assessment, questionnaire = assessed(persona, language)
    i18n.activate(language)
    lines = report.layout(assessment, questionnaire)
    net = [entry for entry in lines if entry is not None and entry.marker in ("-", "!")]
    start = next(i for i, entry in enumerate(lines) if entry is not None and entry.heading
                 and entry.paragraphs[0][0][0] == report.heading("safety_net"))  # fmt: skip
    shown = report.wrapped(lines[start + 1 : start + 1 + len(assessment.safety_net)], width=WIDTH).splitlines()
    assert net
    assert len(shown) <= SAFETY_NET_LINES


@all_personas
def test_a_persons_own_sign_is_marked_in_the_safety_net_not_repeated(persona: Path, language: str) -> None:
    assessment, _ = assessed(persona, language)
    i18n.activate(language)
    text = "\n".join(text_lines(persona, language))
    note = report.own_sign_note()
    assert text.replace("\n", " ").count(note) <= len(assessment.own_signs)
    if assessment.own_signs:
        assert note in " ".join(text.split())


@all_personas
def test_text_markdown_and_html_show_the_same_sections_in_the_same_order(persona: Path, language: str) -> None:
    assessment, questionnaire = assessed(persona, language)
    i18n.activate(language)
    text = [entry.paragraphs[0][0][0] for entry in report.layout(assessment, questionnaire) if entry and entry.heading]
    person = markdown_report.markdown(assessment, questionnaire).split("\n---\n")[0]  # the clinician's part follows
    markdown = [line[3:] for line in person.splitlines() if line.startswith("## ")]
    page = html_report.page(assessment, questionnaire).split('<section class="clinician">')[0]
    html = [unescape(h) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", page)]
    result = report.heading("result")
    headings = [h for h in text if not h.startswith(result)]
    assert [h for h in markdown if not h.startswith(result)] == headings
    assert [h for h in html if not h.startswith(result)] == headings


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_html_result_is_a_heading_and_folded_items_are_details(language: str) -> None:
    persona = next(p for p in PERSONAS if p.stem == "opioid_withdrawal_with_fentanyl")
    assessment, questionnaire = assessed(persona, language)
    i18n.activate(language)
    page = html_report.page(assessment, questionnaire)
    assert re.search(r'<h2 class="result">[^<]*' + re.escape(assessment.level_title.split(":")[0]), unescape(page))
    folded = [item for item in plan(assessment, questionnaire).items if item.folded]
    assert folded
    assert page.count("<details>") == len(folded)


@all_personas
def test_why_you_got_this_result_uses_short_names_not_whole_questions(persona: Path, language: str) -> None:
    assessment, questionnaire = assessed(persona, language)
    i18n.activate(language)
    rows = " ".join(report.area_rows(assessment, questionnaire))
    for question in questionnaire.questions:
        assert question.text not in rows, question.id


def test_an_unknown_product_is_not_called_low(questionnaire: Questionnaire) -> None:
    i18n.activate("en")
    from .conftest import LIGHT_USE

    light = answers.as_contract(LIGHT_USE, questionnaire)
    checked = answers.check(questionnaire, {**light, "product_forms": ["unsure"]}, "test")
    rows = report.area_rows(score(questionnaire, checked.values), questionnaire)
    product = next(f.title for f in questionnaire.factors if f.id == "products")
    assert not any(row.startswith("Low:") and product in row for row in rows)
    assert any(row.startswith("Not known") and product in row for row in rows)


@pytest.mark.parametrize("width", [50, 80])
def test_the_styled_report_keeps_every_link_whole_on_a_line_of_its_own(width: int) -> None:
    from rich.console import Console

    persona = next(p for p in PERSONAS if p.stem == "opioid_withdrawal_with_fentanyl")
    assessment, questionnaire = assessed(persona, "en")
    console = Console(width=width, record=True, color_system=None, file=__import__("io").StringIO())
    console.print(report.text(assessment, questionnaire), crop=False)
    lines = [line.strip() for line in console.export_text().splitlines()]
    for _key, source in assessment.sources:
        if _key in {key for line in assessment.clinician for key in line.sources}:
            continue  # cited only on the clinician's page, which the text report does not carry
        assert source.url in lines, source.url
