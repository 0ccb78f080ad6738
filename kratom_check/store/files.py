"""The history's files on disk, never reached through a link, owner-only, and each problem with the fix that fits.

The folder, the database and SQLite's files beside it are looked at with lstat and opened with O_NOFOLLOW:
a link (even a dangling one), a folder or a device in their place is refused, never followed, changed or
replaced, and permissions are set on the open file, never through a name.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from ..errors import HistoryBusy, HistoryError, visible
from ..i18n import _

ENVIRONMENT = "KRATOM_CHECK_HOME"
"""A folder to keep the history in instead of the user's application folder (tests, portable installs)."""
SIDE_FILES = ("-wal", "-shm", "-journal")
"""SQLite's files beside the history (its write-ahead log, shared memory, rollback journal): held to the
same rules as the history itself."""
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def files(path: Path) -> tuple[Path, ...]:
    """The history and SQLite's files beside it."""
    return (path, *(path.with_name(path.name + suffix) for suffix in SIDE_FILES))


@contextmanager
def private_files() -> Iterator[None]:
    """Files and folders made meanwhile are owner-only from the start (the WAL files too)."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


# -- what went wrong, and the fix that fits ------------------------------------------------------------


def problem(path: Path, reason: str, advice: str) -> HistoryError:
    message = _("{path}: the history cannot be used ({reason}). {fix}")
    return HistoryError(message.format(path=visible(path), reason=reason, fix=advice))


def busy(path: Path) -> HistoryBusy:
    message = _("{path}: the history cannot be used ({reason}). {fix}")
    reason, fix = _("another kratom-check is using it"), _("Try again in a moment.")
    return HistoryBusy(message.format(path=visible(path), reason=reason, fix=fix))


def _elsewhere() -> str:
    return _("Or keep the history in another folder: set {variable} to it.").format(variable=ENVIRONMENT)


def explained(path: Path, exc: Exception) -> HistoryError:
    """A SQLite or system error as a reason and the advice that fits it; `history forget` only for a
    history that is damaged, since it deletes every saved check."""
    import errno

    name = getattr(exc, "sqlite_errorname", "")
    text = str(exc)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return busy(path)
    if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")) or "not a database" in text:
        reason = _("the file is damaged or is not a kratom-check history")
        return problem(path, reason, _("To start a new history, run: kratom-check history forget"))
    number = getattr(exc, "errno", None)
    if name.startswith("SQLITE_FULL") or number == errno.ENOSPC:
        return problem(path, _("the disk is full"), _("Free some space, then try again."))
    if number == errno.EROFS or (name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN")) and _read_only(path)):
        return problem(path, _("the disk it is on is read-only"), _elsewhere())
    if number == errno.ENOTDIR:
        blocker = _file_in_the_way(path.parent)
        return problem(
            path,
            _("{blocker} is a file, not a folder").format(blocker=visible(blocker)),
            _("Move that file away, or set {variable} to the folder to keep the history in.").format(
                variable=ENVIRONMENT
            ),
        )
    if name.startswith("SQLITE_READONLY"):
        fix = _("Check the permissions of the file.") + " " + _elsewhere()
        return problem(path, _("the file cannot be written"), fix)
    if name.startswith("SQLITE_CANTOPEN") or number in (errno.EACCES, errno.EPERM):
        fix = _("Check the folder's permissions.") + " " + _elsewhere()
        return problem(path, _("the folder cannot be written"), fix)
    reason = getattr(exc, "strerror", None) or text
    return problem(path, visible(reason), _("If this happens again, move the file away.") + " " + _elsewhere())


def _read_only(path: Path) -> bool:
    """Whether the file system the path is (or would be) on is mounted read-only."""
    for place in (path, *path.parents):
        try:
            return bool(os.statvfs(place).f_flag & getattr(os, "ST_RDONLY", 1))
        except (OSError, AttributeError):
            continue
    return False


def _file_in_the_way(place: Path) -> Path:
    """The nearest part of a folder's path that exists and is not a folder (a home that is a file)."""
    for part in (place, *place.parents):
        if os.path.lexists(part):
            return part if not part.is_dir() else place
    return place


# -- never through a link: the folder and each file checked, and made owner-only ------------------------


def prepared(path: Path, *, create: bool) -> bool:
    """Check (and with create, make) the folder and the files; whether the history exists."""
    if not _private_folder(path, create=create):
        return False
    for name in files(path):
        _private_file(path, name, create=create and name == path)
    return os.path.lexists(path)


def link_problem(path: Path, link: Path) -> HistoryError:
    return problem(
        path,
        _("{link} is a link to another place").format(link=visible(link)),
        _("kratom-check never follows a link to keep your history: remove the link, or set {variable} "
          "to a folder of your own.").format(variable=ENVIRONMENT),
    )  # fmt: skip


def _private_folder(path: Path, *, create: bool) -> bool:
    """The folder is a real folder, never a link; one that holds nothing but the history is made owner-only.
    Returns False when there is no folder (and so no history) and create is False."""
    place = path.parent
    try:
        info = os.lstat(place)
    except (FileNotFoundError, NotADirectoryError):
        if not create:
            return False
        with suppress(FileExistsError):  # made meanwhile by another save, or a dangling link: looked at below
            place.mkdir(parents=True, mode=0o700)
        info = os.lstat(place)
    if stat.S_ISLNK(info.st_mode):
        raise link_problem(path, place)
    if not stat.S_ISDIR(info.st_mode):
        import errno

        raise explained(path, NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR)))
    if info.st_uid not in (_me(info), 0):
        # Its owner could swap the history for a link between this check and SQLite's open.
        raise problem(
            path,
            _("its folder {folder} belongs to someone else").format(folder=visible(place)),
            _("Keep the history in a folder of your own: set {variable} to it.").format(variable=ENVIRONMENT),
        )
    if info.st_mode & 0o077:
        _tighten(path, place, info)
    return True


def _me(info: os.stat_result) -> int:
    """This program's user id (on a system without one, the owner's: no folder then belongs to another)."""
    return int(getattr(os, "geteuid", lambda: info.st_uid)())


def _tighten(path: Path, place: Path, info: os.stat_result) -> None:
    """Make an existing folder owner-only when it is ours and holds only the history; a folder shared with
    others (like /tmp) is never changed, and one others can write in is refused."""
    ours = {item.name for item in files(path)}
    if info.st_uid == _me(info) and set(os.listdir(place)) <= ours and hasattr(os, "fchmod"):
        descriptor = os.open(place, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _NOFOLLOW | _CLOEXEC)
        try:
            os.fchmod(descriptor, 0o700)
        finally:
            os.close(descriptor)
    elif info.st_mode & 0o022:
        raise problem(
            path,
            _("other people can change files in its folder {folder}").format(folder=visible(place)),
            _("Keep the history in a folder of your own: set {variable} to it.").format(variable=ENVIRONMENT),
        )


def _private_file(path: Path, name: Path, *, create: bool) -> None:
    """A regular file, never a link, owner-only (made so through the open file, never by name)."""
    try:
        info = os.lstat(name)
    except FileNotFoundError:
        if not create:
            return
        try:
            os.close(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o600))
            return
        except FileExistsError:
            info = os.lstat(name)  # made meanwhile by another save
    if stat.S_ISLNK(info.st_mode):
        raise link_problem(path, name)
    if stat.S_ISDIR(info.st_mode):
        raise problem(
            path,
            _("{name} is a folder, not a history file").format(name=visible(name)),
            _("Move that folder away, or set {variable} to another folder.").format(variable=ENVIRONMENT),
        )
    if not stat.S_ISREG(info.st_mode):
        raise problem(
            path,
            _("{name} is not a regular file").format(name=visible(name)),
            _("Move it away, or set {variable} to another folder.").format(variable=ENVIRONMENT),
        )
    if info.st_mode & 0o077:
        descriptor = os.open(name, os.O_RDONLY | _NOFOLLOW | os.O_NONBLOCK | _CLOEXEC)
        try:
            if hasattr(os, "fchmod") and stat.S_ISREG(os.fstat(descriptor).st_mode):
                os.fchmod(descriptor, 0o600)
        finally:
            os.close(descriptor)
