"""Reading for the DuckDB engine: a CSV, JSON Lines or Parquet file as a query giving one column per
question, each row's id, whether the row is one only the Python engine reads exactly (`kc:odd`), and
what the Python engine needs to redo such a row."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..contract import csv_record
from ..errors import AnswersError
from ..i18n import _
from ..score.sql import name, text
from .ctrl_c import check
from .lines import MAX_LINE, line_batches
from .read import Row, csv_keys, jsonl_rows, open_input, open_text, with_id
from .results import ID_COLUMN

if TYPE_CHECKING:
    from ..model import Questionnaire

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
    redo: Callable[[int, dict[str, Any]], Row | None]
    """(number, data, problem) from a row's kept columns, as the Python engine reads it; None for a blank line."""
    numbered: bool = False
    """Whether the source numbers its rows itself (column kc:n) rather than by position."""
    interrupted: Callable[[], bool] = lambda: False
    """Whether Ctrl-C stopped Python code DuckDB was reading from (DuckDB reports it as its own error)."""


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
    if identifier:
        odd.append(id_for_python(name(identifier)))
    limit = csv.field_size_limit()
    odd.append(_over_the_field_limit([name(cell) for cell in cells], limit))
    kept = tuple(f"kc:cell:{index}" for index in range(len(keys)))
    sql = (
        f"(SELECT {', '.join(selected)}, {row_id} AS {name('kc:id')}, coalesce(to_json({row_id})::VARCHAR, 'null') AS "
        f"{name('kc:id_json')}, {' OR '.join(odd) or 'false'} AS {name('kc:odd')}, "
        + ", ".join(f"{name(cell)} AS {name(kept_name)}" for cell, kept_name in zip(cells, kept, strict=True))
        + f" FROM {read})"
    )

    ids = [index for index, key in enumerate(keys) if key == ID_COLUMN]

    def redo(number: int, row: dict[str, Any]) -> Row:
        cells = [row[column] or "" for column in kept]
        if any(len(cell) > limit for cell in cells):
            return number, None, _("this row cannot be read ({reason})").format(reason=_field_limit_reason(limit))
        record = csv_record(keys, cells)
        if ids:
            with_id(record, ids, cells)
        return number, record, None

    return Source(sql, kept, 2, redo)


def _over_the_field_limit(cells: list[str], limit: int) -> str:
    """Whether a cell is longer than the Python CSV reader's field limit: the row is an error row there.
    On a row of one line, the Python engine redoes it as that error row; on a row of several lines that
    reader goes on from the next line, inside the row, so DuckDB stops (error()) and the Python engine
    scores the rest of the file. A cell's bytes are at least its characters, and cost nothing to count."""
    longest = f"greatest({', '.join(f'strlen({cell})' for cell in cells)})"
    long = " OR ".join(f"length({cell}) > {limit}" for cell in cells)
    lines = " OR ".join(f"regexp_matches({cell}, {text('[' + chr(13) + chr(10) + ']')})" for cell in cells)
    stop = text(_("a cell longer than the Python CSV reader takes, on a row of several lines"))
    inner = f"CASE WHEN ({long}) AND ({lines}) THEN error({stop}) ELSE true END"
    return f"CASE WHEN {longest} > {limit} THEN {inner} ELSE false END"


@cache
def _field_limit_reason(limit: int) -> str:
    """The Python CSV reader's own words for a cell over its field limit."""
    try:
        next(csv.reader(["x" * (limit + 1)]))
    except csv.Error as exc:
        return str(exc)
    return f"field larger than field limit ({limit})"  # the reader refuses it: not reached


def id_for_python(value: str) -> str:
    """Whether the Python engine should write this id: csv.writer quotes a carriage return or not
    depending on the Python version. Any other id is copied as it is by both."""
    return f"coalesce(contains({value}, chr(13)), false)"


def jsonl_source(path: str, questionnaire: Questionnaire, pyarrow: Any, con: Any) -> Source:
    """JSON Lines: lines are split here (on '\\n' only, as the Python engine does), parsed by DuckDB."""
    raw = open_input(path)
    stream = open_text(raw)
    schema = pyarrow.schema([("n", pyarrow.int64()), ("line", pyarrow.string())])

    interrupted: list[bool] = []

    def batches() -> Iterator[Any]:
        number = 1
        try:
            for lines in line_batches(stream):
                check()  # Ctrl-C, remembered while DuckDB reads (see ctrl_c.py)
                if lines:
                    yield pyarrow.record_batch(
                        [
                            pyarrow.array(range(number, number + len(lines)), pyarrow.int64()),
                            pyarrow.array(lines, pyarrow.string()),
                        ],
                        schema=schema,
                    )
                    number += len(lines)
        except KeyboardInterrupt:
            interrupted.append(True)
            raise
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

    def redo(number: int, row: dict[str, Any]) -> Row | None:
        return next(jsonl_rows([[row["kc:line"]]], number), None)

    return Source(sql, ("kc:line",), 1, redo, numbered=True, interrupted=lambda: bool(interrupted))


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
        if column != identifier and (types[column] in ("VARCHAR", "BOOLEAN") or types[column].endswith("[]"))
        else f"CAST({name(column)} AS VARCHAR)"
        for column in names
    ]
    if identifier:
        id_text = f"CAST({name(identifier)} AS VARCHAR)"
        row_id = f"nullif({id_text}, '')"
        odd.append(id_for_python(id_text))
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

    def redo(number: int, row: dict[str, Any]) -> Row:
        record: dict[str, Any] = {}
        for key, column in zip(keys, kept, strict=True):
            value = row[column]
            if key == ID_COLUMN:  # text, copied as it is
                if value:
                    record[key] = value
            elif isinstance(value, str):
                record.update(csv_record([key], [value]))
            elif value is not None:
                record[key] = value
        return number, record, None

    return Source(sql, kept, 1, redo)
