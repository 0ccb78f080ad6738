"""One response in, its result out: the scorer as a plain function, for Spark, Dask, Ray or a DuckDB UDF.

    from kratom_check import score_row
    score_row(row)  # question id -> answer, as in an answers file (docs/scale.md shows one)

It is pure (no I/O after the questionnaire's first load, no clock, no state between calls) and gives
what `batch` and the exported SQL give for a row: the level, each area's level, the warning signs
and cautions, or the error. See docs/scale.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any, TypedDict

from .model import Questionnaire

ID_KEY = "id"


class RowResult(TypedDict):
    id: Any
    level: str | None
    factors: dict[str, str] | None
    warning_signs: list[str] | None
    cautions: list[str] | None
    error: str | None


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and value != value


@cache
def _questionnaire(path: str | None) -> Questionnaire:
    from .load.questionnaire import load

    return load(path, "en")


def score_row(row: Mapping[str, Any], *, cells: bool = False, questions: str | None = None) -> RowResult:
    """Score one response.

    `row` maps question ids to answers as an answers file gives them (a choice id or label; a list for
    several), plus an optional "id" (any capitals) that is handed back. None, NaN or a missing key is
    no answer. With `cells=True` a text answer is a CSV cell: trimmed, empty for none, several choices
    joined by ';' (a list stays a list).
    `questions` is another questionnaire file (default: the one kratom-check ships).

    An invalid row is not an exception: its result has an `error` naming each problem, and no levels.
    """
    from .contract import check, csv_record
    from .errors import AnswersError
    from .score.reference import score

    questionnaire = _questionnaire(questions)
    # No answer: None, or NaN (how pandas and Dask read an empty cell).
    data = {key: value for key, value in row.items() if value is not None and not _is_nan(value)}
    id_keys = [key for key in data if isinstance(key, str) and key.strip().casefold() == ID_KEY]
    row_id = data.pop(id_keys[0]) if len(id_keys) == 1 else None
    if cells:  # text is a CSV cell; a list (a Parquet or Spark list column) is already the choices
        texts = [key for key, value in data.items() if isinstance(value, str)]
        data.update(csv_record(texts, [data.pop(key) for key in texts]))
    try:
        checked = check(questionnaire, data, "row")
    except AnswersError as exc:
        problems = [problem.removeprefix("row: ") for problem in exc.problems]
        return RowResult(
            id=row_id, level=None, factors=None, warning_signs=None, cautions=None, error="; ".join(problems)
        )
    assessment = score(questionnaire, checked.values)
    return RowResult(
        id=row_id,
        level=assessment.level,
        factors={factor.id: factor.level for factor in assessment.factors},
        warning_signs=[flag.id for flag in assessment.red_flags],
        cautions=[caution.id for caution in assessment.cautions],
        error=None,
    )
