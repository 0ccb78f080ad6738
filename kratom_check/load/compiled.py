"""A pre-checked copy of the packaged questionnaire, so a normal run skips YAML parsing and validation.

Validating questions.yaml means building pydantic's schemas and parsing YAML in Python, which
costs more than the whole start-up budget. The packaged file is checked once, when this copy is
written (`python -m tests.generated`; a test fails while it is stale), and the copy is used only
when its recorded digest matches the questions.yaml beside it. Any other file takes the full path.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from ..model import Questionnaire, from_data, to_data

COMPILED = Path(__file__).resolve().parent.parent / "questions.compiled.json"


def digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def text(source: Path, checked: Questionnaire) -> str:
    """The copy of a questionnaire that was just checked, with the digest of the file it came from."""
    payload = {"source_sha256": digest(source.read_bytes()), "questionnaire": to_data(checked)}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n"


def trusted_data(source: Path, compiled: Path = COMPILED) -> dict[str, Any] | None:
    """The checked data of `source`, or None when there is no copy or it was made from other bytes."""
    try:
        payload = json.loads(compiled.read_text(encoding="utf-8"))
        if payload.get("source_sha256") != digest(source.read_bytes()):
            return None
        data = payload["questionnaire"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return data if isinstance(data, dict) else None


def load_trusted(source: Path, compiled: Path = COMPILED) -> Questionnaire | None:
    """The checked copy of `source` as a questionnaire, or None (see trusted_data)."""
    data = trusted_data(source, compiled)
    try:
        return None if data is None else from_data(data)
    except (KeyError, TypeError, AttributeError, ValueError):
        return None
