"""The questionnaire file format as pydantic models: strict validation and its JSON Schema.

Imported only when a file is validated (or the schema printed): building these models costs more
than the whole start-up budget, so a normal run uses the pre-checked copy and the light runtime
types in model.py instead. Field names match model.py; questionnaire.py converts between them.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator, model_validator

from . import safeyaml
from .safeyaml import dotted

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


Version = Annotated[str, StringConstraints(pattern=r"^\d+\.\d+\.\d+$")]
"""A questionnaire version, like 1.1.0."""


class Choice(Model):
    id: Id
    label: Text
    points: dict[Id, Annotated[int, Field(ge=0, le=100)]] = {}
    exclusive: bool = False
    since: Version | None = Field(None, description="The questionnaire version this choice arrived in.")


class Question(Model):
    id: Id
    kind: Literal["single", "multiple", "yes_no"]
    text: Text
    help: Text
    required: bool = True
    ask_if: Condition | None = None
    since: Version | None = Field(None, description="The questionnaire version this question arrived in.")
    choices: tuple[Choice, ...] = Field(min_length=2)


class Level(Model):
    id: Id
    name: Text = Field(description="The level in one word, as each area of a report shows it.")
    title: Text
    meaning: Text = Field(description="The one most important next step at this level.")


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
    title: Text = Field(description="A few words that stand for the caution when a report lists it in one line.")
    text: Text
    next_step: Text
    sources: SourceKeys


class Advice(Model):
    id: Id
    kind: Literal["act_now", "watch_for", "next_step", "ask_clinician", "good_to_know"] = Field(
        description=(
            "act_now: first of all, before the contacts; watch_for: the signs under the result in every report; "
            "next_step and ask_clinician: what to do and ask; good_to_know: background at the end."
        )
    )
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
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] = Field(
        description="Where a reader can check the source: a web page, or https://doi.org/ and the DOI."
    )


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


def validate(data: Any, document: safeyaml.Document) -> dict[str, Any] | list[str]:
    """The file's data, normalized (aliases, defaults, tuples), or every problem with its line."""
    try:
        model = Questionnaire.model_validate(data)
    except ValidationError as exc:
        return _describe(document, exc)
    normalized: dict[str, Any] = model.model_dump(mode="json", by_alias=True)
    return normalized


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
        problems.append(f"{document.where(path)}: {dotted(path)}: {message}")
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
