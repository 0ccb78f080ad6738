"""Batch scoring: one result row per input row, error rows for bad rows, same results as one run."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kratom_check.ask import answers
from kratom_check.load import questionnaire
from kratom_check.score.reference import score

from .strategies import answer_sets

Run = Callable[..., Any]
QUESTIONNAIRE = questionnaire.load()

GOOD = {
    "frequency": "daily",
    "duration": "over_1_year",
    "amount": "small",
    "product_forms": ["leaf"],
    "co_use": ["none"],
    "liver_conditions": ["none"],
    "symptoms": ["none"],
}


def jsonl(*rows: Any) -> str:
    return "".join((row if isinstance(row, str) else json.dumps(row)) + "\n" for row in rows)


def test_each_row_gets_one_result_row_with_level_and_factor_levels(run_cli: Run) -> None:
    result = run_cli("batch", "-", input=jsonl({"id": "a", **GOOD}, {"id": "b", **GOOD, "symptoms": ["dark_urine"]}))
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(row["row"], row["id"], row["level"]) for row in rows] == [(1, "a", "moderate"), (2, "b", "urgent")]
    assert rows[1]["factors"]["symptoms"] == "urgent"


def test_bad_rows_get_error_rows_and_the_rest_are_scored(run_cli: Run) -> None:
    result = run_cli("batch", "-", input=jsonl(GOOD, "not json", {**GOOD, "frequency": "hourly"}, ["a", "list"], GOOD))
    assert result.exit_code == 2
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row.get("level") for row in rows] == ["moderate", None, None, None, "moderate"]
    assert rows[1]["error"] == "row 2: not valid JSON"
    assert rows[2]["error"].startswith("row 3: 'frequency': 'hourly' is not a choice (one of: rarely,")
    assert rows[3]["error"].startswith("row 4: the answers must be a mapping")


def test_blank_lines_surrounding_blanks_and_crlf_line_ends_are_fine(run_cli: Run) -> None:
    line = json.dumps(GOOD)
    result = run_cli("batch", "-", input=f"\n  {line}\r\n   \n\t{line}  \n" + " " * 70_000 + "\n")
    assert result.exit_code == 0, result.stdout
    assert [json.loads(row)["row"] for row in result.stdout.splitlines()] == [2, 4]


def test_anything_after_the_answer_set_on_its_line_is_an_error_row(run_cli: Run) -> None:
    line = json.dumps(GOOD)
    result = run_cli("batch", "-", input=jsonl(f"{line} {line}", f"  {line} x", f"{line},"))
    assert [json.loads(row)["error"] for row in result.stdout.splitlines()] == [
        "row 1: not valid JSON",
        "row 2: not valid JSON",
        "row 3: not valid JSON",
    ]


def test_summary_counts_levels_and_errors_on_standard_error(run_cli: Run) -> None:
    result = run_cli("batch", "-", input=jsonl(GOOD, GOOD, "{"))
    assert result.stderr == (
        "Scored 2 of 3 rows: 0 low, 2 moderate, 0 high, 0 urgent. 1 row had errors (see its error row).\n"
    )


def test_all_rows_scored_exits_0_with_a_clean_summary(run_cli: Run) -> None:
    result = run_cli("batch", "-", input=jsonl(GOOD))
    assert result.exit_code == 0
    assert result.stderr.endswith("No errors.\n")


def test_csv_in_and_csv_out(run_cli: Run, tmp_path: Path) -> None:
    source = tmp_path / "answers.csv"
    source.write_text(
        "id,frequency,duration,amount,product_forms,co_use,liver_conditions,symptoms\n"
        "p1,daily,over_1_year,small,leaf,none,none,none\n"
        "p2,daily,over_1_year,small,leaf;extract,acetaminophen,none,itching\n"
        "p3,daily,over_1_year,small,leaf,none,none\n",
        encoding="utf-8",
    )
    result = run_cli("batch", str(source), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(row["row"], row["id"], row["level"]) for row in rows] == [
        ("2", "p1", "moderate"),
        ("3", "p2", "high"),
        ("4", "p3", ""),
    ]
    assert rows[1]["products"] == "moderate"
    assert rows[2]["error"].startswith("row 4: 'symptoms' needs an answer")
    assert result.exit_code == 2


def test_missing_file_is_a_clear_error(run_cli: Run) -> None:
    result = run_cli("batch", "/no/such/file.jsonl")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: /no/such/file.jsonl: cannot read this file")


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.large_base_example,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(generated=st.lists(answer_sets(QUESTIONNAIRE), min_size=50, max_size=60))
def test_batch_results_equal_single_run_results(run_cli: Run, generated: list[dict[str, tuple[str, ...]]]) -> None:
    """Six batches of 50-60 generated answer sets (over 300 rows): each row equals scoring it alone."""
    contract = [answers.as_contract(chosen, QUESTIONNAIRE) for chosen in generated]
    result = run_cli("batch", "-", input=jsonl(*contract))
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == len(generated)
    for row, chosen in zip(rows, generated, strict=True):
        single = score(QUESTIONNAIRE, chosen)
        assert row["level"] == single.level
        assert row["factors"] == {factor.id: factor.level for factor in single.factors}


def test_large_input_on_a_terminal_shows_a_progress_bar(tmp_path: Path) -> None:
    import os
    import sys

    import pexpect

    row = json.dumps(GOOD) + "\n"
    source = tmp_path / "big.jsonl"
    source.write_text(row * (2 * 1024 * 1024 // len(row)), encoding="utf-8")
    command = f"{sys.executable} -m kratom_check batch {source} > {tmp_path / 'out.jsonl'}"
    child = pexpect.spawn("bash", ["-c", command], env={**os.environ, "TERM": "xterm"}, encoding="utf-8", timeout=60)
    child.expect_exact("Scoring")
    child.expect_exact("No errors.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8").count("\n") == 2 * 1024 * 1024 // len(row)


def test_a_key_given_twice_in_a_row_is_an_error_row_naming_it(run_cli: Run) -> None:
    """The same object is refused as an answers file, so batch must not quietly keep the last value."""
    body = json.dumps(GOOD)[1:-1]
    twice = '{"symptoms": ["yellow_skin_eyes"], ' + body + "}"
    spaced = '{"symptoms" : ["yellow_skin_eyes"], ' + body.replace('"symptoms": ', '"symptoms" :  ') + "}"
    result = run_cli("batch", "-", input=jsonl(twice, spaced, GOOD))
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows[0]["error"] == "row 1: the key 'symptoms' appears twice. Keep only one."
    assert rows[1]["error"] == "row 2: the key 'symptoms' appears twice. Keep only one."
    assert rows[2]["level"] == "moderate"
    assert result.exit_code == 2


def test_a_colon_inside_a_value_is_not_mistaken_for_a_repeated_key(run_cli: Run) -> None:
    result = run_cli("batch", "-", input=jsonl({"id": "visit 10:30", **GOOD}))
    assert result.exit_code == 0, result.stdout
    assert json.loads(result.stdout)["id"] == "visit 10:30"


def test_a_csv_header_that_repeats_a_column_makes_every_row_an_error_row(run_cli: Run, tmp_path: Path) -> None:
    source = tmp_path / "answers.csv"
    source.write_text(
        "id,frequency,duration,amount,product_forms,co_use,liver_conditions,symptoms,symptoms\n"
        "p1,daily,over_1_year,small,leaf,none,none,yellow_skin_eyes,none\n",
        encoding="utf-8",
    )
    result = run_cli("batch", str(source), "--format", "csv")
    (row,) = csv.DictReader(io.StringIO(result.stdout))
    assert row["level"] == ""
    assert row["error"] == "row 2: the column 'symptoms' appears twice in the header. Keep only one."
    assert result.exit_code == 2


def test_the_csv_id_column_is_recognised_in_any_capitals(run_cli: Run, tmp_path: Path) -> None:
    source = tmp_path / "answers.csv"
    source.write_text(
        "ID,frequency,duration,amount,product_forms,co_use,liver_conditions,symptoms\n"
        "p1,daily,over_1_year,small,leaf,none,none,none\n",
        encoding="utf-8",
    )
    result = run_cli("batch", str(source), "--format", "csv")
    (row,) = csv.DictReader(io.StringIO(result.stdout))
    assert (row["id"], row["level"]) == ("p1", "moderate")
    assert result.exit_code == 0


ODD_IDS = ["clinic-a;patient 42", " spaced ", "a;", ";", "  ", "tab\tend\t", "line\nbreak"]
"""Ids a CSV cell can hold that no answer would: each must come back exactly as written."""


def csv_of_ids(ids: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", *GOOD])
    for row_id in ids:
        writer.writerow([row_id, *(";".join(value) if isinstance(value, list) else value for value in GOOD.values())])
    return out.getvalue()


@pytest.mark.parametrize("output_format", ["jsonl", "csv"])
def test_a_csv_id_comes_back_byte_for_byte_never_split_or_trimmed(
    run_cli: Run, tmp_path: Path, output_format: str
) -> None:
    source = tmp_path / "answers.csv"
    source.write_text(csv_of_ids(ODD_IDS), encoding="utf-8", newline="")
    result = run_cli("batch", str(source), "--format", output_format)
    assert result.exit_code == 0, result.stdout
    if output_format == "jsonl":
        ids = [json.loads(line)["id"] for line in result.stdout.splitlines()]
    else:
        ids = [row["id"] for row in csv.DictReader(io.StringIO(result.stdout, newline=""))]
    assert ids == ODD_IDS


def test_an_empty_csv_id_cell_is_no_id(run_cli: Run, tmp_path: Path) -> None:
    source = tmp_path / "answers.csv"
    source.write_text(csv_of_ids([""]), encoding="utf-8")
    result = run_cli("batch", str(source))
    assert json.loads(result.stdout)["id"] is None


def test_utf16_input_with_a_byte_order_mark_is_read_without_a_phantom_row(run_cli: Run, tmp_path: Path) -> None:
    """What Windows PowerShell 5 writes with `>`."""
    source = tmp_path / "answers.jsonl"
    source.write_bytes(jsonl({"id": "a", **GOOD}).encode("utf-16"))
    result = run_cli("batch", str(source))
    assert result.exit_code == 0, result.stdout
    (row,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert (row["id"], row["level"]) == ("a", "moderate")


def test_a_csv_cell_too_large_to_read_is_one_error_row_and_the_rest_are_scored(run_cli: Run, tmp_path: Path) -> None:
    source = tmp_path / "answers.csv"
    header = "id,frequency,duration,amount,product_forms,co_use,liver_conditions,symptoms\n"
    good = "p{},daily,over_1_year,small,leaf,none,none,none\n"
    source.write_text(header + good.format(1) + "x" * 200_000 + ",daily\n" + good.format(3), encoding="utf-8")
    result = run_cli("batch", str(source), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(row["row"], row["level"]) for row in rows] == [("2", "moderate"), ("3", ""), ("4", "moderate")]
    assert rows[1]["error"].startswith("row 3: this row cannot be read (field larger than field limit")
    assert "Scored 2 of 3 rows" in result.stderr


def test_csv_results_never_start_a_cell_with_a_formula(run_cli: Run) -> None:
    result = run_cli("batch", "-", "--format", "csv", input=jsonl({"id": "=HYPERLINK(1)", **GOOD}, {"id": "@x"}))
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["id"] for row in rows] == ["'=HYPERLINK(1)", "'@x"]
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())


def test_a_line_over_the_limit_is_an_error_row_and_is_never_held_whole(run_cli: Run) -> None:
    from kratom_check.batch import lines as line_reader

    huge = '{"frequency": "' + "x" * (line_reader.MAX_LINE * 3) + '"}'
    text = huge + "\n" + json.dumps(GOOD) + "\n"
    pieces = [line for lines in line_reader.line_batches(io.StringIO(text)) for line in lines]
    assert pieces[0] is None
    assert json.loads(pieces[1] or "") == GOOD
    result = run_cli("batch", "-", input=jsonl(huge, GOOD))
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows[0]["error"] == "row 1: the line is longer than 64 KiB"
    assert rows[1]["level"] == "moderate"


def test_reading_a_long_line_takes_memory_for_one_piece_only() -> None:
    import tracemalloc

    from kratom_check.batch import lines as line_reader

    class Endless(io.TextIOBase):
        """A 20 MB line, handed out as asked, never all at once."""

        def __init__(self) -> None:
            self.left = 20_000_000

        def read(self, size: int | None = -1) -> str:
            if self.left <= 0:
                return ""
            take = min(self.left, size if size and size > 0 else self.left)
            self.left -= take
            return "x" * take if self.left else "x" * (take - 1) + "\n"

    tracemalloc.start()
    assert [line for lines in line_reader.line_batches(Endless()) for line in lines] == [None]
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 2 * 1024 * 1024


@given(lines=st.lists(st.text(alphabet=st.sampled_from(["x", " ", "\r", "{"]), max_size=20), max_size=30))
def test_lines_read_in_chunks_are_the_lines_of_the_text(lines: list[str]) -> None:
    """As iterating a file gives them (a last newline ends the last line), whatever the chunk size."""
    from kratom_check.batch import lines as line_reader

    text = "\n".join(lines)
    expected = text.split("\n") if text else []
    if text.endswith("\n"):
        expected.pop()
    real = line_reader.CHUNK
    try:
        for size in (1, 3, 7, real):
            line_reader.CHUNK = size
            assert [line for lines in line_reader.line_batches(io.StringIO(text)) for line in lines] == expected, size
    finally:
        line_reader.CHUNK = real


@pytest.mark.skipif(shutil.which("strace") is None, reason="needs strace to count system calls")
def test_batch_buffers_its_own_output_even_with_pythonunbuffered(tmp_path: Path) -> None:
    """With PYTHONUNBUFFERED=1 (many containers set it) a write per row would be a system call per row."""
    rows = tmp_path / "rows.jsonl"
    rows.write_text((json.dumps(GOOD) + "\n") * 5000, encoding="utf-8")
    trace = tmp_path / "trace"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    result = subprocess.run(
        ["strace", "-f", "-e", "trace=write", "-o", str(trace), sys.executable, "-m", "kratom_check", "batch", rows],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 5000
    to_stdout = [line for line in trace.read_text().splitlines() if "write(1," in line]
    assert len(to_stdout) < 100


def interrupt_after(monkeypatch: pytest.MonkeyPatch, rows: int) -> None:
    """Ctrl-C while scoring the row after `rows` rows."""
    from kratom_check.score.fast import RowScorer

    real = RowScorer.score
    calls = [0]

    def score(self: RowScorer, data: Any, row: int) -> Any:
        calls[0] += 1
        if calls[0] > rows:
            raise KeyboardInterrupt
        return real(self, data, row)

    monkeypatch.setattr(RowScorer, "score", score)


def test_ctrl_c_during_a_batch_says_how_many_rows_were_written_and_that_the_output_is_incomplete(
    run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    interrupt_after(monkeypatch, 3)
    result = run_cli("batch", "-", input=jsonl(*[GOOD] * 10))
    assert result.exit_code == 130
    assert len(result.stdout.splitlines()) == 3
    assert result.stderr == (
        "\nStopped after 3 rows. The results written are incomplete: the rest of the input was not scored.\n"
    )


def test_ctrl_c_before_the_first_row_says_no_results_were_written(
    run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    interrupt_after(monkeypatch, 0)
    result = run_cli("batch", "-", input=jsonl(GOOD))
    assert result.exit_code == 130
    assert result.stderr == "\nStopped before any row was scored: no results were written.\n"


def test_ctrl_c_in_a_real_run_counts_exactly_the_rows_in_the_output(tmp_path: Path) -> None:
    """A real interrupt (SIGINT) part way through a file: the count it gives is the output's."""
    import signal
    import time

    source = tmp_path / "rows.jsonl"
    source.write_text((json.dumps(GOOD) + "\n") * 500_000, encoding="utf-8")
    output = tmp_path / "out.jsonl"
    with output.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "kratom_check", "batch", str(source)], stdout=out, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 60
        while output.stat().st_size < 1_000_000 and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    written = output.read_bytes().count(b"\n")
    assert 0 < written < 500_000
    assert stderr.decode() == (
        f"\nStopped after {written} rows. The results written are incomplete: the rest of the input was not scored.\n"
    )


@given(
    text=st.binary(max_size=40).map(lambda data: data.replace(b"\r", b"\n")),
    limit=st.integers(1, 8),
)
def test_a_line_longer_than_the_limit_is_found_whatever_the_reads(text: bytes, limit: int) -> None:
    """The DuckDB engine's check for a line longer than DuckDB's CSV buffer, read `limit` bytes at a time."""
    import tempfile

    from kratom_check.batch.lines import has_a_line_longer_than

    with tempfile.NamedTemporaryFile() as file:
        file.write(text)
        file.flush()
        assert has_a_line_longer_than(file.name, limit) == (max(map(len, text.split(b"\n"))) > limit)
