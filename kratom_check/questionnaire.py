"""The questionnaire as validated, frozen data: everything the engine knows comes from here."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator, model_validator

from . import safeyaml
from .errors import QuestionnaireError

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
SourceKeys = Annotated[tuple[Id, ...], Field(min_length=1)]


class Model(BaseModel):
    # defer_build: pydantic's schemas are built only when a file is validated, not at import.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


def _as_tuple(value: Any) -> Any:
    """Let authors write one id where a list of ids is expected."""
    return (value,) if isinstance(value, str) else value


class Condition(Model):
    """Declarative test on answers: one of any / all / not, or an answer test."""

    any_: tuple[Condition, ...] | None = Field(None, alias="any", min_length=1)
    all_: tuple[Condition, ...] | None = Field(None, alias="all", min_length=1)
    not_: Condition | None = Field(None, alias="not")
    answer: Id | None = None
    is_: tuple[Id, ...] | None = Field(None, alias="is", min_length=1)
    includes: tuple[Id, ...] | None = Field(None, min_length=1)

    _as_tuples = field_validator("is_", "includes", mode="before", json_schema_input_type=Id | list[Id])(_as_tuple)

    @model_validator(mode="after")
    def _one_form(self) -> Condition:
        forms = [self.any_, self.all_, self.not_, self.answer]
        if sum(form is not None for form in forms) != 1:
            raise ValueError("a condition needs exactly one of: any, all, not, answer")
        if self.answer is not None and (self.is_ is None) == (self.includes is None):
            raise ValueError("an answer condition needs exactly one of: is, includes")
        if self.answer is None and (self.is_ is not None or self.includes is not None):
            raise ValueError("'is' and 'includes' go with 'answer'")
        return self

    def children(self) -> tuple[Condition, ...]:
        if self.not_ is not None:
            return (self.not_,)
        return self.any_ or self.all_ or ()


class Choice(Model):
    id: Id
    label: Text
    points: dict[Id, Annotated[int, Field(ge=0, le=100)]] = {}
    exclusive: bool = False


class Question(Model):
    id: Id
    kind: Literal["single", "multiple", "yes_no"]
    text: Text
    help: Text
    required: bool = True
    ask_if: Condition | None = None
    choices: tuple[Choice, ...] = Field(min_length=2)

    def choice(self, choice_id: str) -> Choice | None:
        return next((choice for choice in self.choices if choice.id == choice_id), None)

    @property
    def choice_ids(self) -> tuple[str, ...]:
        return tuple(choice.id for choice in self.choices)


class Level(Model):
    id: Id
    title: Text
    meaning: Text


class Factor(Model):
    id: Id
    title: Text
    thresholds: dict[Id, Annotated[int, Field(ge=1)]]


class Overall(Model):
    thresholds: dict[Id, Annotated[int, Field(ge=1)]]


class Rule(Model):
    id: Id
    when: Condition
    level: Id
    red_flag: Text | None = None
    sources: SourceKeys


class Caution(Model):
    id: Id
    when: Condition
    severity: Id
    text: Text
    next_step: Text
    sources: SourceKeys


class Advice(Model):
    id: Id
    kind: Literal["next_step", "ask_clinician"]
    levels: tuple[Id, ...] | None = None
    when: Condition | None = None
    text: Text
    sources: SourceKeys


class Resource(Model):
    id: Id
    name: Text
    contact: Text
    text: Text
    levels: tuple[Id, ...] | None = None
    lead_at: tuple[Id, ...] = ()
    sources: SourceKeys


class Source(Model):
    title: Text
    publisher: Text
    year: Annotated[int, Field(ge=1900, le=2100)]
    url: Text | None = None


class Questionnaire(Model):
    schema_version: Literal[1]
    languages: tuple[Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")], ...] = Field(("en",), min_length=1)
    id: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$", max_length=64)]
    version: Text
    title: Text
    intro: Text
    notice: tuple[Text, ...] = Field(min_length=1)
    levels: tuple[Level, ...] = Field(min_length=2)
    questions: tuple[Question, ...] = Field(min_length=1)
    factors: tuple[Factor, ...] = Field(min_length=1)
    overall: Overall
    rules: tuple[Rule, ...] = ()
    cautions: tuple[Caution, ...] = ()
    advice: tuple[Advice, ...] = Field(min_length=1)
    resources: tuple[Resource, ...] = ()
    sources: dict[Id, Source] = Field(min_length=1)

    def __repr__(self) -> str:
        return f"Questionnaire(id={self.id!r}, version={self.version!r})"

    @cached_property
    def level_rank(self) -> dict[str, int]:
        return {level.id: rank for rank, level in enumerate(self.levels)}

    @cached_property
    def questions_by_id(self) -> dict[str, Question]:
        return {question.id: question for question in self.questions}

    def level(self, level_id: str) -> Level:
        return self.levels[self.level_rank[level_id]]


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
    if not isinstance(document.data, dict):
        raise QuestionnaireError(
            f"{document.name}: the questionnaire must be a YAML mapping (keys like 'questions:'), "
            f"not {_kind_of(document.data)}."
        )
    try:
        model = Questionnaire.model_validate(document.data)
    except ValidationError as exc:
        raise QuestionnaireError(_describe(document, exc)) from None
    problems = [f"{document.where(path)}: {_dotted(path)}: {message}" for path, message in cross_check(model)]
    if problems:
        raise QuestionnaireError(problems)
    return model


def _kind_of(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    return f"a single value ({type(value).__name__})"


def _dotted(path: tuple[Any, ...]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _describe(document: safeyaml.Document, exc: ValidationError) -> list[str]:
    problems = []
    for error in exc.errors():
        path = tuple(part for part in error["loc"] if not (isinstance(part, str) and part.startswith("function-")))
        message = error["msg"]
        if error["type"] == "extra_forbidden":
            allowed = _allowed_fields(path[:-1])
            message = f"unknown field '{path[-1]}'" + (f" (allowed: {', '.join(allowed)})" if allowed else "")
        elif error["type"] == "string_pattern_mismatch":
            message = (
                f"'{error['input']}' is not a valid id (use lowercase letters, digits and _, starting with a letter)"
            )
        elif error["type"] == "missing":
            message = "this field is required"
        elif message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        problems.append(f"{document.where(path)}: {_dotted(path)}: {message}")
    return problems


def _allowed_fields(path: tuple[Any, ...]) -> list[str]:
    """Field names allowed at a path, found by walking the models: helps fix typos."""
    model: Any = Questionnaire
    for part in path:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if isinstance(model, type) and issubclass(model, Model) else None
        if field is None:
            by_alias = {f.alias: f for f in model.model_fields.values() if f.alias}
            field = by_alias.get(part)
        if field is None:
            return []
        model = _model_in(field.annotation)
        if model is None:
            return []
    if not (isinstance(model, type) and issubclass(model, Model)):
        return []
    return [info.alias or name for name, info in model.model_fields.items()]


def _model_in(annotation: Any) -> type[Model] | None:
    if isinstance(annotation, type) and issubclass(annotation, Model):
        return annotation
    for argument in getattr(annotation, "__args__", ()):
        found = _model_in(argument)
        if found is not None:
            return found
    return None


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
    import json

    schema = Questionnaire.model_json_schema(by_alias=True)
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "questionnaire.schema.json",
        **schema,
        "title": "kratom-check questionnaire",
    }
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
