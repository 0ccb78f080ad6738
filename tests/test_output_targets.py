"""Where --output, --save-answers and history export may write: regular files only, never through or over a
link, a device or a pipe (and never offering --force for one); a name for standard output prints there."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kratom_check.store import history

from .conftest import EXAMPLE_ANSWERS

Cli = Callable[..., Any]


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "h"
    monkeypatch.setenv(history.ENVIRONMENT, str(folder))
    return folder


def one_line(text: str) -> str:
    return " ".join(text.split())


def write_to(run_cli: Cli, option: str, target: Path, *extra: str) -> Any:
    """Save with one of the three options that write a file, to `target`."""
    if option == "history export":
        assert run_cli("--answers", "-", "--save", input=EXAMPLE_ANSWERS).exit_code == 0
        return run_cli("history", "export", str(target), *extra)
    return run_cli("--answers", "-", option, str(target), *extra, input=EXAMPLE_ANSWERS)


OPTIONS = ["--output", "--save-answers", "history export"]


@pytest.mark.parametrize("option", OPTIONS)
@pytest.mark.parametrize("force", [False, True], ids=["", "force"])
def test_a_link_to_a_regular_file_is_refused_and_left_as_it_is(
    run_cli: Cli, tmp_path: Path, option: str, force: bool
) -> None:
    target = tmp_path / "target.txt"
    target.write_text("mine\n", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    result = write_to(run_cli, option, link, *(["--force"] if force else []))
    assert result.exit_code == 2
    assert f"{link}: this is a link (to {target}). kratom-check never writes through a link or replaces one." in (
        one_line(result.stderr)
    )
    assert "--force" not in result.stderr
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8") == "mine\n"


@pytest.mark.parametrize("option", OPTIONS)
def test_a_dangling_link_is_refused_and_nothing_is_made_at_its_end(run_cli: Cli, tmp_path: Path, option: str) -> None:
    link = tmp_path / "link.txt"
    link.symlink_to(tmp_path / "nowhere.txt")
    result = write_to(run_cli, option, link, "--force")
    assert result.exit_code == 2
    assert "this is a link" in result.stderr
    assert not (tmp_path / "nowhere.txt").exists()
    assert link.is_symlink()


@pytest.mark.parametrize("option", OPTIONS)
@pytest.mark.parametrize("force", [False, True], ids=["", "force"])
def test_a_named_pipe_is_refused_without_offering_force_and_left_as_it_is(
    run_cli: Cli, tmp_path: Path, option: str, force: bool
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = write_to(run_cli, option, fifo, *(["--force"] if force else []))
    assert result.exit_code == 2
    assert f"{fifo}: this is not a regular file (a device, pipe or socket)." in result.stderr
    assert "--force" not in result.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.parametrize("option", ["--output", "--save-answers"])
def test_a_device_is_refused_without_offering_force(run_cli: Cli, option: str) -> None:
    result = run_cli("--answers", "-", option, "/dev/null", "--force", input=EXAMPLE_ANSWERS)
    assert result.exit_code == 2
    assert "/dev/null: this is not a regular file (a device, pipe or socket)." in result.stderr
    assert "--force" not in result.stderr


def test_save_answers_to_a_folder_asks_for_a_file_name_for_the_answers(run_cli: Cli, tmp_path: Path) -> None:
    result = run_cli("--answers", "-", "--save-answers", str(tmp_path), input=EXAMPLE_ANSWERS)
    assert result.exit_code == 2
    assert f"{tmp_path}: this is a folder. Give a file name for your answers, like answers.yaml." in result.stderr
    assert "report" not in result.stderr


def test_history_export_to_a_folder_asks_for_a_file_name_for_the_history(run_cli: Cli, tmp_path: Path) -> None:
    result = run_cli("history", "export", str(tmp_path))
    assert result.exit_code == 2
    assert f"{tmp_path}: this is a folder. Give a file name for the history, like history.json." in result.stderr


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--save-answers", ""], "--save-answers needs a file name, like answers.yaml; it was given an empty one."),
        (["--output", ""], "--output needs a file name, like report.txt; it was given an empty one."),
        (["history", "export", ""], "FILE needs a file name, like history.json; it was given an empty one."),
    ],
    ids=["save-answers", "output", "history-export"],
)
def test_an_empty_file_name_is_refused_as_empty_never_as_the_current_folder(
    run_cli: Cli, arguments: list[str], message: str
) -> None:
    result = (
        run_cli("--answers", "-", *arguments, input=EXAMPLE_ANSWERS)
        if arguments[0] != "history"
        else (run_cli(*arguments))
    )
    assert result.exit_code == 2
    assert message in result.stderr
    assert "'.'" not in result.stderr
    assert ": this is a folder" not in result.stderr


def test_an_escape_in_an_output_path_is_shown_as_visible_text(run_cli: Cli, tmp_path: Path) -> None:
    result = run_cli("--answers", "-", "--output", str(tmp_path / "\x1b[2J" / "r.txt"), input=EXAMPLE_ANSWERS)
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr
    assert "\\x1b[2J: this folder does not exist." in result.stderr


# -- a name for standard output, in a real process --------------------------------------------------------


def _run(arguments: list[str], stdout: Any, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kratom_check", *arguments],
        input=EXAMPLE_ANSWERS, stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=60, check=False,
        env={**os.environ, history.ENVIRONMENT: str(home)},
    )  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("name", ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"])
@pytest.mark.parametrize("force", [False, True], ids=["", "force"])
def test_output_to_a_name_for_standard_output_prints_the_report_as_dash_does(
    home: Path, name: str, force: bool
) -> None:
    before = os.readlink("/dev/stdout")
    result = _run(["--answers", "-", "--output", name, *(["--force"] if force else [])], subprocess.PIPE, home)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Your result: High")
    assert result.stderr == ""
    assert os.readlink("/dev/stdout") == before


@pytest.mark.slow
def test_output_to_dev_stdout_redirected_to_a_file_fills_that_file_without_force(home: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    with report.open("w", encoding="utf-8") as redirected:
        result = _run(["--answers", "-", "--output", "/dev/stdout"], redirected, home)
    assert result.returncode == 0, result.stderr
    assert report.read_text(encoding="utf-8").startswith("Your result: High")
    assert stat.S_ISLNK(os.lstat("/dev/stdout").st_mode)


@pytest.mark.slow
def test_history_export_to_dev_stdout_prints_it(home: Path) -> None:
    assert _run(["--answers", "-", "--save"], subprocess.DEVNULL, home).returncode == 0
    result = _run(["history", "export", "/dev/stdout", "--force"], subprocess.PIPE, home)
    assert result.returncode == 0, result.stderr
    assert '"checks": [' in result.stdout
    assert stat.S_ISLNK(os.lstat("/dev/stdout").st_mode)


@pytest.mark.slow
def test_save_answers_to_dev_stdout_is_refused_as_standard_output_is(home: Path) -> None:
    result = _run(["--answers", "-", "--save-answers", "/dev/stdout", "--force"], subprocess.PIPE, home)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "--save-answers needs a file name, like answers.yaml (standard output, '-', is for reports)." in (
        result.stderr
    )
    assert stat.S_ISLNK(os.lstat("/dev/stdout").st_mode)
