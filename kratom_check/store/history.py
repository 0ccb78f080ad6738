"""The opt-in private history: one SQLite file in the user's application folder, owner-only.

Nothing here runs unless the person asks (--save, or a `history` command). Every problem becomes a
HistoryError that names the file, what is wrong and the fix that fits, so a report is never lost to a
broken history. Its files are never reached through a link: a link, a folder or a device where the
history or its folder should be is refused, never followed, replaced or changed.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import NamedTuple, TypeVar

from ..errors import HistoryError, visible
from ..i18n import _
from .files import ENVIRONMENT, explained, files, link_problem, prepared, private_files, problem

FILE_NAME = "history.sqlite3"
BUSY_SECONDS = 10.0
"""How long a save waits for another terminal's save to finish before giving up."""
QUICK_SECONDS = 0.5
"""How long a save waits before the report is shown anyway (the save then goes on after it)."""
_STEP_SECONDS = 0.05
"""Each wait for a lock inside SQLite is this short, so Ctrl-C and SIGTERM are handled at once."""

MIGRATIONS: tuple[str, ...] = (
    # 0 -> 1: the first schema.
    """
    CREATE TABLE checks (
        id INTEGER PRIMARY KEY,
        made TEXT NOT NULL,
        questionnaire_id TEXT NOT NULL,
        questionnaire_version TEXT NOT NULL,
        language TEXT NOT NULL,
        region TEXT,
        answers TEXT NOT NULL,
        level TEXT NOT NULL,
        areas TEXT NOT NULL
    );
    CREATE INDEX checks_by_questionnaire ON checks (questionnaire_id, id);
    """,
)
"""Each step takes the schema one version up (PRAGMA user_version); a new step is appended, never edited."""
SCHEMA_VERSION = len(MIGRATIONS)
LARGEST_NUMBER = 2**63 - 1
"""SQLite's largest row number: no check has a larger one."""


class SavedCheck(NamedTuple):
    """One past check as stored: enough to show it again and to compare a new one with it."""

    id: int
    made: str
    questionnaire_id: str
    questionnaire_version: str
    language: str
    region: str | None
    answers: dict[str, str | list[str]]
    level: str
    areas: dict[str, str]


def folder() -> Path:
    """The history's folder: $KRATOM_CHECK_HOME, or the application folder the platform expects."""
    chosen = os.environ.get(ENVIRONMENT)
    if chosen:
        return Path(chosen).expanduser()
    import typer

    return Path(typer.get_app_dir("kratom-check"))


def location() -> Path:
    return folder() / FILE_NAME


# -- opening, waiting, migrating --------------------------------------------------------------------------


@contextmanager
def opened(*, create: bool, wait: float = BUSY_SECONDS) -> Iterator[sqlite3.Connection | None]:
    """The history, migrated to this version; None when it does not exist and create is False.
    Waits up to `wait` seconds for another save; then raises HistoryBusy."""
    path = location()
    connection: sqlite3.Connection | None = None
    try:
        with private_files():
            if prepared(path, create=create):
                connection = made = sqlite3.connect(path, timeout=_STEP_SECONDS, isolation_level=None)
                _patiently(lambda: made.execute("PRAGMA journal_mode=WAL"), wait)
                _patiently(lambda: _migrate(made, path), wait)
    except HistoryError:
        _close(connection)
        raise
    except (sqlite3.Error, OSError) as exc:
        _close(connection)
        raise explained(path, exc) from None
    try:
        yield connection
    finally:
        _close(connection)


def _close(connection: sqlite3.Connection | None) -> None:
    if connection is not None:
        connection.close()


Result = TypeVar("Result")


def _patiently(action: Callable[[], Result], wait: float) -> Result:
    """Run a step that needs a lock, trying again in short waits until `wait` seconds have passed.

    The switch to WAL is refused at once, without SQLite's own waiting, while another save opens the same
    new file; and a wait inside SQLite cannot be interrupted: so the waiting happens here, in Python."""
    import time

    deadline = time.monotonic() + wait
    while True:
        try:
            return action()
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _is_busy(exc: sqlite3.Error) -> bool:
    return getattr(exc, "sqlite_errorname", "").startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in str(exc)


def _migrate(connection: sqlite3.Connection, path: Path) -> None:
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise problem(
            path,
            _("it was made by a newer kratom-check"),
            _("Update kratom-check, or run: kratom-check history forget"),
        )
    if version == SCHEMA_VERSION:
        return
    connection.execute("BEGIN IMMEDIATE")
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]  # another save may have migrated it
        for step in MIGRATIONS[version:]:
            for statement in step.split(";"):
                if statement.strip():
                    connection.execute(statement)
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


# -- saving -----------------------------------------------------------------------------------------------


def add(
    *,
    made: str,
    questionnaire_id: str,
    questionnaire_version: str,
    language: str,
    region: str | None,
    answers: Mapping[str, str | list[str]],
    level: str,
    areas: Mapping[str, str],
    wait: float = BUSY_SECONDS,
) -> tuple[int, SavedCheck | None]:
    """Save one check in one transaction; returns its id and the check before it (same questionnaire).
    Waits up to `wait` seconds for another save, then raises HistoryBusy; an interrupted save saves nothing."""
    with opened(create=True, wait=wait) as connection:
        assert connection is not None
        try:
            _patiently(lambda: connection.execute("BEGIN IMMEDIATE"), wait)
            try:
                try:
                    previous = _latest(connection, questionnaire_id)
                except HistoryError:
                    previous = None  # a damaged earlier check spoils the comparison, not the saving
                cursor = connection.execute(
                    "INSERT INTO checks (made, questionnaire_id, questionnaire_version, language, region, answers,"
                    " level, areas) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        made,
                        questionnaire_id,
                        questionnaire_version,
                        language,
                        region,
                        json.dumps(dict(answers), ensure_ascii=False),
                        level,
                        json.dumps(dict(areas), ensure_ascii=False),
                    ),
                )
                connection.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise explained(location(), exc) from None
        return int(cursor.lastrowid or 0), previous


# -- reading: each row checked at the boundary; a damaged one never hides the others -----------------------

_COLUMNS = "id, made, questionnaire_id, questionnaire_version, language, region, answers, level, areas"
_DECODE_ERRORS = (ValueError, TypeError, AttributeError)


def _latest(connection: sqlite3.Connection, questionnaire_id: str, before: int = LARGEST_NUMBER) -> SavedCheck | None:
    row = connection.execute(
        f"SELECT {_COLUMNS} FROM checks WHERE questionnaire_id = ? AND id < ? ORDER BY id DESC LIMIT 1",
        (questionnaire_id, before),
    ).fetchone()
    return None if row is None else _saved(row)


def _saved(row: tuple[object, ...]) -> SavedCheck:
    try:
        return _decoded(row)
    except _DECODE_ERRORS:
        raise HistoryError(
            _(
                "{path}: saved check number {number} is damaged, so it cannot be shown. The other checks are fine."
            ).format(path=visible(location()), number=visible(row[0]))
        ) from None


def _decoded(row: tuple[object, ...]) -> SavedCheck:
    """A row as a SavedCheck, or ValueError/TypeError when any part is not what kratom-check saves."""
    id_, made, questionnaire_id, version, language, region, answers, level, areas = row
    if not isinstance(id_, int):
        raise TypeError("id")
    texts = (made, questionnaire_id, version, language, level)
    if not all(isinstance(text, str) for text in texts) or not (region is None or isinstance(region, str)):
        raise TypeError("a text column holds something else")
    datetime.fromisoformat(str(made))  # the time it was made: a date and time, or the row is damaged
    decoded_answers, decoded_areas = json.loads(str(answers)), json.loads(str(areas))
    if not (isinstance(decoded_answers, dict) and isinstance(decoded_areas, dict)):
        raise ValueError("answers and areas must be JSON objects")
    if not all(isinstance(value, str) for value in decoded_areas.values()):
        raise ValueError("each area's level is text")
    for value in decoded_answers.values():
        if not (isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))):
            raise ValueError("each answer is a choice id or a list of them")
    return SavedCheck(
        id_,
        str(made),
        str(questionnaire_id),
        str(version),
        str(language),
        None if region is None else str(region),
        decoded_answers,
        str(level),
        decoded_areas,
    )


class Rows:
    """Saved checks read one at a time (a history of any size fits in memory); damaged ones are left out
    and their numbers kept in `damaged`."""

    def __init__(self, connection: sqlite3.Connection | None, *, newest_first: bool, limit: int | None) -> None:
        self._connection = connection
        self._query = f"SELECT {_COLUMNS} FROM checks ORDER BY id {'DESC' if newest_first else 'ASC'}"
        self._limit = None if limit is None else min(limit, LARGEST_NUMBER)
        self.damaged: list[int] = []
        self.total = 0 if connection is None else self._read(lambda c: int(c.execute("SELECT count(*) FROM checks")
                                                                          .fetchone()[0]))  # fmt: skip

    def _read(self, action: Callable[[sqlite3.Connection], Result]) -> Result:
        assert self._connection is not None
        try:
            return action(self._connection)
        except sqlite3.Error as exc:
            raise explained(location(), exc) from None

    def __iter__(self) -> Iterator[SavedCheck]:
        if self._connection is None:
            return
        query = self._query + (" LIMIT ?" if self._limit else "")
        cursor = self._read(lambda c: c.execute(query, (self._limit,) if self._limit else ()))
        while True:
            row = self._read(lambda _c: cursor.fetchone())
            if row is None:
                return
            try:
                yield _decoded(row)
            except _DECODE_ERRORS:
                self.damaged.append(int(row[0]))

    def keys(self) -> tuple[list[str], list[str]]:
        """Every area and question id any check has (for a CSV header), read without keeping the checks."""
        areas: dict[str, None] = {}
        questions: dict[str, None] = {}
        for check in Rows(self._connection, newest_first=True, limit=None):
            areas.update(dict.fromkeys(check.areas))
            questions.update(dict.fromkeys(check.answers))
        return list(areas), list(questions)


@contextmanager
def reading(*, newest_first: bool = True, limit: int | None = None) -> Iterator[Rows]:
    """The saved checks, one at a time, while the history is open (none when there is no history)."""
    with opened(create=False) as connection:
        yield Rows(connection, newest_first=newest_first, limit=limit)


def newest(limit: int | None) -> tuple[list[SavedCheck], int, list[int]]:
    """The newest checks first (all of them with limit None), how many there are in all, and the
    numbers of damaged checks left out: one damaged row never hides the others."""
    with reading(limit=limit) as rows:
        return list(rows), rows.total, rows.damaged


def one(check_id: int) -> SavedCheck | None:
    if not 1 <= check_id <= LARGEST_NUMBER:
        return None
    with opened(create=False) as connection:
        if connection is None:
            return None
        try:
            row = connection.execute(f"SELECT {_COLUMNS} FROM checks WHERE id = ?", (check_id,)).fetchone()
        except sqlite3.Error as exc:
            raise explained(location(), exc) from None
        return None if row is None else _saved(row)


def latest(questionnaire_id: str, *, before: int = LARGEST_NUMBER, wait: float = BUSY_SECONDS) -> SavedCheck | None:
    """The newest check of this questionnaire (before check number `before`), to say what changed since."""
    with opened(create=False, wait=wait) as connection:
        if connection is None:
            return None
        try:
            return _latest(connection, questionnaire_id, before)
        except sqlite3.Error as exc:
            raise explained(location(), exc) from None


def recent(
    questionnaire_id: str, limit: int | None, *, wait: float = BUSY_SECONDS
) -> tuple[list[SavedCheck], list[int]]:
    """The newest `limit` checks of this questionnaire (all with None), oldest first, for its levels over
    time; and the numbers of damaged checks left out."""
    with opened(create=False, wait=wait) as connection:
        if connection is None:
            return [], []
        query = f"SELECT {_COLUMNS} FROM checks WHERE questionnaire_id = ? ORDER BY id DESC LIMIT ?"
        try:
            rows = connection.execute(query, (questionnaire_id, -1 if limit is None else limit)).fetchall()
        except sqlite3.Error as exc:
            raise explained(location(), exc) from None
    checks: list[SavedCheck] = []
    damaged: list[int] = []
    for row in reversed(rows):
        try:
            checks.append(_decoded(row))
        except _DECODE_ERRORS:
            damaged.append(int(row[0]))
    return checks, damaged


def exists() -> bool:
    """Whether there is anything to forget: the history, or one of SQLite's files beside it."""
    return any(os.path.lexists(name) for name in files(location()))


def forget() -> tuple[Path, bool]:
    """Delete the whole history (the database and its WAL files); (where it was, whether there was one).
    A link is removed, never what it points to; a folder in its place is left alone."""
    path = location()
    if os.path.islink(path.parent):
        raise link_problem(path, path.parent)  # what is in the folder it points to is not this history
    existed = False
    for name in files(path):
        try:
            if stat.S_ISDIR(os.lstat(name).st_mode):
                raise problem(
                    path,
                    _("{name} is a folder, not a history file").format(name=visible(name)),
                    _("Move that folder away, or set {variable} to another folder.").format(variable=ENVIRONMENT),
                )
            name.unlink()
            existed = True
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError as exc:
            raise problem(path, visible(exc.strerror or exc), _("Delete the file yourself.")) from None
    return path, existed
