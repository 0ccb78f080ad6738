"""Save a report without ever leaving a half-written file or clobbering one by accident."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..errors import OutputError
from ..i18n import _


def check_destination(path: Path, *, force: bool) -> None:
    """Fail before any questions are asked if the report could not be saved there."""
    if path.is_dir():
        raise OutputError(
            _("{path}: this is a folder. Give a file name for the report, like report.txt.").format(path=path)
        )
    if path.exists() and not path.is_file():
        message = _("{path}: this is not a regular file (a device, pipe or socket). Give a file name, like report.txt.")
        raise OutputError(message.format(path=path))
    if path.exists() and not force:
        raise OutputError(_already_exists(path))
    parent = path.parent
    if not parent.is_dir():
        raise OutputError(
            _("{folder}: this folder does not exist. Create it first, or pick another place.").format(folder=parent)
        )
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(_("{folder}: you cannot write in this folder. Pick another place.").format(folder=parent))


def write_atomically(path: Path, content: str, *, force: bool) -> None:
    """Write to a private temporary file beside the target, then move it into place (mode 0600)."""
    check_destination(path, force=force)
    with _stopping_cleanly():
        _write(path, content, force=force)


@contextlib.contextmanager
def _stopping_cleanly() -> Iterator[None]:
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


def _write(path: Path, content: str, *, force: bool) -> None:
    try:
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(
            _("{path}: cannot write the report ({reason}).").format(path=path, reason=exc.strerror)
        ) from None
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o600)
        if force:
            os.replace(temporary, path)
        else:
            _place_without_overwriting(temporary, path)
    except OSError as exc:
        raise OutputError(
            _("{path}: cannot write the report ({reason}).").format(path=path, reason=exc.strerror or exc)
        ) from None
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
        if path.exists():
            raise OutputError(_already_exists(path)) from None
        os.replace(temporary, path)


def _already_exists(path: Path) -> str:
    return _("{path}: this file already exists. Use --force to replace it, or pick another name.").format(path=path)
