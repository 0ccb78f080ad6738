"""A history held by another save: the report comes first, then "Saving to your history…" and the save; a
signal while it waits ends the wait and saves nothing, and the report already printed stays whole."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kratom_check.store import history

from .conftest import EXAMPLE_ANSWERS

Cli = Callable[..., Any]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "h"
    monkeypatch.setenv(history.ENVIRONMENT, str(folder))
    return folder


@pytest.fixture
def held(home: Path, run_cli: Cli) -> Iterator[sqlite3.Connection]:
    """A history with one check, held by another save (a write transaction) until the test lets go."""
    assert run_cli("--answers", "-", "--save", input=EXAMPLE_ANSWERS).exit_code == 0
    holder = sqlite3.connect(home / "history.sqlite3", isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    yield holder
    if holder.in_transaction:
        holder.execute("ROLLBACK")
    holder.close()


def saved_count(home: Path) -> int:
    connection = sqlite3.connect(home / "history.sqlite3")
    try:
        return int(connection.execute("SELECT count(*) FROM checks").fetchone()[0])
    finally:
        connection.close()


def test_a_save_that_has_to_wait_says_so_and_then_saves(
    run_cli: Cli, home: Path, held: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history, "QUICK_SECONDS", 0.05)
    threading.Timer(0.5, lambda: held.execute("ROLLBACK")).start()
    result = run_cli("--answers", "-", "--save", input=EXAMPLE_ANSWERS)
    assert result.exit_code == 0, result.stderr
    assert "Your result: High" in result.stdout
    assert "Since your last check" in result.stdout  # read while the other save held the history
    assert result.stderr.splitlines() == [
        "Saving to your history…",
        f"Saved this check in your private history ({home / 'history.sqlite3'}).",
    ]
    assert saved_count(home) == 2


def test_a_save_that_gives_up_says_why_after_the_whole_report(
    run_cli: Cli, home: Path, held: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history, "QUICK_SECONDS", 0.05)
    monkeypatch.setattr(history, "BUSY_SECONDS", 0.2)
    result = run_cli("--answers", "-", "--save", input=EXAMPLE_ANSWERS)
    assert result.exit_code == 2
    assert "Your result: High" in result.stdout
    lines = result.stderr.splitlines()
    assert lines[0] == "Saving to your history…"
    assert lines[-1] == "The report above is complete."
    assert "(another kratom-check is using it). Try again in a moment." in lines[-2]


def test_a_save_that_does_not_wait_puts_no_saving_line_on_screen(run_cli: Cli, home: Path) -> None:
    result = run_cli("--answers", "-", "--save", input=EXAMPLE_ANSWERS)
    assert result.exit_code == 0
    assert result.stderr == ""


def _start(home: Path) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-m", "kratom_check", "--answers", "-", "--save"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, history.ENVIRONMENT: str(home)},
    )  # fmt: skip
    assert child.stdin is not None
    child.stdin.write(EXAMPLE_ANSWERS)
    child.stdin.close()
    return child


def _read_until(stream: Any, text: str, *, seconds: float = 20.0) -> str:
    seen = ""
    deadline = time.monotonic() + seconds
    while text not in seen:
        assert time.monotonic() < deadline, f"never saw {text!r}: {seen!r}"
        line = stream.readline()
        assert line, f"the stream ended before {text!r}: {seen!r}"
        seen += line
    return seen


@pytest.mark.slow
def test_the_report_is_printed_before_the_save_waits(home: Path, held: sqlite3.Connection) -> None:
    child = _start(home)
    try:
        printed = _read_until(child.stdout, "Please know")  # the report, while the history is still held
        assert "Your result: High" in printed
        assert "Saving to your history…" in _read_until(child.stderr, "Saving to your history…")
        held.execute("ROLLBACK")
        assert child.wait(timeout=30) == 0
    finally:
        child.kill()
    assert saved_count(home) == 2


@pytest.mark.slow
@pytest.mark.parametrize(("name", "code"), [("SIGINT", 130), ("SIGTERM", 143), ("SIGHUP", 129)])
def test_a_signal_while_the_save_waits_keeps_the_printed_report_and_saves_nothing(
    home: Path, held: sqlite3.Connection, name: str, code: int
) -> None:
    child = _start(home)
    try:
        _read_until(child.stderr, "Saving to your history…")
        child.send_signal(getattr(signal, name))
        child.wait(timeout=30)
        assert child.stdout is not None
        assert child.stderr is not None
        out, err = child.stdout.read(), child.stderr.read()
    finally:
        child.kill()
    assert child.returncode == code
    assert "Your result: High" in out
    assert "Please know" in out
    assert "Stopped. The report above is complete. This check was not saved in your history." in err
    assert "Traceback" not in err
    held.execute("ROLLBACK")
    assert saved_count(home) == 1


def test_a_history_problem_after_a_report_saved_to_a_file_says_where_the_report_is(
    run_cli: Cli, home: Path, tmp_path: Path
) -> None:
    home.mkdir(parents=True)
    (home / "history.sqlite3").write_bytes(b"not a database" * 200)
    report = tmp_path / "report.txt"
    result = run_cli("--answers", "-", "--save", "--output", str(report), input=EXAMPLE_ANSWERS)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"The report in {report} is complete."
    assert "above" not in result.stderr
