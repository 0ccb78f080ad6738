"""`kratom-check batch --engine duckdb`: the questionnaire's SQL (score/sql.py) run on DuckDB.

DuckDB reads the file and scores every row whose answers are exactly choice ids, on every core. A row
it is not sure of (labels, stray spaces, an invalid or unusual answer, an unknown column, a JSON
oddity) is scored by the Python engine's own code, so the output is the Python engine's row for row:
the same levels, the same error rows, the same summary. Rows stream through in Arrow batches, so
memory stays flat whatever the file's size; DuckDB's own memory is capped by `memory_limit`.

Only this module imports duckdb and pyarrow, the `duckdb` extra; the default install never loads them.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, NamedTuple

from ..ask.answers import csv_record
from ..errors import AnswersError, UsageError
from ..i18n import _
from ..score.sql import RANK, SURE, TooManyChoices, name, scoring_query, text
from .batch import (
    ID_COLUMN,
    MAX_LINE,
    Summary,
    _line_batches,
    csv_keys,
    csv_writer,
    jsonl_rows,
    jsonl_writer,
    open_input,
    open_text,
    outcome,
)

if TYPE_CHECKING:
    from ..model import Questionnaire
    from ..score.fast import Scored

INSTALL = "pip install 'kratom-check[duckdb]'"
DEFAULT_MEMORY_LIMIT = "1GB"
"""DuckDB's memory_limit unless --memory-limit says otherwise: the engine streams, so it needs little."""
BATCH_ROWS = 16 * 1024
"""Rows per Arrow batch handed from DuckDB to the writer: small, so memory stays flat."""
STREAM_AHEAD = "16MB"
"""DuckDB's streaming_buffer_size: results it may work out ahead while Python writes the last batch."""
READ_BUFFER = 1024 * 1024
"""Bytes DuckDB's CSV reader holds per buffer (also the longest row it reads): its default, 32 MiB
and more per thread, would make a large file's run take several times a small one's memory."""


class NotForThisEngine(Exception):
    """The file is one the DuckDB engine cannot read exactly as the Python engine does; the Python
    engine scores it instead (its output is the same, only slower)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Source(NamedTuple):
    """What the engine scores: a query giving one column per question, and how to redo one row in Python."""

    sql: str
    keep: tuple[str, ...]
    """Columns the Python scorer needs for a row the query is not sure of."""
    first: int
    """The first row's number (a CSV's header is row 1)."""
    redo: Callable[[int, dict[str, Any]], tuple[int, Any, str | None] | None]
    """(number, data, problem) from a row's kept columns, as the Python engine reads it; None for a blank line."""
    numbered: bool = False
    """Whether the source numbers its rows itself (column kc:n) rather than by position."""


def modules() -> tuple[Any, Any]:
    """duckdb and pyarrow, or a message saying how to install them."""
    try:
        import duckdb
        import pyarrow
    except ImportError:
        raise UsageError(
            _("The DuckDB engine is an optional extra. Install it with: {command}").format(command=INSTALL)
        ) from None
    return duckdb, pyarrow


def connect(duckdb: Any, threads: int | None, memory_limit: str) -> Any:
    config: dict[str, Any] = {"memory_limit": memory_limit, "preserve_insertion_order": True}
    if threads is not None:
        config["threads"] = threads
    try:
        connection = duckdb.connect(config=config)
        # Results DuckDB may work out ahead of the writer: so its threads go on while Python writes.
        connection.execute(f"SET streaming_buffer_size = '{STREAM_AHEAD}'")
        return connection
    except duckdb.Error as exc:
        raise UsageError(
            _("--memory-limit {value!r} is not a size DuckDB accepts ({reason}). Use a size like 512MB or 2GB.").format(
                value=memory_limit, reason=_first_line(exc)
            )
        ) from None


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


# --- Sources -------------------------------------------------------------------------------------------


def csv_source(path: str, questionnaire: Questionnaire) -> Source:
    """A CSV with a header of question ids, read by DuckDB's parallel reader."""
    with Path(path).open("rb") as raw:
        stream = open_text(raw)
        if stream.encoding.replace("-sig", "").lower() not in ("utf-8", "utf8"):
            raise NotForThisEngine(_("it is not UTF-8"))
        try:
            header = next(csv.reader(stream), [])
        except csv.Error:
            header = []
    if not header:
        raise NotForThisEngine(_("its header row is empty or cannot be read"))
    keys = csv_keys(header)
    if len(set(header)) != len(header) or keys.count(ID_COLUMN) > 1:
        raise NotForThisEngine(_("a column appears twice in its header"))
    cells = [f"c{index}" for index in range(len(keys))]
    columns = "{" + ", ".join(f"{text(cell)}: 'VARCHAR'" for cell in cells) + "}"
    read = (
        f"read_csv({text(path)}, header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
        f"columns = {columns}, strict_mode = true, buffer_size = {READ_BUFFER}, max_line_size = {READ_BUFFER})"
    )
    at = dict(zip(keys, cells, strict=True))
    known = questionnaire.questions_by_id
    selected = [
        f"{name(at[q.id]) if q.id in at else 'CAST(NULL AS VARCHAR)'} AS {name(q.id)}" for q in questionnaire.questions
    ]
    identifier = at.get(ID_COLUMN)
    row_id = f"nullif({name(identifier)}, '')" if identifier else "CAST(NULL AS VARCHAR)"
    unknown = [name(at[key]) for key in keys if key not in known and key != ID_COLUMN]
    odd = [f"({cell} IS NOT NULL AND {cell} <> '')" for cell in unknown]
    if identifier:  # Python trims the id with str.strip(): any id that might change is left to it
        odd.append(_id_for_python(name(identifier)))
    kept = tuple(f"kc:cell:{index}" for index in range(len(keys)))
    sql = (
        f"(SELECT {', '.join(selected)}, {row_id} AS {name('kc:id')}, coalesce(to_json({row_id})::VARCHAR, 'null') AS "
        f"{name('kc:id_json')}, {' OR '.join(odd) or 'false'} AS {name('kc:odd')}, "
        + ", ".join(f"{name(cell)} AS {name(kept_name)}" for cell, kept_name in zip(cells, kept, strict=True))
        + f" FROM {read})"
    )

    def redo(number: int, row: dict[str, Any]) -> tuple[int, Any, str | None]:
        return number, csv_record(keys, [row[column] or "" for column in kept]), None

    return Source(sql, kept, 2, redo)


def _id_for_python(value: str) -> str:
    """Whether the Python engine should handle this id: it trims an id with str.strip(), splits one
    holding ';' (as any CSV cell), and csv.writer quotes a carriage return or not depending on the
    Python version. An id that starts and ends with a printable ASCII character other than ';', and
    holds no ';' or carriage return, is none of these (one pattern: cheaper than several tests)."""
    edge = "[!-:<-~]"
    pattern = edge + "(?:[^\r;]*" + edge + ")?"
    return f"coalesce(NOT regexp_full_match({value}, {text(pattern)}), false)"


def jsonl_source(path: str, questionnaire: Questionnaire, pyarrow: Any, con: Any) -> Source:
    """JSON Lines: lines are split here (on '\\n' only, as the Python engine does), parsed by DuckDB."""
    raw = open_input(path)
    stream = open_text(raw)
    schema = pyarrow.schema([("n", pyarrow.int64()), ("line", pyarrow.string())])

    def batches() -> Iterator[Any]:
        number = 1
        try:
            for lines in _line_batches(stream):
                if lines:
                    yield pyarrow.record_batch(
                        [
                            pyarrow.array(range(number, number + len(lines)), pyarrow.int64()),
                            pyarrow.array(lines, pyarrow.string()),
                        ],
                        schema=schema,
                    )
                    number += len(lines)
        finally:
            stream.close()

    con.register("kc_lines", pyarrow.RecordBatchReader.from_batches(schema, batches()))
    questions = questionnaire.questions
    paths = "[" + ", ".join(text(f'$."{q.id}"') for q in questions) + "]"
    known = "[" + ", ".join(text(key) for key in [*(q.id for q in questions), ID_COLUMN]) + "]"
    # DuckDB's JSON reader allows NaN, Infinity and trailing commas, which Python's does not.
    # A \ud800-style escape (a UTF-16 half) is left to Python too, which reads a lone one.
    lenient = text(r"NaN|Infinity|,\s*[\]}]|\\[uU][dD][89a-fA-F]")
    # A CASE, not AND: DuckDB works out every operand of an AND, and json_type fails on text that is not JSON.
    plain = (
        f"CASE WHEN line IS NOT NULL AND length(line) <= {MAX_LINE} AND json_valid(line) "
        f"THEN json_type(line) = 'OBJECT' AND NOT regexp_matches(line, {lenient}) ELSE false END"
    )
    parsed = (
        f"SELECT n, line, {plain} AS plain, CASE WHEN {plain} THEN json_extract(line, {paths}) END AS vals, "
        f"CASE WHEN {plain} THEN json_keys(line) END AS keys, "
        f"CASE WHEN {plain} THEN json_extract(line, '$.id') END AS id FROM kc_lines"
    )
    selected = []
    odd = [
        "NOT plain",
        f"NOT list_has_all({known}, keys)",
        "array_length(keys) <> array_length(list_distinct(keys))",
        # A repeated key inside a nested value needs a colon of its own, as the Python engine reasons.
        "length(line) - length(replace(line, ':', '')) > array_length(keys)",
        "coalesce(json_type(id), 'NULL') NOT IN ('VARCHAR', 'BIGINT', 'UBIGINT', 'NULL')",
    ]
    for index, question in enumerate(questions, 1):
        value = f"vals[{index}]"
        kind = f"json_type({value})"
        as_text = (
            f"CASE {kind} WHEN 'VARCHAR' THEN {value} ->> '$' "
            f"WHEN 'BOOLEAN' THEN CASE WHEN {value} ->> '$' = 'true' THEN 'yes' ELSE 'no' END"
        )
        if question.kind == "multiple":
            items = f"CAST(json_extract_string({value}, '$[*]') AS VARCHAR[])"
            selected.append(f"{as_text} WHEN 'ARRAY' THEN array_to_string({items}, ';') END AS {name(question.id)}")
            odd.append(
                f"({kind} = 'VARCHAR' AND contains({value} ->> '$', ';')) OR ({kind} = 'ARRAY' AND ("
                f"array_length(list_filter(json_type({value}, '$[*]'), lambda t: t <> 'VARCHAR')) > 0 "
                f"OR array_length(list_filter({items}, lambda x: contains(x, ';'))) > 0)) "
                f"OR coalesce({kind} NOT IN ('VARCHAR', 'BOOLEAN', 'ARRAY', 'NULL'), false)"
            )
        else:
            selected.append(f"{as_text} END AS {name(question.id)}")
            odd.append(f"coalesce({kind} NOT IN ('VARCHAR', 'BOOLEAN', 'NULL'), false)")
    sql = (
        f"(SELECT {', '.join(selected)}, CASE json_type(id) WHEN 'VARCHAR' THEN id ->> '$' "
        f"WHEN 'NULL' THEN NULL ELSE CAST(id AS VARCHAR) END AS {name('kc:id')}, "
        f"coalesce(CAST(id AS VARCHAR), 'null') AS {name('kc:id_json')}, "
        f"coalesce({' OR '.join(f'({item})' for item in odd)}, true) AS {name('kc:odd')}, "
        f"n AS {name('kc:n')}, line AS {name('kc:line')} FROM ({parsed}))"
    )

    def redo(number: int, row: dict[str, Any]) -> tuple[int, Any, str | None] | None:
        return next(jsonl_rows([[row["kc:line"]]], number), None)

    return Source(sql, ("kc:line",), 1, redo, numbered=True)


def parquet_source(path: str, questionnaire: Questionnaire, con: Any) -> Source:
    """Parquet: a text column is read as a CSV cell; a list of texts as a list of choices."""
    read = f"read_parquet({text(path)})"
    described = con.execute(f"DESCRIBE SELECT * FROM {read}").fetchall()
    types = {row[0]: str(row[1]).upper() for row in described}
    names = list(types)
    keys = csv_keys(names)
    if keys.count(ID_COLUMN) > 1:
        raise AnswersError(_("{file}: it has more than one id column. Keep only one.").format(file=path))
    at = dict(zip(keys, names, strict=True))
    known = questionnaire.questions_by_id
    selected = []
    odd = []
    for question in questionnaire.questions:
        column = at.get(question.id)
        if column is None:
            selected.append(f"CAST(NULL AS VARCHAR) AS {name(question.id)}")
            continue
        kind, cell = types[column], name(column)
        if kind == "VARCHAR":
            selected.append(f"{cell} AS {name(question.id)}")
        elif kind == "BOOLEAN":  # as an answers file's yes / no
            selected.append(f"CASE WHEN {cell} THEN 'yes' WHEN NOT {cell} THEN 'no' END AS {name(question.id)}")
        elif kind == "VARCHAR[]" and question.kind == "multiple":
            selected.append(f"array_to_string({cell}, ';') AS {name(question.id)}")
            odd.append(f"array_length(list_filter({cell}, lambda x: x IS NULL OR contains(x, ';'))) > 0")
        else:  # a list for one answer, or a number or a date: the Python engine names the problem
            selected.append(f"CAST(NULL AS VARCHAR) AS {name(question.id)}")
            odd.append(f"{cell} IS NOT NULL")
    identifier = at.get(ID_COLUMN)
    # An id that is not text is handed on as DuckDB writes it as text, by both paths.
    kept_values = [
        name(column)
        if types[column] in ("VARCHAR", "BOOLEAN") or types[column].endswith("[]")
        else f"CAST({name(column)} AS VARCHAR)"
        for column in names
    ]
    if identifier:
        id_text = f"CAST({name(identifier)} AS VARCHAR)"
        row_id = f"nullif({id_text}, '')"
        odd.append(_id_for_python(id_text))
    else:
        row_id = "CAST(NULL AS VARCHAR)"
    odd += [f"{name(at[key])} IS NOT NULL" for key in keys if key not in known and key != ID_COLUMN]
    kept = tuple(f"kc:cell:{index}" for index in range(len(names)))
    sql = (
        f"(SELECT {', '.join(selected)}, {row_id} AS {name('kc:id')}, coalesce(to_json({row_id})::VARCHAR, 'null') AS "
        f"{name('kc:id_json')}, coalesce({' OR '.join(f'({item})' for item in odd) or 'false'}, true) AS "
        f"{name('kc:odd')}, "
        + ", ".join(f"{value} AS {name(kept_name)}" for value, kept_name in zip(kept_values, kept, strict=True))
        + f" FROM {read})"
    )

    def redo(number: int, row: dict[str, Any]) -> tuple[int, Any, str | None]:
        record: dict[str, Any] = {}
        for key, column in zip(keys, kept, strict=True):
            value = row[column]
            if isinstance(value, str):
                record.update(csv_record([key], [value]))
            elif value is not None:
                record[key] = value
        return number, record, None

    return Source(sql, kept, 1, redo)


# --- Output --------------------------------------------------------------------------------------------


class Rows(NamedTuple):
    """One Arrow batch of results, with the rows the Python scorer redid."""

    batch: Any
    numbers: Any
    trusted: Any
    redone: list[tuple[int, int, Any, Scored | None, str]]
    """(index in the batch, row number, id, levels or None, error) of each row redone; blank lines left out."""
    dropped: list[int]
    """Indexes of blank lines (JSON Lines), which give no row."""


def _lines(pyarrow: Any, rows: Rows, parts: Sequence[Any], python_line: Callable[..., str]) -> Any:
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


def _write_text(out: BinaryIO, lines: Any) -> None:
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
    out.write(memoryview(data)[start:end])


class TextWriter:
    """JSON Lines or CSV, as the Python engine writes them."""

    def __init__(self, pyarrow: Any, out: BinaryIO, questionnaire: Questionnaire, output_format: str) -> None:
        self.pyarrow, self.out, self.format = pyarrow, out, output_format
        self.factor_ids = [factor.id for factor in questionnaire.factors]
        self.buffer = io.StringIO()
        make = csv_writer if output_format == "csv" else jsonl_writer
        self.python_write = make(self.buffer, questionnaire)
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

    def write(self, rows: Rows, numbered: bool) -> None:
        """The rows' lines; `numbered`: DuckDB wrote each whole line, else it comes after the number."""
        pa = self.pyarrow
        parts = [rows.batch.column(TAIL)]
        if not numbered:
            parts[:0] = ["" if self.format == "csv" else '{"row": ', pa.compute.cast(rows.numbers, pa.string())]
        _write_text(self.out, _lines(pa, rows, parts, self.python_line))

    def close(self) -> None:
        return None


class ParquetWriter:
    """Parquet: row, id, level, each area's level and error, as the CSV output's columns."""

    def __init__(self, pyarrow: Any, out: BinaryIO, questionnaire: Questionnaire) -> None:
        import pyarrow.parquet as parquet

        self.pyarrow = pyarrow
        self.factor_ids = [factor.id for factor in questionnaire.factors]
        fields = [("row", pyarrow.int64()), (ID_COLUMN, pyarrow.string()), ("level", pyarrow.string())]
        fields += [(factor_id, pyarrow.string()) for factor_id in self.factor_ids]
        fields.append(("error", pyarrow.string()))
        self.schema = pyarrow.schema(fields)
        self.writer = parquet.ParquetWriter(out, self.schema)

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
            row_id = item[1]
            return row_id if row_id is None or type(row_id) is str else json.dumps(row_id, ensure_ascii=False)

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

    def close(self) -> None:
        self.writer.close()


# --- The run -------------------------------------------------------------------------------------------


def run(
    questionnaire: Questionnaire,
    path: str,
    out: BinaryIO,
    *,
    input_format: str,
    output_format: str,
    threads: int | None,
    memory_limit: str,
) -> Summary:
    """Score the file on DuckDB; raises NotForThisEngine before writing anything if it cannot."""
    duckdb, pa = modules()
    import pyarrow.compute  # noqa: F401 - pa.compute is a submodule

    from ..score.fast import RowScorer

    con = connect(duckdb, threads, memory_limit)
    try:
        if input_format == "csv":
            source = csv_source(path, questionnaire)
        elif input_format == "parquet":
            source = parquet_source(path, questionnaire, con)
        else:
            source = jsonl_source(path, questionnaire, pa, con)
        if threads == 1 and not source.numbered:
            # On one thread, DuckDB reads in order, so it can number the rows itself (a window that
            # would hold every other thread back), and write each trusted row's whole line.
            numbering = f"row_number() OVER () + {source.first - 1}"
            source = source._replace(sql=f"(SELECT *, {numbering} AS {name('kc:n')} FROM {source.sql})", numbered=True)
        reader = con.sql(_engine_query(questionnaire, source, output_format)).to_arrow_reader(BATCH_ROWS)
    except duckdb.Error as exc:
        raise _read_error(path, exc, input_format) from None

    writer: TextWriter | ParquetWriter
    if output_format == "parquet":
        writer = ParquetWriter(pa, out, questionnaire)
    else:
        writer = TextWriter(pa, out, questionnaire, output_format)
    score = RowScorer(questionnaire).score
    summary = Summary()
    compute = pa.compute
    level_ids = [level.id for level in questionnaire.levels]
    next_number = source.first
    counting = pa.array(range(BATCH_ROWS), pa.int64())  # numbers come from it by one addition a batch
    try:
        for batch in _batches(reader, duckdb, pa, path, input_format):
            size = len(batch)
            if source.numbered:
                numbers = batch.column("kc:n")
            else:
                if size > len(counting):
                    counting = pa.array(range(size), pa.int64())
                numbers = compute.add(counting.slice(0, size), next_number)
                next_number += size
            trusted = batch.column(TRUSTED)
            redone: list[tuple[int, int, Any, Scored | None, str]] = []
            dropped: list[int] = []
            everyone = compute.all(trusted).as_py()
            positions = [] if everyone else compute.indices_nonzero(compute.invert(trusted)).to_pylist()
            if positions:
                raw = batch.column(RAW)
                for index in positions:
                    number = numbers[index].as_py()
                    read = source.redo(number, raw[index].as_py())
                    if read is None:
                        dropped.append(index)
                        continue
                    row_id, scored, error = outcome(score, *read)
                    redone.append((index, number, row_id, scored, error))
                    if scored is None:
                        summary.errors += 1
                    else:
                        summary.levels[scored.level] += 1
            ranks = batch.column(RANK) if everyone else compute.filter(batch.column(RANK), trusted)
            for item in compute.value_counts(ranks).to_pylist():
                summary.levels[level_ids[item["values"]]] += item["counts"]
            writer.write(Rows(batch, numbers, trusted, redone, dropped), source.numbered)
    finally:
        writer.close()
    return summary


TRUSTED = "kc:trusted"
TAIL = "kc:tail"
RAW = "kc:raw"
QUOTE = '"'


def _engine_query(questionnaire: Questionnaire, source: Source, output_format: str) -> str:
    """The scoring query over the source, giving what the writer needs: for a text format, each trusted
    row's line (after its number, unless the source numbers its rows), built by DuckDB; the kept
    columns only for rows it does not trust."""
    engine = (*source.keep, "kc:id_json", "kc:odd", *(["kc:n"] if source.numbered else []))
    try:
        query = scoring_query(questionnaire, source=source.sql, id_column="kc:id", engine=engine)
    except TooManyChoices as exc:
        raise NotForThisEngine(exc.message.rstrip(".")) from None
    trusted = f"coalesce({name(SURE)} AND NOT {name('kc:odd')}, false)"
    factor_ids = [factor.id for factor in questionnaire.factors]
    row_id = name("id")
    if output_format == "csv":
        # As csv.writer writes it: a leading = + - @ made inert (see batch._inert), quoted when it must be.
        risky = f"left({row_id}, 1) IN ('=', '+', '-', '@')"
        inert = f"CASE WHEN {risky} THEN concat({text(chr(39))}, {row_id}) ELSE {row_id} END"
        special = text('[,"\n]')
        quoted = f"concat({text(QUOTE)}, replace({inert}, {text(QUOTE)}, {text(QUOTE * 2)}), {text(QUOTE)})"
        cell = (
            f"CASE WHEN {row_id} IS NULL THEN '' WHEN regexp_matches({inert}, {special}) THEN {quoted} ELSE {inert} END"
        )
        pieces = ["CAST(" + name("kc:n") + " AS VARCHAR)", "','", cell] if source.numbered else ["','", cell]
        for column in ["level", *factor_ids]:
            pieces += ["','", name(column)]
        pieces.append("',' || chr(10)")  # and an empty error cell
    elif output_format == "jsonl":
        # As batch.jsonl_writer writes it, after '{"row": N'.
        pieces = [text('{"row": '), "CAST(" + name("kc:n") + " AS VARCHAR)"] if source.numbered else []
        pieces += [
            text(", " + json.dumps("id") + ": "),
            name("kc:id_json"),
            text(", " + json.dumps("level") + ": " + QUOTE),
        ]
        pieces.append(name("level"))
        for index, factor_id in enumerate(factor_ids):
            pieces.append(
                text(QUOTE + ", " + ('"factors": {' if index == 0 else "") + json.dumps(factor_id) + ": " + QUOTE)
            )
            pieces.append(name(factor_id))
        pieces.append(f"{text(QUOTE + '}}')} || chr(10)")
    if output_format == "parquet":
        shown = [name(column) for column in ("id", "level", *factor_ids)]
    else:  # every row's line, though only trusted ones are used: a CASE would cost more than it saves
        shown = [f"concat({', '.join(pieces)}) AS {name(TAIL)}"]
    # The kept columns as one struct, built only for rows not trusted (a CASE works out only its rows).
    raw = "{" + ", ".join(f"{text(column)}: {name(column)}" for column in source.keep) + "}"
    kept = [f"CASE WHEN {name(TRUSTED)} THEN NULL ELSE {raw} END AS {name(RAW)}"]
    if source.numbered:
        kept.append(name("kc:n"))
    return (
        f"SELECT {', '.join([*shown, *kept])}, {name(RANK)}, {name(TRUSTED)} "
        f"FROM (SELECT *, {trusted} AS {name(TRUSTED)} FROM ({query}))"
    )


def _batches(reader: Any, duckdb: Any, pyarrow: Any, path: str, input_format: str) -> Iterator[Any]:
    """The reader's batches; DuckDB meeting a row it cannot read, part way, is the file's problem."""
    while True:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            return
        except (duckdb.Error, pyarrow.lib.ArrowException, OSError) as exc:
            raise _read_error(path, exc, input_format) from None
        yield batch


def _read_error(path: str, exc: BaseException, input_format: str) -> AnswersError:
    reason = _first_line(exc)
    if input_format == "parquet":
        return AnswersError(
            _("{file}: DuckDB cannot read this Parquet file ({reason}).").format(file=path, reason=reason)
        )
    return AnswersError(
        _(
            "{file}: DuckDB cannot read this file ({reason}). The DuckDB engine needs a well-formed UTF-8 file: "
            "in a CSV, every row has the header's number of cells. The Python engine reads rows one by one "
            "and reports each bad row: run without --engine duckdb."
        ).format(file=path, reason=reason)
    )
