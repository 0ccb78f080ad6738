"""Writing for the DuckDB engine: its Arrow batches as JSON Lines, CSV or Parquet, with the rows the
Python engine redid put in their places, exactly as the Python engine writes them."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, BinaryIO, NamedTuple

from .ctrl_c import check, watching
from .duckdb_query import TAIL
from .duckdb_settings import BATCH_ROWS
from .results import ID_COLUMN, Summary
from .write import Writer, csv_writer, jsonl_writer

if TYPE_CHECKING:
    from ..model import Questionnaire
    from ..score.fast import Scored


class Rows(NamedTuple):
    """One Arrow batch of results, with the rows the Python scorer redid."""

    batch: Any
    numbers: Any
    trusted: Any
    redone: list[tuple[int, int, Any, Scored | None, str]]
    """(index in the batch, row number, id, levels or None, error) of each row redone; blank lines left out."""
    dropped: list[int]
    """Indexes of blank lines (JSON Lines), which give no row."""


def output_lines(pyarrow: Any, rows: Rows, parts: Sequence[Any], python_line: Callable[..., str]) -> Any:
    """Each row's output line: joined from the query's columns where it is trusted, else the Python writer's."""
    compute = pyarrow.compute
    lines = parts[0] if len(parts) == 1 else compute.binary_join_element_wise(*parts, "")
    if rows.redone or rows.dropped:
        untrusted = compute.invert(rows.trusted)
        texts: list[str | None] = [None] * len(rows.batch)
        for index, number, row_id, scored, error in rows.redone:
            texts[index] = python_line(number, row_id, scored, error)
        picked = [_utf8(texts[i]) for i in compute.indices_nonzero(untrusted).to_pylist()]
        replacements = pyarrow.array(picked, pyarrow.string())
        lines = compute.replace_with_mask(lines, untrusted, replacements)
        lines = lines.drop_null()
    return lines


def _utf8(value: str | None) -> str | None:
    """Text Arrow can hold: a lone UTF-16 half (JSON's "\\ud800") becomes "?", as the Python engine writes it."""
    if value is None:
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", "replace").decode("utf-8")
    return value


def _write_text(out: BinaryIO, lines: Any, summary: Summary) -> None:
    """The lines' bytes in one write: an Arrow string array holds them back to back."""
    if len(lines) == 0:
        return
    offsets = lines.buffers()[1]
    data = lines.buffers()[2]
    import struct

    width = 8 if str(lines.type) == "large_string" else 4
    code = "<q" if width == 8 else "<i"
    (start,) = struct.unpack_from(code, offsets, lines.offset * width)
    (end,) = struct.unpack_from(code, offsets, (lines.offset + len(lines)) * width)
    view = memoryview(data)[start:end]
    out.write(view)
    summary.written += len(lines)


class TextWriter:
    """JSON Lines or CSV, as the Python engine writes them."""

    def __init__(
        self, pyarrow: Any, out: BinaryIO, questionnaire: Questionnaire, output_format: str, summary: Summary
    ) -> None:
        self.pyarrow, self.out, self.format, self.summary = pyarrow, out, output_format, summary
        self.factor_ids = [factor.id for factor in questionnaire.factors]
        self.questionnaire = questionnaire
        self.buffer = io.StringIO()
        make = csv_writer if output_format == "csv" else jsonl_writer
        self.python_write = make(self.buffer, questionnaire, Summary())  # lines counted once written
        header = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        if header:
            out.write(header.encode("utf-8"))

    def python_line(self, number: int, row_id: Any, scored: Scored | None, error: str) -> str:
        self.python_write(number, row_id, scored, error)
        line = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return line

    def python_writer(self) -> tuple[Writer, Callable[[], None]]:
        """A Python engine writer that goes on where the last batch ended, and what finishes its output."""
        text = io.TextIOWrapper(self.out, encoding="utf-8", errors="replace", newline="", write_through=False)
        make = csv_writer if self.format == "csv" else jsonl_writer
        write = make(text, self.questionnaire, self.summary, header=False)

        def finish() -> None:
            text.flush()
            text.detach()  # the output stays open: it is not this writer's

        return write, finish

    def write(self, rows: Rows, numbered: bool) -> None:
        """The rows' lines; `numbered`: DuckDB wrote each whole line, else it comes after the number."""
        pa = self.pyarrow
        parts = [rows.batch.column(TAIL)]
        if not numbered:
            parts[:0] = ["" if self.format == "csv" else '{"row": ', pa.compute.cast(rows.numbers, pa.string())]
        _write_text(self.out, output_lines(pa, rows, parts, self.python_line), self.summary)

    def close(self) -> None:
        return None


class ParquetWriter:
    """Parquet: row, id, level, each area's level and error, as the CSV output's columns."""

    def __init__(self, pyarrow: Any, out: BinaryIO, questionnaire: Questionnaire, summary: Summary) -> None:
        import pyarrow.parquet as parquet

        self.pyarrow, self.summary = pyarrow, summary
        self.factor_ids = [factor.id for factor in questionnaire.factors]
        fields = [("row", pyarrow.int64()), (ID_COLUMN, pyarrow.string()), ("level", pyarrow.string())]
        fields += [(factor_id, pyarrow.string()) for factor_id in self.factor_ids]
        fields.append(("error", pyarrow.string()))
        self.schema = pyarrow.schema(fields)
        self.writer = parquet.ParquetWriter(out, self.schema)

    def python_writer(self) -> tuple[Writer, Callable[[], None]]:
        """A Python engine writer whose rows go into the file a batch at a time, and what writes the last."""
        pending: list[tuple[int, Any, Scored | None, str]] = []

        def write(row: int, row_id: Any, scored: Scored | None, error: str) -> None:
            pending.append((row, row_id, scored, error))
            if len(pending) >= BATCH_ROWS:
                finish()

        def finish() -> None:
            if pending:
                self.write_python(pending)
                pending.clear()

        return write, finish

    def write_python(self, rows: list[tuple[int, Any, Scored | None, str]]) -> None:
        """Rows the Python engine scored, as the batch writer writes them."""
        pa = self.pyarrow
        columns: list[list[Any]] = [[] for _field in self.schema]
        for number, row_id, scored, error in rows:
            columns[0].append(number)
            columns[1].append(_shown_id(row_id))
            columns[2].append(None if scored is None else scored.level)
            for index in range(len(self.factor_ids)):
                columns[3 + index].append(None if scored is None else scored.factor_levels[index])
            columns[-1].append(_utf8(error) or None)
        table = pa.table(columns, schema=self.schema)
        with watching():  # the row group is written whole (see ctrl_c.py)
            self.writer.write_table(table)
            self.summary.written += table.num_rows
        check()

    def write(self, rows: Rows, numbered: bool) -> None:
        pa = self.pyarrow
        compute = pa.compute
        batch = rows.batch
        redone = {index: (number, row_id, scored, error) for index, number, row_id, scored, error in rows.redone}
        untrusted = compute.invert(rows.trusted)
        positions = compute.indices_nonzero(untrusted).to_pylist()

        def column(values: Any, pick: Callable[[tuple[int, Any, Scored | None, str]], Any], kind: Any) -> Any:
            if not positions:
                return values.cast(kind)
            picked = [pick(redone[i]) if i in redone else None for i in positions]
            replacements = pa.array([_utf8(v) if isinstance(v, str) else v for v in picked], kind)
            return compute.replace_with_mask(values.cast(kind), untrusted, replacements)

        def level(index: int) -> Callable[[tuple[int, Any, Scored | None, str]], Any]:
            def pick(item: tuple[int, Any, Scored | None, str]) -> Any:
                scored = item[2]
                if scored is None:
                    return None
                return scored.level if index < 0 else scored.factor_levels[index]

            return pick

        def shown_id(item: tuple[int, Any, Scored | None, str]) -> Any:
            return _shown_id(item[1])

        nothing = pa.nulls(len(batch), pa.string())
        arrays = [
            rows.numbers,
            column(batch.column(ID_COLUMN), shown_id, pa.string()),
            column(batch.column("level"), level(-1), pa.string()),
            *(column(batch.column(f), level(i), pa.string()) for i, f in enumerate(self.factor_ids)),
            column(nothing, lambda item: item[3] or None, pa.string()),
        ]
        table = pa.table(arrays, schema=self.schema)
        if rows.dropped:
            dropped = set(rows.dropped)
            keep = pa.array([i not in dropped for i in range(len(batch))])
            table = table.filter(keep)
        self.writer.write_table(table)
        self.summary.written += table.num_rows

    def close(self) -> None:
        self.writer.close()


def _shown_id(row_id: Any) -> str | None:
    """An id as Parquet holds it: text as it is, anything else as JSON."""
    if row_id is None:
        return None
    return _utf8(row_id if type(row_id) is str else json.dumps(row_id, ensure_ascii=False))
