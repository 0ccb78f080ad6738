"""A self-contained, printable page to bring to a clinician: no scripts, nothing fetched."""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape
from importlib import resources
from string import Template

from ..i18n import language
from ..model import Questionnaire
from ..score.reference import Assessment, Line, ResourceLine
from . import clinician, trend
from .plan import Item, plan
from .text import (
    answer_rows,
    area_rows,
    early_note,
    heading,
    item_refs,
    made_text,
    own_sign_note,
    privacy_rows,
    refs,
    resource_text,
    since_heading,
    since_rows,
    source_text,
)

_PHONE_NUMBER = re.compile(r"(?<![\w&#+-])\+?[0-9]+(?:[ -][0-9]+)*(?![\w-])")
"""A run of digits, maybe after a +, with single spaces or hyphens inside; not part of a word or an entity."""

_MIN_PHONE_DIGITS = 3


def link_phone_numbers(escaped: str) -> str:
    """Already-escaped text with each phone number in it as a tel: link showing the number as written.

    Only for a resource's name and contact: a year or a reference number elsewhere would look like one.
    """

    def link(match: re.Match[str]) -> str:
        shown = match.group()
        number = re.sub(r"[^+0-9]", "", shown)
        if len(number.lstrip("+")) < _MIN_PHONE_DIGITS:
            return shown
        return f'<a href="tel:{number}">{shown}</a>'

    return _PHONE_NUMBER.sub(link, escaped)


def _item(assessment: Assessment, item: Item) -> str:
    """A caution item; a folded one is a <details> a screen reader announces, its next step always in view."""
    refs_html = f'<span class="refs">{escape(item_refs(assessment, item))}</span>'
    step = f'<span class="next">{escape(heading("next_step"))}: {escape(item.next_step)}</span>'
    if item.folded:
        return (
            f"<details><summary><strong>{escape(item.title)}.</strong></summary>"
            f"{escape(item.text)} {refs_html}</details>{step}"
        )
    return f"<strong>{escape(item.title)}.</strong> {escape(item.text)} {refs_html}<br>{step}"


def _safety_line(assessment: Assessment, line: Line) -> str:
    if line.id in assessment.own_signs:
        return f'<strong class="own">{escape(line.text)} {escape(own_sign_note())}</strong> ' + (
            f'<span class="refs">{escape(refs(assessment, line))}</span>'
        )
    return _cited(assessment, line)


def _cited(assessment: Assessment, line: Line) -> str:
    return f'{escape(line.text)} <span class="refs">{escape(refs(assessment, line))}</span>'


def _resource(assessment: Assessment, line: ResourceLine) -> str:
    shown = line._replace(
        name=link_phone_numbers(escape(line.name)),
        contact=link_phone_numbers(escape(line.contact)),
        text=escape(line.text),
    )
    return f'{resource_text(shown)} <span class="refs">{escape(refs(assessment, line))}</span>'


def _section(
    key: str, items: Iterable[str], *, numbered: bool = False, questionnaire: Questionnaire | None = None
) -> str:
    rows = [f"<li>{item}</li>" for item in items]
    if not rows:
        return ""
    tag = "ol" if numbered else "ul"
    return f"<h2>{escape(heading(key, questionnaire))}</h2>\n<{tag}>\n" + "\n".join(rows) + f"\n</{tag}>"


def _since(assessment: Assessment, questionnaire: Questionnaire) -> str:
    rows = since_rows(assessment, questionnaire)
    if not rows:
        return ""
    items = "\n".join(f"<li>{escape(row)}</li>" for row in rows)
    return f"\n<h2>{escape(since_heading(assessment))}</h2>\n<ul>\n{items}\n</ul>"


def _trend(assessment: Assessment, questionnaire: Questionnaire, *, key: str, title: str, level: str = "h2") -> str:
    """The chart of the saved checks' levels over time (with --save and two checks or more)."""
    if assessment.trend is None:
        return ""
    chart = trend.svg(assessment.trend, len(questionnaire.levels), key=key)
    return f'\n<{level}>{escape(title)}</{level}>\n<figure class="trend">\n{chart}\n</figure>'


def _answers_table(title: str, rows: list[tuple[str, str]], *, level: str = "h2") -> str:
    """Question and answer, already escaped."""
    body = "\n".join(f"<tr><td>{question}</td><td>{answer}</td></tr>" for question, answer in rows)
    return (
        f"<{level}>{escape(title)}</{level}>\n<table><thead><tr><th>{escape(heading('question'))}</th>"
        f"<th>{escape(heading('answer'))}</th></tr></thead><tbody>\n{body}\n</tbody></table>"
    )


def _clinician(assessment: Assessment, questionnaire: Questionnaire) -> str:
    """The clinician's page: printed, it starts on a page of its own."""
    mark = escape(clinician.warning_mark())
    rows = [
        (
            escape(row.question)
            + (f'<br><small class="provenance">{escape(row.provenance)}</small>' if row.provenance else ""),
            "; ".join(
                f'<span class="warning">{escape(item.label)} ({mark})</span>' if item.warning else escape(item.label)
                for item in row.chosen
            ),
        )
        for row in clinician.answer_rows(assessment, questionnaire)
    ]
    parts = [
        '<section class="clinician">',
        f"<h2>{escape(clinician.heading('page'))}</h2>",
        f"<p>{escape(clinician.intro())}</p>",
        _answers_table(clinician.heading("answers"), rows, level="h3"),
        f"<h3>{escape(clinician.heading('result'))}</h3>",
        f"<p><strong>{escape(assessment.level_title)}</strong></p>",
        "<ul>" + "".join(f"<li>{escape(row)}</li>" for row in area_rows(assessment, questionnaire)) + "</ul>",
        _trend(assessment, questionnaire, key="trend-clinician", title=clinician.heading("trend"), level="h3"),
    ]
    if assessment.clinician:
        parts.append(f"<h3>{escape(clinician.heading('pointers'))}</h3>")
        parts.append(
            "<ul>" + "".join(f"<li>{_cited(assessment, line)}</li>" for line in assessment.clinician) + "</ul>"
        )
    parts.append("</section>")
    return "\n".join(parts)


def report_style(*, indent: str = "") -> str:
    """The report's own CSS rules (report.css), shared with the offline page so the two reports look alike."""
    rules = resources.files("kratom_check.render").joinpath("report.css").read_text(encoding="utf-8")
    return "".join(indent + line + "\n" for line in rules.splitlines() if not line.startswith("/*"))


def page(assessment: Assessment, questionnaire: Questionnaire) -> str:
    template = Template(resources.files("kratom_check.render").joinpath("report.html").read_text(encoding="utf-8"))
    contacts = ""
    if assessment.act_now or assessment.lead_resources:
        lines = "<br>".join(
            [_cited(assessment, line) for line in assessment.act_now]
            + [_resource(assessment, line) for line in assessment.lead_resources]
        )
        contacts = f'<div class="contacts">\n<h2>{escape(heading("lead", questionnaire))}</h2>\n{lines}\n</div>'
    said = plan(assessment, questionnaire)
    cautions = (_item(assessment, item) for item in said.items)
    answers = (
        ""
        if assessment.for_clinician
        else _answers_table(
            heading("answers"),
            [(escape(question), escape(labels)) for question, labels in answer_rows(assessment, questionnaire)],
        )
    )
    sources = []
    for _key, source in assessment.sources:
        link = escape(source.url)
        sources.append(escape(source_text(source)).replace(link, f'<a href="{link}">{link}</a>'))
    return template.substitute(
        report_style=report_style(indent="  "),
        lang=escape(language()),
        result_label=escape(heading("result")),
        notice_label=escape(heading("notice")),
        sources_label=escape(heading("sources")),
        title=escape(questionnaire.title),
        level=escape(assessment.level),
        level_title=escape(assessment.level_title),
        told_us=escape(said.told_us),
        next_step_label=escape(heading("next_step")),
        level_meaning=escape(assessment.level_meaning)
        + (f"</p><p>{escape(note)}" if (note := early_note(assessment)) else ""),
        contacts=contacts,
        made=f'<p class="made">{escape(made)}</p>' if (made := made_text(assessment)) else "",
        safety_net=_section("safety_net", (_safety_line(assessment, line) for line in assessment.safety_net)),
        areas=_section("areas", (escape(row) for row in area_rows(assessment, questionnaire)))
        + _since(assessment, questionnaire)
        + _trend(assessment, questionnaire, key="trend", title=trend.title()),
        good_to_know="",
        cautions=_section("cautions", cautions, numbered=True),
        next_steps=_section("next_steps", (_cited(assessment, line) for line in said.next_steps)),
        ask_clinician="",
        resources=_section(
            "resources", (_resource(assessment, line) for line in assessment.resources), questionnaire=questionnaire
        ),
        answers=answers,
        clinician=_clinician(assessment, questionnaire) if assessment.for_clinician else "",
        notice="<ul>"
        + "".join(f"<li>{escape(notice)}</li>" for notice in privacy_rows(assessment, with_made=False))
        + "".join(f"<li>{_cited(assessment, line)}</li>" for line in said.good_to_know)
        + "</ul>",
        sources="<ol>\n" + "\n".join(f"<li>{source}</li>" for source in sources) + "\n</ol>",
    )
