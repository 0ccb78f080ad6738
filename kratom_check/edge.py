"""The program's edge: messages to standard error, and the one place errors become exit codes."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import typer

from .errors import KratomCheckError, Stopped
from .i18n import _

EXIT_INTERNAL = 1
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141
EXIT_OUTPUT = 2


def say(message: str) -> None:
    """Messages for the person go to standard error, so results can be piped."""
    sys.stderr.write(message.rstrip("\n") + "\n")
    sys.stderr.flush()


def emit(text: str) -> None:
    """Results go to standard output, written by us so a closed pipe reaches user_errors()."""
    sys.stdout.write(text)
    sys.stdout.flush()


@contextmanager
def user_errors(*, debug: bool = False) -> Iterator[None]:
    """Turn every way a run can end into a calm message and a documented exit code."""
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
        message = _("Error: the report could not be written ({reason}). Nothing else was saved.")
        _quietly(message.format(reason=exc.strerror or exc))
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


def debug_requested() -> bool:
    """--debug is an option of the main command; subcommands honour it too."""
    return "--debug" in sys.argv[1:]
