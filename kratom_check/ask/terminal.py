"""Reading typed lines in a terminal: line editing and history, and prompts that never land in a report."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager


def line_reader() -> Callable[[str], str]:
    """input() with the arrow keys, backspace and this run's history, as in a shell prompt.

    Nothing is written to a history file: nothing is saved unless the person asks.
    """
    try:
        import readline
    except ImportError:  # Windows without pyreadline: plain input still works
        pass
    else:
        # Bracketed paste wraps every prompt in escape codes; a pasted answers list should answer in turn.
        readline.parse_and_bind("set enable-bracketed-paste off")

    def read(prompt: str) -> str:
        sys.stderr.flush()
        with _prompts_on_the_terminal():
            return input(prompt)

    return read


@contextmanager
def _prompts_on_the_terminal() -> Iterator[None]:
    """With `kratom-check > report.txt`, input() would write its prompt and line editing into the
    report (and give up line editing). Lend standard output the terminal of standard error meanwhile."""
    try:
        redirected = not os.isatty(1) and os.isatty(2) and os.isatty(0)
    except OSError:
        redirected = False
    if not redirected:
        yield
        return
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
