"""The questionnaire as the engine sees it: light, immutable named tuples.

They mirror the file format in schema.py field for field, but cost a fraction of pydantic models
to define and build, which keeps start-up within its budget. Only validated data reaches them:
from schema.validate() or from the pre-checked compiled copy.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from functools import cached_property
from typing import Any, Literal, NamedTuple


class Condition(NamedTuple):
    """Declarative test on answers: one of any / all / not, or an answer test."""

    any_: tuple[Condition, ...] | None = None
    all_: tuple[Condition, ...] | None = None
    not_: Condition | None = None
    answer: str | None = None
    is_: tuple[str, ...] | None = None
    includes: tuple[str, ...] | None = None

    def children(self) -> tuple[Condition, ...]:
        if self.not_ is not None:
            return (self.not_,)
        return self.any_ or self.all_ or ()

    def leaves(self) -> list[Condition]:
        """The answer tests inside this condition, in order."""
        if self.answer is not None:
            return [self]
        return [leaf for child in self.children() for leaf in child.leaves()]


class Choice(NamedTuple):
    id: str
    label: str
    points: dict[str, int]
    exclusive: bool = False
    since: str | None = None


class Question(NamedTuple):
    id: str
    kind: Literal["single", "multiple", "yes_no"]
    text: str
    help: str
    choices: tuple[Choice, ...]
    required: bool = True
    ask_if: Condition | None = None
    since: str | None = None

    def choice(self, choice_id: str) -> Choice | None:
        return next((choice for choice in self.choices if choice.id == choice_id), None)

    @property
    def choice_ids(self) -> tuple[str, ...]:
        return tuple(choice.id for choice in self.choices)


class Level(NamedTuple):
    id: str
    name: str
    title: str
    meaning: str


class Factor(NamedTuple):
    id: str
    title: str
    thresholds: dict[str, int]


class Overall(NamedTuple):
    thresholds: dict[str, int]


class Rule(NamedTuple):
    id: str
    when: Condition
    level: str
    sources: tuple[str, ...]
    red_flag: str | None = None


class Caution(NamedTuple):
    id: str
    when: Condition
    severity: str
    title: str
    text: str
    next_step: str
    sources: tuple[str, ...]


AdviceKind = Literal["act_now", "watch_for", "next_step", "ask_clinician", "good_to_know"]
"""Where an advice line shows: the help-now block, the signs under the result, the steps, the
questions, or the background every report ends with."""


class Advice(NamedTuple):
    id: str
    kind: AdviceKind
    text: str
    sources: tuple[str, ...]
    levels: tuple[str, ...] | None = None
    when: Condition | None = None


class Resource(NamedTuple):
    id: str
    name: str
    contact: str
    text: str
    sources: tuple[str, ...]
    levels: tuple[str, ...] | None = None
    lead_at: tuple[str, ...] = ()


class Source(NamedTuple):
    title: str
    publisher: str
    year: int
    url: str


class QuestionnaireFields(NamedTuple):
    schema_version: int
    languages: tuple[str, ...]
    id: str
    version: str
    title: str
    intro: str
    notice: tuple[str, ...]
    levels: tuple[Level, ...]
    questions: tuple[Question, ...]
    factors: tuple[Factor, ...]
    overall: Overall
    rules: tuple[Rule, ...]
    cautions: tuple[Caution, ...]
    advice: tuple[Advice, ...]
    resources: tuple[Resource, ...]
    sources: dict[str, Source]


class Questionnaire(QuestionnaireFields):
    """The whole questionnaire, with the look-ups the engine needs computed once."""

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


# Field names that are Python keywords carry a trailing underscore; the file uses the plain word.
ALIASES = {"any_": "any", "all_": "all", "not_": "not", "is_": "is"}

Converter = Callable[[Any], Any]
_CONVERTERS: dict[Any, Converter] = {}


def _identity(value: Any) -> Any:
    return value


def _converter(annotation: Any) -> Converter:
    """A function that turns plain data into `annotation`, made once per type (start-up matters)."""
    known = _CONVERTERS.get(annotation)
    if known is not None:
        return known
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    convert: Converter
    if origin in (typing.Union, types.UnionType):
        inner = _converter(next(argument for argument in arguments if argument is not type(None)))

        def convert(value: Any) -> Any:
            return None if value is None else inner(value)

    elif origin is tuple:
        item = _converter(arguments[0])
        convert = tuple if item is _identity else (lambda value: tuple(map(item, value)))
    elif origin is dict:
        entry = _converter(arguments[1])
        convert = dict if entry is _identity else (lambda value: {key: entry(v) for key, v in value.items()})
    elif isinstance(annotation, type) and issubclass(annotation, tuple) and hasattr(annotation, "_fields"):
        fields: list[tuple[str, Converter]] = []

        def convert(value: Any) -> Any:
            return annotation(*[field(value[key]) for key, field in fields])

        _CONVERTERS[annotation] = convert  # registered first: Condition contains Conditions
        hints = typing.get_type_hints(annotation)
        fields.extend((ALIASES.get(name, name), _converter(hints[name])) for name in annotation._fields)
        return convert
    else:
        convert = _identity
    _CONVERTERS[annotation] = convert
    return convert


def from_data(data: dict[str, Any]) -> Questionnaire:
    """Build from validated data (schema.validate's output, or the compiled copy)."""
    questionnaire: Questionnaire = _converter(Questionnaire)(data)
    return questionnaire


def to_data(value: Any) -> Any:
    """The inverse of from_data: plain JSON-ready data with the file's field names."""
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return {ALIASES.get(name, name): to_data(getattr(value, name)) for name in value._fields}
    if isinstance(value, tuple | list):
        return [to_data(item) for item in value]
    if isinstance(value, dict):
        return {key: to_data(item) for key, item in value.items()}
    return value
