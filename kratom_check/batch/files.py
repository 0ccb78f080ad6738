"""One file through the chosen engine, as `kratom-check batch` runs it: the input opened, standard
output buffered, a progress bar for a large file on a terminal, and the DuckDB engine handing a file
it cannot read exactly to the Python engine."""

from __future__ import annotations

import sys
from contextlib import nullcontext, suppress
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TextIO

from ..edge import say
from ..errors import AnswersError, UsageError
from ..i18n import _
from . import python_engine
from .read import open_input, open_text
from .results import Summary
from .write import binary_stdout, buffered_stdout

if TYPE_CHECKING:
    from ..model import Questionnaire

PROGRESS_FROM_BYTES = 1024 * 1024


def score_file(
    model: Questionnaire,
    file: str,
    *,
    input_format: str,
    output_format: str,
    engine: str,
    threads: int | None,
    memory_limit: str,
    summary: Summary,
) -> Summary:
    """Score every row of the file (or standard input for '-') and write the results to standard output,
    counting into `summary`: when Ctrl-C stops the run, what was written is flushed and it says how much."""
    if engine == "duckdb" and _on_duckdb(model, file, input_format, output_format, threads, memory_limit, summary):
        return summary
    raw = open_input(file)
    size = 0 if file == "-" else Path(file).stat().st_size
    stream = open_text(raw)
    out = buffered_stdout()
    from .ctrl_c import watching

    # From a file, Ctrl-C is taken between rows, so the rows counted are exactly the rows written. Standard
    # input keeps Python's own handler: a run waiting there for a row must still stop at once.
    watched = watching() if file != "-" else nullcontext()
    try:
        with watched:
            if size >= PROGRESS_FROM_BYTES and sys.stderr.isatty():
                _with_progress(model, stream, raw, size, input_format, output_format, out, summary)
            else:
                python_engine.run(
                    model, stream, out, input_format=input_format, output_format=output_format, summary=summary
                )
        out.flush()
    except KeyboardInterrupt:
        with suppress(OSError, ValueError):
            out.flush()  # the rows counted as written (Summary.written)
        raise
    finally:
        if file != "-":
            stream.close()
    return summary


def _on_duckdb(
    model: Questionnaire,
    file: str,
    input_format: str,
    output_format: str,
    threads: int | None,
    memory_limit: str,
    summary: Summary,
) -> bool:
    """Whether the DuckDB engine scored the file: not when it is one only the Python engine reads exactly."""
    from . import duckdb_engine
    from .sources import NotForThisEngine

    if file == "-" and input_format != "jsonl":
        raise UsageError(_("The DuckDB engine reads CSV and Parquet from a file, not from standard input."))
    if file != "-":
        open_input(file).close()  # the same message as the Python engine's for a file it cannot read
    sys.stdout.flush()
    out = binary_stdout()
    try:
        duckdb_engine.run(
            model,
            file,
            out,
            input_format=input_format,
            output_format=output_format,
            threads=threads,
            memory_limit=memory_limit,
            summary=summary,
        )
    except NotForThisEngine as exc:
        if "parquet" in (input_format, output_format):  # which only the DuckDB engine reads and writes
            raise AnswersError(f"{file}: {exc.reason}.") from None
        say(_("Scoring with the Python engine: {file}: {reason}.").format(file=file, reason=exc.reason))
        return False
    except BaseException:  # Ctrl-C, or an error part way: the rows written so far stay written
        with suppress(OSError, ValueError):
            out.flush()
        raise
    out.flush()
    return True


def _with_progress(
    model: Questionnaire,
    stream: TextIO,
    raw: BinaryIO,
    size: int,
    input_format: str,
    output_format: str,
    out: TextIO,
    summary: Summary,
) -> None:
    """A progress bar on standard error for large inputs read from a file."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        "[progress.percentage]{task.percentage:>3.0f}%",
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
        # Results stream to standard output; the bar must not capture them.
        redirect_stdout=False,
        redirect_stderr=False,
    ) as progress:
        task = progress.add_task("Scoring", total=size)
        counter = [0]

        def advance() -> None:
            counter[0] += 1
            if counter[0] % 1000 == 0:
                progress.update(task, completed=raw.tell())

        python_engine.run(
            model,
            stream,
            out,
            input_format=input_format,
            output_format=output_format,
            progress=advance,
            summary=summary,
        )
