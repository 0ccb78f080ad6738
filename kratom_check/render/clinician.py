"""The clinician's part of a report: every answer (warning signs marked), the result with what raised
each area, and the pointers that fit this person, each with its sources. Shared by HTML, Markdown and JSON.

Clinical words are allowed here (no reading-grade limit); dosing never is (the questionnaire's wording
check covers the pointers like every other text).
"""

from __future__ import annotations

from typing import NamedTuple

from ..i18n import N_, _, in_language
from ..model import Question, Questionnaire
from ..score.reference import Assessment

HEADINGS = {
    "page": N_("For your clinician"),
    "answers": N_("Answers"),
    "result": N_("Result and what raised it"),
    "pointers": N_("Notes for the clinician"),
    "trend": N_("Levels over time"),
}


def heading(key: str) -> str:
    return _(HEADINGS[key])


def intro() -> str:
    return _(
        "This part is for the clinician you show this report to: every answer, the result with the answers "
        "that raised it, and notes that fit these answers, with their sources. It gives no dosing advice."
    )


def mention() -> str:
    """What a text report says about the clinician's page, which only the other formats carry."""
    return _("For a page for your clinician, run: kratom-check --format html --output report.html")


class Chosen(NamedTuple):
    choice_id: str
    label: str
    warning: bool
    """True when this answer is behind a warning sign that fired."""


class AnswerRow(NamedTuple):
    question_id: str
    question: str
    chosen: tuple[Chosen, ...]
    provenance: str | None = None
    """For a question adapted from a screening tool: from what, and whether it was validated for kratom."""


PROVENANCE_NOTES = (
    N_("Adapted from {source}; not validated for kratom."),
    N_("Adapted from {source}; validated for kratom."),
)


def provenance(question: Question, questionnaire: Questionnaire, *, language: str | None = None) -> str | None:
    """'Adapted from …, not validated for kratom': a clinician weighs an adapted item by where it came from.
    `language`: that language's words rather than the run's (FHIR carries every language at once)."""
    if question.adapted_from is None:
        return None
    source = questionnaire.sources[question.adapted_from]
    name = ", ".join(str(part) for part in (source.title, source.publisher, source.year) if part)
    note = PROVENANCE_NOTES[1 if question.validated_for_kratom else 0]
    return (_(note) if language is None else in_language(language, note)).format(source=name)


def answer_rows(assessment: Assessment, questionnaire: Questionnaire) -> list[AnswerRow]:
    """Every scored answer as question -> labels, in the order the questionnaire lists them."""
    warnings = set(assessment.warning_answers)
    rows = []
    for question_id, chosen in assessment.answers:
        question = questionnaire.questions_by_id[question_id]
        items = []
        for choice_id in chosen:
            choice = question.choice(choice_id)
            label = choice.label if choice is not None else choice_id
            items.append(Chosen(choice_id, label, (question_id, choice_id) in warnings))
        rows.append(AnswerRow(question_id, question.text, tuple(items), provenance(question, questionnaire)))
    return rows


def warning_mark() -> str:
    return _("warning sign")
