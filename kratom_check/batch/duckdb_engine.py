"""The DuckDB engine: the questionnaire's SQL (score/sql.py) run on DuckDB.

DuckDB reads the file and scores every row whose answers are exactly choice ids, on every core. A row
it is not sure of (labels, stray spaces, an invalid or unusual answer, an unknown column, a JSON
oddity) is scored by the Python engine's own code, so the output is the Python engine's row for row:
the same levels, the same error rows, the same summary. Rows stream through in Arrow batches, so
memory stays flat whatever the file's size; DuckDB's own memory is capped by `memory_limit`.

Only this engine's modules use duckdb and pyarrow, the `duckdb` extra (duckdb_settings.modules() loads
them when the engine runs); the default install never loads them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, BinaryIO

from ..edge import say
from ..errors import AnswersError, KratomCheckError, UsageError, shown
from ..i18n import _
from ..score.sql import RANK, name
from .arrow_write import ParquetWriter, Rows, TextWriter
from .ctrl_c import check, watching
from .duckdb_query import RAW, TRUSTED, engine_query
from .duckdb_settings import BATCH_ROWS, connect, first_line, modules
from .lines import has_a_line_longer_than
from .python_engine import rest_of_csv
from .results import Summary, outcome
from .sources import READ_BUFFER, Source, csv_source, jsonl_source, parquet_source

if TYPE_CHECKING:
    from ..model import Questionnaire
    from ..score.fast import Scored


def run(
    questionnaire: Questionnaire,
    path: str,
    out: BinaryIO,
    *,
    input_format: str,
    output_format: str,
    threads: int | None,
    memory_limit: str,
    summary: Summary | None = None,
) -> Summary:
    """Score the file on DuckDB; raises NotForThisEngine before writing anything if it cannot. From a
    CSV row DuckDB cannot read as the Python engine does, the Python engine scores the rest of the file.
    The summary counts each row once it is written (pass one in to know how far a stopped run got)."""
    duckdb, pa = modules()
    import pyarrow.compute  # noqa: F401 - pa.compute is a submodule

    con = connect(duckdb, threads, memory_limit)
    if input_format == "csv" and threads != 1 and has_a_line_longer_than(path, READ_BUFFER):
        threads = 1  # see has_a_line_longer_than: DuckDB then stops at that line, and the Python engine goes on
        con.execute("SET threads = 1")
    summary = Summary() if summary is None else summary
    failure: BaseException | None = None
    try:
        source = _source(questionnaire, path, input_format, threads, pa, con)
        reader = con.sql(engine_query(questionnaire, source, output_format)).to_arrow_reader(BATCH_ROWS)
    except duckdb.Error as exc:
        if input_format != "csv" or _out_of_memory(duckdb, exc):
            raise _read_error(duckdb, exc, path, input_format, memory_limit) from None
        reader, failure, source = None, exc, csv_source(path, questionnaire)
    writer: TextWriter | ParquetWriter
    if output_format == "parquet":
        writer = ParquetWriter(pa, out, questionnaire, summary)
    else:
        writer = TextWriter(pa, out, questionnaire, output_format, summary)
    try:
        next_number = source.first
        if reader is not None:
            with watching():  # Ctrl-C is taken between batches (see ctrl_c.py)
                next_number, failure = _stream(questionnaire, reader, source, writer, summary, duckdb, pa)
            check()
        if failure is not None:
            if input_format != "csv" or _out_of_memory(duckdb, failure):
                raise _read_error(duckdb, failure, path, input_format, memory_limit) from None
            say(
                _(
                    "{file}: DuckDB stopped at a row it cannot read as the Python engine does ({reason}). "
                    "The Python engine scores the rest, from row {row}."
                ).format(file=path, reason=shown(first_line(failure), limit=300), row=next_number)
            )
            write, finish = writer.python_writer()
            try:
                rest_of_csv(questionnaire, path, next_number, write, summary)
            finally:
                finish()  # what was written so far, even when stopped
    finally:
        with watching():  # a Parquet file's footer, without which no reader opens it, is written whole
            writer.close()
        check()
    return summary


def _source(
    questionnaire: Questionnaire, path: str, input_format: str, threads: int | None, pa: Any, con: Any
) -> Source:
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
    return source


def _stream(
    questionnaire: Questionnaire,
    reader: Any,
    source: Source,
    writer: TextWriter | ParquetWriter,
    summary: Summary,
    duckdb: Any,
    pa: Any,
) -> tuple[int, BaseException | None]:
    """Write each batch DuckDB gives; the number of the next row to write, and what stopped DuckDB (or None)."""
    from ..score.fast import RowScorer

    score = RowScorer(questionnaire).score
    compute = pa.compute
    level_ids = [level.id for level in questionnaire.levels]
    next_number = source.first
    counting = pa.array(range(BATCH_ROWS), pa.int64())  # numbers come from it by one addition a batch
    while True:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            return next_number, None
        except duckdb.InterruptException:
            raise KeyboardInterrupt from None
        except (duckdb.Error, pa.lib.ArrowException, OSError) as exc:
            if source.interrupted():
                raise KeyboardInterrupt from None
            return next_number, exc
        check()  # the last batch is written and counted: a good place to stop
        size = len(batch)
        if source.numbered:
            numbers = batch.column("kc:n")
        else:
            if size > len(counting):
                counting = pa.array(range(size), pa.int64())
            numbers = compute.add(counting.slice(0, size), next_number)
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
        ranks = batch.column(RANK) if everyone else compute.filter(batch.column(RANK), trusted)
        counts = compute.value_counts(ranks).to_pylist()
        writer.write(Rows(batch, numbers, trusted, redone, dropped), source.numbered)
        for item in counts:  # counted once written
            summary.levels[level_ids[item["values"]]] += item["counts"]
        for _index, _number, _row_id, scored, _error in redone:
            if scored is None:
                summary.errors += 1
            else:
                summary.levels[scored.level] += 1
        next_number = numbers[size - 1].as_py() + 1 if size else next_number


def _out_of_memory(duckdb: Any, exc: BaseException) -> bool:
    return isinstance(exc, duckdb.OutOfMemoryException) or first_line(exc).startswith("Out of Memory Error")


def _read_error(duckdb: Any, exc: BaseException, path: str, input_format: str, memory_limit: str) -> KratomCheckError:
    reason = shown(first_line(exc), limit=300)
    if _out_of_memory(duckdb, exc):
        return UsageError(
            _(
                "DuckDB needs more memory than --memory-limit {value} allows ({reason}). Give it more, like "
                "--memory-limit 2GB, or fewer threads with --threads."
            ).format(value=shown(memory_limit.strip()), reason=reason)
        )
    if input_format == "parquet":
        return AnswersError(
            _("{file}: DuckDB cannot read this Parquet file ({reason}).").format(file=path, reason=reason)
        )
    return AnswersError(
        _(
            "{file}: DuckDB cannot read this file ({reason}). The DuckDB engine needs a well-formed UTF-8 file. "
            "The Python engine reads rows one by one and reports each bad row: run without --engine duckdb."
        ).format(file=path, reason=reason)
    )
