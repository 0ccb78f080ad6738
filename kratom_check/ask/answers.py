"""Turn an answers file (the public answers contract) into checked answers, reporting every problem;
checked answers written back as a file; the file's template and JSON Schema. The check itself is
`contract.py`'s, shared with batch scoring."""

from __future__ import annotations

from typing import Any

from .. import safe_yaml
from ..conditions import Answers
from ..contract import MULTIPLE_SEPARATOR as MULTIPLE_SEPARATOR
from ..contract import CheckedAnswers as CheckedAnswers
from ..contract import ChoiceLookup as ChoiceLookup
from ..contract import check as check
from ..contract import choice_lookup as choice_lookup
from ..contract import csv_record as csv_record
from ..contract import lookups as lookups
from ..contract import parse_answer as parse_answer
from ..errors import AnswersError, allowed
from ..i18n import _
from ..model import Questionnaire


def load(questionnaire: Questionnaire, path: str, *, partial: bool = False) -> CheckedAnswers:
    document = safe_yaml.load_document(path, AnswersError)
    if path == "-" and not isinstance(document.data, dict):
        # Most likely keystrokes piped in for the questions: say what a pipe is read as.
        raise AnswersError(
            _(
                "{name}: this is not an answers file. When standard input is not a terminal, it is read as one. "
                "To answer the questions yourself, run kratom-check in a terminal. "
                "To see the answers file format, run: kratom-check template"
            ).format(name=document.name)
        )
    if isinstance(document.data, dict) and "resourceType" in document.data:
        # A FHIR resource (no question id has a capital letter): a QuestionnaireResponse, or a Bundle holding one.
        return from_fhir(questionnaire, document.data, document.name, partial=partial)
    return check(questionnaire, document.data, document.name, partial=partial)


def from_fhir(
    questionnaire: Questionnaire,
    resource: dict[str, Any],
    name: str = "QuestionnaireResponse",
    *,
    partial: bool = False,
) -> CheckedAnswers:
    """A QuestionnaireResponse's answers through the same check as a file's, its FHIR problems listed first.

    A question whose item has a FHIR problem was left out of the raw answers: it is not called unanswered too.
    """
    from . import fhir_response as fhir

    read = fhir.read_response(resource, questionnaire)
    if not read.problems:
        return check(questionnaire, read.answers, name, partial=partial)
    later: list[str] = []
    if read.items_read:  # say what else is wrong with the answers, as for a file
        try:
            check(questionnaire, read.answers, name, partial=partial)
        except AnswersError as error:
            excused = {
                f"{name}: "
                + _("'{question}' needs an answer ({allowed})").format(
                    question=question_id, allowed=allowed(questionnaire.questions_by_id[question_id])
                )
                for question_id in read.spoiled
            }
            later = [problem for problem in error.problems if problem not in excused]
    raise AnswersError([*(f"{name}: {problem}" for problem in read.problems), *later])


def as_contract(answers: Answers, questionnaire: Questionnaire) -> dict[str, str | list[str]]:
    """Answers in the file format: a string for single questions, a list for multiple ones."""
    result: dict[str, str | list[str]] = {}
    for question in questionnaire.questions:
        if question.id in answers:
            chosen = answers[question.id]
            result[question.id] = list(chosen) if question.kind == "multiple" else chosen[0]
    return result


def answers_file(questionnaire: Questionnaire, checked: CheckedAnswers, made: str) -> str:
    """The answers as an answers file (the public contract), to run again, share or score later."""
    import yaml

    header = [
        "# "
        + _("{title}: answers file (version {version}).").format(
            title=questionnaire.title, version=questionnaire.version
        ),
        "# " + _("Saved on {date}. Run it again with: kratom-check --answers this-file.yaml").format(date=made),
    ]
    if checked.missing:
        header.append("# " + _("Some questions have no answer yet: kratom-check will ask them in a terminal."))
    body = yaml.safe_dump(as_contract(checked.values, questionnaire), sort_keys=False, allow_unicode=True)
    return "\n".join(header) + "\n" + (body if checked.values else "{}\n")


def template_yaml(questionnaire: Questionnaire) -> str:
    """An answers file to fill in: each question as a comment, its allowed ids, and an empty value."""
    lines = [
        "# "
        + _("{title}: answers file (version {version}).").format(
            title=questionnaire.title, version=questionnaire.version
        ),
        "# " + _("Put your answer after each colon, using the ids listed. Then run:"),
        "#   kratom-check --answers this-file.yaml",
        "# " + _("Questions marked (optional) can stay empty."),
    ]
    for question in questionnaire.questions:
        optional = "" if question.required else " " + _("(optional)")
        lines.append("")
        lines.append(f"# {question.text}{optional}")
        if question.ask_if is not None:
            lines.append("# " + _("Answer only if it applies to you (see the question before)."))
        if question.kind == "multiple":
            lines.append("# " + _("Choose one or more, like [a, b], of:"))
        else:
            lines.append("# " + _("Choose one of:"))
        lines.extend(f"#   {choice.id}: {choice.label}" for choice in question.choices)
        lines.append(f"{question.id}:")
    return "\n".join(lines) + "\n"


def template_json(questionnaire: Questionnaire) -> str:
    """The same as JSON (which has no comments): every question id with a null to replace."""
    import json

    return json.dumps({question.id: None for question in questionnaire.questions}, indent=2) + "\n"


def json_schema(questionnaire: Questionnaire) -> dict[str, Any]:
    """The answers file format as JSON Schema, so intake forms and scripts can check files before scoring.

    It states what the contract allows (ids, kinds, `none` alone, which version each id arrived in);
    labels, booleans for yes/no and conditions between questions are checked only by kratom-check.
    """
    properties: dict[str, Any] = {}
    for question in questionnaire.questions:
        ids = list(question.choice_ids)
        added = {choice.id: choice.since for choice in question.choices if choice.since}
        description = question.text + ("" if question.required else " (optional)")
        if question.since:
            description += f" Added in {question.since}."
        if added:
            description += " " + " ".join(f"'{choice}' added in {since}." for choice, since in added.items())
        if question.kind == "multiple":
            exclusive = [choice.id for choice in question.choices if choice.exclusive]
            schema: dict[str, Any] = {
                "oneOf": [
                    {"enum": ids},
                    {"type": "array", "items": {"enum": ids}, "minItems": 1, "uniqueItems": True},
                ]
            }
            if exclusive:
                schema["not"] = {
                    "type": "array",
                    "minItems": 2,
                    "contains": {"enum": exclusive},
                }
        else:
            # YAML reads unquoted yes/no as booleans; the contract accepts them for the yes and no ids.
            # YAML and JSON read an unquoted number as a number; a ruler accepts it for the id of its digits.
            numbers = [int(choice_id) for choice_id in ids if choice_id.isdigit()]
            schema = {"enum": [*ids, True, False] if {"yes", "no"} <= set(ids) else [*ids, *numbers]}
        properties[question.id] = {"description": description, **schema}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "answers.schema.json",
        "title": f"{questionnaire.title}: answers file (questionnaire {questionnaire.id} {questionnaire.version})",
        "type": "object",
        "properties": properties,
        "required": [q.id for q in questionnaire.questions if q.required and q.ask_if is None],
        "additionalProperties": False,
    }


def json_schema_text(questionnaire: Questionnaire) -> str:
    import json

    return json.dumps(json_schema(questionnaire), indent=2, ensure_ascii=False) + "\n"
