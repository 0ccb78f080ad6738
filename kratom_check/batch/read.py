"""Reading, as the Python engine reads: the input opened, and its JSON Lines or CSV rows, each with
its row number and either its data or the problem that makes it an error row."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from ..contract import csv_record
from ..errors import AnswersError
from ..i18n import _
from .lines import MAX_LINE, line_batches
from .results import ID_COLUMN

Row = tuple[int, Any, str | None]
"""(row number, data or None, problem or None)."""


def open_input(file: str) -> BinaryIO:
    """The input file, or standard input for '-'; a file that cannot be opened is the user's error."""
    if file == "-":
        return sys.stdin.buffer
    try:
        return Path(file).open("rb")
    except OSError as exc:
        raise AnswersError(f"{file}: cannot read this file ({exc.strerror or exc}).") from None


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


def read_jsonl(stream: TextIO) -> Iterator[Row]:
    """(row number, parsed object or None, problem) for each non-empty line."""
    return jsonl_rows(line_batches(stream))


def jsonl_rows(batches: Iterable[list[str | None]], first: int = 1) -> Iterator[Row]:
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


def read_csv(stream: TextIO, *, first: int = 2) -> Iterator[Row]:
    """CSV with a header row of question ids; several choices in one cell are separated by ';'.

    Rows are read as lists and each record is built once (a DictReader would build a dict first).
    Rows numbered before `first` are read past, not built.
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
    ids = [index for index, key in enumerate(keys) if key == ID_COLUMN][::-1]  # the last one given wins
    # Rows are numbered as records, the header being 1; a blank line is no record (as before).
    for number, row in enumerate((row for row in _rows_or_problems(reader) if row != []), 2):
        if number < first:
            continue
        if isinstance(row, str):
            yield number, None, row
            continue
        if repeated is not None:
            yield number, None, _("the column '{key}' appears twice in the header. Keep only one.").format(key=repeated)
            continue
        if len(row) > width:
            yield number, None, _("the row has more cells than the header")
            continue
        record = csv_record(keys, row)
        if ids:
            with_id(record, ids, row)
        yield number, record, None


def with_id(record: dict[str, Any], ids: list[int], row: list[str]) -> None:
    """The id as its cell holds it, never trimmed or split as an answer is: an empty cell is no id."""
    if len(ids) == 1:  # the common case, kept short: batch reads millions of rows
        cell = row[ids[0]] if ids[0] < len(row) else ""
    else:
        cell = next((row[index] for index in ids if index < len(row) and row[index]), "")
    if cell:
        record[ID_COLUMN] = cell
    else:
        record.pop(ID_COLUMN, None)


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
