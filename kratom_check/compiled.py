"""A pre-checked copy of the packaged questionnaire, so a normal run skips YAML parsing and validation.

Validating questions.yaml means building pydantic's schemas and parsing YAML in Python, which
costs more than the whole start-up budget. The packaged file is checked once, when this copy is
made (`python -m tests.generated`; a test fails while it is stale), and the copy is used only
when its recorded digest matches the questions.yaml beside it. Any other file takes the full path.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .model import Questionnaire, from_data, to_data

COMPILED = Path(__file__).resolve().parent / "questions.compiled.json"


def digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def compile_file(source: Path, target: Path = COMPILED) -> None:
    from . import questionnaire

    model = questionnaire.load_checked(str(source))
    payload = {"source_sha256": digest(source.read_bytes()), "questionnaire": to_data(model)}
    target.write_text(json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")


def load_trusted(source: Path, compiled: Path = COMPILED) -> Questionnaire | None:
    """The checked copy of `source`, or None when there is none or it was made from other bytes."""
    try:
        payload = json.loads(compiled.read_text(encoding="utf-8"))
        if payload.get("source_sha256") != digest(source.read_bytes()):
            return None
        return from_data(payload["questionnaire"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


if __name__ == "__main__":
    from .questionnaire import packaged_path

    compile_file(packaged_path())
    print(f"wrote {COMPILED}")
