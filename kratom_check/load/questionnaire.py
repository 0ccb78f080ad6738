"""Loading a questionnaire: the packaged one fast, any other file fully checked, every problem named.

Down the floors, once: the file's data (or the packaged file's pre-checked copy), with another
language's texts merged in, is checked (validation.py) and built into the model, in one pass.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import QuestionnaireError
from ..model import Questionnaire, from_data, to_data

if TYPE_CHECKING:
    from .. import safe_yaml

__all__ = ["Questionnaire", "from_document", "load", "load_checked", "packaged_path"]


def packaged_path() -> Path:
    """The questionnaire shipped in the wheel, or the repository's own when run from source."""
    # The package is a plain folder in a wheel's install, so no importlib.resources (and its imports) needed.
    shipped = Path(__file__).resolve().parent.parent / "questions.yaml"
    if shipped.is_file():
        return shipped
    return Path(__file__).resolve().parent.parent.parent / "questions.yaml"


def load(
    path: str | None = None, language: str | None = None, region: str | None = None, *, from_locale: bool = False
) -> Questionnaire:
    """A questionnaire in `language` (its own first language when None) with the help of one country
    (see regions.in_region), checked unless it is the packaged one with a current pre-checked copy;
    raise QuestionnaireError listing every problem."""
    from .regions import in_region

    source = packaged_path() if path is None else Path(path)
    if path is None:
        from .compiled import trusted_data

        data = trusted_data(source)
        if data is not None:
            return from_data(in_region(_in_language(data, source, language), region, from_locale=from_locale))
        path = str(source)
    from .. import safe_yaml

    document = safe_yaml.load_document(path, QuestionnaireError)
    if path != "-":
        document.data = _in_language(_with_aliases(document.data, source), source, language)
    model = from_document(document)
    if not model.regions:
        return model
    return from_data(in_region(to_data(model), region, from_locale=from_locale))


def _in_language(data: Any, source: Path, language: str | None) -> Any:
    if language is None:
        return data
    from .languages import overlay

    return overlay(data, source, language)


def load_checked(path: str | None = None) -> Questionnaire:
    """Always parse and validate, even the packaged file (for `validate`, the compiled copy and the tests)."""
    from .. import safe_yaml

    document = safe_yaml.load_document(str(path or packaged_path()), QuestionnaireError)
    if path != "-":
        document.data = _with_aliases(document.data, Path(path) if path else packaged_path())
    return from_document(document)


def _with_aliases(data: Any, source: Path) -> Any:
    from .languages import add_aliases

    return add_aliases(data, source)


def from_document(document: safe_yaml.Document) -> Questionnaire:
    """Validate field by field, then references between parts (validation.py), then what a person
    would read: no dosing advice, no stigmatising words (wording.py)."""
    from .. import safe_yaml
    from .validation import cross_check, validate

    if not isinstance(document.data, dict):
        raise QuestionnaireError(
            f"{document.name}: the questionnaire must be a YAML mapping (keys like 'questions:'), "
            f"not {_kind_of(document.data)}."
        )
    normalized = validate(document.data, document)
    if isinstance(normalized, list):
        raise QuestionnaireError(normalized)
    from .wording import problems as wording_problems

    model = from_data(normalized)
    problems = [
        f"{document.where(path)}: {safe_yaml.dotted(path)}: {message}"
        for path, message in [*cross_check(model), *wording_problems(model)]
    ]
    if problems:
        raise QuestionnaireError(problems)
    return model


def _kind_of(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    return f"a single value ({type(value).__name__})"


def json_schema_text() -> str:
    """The JSON Schema of the file format; kept in the repository as questionnaire.schema.json."""
    from .validation import json_schema_text as text

    return text()
