"""The command line: each flag, each exit code, and where output goes."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kratom_check import __version__
from kratom_check.score import reference as scoring

from .conftest import EXAMPLE_ANSWERS, REPO

Run = Callable[..., Any]
WriteAnswers = Callable[..., Path]


def test_version_prints_the_version(run_cli: Run) -> None:
    result = run_cli("--version")
    assert result.exit_code == 0
    assert result.stdout == f"kratom-check {__version__}\n"


def test_help_describes_every_option(run_cli: Run) -> None:
    result = run_cli("--help")
    assert result.exit_code == 0
    for option in ("--answers", "--format", "--output", "--force", "--questions", "--plain", "--debug", "--version"):
        assert option in result.stdout


def test_answers_file_gives_a_text_report_on_stdout(run_cli: Run, answers_file: WriteAnswers) -> None:
    result = run_cli("--answers", str(answers_file(EXAMPLE_ANSWERS)))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Your result: High:")
    assert "What we noticed" in result.stdout
    assert result.stderr == ""


def test_answers_dash_reads_standard_input(run_cli: Run) -> None:
    result = run_cli("--answers", "-", input=EXAMPLE_ANSWERS)
    assert result.exit_code == 0, result.stderr
    assert "Your result: High" in result.stdout


def test_piped_standard_input_is_read_without_the_answers_flag(run_cli: Run) -> None:
    result = run_cli("--format", "json", input=EXAMPLE_ANSWERS)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["level"] == "high"


def test_json_report_is_versioned_and_complete(run_cli: Run) -> None:
    report = json.loads(run_cli("--format", "json", input=EXAMPLE_ANSWERS).stdout)
    assert report["format"] == "kratom-check-report"
    assert report["format_version"] == 1
    assert {"level", "factors", "red_flags", "cautions", "advice", "sources", "answers", "notice"} <= set(report)
    assert report["answers"]["product_forms"] == ["leaf", "extract"]
    assert report["answers"]["frequency"] == "several_daily"
    caution = report["cautions"][0]
    assert set(caution) == {"id", "title", "text", "severity", "next_step", "sources", "topic"}
    used = {key for item in report["cautions"] for key in item["sources"]}
    assert used <= {source["key"] for source in report["sources"]}


def test_markdown_report_has_headings_and_answers(run_cli: Run) -> None:
    result = run_cli("--format", "markdown", input=EXAMPLE_ANSWERS)
    assert result.exit_code == 0
    assert result.stdout.startswith("# Kratom self-check\n")
    assert "## Sources" in result.stdout
    assert "# For your clinician" in result.stdout
    assert "| How often do you use kratom now? | 2 or 3 times a day |" in result.stdout


def test_markdown_report_without_the_clinician_page_lists_the_answers_itself(run_cli: Run) -> None:
    result = run_cli("--format", "markdown", "--no-clinician", input=EXAMPLE_ANSWERS)
    assert "## Your answers" in result.stdout
    assert "For your clinician" not in result.stdout


def test_text_report_has_no_colour_codes_when_piped(run_cli: Run) -> None:
    assert "\x1b[" not in run_cli(input=EXAMPLE_ANSWERS).stdout


def test_bad_answers_exit_2_with_every_problem_and_no_report(run_cli: Run) -> None:
    result = run_cli(input="frequency: hourly\ncolour: blue\n")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("Error: The answers have problems. No report was made.")
    assert "'frequency': 'hourly' is not a choice (one of: rarely, weekly" in result.stderr
    assert "'colour' is not a question id" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_answers_file_exits_2(run_cli: Run) -> None:
    result = run_cli("--answers", "/no/such/answers.yaml")
    assert result.exit_code == 2
    assert result.stderr == "Error: /no/such/answers.yaml: no such file. Check the path and try again.\n"


def test_empty_standard_input_exits_2(run_cli: Run) -> None:
    result = run_cli(input="")
    assert result.exit_code == 2
    assert result.stderr == "Error: standard input: the file is empty.\n"


def test_bad_questionnaire_exits_2_naming_the_line(run_cli: Run, tmp_path: Path) -> None:
    broken = tmp_path / "questions.yaml"
    broken.write_text((REPO / "questions.yaml").read_text(encoding="utf-8").replace("kind: single", "kind: one", 1))
    result = run_cli("--questions", str(broken), input=EXAMPLE_ANSWERS)
    assert result.exit_code == 2
    assert f"{broken}:" in result.stderr
    assert "questions[1].kind: Input should be 'single', 'multiple' or 'yes_no'" in result.stderr


def test_questions_option_runs_another_questionnaire(run_cli: Run, tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text(
        (REPO / "questions.yaml")
        .read_text(encoding="utf-8")
        .replace("title: Kratom self-check", "title: Clinic intake")
    )
    result = run_cli("--questions", str(other), "--format", "markdown", input=EXAMPLE_ANSWERS)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("# Clinic intake\n")


def test_unknown_format_is_a_usage_error(run_cli: Run) -> None:
    result = run_cli("--format", "pdf", input=EXAMPLE_ANSWERS)
    assert result.exit_code == 2


def test_output_writes_a_private_file_and_prints_nothing(run_cli: Run, tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    result = run_cli("--output", str(target), input=EXAMPLE_ANSWERS)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == f"Saved the report to {target}\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text(encoding="utf-8").startswith("Your result: High:")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["report.txt"]


def test_output_is_private_whatever_the_umask(run_cli: Run, tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        run_cli("--output", str(tmp_path / "r.json"), "--format", "json", input=EXAMPLE_ANSWERS)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "r.json").stat().st_mode) == 0o600


def test_output_refuses_to_overwrite_without_force(run_cli: Run, tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_text("keep me", encoding="utf-8")
    result = run_cli("--output", str(target), input=EXAMPLE_ANSWERS)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {target}: this file already exists. Use --force to replace it, or pick another name.\n"
    )
    assert target.read_text(encoding="utf-8") == "keep me"


def test_output_with_force_replaces_the_file(run_cli: Run, tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old", encoding="utf-8")
    result = run_cli("--output", str(target), "--force", "--format", "json", input=EXAMPLE_ANSWERS)
    assert result.exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["level"] == "high"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("missing/report.txt", "this folder does not exist"),
        (".", "this is a folder"),
    ],
)
def test_output_to_an_impossible_place_is_a_clear_error(run_cli: Run, tmp_path: Path, where: str, message: str) -> None:
    result = run_cli("--output", str(tmp_path / where), input=EXAMPLE_ANSWERS)
    assert result.exit_code == 2
    assert message in result.stderr


def test_internal_bug_exits_1_without_a_traceback(run_cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: Any) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(scoring, "score", broken)
    result = run_cli(input=EXAMPLE_ANSWERS)
    assert result.exit_code == 1
    assert "internal problem" in result.stderr
    assert "Traceback" not in result.stderr


def test_debug_lets_an_internal_bug_show_its_details(run_cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: Any) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(scoring, "score", broken)
    result = run_cli("--debug", input=EXAMPLE_ANSWERS)
    assert isinstance(result.exception, ZeroDivisionError)


def test_interrupt_exits_130_and_says_nothing_was_saved(run_cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*_: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(scoring, "score", interrupted)
    result = run_cli(input=EXAMPLE_ANSWERS)
    assert result.exit_code == 130
    assert result.stderr == "\nStopped. Nothing was saved.\n"


def test_answer_to_a_question_that_does_not_apply_gives_a_note(run_cli: Run) -> None:
    text = EXAMPLE_ANSWERS.replace("co_use: [alcohol]", "co_use: [none]")
    result = run_cli(input=text)
    assert result.exit_code == 0
    assert result.stderr == "Note: 'alcohol_frequency' does not apply to these answers, so its answer was ignored.\n"


def test_python_dash_m_runs_the_tool(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kratom_check", "--format", "json"],
        input=EXAMPLE_ANSWERS,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["level"] == "high"


def test_plain_text_report_for_an_urgent_level_starts_with_contacts(run_cli: Run) -> None:
    text = EXAMPLE_ANSWERS.replace("symptoms: [none]", "symptoms: [yellow_skin_eyes]")
    output = run_cli("--plain", input=text).stdout
    before_result = output.split("Your result:")[0]
    assert before_result.startswith("Get help now in the United States\n- Emergency: Call 911.")
    assert "- Poison Help: Call 1-800-222-1222." in before_result


def test_output_dash_means_standard_output_not_a_file_named_dash(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("--output", "-", "--format", "json", input=EXAMPLE_ANSWERS)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["level"] == "high"
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGHUP"])
def test_a_stop_signal_while_saving_leaves_no_temporary_file(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, signal_name: str
) -> None:
    import signal

    real_fsync = os.fsync

    def fsync_then_signal(descriptor: int) -> None:
        real_fsync(descriptor)
        os.kill(os.getpid(), getattr(signal, signal_name))

    monkeypatch.setattr(os, "fsync", fsync_then_signal)
    result = run_cli("--answers", "-", "--output", str(tmp_path / "report.txt"), input=EXAMPLE_ANSWERS)
    assert result.exit_code == 128 + getattr(signal, signal_name)
    assert list(tmp_path.iterdir()) == []
    assert signal.getsignal(getattr(signal, signal_name)) is signal.SIG_DFL


def test_an_option_of_the_check_before_a_command_name_is_an_error_saying_where_it_goes(run_cli: Run) -> None:
    result = run_cli("--questions", "broken.yaml", "template")
    assert result.exit_code == 2
    assert "--questions goes after the command name: kratom-check template --questions ..." in result.stderr


def test_validate_given_the_check_s_questions_option_is_told_it_does_not_take_it(run_cli: Run) -> None:
    """It used to say the packaged file was OK, though the person meant broken.yaml."""
    result = run_cli("--questions", "broken.yaml", "validate")
    assert result.exit_code == 2
    assert "--questions is an option of the self-check itself; 'validate' does not take it." in result.stderr


def test_an_option_the_command_does_not_take_is_an_error_not_silently_ignored(run_cli: Run) -> None:
    result = run_cli("-o", "t.yaml", "template")
    assert result.exit_code == 2
    assert "--output is an option of the self-check itself; 'template' does not take it." in result.stderr


def test_language_still_applies_before_a_command_name(run_cli: Run) -> None:
    result = run_cli("--lang", "es", "template")
    assert result.exit_code == 0
    assert "archivo de respuestas" in result.stdout


def test_debug_is_accepted_after_a_command_name() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from kratom_check.cli import main; sys.argv[0]='kratom-check'; main()",
         "validate", "--debug"],
        capture_output=True, text=True, timeout=60, check=False, cwd=REPO,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert ": OK: " in result.stdout


def test_an_answers_file_given_as_a_command_gets_a_did_you_mean(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from kratom_check.cli import main; sys.argv[0]='kratom-check'; main()",
         "answers.yaml"],
        capture_output=True, text=True, timeout=60, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2
    assert "Error: 'answers.yaml' is not a command. Did you mean: kratom-check --answers answers.yaml" in result.stderr


def test_keystrokes_piped_into_the_check_are_told_what_a_pipe_is_read_as(run_cli: Run) -> None:
    result = run_cli(input="1\n2\n")
    assert result.exit_code == 2
    assert "this is not an answers file. When standard input is not a terminal, it is read as one." in result.stderr
    assert "kratom-check template" in result.stderr


def test_several_choices_written_as_one_text_get_a_hint_to_use_a_list(run_cli: Run) -> None:
    result = run_cli(input=EXAMPLE_ANSWERS.replace("product_forms: [leaf, extract]", "product_forms: leaf, extract"))
    assert result.exit_code == 2
    assert "'product_forms': 'leaf, extract' is one text; write several choices as a list, like [leaf, extract]" in (
        result.stderr
    )
