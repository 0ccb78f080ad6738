"""The DuckDB engine: the questionnaire's SQL (score/sql.py) run on DuckDB.

DuckDB reads the file and scores every row whose answers are exactly choice ids, on every core. A row
it is not sure of (labels, stray spaces, an invalid or unusual answer, an unknown column, a JSON
oddity) is scored by the Python engine's own code, so the output is the Python engine's row for row:
the same levels, the same error rows, the same summary. Rows stream through in Arrow batches, so
memory stays flat whatever the file's size; DuckDB's own memory is capped by `memory_limit`.

Only this module imports duckdb and pyarrow, the `duckdb` extra; the default install never loads them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, BinaryIO

from ..errors import AnswersError, KratomCheckError, UsageError
from ..i18n import _
from ..score.sql import RANK, name
from .arrow_write import ParquetWriter, Rows, TextWriter
from .duckdb_query import RAW, TRUSTED, engine_query
from .results import Summary, outcome
from .sources import csv_source, jsonl_source, parquet_source

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


THREADS_PER_CORE = 4
"""The most threads --threads may ask for, per core this process may run on: more only adds overhead."""
LEAST_MEMORY = 16 * 1000**2
"""The smallest --memory-limit (16MB) the engine starts with: below it, DuckDB fails on the first rows."""
_SIZE = re.compile(r"\s*(-?)\s*(\d+(?:\.\d*)?|\.\d+)\s*(?:([kmgt])(i?)b|b|bytes?)\s*", re.IGNORECASE)


def cores() -> int:
    """The cores this process may run on."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else os.cpu_count() or 1


def check_settings(threads: int | None, memory_limit: str) -> None:
    """--threads at most a few per core, and a --memory-limit DuckDB can start in, each with its own message."""
    most = THREADS_PER_CORE * cores()
    if threads is not None and threads > most:
        raise UsageError(
            _(
                "--threads {threads} is more than this computer can use: at most {most} "
                "({per_core} for each of its {cores} cores). Leave it out to use every core."
            ).format(threads=threads, most=most, per_core=THREADS_PER_CORE, cores=cores())
        )
    size = _SIZE.fullmatch(memory_limit)
    if size is None:
        return  # DuckDB reads other spellings too, and names what is wrong with one it cannot read
    negative, number, prefix, binary = size.groups()
    if negative and float(number):
        raise UsageError(
            _("--memory-limit {value} is below zero. Give a size like 512MB or 2GB.").format(value=memory_limit.strip())
        )
    scale = (1024 if binary else 1000) ** ("kmgt".index(prefix.lower()) + 1) if prefix else 1
    if float(number) * scale < LEAST_MEMORY:
        raise UsageError(
            _(
                "--memory-limit {value} is too small: the DuckDB engine needs at least 16MB, and more for each "
                "thread. Give a size like 512MB or 2GB, or leave it out for 1GB."
            ).format(value=memory_limit.strip())
        )


def connect(duckdb: Any, threads: int | None, memory_limit: str) -> Any:
    check_settings(threads, memory_limit)
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
        reader = con.sql(engine_query(questionnaire, source, output_format)).to_arrow_reader(BATCH_ROWS)
    except duckdb.Error as exc:
        raise _read_error(duckdb, exc, path, input_format, memory_limit) from None

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
        for batch in _batches(reader, duckdb, pa, path, input_format, memory_limit):
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


def _batches(reader: Any, duckdb: Any, pyarrow: Any, path: str, input_format: str, memory_limit: str) -> Iterator[Any]:
    """The reader's batches; DuckDB meeting a row it cannot read, part way, is the file's problem."""
    while True:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            return
        except (duckdb.Error, pyarrow.lib.ArrowException, OSError) as exc:
            raise _read_error(duckdb, exc, path, input_format, memory_limit) from None
        yield batch


def _read_error(duckdb: Any, exc: BaseException, path: str, input_format: str, memory_limit: str) -> KratomCheckError:
    reason = _first_line(exc)
    if isinstance(exc, duckdb.OutOfMemoryException) or reason.startswith("Out of Memory Error"):
        return UsageError(
            _(
                "DuckDB needs more memory than --memory-limit {value} allows ({reason}). Give it more, like "
                "--memory-limit 2GB, or fewer threads with --threads."
            ).format(value=memory_limit.strip(), reason=reason)
        )
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
