"""`kratom-check batch`: score a JSON Lines, CSV or Parquet file of answer sets in one streaming pass.

Only the options and the exit codes live here; reading, scoring and writing rows are the batch
package's (kratom_check/batch/), imported when the command runs.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from ..edge import EXIT_INTERRUPTED, say
from ..errors import UsageError
from ..i18n import _
from .options import Questions


class BatchFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


class Engine(StrEnum):
    python = "python"
    duckdb = "duckdb"


def batch(
    file: Annotated[
        str, typer.Argument(metavar="FILE", help="JSON Lines, CSV or Parquet file of answer sets; - for stdin.")
    ],
    output_format: Annotated[
        BatchFormat, typer.Option("--format", "-f", help="Result rows as jsonl, csv or parquet (DuckDB engine).")
    ] = BatchFormat.jsonl,
    input_format: Annotated[
        BatchFormat | None,
        typer.Option(
            "--input-format", help="Input format (default: csv for *.csv, parquet for *.parquet, else jsonl)."
        ),
    ] = None,
    questions: Questions = None,
    engine: Annotated[
        Engine,
        typer.Option(
            help="python (built in), or duckdb: every core, and Parquet (pip install 'kratom-check[duckdb]')."
        ),
    ] = Engine.python,
    threads: Annotated[
        int | None, typer.Option("--threads", min=1, metavar="N", help="DuckDB engine: threads (default: every core).")
    ] = None,
    memory_limit: Annotated[
        str,
        typer.Option("--memory-limit", metavar="SIZE", help="DuckDB engine: most memory DuckDB may use, like 512MB."),
    ] = "1GB",
) -> None:
    """Score a JSON Lines, CSV or Parquet file of answer sets, one result row per row.

    Each row is one answer set, with an optional 'id' column. A bad row gets an error row
    naming its row number and problem; the rest are still scored.
    A summary goes to standard error. Exit 0 if every row scored, 2 if any failed.
    """
    import gc

    from ..batch.files import score_file
    from ..batch.results import Summary, describe, stopped
    from ..i18n import language
    from ..load.questionnaire import load

    gc.enable()  # start.py held collection back while loading; a stream of millions of rows needs it
    chosen_input = input_format or _format_of(file)
    if engine is Engine.python and BatchFormat.parquet in (chosen_input, output_format):
        from ..batch.duckdb_settings import INSTALL, installed

        if installed():
            raise UsageError(_("Parquet needs the DuckDB engine: add --engine duckdb."))
        raise UsageError(
            _("Parquet needs the DuckDB engine: add --engine duckdb (install it with: {command}).").format(
                command=INSTALL
            )
        )
    if output_format is BatchFormat.parquet and sys.stdout.isatty():
        raise UsageError(_("Parquet is not for reading on screen: send it to a file, like > results.parquet"))
    model = load(questions, language())
    summary = Summary()
    try:
        score_file(
            model,
            file,
            input_format=chosen_input,
            output_format=output_format,
            engine=engine,
            threads=threads,
            memory_limit=memory_limit,
            summary=summary,
        )
    except KeyboardInterrupt:
        say("\n" + stopped(summary))
        raise typer.Exit(EXIT_INTERRUPTED) from None
    say(describe(summary, model))
    if summary.errors:
        raise typer.Exit(2)


def _format_of(file: str) -> BatchFormat:
    """The input format a file's name suggests: csv or parquet by extension, else JSON Lines."""
    suffix = file.lower().rsplit(".", 1)[-1]
    return {"csv": BatchFormat.csv, "parquet": BatchFormat.parquet}.get(suffix, BatchFormat.jsonl)
