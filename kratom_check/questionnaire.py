"""Loading a questionnaire: the packaged one fast, any other file fully checked, every problem named.

A normal run takes the pre-checked copy of the packaged file (compiled.py). Any other file, and
`validate`, goes through pydantic (schema.py) and then the cross-reference checks here, which run
on the runtime types of model.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from . import safeyaml
from .errors import QuestionnaireError
from .model import Condition, Questionnaire, from_data
from .safeyaml import dotted

__all__ = ["Questionnaire", "cross_check", "from_document", "load", "load_checked", "packaged_path"]


def packaged_path() -> Path:
    """The questionnaire shipped in the wheel, or the repository's own when run from source."""
    shipped = resources.files("kratom_check").joinpath("questions.yaml")
    if shipped.is_file():
        return Path(str(shipped))
    return Path(__file__).resolve().parent.parent / "questions.yaml"


def load(path: str | None = None) -> Questionnaire:
    """Load and fully check a questionnaire file; raise QuestionnaireError listing every problem."""
    if path is None:
        from .compiled import load_trusted

        packaged = packaged_path()
        trusted = load_trusted(packaged)
        if trusted is not None:
            return trusted
        path = str(packaged)
    document = safeyaml.load_document(path, QuestionnaireError)
    return from_document(document)


def load_checked(path: str | None = None) -> Questionnaire:
    """Always parse and validate, even the packaged file (for `validate` and the tests)."""
    return from_document(safeyaml.load_document(str(path or packaged_path()), QuestionnaireError))


def from_document(document: safeyaml.Document) -> Questionnaire:
    """Validate field by field (pydantic, in schema.py), then check references between parts."""
    from . import schema

    if not isinstance(document.data, dict):
        raise QuestionnaireError(
            f"{document.name}: the questionnaire must be a YAML mapping (keys like 'questions:'), "
            f"not {_kind_of(document.data)}."
        )
    normalized = schema.validate(document.data, document)
    if isinstance(normalized, list):
        raise QuestionnaireError(normalized)
    model = from_data(normalized)
    problems = [f"{document.where(path)}: {dotted(path)}: {message}" for path, message in cross_check(model)]
    if problems:
        raise QuestionnaireError(problems)
    return model


def _kind_of(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    return f"a single value ({type(value).__name__})"


Problem = tuple[tuple[Any, ...], str]


def cross_check(model: Questionnaire) -> list[Problem]:
    """References between parts of the file, which field-by-field validation cannot see."""
    problems: list[Problem] = []
    levels = [level.id for level in model.levels]
    factors = [factor.id for factor in model.factors]
    sources = list(model.sources)

    for section in ("levels", "questions", "factors", "rules", "cautions", "advice", "resources"):
        problems += _duplicates(section, [item.id for item in getattr(model, section)])

    def known(path: tuple[Any, ...], value: str, allowed: list[str], what: str) -> None:
        if value not in allowed:
            problems.append((path, f"unknown {what} '{value}' (known: {', '.join(allowed)})"))

    seen: list[str] = []
    for q_index, question in enumerate(model.questions):
        q_path: tuple[Any, ...] = ("questions", q_index)
        problems += _duplicates((*q_path, "choices"), question.choice_ids)
        if question.kind == "yes_no" and sorted(question.choice_ids) != ["no", "yes"]:
            problems.append(((*q_path, "choices"), "a yes_no question has exactly the choices 'yes' and 'no'"))
        for c_index, choice in enumerate(question.choices):
            c_path = (*q_path, "choices", c_index)
            for factor_id in choice.points:
                known((*c_path, "points", factor_id), factor_id, factors, "factor")
            if choice.exclusive and question.kind != "multiple":
                problems.append(((*c_path, "exclusive"), "only choices of a 'multiple' question can be exclusive"))
        if question.ask_if is not None:
            problems += _check_condition(model, question.ask_if, (*q_path, "ask_if"), allowed_questions=seen)
        seen.append(question.id)

    for f_index, factor in enumerate(model.factors):
        problems += _check_thresholds(("factors", f_index, "thresholds"), factor.thresholds, levels)
    problems += _check_thresholds(("overall", "thresholds"), model.overall.thresholds, levels)

    all_questions = list(model.questions_by_id)
    for section in ("rules", "cautions", "advice", "resources"):
        for index, item in enumerate(getattr(model, section)):
            path: tuple[Any, ...] = (section, index)
            for key_index, key in enumerate(item.sources):
                known((*path, "sources", key_index), key, sources, "source")
            when = getattr(item, "when", None)
            if when is not None:
                problems += _check_condition(model, when, (*path, "when"), allowed_questions=all_questions)
                if section == "rules" and _uses_not(when):
                    problems.append(((*path, "when"), "a rule may not use 'not': rules only raise the level"))
            for field in ("level", "severity"):
                if hasattr(item, field):
                    known((*path, field), getattr(item, field), levels, "level")
            for field in ("levels", "lead_at"):
                for l_index, level in enumerate(getattr(item, field, None) or ()):
                    known((*path, field, l_index), level, levels, "level")
    return problems


def _duplicates(path: str | tuple[Any, ...], ids: list[str] | tuple[str, ...]) -> list[Problem]:
    base = (path,) if isinstance(path, str) else path
    seen: set[str] = set()
    problems: list[Problem] = []
    for index, item_id in enumerate(ids):
        if item_id in seen:
            problems.append(((*base, index, "id"), f"the id '{item_id}' is used twice"))
        seen.add(item_id)
    return problems


def _check_thresholds(path: tuple[Any, ...], thresholds: dict[str, int], levels: list[str]) -> list[Problem]:
    problems: list[Problem] = []
    for level in thresholds:
        if level not in levels:
            problems.append(((*path, level), f"unknown level '{level}' (known: {', '.join(levels)})"))
    ordered = [thresholds[level] for level in levels if level in thresholds]
    if ordered != sorted(set(ordered)):
        problems.append((path, "thresholds must rise with the level (a higher level needs more points)"))
    if levels and levels[0] in thresholds:
        problems.append(((*path, levels[0]), f"'{levels[0]}' is the starting level and takes no threshold"))
    return problems


def _walk(condition: Condition, path: tuple[Any, ...]) -> Iterator[tuple[Condition, tuple[Any, ...]]]:
    yield condition, path
    if condition.not_ is not None:
        yield from _walk(condition.not_, (*path, "not"))
    for key, group in (("any", condition.any_), ("all", condition.all_)):
        for index, child in enumerate(group or ()):
            yield from _walk(child, (*path, key, index))


def _uses_not(condition: Condition) -> bool:
    return any(node.not_ is not None for node, _ in _walk(condition, ()))


def _check_condition(
    model: Questionnaire, condition: Condition, path: tuple[Any, ...], *, allowed_questions: list[str]
) -> list[Problem]:
    problems: list[Problem] = []
    for node, node_path in _walk(condition, path):
        if node.answer is None:
            continue
        question = model.questions_by_id.get(node.answer)
        if question is None or node.answer not in allowed_questions:
            what = "an earlier question" if question is not None else "question"
            known_ids = ", ".join(allowed_questions) or "(no earlier questions)"
            problems.append(((*node_path, "answer"), f"'{node.answer}' is not {what} id (known: {known_ids})"))
            continue
        if node.includes is not None and question.kind != "multiple":
            problems.append(
                ((*node_path, "includes"), f"'includes' needs a multiple-choice question; use 'is' for '{question.id}'")
            )
        if node.is_ is not None and question.kind == "multiple":
            problems.append(((*node_path, "is"), f"'{question.id}' is multiple choice; use 'includes'"))
        for key, ids in (("is", node.is_), ("includes", node.includes)):
            for index, choice_id in enumerate(ids or ()):
                if choice_id not in question.choice_ids:
                    problems.append(
                        (
                            (*node_path, key, index),
                            f"unknown choice '{choice_id}' for '{question.id}' "
                            f"(known: {', '.join(question.choice_ids)})",
                        )
                    )
    return problems


def json_schema_text() -> str:
    """The JSON Schema of the file format; kept in the repository as questionnaire.schema.json."""
    from . import schema

    return schema.json_schema_text()
