"""The HTML report is accessible: "Get help now" is a heading, phone numbers are tel: links, the title is private."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import NamedTuple

import pytest

from kratom_check.model import Questionnaire
from kratom_check.render import html
from kratom_check.render.text import heading
from kratom_check.score.reference import Assessment, score

URGENT_ANSWERS = {"symptoms": ("yellow_skin_eyes",)}
LOW_ANSWERS = {"frequency": ("rarely",)}
PHONE_LIKE = re.compile(r"\+?[0-9]+(?:[ -][0-9]+)*")


class Run(NamedTuple):
    """A run of text and where it stands in the page."""

    text: str
    tags: tuple[str, ...]
    """The open elements around it, outermost first, each as its tag and its class or tel: href."""
    section: str
    """The text of the last <h2> before it."""

    def inside(self, tag: str) -> bool:
        return any(open_tag == tag or open_tag.startswith(f"{tag}.") for open_tag in self.tags)

    @property
    def tel(self) -> str | None:
        return next((tag.removeprefix("a.") for tag in self.tags if tag.startswith("a.tel:")), None)


class _Page(HTMLParser):
    """The page as runs of text, each with its open elements: enough to say where a number stands."""

    VOID = frozenset({"br", "meta", "img", "hr", "input", "link"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.runs: list[Run] = []
        self.section = ""
        self.title = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        attributes = dict(attrs)
        mark = attributes.get("class") or (attributes.get("href") or "" if tag == "a" else "")
        self.open.append(f"{tag}.{mark}" if mark else tag)
        if tag == "h2":
            self.section = ""

    def handle_endtag(self, tag: str) -> None:
        while self.open:
            if self.open.pop().split(".", 1)[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        tags = tuple(self.open)
        if tags and tags[-1] == "h2":
            self.section += data
        if tags and tags[-1] == "title":
            self.title += data
        self.runs.append(Run(data, tags, self.section))


def _parsed(assessment: Assessment, questionnaire: Questionnaire) -> _Page:
    parser = _Page()
    parser.feed(html.page(assessment, questionnaire))
    parser.close()
    return parser


def _urgent(questionnaire: Questionnaire) -> Assessment:
    assessment = score(questionnaire, URGENT_ANSWERS)
    assert assessment.level == "urgent"
    assert assessment.lead_resources
    assert assessment.resources
    return assessment


def _contact_runs(page: _Page, questionnaire: Questionnaire) -> list[Run]:
    """Text of the lead contacts and of the country's help lines, without the source references."""
    return [
        run
        for run in page.runs
        if (run.inside("div.contacts") or (run.section == heading("resources", questionnaire) and run.inside("li")))
        and not run.inside("h2")
        and not run.inside("span.refs")
    ]


def test_get_help_now_is_a_heading_inside_the_contacts_block(questionnaire: Questionnaire) -> None:
    page = _parsed(_urgent(questionnaire), questionnaire)
    headings = [run for run in page.runs if run.text.strip() == heading("lead", questionnaire)]
    assert len(headings) == 1
    assert headings[0].tags[-1] == "h2"
    assert headings[0].inside("div.contacts")


def test_every_phone_number_in_lead_contacts_and_resources_is_a_tel_link_to_its_digits(
    questionnaire: Questionnaire,
) -> None:
    runs = _contact_runs(_parsed(_urgent(questionnaire), questionnaire), questionnaire)
    numbers = [(match.group(), run) for run in runs for match in PHONE_LIKE.finditer(run.text)]
    assert numbers
    for shown, run in numbers:
        assert run.text == shown, f"{shown!r} shares its link with other text"
        assert run.tel == "tel:" + re.sub(r"[^+0-9]", "", shown), shown


@pytest.mark.parametrize(
    ("shown", "where"),
    [("911", "div.contacts"), ("1-800-222-1222", "div.contacts"), ("988", "li")],
)
def test_the_emergency_poison_and_crisis_numbers_are_tel_links(
    questionnaire: Questionnaire, shown: str, where: str
) -> None:
    runs = _contact_runs(_parsed(_urgent(questionnaire), questionnaire), questionnaire)
    links = [run for run in runs if run.text == shown]
    assert links
    for run in links:
        assert run.inside(where)
        assert run.tel == "tel:" + shown.replace("-", "")


@pytest.mark.parametrize("answers", [URGENT_ANSWERS, LOW_ANSWERS], ids=["urgent", "low"])
def test_page_title_is_the_questionnaire_title_and_names_no_level(
    questionnaire: Questionnaire, answers: dict[str, tuple[str, ...]]
) -> None:
    title = _parsed(score(questionnaire, answers), questionnaire).title
    assert title == questionnaire.title
    for level in questionnaire.levels:
        assert level.title not in title
        assert level.name not in title


def test_source_years_and_reference_numbers_are_not_linkified(questionnaire: Questionnaire) -> None:
    page = _parsed(_urgent(questionnaire), questionnaire)
    refs = [run for run in page.runs if run.inside("span.refs")]
    sources = [run for run in page.runs if run.section == heading("sources") and run.inside("li")]
    assert refs
    assert sources
    assert any(re.search(r"\b(19|20)[0-9]{2}\b", run.text) for run in sources)
    assert [run for run in refs + sources if run.tel is not None] == []
    linked = {run.text for run in page.runs if run.tel is not None}
    assert not any(re.fullmatch(r"(19|20)[0-9]{2}", text) for text in linked)


@pytest.mark.parametrize(
    ("escaped", "linked"),
    [
        ("Call 13 11 26", 'Call <a href="tel:131126">13 11 26</a>'),
        ("+44 300 123 3393", '<a href="tel:+443001233393">+44 300 123 3393</a>'),
        ("Call 000", 'Call <a href="tel:000">000</a>'),
        ("Llama al 112", 'Llama al <a href="tel:112">112</a>'),
        ("Call or text 988.", 'Call or text <a href="tel:988">988</a>.'),
    ],
)
def test_helper_links_international_numbers_as_shown_with_digits_only_href(escaped: str, linked: str) -> None:
    assert html.link_phone_numbers(escaped) == linked


@pytest.mark.parametrize("escaped", ["[1, 2]", "Open 24 hours, 7 days", "SAMHSA&#x27;s 1st line", "Route A12-B"])
def test_helper_leaves_short_numbers_entities_and_codes_in_words_as_text(escaped: str) -> None:
    assert html.link_phone_numbers(escaped) == escaped
