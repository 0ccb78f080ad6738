"""`kratom-check batch`: score a JSON Lines or CSV file of answer sets in one streaming pass.

The whole feature's input and output live here: reading rows, writing one result row for each,
the summary and the progress bar. Scoring a row is score/fast.py, beside the reference scoring.
"""

from __future__ import annotations

import io
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from enum import StrEnum
from json.encoder import encode_basestring
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, BinaryIO, TextIO

import typer

from ..ask.answers import csv_record
from ..edge import debug_requested, say, user_errors
from ..errors import AnswersError, UsageError
from ..i18n import _, ngettext

if TYPE_CHECKING:
    from ..model import Questionnaire
    from ..score.fast import Scored

PROGRESS_FROM_BYTES = 1024 * 1024


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
    questions: Annotated[str | None, typer.Option("--questions", metavar="FILE", help="Another questionnaire.")] = None,
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
    with user_errors(debug=debug_requested()):
        import gc

        from ..i18n import language
        from ..load.questionnaire import load

        gc.enable()  # start.py held collection back while loading; a stream of millions of rows needs it
        chosen_input = input_format or _format_of(file)
        if engine is Engine.python and BatchFormat.parquet in (chosen_input, output_format):
            raise UsageError(
                _("Parquet needs the DuckDB engine: add --engine duckdb (install it with: {command}).").format(
                    command="pip install 'kratom-check[duckdb]'"
                )
            )
        if output_format is BatchFormat.parquet and sys.stdout.isatty():
            raise UsageError(_("Parquet is not for reading on screen: send it to a file, like > results.parquet"))
        model = load(questions, language())
        if engine is Engine.duckdb:
            summary = _on_duckdb(model, file, chosen_input, output_format, threads, memory_limit)
            if summary is not None:
                say(describe(summary, model))
                if summary.errors:
                    raise typer.Exit(2)
                return
        raw = open_input(file)
        size = 0 if file == "-" else Path(file).stat().st_size
        stream = open_text(raw)
        out = buffered_stdout()
        try:
            if size >= PROGRESS_FROM_BYTES and sys.stderr.isatty():
                summary = _with_progress(model, stream, raw, size, chosen_input, output_format, out)
            else:
                summary = run(model, stream, out, input_format=chosen_input, output_format=output_format)
            out.flush()
        finally:
            if file != "-":
                stream.close()
        say(describe(summary, model))
        if summary.errors:
            raise typer.Exit(2)


def _format_of(file: str) -> BatchFormat:
    """The input format a file's name suggests: csv or parquet by extension, else JSON Lines."""
    suffix = file.lower().rsplit(".", 1)[-1]
    return {"csv": BatchFormat.csv, "parquet": BatchFormat.parquet}.get(suffix, BatchFormat.jsonl)


def _on_duckdb(
    model: Questionnaire, file: str, input_format: str, output_format: str, threads: int | None, memory_limit: str
) -> Summary | None:
    """The DuckDB engine's run, or None when the file is one only the Python engine reads exactly."""
    from . import batch_duckdb

    if file == "-" and input_format != BatchFormat.jsonl:
        raise UsageError(_("The DuckDB engine reads CSV and Parquet from a file, not from standard input."))
    if file != "-":
        open_input(file).close()  # the same message as the Python engine's for a file it cannot read
    sys.stdout.flush()
    out = binary_stdout()
    try:
        summary = batch_duckdb.run(
            model,
            file,
            out,
            input_format=input_format,
            output_format=output_format,
            threads=threads,
            memory_limit=memory_limit,
        )
    except batch_duckdb.NotForThisEngine as exc:
        if BatchFormat.parquet in (input_format, output_format):  # which only the DuckDB engine reads and writes
            raise AnswersError(f"{file}: {exc.reason}.") from None
        say(_("Scoring with the Python engine: {file}: {reason}.").format(file=file, reason=exc.reason))
        return None
    finally:
        out.flush()
    return summary


def binary_stdout() -> BinaryIO:
    """Standard output for bytes, with a buffer of its own (see buffered_stdout)."""
    stdout: Any = sys.stdout
    own = _own_buffer(stdout)
    if own is not None:
        return own
    binary: BinaryIO = stdout.buffer  # a test runner's capture, or a stream without a descriptor
    return binary


def _own_buffer(stdout: Any) -> BinaryIO | None:
    """A 64 KiB buffer over standard output's descriptor, or None for a test runner's capture."""
    if stdout is not sys.__stdout__ or stdout is None:
        return None
    stdout.flush()
    try:
        # Not a context manager: it lives until the process ends, and the descriptor is not its to close.
        return open(stdout.fileno(), "wb", buffering=1 << 16, closefd=False)
    except (OSError, ValueError, AttributeError):
        return None


def open_input(file: str) -> BinaryIO:
    """The input file, or standard input for '-'; a file that cannot be opened is the user's error."""
    if file == "-":
        return sys.stdin.buffer
    try:
        return Path(file).open("rb")
    except OSError as exc:
        raise AnswersError(f"{file}: cannot read this file ({exc.strerror or exc}).") from None


def _with_progress(
    model: Questionnaire,
    stream: TextIO,
    raw: BinaryIO,
    size: int,
    chosen_input: str,
    output_format: str,
    out: TextIO,
) -> Summary:
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

        summary: Summary = run(
            model, stream, out, input_format=chosen_input, output_format=output_format, progress=advance
        )
        return summary


ID_COLUMN = "id"
MAX_LINE = 64 * 1024


class Summary:
    """Levels counted and rows that failed (a plain class: this module is imported on every start)."""

    def __init__(self) -> None:
        self.levels: Counter[str] = Counter()
        self.errors = 0

    @property
    def rows(self) -> int:
        return sum(self.levels.values()) + self.errors


def _repeated_key(text: str) -> str | None:
    """The first key that appears twice in one object of a JSON text, if any."""
    found: list[str] = []

    def check(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [key for key, _value in pairs]
        if not found and len(set(keys)) != len(keys):
            found.append(next(key for index, key in enumerate(keys) if key in keys[:index]))
        return dict(pairs)

    json.loads(text, object_pairs_hook=check)
    return found[0] if found else None


CHUNK = 64 * 1024


def _line_batches(stream: TextIO) -> Iterator[list[str | None]]:
    """The lines of each chunk read (without their newlines), None standing for a line over MAX_LINE,
    which is never held whole: read in chunks and split here, so memory stays flat however long a
    line is, and the per-line cost is a list item. A long line of blanks is a blank line."""
    read = stream.read
    rest = ""
    dropping = False  # inside a line over the limit: what is read of it is dropped
    dropped_blank = True  # and so far it held only blanks
    while chunk := read(CHUNK):
        *lines, rest = (rest + chunk).split("\n")
        batch: list[str | None] = [line if len(line) <= MAX_LINE else _long(not line.strip()) for line in lines]
        if dropping and lines:
            batch[0] = _long(dropped_blank and not lines[0].strip())
            dropping = False
        yield batch
        if len(rest) > MAX_LINE:
            dropped_blank = (dropped_blank or not dropping) and not rest.strip()
            dropping = True
            rest = ""
    if dropping:
        yield [_long(dropped_blank and not rest.strip())]
    elif rest:
        yield [rest if len(rest) <= MAX_LINE else _long(not rest.strip())]


def _long(blank: bool) -> str | None:
    """A line over the limit: a blank line if it held only blanks, else None (an error row)."""
    return "" if blank else None


def read_jsonl(stream: TextIO) -> Iterator[tuple[int, Any, str | None]]:
    """(row number, parsed object or None, problem) for each non-empty line."""
    return jsonl_rows(_line_batches(stream))


def jsonl_rows(batches: Iterable[list[str | None]], first: int = 1) -> Iterator[tuple[int, Any, str | None]]:
    """The rows of lines (None: a line over MAX_LINE), numbered from `first`; blank lines are skipped."""
    # raw_decode skips json.loads' wrappers; the rest of the line must then be blank.
    decode = json.JSONDecoder().raw_decode
    number = first - 1
    for lines in batches:
        for line in lines:  # the loop batch spends its time in: kept flat
            number += 1
            if line is None:
                yield number, None, _("the line is longer than {size} KiB").format(size=MAX_LINE // 1024)
                continue
            try:
                data, end = decode(line)
            except (ValueError, RecursionError):
                text = line.strip()
                if not text:
                    continue
                try:  # raw_decode does not skip leading blanks
                    data, end = decode(text)
                    line = text
                except (ValueError, RecursionError):
                    yield number, None, _("not valid JSON")
                    continue
            if not (end == len(line) or line[end:].isspace()):
                yield number, None, _("not valid JSON")
                continue
            # A repeated key needs a colon of its own, so only a line with more colons than keys can
            # have one: checked exactly then, and the common row costs one count.
            if type(data) is dict and line.count(":") > len(data) and (key := _repeated_key(line)) is not None:
                yield number, None, _("the key '{key}' appears twice. Keep only one.").format(key=key)
                continue
            yield number, data, None


def read_csv(stream: TextIO) -> Iterator[tuple[int, Any, str | None]]:
    """CSV with a header row of question ids; several choices in one cell are separated by ';'.

    Rows are read as lists and each record is built once (a DictReader would build a dict first).
    """
    import csv

    reader = csv.reader(stream)
    try:
        header = next(reader, [])
    except csv.Error as exc:
        yield 1, None, _("the header row cannot be read ({reason})").format(reason=exc)
        return
    keys = csv_keys(header)
    repeated = next((name for index, name in enumerate(header) if name in header[:index]), None)
    width = len(keys)
    # Rows are numbered as records, the header being 1; a blank line is no record (as before).
    for number, row in enumerate((row for row in _rows_or_problems(reader) if row != []), 2):
        if isinstance(row, str):
            yield number, None, row
            continue
        if repeated is not None:
            yield number, None, _("the column '{key}' appears twice in the header. Keep only one.").format(key=repeated)
            continue
        if len(row) > width:
            yield number, None, _("the row has more cells than the header")
            continue
        yield number, csv_record(keys, row), None


def csv_keys(header: list[str]) -> list[str]:
    """The header's cells as answer keys: any spelling of 'id' is the id column."""
    return [ID_COLUMN if name.strip().casefold() == ID_COLUMN else name for name in header]


def _rows_or_problems(reader: Any) -> Iterator[list[str] | str]:
    """Each row, or the problem with it: a cell too large for the CSV reader spoils that row only."""
    import csv

    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield _("this row cannot be read ({reason})").format(reason=exc)


Writer = Callable[[int, Any, "Scored | None", str], None]
"""Writes one result row: row number, id, levels (or None), and the problem (or "")."""


def jsonl_writer(out: TextIO, questionnaire: Questionnaire) -> Writer:
    factor_ids = [factor.id for factor in questionnaire.factors]
    # The same few outcomes repeat across millions of rows: each is serialized once.
    endings: dict[Scored, str] = {}

    def ending_for(scored: Scored) -> str:
        ending = endings.get(scored)
        if ending is None:
            factors = dict(zip(factor_ids, scored.factor_levels, strict=True))
            ending = endings[scored] = json.dumps({"level": scored.level, "factors": factors}, ensure_ascii=False)[1:]
        return ending

    def write(row: int, row_id: Any, scored: Scored | None, error: str) -> None:
        shown_id = encode_basestring(row_id) if type(row_id) is str else json.dumps(row_id, ensure_ascii=False)
        ending = '"error": ' + encode_basestring(error) + "}" if scored is None else ending_for(scored)
        out.write(f'{{"row": {row}, "id": {shown_id}, {ending}\n')

    return write


def _inert(cell: Any) -> Any:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe, so it stays text."""
    return "'" + cell if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@") else cell


def csv_writer(out: TextIO, questionnaire: Questionnaire) -> Writer:
    factor_ids = [factor.id for factor in questionnaire.factors]
    import csv

    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["row", ID_COLUMN, "level", *factor_ids, "error"])
    blank = [""] * len(factor_ids)

    def write(row: int, row_id: Any, scored: Scored | None, error: str) -> None:
        writer.writerow(
            [
                row,
                ""
                if row_id is None
                else _inert(row_id if type(row_id) is str else json.dumps(row_id, ensure_ascii=False)),
                "" if scored is None else scored.level,
                *(blank if scored is None else scored.factor_levels),
                _inert(error),
            ]
        )

    return write


def run(
    questionnaire: Questionnaire,
    stream: TextIO,
    out: TextIO,
    *,
    input_format: str,
    output_format: str,
    progress: Callable[[], None] | None = None,
) -> Summary:
    """Score every row and write its result row; never stops at a bad row."""
    rows = read_csv(stream) if input_format == "csv" else read_jsonl(stream)
    write = (csv_writer if output_format == "csv" else jsonl_writer)(out, questionnaire)
    from ..score.fast import RowScorer

    score = RowScorer(questionnaire).score
    summary = Summary()
    levels = summary.levels
    for number, data, problem in rows:  # the loop batch spends its time in: the common row stays inline
        if problem is None and type(data) is dict:
            row_id = data.pop(ID_COLUMN, None)
            try:
                scored = score(data, number)
            except AnswersError:
                data[ID_COLUMN] = row_id  # put back, for outcome() to name the problems
            else:
                write(number, row_id, scored, "")
                levels[scored.level] += 1
                if progress is not None:
                    progress()
                continue
        row_id, failed, error = outcome(score, number, data, problem)
        write(number, row_id, failed, error)
        if failed is None:
            summary.errors += 1
        else:
            levels[failed.level] += 1
        if progress is not None:
            progress()
    return summary


def outcome(score: Callable[[Any, int], Scored], number: int, data: Any, problem: str | None) -> Outcome:
    """One row's id, and its levels or its error ("" when it scored)."""
    row_id = data.pop(ID_COLUMN, None) if type(data) is dict else None
    if problem is None:
        try:
            return row_id, score(data, number), ""
        except AnswersError as exc:
            prefix = f"row {number}: "
            problem = "; ".join(p.removeprefix(prefix) for p in exc.problems)
    return row_id, None, f"row {number}: {problem}"


Outcome = tuple[Any, "Scored | None", str]


def describe(summary: Summary, questionnaire: Questionnaire) -> str:
    counts = ", ".join(f"{summary.levels[level.id]} {level.id}" for level in questionnaire.levels)
    scored = _("Scored {scored} of {rows} rows: {counts}.").format(
        scored=summary.rows - summary.errors, rows=summary.rows, counts=counts
    )
    if not summary.errors:
        no_errors = _("No errors.")
        return f"{scored} {no_errors}"
    errors = ngettext(
        "{count} row had errors (see its error row).", "{count} rows had errors (see their error rows).", summary.errors
    ).format(count=summary.errors)
    return f"{scored} {errors}"


def buffered_stdout() -> TextIO:
    """Standard output with a buffer of its own: with PYTHONUNBUFFERED=1 (set on many machines and
    containers) sys.stdout makes one system call per result row."""
    stdout: TextIO = sys.stdout
    binary = _own_buffer(stdout)
    if binary is None:  # a test runner's capture: keep it
        return stdout
    encoding = getattr(stdout, "encoding", None) or "utf-8"
    return io.TextIOWrapper(binary, encoding=encoding, errors="replace", newline="", write_through=False)


def open_text(raw: BinaryIO) -> TextIO:
    """Text in UTF-8 (BOM tolerated), or UTF-16 or UTF-32 with a BOM; bad bytes are reported per row."""
    from ..safe_yaml import encoding_of

    peek = getattr(raw, "peek", None)
    if peek is not None:
        start = peek(4)[:4]
    elif raw.seekable():
        position = raw.tell()
        start = raw.read(4)
        raw.seek(position)
    else:
        start = b""
    return io.TextIOWrapper(raw, encoding=encoding_of(start), errors="replace", newline="")
