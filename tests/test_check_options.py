"""The self-check's options for keeping a run: --save-answers, --date, and plain text for screen readers."""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import EXAMPLE_ANSWERS

DATE = "2026-11-25T10:00:00-05:00"
MADE = "This report was made on 2026-11-25 at 10:00 (UTC-05:00)."

Cli = Callable[..., Any]


def test_a_text_report_says_when_it_was_made(run_cli: Cli, answers_file: Callable[[str], Path]) -> None:
    result = run_cli("--answers", str(answers_file(EXAMPLE_ANSWERS)), "--date", DATE)
    assert MADE in result.stdout.replace("\n", " ")


@pytest.mark.parametrize("output_format", ["markdown", "html"])
def test_markdown_and_html_reports_say_when_they_were_made(
    run_cli: Cli, answers_file: Callable[[str], Path], output_format: str
) -> None:
    result = run_cli("--answers", str(answers_file(EXAMPLE_ANSWERS)), "--date", DATE, "--format", output_format)
    assert MADE in result.stdout


def test_the_json_report_carries_the_time_it_was_made(run_cli: Cli, answers_file: Callable[[str], Path]) -> None:
    result = run_cli("--answers", str(answers_file(EXAMPLE_ANSWERS)), "--date", DATE, "--format", "json")
    assert json.loads(result.stdout)["made"] == DATE


def test_fhir_output_carries_the_time_as_authored_and_occurrence(
    run_cli: Cli, answers_file: Callable[[str], Path]
) -> None:
    result = run_cli("--answers", str(answers_file(EXAMPLE_ANSWERS)), "--date", DATE, "--format", "fhir")
    bundle = json.loads(result.stdout)
    response, risk = (entry["resource"] for entry in bundle["entry"])
    assert (bundle["timestamp"], response["authored"], risk["occurrenceDateTime"]) == (DATE, DATE, DATE)


def test_without_date_a_report_is_stamped_with_the_current_time(
    run_cli: Cli, answers_file: Callable[[str], Path]
) -> None:
    from datetime import datetime

    result = run_cli("--answers", str(answers_file(EXAMPLE_ANSWERS)), "--format", "json")
    made = datetime.fromisoformat(json.loads(result.stdout)["made"])
    assert made.tzinfo is not None
    assert abs((datetime.now(made.tzinfo) - made).total_seconds()) < 60


def test_a_date_without_an_offset_is_local_time(run_cli: Cli, answers_file: Callable[[str], Path]) -> None:
    result = run_cli("--answers", str(answers_file(EXAMPLE_ANSWERS)), "--date", "2026-11-25", "--format", "json")
    assert re.fullmatch(r"2026-11-25T00:00:00[+-]\d\d:\d\d", json.loads(result.stdout)["made"])


def test_a_date_that_is_not_a_date_is_refused_with_the_format_allowed(
    run_cli: Cli, answers_file: Callable[[str], Path]
) -> None:
    result = run_cli("--answers", str(answers_file(EXAMPLE_ANSWERS)), "--date", "yesterday")
    assert result.exit_code == 2
    assert "--date: 'yesterday' is not a date and time. Use ISO 8601, like 2026-11-25T17:10+01:00" in result.stderr
    assert result.stdout == ""


def test_plain_text_keeps_source_numbers_out_of_sentences(run_cli: Cli, answers_file: Callable[[str], Path]) -> None:
    """Numbers end an item, after its text and next step: a screen reader never meets them mid-sentence."""
    report = run_cli("--answers", str(answers_file(EXAMPLE_ANSWERS))).stdout
    body = re.sub(r",\s+", ", ", report[: report.rindex("\nSources\n")])  # a list of numbers may wrap
    numbers = list(re.finditer(r"\[\d+(, \d+)*\]", body))
    assert numbers
    for found in numbers:
        assert body[found.end() : found.end() + 1] in ("\n", ""), body[found.start() - 40 : found.end() + 20]


def test_saved_answers_are_an_answers_file_with_contract_ids(
    run_cli: Cli, answers_file: Callable[[str], Path], tmp_path: Path
) -> None:
    target = tmp_path / "saved.yaml"
    result = run_cli("--answers", str(answers_file(EXAMPLE_ANSWERS)), "--save-answers", str(target))
    assert result.exit_code == 0
    assert f"Saved your answers to {target}" in result.stderr
    assert yaml.safe_load(target.read_text(encoding="utf-8")) == yaml.safe_load(EXAMPLE_ANSWERS)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_saved_answers_score_to_the_same_report(
    run_cli: Cli, answers_file: Callable[[str], Path], tmp_path: Path
) -> None:
    target = tmp_path / "saved.yaml"
    first = run_cli("--answers", str(answers_file(EXAMPLE_ANSWERS)), "--save-answers", str(target), "--date", DATE)
    second = run_cli("--answers", str(target), "--date", DATE)
    assert first.stdout == second.stdout


def test_saving_answers_never_replaces_a_file_without_force(
    run_cli: Cli, answers_file: Callable[[str], Path], tmp_path: Path
) -> None:
    target = tmp_path / "saved.yaml"
    target.write_text("mine\n", encoding="utf-8")
    result = run_cli("--answers", str(answers_file(EXAMPLE_ANSWERS)), "--save-answers", str(target))
    assert result.exit_code == 2
    assert "saved.yaml: this file already exists. Use --force to replace it" in result.stderr
    assert target.read_text(encoding="utf-8") == "mine\n"
    assert result.stdout == ""


def test_force_lets_saved_answers_replace_a_file(
    run_cli: Cli, answers_file: Callable[[str], Path], tmp_path: Path
) -> None:
    target = tmp_path / "saved.yaml"
    target.write_text("mine\n", encoding="utf-8")
    result = run_cli("--answers", str(answers_file(EXAMPLE_ANSWERS)), "--save-answers", str(target), "--force")
    assert result.exit_code == 0
    assert "frequency: several_daily" in target.read_text(encoding="utf-8")


def test_a_partial_file_from_a_pipe_is_still_refused_with_every_problem(run_cli: Cli) -> None:
    result = run_cli("--answers", "-", input="symptoms: [none]\nfrequency: daily\n")
    assert result.exit_code == 2
    assert "'duration' needs an answer" in result.stderr
    assert "'liver_conditions' needs an answer" in result.stderr


@pytest.mark.parametrize("date", ["0001-01-01", "9999-12-31T23:59", "1899-12-31"])
def test_a_date_outside_1900_to_2100_is_refused(run_cli: Cli, answers_file: Callable[[str], Path], date: str) -> None:
    result = run_cli("--answers", str(answers_file(EXAMPLE_ANSWERS)), "--date", date)
    assert result.exit_code == 2
    assert "between the years 1900 and 2100" in result.stderr


def test_save_answers_and_output_may_not_be_the_same_file(run_cli: Cli, answers_file: Callable[[str], Path],
                                                          tmp_path: Path) -> None:  # fmt: skip
    target = tmp_path / "same.txt"
    result = run_cli("--answers", str(answers_file(EXAMPLE_ANSWERS)), "--save-answers", str(target), "--output",
                     str(target))  # fmt: skip
    assert result.exit_code == 2
    assert "--save-answers and --output name the same file" in result.stderr
    assert not target.exists()


def test_a_report_asked_for_early_says_so_and_marks_the_areas_not_asked() -> None:
    from kratom_check.load.questionnaire import load
    from kratom_check.render import data, markdown
    from kratom_check.render import text as report
    from kratom_check.score.reference import score

    model = load()
    early = score(model, {"symptoms": ("seizure",)})._replace(unanswered=("frequency", "duration"))
    text = " ".join(report.plain_text(early, model).split())
    assert "You asked for this report before the end, so some questions have no answer." in text
    assert "- Not asked: How often, how much, how long" in text
    assert "Signs you noticed: Urgent" in text
    assert json.loads(data.json_text(early, model))["unanswered"] == ["frequency", "duration"]
    assert "Not asked: How often, how much, how long, Kind of product" in markdown.markdown(early, model)


def test_a_report_asked_for_early_is_an_in_progress_fhir_response() -> None:
    from kratom_check.load.questionnaire import load
    from kratom_check.render import fhir
    from kratom_check.score.reference import score

    model = load()
    early = score(model, {"symptoms": ("seizure",)})._replace(unanswered=("frequency",))
    assert fhir.bundle(early, model)["entry"][0]["resource"]["status"] == "in-progress"
    assert fhir.bundle(score(model, {"symptoms": ("none",)}), model)["entry"][0]["resource"]["status"] == "completed"


def test_the_text_report_lists_no_source_only_the_clinician_page_cites(
    run_cli: Cli, answers_file: Callable[[str], Path]
) -> None:
    text = run_cli("--answers", str(answers_file(EXAMPLE_ANSWERS))).stdout
    sources = text.split("\nSources\n")[1]
    body = text.split("\nSources\n")[0]
    cited = {int(n) for n in re.findall(r"\b(\d+)\b", " ".join(re.findall(r"\[([\d, ]+)\]", body)))}
    listed = len(re.findall(r"^ ?\d+\. ", sources, re.MULTILINE))
    assert cited == set(range(1, listed + 1))


@pytest.mark.parametrize("width", range(20, 81))
def test_a_phone_number_is_never_split_across_lines_at_any_width(width: int) -> None:
    from kratom_check.render.text import wrap_lines

    line = "Poisons Information Centre: Call 13 11 26. Emergency: Call 1-800-222-1222 · NHS 111: Call 111"
    wrapped = "\n".join(wrap_lines(line, width))
    for number in ("13 11 26", "1-800-222-1222"):
        assert number in wrapped
    assert "\u00a0" not in wrapped


def test_the_styled_report_keeps_a_phone_number_on_one_line() -> None:
    import io

    from rich.console import Console

    from kratom_check.load.questionnaire import load
    from kratom_check.render import text as report
    from kratom_check.score.reference import score

    model = load(None, None, "AU")
    screen = io.StringIO()
    Console(file=screen, width=40, color_system=None).print(
        report.text(score(model, {"symptoms": ("seizure",)}), model)
    )
    assert "13\u00a011\u00a026" in screen.getvalue()


def test_save_answers_to_dash_is_refused(run_cli: Cli, answers_file: Callable[[str], Path]) -> None:
    result = run_cli("--answers", str(answers_file(EXAMPLE_ANSWERS)), "--save-answers", "-")
    assert result.exit_code == 2
    assert "--save-answers needs a file name" in result.stderr


def test_an_early_report_is_a_preliminary_fhir_risk_assessment() -> None:
    from kratom_check.load.questionnaire import load
    from kratom_check.render import fhir
    from kratom_check.score.reference import score

    model = load()
    early = score(model, {"symptoms": ("seizure",)})._replace(unanswered=("frequency",))
    assert fhir.bundle(early, model)["entry"][1]["resource"]["status"] == "preliminary"
