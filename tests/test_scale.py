"""Scoring at scale: the DuckDB engine, the exported SQL and score_row agree with the Python engine."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kratom_check.ask.answers import check, choice_lookup
from kratom_check.batch import duckdb_engine as batch_duckdb
from kratom_check.batch import duckdb_query, duckdb_settings
from kratom_check.batch import python_engine as batch
from kratom_check.batch.results import Summary
from kratom_check.load import questionnaire
from kratom_check.score.reference import score
from kratom_check.score.sql import PROBLEM_KINDS, export_query

from .conftest import PERSONAS, load_persona
from .test_batch import GOOD, ODD_IDS, csv_of_ids

duckdb = pytest.importorskip("duckdb")
pytest.importorskip("pyarrow")
pytest.importorskip("sqlglot")

Run = Callable[..., Any]
QUESTIONNAIRE = questionnaire.load()
QUESTIONS = QUESTIONNAIRE.questions


# --- Helpers: both engines over the same file ----------------------------------------------------------


def python_engine(text: str, input_format: str, output_format: str) -> tuple[str, Summary]:
    out = io.StringIO()
    summary = batch.run(QUESTIONNAIRE, io.StringIO(text), out, input_format=input_format, output_format=output_format)
    # As standard output writes it: a lone UTF-16 half (from JSON's "\ud800") becomes "?".
    return out.getvalue().encode("utf-8", "replace").decode("utf-8"), summary


def duckdb_engine(text: str, input_format: str, output_format: str, threads: int | None = 1) -> tuple[str, Summary]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"rows.{input_format}"
        path.write_text(text, encoding="utf-8", newline="")
        out = io.BytesIO()
        summary = batch_duckdb.run(
            QUESTIONNAIRE,
            str(path),
            out,
            input_format=input_format,
            output_format=output_format,
            threads=threads,
            memory_limit="256MB",
        )
    return out.getvalue().decode("utf-8"), summary


def assert_engines_agree(text: str, input_format: str) -> None:
    for output_format in ("jsonl", "csv"):
        expected, expected_summary = python_engine(text, input_format, output_format)
        got, got_summary = duckdb_engine(text, input_format, output_format)
        assert got == expected
        assert (got_summary.levels, got_summary.errors) == (expected_summary.levels, expected_summary.errors)


def as_jsonl(rows: list[Any]) -> str:
    return "".join((row if isinstance(row, str) else json.dumps(row)) + "\n" for row in rows)


def as_csv(rows: list[dict[str, Any]], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # so a value holding a carriage return is quoted
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return out.getvalue().encode("utf-8", "replace").decode("utf-8")  # a file holds no lone UTF-16 half


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):  # YAML's unquoted yes / no
        return "yes" if value else "no"
    if isinstance(value, list):
        return ";".join(str(item) for item in value)
    return str(value)


# --- Hypothesis: rows over the whole contract, valid and not ---------------------------------------------


def _label_spellings(question: Any) -> list[str]:
    labels = list(choice_lookup(question).labels)
    return labels + [label.upper() for label in labels] + [f"  {label} " for label in labels]


def answer_values(question: Any) -> st.SearchStrategy[Any]:
    ids = list(question.choice_ids)
    texts = st.sampled_from(ids) | st.sampled_from(_label_spellings(question) or ids)
    junk = st.sampled_from(
        ["", " ", "nope", "daily;weekly", ";", "a,b", '"q"', "=1+2", "none;leaf", "ß", "\t"]
    ) | st.text(max_size=6)
    odd = st.sampled_from([0, 1, 2.5, True, False, {"a": 1}, [], [[ids[0]]], [1]])
    values: st.SearchStrategy[Any] = st.one_of(texts, texts.map(lambda value: f" {value}"), junk, odd)
    if question.kind == "multiple":
        values = values | st.lists(st.one_of(st.sampled_from(ids), texts, junk), min_size=1, max_size=4)
    return values


@st.composite
def rows(draw: st.DrawFn) -> dict[str, Any]:
    row: dict[str, Any] = {}
    if draw(st.booleans()):
        special = st.sampled_from(["=x", " y ", "a,b", "a;b", "ab;", "\ud800", 'q"q', "x\ny"])
        row["id"] = draw(st.one_of(st.text(max_size=5), st.integers(-5, 5), special))
    for question in QUESTIONS:
        if draw(st.integers(0, 9)) < 7:  # most rows answer most questions
            row[question.id] = draw(answer_values(question))
    if draw(st.integers(0, 19)) == 0:
        row[draw(st.sampled_from(["extra", "Frequency", "id2"]))] = "x"
    return row


@st.composite
def valid_row(draw: st.DrawFn) -> dict[str, Any]:
    """A valid row in choice ids only: the common row of a survey export."""
    from .strategies import answer_sets

    chosen = draw(answer_sets(QUESTIONNAIRE))
    return {
        key: list(value) if QUESTIONNAIRE.questions_by_id[key].kind == "multiple" else value[0]
        for key, value in chosen.items()
    }


RAW_LINES = st.sampled_from(["", "   ", "[1, 2]", '"text"', "{", '{"frequency": NaN}', '{"a": 1,}', "null", "{} x"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(st.one_of(rows(), valid_row(), valid_row(), RAW_LINES), min_size=1, max_size=12))
def test_duckdb_engine_equals_python_engine_on_any_json_lines(lines: list[Any]) -> None:
    assert_engines_agree(as_jsonl(lines), "jsonl")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(st.one_of(rows(), valid_row(), valid_row()), min_size=1, max_size=12))
def test_duckdb_engine_equals_python_engine_on_any_csv(data: list[dict[str, Any]]) -> None:
    columns = list(dict.fromkeys(["id", *(q.id for q in QUESTIONS), *(key for row in data for key in row)]))
    assert_engines_agree(as_csv(data, columns), "csv")


def test_personas_score_the_same_on_both_engines() -> None:
    personas = [{"id": path.stem, **load_persona(path)["answers"]} for path in PERSONAS]
    assert_engines_agree(as_jsonl(personas), "jsonl")
    columns = ["id", *(q.id for q in QUESTIONS)]
    assert_engines_agree(as_csv(personas, columns), "csv")


def test_ids_the_python_engine_splits_or_replaces_come_out_the_same() -> None:
    data = [{"id": row_id, **GOOD} for row_id in ["a;b", "ab;", "\ud800", " spaced ", "=sum", 'say "hi"', 7, True]]
    assert_engines_agree(as_jsonl(data), "jsonl")
    assert_engines_agree(as_csv(data[:6], ["id", *GOOD]), "csv")


@pytest.mark.parametrize("output_format", ["jsonl", "csv", "parquet"])
@pytest.mark.parametrize("input_format", ["csv", "parquet"])
def test_the_duckdb_engine_copies_every_id_byte_for_byte(tmp_path: Path, input_format: str, output_format: str) -> None:
    path = tmp_path / f"rows.{input_format}"
    (tmp_path / "rows.csv").write_text(csv_of_ids(ODD_IDS), encoding="utf-8", newline="")
    if input_format == "parquet":
        source = tmp_path / "rows.csv"
        duckdb.connect().execute(f"COPY (SELECT * FROM read_csv('{source}', all_varchar = true)) TO '{path}'")
    out = io.BytesIO()
    options: dict[str, Any] = {"threads": 1, "memory_limit": "256MB"}
    batch_duckdb.run(QUESTIONNAIRE, str(path), out, input_format=input_format, output_format=output_format, **options)
    if output_format == "parquet":
        ids = pytest.importorskip("pyarrow.parquet").read_table(io.BytesIO(out.getvalue())).column("id").to_pylist()
    elif output_format == "csv":
        ids = [row["id"] for row in csv.DictReader(io.StringIO(out.getvalue().decode("utf-8"), newline=""))]
    else:
        ids = [json.loads(line)["id"] for line in out.getvalue().decode("utf-8").splitlines()]
    assert ids == ODD_IDS


GOOD_CELLS = ",".join(";".join(value) if isinstance(value, list) else value for value in GOOD.values())
HEADER = "id," + ",".join(GOOD) + "\n"
ROWS_DUCKDB_CANNOT_READ = {
    "more cells than the header": f"b,{GOOD_CELLS},extra\n",
    "fewer cells than the header": "b,daily\n",
    "a stray quote": f'b,"dai"ly,{GOOD_CELLS.split(",", 1)[1]}\n',
    "bytes that are not UTF-8": f"b\udcff,{GOOD_CELLS}\n",
    "a line over DuckDB's longest": "b," + "x" * 1_100_000 + "\n",
}


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("bad", list(ROWS_DUCKDB_CANNOT_READ), ids=list(ROWS_DUCKDB_CANNOT_READ))
def test_a_csv_row_duckdb_cannot_read_gets_the_python_engine_s_row_in_its_place(bad: str, threads: int) -> None:
    """DuckDB stops at such a row; the Python engine scores the rest, so nothing is lost or out of order."""
    good = [f"r{number},{GOOD_CELLS}\n" for number in range(40_000)]
    text = HEADER + "".join(good[:30_000]) + ROWS_DUCKDB_CANNOT_READ[bad] + "".join(good[30_000:])
    data = text.encode("utf-8", "surrogateescape")
    for output_format in ("jsonl", "csv"):
        expected, expected_summary = python_engine(data.decode("utf-8", "replace"), "csv", output_format)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "rows.csv"
            path.write_bytes(data)
            out = io.BytesIO()
            options: dict[str, Any] = {"threads": threads, "memory_limit": "256MB"}
            summary = batch_duckdb.run(
                QUESTIONNAIRE, str(path), out, input_format="csv", output_format=output_format, **options
            )
        assert out.getvalue().decode("utf-8") == expected
        assert (summary.levels, summary.errors) == (expected_summary.levels, expected_summary.errors)


def test_a_csv_row_duckdb_cannot_read_is_in_its_place_in_parquet_output_too(tmp_path: Path) -> None:
    pyarrow_parquet = pytest.importorskip("pyarrow.parquet")
    rows = [f"r{number},{GOOD_CELLS}\n" for number in range(20_000)]
    text = HEADER + "".join(rows[:100]) + ROWS_DUCKDB_CANNOT_READ["more cells than the header"] + "".join(rows[100:])
    path = tmp_path / "rows.csv"
    path.write_text(text, encoding="utf-8")
    out = io.BytesIO()
    summary = batch_duckdb.run(
        QUESTIONNAIRE, str(path), out, input_format="csv", output_format="parquet", threads=2, memory_limit="256MB"
    )
    expected, expected_summary = python_engine(text, "csv", "csv")
    table = pyarrow_parquet.read_table(io.BytesIO(out.getvalue()))
    got = [{key: "" if value is None else str(value) for key, value in row.items()} for row in table.to_pylist()]
    assert got == list(csv.DictReader(io.StringIO(expected)))
    assert (summary.levels, summary.errors, summary.written) == (
        expected_summary.levels,
        expected_summary.errors,
        20_001,
    )


def test_a_csv_row_with_extra_cells_is_one_error_row_from_either_engine(run_cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text(HEADER + f"a,{GOOD_CELLS}\nb,{GOOD_CELLS},extra\nc,{GOOD_CELLS}\n", encoding="utf-8")
    python = run_cli("batch", str(path))
    engine = run_cli("batch", str(path), "--engine", "duckdb")
    assert engine.exit_code == python.exit_code == 2
    assert engine.stdout == python.stdout
    assert json.loads(engine.stdout.splitlines()[1])["error"] == "row 3: the row has more cells than the header"
    assert engine.stderr.endswith(python.stderr)
    assert "The Python engine scores the rest, from row 2." in engine.stderr


def cells_over_the_python_readers_limit(*, lines: int) -> str:
    """Rows with a cell over the CSV field limit (one of `lines` lines), and one at the limit, among good rows."""
    limit = csv.field_size_limit()
    long = "\n".join(["w" * (limit + 1), *(["v"] * (lines - 1))])
    rest = GOOD_CELLS.split(",", 1)[1]
    rows = [f'"{long}",{GOOD_CELLS}', f"y,{'z' * limit},{rest}", f'b,"{long}",{rest}']
    return HEADER + "".join(f"r{number},{GOOD_CELLS}\n{row}\n" for number, row in enumerate(rows))


@pytest.mark.parametrize("lines", [1, 3], ids=["on one line", "on a row of several lines"])
@pytest.mark.parametrize("threads", [1, 2])
def test_a_csv_cell_too_large_for_the_python_reader_gives_the_same_rows_from_either_engine(
    threads: int, lines: int
) -> None:
    """The Python reader makes it an error row, and on a row of several lines goes on from the next line."""
    text = cells_over_the_python_readers_limit(lines=lines)
    for output_format in ("jsonl", "csv"):
        expected, expected_summary = python_engine(text, "csv", output_format)
        got, got_summary = duckdb_engine(text, "csv", output_format, threads=threads)
        assert got == expected
        assert (got_summary.levels, got_summary.errors) == (expected_summary.levels, expected_summary.errors)
    limit = csv.field_size_limit()
    assert f"row 3: this row cannot be read (field larger than field limit ({limit}))" in expected


def test_ctrl_c_on_the_duckdb_engine_says_how_many_rows_the_output_holds(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kratom_check.batch.arrow_write import TextWriter

    real = TextWriter.write
    calls = [0]

    def write(self: TextWriter, rows: Any, numbered: bool) -> None:
        calls[0] += 1
        if calls[0] == 2:
            raise KeyboardInterrupt
        real(self, rows, numbered)

    monkeypatch.setattr(TextWriter, "write", write)
    path = tmp_path / "rows.csv"
    path.write_text(HEADER + "".join(f"r{number},{GOOD_CELLS}\n" for number in range(40_000)), encoding="utf-8")
    result = run_cli("batch", str(path), "--engine", "duckdb", "--threads", "1", "--format", "csv")
    assert result.exit_code == 130
    written = len(result.stdout.splitlines()) - 1  # the header
    assert 0 < written < 40_000
    assert result.stderr == (
        f"\nStopped after {written} rows. The results written are incomplete: the rest of the input was not scored.\n"
    )


@pytest.mark.parametrize(("input_format", "output_format"), [("csv", "csv"), ("csv", "parquet"), ("jsonl", "jsonl")])
def test_a_real_ctrl_c_on_the_duckdb_engine_counts_exactly_the_rows_in_the_output(
    tmp_path: Path, input_format: str, output_format: str
) -> None:
    import signal
    import subprocess
    import time

    source = tmp_path / f"rows.{input_format}"
    if input_format == "csv":
        source.write_text(HEADER + "".join(f"r{n},{GOOD_CELLS}\n" for n in range(1_000_000)), encoding="utf-8")
    else:
        source.write_text(as_jsonl([{"id": f"r{n}", **GOOD} for n in range(600_000)]), encoding="utf-8")
    output = tmp_path / f"out.{output_format}"
    command = [sys.executable, "-m", "kratom_check", "batch", str(source), "--engine", "duckdb"]
    with output.open("wb") as out:
        process = subprocess.Popen([*command, "--format", output_format], stdout=out, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while output.stat().st_size < 2_000_000 and time.monotonic() < deadline:
            time.sleep(0.01)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    if output_format == "parquet":
        written = pytest.importorskip("pyarrow.parquet").read_table(output).num_rows
    else:
        written = output.read_bytes().count(b"\n") - (output_format == "csv")  # the header
    assert 0 < written < 600_000
    assert stderr.decode() == (
        f"\nStopped after {written} rows. The results written are incomplete: the rest of the input was not scored.\n"
    )


def test_several_threads_keep_the_rows_in_order() -> None:
    data = [
        {"id": f"r{number}", **GOOD, "symptoms": ["dark_urine"] if number % 3 else ["none"]} for number in range(3000)
    ]
    text = as_csv(data, ["id", *(q.id for q in QUESTIONS)])
    expected, _ = python_engine(text, "csv", "csv")
    got, _ = duckdb_engine(text, "csv", "csv", threads=4)
    assert got == expected


# --- The engine from the command line -------------------------------------------------------------------


def test_the_duckdb_engine_gives_the_same_summary_and_exit_code(run_cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text(as_jsonl([GOOD, {**GOOD, "frequency": "dialy"}]), encoding="utf-8")
    python = run_cli("batch", str(path))
    engine = run_cli("batch", str(path), "--engine", "duckdb", "--threads", "2")
    assert engine.exit_code == python.exit_code == 2
    assert engine.stdout == python.stdout
    assert engine.stderr == python.stderr
    assert "1 row had errors" in engine.stderr


def test_parquet_in_and_out_gives_the_csv_results(run_cli: Run, tmp_path: Path) -> None:
    pyarrow_parquet = pytest.importorskip("pyarrow.parquet")
    source = tmp_path / "rows.csv"
    source.write_text(as_csv([{"id": "a", **GOOD}, {"id": "b", **GOOD, "amount": "lots"}], ["id", *GOOD]))
    parquet_in = tmp_path / "rows.parquet"
    duckdb.connect().execute(f"COPY (SELECT * FROM read_csv('{source}', all_varchar = true)) TO '{parquet_in}'")
    csv_result = run_cli("batch", str(source), "--format", "csv")
    parquet_result = run_cli("batch", str(parquet_in), "--engine", "duckdb", "--format", "parquet")
    assert parquet_result.exit_code == csv_result.exit_code == 2
    table = pyarrow_parquet.read_table(io.BytesIO(parquet_result.stdout_bytes))
    expected = list(csv.DictReader(io.StringIO(csv_result.stdout)))
    got = [{key: ("" if value is None else str(value)) for key, value in row.items()} for row in table.to_pylist()]
    # The CSV rows number a header as row 1; Parquet has none, so its rows count from 1.
    assert [row["row"] for row in got] == ["1", "2"]
    assert [{**row, "row": ""} for row in got] == [
        {**row, "row": "", "error": row["error"].replace("row 3:", "row 2:")} for row in expected
    ]


def test_parquet_lists_of_choices_are_read_as_choices(tmp_path: Path) -> None:
    path = tmp_path / "lists.parquet"
    duckdb.connect().execute(
        "COPY (SELECT 'x' AS id, ['none'] AS symptoms, 'daily' AS frequency, 'over_1_year' AS duration, "
        "'small' AS amount, ['leaf', 'extract'] AS product_forms, ['none'] AS co_use, ['none'] AS liver_conditions) "
        f"TO '{path}'"
    )
    out = io.BytesIO()
    summary = batch_duckdb.run(
        QUESTIONNAIRE, str(path), out, input_format="parquet", output_format="jsonl", threads=1, memory_limit="256MB"
    )
    row = json.loads(out.getvalue())
    from kratom_check.score.fast import RowScorer

    scored = RowScorer(QUESTIONNAIRE).score({**GOOD, "product_forms": ["leaf", "extract"]}, 1)
    assert (row["level"], tuple(row["factors"].values())) == (scored.level, scored.factor_levels)
    assert summary.errors == 0


def test_parquet_rows_score_the_same_whichever_engine_part_scores_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "mixed.parquet"
    duckdb.connect().execute(
        "COPY (SELECT * FROM (VALUES "
        "(1, ['none'], 'daily', 'over_1_year', 'small', ['leaf'], ['none'], ['none'], true, NULL), "
        "(2, ['none'], 'daily', 'over_1_year', 'small', ['I AM NOT SURE'], ['none'], ['none'], false, NULL), "
        "(3, ['none'], 'daily', 'over_1_year', 'small', ['leaf', 'extract'], ['none'], ['none'], NULL, NULL), "
        "(4, ['none'], ' daily', 'over_1_year', 'small', ['leaf', 'leaf'], ['none', 'alcohol'], ['none'], NULL, 5)) "
        "AS t(id, symptoms, frequency, duration, amount, product_forms, co_use, liver_conditions, "
        "daily_medicines, extra)) "
        f"TO '{path}'"
    )

    def scored(**forced: str) -> list[dict[str, Any]]:
        for name, value in forced.items():
            monkeypatch.setattr(duckdb_query, name, value)
        out = io.BytesIO()
        options: dict[str, Any] = {"threads": 1, "memory_limit": "256MB"}
        batch_duckdb.run(QUESTIONNAIRE, str(path), out, input_format="parquet", output_format="jsonl", **options)
        return [json.loads(line) for line in out.getvalue().splitlines()]

    by_duckdb = scored()
    by_python = scored(SURE="kc:odd")  # no row is trusted: the Python scorer redoes every one
    assert by_duckdb == by_python
    assert [row["id"] for row in by_duckdb] == ["1", "2", "3", "4"]  # an id that is not text, as text
    assert ["error" in row for row in by_duckdb] == [False, False, False, True]
    assert "'extra'" in by_duckdb[3]["error"]  # an unknown column with a value, as in a CSV


def test_a_parquet_file_with_two_id_columns_is_a_clear_error(run_cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "ids.parquet"
    duckdb.connect().execute(f"COPY (SELECT 'a' AS id, 'b' AS \"ID \") TO '{path}'")
    result = run_cli("batch", str(path), "--engine", "duckdb")
    assert result.exit_code == 2
    assert "more than one id column" in result.stderr


def test_parquet_output_is_never_replaced_by_another_format(run_cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("id,ID\na,b\n", encoding="utf-8")
    result = run_cli("batch", str(path), "--engine", "duckdb", "--format", "parquet")
    assert result.exit_code == 2
    assert result.stdout_bytes == b""


def test_the_python_engine_says_parquet_needs_the_duckdb_engine(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("batch", str(tmp_path / "rows.parquet"))
    assert result.exit_code == 2
    assert "--engine duckdb" in result.stderr


def test_the_parquet_hint_does_not_ask_to_install_what_is_installed(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("batch", str(tmp_path / "rows.parquet"))
    assert result.stderr == "Error: Parquet needs the DuckDB engine: add --engine duckdb.\n"


def test_the_parquet_hint_says_how_to_install_the_duckdb_engine_when_it_is_not(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    result = run_cli("batch", str(tmp_path / "rows.csv"), "--format", "parquet")
    assert result.stderr == (
        "Error: Parquet needs the DuckDB engine: add --engine duckdb "
        "(install it with: pip install 'kratom-check[duckdb]').\n"
    )


def test_without_the_extra_the_duckdb_engine_says_how_to_install_it(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text(as_jsonl([GOOD]), encoding="utf-8")
    monkeypatch.setitem(sys.modules, "duckdb", None)
    result = run_cli("batch", str(path), "--engine", "duckdb")
    assert result.exit_code == 2
    assert "pip install 'kratom-check[duckdb]'" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_header_the_duckdb_engine_cannot_read_exactly_is_scored_by_the_python_engine(
    run_cli: Run, tmp_path: Path
) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("frequency,frequency\ndaily,daily\n", encoding="utf-8")
    python = run_cli("batch", str(path))
    engine = run_cli("batch", str(path), "--engine", "duckdb")
    assert engine.stdout == python.stdout
    assert "Scoring with the Python engine" in engine.stderr


def test_a_memory_limit_duckdb_cannot_read_is_a_clear_error(run_cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text(as_jsonl([GOOD]), encoding="utf-8")
    result = run_cli("batch", str(path), "--engine", "duckdb", "--memory-limit", "lots")
    assert result.exit_code == 2
    assert "--memory-limit" in result.stderr


def test_more_threads_than_a_few_per_core_is_a_clear_error(run_cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text(as_jsonl([GOOD]), encoding="utf-8")
    result = run_cli("batch", str(path), "--engine", "duckdb", "--threads", "100000")
    assert result.exit_code == 2
    most = 4 * len(os.sched_getaffinity(0))
    assert result.stderr.startswith(f"Error: --threads 100000 is more than this computer can use: at most {most}")
    assert result.stdout == ""


@pytest.mark.parametrize("size", ["-1GB", "-1"])  # DuckDB itself takes -1 as no limit at all
def test_a_negative_memory_limit_gets_its_own_message(run_cli: Run, tmp_path: Path, size: str) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("id,frequency\na,daily\n", encoding="utf-8")
    result = run_cli("batch", str(path), "--engine", "duckdb", "--memory-limit", size)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: --memory-limit {size} is below zero.")


def test_a_memory_limit_is_echoed_with_its_control_characters_shown(run_cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("id,frequency\na,daily\n", encoding="utf-8")
    result = run_cli("batch", str(path), "--engine", "duckdb", "--memory-limit", "1\x1b[2JKB")
    assert "\x1b" not in result.stderr


def test_a_memory_limit_too_small_to_start_gets_its_own_message_not_the_file_s(run_cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("id,frequency\na,daily\n", encoding="utf-8")
    result = run_cli("batch", str(path), "--engine", "duckdb", "--memory-limit", "1MB")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: --memory-limit 1MB is too small: the DuckDB engine needs at least 16MB")
    assert "cannot read this file" not in result.stderr


def test_running_out_of_memory_names_the_memory_limit_not_the_file(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(duckdb_settings, "LEAST_MEMORY", 1)  # let a limit through that is too small for the run
    path = tmp_path / "rows.csv"
    path.write_text(as_csv([{"id": str(number), **GOOD} for number in range(2000)], ["id", *GOOD]), encoding="utf-8")
    result = run_cli("batch", str(path), "--engine", "duckdb", "--threads", "1", "--memory-limit", "2MB")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: DuckDB needs more memory than --memory-limit 2MB allows")
    assert "cannot read this file" not in result.stderr


def test_parquet_is_not_written_to_a_terminal(run_cli: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    result = run_cli("batch", str(tmp_path / "rows.csv"), "--engine", "duckdb", "--format", "parquet")
    assert result.exit_code == 2


# --- The exported SQL ------------------------------------------------------------------------------------


def expected_result(row: dict[str, Any]) -> tuple[Any, ...]:
    assessment = score(QUESTIONNAIRE, check(QUESTIONNAIRE, row).values)
    return (
        assessment.level,
        *(factor.level for factor in assessment.factors),
        [flag.id for flag in assessment.red_flags],
        [caution.id for caution in assessment.cautions],
        None,
    )


def run_export(table_sql: str, *, lists: bool = False) -> list[tuple[Any, ...]]:
    connection = duckdb.connect()
    connection.execute(f"CREATE TABLE answers AS {table_sql}")
    return [tuple(row) for row in connection.execute(export_query(QUESTIONNAIRE, "duckdb", lists=lists)).fetchall()]


def table_of(data: list[dict[str, Any]], *, lists: bool = False) -> str:
    """A SELECT of literal rows, one text (or list) column per question."""

    def literal(question: Any, value: Any) -> str:
        if value is None:
            return "CAST(NULL AS VARCHAR[])" if lists and question.kind == "multiple" else "CAST(NULL AS VARCHAR)"
        if lists and question.kind == "multiple":
            return "CAST([" + ", ".join("'" + str(item).replace("'", "''") + "'" for item in value) + "] AS VARCHAR[])"
        return "'" + _cell(value).replace("'", "''") + "'"

    selects = [
        "SELECT " + ", ".join([f"'{index}' AS id", *(f"{literal(q, row.get(q.id))} AS {q.id}" for q in QUESTIONS)])
        for index, row in enumerate(data)
    ]
    return " UNION ALL ".join(selects) + " ORDER BY id"


def persona_answers() -> list[dict[str, Any]]:
    return [load_persona(path)["answers"] for path in PERSONAS]


def test_exported_sql_scores_every_persona_as_the_reference_does() -> None:
    data = persona_answers()
    got = run_export(table_of(data))
    assert [row[1:] for row in sorted(got, key=lambda row: int(row[0]))] == [expected_result(row) for row in data]


def test_exported_sql_lists_cautions_most_serious_first_whatever_their_order_in_the_file() -> None:
    """The questionnaire lists its cautions roughly most serious first; reversed, the column must still be."""
    backwards = QUESTIONNAIRE._replace(cautions=tuple(reversed(QUESTIONNAIRE.cautions)))
    data = persona_answers()
    connection = duckdb.connect()
    connection.execute(f"CREATE TABLE answers AS {table_of(data)}")
    got = connection.execute(export_query(backwards, "duckdb")).fetchall()
    rank = QUESTIONNAIRE.level_rank
    severity = {caution.id: rank[caution.severity] for caution in QUESTIONNAIRE.cautions}
    expected = [[c.id for c in score(backwards, check(backwards, row).values).cautions] for row in data]
    assert [row[-2] for row in sorted(got, key=lambda row: int(row[0]))] == expected
    file_order = [[c.id for c in backwards.cautions if c.id in shown] for shown in expected]
    assert any(
        listed != shown and [severity[i] for i in shown] == sorted((severity[i] for i in shown), reverse=True)
        for listed, shown in zip(file_order, expected, strict=True)
    )


def test_a_questionnaire_with_no_warning_signs_or_cautions_exports_sql_that_lists_none() -> None:
    """Both columns are typed lists even when there is nothing to put in them."""
    bare = QUESTIONNAIRE._replace(
        cautions=(), rules=tuple(rule._replace(red_flag=None) for rule in QUESTIONNAIRE.rules)
    )
    data = persona_answers()
    connection = duckdb.connect()
    connection.execute(f"CREATE TABLE answers AS {table_of(data)}")
    got = connection.execute(export_query(bare, "duckdb")).fetchall()
    assert [row[-3:-1] for row in got] == [([], [])] * len(data)


def test_exported_sql_carries_the_id_column_it_is_given() -> None:
    data = persona_answers()
    connection = duckdb.connect()
    connection.execute(f"CREATE TABLE answers AS SELECT id AS respondent, * EXCLUDE (id) FROM ({table_of(data)})")
    got = connection.execute(export_query(QUESTIONNAIRE, "duckdb", id_column="respondent")).fetchall()
    assert sorted(row[0] for row in got) == sorted(str(index) for index in range(len(data)))


def test_exported_sql_reads_list_columns_as_the_reference_does() -> None:
    data = persona_answers()
    got = run_export(table_of(data, lists=True), lists=True)
    assert [row[1:] for row in sorted(got, key=lambda row: int(row[0]))] == [expected_result(row) for row in data]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(valid_row(), min_size=1, max_size=8))
def test_exported_sql_scores_any_valid_row_as_the_reference_does(data: list[dict[str, Any]]) -> None:
    got = run_export(table_of(data))
    assert [row[1:] for row in sorted(got, key=lambda row: int(row[0]))] == [expected_result(row) for row in data]


def test_exported_sql_accepts_labels_in_any_capitals() -> None:
    question = QUESTIONNAIRE.questions_by_id["frequency"]
    label = next(choice.label for choice in question.choices if choice.id == "daily")
    got = run_export(table_of([{**GOOD, "frequency": label.upper()}]))
    assert got[0][1:] == expected_result(GOOD)


def error_of(row: dict[str, Any], *, lists: bool = False) -> str:
    got = run_export(table_of([row], lists=lists), lists=lists)[0]
    assert got[1] is None  # an invalid row has no level
    return str(got[-1])


def test_exported_sql_names_a_value_that_is_not_a_choice() -> None:
    assert error_of({**GOOD, "frequency": "dialy"}) == "'frequency': not a choice"


def test_exported_sql_names_a_needed_answer_left_out() -> None:
    assert error_of({key: value for key, value in GOOD.items() if key != "amount"}) == "'amount': needs an answer"


def test_exported_sql_names_several_answers_to_a_single_question() -> None:
    assert error_of({**GOOD, "frequency": "daily;weekly"}) == "'frequency': give one answer, not a list"


def test_exported_sql_names_a_choice_that_cannot_be_combined() -> None:
    assert error_of({**GOOD, "symptoms": ["none", "itching"]}) == "'symptoms': cannot be combined with other choices"


def test_exported_sql_names_an_empty_list() -> None:
    assert error_of({**GOOD, "co_use": []}, lists=True) == "'co_use': the list is empty"


def test_exported_sql_lists_every_problem_in_question_order() -> None:
    error = error_of({**GOOD, "symptoms": ["gone"], "frequency": None})
    assert error == "'symptoms': not a choice; 'frequency': needs an answer"
    assert all(any(kind in part for kind in PROBLEM_KINDS) for part in error.split("; "))


def test_exported_sql_ignores_an_answer_to_a_question_not_asked() -> None:
    # alcohol_frequency is asked only after alcohol in co_use, as in an answers file.
    got = run_export(table_of([{**GOOD, "alcohol_frequency": "not an answer"}]))
    assert got[0][1:] == expected_result(GOOD)


SPARK_FUNCTIONS_FROM_DUCKDB = ("LIST_", "ARRAY_LENGTH", "STR_SPLIT", "STRING_SPLIT", "REGEXP_MATCHES", "LAMBDA")


@pytest.mark.parametrize("lists", [False, True])
def test_spark_sql_parses_as_spark_and_uses_no_duckdb_function(lists: bool) -> None:
    import sqlglot
    from sqlglot import exp

    text = export_query(QUESTIONNAIRE, "spark", table="survey.responses", lists=lists)
    tree = sqlglot.parse_one(text, read="spark")
    names = {node.sql("spark").split("(")[0].upper() for node in tree.find_all(exp.Func)}
    assert not [name for name in names if name.startswith(SPARK_FUNCTIONS_FROM_DUCKDB)]
    assert not list(tree.find_all(exp.Anonymous)), "every function is one sqlglot knows in Spark"
    assert {table.sql("spark") for table in tree.find_all(exp.Table)} >= {"`survey`.`responses`"}
    output = [select.alias_or_name for select in tree.selects]
    assert output == [
        "id",
        "level",
        *(factor.id for factor in QUESTIONNAIRE.factors),
        "warning_signs",
        "cautions",
        "error",
    ]


@pytest.mark.parametrize("lists", [False, True])
def test_spark_sql_folds_each_multiple_choice_column_read_as_a_column(lists: bool) -> None:
    """Each fold runs over the question's own column, written in Spark's quoting (a double-quoted name is a
    string in Spark, so the choices would be read from the question's id instead)."""
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(export_query(QUESTIONNAIRE, "spark", lists=lists), read="spark")
    folds = list(tree.find_all(exp.Reduce))
    multiple = {question.id for question in QUESTIONNAIRE.questions if question.kind == "multiple"}
    assert folds
    for fold in folds:
        assert {column.name for column in fold.this.find_all(exp.Column)} & multiple, fold.sql("spark")[:80]


def test_spark_sql_folds_only_duckdbs_list_bit_or_and_keeps_other_functions_it_does_not_know() -> None:
    """The fold replaces list_bit_or alone: a function sqlglot does not know by name is left as written."""
    import sqlglot

    from kratom_check.score import sql

    original = sql.scoring_query

    def with_an_unknown_function(*args: Any, **kwargs: Any) -> str:
        return original(*args, **kwargs).replace(" FROM ranked", ", my_udf(1) AS extra FROM ranked")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sql, "scoring_query", with_an_unknown_function)
        text = export_query(QUESTIONNAIRE, "spark")
    from sqlglot import exp

    tree = sqlglot.parse_one(text, read="spark")
    assert [node.name.lower() for node in tree.find_all(exp.Anonymous)] == ["my_udf"]
    assert "LIST_BIT_OR" not in text.upper()


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    pyspark_sql = pytest.importorskip("pyspark.sql")
    session = (
        pyspark_sql.SparkSession.builder.master("local[1]")
        .appName("kratom-check-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .getOrCreate()
    )
    yield session
    session.stop()


@pytest.mark.spark
def test_spark_sql_scores_every_persona_as_the_reference_does_in_spark_local_mode(spark: Any) -> None:
    data = persona_answers()
    records = [
        {"id": str(index), **{q.id: _cell(row.get(q.id)) or None for q in QUESTIONS}} for index, row in enumerate(data)
    ]
    frame = spark.createDataFrame(records, schema=", ".join(f"`{key}` string" for key in records[0]))
    frame.createOrReplaceTempView("answers")
    got = spark.sql(export_query(QUESTIONNAIRE, "spark").rstrip().rstrip(";")).collect()
    results = {row["id"]: tuple(row)[1:] for row in got}
    assert [results[str(index)] for index in range(len(data))] == [expected_result(row) for row in data]


@pytest.mark.spark
def test_spark_sql_gives_the_problem_kinds_in_spark_local_mode(spark: Any) -> None:
    record = {"id": "1", **{q.id: _cell(GOOD.get(q.id)) or None for q in QUESTIONS}, "frequency": "dialy"}
    frame = spark.createDataFrame([record], schema=", ".join(f"`{key}` string" for key in record))
    frame.createOrReplaceTempView("answers")
    (row,) = spark.sql(export_query(QUESTIONNAIRE, "spark").rstrip().rstrip(";")).collect()
    assert (row["level"], row["error"]) == (None, "'frequency': not a choice")


def test_export_sql_command_prints_a_query_duckdb_runs(run_cli: Run) -> None:
    result = run_cli("export", "sql")
    assert result.exit_code == 0
    connection = duckdb.connect()
    connection.execute(f"CREATE TABLE answers AS {table_of([GOOD])}")
    (row,) = connection.execute(result.stdout).fetchall()
    assert row[1:] == expected_result(GOOD)


def test_export_sql_command_names_the_table_and_dialect(run_cli: Run) -> None:
    result = run_cli("export", "sql", "--dialect", "spark", "--table", "survey.responses", "--id-column", "")
    assert result.exit_code == 0
    assert "`survey`.`responses`" in result.stdout
    assert "AGGREGATE(" in result.stdout


def test_export_sql_without_sqlglot_says_how_to_install_it(run_cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sqlglot", None)
    result = run_cli("export", "sql")
    assert result.exit_code == 2
    assert "pip install 'kratom-check[sql]'" in result.stderr


# --- score_row ---------------------------------------------------------------------------------------------


def test_score_row_gives_the_reference_result_for_a_valid_row() -> None:
    from kratom_check import score_row

    for answers in persona_answers():
        result = score_row({"id": 7, **answers})
        assert result["id"] == 7
        assert (
            result["level"],
            *result["factors"].values(),  # type: ignore[union-attr]
            result["warning_signs"],
            result["cautions"],
            result["error"],
        ) == expected_result(answers)


def test_score_row_gives_an_error_not_an_exception_for_an_invalid_row() -> None:
    from kratom_check import score_row

    result = score_row({**GOOD, "frequency": "dialy"})
    assert result["level"] is None
    assert str(result["error"]).startswith("'frequency': 'dialy' is not a choice")


def test_score_row_finds_the_id_in_any_capitals_and_reads_nan_as_no_answer() -> None:
    from kratom_check import score_row

    result = score_row({"ID": 3, **GOOD, "reasons": float("nan")})
    assert (result["id"], result["error"]) == (3, None)


def test_score_row_keeps_lists_as_choices_when_reading_cells() -> None:
    from kratom_check import score_row

    assert score_row({**GOOD, "product_forms": ["leaf", "extract"]}, cells=True) == score_row(
        {**GOOD, "product_forms": ["leaf", "extract"]}
    )


def test_score_row_reads_csv_cells_when_asked() -> None:
    from kratom_check import score_row

    cells = {key: ";".join(value) if isinstance(value, list) else value for key, value in GOOD.items()}
    assert (
        score_row({**cells, "symptoms": " itching ; nausea_vomiting "}, cells=True)["level"]
        == score_row({**GOOD, "symptoms": ["itching", "nausea_vomiting"]})["level"]
    )


def test_score_row_works_as_a_duckdb_function() -> None:
    pytest.importorskip("numpy")  # DuckDB's Python functions need it
    from kratom_check import score_row

    connection = duckdb.connect()
    connection.create_function(
        "kratom_score", lambda text: json.dumps(score_row(json.loads(text))), ["VARCHAR"], "VARCHAR"
    )
    (value,) = connection.execute("SELECT kratom_score(?)", [json.dumps(GOOD)]).fetchone()
    assert json.loads(value)["level"] == expected_result(GOOD)[0]


# --- docs/scale.md ------------------------------------------------------------------------------------------


def doc_examples() -> list[str]:
    import re

    text = (Path(__file__).resolve().parent.parent / "docs" / "scale.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, re.S)


@pytest.mark.parametrize("example", doc_examples()[:3], ids=["export-sql-on-duckdb", "score-row", "duckdb-function"])
def test_the_python_examples_in_the_scale_guide_print_what_it_says(
    example: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("numpy")  # DuckDB's Python functions need it
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    lines = example.rstrip().splitlines()
    expected = []
    while lines and lines[-1].startswith("# "):
        expected.insert(0, lines.pop()[2:])
    exec(compile(example, "docs/scale.md", "exec"), {})  # the guide's own example
    assert capsys.readouterr().out.splitlines() == expected


def test_the_distributed_examples_name_only_score_row_and_cells() -> None:
    (example,) = doc_examples()[3:]
    assert example.count("score_row") == 4
    assert "cells=True" in example


def test_a_question_with_too_many_choices_for_sql_is_a_clear_error_and_batch_falls_back(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kratom_check.score import sql

    monkeypatch.setattr(sql, "MAX_CHOICES", 3)  # symptoms has more
    exported = run_cli("export", "sql")
    assert exported.exit_code == 2
    assert "'symptoms' has more than 3 choices" in exported.stderr
    path = tmp_path / "rows.jsonl"
    path.write_text(as_jsonl([GOOD]), encoding="utf-8")
    python = run_cli("batch", str(path))
    engine = run_cli("batch", str(path), "--engine", "duckdb")
    assert engine.stdout == python.stdout
    assert "Scoring with the Python engine" in engine.stderr
