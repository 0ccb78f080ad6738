"""The Markdown report: for pasting into a patient portal or a note (plain Markdown, no HTML)."""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Questionnaire
from ..score.reference import Assessment, Cited
from . import clinician
from .text import (
    FULL_CAUTIONS,
    answer_rows,
    area_rows,
    caution_lines,
    early_note,
    heading,
    privacy_rows,
    refs,
    resource_text,
    short_caution,
    since_heading,
    since_rows,
    source_text,
)


def markdown(assessment: Assessment, questionnaire: Questionnaire) -> str:
    """For pasting into a patient portal or a note: plain Markdown, no HTML."""
    lines: list[str] = [f"# {questionnaire.title}", ""]

    def section(key: str, items: Sequence[str], *, numbered: bool = False) -> None:
        if not items:
            return
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
    lines.extend([f"## {heading('result')}: {assessment.level_title}", "", f"**{assessment.level_meaning}**", ""])
    if note := early_note(assessment):
        lines.extend([note, ""])
    section("safety_net", cited(assessment.safety_net))
    section(
        "cautions",
        [
            "{} *{}*".format(*caution_lines(assessment, caution))
            if number <= FULL_CAUTIONS
            else short_caution(assessment, caution)
            for number, caution in enumerate(assessment.cautions, 1)
        ],
        numbered=True,
    )
    section("areas", area_rows(assessment, questionnaire))
    if assessment.since_last is not None:
        lines.extend([f"## {since_heading(assessment)}", ""])
        lines.extend(f"- {row}" for row in since_rows(assessment, questionnaire))
        lines.append("")
    section("next_steps", cited(assessment.next_steps))
    section("ask_clinician", cited(assessment.ask_clinician))
    section("resources", [f"{resource_text(r)} {refs(assessment, r)}" for r in assessment.resources])
    if not assessment.for_clinician:  # otherwise the answers are on the clinician's page
        section("answers", [f"{question} {labels}" for question, labels in answer_rows(assessment, questionnaire)])
    section("notice", privacy_rows(assessment))
    section("good_to_know", cited(assessment.good_to_know))
    section(
        "sources",
        [source_text(source) for _key, source in assessment.sources],
        numbered=True,
    )
    if assessment.for_clinician:
        lines.extend(_clinician_part(assessment, questionnaire))
    return "\n".join(lines).rstrip() + "\n"


def _clinician_part(assessment: Assessment, questionnaire: Questionnaire) -> list[str]:
    """A page of its own: after a rule, so a printout can be split there."""
    lines = ["---", "", f"# {clinician.heading('page')}", "", clinician.intro(), ""]
    lines += [f"## {clinician.heading('answers')}", "", f"| {heading('question')} | {heading('answer')} |", "|---|---|"]
    mark = clinician.warning_mark()
    for row in clinician.answer_rows(assessment, questionnaire):
        shown = "; ".join(f"**{item.label} ({mark})**" if item.warning else item.label for item in row.chosen)
        lines.append(f"| {_cell(row.question)} | {_cell(shown)} |")
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
