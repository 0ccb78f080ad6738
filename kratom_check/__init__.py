"""kratom-check: a private, plain-language self-check for people who use kratom."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["__version__", "score_row"]


def __getattr__(attribute: str) -> Any:
    """`from kratom_check import score_row`, loaded only when asked for: the command line never pays for it."""
    if attribute == "score_row":
        from .rows import score_row

        return score_row
    raise AttributeError(f"module 'kratom_check' has no attribute {attribute!r}")
