"""The Markdown report: for pasting into a patient portal or a note (plain Markdown, no HTML)."""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Questionnaire
from ..score.reference import Assessment, Cited
from ..sections import SECTIONS
from . import clinician
from .plan import plan
from .text import (
    answer_rows,
    area_rows,
    early_note,
    heading,
    item_body,
    item_refs,
    own_sign_note,
    privacy_rows,
    refs,
    resource_text,
    since_heading,
    since_rows,
    source_text,
)


def markdown(assessment: Assessment, questionnaire: Questionnaire) -> str:
    """For pasting into a patient portal or a note: plain Markdown, no HTML."""
    sections: dict[str, list[str]] = {}

    def start(key: str) -> list[str]:
        """Section `key`'s lines: the sections are put together in SECTIONS' order at the end."""
        return sections.setdefault(key, [])

    def section(key: str, items: Sequence[str], *, numbered: bool = False) -> None:
        if not items:
            return
        lines = start(key)
        lines.extend([f"## {heading(key, questionnaire)}", ""])
        for number, entry in enumerate(items, 1):
            lines.append(f"{number}. {entry}" if numbered else f"- {entry}")
        lines.append("")

    def cited(lines: Sequence[Cited]) -> list[str]:
        return [f"{line.text} {refs(assessment, line)}" for line in lines]

    section(
        "lead",
        [f"**{line.text}** {refs(assessment, line)}" for line in assessment.act_now]
        + [f"**{resource_text(r)}** {refs(assessment, r)}" for r in assessment.lead_resources],
    )
    said = plan(assessment, questionnaire)
    start("result").extend(
        [
            f"## {heading('result')}: {assessment.level_title}",
            "",
            said.told_us,
            "",
            f"**{heading('next_step')}: {assessment.level_meaning}**",
            "",
        ]
    )
    if note := early_note(assessment):
        start("result").extend([note, ""])
    section(
        "safety_net",
        [
            f"**{line.text} {own_sign_note()}** {refs(assessment, line)}"
            if line.id in assessment.own_signs
            else f"{line.text} {refs(assessment, line)}"
            for line in assessment.safety_net
        ],
    )
    section(
        "cautions",
        [
            " ".join(
                part
                for part in (
                    f"**{item.title}.**",
                    item_body(item),
                    f"*{heading('next_step')}: {item.next_step}*",
                    item_refs(assessment, item),
                )
                if part
            )
            for item in said.items
        ],
        numbered=True,
    )
    section("areas", area_rows(assessment, questionnaire))
    if assessment.since_last is not None:
        since = start("since_last")
        since.extend([f"## {since_heading(assessment)}", ""])
        since.extend(f"- {row}" for row in since_rows(assessment, questionnaire))
        since.append("")
    section("next_steps", cited(said.next_steps))
    section("resources", [f"{resource_text(r)} {refs(assessment, r)}" for r in assessment.resources])
    if not assessment.for_clinician:  # otherwise the answers are on the clinician's page
        section("answers", [f"{question} {labels}" for question, labels in answer_rows(assessment, questionnaire)])
    section("notice", [*privacy_rows(assessment), *cited(said.good_to_know)])
    section(
        "sources",
        [source_text(source) for _key, source in assessment.sources],
        numbered=True,
    )
    if assessment.for_clinician:
        start("clinician").extend(_clinician_part(assessment, questionnaire))
    lines = [f"# {questionnaire.title}", ""]
    for key in SECTIONS:
        lines += sections.get(key, [])
    return "\n".join(lines).rstrip() + "\n"


def _clinician_part(assessment: Assessment, questionnaire: Questionnaire) -> list[str]:
    """A page of its own: after a rule, so a printout can be split there."""
    lines = ["---", "", f"# {clinician.heading('page')}", "", clinician.intro(), ""]
    lines += [f"## {clinician.heading('answers')}", "", f"| {heading('question')} | {heading('answer')} |", "|---|---|"]
    mark = clinician.warning_mark()
    for row in clinician.answer_rows(assessment, questionnaire):
        shown = "; ".join(f"**{item.label} ({mark})**" if item.warning else item.label for item in row.chosen)
        question = f"{row.question} ({row.provenance})" if row.provenance else row.question
        lines.append(f"| {_cell(question)} | {_cell(shown)} |")
    lines += ["", f"## {clinician.heading('result')}", "", f"**{assessment.level_title}**", ""]
    lines += [f"- {row}" for row in area_rows(assessment, questionnaire)]
    lines.append("")
    if assessment.clinician:
        lines += [f"## {clinician.heading('pointers')}", ""]
        lines += [f"- {line.text} {refs(assessment, line)}" for line in assessment.clinician]
        lines.append("")
    return lines


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
