"""The bounded line reader: a text stream's lines in batches, in flat memory however long a line is;
and whether a file has a line longer than a limit, without reading it all."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

MAX_LINE = 64 * 1024
"""The longest line read whole; a longer one is an error row, and is never held whole."""
CHUNK = 64 * 1024


def line_batches(stream: TextIO) -> Iterator[list[str | None]]:
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


def has_a_line_longer_than(path: str, limit: int) -> bool:
    """Whether a line of the file is longer than `limit` bytes. DuckDB's parallel CSV reader may lose
    such a line (longer than its buffer) before it stops, so the engine reads such a file on one thread.
    A longer line spans a whole window of `limit` bytes, so a find and an rfind in each window tell: on
    a memory map, they touch only the few pages they read."""
    import mmap

    with Path(path).open("rb") as raw:
        size = os.fstat(raw.fileno()).st_size
        if size <= limit:
            return False
        with mmap.mmap(raw.fileno(), 0, access=mmap.ACCESS_READ) as data:
            last = -1  # the position of the last newline
            for start in range(0, size, limit):
                end = min(start + limit, size)
                first = data.find(b"\n", start, end)
                if (end if first < 0 else first) - last - 1 > limit:
                    return True
                if first >= 0:
                    last = data.rfind(b"\n", start, end)
            return size - last - 1 > limit
