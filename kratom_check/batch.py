"""Score many answer sets in one streaming pass: one result row out for each row in."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO, TextIO

from . import answers as answers_module
from .errors import AnswersError
from .i18n import _, ngettext
from .model import Questionnaire
from .scoring import score_levels

ID_COLUMN = "id"
MULTIPLE_SEPARATOR = ";"
MAX_LINE = 64 * 1024


@dataclass
class Summary:
    levels: Counter[str] = field(default_factory=Counter)
    errors: int = 0

    @property
    def rows(self) -> int:
        return sum(self.levels.values()) + self.errors


def read_jsonl(stream: TextIO) -> Iterator[tuple[int, Any, str | None]]:
    """(row number, parsed object or None, problem) for each non-empty line."""
    for number, line in enumerate(stream, 1):
        if not line.strip():
            continue
        if len(line) > MAX_LINE:
            yield number, None, _("the line is longer than {size} KiB").format(size=MAX_LINE // 1024)
            continue
        try:
            yield number, json.loads(line), None
        except (ValueError, RecursionError):
            yield number, None, _("not valid JSON")


def read_csv(stream: TextIO) -> Iterator[tuple[int, Any, str | None]]:
    """CSV with a header row of question ids; several choices in one cell are separated by ';'."""
    reader = csv.DictReader(stream)
    for number, row in enumerate(reader, 2):
        record: dict[str, Any] = {}
        for key, cell in row.items():
            if key is None:
                yield number, None, _("the row has more cells than the header")
                break
            value = (cell or "").strip()
            if not value:
                continue
            parts = [part.strip() for part in value.split(MULTIPLE_SEPARATOR) if part.strip()]
            record[key] = parts if len(parts) > 1 else parts[0]
        else:
            yield number, record, None


def score_rows(questionnaire: Questionnaire, rows: Iterable[tuple[int, Any, str | None]]) -> Iterator[dict[str, Any]]:
    """Result rows: level and per-factor levels, or the row's problem; never stops at a bad row."""
    factor_ids = [factor.id for factor in questionnaire.factors]
    for number, data, problem in rows:
        row_id = data.pop(ID_COLUMN, None) if isinstance(data, dict) else None
        if problem is None:
            try:
                checked = answers_module.check(questionnaire, data, f"row {number}")
            except AnswersError as exc:
                prefix = f"row {number}: "
                problem = "; ".join(p.removeprefix(prefix) for p in exc.problems)
            else:
                levels = score_levels(questionnaire, checked.values)
                yield {
                    "row": number,
                    "id": row_id,
                    "level": levels.level,
                    "factors": dict(zip(factor_ids, levels.factor_levels, strict=True)),
                }
                continue
        yield {"row": number, "id": row_id, "error": f"row {number}: {problem}"}


def jsonl_writer(out: TextIO, _questionnaire: Questionnaire) -> Callable[[dict[str, Any]], None]:
    def write(result: dict[str, Any]) -> None:
        out.write(json.dumps(result, ensure_ascii=False) + "\n")

    return write


def csv_writer(out: TextIO, questionnaire: Questionnaire) -> Callable[[dict[str, Any]], None]:
    factor_ids = [factor.id for factor in questionnaire.factors]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["row", ID_COLUMN, "level", *factor_ids, "error"])

    def write(result: dict[str, Any]) -> None:
        factors = result.get("factors", {})
        row_id = result["id"]
        writer.writerow(
            [
                result["row"],
                "" if row_id is None else row_id,
                result.get("level", ""),
                *(factors.get(f, "") for f in factor_ids),
                result.get("error", ""),
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
    rows = read_csv(stream) if input_format == "csv" else read_jsonl(stream)
    write = (csv_writer if output_format == "csv" else jsonl_writer)(out, questionnaire)
    summary = Summary()
    for result in score_rows(questionnaire, rows):
        write(result)
        if "error" in result:
            summary.errors += 1
        else:
            summary.levels[result["level"]] += 1
        if progress is not None:
            progress()
    return summary


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


def open_text(raw: BinaryIO) -> TextIO:
    """Text with a UTF-8 BOM tolerated and bad bytes reported per row rather than crashing."""
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
