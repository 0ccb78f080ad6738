"""The opt-in private history: nothing without --save, owner-only files, what changed since last time,
list, show, export and forget, and a report that survives any problem with the history."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from kratom_check.store import history

from .conftest import EXAMPLE_ANSWERS

Cli = Callable[..., Any]

FIRST = (
    "symptoms: [none]\nfrequency: weekly\nduration: over_1_year\namount: moderate\nproduct_forms: [leaf]\n"
    "co_use: [none]\nliver_conditions: [none]\n"
)
SECOND = (
    "symptoms: [itching]\nfrequency: daily\nduration: over_1_year\namount: moderate\nproduct_forms: [leaf]\n"
    "co_use: [alcohol]\nalcohol_frequency: weekly\nliver_conditions: [none]\n"
)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "state" / "kratom-check"
    monkeypatch.setenv(history.ENVIRONMENT, str(folder))
    return folder


def check(run_cli: Cli, answers: str, *args: str, date: str = "2026-11-20T09:00:00+00:00") -> Any:
    """A check saved at `date` (the clock is set: --date and --save do not go together)."""
    from unittest import mock

    from kratom_check.commands import check as check_command

    with mock.patch.object(check_command, "now", return_value=datetime.fromisoformat(date)):
        return run_cli("--answers", "-", "--save", *args, input=answers)


def test_nothing_is_saved_without_save(run_cli: Cli, home: Path) -> None:
    result = run_cli("--answers", "-", input=EXAMPLE_ANSWERS)
    assert result.exit_code == 0
    assert not home.exists()
    assert "saved in your private history" not in result.stdout


def test_save_adds_the_check_and_the_report_says_where(run_cli: Cli, home: Path) -> None:
    result = check(run_cli, FIRST)
    assert result.exit_code == 0, result.stderr
    assert f"saved in your private history on this computer ({home / 'history.sqlite3'})" in " ".join(
        result.stdout.split()
    )
    (saved,), total, _damaged = history.newest(None)
    assert total == 1
    assert saved.made == "2026-11-20T09:00:00+00:00"
    assert (saved.questionnaire_id, saved.language, saved.region, saved.level) == (
        "kratom-check",
        "en",
        "US",
        "moderate",
    )
    assert saved.answers["frequency"] == "weekly"
    assert saved.areas["use_pattern"] == "moderate"


def test_the_folder_and_the_file_are_owner_only_from_the_start(run_cli: Cli, home: Path) -> None:
    os.umask(0o022)
    check(run_cli, FIRST)
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    for path in home.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_the_database_has_a_schema_version_and_uses_wal(run_cli: Cli, home: Path) -> None:
    check(run_cli, FIRST)
    connection = sqlite3.connect(home / "history.sqlite3")
    try:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == history.SCHEMA_VERSION
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        connection.close()


def test_the_first_saved_check_has_no_since_part(run_cli: Cli, home: Path) -> None:
    assert "Since your last check" not in check(run_cli, FIRST).stdout


def test_a_second_check_says_what_changed_since_the_first(run_cli: Cli, home: Path) -> None:
    check(run_cli, FIRST)
    report = check(run_cli, SECOND, date="2026-11-25T09:00:00+00:00").stdout
    part = report.split("Since your last check (2026-11-20 09:00)\n", 1)[1].split("\n\n", 1)[0]
    assert part.splitlines() == [
        "- Result then: Moderate. Result now: High.",
        "- Went up: Other drugs and medicines (Low to High)",
        "- Went up: Signs you noticed (Low to High)",
        "- Answer changed: Warning signs: was None of these, now Itchy skin all over",
        "- Answer changed: How often: was 1 to 6 days a week, now Once a day",
        "- Answer changed: Used around the same time: was None of these, now Alcohol",
        "- Answer changed: Days with 4+ drinks: was no answer, now About once a week",
    ]


def test_with_several_earlier_checks_the_comparison_is_with_the_latest(run_cli: Cli, home: Path) -> None:
    check(run_cli, FIRST, date="2026-11-01T09:00:00+00:00")
    check(run_cli, SECOND, date="2026-11-10T09:00:00+00:00")
    report = check(run_cli, SECOND, date="2026-11-20T09:00:00+00:00").stdout
    assert "Since your last check (2026-11-10 09:00)" in report
    assert "Your answers are the same as last time." in report
    assert "Went up" not in report


def test_the_since_part_never_judges_an_amount(run_cli: Cli, home: Path) -> None:
    from kratom_check.load import wording

    check(run_cli, FIRST)
    report = check(run_cli, SECOND.replace("amount: small", "amount: large")).stdout
    part = report.split("Since your last check", 1)[1].split("\n\n", 1)[0]
    assert list(wording.all_findings(part.splitlines())) == []
    for judging in ("good", "better", "worse", "great", "well done", "too much", "should", "cut"):
        assert judging not in part.lower()


@pytest.mark.parametrize("output_format", ["json", "markdown", "html"])
def test_the_since_part_is_in_every_format(run_cli: Cli, home: Path, output_format: str) -> None:
    check(run_cli, FIRST)
    report = check(run_cli, SECOND, "--format", output_format).stdout
    if output_format == "json":
        since = json.loads(report)["since_last_check"]
        assert since["level_before"] == "moderate"
        assert since["level_now"] == "high"
        changed = {"question": "frequency", "what": "How often", "before": "1 to 6 days a week", "after": "Once a day"}
        assert changed in since["answers_changed"]
        assert json.loads(report)["saved_to_history"] is True
    else:
        assert "Since your last check (2026-11-20 09:00)" in report
        assert "Went up: Other drugs and medicines (Low to High)" in report


def test_history_lists_checks_newest_first_with_each_area(run_cli: Cli, home: Path) -> None:
    check(run_cli, FIRST, date="2026-11-01T09:00:00+00:00")
    check(run_cli, SECOND, date="2026-11-10T09:00:00+00:00")
    listed = run_cli("history").stdout
    assert listed.index("#2  2026-11-10 09:00  High") < listed.index("#1  2026-11-01 09:00  Moderate")
    assert "Other drugs and medicines: High" in " ".join(listed.split())


def test_history_as_json(run_cli: Cli, home: Path) -> None:
    check(run_cli, FIRST)
    data = json.loads(run_cli("history", "--format", "json").stdout)
    assert data["total"] == 1
    assert data["checks"][0]["number"] == 1
    assert data["checks"][0]["areas"]["use_pattern"] == "moderate"
    assert data["checks"][0]["answers"]["frequency"] == "weekly"


def test_history_with_nothing_saved_says_how_to_save(run_cli: Cli, home: Path) -> None:
    result = run_cli("history")
    assert result.exit_code == 0
    assert "No saved checks. Add one with: kratom-check --save" in result.stderr
    assert not home.exists()


def test_history_show_prints_the_report_again(run_cli: Cli, home: Path) -> None:
    first = check(run_cli, FIRST).stdout
    shown = run_cli("history", "show", "1").stdout
    assert shown.split("\nPlease know")[0] == first.split("\nPlease know")[0]


def test_history_show_of_a_number_not_saved_is_a_clear_error(run_cli: Cli, home: Path) -> None:
    check(run_cli, FIRST)
    result = run_cli("history", "show", "7")
    assert result.exit_code == 2
    assert "There is no saved check number 7. See the numbers with: kratom-check history" in result.stderr


@pytest.mark.parametrize("name", ["all.json", "all.csv"])
def test_history_export_writes_everything_owner_only(run_cli: Cli, home: Path, tmp_path: Path, name: str) -> None:
    check(run_cli, FIRST)
    check(run_cli, SECOND)
    target = tmp_path / name
    result = run_cli("history", "export", str(target))
    assert result.exit_code == 0, result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    text = target.read_text(encoding="utf-8")
    if name.endswith(".json"):
        assert [c["number"] for c in json.loads(text)["checks"]] == [1, 2]
    else:
        rows = list(csv.DictReader(io.StringIO(text)))
        assert [row["level"] for row in rows] == ["moderate", "high"]
        assert rows[1]["co_use"] == "alcohol"


def test_history_export_never_replaces_a_file_without_force(run_cli: Cli, home: Path, tmp_path: Path) -> None:
    check(run_cli, FIRST)
    target = tmp_path / "all.json"
    target.write_text("mine\n", encoding="utf-8")
    assert run_cli("history", "export", str(target)).exit_code == 2
    assert target.read_text(encoding="utf-8") == "mine\n"


def test_history_forget_with_yes_deletes_everything_and_says_where(run_cli: Cli, home: Path) -> None:
    check(run_cli, FIRST)
    result = run_cli("history", "forget", "--yes")
    assert result.exit_code == 0
    assert f"Deleted your history at {home / 'history.sqlite3'}." in result.stderr
    assert list(home.iterdir()) == []


def test_history_forget_from_a_script_without_yes_deletes_nothing(run_cli: Cli, home: Path) -> None:
    check(run_cli, FIRST)
    result = run_cli("history", "forget", input="")
    assert result.exit_code == 2
    assert "To do it from a script, add --yes." in result.stderr
    assert (home / "history.sqlite3").exists()


def test_a_corrupt_history_still_gives_the_report_and_says_what_to_do(run_cli: Cli, home: Path) -> None:
    home.mkdir(parents=True)
    (home / "history.sqlite3").write_bytes(b"this is not a database, it is a note" * 200)
    result = check(run_cli, FIRST)
    assert result.exit_code == 2
    assert "Your result: Moderate" in result.stdout
    assert (
        f"{home / 'history.sqlite3'}: the history cannot be used (the file is damaged or is not a kratom-check "
        "history). To start a new history, run: kratom-check history forget" in " ".join(result.stderr.split())
    )
    assert "The report above is complete." in result.stderr


def test_a_locked_history_still_gives_the_report(run_cli: Cli, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    check(run_cli, FIRST)
    monkeypatch.setattr(history, "BUSY_SECONDS", 0.2)
    holder = sqlite3.connect(home / "history.sqlite3", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = check(run_cli, SECOND)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 2
    assert "Your result: High" in result.stdout
    assert "(another kratom-check is using it). Try again in a moment." in " ".join(result.stderr.split())
    assert "history forget" not in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write in any folder")  # CI runs as root: see the next test
def test_a_read_only_folder_still_gives_the_report(run_cli: Cli, home: Path) -> None:
    home.mkdir(parents=True)
    home.chmod(0o500)
    try:
        result = check(run_cli, FIRST)
    finally:
        home.chmod(0o700)
    assert result.exit_code == 2
    assert "Your result:" in result.stdout
    assert "the history cannot be used" in result.stderr


def test_a_history_path_that_cannot_be_a_folder_still_gives_the_report(
    run_cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder that cannot be made (a file is in the way) fails like a read-only one, even for root."""
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder\n", encoding="utf-8")
    monkeypatch.setenv(history.ENVIRONMENT, str(blocker / "kratom-check"))
    result = check(run_cli, FIRST)
    assert result.exit_code == 2
    assert "Your result: Moderate" in result.stdout
    assert f"{blocker / 'kratom-check' / 'history.sqlite3'}: the history cannot be used" in result.stderr


def test_a_history_from_a_newer_version_is_left_alone(run_cli: Cli, home: Path) -> None:
    check(run_cli, FIRST)
    connection = sqlite3.connect(home / "history.sqlite3")
    connection.execute(f"PRAGMA user_version = {history.SCHEMA_VERSION + 1}")
    connection.commit()
    connection.close()
    result = check(run_cli, SECOND)
    assert result.exit_code == 2
    assert "Your result: High" in result.stdout
    assert "(it was made by a newer kratom-check). Update kratom-check, or run: kratom-check history forget" in (
        " ".join(result.stderr.split())
    )
    assert (
        sqlite3.connect(home / "history.sqlite3").execute("PRAGMA user_version").fetchone()[0]
        == history.SCHEMA_VERSION + 1
    )


def test_two_checks_saved_at_the_same_moment_both_land(home: Path) -> None:
    env = {**os.environ, history.ENVIRONMENT: str(home)}
    command = [sys.executable, "-m", "kratom_check", "--answers", "-", "--save", "--format", "json"]
    processes = [
        subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        for _ in range(4)
    ]
    for process in processes:
        assert process.stdin is not None
        process.stdin.write(FIRST.encode())
        process.stdin.close()
    assert [process.wait(timeout=60) for process in processes] == [0, 0, 0, 0]
    _checks, total, _damaged = history.newest(None)
    assert total == 4


def test_a_damaged_earlier_check_does_not_stop_the_new_one_being_saved(run_cli: Cli, home: Path) -> None:
    check(run_cli, FIRST)
    connection = sqlite3.connect(home / "history.sqlite3")
    connection.execute("UPDATE checks SET answers = '{bad'")
    connection.commit()
    connection.close()
    result = check(run_cli, SECOND)
    assert result.exit_code == 0, result.stderr
    assert "Your result: High" in result.stdout
    assert "Since your last check" not in result.stdout
    total = sqlite3.connect(home / "history.sqlite3").execute("SELECT count(*) FROM checks").fetchone()[0]
    assert total == 2


def test_a_damaged_check_is_left_out_of_the_list_and_the_others_are_shown(run_cli: Cli, home: Path) -> None:
    check(run_cli, FIRST)
    check(run_cli, SECOND, date="2026-11-25T09:00:00+00:00")
    connection = sqlite3.connect(home / "history.sqlite3")
    connection.execute("UPDATE checks SET areas = '[1, 2]' WHERE id = 1")
    connection.commit()
    connection.close()
    result = run_cli("history")
    assert result.exit_code == 0
    assert "#2  2026-11-25 09:00  High" in result.stdout
    assert "#1 " not in result.stdout
    assert "Note: saved check 1 is damaged and was left out. The others are shown." in result.stderr
    shown = run_cli("history", "show", "1")
    assert shown.exit_code == 2
    assert "saved check number 1 is damaged, so it cannot be shown. The other checks are fine." in shown.stderr
    assert "history forget" not in shown.stderr


def test_a_history_file_readable_by_others_is_made_owner_only_before_saving(run_cli: Cli, home: Path) -> None:
    check(run_cli, FIRST)
    (home / "history.sqlite3").chmod(0o644)
    check(run_cli, SECOND)
    assert stat.S_IMODE((home / "history.sqlite3").stat().st_mode) == 0o600


def test_a_check_saved_for_a_country_without_numbers_can_be_shown_again(
    run_cli: Cli, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "th_TH.UTF-8")
    first = run_cli("--answers", "-", "--save", "--lang", "en", input=FIRST)
    assert "Get help now in your country" not in first.stdout  # no urgent sign: no lead block
    shown = run_cli("--lang", "en", "history", "show", "1")
    assert shown.exit_code == 0, shown.stderr
    assert "Help in your country" in shown.stdout


def test_history_export_to_dash_prints_it(run_cli: Cli, home: Path, tmp_path: Path) -> None:
    check(run_cli, FIRST)
    result = run_cli("history", "export", "-", "--format", "csv")
    assert result.exit_code == 0
    header = result.stdout.splitlines()[0].split(",")
    assert header[:7] == ["number", "made", "questionnaire_id", "questionnaire_version", "language", "region", "level"]
    assert header[7] == "area_use_pattern"
    assert header.index("symptoms") < header.index("frequency") < header.index("pregnancy_detail")
    assert not (tmp_path / "-").exists()


def test_an_early_check_saves_only_the_areas_it_asked_and_compares_only_those(home: Path) -> None:
    from kratom_check.load.questionnaire import load
    from kratom_check.saved import save_in_history
    from kratom_check.score.reference import score

    model = load()
    early = score(model, {"symptoms": ("seizure",)})._replace(
        unanswered=("frequency",), made="2026-11-20T09:00:00+00:00"
    )
    save_in_history(model, early)
    (saved,), _total, _damaged = history.newest(None)
    assert saved.areas == {"symptoms": "urgent"}
    later = score(model, {"symptoms": ("none",), "co_use": ("alcohol",), "alcohol_frequency": ("daily",)})
    since = save_in_history(model, later._replace(made="2026-11-25T09:00:00+00:00")).since_last
    assert since is not None
    assert [change.what for change in since.went_up] == []
    assert [change.what for change in since.went_down] == ["Signs you noticed"]


def _save_one(folder: str) -> None:
    os.environ[history.ENVIRONMENT] = folder
    history.add(
        made="2026-11-25T09:00:00+00:00",
        questionnaire_id="kratom-check",
        questionnaire_version="1.1.0",
        language="en",
        region="US",
        answers={"frequency": "daily"},
        level="low",
        areas={"use_pattern": "low"},
    )


def test_first_saves_into_a_new_history_at_the_same_moment_all_land(tmp_path: Path) -> None:
    """Switching a new file to WAL is refused at once while another save opens it: the save must wait."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    for round_ in range(20):
        folder = tmp_path / f"history{round_}"
        workers = [context.Process(target=_save_one, args=(str(folder),)) for _ in range(6)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)
        assert [worker.exitcode for worker in workers] == [0] * 6, round_
        count = sqlite3.connect(folder / "history.sqlite3").execute("SELECT count(*) FROM checks").fetchone()[0]
        assert count == 6
