"""`kratom-check batch`: score a JSON Lines or CSV file of answer sets, streaming."""

import sys
from enum import StrEnum
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Annotated, BinaryIO, TextIO

import typer

from ..edge import debug_requested, say, user_errors

if TYPE_CHECKING:
    from ..batch import Summary
    from ..model import Questionnaire

PROGRESS_FROM_BYTES = 1024 * 1024


class BatchFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"


def batch(
    file: Annotated[str, typer.Argument(metavar="FILE", help="JSON Lines or CSV file of answer sets; - for stdin.")],
    output_format: Annotated[BatchFormat, typer.Option("--format", "-f", help="Result rows as jsonl or csv.")] = (
        BatchFormat.jsonl
    ),
    input_format: Annotated[
        BatchFormat | None,
        typer.Option("--input-format", help="Input format (default: csv for *.csv files, else jsonl)."),
    ] = None,
    questions: Annotated[str | None, typer.Option("--questions", metavar="FILE", help="Another questionnaire.")] = None,
) -> None:
    """Score a JSON Lines or CSV file of answer sets, one result row per row.

    Each row is one answer set, with an optional 'id' column. A bad row gets an error row
    naming its row number and problem; the rest are still scored.
    A summary goes to standard error. Exit 0 if every row scored, 2 if any failed.
    """
    with user_errors(debug=debug_requested()):
        from .. import batch as batching
        from .. import translation
        from ..errors import AnswersError

        model = translation.load_localized(questions)
        chosen_input = input_format or (BatchFormat.csv if file.lower().endswith(".csv") else BatchFormat.jsonl)
        try:
            raw = sys.stdin.buffer if file == "-" else Path(file).open("rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise AnswersError(f"{file}: cannot read this file ({exc.strerror or exc}).") from None
        size = 0 if file == "-" else Path(file).stat().st_size
        stream = batching.open_text(raw)
        try:
            if size >= PROGRESS_FROM_BYTES and sys.stderr.isatty():
                summary = _with_progress(batching, model, stream, raw, size, chosen_input, output_format)
            else:
                summary = batching.run(
                    model, stream, sys.stdout, input_format=chosen_input, output_format=output_format
                )
            sys.stdout.flush()
        finally:
            if file != "-":
                stream.close()
        say(batching.describe(summary, model))
        if summary.errors:
            raise typer.Exit(2)


def _with_progress(
    batching: ModuleType,
    model: "Questionnaire",
    stream: TextIO,
    raw: BinaryIO,
    size: int,
    chosen_input: str,
    output_format: str,
) -> "Summary":
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

        summary: Summary = batching.run(
            model, stream, sys.stdout, input_format=chosen_input, output_format=output_format, progress=advance
        )
        return summary
