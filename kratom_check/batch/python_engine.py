"""The Python engine: every row read, scored by score/fast.py and written, in one streaming pass."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TextIO

from ..errors import AnswersError
from .read import Row, open_input, open_text, read_csv, read_jsonl
from .results import ID_COLUMN, Summary, outcome
from .write import Writer, csv_writer, jsonl_writer

if TYPE_CHECKING:
    from ..model import Questionnaire


def run(
    questionnaire: Questionnaire,
    stream: TextIO,
    out: TextIO,
    *,
    input_format: str,
    output_format: str,
    progress: Callable[[], None] | None = None,
    summary: Summary | None = None,
) -> Summary:
    """Score every row and write its result row; never stops at a bad row. The summary counts each row
    once it is written (pass one in to know how far a run got if it is stopped)."""
    summary = Summary() if summary is None else summary
    rows = read_csv(stream) if input_format == "csv" else read_jsonl(stream)
    write = (csv_writer if output_format == "csv" else jsonl_writer)(out, questionnaire, summary)
    return score_rows(questionnaire, rows, write, progress=progress, summary=summary)


def rest_of_csv(questionnaire: Questionnaire, path: str, first: int, write: Writer, summary: Summary) -> None:
    """Score a CSV file's rows from row number `first` on, as this engine reads them: for the DuckDB
    engine, which hands over the rest of a file at a row it cannot read as this engine does."""
    with open_text(open_input(path)) as stream:
        score_rows(questionnaire, read_csv(stream, first=first), write, summary=summary)


def score_rows(
    questionnaire: Questionnaire,
    rows: Iterable[Row],
    write: Writer,
    *,
    progress: Callable[[], None] | None = None,
    summary: Summary | None = None,
) -> Summary:
    """Score each row read and write its result row."""
    from ..score.fast import RowScorer
    from .ctrl_c import check, pressed

    score = RowScorer(questionnaire).score
    summary = Summary() if summary is None else summary
    levels = summary.levels
    for number, data, problem in rows:  # the loop batch spends its time in: the common row stays inline
        if pressed():  # Ctrl-C while watched: stop between rows, each one written whole and counted
            check()
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
