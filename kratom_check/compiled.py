"""A pre-checked copy of the packaged questionnaire, so a normal run skips YAML parsing and validation.

Validating questions.yaml means building pydantic's schemas and parsing YAML in Python, which
costs more than the whole start-up budget. The packaged file is checked once, when this copy is
made (`python -m kratom_check.compiled`; a test fails while it is stale), and the copy is used only
when its recorded digest matches the questions.yaml beside it. Any other file takes the full path.
"""

from __future__ import annotations

import hashlib
import json
import types
import typing
from pathlib import Path
from typing import Any

from .questionnaire import Model, Questionnaire

COMPILED = Path(__file__).resolve().parent / "questions.compiled.json"


def digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def compile_file(source: Path, target: Path = COMPILED) -> None:
    from . import questionnaire

    model = questionnaire.load(str(source))
    payload = {
        "source_sha256": digest(source.read_bytes()),
        "questionnaire": model.model_dump(mode="json", by_alias=True),
    }
    target.write_text(json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")


def load_trusted(source: Path, compiled: Path = COMPILED) -> Questionnaire | None:
    """The checked copy of `source`, or None when there is none or it was made from other bytes."""
    try:
        payload = json.loads(compiled.read_text(encoding="utf-8"))
        if payload.get("source_sha256") != digest(source.read_bytes()):
            return None
        model = build_trusted(Questionnaire, payload["questionnaire"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return model if isinstance(model, Questionnaire) else None


def build_trusted(annotation: Any, value: Any) -> Any:
    """Rebuild models from their own dump without validating again (the dump was validated)."""
    if value is None:
        return None
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if origin is typing.Annotated:
        return build_trusted(arguments[0], value)
    if origin in (typing.Union, types.UnionType):
        inner = [argument for argument in arguments if argument is not type(None)]
        return build_trusted(inner[0], value)
    if origin is tuple:
        return tuple(build_trusted(arguments[0], item) for item in value)
    if origin is dict:
        return {key: build_trusted(arguments[1], item) for key, item in value.items()}
    if isinstance(annotation, type) and issubclass(annotation, Model):
        fields = {
            name: build_trusted(info.annotation, value[info.alias or name])
            for name, info in annotation.model_fields.items()
            if (info.alias or name) in value
        }
        return annotation.model_construct(**fields)
    return value


if __name__ == "__main__":
    from .questionnaire import packaged_path

    compile_file(packaged_path())
    print(f"wrote {COMPILED}")
