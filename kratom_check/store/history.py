"""The opt-in private history: one SQLite file in the user's application folder, owner-only.

Nothing here runs unless the person asks (--save, or a `history` command). Every problem becomes a
HistoryError that names the file and what to do, so a report is never lost to a broken history.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from ..errors import HistoryError
from ..i18n import _

ENVIRONMENT = "KRATOM_CHECK_HOME"
"""A folder to keep the history in instead of the user's application folder (tests, portable installs)."""
FILE_NAME = "history.sqlite3"
BUSY_SECONDS = 10.0
"""How long a save waits for another terminal's save to finish before giving up."""

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


@contextmanager
def _private_files() -> Iterator[None]:
    """Files and folders made meanwhile are owner-only from the start (the WAL files too)."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def _problem(path: Path, reason: str, advice: str | None = None) -> HistoryError:
    fix = advice or _("To start a new history, run: kratom-check history forget")
    if reason == _describe_lock():
        fix = _("Try again in a moment.")
    message = _("{path}: the history cannot be used ({reason}). {fix}")
    return HistoryError(message.format(path=path, reason=reason, fix=fix))


def _describe_lock() -> str:
    return _("another kratom-check is using it")


def _describe(exc: Exception) -> str:
    if isinstance(exc, sqlite3.DatabaseError) and "not a database" in str(exc):
        return _("the file is damaged or is not a kratom-check history")
    if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
        return _describe_lock()
    if isinstance(exc, sqlite3.OperationalError) and "full" in str(exc):
        return _("the disk is full")
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)


@contextmanager
def opened(*, create: bool) -> Iterator[sqlite3.Connection | None]:
    """The history, migrated to this version; None when it does not exist and create is False."""
    path = location()
    if not create and not path.exists():
        yield None
        return
    connection: sqlite3.Connection | None = None
    try:
        with _private_files():
            if create:
                path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if create:
                _owner_only(path)
            connection = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None)
            _write_ahead_log(connection)
            _migrate(connection, path)
        yield connection
    except HistoryError:
        raise
    except (sqlite3.Error, OSError) as exc:
        if isinstance(exc, sqlite3.OperationalError) and "unable to open" in str(exc):
            raise _problem(path, _("the folder cannot be written"), _("Check the folder's permissions.")) from None
        raise _problem(path, _describe(exc)) from None
    finally:
        if connection is not None:
            connection.close()


def _write_ahead_log(connection: sqlite3.Connection) -> None:
    """Switch a new file to WAL. The switch needs the file to itself, and SQLite refuses it at once,
    without waiting, while another save is opening the same new file: so wait here, as a save would."""
    import time

    deadline = time.monotonic() + BUSY_SECONDS
    while True:
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _owner_only(path: Path) -> None:
    """A history file made by hand, or copied in, may be readable by others: health data must not be."""
    for name in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            if name.stat().st_mode & 0o077:
                name.chmod(0o600)
        except FileNotFoundError:
            continue


def _migrate(connection: sqlite3.Connection, path: Path) -> None:
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise _problem(
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
) -> tuple[int, SavedCheck | None]:
    """Save one check in one transaction; returns its id and the check before it (same questionnaire)."""
    with opened(create=True) as connection:
        assert connection is not None
        try:
            connection.execute("BEGIN IMMEDIATE")
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
                connection.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise _problem(location(), _describe(exc)) from None
        return int(cursor.lastrowid or 0), previous


def _latest(connection: sqlite3.Connection, questionnaire_id: str) -> SavedCheck | None:
    row = connection.execute(
        f"SELECT {_COLUMNS} FROM checks WHERE questionnaire_id = ? ORDER BY id DESC LIMIT 1", (questionnaire_id,)
    ).fetchone()
    return None if row is None else _saved(row)


_COLUMNS = "id, made, questionnaire_id, questionnaire_version, language, region, answers, level, areas"


def _saved(row: tuple[object, ...]) -> SavedCheck:
    try:
        return _decoded(row)
    except (ValueError, TypeError, AttributeError):
        raise HistoryError(
            _(
                "{path}: saved check number {number} is damaged, so it cannot be shown. The other checks are fine."
            ).format(path=location(), number=row[0])
        ) from None


def _decoded(row: tuple[object, ...]) -> SavedCheck:
    id_, made, questionnaire_id, version, language, region, answers, level, areas = row
    decoded_answers, decoded_areas = json.loads(str(answers)), json.loads(str(areas))
    if not (isinstance(decoded_answers, dict) and isinstance(decoded_areas, dict)):
        raise ValueError("answers and areas must be JSON objects")
    return SavedCheck(
        int(str(id_)),
        str(made),
        str(questionnaire_id),
        str(version),
        str(language),
        None if region is None else str(region),
        decoded_answers,
        str(level),
        decoded_areas,
    )


def newest(limit: int | None) -> tuple[list[SavedCheck], int, list[int]]:
    """The newest checks first (all of them with limit None), how many there are in all, and the
    numbers of damaged checks left out: one damaged row never hides the others."""
    with opened(create=False) as connection:
        if connection is None:
            return [], 0, []
        try:
            total = connection.execute("SELECT count(*) FROM checks").fetchone()[0]
            query = f"SELECT {_COLUMNS} FROM checks ORDER BY id DESC" + (" LIMIT ?" if limit else "")
            checks: list[SavedCheck] = []
            damaged: list[int] = []
            for row in connection.execute(query, (limit,) if limit else ()):
                try:
                    checks.append(_decoded(row))
                except (ValueError, TypeError, AttributeError):
                    damaged.append(int(str(row[0])))
            return checks, int(total), damaged
        except sqlite3.Error as exc:
            raise _problem(location(), _describe(exc)) from None


def one(check_id: int) -> SavedCheck | None:
    with opened(create=False) as connection:
        if connection is None:
            return None
        try:
            row = connection.execute(f"SELECT {_COLUMNS} FROM checks WHERE id = ?", (check_id,)).fetchone()
        except sqlite3.Error as exc:
            raise _problem(location(), _describe(exc)) from None
        return None if row is None else _saved(row)


def forget() -> tuple[Path, bool]:
    """Delete the whole history (the database and its WAL files); (where it was, whether there was one)."""
    path = location()
    existed = False
    for name in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            name.unlink()
            existed = True
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise _problem(path, _describe(exc), _("Delete the file yourself.")) from None
    return path, existed
