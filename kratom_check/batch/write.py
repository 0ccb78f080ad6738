"""Writing, as the Python engine writes: one JSON Lines or CSV result row for each row read, and
standard output with a buffer of its own."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

from .results import ID_COLUMN, Summary

if TYPE_CHECKING:
    from ..model import Questionnaire
    from ..score.fast import Scored

Writer = Callable[[int, Any, "Scored | None", str], None]
"""Writes one result row: row number, id, levels (or None), and the problem (or "")."""


def jsonl_writer(out: TextIO, questionnaire: Questionnaire, summary: Summary, *, header: bool = True) -> Writer:
    """JSON Lines results, each counted in summary.written (they have no header: `header` is for a
    writer chosen by format)."""
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
        line = f'{{"row": {row}, "id": {shown_id}, {ending}\n'
        summary.written += 1  # just before the one call that writes it (see Summary.written)
        out.write(line)

    return write


def inert(cell: Any) -> Any:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe, so it stays text."""
    return "'" + cell if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@") else cell


def csv_writer(out: TextIO, questionnaire: Questionnaire, summary: Summary, *, header: bool = True) -> Writer:
    """CSV results, each counted in summary.written."""
    factor_ids = [factor.id for factor in questionnaire.factors]
    import csv

    writer = csv.writer(out, lineterminator="\n")
    if header:
        writer.writerow(["row", ID_COLUMN, "level", *factor_ids, "error"])
    blank = [""] * len(factor_ids)
    writerow = writer.writerow

    def write(row: int, row_id: Any, scored: Scored | None, error: str) -> None:
        cells = [
            row,
            "" if row_id is None else inert(row_id if type(row_id) is str else json.dumps(row_id, ensure_ascii=False)),
            "" if scored is None else scored.level,
            *(blank if scored is None else scored.factor_levels),
            inert(error),
        ]
        summary.written += 1  # just before the one call that writes it (see Summary.written)
        writerow(cells)

    return write


def buffered_stdout() -> TextIO:
    """Standard output with a buffer of its own: with PYTHONUNBUFFERED=1 (set on many machines and
    containers) sys.stdout makes one system call per result row."""
    stdout: TextIO = sys.stdout
    binary = _own_buffer(stdout)
    if binary is None:  # a test runner's capture: keep it
        return stdout
    encoding = getattr(stdout, "encoding", None) or "utf-8"
    return io.TextIOWrapper(binary, encoding=encoding, errors="replace", newline="", write_through=False)


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
