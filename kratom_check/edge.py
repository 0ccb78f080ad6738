"""The program's edge: messages to standard error, and the one place errors become exit codes."""

from __future__ import annotations

import errno
import io
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress

import typer

from .errors import KratomCheckError, Stopped
from .i18n import _

EXIT_INTERNAL = 1
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141
EXIT_OUTPUT = 2


READABLE_WIDTH = 100
"""Messages wrap at the terminal's width, but never wider than this: long lines are hard to read."""


def say(message: str) -> None:
    """Messages for the person go to standard error, so results can be piped; on a terminal, whole
    words wrap at its width (a path or a command is never split)."""
    text = message.rstrip("\n")
    width = _terminal_width()
    if width:
        text = wrapped(text, width)
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def wrapped(message: str, width: int) -> str:
    """Each line of a message wrapped at `width` by whole words; a list item's lines stay under its text."""
    import textwrap

    lines = []
    for line in message.split("\n"):
        body = line.lstrip(" ")
        indent = " " * (len(line) - len(body))
        hanging = indent + ("  " if body.startswith("- ") else "")
        lines.extend(
            textwrap.wrap(
                body,
                width=max(20, width),
                initial_indent=indent,
                subsequent_indent=hanging,
                break_long_words=False,
                break_on_hyphens=False,
            )
            or [line]
        )
    return "\n".join(lines)


def _terminal_width() -> int:
    """Standard error's terminal width (at most READABLE_WIDTH), or 0 when it is not a terminal."""
    try:
        if not sys.stderr.isatty():
            return 0
        return min(os.get_terminal_size(sys.stderr.fileno()).columns, READABLE_WIDTH)
    except (OSError, ValueError, AttributeError):
        return 0


def emit(text: str) -> None:
    """Results go to standard output, written by us so a closed pipe reaches user_errors()."""
    sys.stdout.write(text)
    sys.stdout.flush()


def emit_all(chunks: Iterable[str], *, size: int = 65536) -> None:
    """Print text made piece by piece in blocks of about `size` characters: a history of any length is
    printed without being held in memory, and without a write for each line."""
    block: list[str] = []
    held = 0
    for chunk in chunks:
        block.append(chunk)
        held += len(chunk)
        if held >= size:
            emit("".join(block))
            block, held = [], 0
    if block:
        emit("".join(block))


class ClosedOutput(OSError):
    """Standard output was closed when the program started (`kratom-check >&-`): nothing can be printed."""


class _ClosedStream(io.TextIOBase):
    """Stands in for a standard output that was closed at start: every write says so, as an OSError."""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        raise ClosedOutput(errno.EBADF, _("standard output is closed"))

    def isatty(self) -> bool:
        return False


def guard_standard_streams() -> None:
    """A standard stream closed at start (`>&-`, `<&-`, `2>&-`) is filled with the null device, so no file
    opened later (a report, the history) can take its number and receive what was meant for it; a closed
    standard output then refuses every write with a clear message instead of failing as a bug."""
    for descriptor, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
        try:
            os.fstat(descriptor)
            continue
        except OSError:
            pass
        filler = os.open(os.devnull, os.O_RDWR)
        if filler != descriptor:  # a lower one was closed too and got it: already handled in order
            os.dup2(filler, descriptor)
            os.close(filler)
        if name == "stdout":
            sys.stdout = _ClosedStream()
        elif name == "stderr":
            sys.stderr = open(descriptor, "w", encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115 - for the whole run
        else:
            sys.stdin = open(descriptor, encoding="utf-8", closefd=False)  # noqa: SIM115 - for the whole run


def standard_output_closed() -> bool:
    return isinstance(sys.stdout, _ClosedStream)


_writing: list[str | None] = [None]
"""What the running command prints, as `writing` named it last, for the message when standard output fails."""


@contextmanager
def writing(what: str) -> Iterator[None]:
    """Name what the block prints (translated, like _("the report")), for the message if standard output
    fails in it; elsewhere the message says "the output". A block that fails leaves its name set for
    user_errors() to read."""
    before = _writing[0]
    _writing[0] = what
    yield
    _writing[0] = before


@contextmanager
def user_errors(*, debug: bool = False) -> Iterator[None]:
    """Turn every way a run can end into a calm message and a documented exit code.

    The command line enters this once, around every command (cli.py); commands only raise the errors of
    errors.py, and name what they print with writing().
    """
    _writing[0] = None
    try:
        yield
    except KratomCheckError as exc:
        say(_("Error: {message}").format(message=exc.message))
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        say("\n" + _("Stopped. Nothing was saved."))
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except Stopped:
        say(_("Stopped. Nothing was saved."))
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except EOFError:
        say("\n" + _("The input ended before the check was done. Nothing was saved."))
        raise typer.Exit(2) from None
    except BrokenPipeError:
        # The reader went away (for example `| head -1`): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(EXIT_BROKEN_PIPE) from None
    except (typer.Exit, typer.Abort):
        raise
    except OSError as exc:
        # Reading and writing files report their own problems; what reaches here is the output itself
        # failing (a full disk behind a redirect, a closed terminal): the machine's problem, not a bug.
        if debug:
            raise
        output_failed(exc, _writing[0])
        raise typer.Exit(EXIT_OUTPUT) from None
    except Exception:
        if debug:
            raise
        say(
            _(
                "Error: kratom-check hit an internal problem. This is a bug, not something you did. "
                "Run again with --debug to see the details, and please report it."
            )
        )
        raise typer.Exit(EXIT_INTERNAL) from None


def output_failed(exc: OSError, writing: str | None) -> None:
    """Say that standard output failed (a full disk, a closed stream), then let the rest of the run end
    quietly: what is still buffered for standard output goes to the null device, not to a second error."""
    what = writing or _("the output")
    _quietly(_("Error: {what} could not be written ({reason}).").format(what=what, reason=exc.strerror or exc))
    with suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)


def _quietly(message: str) -> None:
    """Say it if standard error still works."""
    with suppress(OSError):
        say(message)


def notice_if_waiting(message: str, *, seconds: float = 1.0) -> None:
    """Standard input that is a pipe with nothing in it yet: after a moment, say what is awaited, so a
    pipe that never closes does not look like a hang."""
    import select

    try:
        descriptor = sys.stdin.fileno()
        if sys.stdin.isatty():
            return
        ready, _, _ = select.select([descriptor], [], [], seconds)
    except (OSError, ValueError, AttributeError):
        return  # not a real file (a test runner's), or a platform without select on it
    if not ready:
        say(message)
