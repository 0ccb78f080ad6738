"""A check that listens, as a person sees it in a real pseudo-terminal: warning signs first, answers
that can be taken back and reviewed, saved and resumed on request, and a result that stays in view."""

from __future__ import annotations

import os
import re
import stat
import sys
from pathlib import Path

import pexpect

from .test_interactive import PROMPT, REVIEWED, WALK, answer, finish

DATE = "2026-11-25T10:00:00-05:00"
LEFT = "\x1b[D"
UP = "\x1b[A"
BACKSPACE = "\x7f"
ESCAPE = re.compile(r"\x1b")


def spawn(
    *arguments: str,
    cwd: Path,
    columns: int = 80,
    colour: bool = False,
    shell: str | None = None,
) -> pexpect.spawn:
    env = {**os.environ, "TERM": "xterm-256color"}
    env.pop("COLUMNS", None)
    env.pop("NO_COLOR", None)
    if not colour:
        env["NO_COLOR"] = "1"
    command, args = (sys.executable, ["-m", "kratom_check", *arguments])
    if shell is not None:  # a shell line, for redirections
        command, args = "/bin/sh", ["-c", shell.replace("kratom-check", f"{sys.executable} -m kratom_check")]
    return pexpect.spawn(command, args, env=env, encoding="utf-8", timeout=20, dimensions=(40, columns), cwd=str(cwd))


def screen_lines(text: str) -> list[str]:
    return [line.rstrip() for line in re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text).replace("\r", "").splitlines()]


def test_the_first_question_is_the_warning_sign_question(tmp_path: Path) -> None:
    child = spawn(cwd=tmp_path)
    child.expect_exact("Question 1 of 21")
    child.expect_exact("In the past 2 weeks, have you noticed any of these?")
    child.close(force=True)


def test_a_same_day_sign_shows_help_at_once_and_enter_gives_the_report(tmp_path: Path) -> None:
    child = spawn("--date", DATE, cwd=tmp_path)
    answer(child, "1")
    child.expect_exact("Get help now")
    child.expect_exact("Yellow skin or eyes. This can mean liver injury.")
    child.expect_exact("Emergency: Call 911.")
    child.expect_exact("Poison Help: Call 1-800-222-1222.")
    child.expect_exact("Enter = see your full report now, c = finish the check first, b = change your")
    answer(child, "")
    child.expect_exact("Your result: Urgent")
    assert finish(child) == 0
    assert "Question 2 of" not in (child.before or "")


def test_a_sign_taken_back_at_the_warning_asks_the_question_again(tmp_path: Path) -> None:
    child = spawn(cwd=tmp_path)
    answer(child, "1")
    child.expect_exact("Get help now")
    answer(child, "b")
    child.expect_exact("Question 1 of 21")
    child.expect_exact("Your answer: 1. Yellow skin or yellow in the whites of the eyes (Enter keeps it)")
    answer(child, "15")
    child.expect_exact("Question 2 of 21")
    child.close(force=True)


def test_b_goes_back_and_enter_keeps_the_answer_shown(tmp_path: Path) -> None:
    child = spawn(cwd=tmp_path)
    answer(child, "15")
    answer(child, "3")
    answer(child, "b")
    child.expect_exact("How often do you use kratom now?")
    child.expect_exact("Your answer: 3. Once a day (Enter keeps it)")
    answer(child, "")
    child.expect_exact("Question 3 of 21")
    child.close(force=True)


def test_the_review_lists_the_answers_and_a_number_changes_one(tmp_path: Path) -> None:
    child = spawn(cwd=tmp_path)
    for typed in WALK:
        answer(child, typed)
    child.expect_exact("Your answers")
    child.expect_exact(" 2. How often: Once a day")
    child.expect_exact("Type a number to change that answer. Enter = see your result.")
    answer(child, "2")
    child.expect_exact("Your answer: 3. Once a day (Enter keeps it)")
    answer(child, "1")
    child.expect_exact(" 2. How often: Less than once a week")
    answer(child, "")
    child.expect_exact("Your result:")
    assert finish(child) == 0


def test_arrow_keys_and_backspace_edit_the_line(tmp_path: Path) -> None:
    child = spawn(cwd=tmp_path)
    child.expect_exact(PROMPT)
    child.send("5" + LEFT + "1")  # "15" typed as 5, left, 1
    child.send("9" + BACKSPACE + "\r")
    child.expect_exact("Question 2 of 21")
    child.close(force=True)


def test_the_up_arrow_brings_back_an_earlier_answer(tmp_path: Path) -> None:
    child = spawn(cwd=tmp_path)
    answer(child, "15")
    answer(child, "2")
    child.expect_exact(PROMPT)
    child.send(UP + "\r")  # the line typed before: "2"
    child.expect_exact("Question 4 of 21")
    child.close(force=True)


def test_q_stops_the_check_and_saves_nothing(tmp_path: Path) -> None:
    child = spawn("--save-answers", "answers.yaml", cwd=tmp_path)
    child.expect_exact("q = stop")
    answer(child, "15")
    answer(child, "q")
    child.expect_exact("Stopped. Nothing was saved.")
    assert finish(child) == 130
    assert list(tmp_path.iterdir()) == []


def test_saved_answers_give_the_same_report_when_run_again(tmp_path: Path) -> None:
    child = spawn("--save-answers", "answers.yaml", "--output", "first.txt", "--date", DATE, cwd=tmp_path)
    for typed in REVIEWED:
        answer(child, typed)
    child.expect_exact("Saved your answers to answers.yaml")
    assert finish(child) == 0
    saved = tmp_path / "answers.yaml"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    again = spawn(shell=f"kratom-check --answers answers.yaml --date {DATE} < /dev/null > second.txt", cwd=tmp_path)
    assert finish(again) == 0
    first = (tmp_path / "first.txt").read_text(encoding="utf-8")
    assert first == (tmp_path / "second.txt").read_text(encoding="utf-8")
    assert "Your result:" in first


def test_a_partial_answers_file_is_completed_by_asking_only_the_missing_questions(tmp_path: Path) -> None:
    (tmp_path / "partial.yaml").write_text(
        "symptoms: [none]\nfrequency: daily\nduration: over_1_year\namount: small\n"
        "product_forms: [leaf]\nco_use: [none]\n",
        encoding="utf-8",
    )
    child = spawn("--answers", "partial.yaml", cwd=tmp_path)
    child.expect_exact("partial.yaml has no answer for some questions. Please answer them now.")
    child.expect_exact("Has a clinician ever told you that you have a liver problem?")
    answer(child, "8")
    child.expect_exact("Your answers")
    answer(child, "")
    child.expect_exact("Your result:")
    assert finish(child) == 0
    asked = (child.before or "").split("Your answers")[0]
    assert "How often do you use kratom now?" not in asked


def test_the_recap_is_the_last_thing_on_the_screen(tmp_path: Path) -> None:
    child = spawn(cwd=tmp_path)
    for typed in REVIEWED:
        answer(child, typed)
    assert finish(child) == 0
    lines = [line for line in screen_lines(child.before or "") if line]
    recap = lines.index("Your result: Moderate: we found some risk factors", len(lines) - 4)
    assert " ".join(lines[recap + 1 :]) == (
        "Next step: Talk with a clinician about your kratom use at your next chance."
    )


def test_with_output_the_terminal_still_shows_the_result_and_contacts(tmp_path: Path) -> None:
    child = spawn("--output", "report.txt", cwd=tmp_path)
    answer(child, "1")
    answer(child, "")
    child.expect_exact("Saved the report to report.txt")
    child.expect_exact("Your result: Urgent")
    child.expect_exact("Next step: Get medical care today")
    child.expect_exact("Emergency: Call 911 · Poison Help: Call 1-800-222-1222")
    assert finish(child) == 0


def test_with_stdout_redirected_the_questions_and_the_result_stay_on_the_terminal(tmp_path: Path) -> None:
    child = spawn(shell="kratom-check > report.txt", cwd=tmp_path)
    answer(child, "1")
    answer(child, "")
    child.expect_exact("Your result: Urgent")
    child.expect_exact("Emergency: Call 911 · Poison Help: Call 1-800-222-1222")
    assert finish(child) == 0
    report = (tmp_path / "report.txt").read_text(encoding="utf-8")
    assert report.startswith("Get help now")
    assert "Question 1 of" not in report
    assert PROMPT not in report


def test_plain_output_has_no_escape_codes_even_in_a_colour_terminal(tmp_path: Path) -> None:
    child = spawn("--plain", cwd=tmp_path, colour=True)
    for typed in REVIEWED:
        answer(child, typed)
    assert finish(child) == 0
    transcript = child.before or ""
    assert "Your result:" in transcript
    assert not ESCAPE.search(transcript)


def test_without_plain_a_colour_terminal_gets_styles(tmp_path: Path) -> None:
    """The counterpart of the test above: it shows that test would see escape codes if there were any."""
    child = spawn(cwd=tmp_path, colour=True)
    child.expect_exact(PROMPT)
    assert ESCAPE.search(child.before or "")
    child.close(force=True)


def test_a_wrapped_choice_label_keeps_a_hanging_indent(tmp_path: Path) -> None:
    child = spawn(cwd=tmp_path, columns=40)
    child.expect_exact(PROMPT)
    lines = screen_lines(child.before or "")
    first = next(index for index, line in enumerate(lines) if line.startswith("   1. Yellow skin"))
    assert lines[first + 1].startswith("      ")  # under the label, not under the number
    assert max(len(line) for line in lines) <= 40
    child.close(force=True)


def test_a_styled_report_on_a_wide_terminal_is_capped_at_a_readable_width(tmp_path: Path) -> None:
    (tmp_path / "answers.yaml").write_text(
        "symptoms: [none]\nfrequency: daily\nduration: over_1_year\namount: small\n"
        "product_forms: [leaf]\nco_use: [none]\nliver_conditions: [none]\n",
        encoding="utf-8",
    )
    child = spawn("--answers", "answers.yaml", cwd=tmp_path, columns=160, colour=True)
    assert finish(child) == 0
    lines = screen_lines(child.before or "")
    assert any("Your result:" in line for line in lines)
    # A source's link is the one exception: whole on a line of its own, however long.
    assert max(len(line) for line in lines if not line.strip().startswith("https://")) <= 100


def _forget(tmp_path: Path, *, lang: str = "C.UTF-8") -> pexpect.spawn:
    home = tmp_path / "history"
    home.mkdir()
    (home / "history.sqlite3").write_bytes(b"")
    env = {**os.environ, "KRATOM_CHECK_HOME": str(home), "NO_COLOR": "1", "LANG": lang, "TERM": "xterm"}
    env.pop("LC_ALL", None)
    return pexpect.spawn(
        sys.executable, ["-m", "kratom_check", "history", "forget"], env=env, encoding="utf-8", timeout=20
    )


def test_history_forget_asks_first_and_yes_deletes(tmp_path: Path) -> None:
    child = _forget(tmp_path)
    child.expect_exact("This cannot be undone.")
    child.sendline("yes")
    child.expect_exact("Deleted your history at")
    assert finish(child) == 0
    assert list((tmp_path / "history").iterdir()) == []


def test_history_forget_enter_keeps_the_history(tmp_path: Path) -> None:
    child = _forget(tmp_path)
    child.expect_exact("press Enter to keep it")
    child.sendline("")
    child.expect_exact("Nothing was deleted.")
    assert finish(child) == 0
    assert (tmp_path / "history" / "history.sqlite3").exists()


def test_history_forget_ctrl_c_stops_with_130_and_deletes_nothing(tmp_path: Path) -> None:
    child = _forget(tmp_path)
    child.expect_exact("press Enter to keep it")
    child.sendcontrol("c")
    child.expect_exact("Stopped. Nothing was deleted.")
    assert finish(child) == 130
    assert (tmp_path / "history" / "history.sqlite3").exists()


def test_history_forget_takes_a_spanish_yes(tmp_path: Path) -> None:
    child = _forget(tmp_path, lang="es_MX.UTF-8")
    child.expect_exact("Escriba sí para borrarlo")
    child.sendline("sí")
    child.expect_exact("Se borró su historial")
    assert finish(child) == 0
