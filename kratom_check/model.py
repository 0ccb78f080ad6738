"""The questionnaire: the one definition of every field, for the engine and for the file format.

The engine runs on these named tuples (light to build, which keeps start-up fast). Checking an
untrusted file and the JSON Schema are derived from the same classes: load/validation.py turns each
into a pydantic model, reading the `Spec` marks below, so a new field is written once, here. The
marks are plain objects: a normal run, which builds these classes from the pre-checked copy, never
pays for building validators.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from functools import cached_property
from typing import Annotated, Any, Literal, NamedTuple


class Spec:
    """What the file format asks of a field beyond its type: a pattern, lengths, bounds, a description."""

    def __init__(self, **rules: Any) -> None:
        self.rules = rules

    def __repr__(self) -> str:
        return f"Spec({self.rules!r})"


ID_PATTERN = r"^[a-z][a-z0-9_]*$"
TEXT_PATTERN = r"^[^\x00-\x08\x0b-\x1f\x7f-\x9f]*$"
"""A text a person reads holds no control characters (a tab or a new line is fine): none can reach a terminal."""
REQUIRED = Spec(required=True)
"""A field a file must give, though the class gives it a default: a named tuple's fields with defaults
must come last, and the file format lists its fields in reading order."""
Id = Annotated[str, Spec(pattern=ID_PATTERN, max_length=64)]
Text = Annotated[str, Spec(strip_whitespace=True, min_length=1, pattern=TEXT_PATTERN)]
SourceKeys = Annotated[tuple[Id, ...], Spec(min_length=1)]
Version = Annotated[str, Spec(pattern=r"^\d+\.\d+\.\d+$")]
"""A questionnaire version, like 1.1.0."""
LevelIds = tuple[Id, ...]
RegionCode = Annotated[
    str, Spec(pattern=r"^[A-Z]{2}$", description="An ISO 3166-1 alpha-2 country code, like AU; ZZ: any other.")
]

# Field names that are Python keywords carry a trailing underscore; the file uses the plain word.
ALIASES = {"any_": "any", "all_": "all", "not_": "not", "is_": "is"}


class Condition(NamedTuple):
    """Declarative test on answers: one of any / all / not, or an answer test."""

    any_: Annotated[tuple[Condition, ...], Spec(min_length=1)] | None = None
    all_: Annotated[tuple[Condition, ...], Spec(min_length=1)] | None = None
    not_: Condition | None = None
    answer: Id | None = None
    is_: Annotated[tuple[Id, ...], Spec(min_length=1, one_or_list=True)] | None = None
    includes: Annotated[tuple[Id, ...], Spec(min_length=1, one_or_list=True)] | None = None

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
    id: Id
    label: Text
    points: dict[Id, Annotated[int, Spec(ge=0, le=100)]] = {}  # noqa: RUF012 - never mutated
    exclusive: bool = False
    since: Annotated[Version, Spec(description="The questionnaire version this choice arrived in.")] | None = None
    unknown: Annotated[
        bool,
        Spec(description="The person does not know: an area at the lowest level with it reads 'not known'."),
    ] = False
    aliases: Annotated[
        tuple[Text, ...],
        Spec(
            description=(
                "Other words an answers file may use for this choice. The loader adds the choice's label in every "
                "language the questionnaire has, so an answers file means the same whatever the reader's locale."
            )
        ),
    ] = ()


class Question(NamedTuple):
    id: Id
    kind: Literal["single", "multiple", "yes_no"]
    text: Text
    help: Text
    required: bool = True
    short: Annotated[Text, Spec(description="A few words naming the question, for answer lists.")] | None = None
    ask_if: Condition | None = None
    since: Annotated[Version, Spec(description="The questionnaire version this question arrived in.")] | None = None
    ruler: Annotated[
        bool, Spec(description="A 0-10 ruler of what matters to the person: never scored; shown last in the trend.")
    ] = False
    choices: Annotated[tuple[Choice, ...], Spec(min_length=2, required=True)] = ()

    def choice(self, choice_id: str) -> Choice | None:
        return next((choice for choice in self.choices if choice.id == choice_id), None)

    @property
    def choice_ids(self) -> tuple[str, ...]:
        return tuple(choice.id for choice in self.choices)


class Level(NamedTuple):
    id: Id
    name: Annotated[Text, Spec(description="The level in one word, as each area of a report shows it.")]
    title: Text
    meaning: Annotated[Text, Spec(description="The one most important next step at this level.")]


class Factor(NamedTuple):
    id: Id
    title: Text
    thresholds: dict[Id, Annotated[int, Spec(ge=1)]]


class Overall(NamedTuple):
    thresholds: dict[Id, Annotated[int, Spec(ge=1)]]


class Rule(NamedTuple):
    id: Id
    when: Condition
    level: Id
    red_flag: Text | None = None
    next_step: (
        Annotated[
            Text,
            Spec(
                description=(
                    "The result's next step when this rule fires, instead of the level's meaning: a sign that means "
                    "'call now' is never also told 'today'. The first rule that fires and has one gives it."
                )
            ),
        ]
        | None
    ) = None
    sources: Annotated[SourceKeys, REQUIRED] = ()


class Topic(NamedTuple):
    """What several cautions speak about (the liver, the heart): a report shows them as one item."""

    id: Id
    title: Annotated[Text, Spec(description="The item's title when it holds more than one caution.")]


class Caution(NamedTuple):
    id: Id
    when: Condition
    severity: Id
    title: Annotated[
        Text, Spec(description="A few words that stand for the caution when a report lists it in one line.")
    ]
    text: Text
    next_step: Text
    sources: SourceKeys
    regions: (
        Annotated[
            tuple[RegionCode, ...], Spec(min_length=1, description="Only in these countries (it names their services).")
        ]
        | None
    ) = None
    topic: (
        Annotated[Id, Spec(description="A topic id: cautions with the same topic show as one item in a report.")]
        | None
    ) = None


AdviceKind = Literal["act_now", "watch_for", "next_step", "ask_clinician", "good_to_know"]
"""Where an advice line shows: the help-now block, the signs under the result, the steps, the
questions, or the background every report ends with."""


class Advice(NamedTuple):
    id: Id
    kind: Annotated[
        AdviceKind,
        Spec(
            description=(
                "act_now: first of all, before the contacts; watch_for: the signs under the result in every "
                "report; next_step and ask_clinician: what to do and ask; good_to_know: background at the end."
            )
        ),
    ]
    levels: LevelIds | None = None
    when: Condition | None = None
    text: Annotated[Text, REQUIRED] = ""
    sources: Annotated[SourceKeys, REQUIRED] = ()
    regions: (
        Annotated[
            tuple[RegionCode, ...], Spec(min_length=1, description="Only in these countries (it names their services).")
        ]
        | None
    ) = None
    marks: (
        Annotated[
            Condition,
            Spec(description="For a watch_for line: it is marked as the person's own when this holds."),
        ]
        | None
    ) = None


class Resource(NamedTuple):
    id: Id
    name: Text
    contact: Text
    text: Text
    levels: LevelIds | None = None
    lead_at: LevelIds = ()
    sources: Annotated[SourceKeys, REQUIRED] = ()


class ClinicianPointer(NamedTuple):
    """A short note for the clinician the person brings the report to: clinical words allowed, never dosing."""

    id: Id
    when: Condition | None = None
    text: Annotated[Text, REQUIRED] = ""
    sources: Annotated[SourceKeys, REQUIRED] = ()


class Region(NamedTuple):
    """A country's help: the lines a report lists for it, and its emergency number for every text."""

    code: RegionCode
    name: Annotated[Text, Spec(description='The country as "Help in ..." reads: "the United States", "Australia".')]
    emergency: Annotated[
        Text, Spec(description="What {emergency} becomes in every text: the number to call there, or words.")
    ]
    emergency_room: (
        Annotated[
            Text,
            Spec(description="What {emergency_room} becomes: the hospital's emergency department, as people say it."),
        ]
        | None
    ) = None
    resources: Annotated[tuple[Resource, ...], Spec(min_length=1), REQUIRED] = ()


class Source(NamedTuple):
    title: Text
    publisher: Text
    year: Annotated[int, Spec(ge=1900, le=2100, description="Left out for an undated web page.")] | None = None
    url: Annotated[
        str,
        Spec(
            pattern=r"^https?://\S+$",
            description="Where a reader can check the source: a web page, or https://doi.org/ and the DOI.",
        ),
        REQUIRED,
    ] = ""


class QuestionnaireFields(NamedTuple):
    """A kratom-check questionnaire: what it asks, how it scores, and everything a report says."""

    schema_version: Literal[1]
    languages: Annotated[tuple[Annotated[str, Spec(pattern=r"^[a-z]{2}$")], ...], Spec(min_length=1)] = ("en",)
    id: Annotated[str, Spec(pattern=r"^[a-z][a-z0-9_-]*$", max_length=64), REQUIRED] = ""
    version: Annotated[Text, REQUIRED] = ""
    title: Annotated[Text, REQUIRED] = ""
    intro: Annotated[Text, REQUIRED] = ""
    notice: Annotated[tuple[Text, ...], Spec(min_length=1), REQUIRED] = ()
    levels: Annotated[tuple[Level, ...], Spec(min_length=2), REQUIRED] = ()
    questions: Annotated[tuple[Question, ...], Spec(min_length=1), REQUIRED] = ()
    factors: Annotated[tuple[Factor, ...], Spec(min_length=1), REQUIRED] = ()
    overall: Annotated[Overall, REQUIRED] = Overall(thresholds={})
    rules: tuple[Rule, ...] = ()
    topics: tuple[Topic, ...] = ()
    cautions: tuple[Caution, ...] = ()
    advice: Annotated[tuple[Advice, ...], Spec(min_length=1), REQUIRED] = ()
    resources: tuple[Resource, ...] = ()
    clinician: Annotated[
        tuple[ClinicianPointer, ...],
        Spec(description="Pointers for the clinician's page of a report, each shown when its `when` holds."),
    ] = ()
    regions: Annotated[
        tuple[Region, ...],
        Spec(
            description=(
                "Help by country; the first is the default. A report keeps the one in use, its lines added to "
                "`resources`. Code ZZ is for any other country: it names no number."
            )
        ),
    ] = ()
    sources: Annotated[dict[Id, Source], Spec(min_length=1), REQUIRED] = {}  # noqa: RUF012 - never mutated


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

    @property
    def region(self) -> Region | None:
        """The country whose help a report gives (after load() chose it), or None without regions."""
        return self.regions[0] if self.regions else None


MODEL_TYPES: tuple[type[Any], ...] = (
    Condition, Choice, Question, Level, Factor, Overall, Rule, Topic, Caution, Advice, Resource, ClinicianPointer,
    Region, Source, QuestionnaireFields,
)  # fmt: skip
"""Every class of the definition, for the validation that is derived from them."""

Converter = Callable[[Any], Any]
_CONVERTERS: dict[Any, Converter] = {}


class _TypeOnly:
    """Annotated[X, marks] read as X: building from checked data needs the types, not the marks, and
    skipping them keeps start-up fast."""

    def __class_getitem__(cls, item: Any) -> Any:
        return item[0]


_TYPES_ONLY = {"Annotated": _TypeOnly}


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
        hints = typing.get_type_hints(annotation, localns=_TYPES_ONLY)
        fields.extend((ALIASES.get(name, name), _converter(hints[name])) for name in annotation._fields)
        return convert
    else:
        convert = _identity
    _CONVERTERS[annotation] = convert
    return convert


def from_data(data: dict[str, Any]) -> Questionnaire:
    """Build from complete, checked data (validation's output, or the pre-checked copy)."""
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
