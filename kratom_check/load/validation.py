"""Checking an untrusted questionnaire file: field by field, then references between parts.

The checks are derived from the one definition in model.py: each named tuple there becomes a pydantic
model here (its `Spec` marks turned into pydantic constraints), built only when a file is checked or
the JSON Schema printed. What a type cannot say (one form per condition, references between parts)
is checked below, in code that names no field twice.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterator
from functools import cache
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)

from .. import model as definition
from ..errors import shown
from ..model import (
    ALIASES,
    CHOICE_ID_PATTERN,
    ID_PATTERN,
    MODEL_TYPES,
    TEXT_PATTERN,
    Condition,
    Question,
    Questionnaire,
    QuestionnaireFields,
    Spec,
    to_data,
)
from ..safe_yaml import Document, dotted


class Model(BaseModel):
    # defer_build: pydantic's schemas are built only when a file is validated, not at import.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


_STRING_RULES = {"pattern", "max_length", "min_length", "strip_whitespace"}
_UNIONS = (typing.Union, types.UnionType)
_NOT_CONSTRAINTS = {"description", "one_or_list", "required"}
"""Spec rules that say something about a field other than a constraint on its value."""


def _union(arguments: tuple[Any, ...]) -> Any:
    """X | Y | ... of types some of which may be forward references by name."""
    return typing.Union[arguments]  # noqa: UP007 - names of models not built yet cannot be joined with |


def _one_or_list(value: Any) -> Any:
    """Let authors write one id where a list of ids is expected."""
    return (value,) if isinstance(value, str) else value


def _one_form(condition: Any) -> Any:
    forms = [condition.any_, condition.all_, condition.not_, condition.answer]
    if sum(form is not None for form in forms) != 1:
        raise ValueError("a condition needs exactly one of: any, all, not, answer")
    if condition.answer is not None and (condition.is_ is None) == (condition.includes is None):
        raise ValueError("an answer condition needs exactly one of: is, includes")
    if condition.answer is None and (condition.is_ is not None or condition.includes is not None):
        raise ValueError("'is' and 'includes' go with 'answer'")
    return condition


# Checks on a whole object that its fields' types cannot express, by class.
_OBJECT_CHECKS = {Condition: _one_form}


def _constraint(base: Any, rules: dict[str, Any]) -> Any:
    """A Spec's rules as pydantic metadata for a value of type `base`."""
    rules = {key: value for key, value in rules.items() if key not in _NOT_CONSTRAINTS}
    if base is str and rules.keys() & _STRING_RULES:
        return StringConstraints(**rules)
    return Field(**rules)


def _split(annotation: Any) -> tuple[Any, dict[str, Any]]:
    """An annotation without its Spec marks, and the marks' rules merged (outermost last)."""
    rules: dict[str, Any] = {}
    while typing.get_origin(annotation) is Annotated:
        for mark in annotation.__metadata__:
            if isinstance(mark, Spec):
                rules = {**mark.rules, **rules}
        annotation = annotation.__origin__
    return annotation, rules


def _translate(annotation: Any, names: dict[type[Any], str]) -> Any:
    """The same type, with named tuples of the definition replaced by their models' names and Spec marks
    by pydantic constraints."""
    base, rules = _split(annotation)
    origin = typing.get_origin(base)
    if isinstance(base, type) and base in names:
        translated: Any = names[base]
    elif origin is not None and origin is not typing.Literal:
        arguments = tuple(_translate(argument, names) for argument in typing.get_args(base))
        translated = _union(arguments) if origin in _UNIONS else origin[arguments]
    else:
        translated = base
    if rules.keys() - _NOT_CONSTRAINTS:
        translated = Annotated[translated, _constraint(base, rules)]
    return translated


@cache
def models() -> dict[type[Any], type[Model]]:
    """A pydantic model for each named tuple of the definition."""
    # Models refer to each other by these names until all are built (Condition contains Conditions).
    names: dict[type[Any], str] = {cls: f"_model_{cls.__name__}" for cls in MODEL_TYPES}
    built: dict[type[Any], type[Model]] = {}
    for cls in MODEL_TYPES:
        fields, validators = _fields_of(cls, names)
        if cls in _OBJECT_CHECKS:
            validators["_object_check"] = model_validator(mode="after")(_OBJECT_CHECKS[cls])
        built[cls] = create_model(
            cls.__name__.removesuffix("Fields"),
            __base__=Model,
            __validators__=validators,
            __doc__=_written_doc(cls),
            **fields,
        )
    namespace = {names[cls]: model for cls, model in built.items()}
    for model in built.values():
        model.model_rebuild(_types_namespace=namespace)
    return built


def _fields_of(cls: type[Any], names: dict[type[Any], str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(pydantic fields, validators) for one named tuple of the definition."""
    hints = typing.get_type_hints(cls, include_extras=True)
    fields: dict[str, Any] = {}
    validators: dict[str, Any] = {}
    for name in cls._fields:
        annotation = hints[name]
        rules = _split(annotation)[1]
        for argument in typing.get_args(annotation) if typing.get_origin(annotation) in _UNIONS else ():
            rules = {**_split(argument)[1], **rules}  # marks on X in "X | None"
        default: Any = ... if rules.get("required") or name not in cls._field_defaults else cls._field_defaults[name]
        description = rules.get("description")
        fields[name] = (
            _translate(annotation, names),
            Field(default, alias=ALIASES.get(name), description=description),
        )
        if rules.get("one_or_list"):
            one = _translate(definition.Id, names)
            validators[f"_one_or_list_{name}"] = field_validator(
                name,
                mode="before",
                json_schema_input_type=one | list[one],  # type: ignore[valid-type]
            )(_one_or_list)
    return fields, validators


def _written_doc(cls: type) -> str | None:
    """The class's docstring, unless it is the signature a named tuple writes when there is none."""
    doc = cls.__doc__
    return None if doc is None or doc.startswith(f"{cls.__name__}(") else doc


def validate(data: Any, document: Document) -> dict[str, Any] | list[str]:
    """The file's data, normalized (aliases, defaults, tuples), or every problem with its line."""
    try:
        checked = models()[QuestionnaireFields].model_validate(data)
    except ValidationError as exc:
        return _describe(document, exc)
    normalized: dict[str, Any] = checked.model_dump(mode="json", by_alias=True)
    return normalized


def _describe(document: Document, exc: ValidationError) -> list[str]:
    problems = []
    for error in exc.errors():
        path = tuple(part for part in error["loc"] if not (isinstance(part, str) and part.startswith("function-")))
        message = error["msg"]
        if error["type"] == "extra_forbidden":
            allowed = _allowed_fields(path[:-1])
            message = f"unknown field '{path[-1]}'" + (f" (allowed: {', '.join(allowed)})" if allowed else "")
        elif error["type"] == "string_pattern_mismatch" and error.get("ctx", {}).get("pattern") == TEXT_PATTERN:
            message = f"'{shown(error['input'])}' has a control character; use plain text"
        elif error["type"] == "string_pattern_mismatch" and error.get("ctx", {}).get("pattern") == ID_PATTERN:
            message = f"'{shown(error['input'])}' is not a valid id"
            message += " (use lowercase letters, digits and _, starting with a letter)"
        elif error["type"] == "string_pattern_mismatch" and error.get("ctx", {}).get("pattern") == CHOICE_ID_PATTERN:
            message = f"'{shown(error['input'])}' is not a valid choice id"
            message += " (use lowercase letters, digits and _, starting with a letter or a digit)"
        elif error["type"] == "missing":
            message = "this field is required"
        elif message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        problems.append(f"{document.where(path)}: {dotted(path)}: {message}")
    return problems


def _allowed_fields(path: tuple[Any, ...]) -> list[str]:
    """Field names allowed at a path, found by walking the models: helps fix typos."""
    model: Any = models()[QuestionnaireFields]
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

    schema = models()[QuestionnaireFields].model_json_schema(by_alias=True)
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "questionnaire.schema.json",
        **schema,
        "title": "kratom-check questionnaire",
    }
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


Problem = tuple[tuple[Any, ...], str]


_SEPARATOR_PROBLEM = (
    "'{name}' has a ';', which separates choices in CSV cells and SQL, so it could never be used there; "
    "leave the ';' out (a translated label counts too)"
)


def cross_check(model: Questionnaire) -> list[Problem]:
    """References between parts of the file, which field-by-field validation cannot see."""
    problems: list[Problem] = []
    levels = [level.id for level in model.levels]
    factors = [factor.id for factor in model.factors]
    sources = list(model.sources)

    sections = ("levels", "questions", "factors", "rules", "topics", "cautions", "advice", "resources", "clinician")
    for section in sections:
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
            others = [("aliases", alias) for alias in choice.aliases if alias != choice.label]
            for field, name in [("label", choice.label), *others]:
                if ";" in name:
                    problems.append(((*c_path, field), _SEPARATOR_PROBLEM.format(name=shown(name, 80))))
        problems += _provenance_problems(question, q_path, sources)
        problems += _not_counted_problems(model, question, q_path)
        if question.ask_if is not None:
            problems += _check_condition(model, question.ask_if, (*q_path, "ask_if"), allowed_questions=seen)
            if _raises_the_level(model, question.id):
                problems += _hiding_problems(model, question.id, question.ask_if, (*q_path, "ask_if"))
        seen.append(question.id)

    for f_index, factor in enumerate(model.factors):
        problems += _check_thresholds(("factors", f_index, "thresholds"), factor.thresholds, levels)
    problems += _check_thresholds(("overall", "thresholds"), model.overall.thresholds, levels)

    all_questions = list(model.questions_by_id)
    region_codes = [region.code for region in model.regions]
    problems += _duplicates("regions", region_codes)
    items: list[tuple[tuple[Any, ...], Any]] = [
        ((section, index), item)
        for section in ("rules", "cautions", "advice", "resources", "clinician")
        for index, item in enumerate(getattr(model, section))
    ]
    for r_index, region in enumerate(model.regions):
        problems += _duplicates(("regions", r_index, "resources"), [item.id for item in region.resources])
        items += [(("regions", r_index, "resources", index), item) for index, item in enumerate(region.resources)]
    for path, item in items:
        section = path[0]
        for key_index, key in enumerate(item.sources):
            known((*path, "sources", key_index), key, sources, "source")
        when = getattr(item, "when", None)
        if when is not None:
            problems += _check_condition(model, when, (*path, "when"), allowed_questions=all_questions)
            if section == "rules" and _uses_not(when):
                problems.append(((*path, "when"), "a rule may not use 'not': rules only raise the level"))
        marks = getattr(item, "marks", None)
        if marks is not None:
            problems += _check_condition(model, marks, (*path, "marks"), allowed_questions=all_questions)
            if item.kind != "watch_for":
                problems.append(((*path, "marks"), "only a watch_for line can be marked as the person's own"))
        topic = getattr(item, "topic", None)
        if topic is not None:
            known((*path, "topic"), topic, [known_topic.id for known_topic in model.topics], "topic")
        for field in ("level", "severity"):
            if hasattr(item, field):
                known((*path, field), getattr(item, field), levels, "level")
        for field in ("levels", "lead_at"):
            for l_index, level in enumerate(getattr(item, field, None) or ()):
                known((*path, field, l_index), level, levels, "level")
        for c_index, code in enumerate(getattr(item, "regions", None) or ()):
            known((*path, "regions", c_index), code, region_codes, "region")
    problems += _placeholder_problems(model)
    return problems


PROVENANCE = ("adapted_from", "licence", "validated_for_kratom")
RULER_CHOICES = [str(number) for number in range(11)]


def _provenance_problems(question: Question, path: tuple[Any, ...], sources: list[str]) -> list[Problem]:
    """An adapted question says what it was adapted from, under which licence, and whether it was validated
    for kratom: the clinician's page prints all three, so one alone would mislead."""
    given = [field for field in PROVENANCE if getattr(question, field) is not None]
    if not given:
        return []
    problems: list[Problem] = [
        ((*path, field), f"an adapted question needs '{field}' too ({', '.join(PROVENANCE)} go together)")
        for field in PROVENANCE
        if field not in given
    ]
    if question.adapted_from is not None and question.adapted_from not in sources:
        problems.append(
            ((*path, "adapted_from"), f"unknown source '{question.adapted_from}' (known: {', '.join(sources)})")
        )
    return problems


def _not_counted_problems(model: Questionnaire, question: Question, path: tuple[Any, ...]) -> list[Problem]:
    """A question about what the person wants (counts: false, and every ruler) can never move a level: it gives
    no points, no rule reads it, and no counted question is asked or skipped because of it."""
    problems: list[Problem] = []
    if question.ruler:
        if question.counts:
            problems.append(((*path, "counts"), "a ruler is never scored: give it 'counts: false'"))
        if question.kind != "single" or list(question.choice_ids) != RULER_CHOICES:
            problems.append(((*path, "choices"), "a ruler is a 'single' question with the choices 0 to 10, in order"))
    if question.counts:
        return problems
    for c_index, choice in enumerate(question.choices):
        if choice.points:
            problems.append(((*path, "choices", c_index, "points"), "a question with 'counts: false' gives no points"))
    readers = [(("rules", index, "when"), rule.when) for index, rule in enumerate(model.rules)] + [
        (("questions", index, "ask_if"), other.ask_if)
        for index, other in enumerate(model.questions)
        if other.counts and other.ask_if is not None
    ]
    for reader_path, condition in readers:
        if any(leaf.answer == question.id for leaf in condition.leaves()):
            problems.append(
                (reader_path, f"'{question.id}' has 'counts: false', so it cannot decide a level or a counted question")
            )
    return problems


PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


PLACEHOLDERS = ("emergency", "emergency_room")
"""What a text may name in braces: each region's emergency number and its word for the emergency room."""


def _placeholder_problems(model: Questionnaire) -> list[Problem]:
    """{emergency} and {emergency_room} are the only placeholders, and each needs every region to say what it
    becomes."""
    from .languages import text_slots

    problems: list[Problem] = []
    known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    for key, container, field, _paragraph in text_slots(to_data(model)):
        for name in PLACEHOLDER.findall(str(container[field])):
            if name not in PLACEHOLDERS:
                problems.append((_slot_path(model, key), f"unknown placeholder '{{{name}}}' (known: {known})"))
            elif not model.regions:
                problems.append((_slot_path(model, key), f"{{{name}}} needs a 'regions' list to say what it becomes"))
            elif missing := [region.code for region in model.regions if getattr(region, name) is None]:
                message = f"{{{name}}} needs '{name}' in every region (missing in {', '.join(missing)})"
                problems.append((_slot_path(model, key), message))
    return problems


def _slot_path(model: Questionnaire, key: str) -> tuple[Any, ...]:
    """A text key ("cautions.naloxone.next_step") as the path to its place in the file, for the line."""
    parts = key.split(".")
    sections = ("levels", "questions", "factors", "rules", "topics", "cautions", "advice", "resources", "clinician")
    if len(parts) >= 3 and parts[0] in sections:
        ids = [item.id for item in getattr(model, parts[0])]
        if parts[1] in ids:
            return (parts[0], ids.index(parts[1]), *parts[2:])
    return tuple(parts)


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


def _raises_the_level(model: Questionnaire, question_id: str) -> bool:
    """Whether an answer to this question can raise the level: a choice gives points, or a rule reads it."""
    question = model.questions_by_id[question_id]
    if any(choice.points for choice in question.choices):
        return True
    return any(leaf.answer == question_id for rule in model.rules for leaf in rule.when.leaves())


def _hiding_problems(model: Questionnaire, question_id: str, ask_if: Condition, path: tuple[Any, ...]) -> list[Problem]:
    """An ask_if that a riskier answer could turn false would hide a question that raises the level, and
    adding a risk factor could then lower the result. Only conditions that stay true as answers get
    riskier are allowed here: no 'not', no exclusive choice in 'includes', and an 'is' that keeps every
    choice at least as risky as one it names."""
    why = f"'{question_id}' can raise the level, so a riskier answer must never hide it"
    problems: list[Problem] = []
    for node, node_path in _walk(ask_if, path):
        if node.not_ is not None:
            problems.append((node_path, f"{why}: its ask_if may not use 'not'"))
        if node.answer is None or node.answer not in model.questions_by_id:
            continue
        asked = model.questions_by_id[node.answer]
        if node.includes is not None:
            exclusive = [choice.id for choice in asked.choices if choice.exclusive and choice.id in node.includes]
            if exclusive:
                problems.append((node_path, f"{why}: its ask_if may not test the exclusive choice '{exclusive[0]}'"))
        if node.is_ is not None:
            named = [asked.choice(choice_id) for choice_id in node.is_]
            riskier = [
                choice.id
                for choice in asked.choices
                if choice.id not in node.is_
                and any(
                    other is not None
                    and all(choice.points.get(f, 0) >= p for f, p in other.points.items())
                    and choice.points != other.points
                    for other in named
                )
            ]
            if riskier:
                problems.append(
                    (
                        node_path,
                        f"{why}: its ask_if names some choices of '{asked.id}' but not the riskier '{riskier[0]}'",
                    )
                )
    return problems
