"""The public answers contract: which values answer each question, and a whole answer set checked.

Every way in reads answers through this one check: an answers file or a FHIR response (`ask/`), the
interview's typed answers, batch rows (`score/fast.py`) and the SQL export's cells (`score/sql.py`).
See docs/answers-format.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from .conditions import compile_condition
from .errors import AnswersError, allowed, quoted_list, shown
from .i18n import _, ngettext
from .model import Question, Questionnaire


class CheckedAnswers(NamedTuple):
    values: dict[str, tuple[str, ...]]
    warnings: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    """Required questions left unanswered, when a partial file was allowed (a person will answer them)."""


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
