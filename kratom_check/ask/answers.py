"""Turn an answers file (the public answers contract) into checked answers, reporting every problem."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from .. import safe_yaml
from ..conditions import Answers, compile_condition
from ..errors import AnswersError, allowed, quoted_list, shown
from ..i18n import _, ngettext
from ..model import Question, Questionnaire


class CheckedAnswers(NamedTuple):
    values: dict[str, tuple[str, ...]]
    warnings: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    """Required questions left unanswered, when a partial file was allowed (a person will answer them)."""


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


def check(questionnaire: Questionnaire, data: Any, name: str = "answers", *, partial: bool = False) -> CheckedAnswers:
    """Validate raw answers (as parsed from YAML or JSON) against the questionnaire.

    With partial=True, unanswered required questions are listed in `missing` instead of being
    problems: a person at a terminal is about to answer them. Every other problem still counts.
    """
    if not isinstance(data, dict):
        raise AnswersError(
            (
                _(
                    "{name}: the answers must be a mapping of question id to answer, like 'frequency: daily'. "
                    "This file holds a list instead."
                )
                if isinstance(data, list)
                else _(
                    "{name}: the answers must be a mapping of question id to answer, like 'frequency: daily'. "
                    "This file holds a single value instead."
                )
            ).format(name=name)
        )
    problems: list[str] = []
    known = questionnaire.questions_by_id
    unknown = [key for key in data if key not in known]
    if unknown:
        # Listed once with the known ids, however many there are: a file of junk gives a short message.
        named = quoted_list([str(key) for key in unknown])
        problems.append(
            ngettext(
                "{keys} is not a question id (known: {known})",
                "{keys} are not question ids (known: {known})",
                len(unknown),
            ).format(keys=named, known=", ".join(known))
        )

    values: dict[str, tuple[str, ...]] = {}
    warnings: list[str] = []
    missing: list[str] = []
    choices = lookups(questionnaire)
    for question in questionnaire.questions:
        raw = data.get(question.id)
        if question.ask_if is not None and not compile_condition(question.ask_if)(values):
            if raw is not None:
                warnings.append(
                    _("'{question}' does not apply to these answers, so its answer was ignored.").format(
                        question=question.id
                    )
                )
            continue
        if raw is None:
            if question.required and partial:
                missing.append(question.id)
            elif question.required:
                problems.append(
                    _("'{question}' needs an answer ({allowed})").format(
                        question=question.id, allowed=allowed(question)
                    )
                )
            continue
        chosen, problem = parse_answer(question, raw, choices[question.id])
        if problem:
            problems.append(f"'{question.id}': {problem} ({allowed(question)})")
        else:
            values[question.id] = chosen
    if problems:
        raise AnswersError(f"{name}: {problem}" for problem in problems)
    return CheckedAnswers(values, tuple(warnings), tuple(missing))


MULTIPLE_SEPARATOR = ";"
"""In a CSV cell (batch, the SQL export), several choices are joined by this."""


def csv_record(keys: list[str], row: Sequence[str]) -> dict[str, Any]:
    """A CSV row as an answer set: cells trimmed, empty ones left out, ';' separating several choices."""
    record: dict[str, Any] = {}
    for key, cell in zip(keys, row, strict=False):
        value = cell.strip()
        if not value:
            continue
        if MULTIPLE_SEPARATOR in value:
            parts = [part.strip() for part in value.split(MULTIPLE_SEPARATOR) if part.strip()]
            record[key] = parts if len(parts) > 1 else (parts[0] if parts else value)
        else:
            record[key] = value
    return record


class ChoiceLookup(NamedTuple):
    """How a typed or written answer maps to a choice of one question."""

    ids: frozenset[str]
    labels: dict[str, str]
    exclusive: frozenset[str]


def choice_lookup(question: Question) -> ChoiceLookup:
    # A label names a choice when no other choice of the question has it, in any language.
    names = [
        (name.casefold(), choice.id)
        for choice in question.choices
        for name in dict.fromkeys((choice.label, *choice.aliases))
    ]
    owners: dict[str, set[str]] = {}
    for name, choice_id in names:
        owners.setdefault(name, set()).add(choice_id)
    return ChoiceLookup(
        ids=frozenset(question.choice_ids),
        labels={name: choice_id for name, choice_id in names if len(owners[name]) == 1},
        exclusive=frozenset(choice.id for choice in question.choices if choice.exclusive),
    )


_LOOKUPS: dict[int, tuple[Questionnaire, dict[str, ChoiceLookup]]] = {}


def lookups(questionnaire: Questionnaire) -> dict[str, ChoiceLookup]:
    """Each question's choice look-up, built once per questionnaire: batch parses millions of answers."""
    cached = _LOOKUPS.get(id(questionnaire))
    if cached is not None and cached[0] is questionnaire:
        return cached[1]
    built = {question.id: choice_lookup(question) for question in questionnaire.questions}
    _LOOKUPS[id(questionnaire)] = (questionnaire, built)
    return built


def parse_answer(question: Question, raw: Any, lookup: ChoiceLookup) -> tuple[tuple[str, ...], str | None]:
    """One question's raw answer -> choice ids, or a reason it is not valid."""
    items = raw if isinstance(raw, list) else [raw]
    if question.kind != "multiple" and isinstance(raw, list):
        return (), _("give one answer, not a list")
    if not items:
        return (), _("the list is empty")
    chosen: list[str] = []
    for item in items:
        choice_id = _choice_id(lookup, item)
        if choice_id is None:
            if isinstance(item, dict | list):
                return (), _("a nested list or mapping is not a choice")
            parts = [part.strip() for part in item.split(",")] if isinstance(item, str) and "," in item else []
            if question.kind == "multiple" and parts and all(_choice_id(lookup, part) for part in parts):
                return (), _("{value} is one text; write several choices as a list, like [{listed}]").format(
                    value=shown(repr(item)), listed=", ".join(parts)
                )
            return (), _("{value} is not a choice").format(value=shown(repr(item)))
        if choice_id not in chosen:
            chosen.append(choice_id)
    if len(chosen) > 1 and not lookup.exclusive.isdisjoint(chosen):
        exclusive = next(choice_id for choice_id in chosen if choice_id in lookup.exclusive)
        return (), _("'{choice}' cannot be combined with other choices").format(choice=exclusive)
    return tuple(chosen), None


def _choice_id(lookup: ChoiceLookup, item: Any) -> str | None:
    if isinstance(item, bool):
        # YAML 1.1 reads unquoted yes/no as booleans; the person meant the choice id.
        item = "yes" if item else "no"
    elif isinstance(item, int):
        # A ruler's choices are the numbers 0 to 10; a file may write them unquoted.
        item = str(item)
    if not isinstance(item, str):
        return None
    if item in lookup.ids:
        return item
    text = item.strip()
    if text in lookup.ids:
        return text
    # A person may type the label they read, where it names one choice only.
    return lookup.labels.get(text.casefold())


def as_contract(answers: Answers, questionnaire: Questionnaire) -> dict[str, str | list[str]]:
    """Answers in the file format: a string for single questions, a list for multiple ones."""
    result: dict[str, str | list[str]] = {}
    for question in questionnaire.questions:
        if question.id in answers:
            chosen = answers[question.id]
            result[question.id] = list(chosen) if question.kind == "multiple" else chosen[0]
    return result


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
