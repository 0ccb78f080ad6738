"""Ctrl-C during the DuckDB engine's batches: taken between batches, never lost, never mid-write.

Python's own handler raises KeyboardInterrupt wherever Python code runs, and drops it when that is a
callback it cannot raise from (a weak reference's, run by the garbage collector: the run then goes on
to the end, after printing a traceback). Raised inside pyarrow part way through a Parquet row group,
it leaves a file no reader opens. So while `watching()`, Ctrl-C is only remembered, and `check()`
raises it where the engine can stop cleanly: between batches, each written and counted whole.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class _State:
    pressed = False


def _remember(_number: int, _frame: FrameType | None) -> None:
    _State.pressed = True


@contextmanager
def watching() -> Iterator[None]:
    """Ctrl-C remembered, not raised, while the block runs (where Python's own handler is in place)."""
    if threading.current_thread() is not threading.main_thread() or (
        signal.getsignal(signal.SIGINT) is not signal.default_int_handler  # ignored, or handled elsewhere
    ):
        yield
        return
    previous = signal.signal(signal.SIGINT, _remember)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def pressed() -> bool:
    """Whether Ctrl-C was pressed while watching (and not raised yet): cheap enough to ask once a row."""
    return _State.pressed


def check() -> None:
    """Raise the Ctrl-C remembered (once)."""
    if _State.pressed:
        _State.pressed = False
        raise KeyboardInterrupt
