"""The history under attack and on odd machines: links are never followed, folders made private, each problem
gets the advice that fits, everything read back is checked and shown escaped, and any size streams."""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import stat
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from kratom_check.commands import check as check_command
from kratom_check.store import history

Cli = Callable[..., Any]

FIRST = (
    "symptoms: [none]\nfrequency: weekly\nduration: over_1_year\namount: moderate\nproduct_forms: [leaf]\n"
    "co_use: [none]\nliver_conditions: [none]\n"
)
SECOND = FIRST.replace("frequency: weekly", "frequency: daily")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "state" / "kratom-check"
    monkeypatch.setenv(history.ENVIRONMENT, str(folder))
    return folder


def save(run_cli: Cli, answers: str = FIRST, *args: str, date: str = "2026-11-20T09:00:00+00:00") -> Any:
    with mock.patch.object(check_command, "now", return_value=datetime.fromisoformat(date)):
        return run_cli("--answers", "-", "--save", *args, input=answers)


def one_line(text: str) -> str:
    return " ".join(text.split())


def tamper(home: Path, statement: str, *values: object) -> None:
    connection = sqlite3.connect(home / "history.sqlite3")
    connection.execute(statement, values)
    connection.commit()
    connection.close()


# -- links are never followed ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["history.sqlite3", "history.sqlite3-wal", "history.sqlite3-shm"])
def test_a_link_in_place_of_a_history_file_is_refused_and_its_target_left_alone(
    run_cli: Cli, home: Path, tmp_path: Path, name: str
) -> None:
    home.mkdir(parents=True, mode=0o700)
    target = tmp_path / "passwd"
    target.write_text("root:x:0:0\n", encoding="utf-8")
    target.chmod(0o644)
    (home / name).symlink_to(target)
    result = save(run_cli)
    assert result.exit_code == 2
    assert "Your result: Moderate" in result.stdout
    assert f"({home / name} is a link to another place)" in one_line(result.stderr)
    assert "kratom-check never follows a link to keep your history" in one_line(result.stderr)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert target.read_text(encoding="utf-8") == "root:x:0:0\n"


def test_a_dangling_link_in_place_of_the_history_makes_no_file_at_its_end(
    run_cli: Cli, home: Path, tmp_path: Path
) -> None:
    home.mkdir(parents=True, mode=0o700)
    (home / "history.sqlite3").symlink_to(tmp_path / "made-through-the-link")
    result = save(run_cli)
    assert result.exit_code == 2
    assert "is a link to another place" in result.stderr
    assert not (tmp_path / "made-through-the-link").exists()


def test_a_link_to_an_empty_file_is_not_made_into_a_history(run_cli: Cli, home: Path, tmp_path: Path) -> None:
    home.mkdir(parents=True, mode=0o700)
    empty = tmp_path / "empty"
    empty.touch()
    (home / "history.sqlite3").symlink_to(empty)
    assert save(run_cli).exit_code == 2
    assert empty.read_bytes() == b""


def test_a_history_folder_that_is_a_link_is_refused(
    run_cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = tmp_path / "elsewhere"
    real.mkdir(mode=0o755)
    link = tmp_path / "kratom-check"
    link.symlink_to(real)
    monkeypatch.setenv(history.ENVIRONMENT, str(link))
    result = save(run_cli)
    assert result.exit_code == 2
    assert f"({link} is a link to another place)" in one_line(result.stderr)
    assert list(real.iterdir()) == []
    assert stat.S_IMODE(real.stat().st_mode) == 0o755


def test_listing_a_history_that_is_a_link_is_refused_too(run_cli: Cli, home: Path, tmp_path: Path) -> None:
    save(run_cli)
    moved = tmp_path / "moved.sqlite3"
    (home / "history.sqlite3").rename(moved)
    (home / "history.sqlite3").symlink_to(moved)
    result = run_cli("history")
    assert result.exit_code == 2
    assert "is a link to another place" in result.stderr


def test_forget_removes_a_link_and_never_what_it_points_to(run_cli: Cli, home: Path, tmp_path: Path) -> None:
    home.mkdir(parents=True, mode=0o700)
    target = tmp_path / "precious"
    target.write_text("keep me\n", encoding="utf-8")
    (home / "history.sqlite3").symlink_to(target)
    result = run_cli("history", "forget", "--yes")
    assert result.exit_code == 0, result.stderr
    assert not os.path.lexists(home / "history.sqlite3")
    assert target.read_text(encoding="utf-8") == "keep me\n"


def test_forget_removes_a_dangling_link(run_cli: Cli, home: Path, tmp_path: Path) -> None:
    home.mkdir(parents=True, mode=0o700)
    (home / "history.sqlite3").symlink_to(tmp_path / "gone")
    assert run_cli("history", "forget", "--yes").exit_code == 0
    assert not os.path.lexists(home / "history.sqlite3")


def test_forget_never_deletes_through_a_folder_that_is_a_link(
    run_cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = tmp_path / "elsewhere"
    real.mkdir()
    (real / "history.sqlite3").write_text("someone else's\n", encoding="utf-8")
    link = tmp_path / "kratom-check"
    link.symlink_to(real)
    monkeypatch.setenv(history.ENVIRONMENT, str(link))
    result = run_cli("history", "forget", "--yes")
    assert result.exit_code == 2
    assert f"({link} is a link to another place)" in one_line(result.stderr)
    assert (real / "history.sqlite3").read_text(encoding="utf-8") == "someone else's\n"


# -- the folder is private ---------------------------------------------------------------------------------


def test_an_existing_history_folder_open_to_everyone_is_made_owner_only(run_cli: Cli, home: Path) -> None:
    home.mkdir(parents=True)
    home.chmod(0o777)
    assert save(run_cli).exit_code == 0
    assert stat.S_IMODE(home.stat().st_mode) == 0o700


def test_a_shared_folder_others_can_write_in_is_refused_and_left_as_it_is(run_cli: Cli, home: Path) -> None:
    home.mkdir(parents=True)
    home.chmod(0o777)
    (home / "someone-elses-file").write_text("x\n", encoding="utf-8")
    result = save(run_cli)
    assert result.exit_code == 2
    assert "Your result: Moderate" in result.stdout
    assert f"(other people can change files in its folder {home}). Keep the history in a folder of your own: " in (
        one_line(result.stderr)
    )
    assert stat.S_IMODE(home.stat().st_mode) == 0o777
    assert not (home / "history.sqlite3").exists()


def test_a_folder_others_can_only_read_that_holds_other_files_is_used_and_left_as_it_is(
    run_cli: Cli, home: Path
) -> None:
    home.mkdir(parents=True)
    home.chmod(0o755)
    (home / "notes.txt").write_text("mine\n", encoding="utf-8")
    assert save(run_cli).exit_code == 0
    assert stat.S_IMODE(home.stat().st_mode) == 0o755
    assert stat.S_IMODE((home / "history.sqlite3").stat().st_mode) == 0o600


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a folder to another user")
def test_a_folder_that_belongs_to_another_user_is_refused(run_cli: Cli, home: Path) -> None:
    """Its owner could swap the history for a link between the check and the open: root must not go on."""
    home.mkdir(parents=True, mode=0o700)
    os.chown(home, 12345, 12345)
    result = save(run_cli)
    assert result.exit_code == 2
    assert f"(its folder {home} belongs to someone else). Keep the history in a folder of your own" in (
        one_line(result.stderr)
    )
    assert list(home.iterdir()) == []


# -- advice that fits ------------------------------------------------------------------------------------


def test_a_history_path_that_is_a_folder_is_told_to_move_it(run_cli: Cli, home: Path) -> None:
    (home / "history.sqlite3").mkdir(parents=True)
    result = save(run_cli)
    assert result.exit_code == 2
    assert "Your result: Moderate" in result.stdout
    assert (
        f"{home / 'history.sqlite3'}: the history cannot be used ({home / 'history.sqlite3'} is a folder, not a "
        "history file). Move that folder away, or set KRATOM_CHECK_HOME to another folder."
    ) in one_line(result.stderr)
    assert "history forget" not in result.stderr


def test_a_history_path_that_is_a_folder_is_told_the_same_when_listing(run_cli: Cli, home: Path) -> None:
    (home / "history.sqlite3").mkdir(parents=True)
    result = run_cli("history")
    assert result.exit_code == 2
    assert "is a folder, not a history file" in result.stderr


def test_a_home_that_is_a_file_is_told_which_file_is_in_the_way(
    run_cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home_file = tmp_path / "home"
    home_file.write_text("not a folder\n", encoding="utf-8")
    monkeypatch.delenv(history.ENVIRONMENT, raising=False)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setenv("HOME", str(home_file))
    result = save(run_cli)
    assert result.exit_code == 2
    assert "Your result: Moderate" in result.stdout
    assert (
        f"({home_file} is a file, not a folder). Move that file away, or set KRATOM_CHECK_HOME to the folder to "
        "keep the history in."
    ) in one_line(result.stderr)
    assert "history forget" not in result.stderr


def test_a_read_only_file_system_is_told_to_keep_the_history_elsewhere(
    run_cli: Cli, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def read_only(*_args: Any, **_kwargs: Any) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(os, "mkdir", read_only)
    result = save(run_cli)
    assert result.exit_code == 2
    assert "Your result: Moderate" in result.stdout
    assert (
        "(the disk it is on is read-only). Or keep the history in another folder: set KRATOM_CHECK_HOME to it."
    ) in one_line(result.stderr)
    assert "history forget" not in result.stderr


def test_the_history_problem_and_the_closing_line_are_separate_sentences(run_cli: Cli, home: Path) -> None:
    home.mkdir(parents=True)
    (home / "history.sqlite3").write_bytes(b"this is not a database, it is a note" * 200)
    result = save(run_cli)
    lines = result.stderr.splitlines()
    assert lines[-2].endswith("To start a new history, run: kratom-check history forget")
    assert lines[-1] == "The report above is complete."


def test_a_long_message_wraps_by_whole_words_and_keeps_a_path_whole() -> None:
    from kratom_check.edge import wrapped

    path = "/home/someone/.config/kratom-check/history.sqlite3"
    message = f"Error: {path}: the history cannot be used (another kratom-check is using it). Try again in a moment."
    lines = wrapped(message, 40).splitlines()
    assert path + ":" in lines
    assert all(len(line) <= 40 for line in lines if path not in line)
    assert " ".join(lines) == message


def test_a_list_item_wraps_under_its_own_text() -> None:
    from kratom_check.edge import wrapped

    assert wrapped("Problems:\n  - one two three four five six", 20).splitlines() == [
        "Problems:",
        "  - one two three",
        "    four five six",
    ]


@pytest.mark.slow
def test_a_history_message_on_a_narrow_terminal_is_wrapped_to_it(tmp_path: Path) -> None:
    import sys

    import pexpect

    folder = tmp_path / "h"
    (folder / "history.sqlite3").mkdir(parents=True)
    answers = tmp_path / "a.yaml"
    answers.write_text(FIRST, encoding="utf-8")
    env = {**os.environ, history.ENVIRONMENT: str(folder), "NO_COLOR": "1", "TERM": "xterm"}
    env.pop("COLUMNS", None)
    child = pexpect.spawn(
        sys.executable, ["-m", "kratom_check", "--answers", str(answers), "--save", "-o", str(tmp_path / "r.txt")],
        env=env, encoding="utf-8", timeout=20, dimensions=(40, 60),
    )  # fmt: skip
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    error = child.before.replace("\r\n", "\n").split("Error:", 1)[1]
    assert all(len(line) <= 60 for line in error.splitlines() if "/" not in line)
    assert "Move that folder away, or set KRATOM_CHECK_HOME to another folder." in " ".join(error.split())


# -- read back: checked, escaped, any size ------------------------------------------------------------------


def test_history_show_of_a_number_too_large_for_the_history_is_no_such_check(run_cli: Cli, home: Path) -> None:
    save(run_cli)
    result = run_cli("history", "show", "99999999999999999999")
    assert result.exit_code == 2
    assert "There is no saved check number 99999999999999999999." in result.stderr


def test_history_with_a_limit_too_large_for_the_history_lists_every_check(run_cli: Cli, home: Path) -> None:
    save(run_cli)
    result = run_cli("history", "--limit", "99999999999999999999")
    assert result.exit_code == 0, result.stderr
    assert "#1  2026-11-20 09:00  Moderate" in result.stdout


def test_a_saved_check_whose_time_is_not_a_date_is_damaged_and_the_others_are_shown(run_cli: Cli, home: Path) -> None:
    save(run_cli)
    save(run_cli, SECOND, date="2026-11-25T09:00:00+00:00")
    tamper(home, "UPDATE checks SET made = 'yesterday' WHERE id = 1")
    listed = run_cli("history")
    assert listed.exit_code == 0
    assert "#2  2026-11-25 09:00" in listed.stdout
    assert "Note: saved check 1 is damaged and was left out. The others are shown." in listed.stderr
    shown = run_cli("history", "show", "1")
    assert shown.exit_code == 2
    assert "saved check number 1 is damaged, so it cannot be shown. The other checks are fine." in shown.stderr


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("areas", '{"use_pattern": ["moderate"]}'),
        ("answers", '{"frequency": 7}'),
        ("level", b"\x00"),
        ("made", b"2026"),
    ],
)
def test_a_saved_check_of_the_wrong_shape_is_damaged_not_a_bug(
    run_cli: Cli, home: Path, column: str, value: object
) -> None:
    save(run_cli)
    tamper(home, f"UPDATE checks SET {column} = ?", value)
    for command in (["history"], ["history", "show", "1"], ["history", "export", "-"]):
        result = run_cli(*command)
        assert result.exit_code in (0, 2), (command, result.stderr)
        assert "damaged" in result.stderr


def test_history_shows_escapes_from_its_own_rows_as_visible_text(run_cli: Cli, home: Path) -> None:
    save(run_cli)
    tamper(home, "UPDATE checks SET level = ?, areas = ?", "\x1b[2J", json.dumps({"use_pattern": "\x9b31m"}))
    result = run_cli("history")
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout
    assert "\x9b" not in result.stdout
    assert "#1  2026-11-20 09:00  \\x1b[2J" in result.stdout
    assert "\\x9b31m" in result.stdout


def test_history_show_notes_an_escape_in_a_saved_version_as_visible_text(run_cli: Cli, home: Path) -> None:
    save(run_cli)
    tamper(home, "UPDATE checks SET questionnaire_version = ?", "\x1b]0;owned\x07")
    result = run_cli("history", "show", "1")
    assert result.exit_code == 0
    assert "\x1b" not in result.stderr
    assert "made with questionnaire \\x1b]0;owned\\x07;" in result.stderr


def test_a_history_folder_with_an_escape_in_its_name_is_shown_as_visible_text_in_the_report(
    run_cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(history.ENVIRONMENT, str(tmp_path / "\x1b[2J"))
    saved = save(run_cli)
    shown = run_cli("history", "show", "1")
    for result in (saved, shown):
        assert result.exit_code == 0, result.stderr
        assert "\x1b" not in result.stdout
        assert "\\x1b[2J" in one_line(result.stdout)


def test_history_as_json_writes_terminal_controls_as_json_escapes(run_cli: Cli, home: Path) -> None:
    save(run_cli)
    tamper(home, "UPDATE checks SET level = ?", "\x9b2J\x7f")
    result = run_cli("history", "--format", "json")
    assert "\x9b" not in result.stdout
    assert "\x7f" not in result.stdout
    assert json.loads(result.stdout)["checks"][0]["level"] == "\x9b2J\x7f"


def test_history_export_csv_writes_terminal_controls_as_visible_text(run_cli: Cli, home: Path) -> None:
    save(run_cli)
    tamper(home, "UPDATE checks SET level = ?", "\x1b[2J")
    result = run_cli("history", "export", "-", "--format", "csv")
    assert "\x1b" not in result.stdout
    assert "\\x1b[2J" in result.stdout


def _many(home: Path, count: int, *, note: int = 400) -> None:
    """`count` saved checks, written straight into the history (saving them one by one takes minutes)."""
    with history.opened(create=True) as connection:
        assert connection is not None
        connection.executemany(
            "INSERT INTO checks (made, questionnaire_id, questionnaire_version, language, region, answers, level,"
            " areas) VALUES (?, 'kratom-check', '1.1.0', 'en', 'US', ?, 'low', ?)",
            (
                (f"2026-11-20T09:00:{number % 60:02d}+00:00", json.dumps({"frequency": "weekly", "note": "x" * note}),
                 json.dumps({"use_pattern": "low"}))
                for number in range(count)
            ),
        )  # fmt: skip


@pytest.mark.parametrize("count", [0, 1, 3])
def test_history_as_json_is_the_same_document_made_one_check_at_a_time(run_cli: Cli, home: Path, count: int) -> None:
    if count:
        _many(home, count)
    result = run_cli("history", "--format", "json", "--limit", "0")
    document = json.loads(result.stdout)
    assert result.stdout == json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    assert len(document["checks"]) == document["total"] == count


PEAK_OF_CHILD = """
import os, subprocess, sys
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
errors = process.stderr.read()
_, status, usage = os.wait4(process.pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [["history", "--format", "json", "--limit", "0"], ["history", "--limit", "0"], ["history", "export", "-"],
     ["history", "export", "-", "--format", "csv"]],
    ids=["json", "text", "export-json", "export-csv"],
)  # fmt: skip
def test_history_commands_use_no_more_memory_for_more_checks(home: Path, command: list[str]) -> None:
    """20,000 checks of 2 kB each, held at once, would take over 60 MB more than 1,000; streamed, about none."""
    import subprocess
    import sys

    def peak_kib(count: int) -> int:
        if (home / "history.sqlite3").exists():
            history.forget()
        _many(home, count, note=2000)
        measured = subprocess.run(
            [sys.executable, "-c", PEAK_OF_CHILD, sys.executable, "-m", "kratom_check", *command],
            capture_output=True, text=True, timeout=120, check=True,
        )  # fmt: skip
        exit_code, peak = measured.stdout.split()
        assert exit_code == "0"
        return int(peak)

    assert peak_kib(20_000) - peak_kib(1_000) < 16 * 1024


# -- showing a saved check again -------------------------------------------------------------------------------


def test_history_show_uses_the_language_the_check_was_made_in(run_cli: Cli, home: Path) -> None:
    save(run_cli, FIRST, "--lang", "es")
    result = run_cli("history", "show", "1")
    assert result.exit_code == 0, result.stderr
    assert "Su resultado" in result.stdout


def test_history_show_takes_lang_after_the_command(run_cli: Cli, home: Path) -> None:
    save(run_cli)
    result = run_cli("history", "show", "1", "--lang", "es")
    assert result.exit_code == 0, result.stderr
    assert "Su resultado" in result.stdout


def test_history_show_takes_lang_before_the_command_over_the_check_s_own(run_cli: Cli, home: Path) -> None:
    save(run_cli, FIRST, "--lang", "es")
    result = run_cli("--lang", "en", "history", "show", "1")
    assert result.exit_code == 0, result.stderr
    assert "Your result: Moderate" in result.stdout


def test_history_show_refuses_a_language_it_does_not_speak(run_cli: Cli, home: Path) -> None:
    save(run_cli)
    result = run_cli("history", "show", "1", "--lang", "\x1bfr")
    assert result.exit_code == 2
    assert "--lang: '\\x1bfr' is not a language kratom-check speaks. Use one of: en, es." in result.stderr


def test_history_show_has_the_since_part_it_had_when_it_was_saved(run_cli: Cli, home: Path) -> None:
    save(run_cli)
    saved = save(run_cli, SECOND, date="2026-11-25T09:00:00+00:00").stdout
    save(run_cli, FIRST, date="2026-11-30T09:00:00+00:00")
    shown = run_cli("history", "show", "2").stdout
    since = saved.split("Since your last check (2026-11-20 09:00)\n", 1)[1].split("\n\n", 1)[0]
    assert "Since your last check (2026-11-20 09:00)\n" + since in shown
    assert "How often: was 1 to 6 days a week, now Once a day" in since


def test_history_show_of_the_first_check_has_no_since_part(run_cli: Cli, home: Path) -> None:
    save(run_cli)
    save(run_cli, SECOND, date="2026-11-25T09:00:00+00:00")
    assert "Since your last check" not in run_cli("history", "show", "1").stdout


def test_the_since_part_in_json_names_each_changed_question_by_its_id(run_cli: Cli, home: Path) -> None:
    save(run_cli)
    report = json.loads(save(run_cli, SECOND, "--format", "json").stdout)
    assert report["since_last_check"]["answers_changed"] == [
        {"question": "frequency", "what": "How often", "before": "1 to 6 days a week", "after": "Once a day"}
    ]


# -- --date and --save -------------------------------------------------------------------------------------------


def test_date_and_save_together_are_refused_before_any_question(run_cli: Cli, home: Path) -> None:
    result = run_cli("--answers", "-", "--save", "--date", "2026-01-01", input=FIRST)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--date and --save cannot be used together" in result.stderr
    assert not home.exists()
