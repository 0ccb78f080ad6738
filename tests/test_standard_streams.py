"""Standard output that cannot take what a command prints (closed with `>&-`, or a full disk): a clear message
naming what could not be written, exit 2, never a traceback or "this is a bug"."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import EXAMPLE_ANSWERS

pytestmark = pytest.mark.slow  # each test starts the program in a process of its own

COMMANDS = {
    "check": (["--answers", "-"], "the report"),
    "help": (["--help"], "the help"),
    "version": (["--version"], "the version"),
    "template": (["template"], "the answers template"),
    "schema": (["schema"], "the schema"),
    "validate": (["validate"], "the result of the check"),
    "export sql": (["export", "sql"], "the SQL query"),
    "export fhir": (["export", "fhir-questionnaire"], "the FHIR Questionnaire"),
}


def _run(arguments: list[str], *, stdout: str, home: Path) -> subprocess.CompletedProcess[str]:
    """Run kratom-check with standard output closed ("closed") or on /dev/full ("full")."""
    env = {**os.environ, "KRATOM_CHECK_HOME": str(home)}
    command = [sys.executable, "-m", "kratom_check", *arguments]
    if stdout == "closed":
        return subprocess.run(
            command, input=EXAMPLE_ANSWERS, stderr=subprocess.PIPE, text=True, timeout=60, check=False, env=env,
            preexec_fn=lambda: os.close(1),  # as a shell's >&- does
        )  # fmt: skip
    with open("/dev/full", "w") as full:
        return subprocess.run(
            command, input=EXAMPLE_ANSWERS, stdout=full, stderr=subprocess.PIPE, text=True, timeout=60, check=False,
            env=env,
        )  # fmt: skip


@pytest.mark.parametrize("name", [name for name in COMMANDS if name != "check"])
def test_every_command_with_standard_output_closed_says_so_and_exits_2(name: str, tmp_path: Path) -> None:
    arguments, what = COMMANDS[name]
    result = _run(arguments, stdout="closed", home=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr == f"Error: {what} could not be written (standard output is closed).\n"


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_to_a_full_disk_names_what_could_not_be_written(name: str, tmp_path: Path) -> None:
    arguments, what = COMMANDS[name]
    result = _run(arguments, stdout="full", home=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr == f"Error: {what} could not be written (No space left on device).\n"


def test_the_check_with_standard_output_closed_says_so_before_any_question(tmp_path: Path) -> None:
    result = _run(["--answers", "-"], stdout="closed", home=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        "Error: Standard output is closed, so the report has nowhere to go. Save it with: --output FILE\n"
    )


@pytest.mark.parametrize("name", ["-", "/dev/stdout"])
def test_output_to_a_closed_standard_output_says_it_is_closed(name: str, tmp_path: Path) -> None:
    result = _run(["--answers", "-", "--output", name], stdout="closed", home=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("Error: Standard output is closed, so the report has nowhere to go.")


def test_history_listing_with_standard_output_closed_says_so(tmp_path: Path) -> None:
    saved = subprocess.run(
        [sys.executable, "-m", "kratom_check", "--answers", "-", "--save"],
        input=EXAMPLE_ANSWERS, capture_output=True, text=True, timeout=60, check=False,
        env={**os.environ, "KRATOM_CHECK_HOME": str(tmp_path)},
    )  # fmt: skip
    assert saved.returncode == 0, saved.stderr
    result = _run(["history"], stdout="closed", home=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("Error: the list of checks could not be written (standard output is closed).")


def test_a_report_saved_to_a_file_needs_no_standard_output(tmp_path: Path) -> None:
    result = _run(["--answers", "-", "-o", str(tmp_path / "report.txt")], stdout="closed", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "report.txt").read_text(encoding="utf-8").startswith("Your result:")


def test_a_file_opened_while_standard_output_is_closed_never_gets_its_number(tmp_path: Path) -> None:
    """With descriptor 1 free, the next file opened would get it: the history must never receive output."""
    result = _run(["--answers", "-", "--save", "-o", str(tmp_path / "report.txt")], stdout="closed", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "history.sqlite3").read_bytes().startswith(b"SQLite format 3\x00")
