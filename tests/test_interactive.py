"""The interactive flow as a person sees it, in a real pseudo-terminal."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator

import pexpect
import pytest

PROMPT = "> "
# One answer per question, in order, for a person with no warning sign who uses leaf daily and drinks
# sometimes; then Enter at the review of answers.
WALK = ["15", "3", "4", "2", "1", "", "1", "1", "2", "2", "2", "8", "1", "1", "", "", "", "", "", "1", "2", ""]
# (the five optional dependence questions and the last one, what the person wants, are skipped with Enter)
REVIEWED = [*WALK, ""]


@pytest.fixture
def session(tmp_path: object) -> Iterator[pexpect.spawn]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "80", "TERM": "xterm"}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "kratom_check"],
        env=env,
        encoding="utf-8",
        timeout=15,
        dimensions=(40, 80),
        cwd=str(tmp_path),
    )
    yield child
    child.close(force=True)


def answer(child: pexpect.spawn, typed: str) -> None:
    child.expect_exact(PROMPT)
    child.sendline(typed)


def finish(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus is not None
    return child.exitstatus


def test_walking_every_question_prints_the_report(session: pexpect.spawn) -> None:
    for typed in REVIEWED:
        answer(session, typed)
    session.expect_exact("Your result:")
    session.expect_exact("Sources")
    assert finish(session) == 0


def test_questions_are_numbered_and_the_total_grows_with_a_follow_up(session: pexpect.spawn) -> None:
    session.expect_exact("Question 1 of 21")
    for typed in WALK[:8]:
        answer(session, typed)
    session.expect_exact("Question 9 of 22")
    session.expect_exact("Do you drink alcohol at other times?")
    answer(session, "2")
    session.expect_exact("Question 10 of 22")
    session.expect_exact("How often do you have 4 or more drinks in one day?")


def test_question_mark_shows_why_we_ask(session: pexpect.spawn) -> None:
    answer(session, "?")
    session.expect_exact("Why we ask: Some of these can be signs of harm")
    answer(session, "15")
    session.expect_exact("Question 2 of 21")


def test_invalid_input_is_asked_again_with_a_reason(session: pexpect.spawn) -> None:
    answer(session, "15")
    answer(session, "9")
    session.expect_exact("'9' is not one of the choices. Type a number from 1 to 5.")
    answer(session, "1,2")
    session.expect_exact("Please pick just one number for this question.")
    answer(session, "2")
    session.expect_exact("Question 3 of 21")


def test_b_goes_back_one_question(session: pexpect.spawn) -> None:
    answer(session, "b")
    session.expect_exact("This is the first question.")
    answer(session, "15")
    session.expect_exact("Question 2 of 21")
    answer(session, "b")
    session.expect_exact("Question 1 of 21")
    session.expect_exact("In the past 2 weeks, have you noticed any of these?")


def test_several_choices_are_picked_with_commas(session: pexpect.spawn) -> None:
    answer(session, "1,15")
    session.expect_exact('"None of these" cannot be picked with other choices.')
    for typed in WALK[:4]:
        answer(session, typed)
    answer(session, "1,6")  # a kind seen, and "I am not sure" about another
    session.expect_exact("Question 6 of 21")


def test_enter_skips_an_optional_question(session: pexpect.spawn) -> None:
    for typed in WALK[:5]:
        answer(session, typed)
    session.expect_exact("Enter = skip")
    answer(session, "")
    session.expect_exact("Question 7 of 21")


def test_enter_does_not_skip_a_required_question(session: pexpect.spawn) -> None:
    answer(session, "")
    session.expect_exact("This question cannot be skipped: your result depends on it. Type a number.")


def test_ctrl_c_stops_calmly_with_exit_130(session: pexpect.spawn) -> None:
    answer(session, "15")
    session.expect_exact(PROMPT)
    session.sendcontrol("c")
    session.expect_exact("Stopped. Nothing was saved.")
    assert finish(session) == 130
    assert "Traceback" not in (session.before or "")


def test_end_of_input_stops_calmly_with_exit_2(session: pexpect.spawn) -> None:
    session.expect_exact(PROMPT)
    session.sendeof()
    session.expect_exact("The input ended before the check was done. Nothing was saved.")
    assert finish(session) == 2


def spawn(*, columns: int = 80, term: str = "xterm", extra_env: dict[str, str] | None = None) -> pexpect.spawn:
    env = {**os.environ, "NO_COLOR": "1", "TERM": term, **(extra_env or {})}
    env.pop("COLUMNS", None)
    if term == "dumb":
        env.pop("NO_COLOR")
    return pexpect.spawn(
        sys.executable, ["-m", "kratom_check"], env=env, encoding="utf-8", timeout=15, dimensions=(40, columns)
    )


@pytest.mark.parametrize("answered", [0, 4, 7, 14])
def test_ctrl_c_at_any_prompt_exits_130(answered: int) -> None:
    child = spawn()
    for typed in WALK[:answered]:
        answer(child, typed)
    child.expect_exact(PROMPT)
    child.sendcontrol("c")
    child.expect_exact("Stopped. Nothing was saved.")
    assert finish(child) == 130


@pytest.mark.parametrize("answered", [0, 4, 7, 14])
def test_end_of_input_at_any_prompt_exits_2(answered: int) -> None:
    child = spawn()
    for typed in WALK[:answered]:
        answer(child, typed)
    child.expect_exact(PROMPT)
    child.sendeof()
    child.expect_exact("Nothing was saved.")
    assert finish(child) == 2


def test_forty_column_terminal_wraps_everything_within_the_width() -> None:
    child = spawn(columns=40)
    for typed in REVIEWED:
        answer(child, typed)
    child.expect(pexpect.EOF)
    visible = re.sub(r"\x1b\[[0-9;]*m", "", child.before or "")
    lines = visible.replace("\r", "").splitlines()
    assert any("Your result:" in line for line in lines)
    # A source's link is the one exception: whole on a line of its own, however long.
    assert max(len(line.rstrip()) for line in lines if not line.strip().startswith("https://")) <= 40


def test_dumb_terminal_gets_no_escape_codes() -> None:
    child = spawn(term="dumb")
    child.expect_exact("Question 1 of 21")
    for typed in REVIEWED:
        answer(child, typed)
    child.expect(pexpect.EOF)
    assert "\x1b[" not in (child.before or "")


def test_a_report_file_that_appears_during_the_interview_does_not_lose_the_answers(tmp_path: object) -> None:
    """The person still sees the report, and is told the file was not written."""
    from pathlib import Path

    folder = Path(str(tmp_path))
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "80", "TERM": "xterm"}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "kratom_check", "--output", "report.txt"],
        env=env,
        encoding="utf-8",
        timeout=15,
        dimensions=(40, 80),
        cwd=str(folder),
    )
    try:
        for typed in WALK[:3]:
            answer(child, typed)
        (folder / "report.txt").write_text("someone else's file\n", encoding="utf-8")
        for typed in REVIEWED[3:]:
            answer(child, typed)
        child.expect_exact("Your result:")
        child.expect_exact("The report was not saved:")
        child.expect_exact("It is shown above instead.")
        assert finish(child) == 2
    finally:
        child.close(force=True)
    assert (folder / "report.txt").read_text(encoding="utf-8") == "someone else's file\n"


def test_output_onto_a_device_is_refused_even_with_force(tmp_path: object) -> None:
    import subprocess

    result = subprocess.run(
        [sys.executable, "-m", "kratom_check", "--output", "/dev/null", "--force", "--answers", "-"],
        input="frequency: daily\n",
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "/dev/null: this is not a regular file (a device, pipe or socket)." in result.stderr
