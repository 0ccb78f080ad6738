"""Save a report without ever leaving a half-written file or clobbering one by accident.

Only regular files are written, and only by name: a link, a folder, a device, a pipe or a socket where the
file should be is refused (and never offered --force). A name for this program's own standard output
(/dev/stdout, /dev/fd/1, or the file standard output is redirected to) means standard output, as - does.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from enum import StrEnum
from pathlib import Path

from ..errors import OutputError, UsageError, visible
from ..i18n import _


class Kind(StrEnum):
    """What is saved, so each message names it and suggests a name that fits."""

    report = "report"
    answers = "answers"
    export = "export"
    page = "page"

    def thing(self) -> str:
        if self is Kind.answers:
            return _("your answers")
        if self is Kind.export:
            return _("the history")
        if self is Kind.page:
            return _("the page")
        return _("the report")

    def example(self) -> str:
        """A file name to suggest, in the person's language."""
        if self is Kind.answers:
            return _("answers.yaml")
        if self is Kind.export:
            return _("history.json")
        if self is Kind.page:
            return _("check.html")
        return _("report.txt")


def file_option(value: str, option: str, kind: Kind) -> Path | None:
    """A file name from the command line as a path; None for standard output (- or a name for it)."""
    if not value.strip():
        raise UsageError(
            _("{option} needs a file name, like {example}; it was given an empty one.").format(
                option=option, example=kind.example()
            )
        )
    if value == "-":
        return None
    path = Path(value)
    return None if names_standard_output(path) else path


def names_standard_output(path: Path) -> bool:
    """Whether the path leads to the very file, pipe or terminal this program's standard output is
    (a standard output closed at start counts: /dev/stdout then leads to what stands in for it)."""
    from ..edge import standard_output_closed

    try:
        target = os.stat(path)
        output = os.fstat(1 if standard_output_closed() else sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        return False  # a test runner's stream: not a file to compare with
    return (target.st_dev, target.st_ino) == (output.st_dev, output.st_ino)


def check_destination(path: Path, *, force: bool, kind: Kind = Kind.report) -> None:
    """Fail before any questions are asked if the file could not be saved there."""
    shown = visible(str(path))
    try:
        info: os.stat_result | None = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        info = None
    if info is not None and stat.S_ISLNK(info.st_mode):
        target = visible(os.readlink(path))
        raise OutputError(
            _(
                "{path}: this is a link (to {target}). kratom-check never writes through a link or replaces one. "
                "Give the name of a regular file, like {example}."
            ).format(path=shown, target=target, example=kind.example())
        )
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise OutputError(
            _("{path}: this is a folder. Give a file name for {thing}, like {example}.").format(
                path=shown, thing=kind.thing(), example=kind.example()
            )
        )
    if info is not None and not stat.S_ISREG(info.st_mode):
        message = _(
            "{path}: this is not a regular file (a device, pipe or socket). kratom-check never writes to one "
            "or replaces one. Give a file name, like {example}."
        )
        raise OutputError(message.format(path=shown, example=kind.example()))
    if info is not None and not force:
        raise OutputError(_already_exists(path))
    parent = path.parent
    if not parent.is_dir():
        raise OutputError(
            _("{folder}: this folder does not exist. Create it first, or pick another place.").format(
                folder=visible(str(parent))
            )
        )
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(
            _("{folder}: you cannot write in this folder. Pick another place.").format(folder=visible(str(parent)))
        )


def destinations(output: str | None, save_answers: str | None, *, force: bool) -> tuple[Path | None, Path | None]:
    """Where a check's report and answers go (None: standard output), checked before any question is
    asked: a person's answers are never typed in for a file that cannot be written."""
    from ..edge import standard_output_closed

    report = None if output is None else file_option(output, "--output", Kind.report)
    if report is not None:
        check_destination(report, force=force)
    elif standard_output_closed():
        raise OutputError(_("Standard output is closed, so the report has nowhere to go. Save it with: --output FILE"))
    if save_answers is None:
        return report, None
    answers = file_option(save_answers, "--save-answers", Kind.answers)
    if answers is None:
        raise UsageError(
            _("--save-answers needs a file name, like answers.yaml (standard output, '-', is for reports).")
        )
    if report is not None and answers.resolve() == report.resolve():
        raise UsageError(_("--save-answers and --output name the same file ({path}). Give each its own name.")
                         .format(path=visible(str(report))))  # fmt: skip
    check_destination(answers, force=force, kind=Kind.answers)
    return report, answers


def write_atomically(path: Path, content: str | Iterable[str], *, force: bool, kind: Kind = Kind.report) -> None:
    """Write to a private temporary file beside the target, then move it into place (mode 0600).
    The content may come in pieces (a long history), written as they are made."""
    check_destination(path, force=force, kind=kind)
    with stopping_cleanly():
        _write(path, content, force=force, kind=kind)


@contextlib.contextmanager
def stopping_cleanly() -> Iterator[None]:
    """SIGTERM and SIGHUP end the program through the cleanup below instead of on the spot, so no
    temporary copy of the report is left behind (SIGKILL cannot be caught; see the README)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    wanted = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    previous = {signum: signal.signal(signum, stop) for signum in wanted}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _write(path: Path, content: str | Iterable[str], *, force: bool, kind: Kind) -> None:
    def failed(reason: object) -> OutputError:
        return OutputError(
            _("{path}: cannot write {thing} ({reason}).").format(
                path=visible(str(path)), thing=kind.thing(), reason=reason
            )
        )

    try:
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise failed(exc.strerror) from None
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            for piece in [content] if isinstance(content, str) else content:
                stream.write(piece)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o600)
        if force:
            os.replace(temporary, path)
        else:
            _place_without_overwriting(temporary, path)
    except OSError as exc:
        raise failed(exc.strerror or exc) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def _place_without_overwriting(temporary: str, path: Path) -> None:
    """A hard link fails if the target appeared meanwhile, so no race can overwrite it."""
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise OutputError(_already_exists(path)) from None
    except OSError:
        # Some file systems have no hard links; fall back to a checked rename.
        if os.path.lexists(path):
            raise OutputError(_already_exists(path)) from None
        os.replace(temporary, path)


def _already_exists(path: Path) -> str:
    return _("{path}: this file already exists. Use --force to replace it, or pick another name.").format(
        path=visible(str(path))
    )
