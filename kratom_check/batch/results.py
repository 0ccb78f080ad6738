"""What every batch stage shares: the id column, one row's outcome, and the summary of a run."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import AnswersError
from ..i18n import _, ngettext

if TYPE_CHECKING:
    from ..model import Questionnaire
    from ..score.fast import Scored

ID_COLUMN = "id"


class Summary:
    """Levels counted and rows that failed (a plain class: cheap to make and to count into)."""

    def __init__(self) -> None:
        self.levels: Counter[str] = Counter()
        self.errors = 0

    @property
    def rows(self) -> int:
        return sum(self.levels.values()) + self.errors


Outcome = tuple[Any, "Scored | None", str]
"""One row's id, and its levels or its error ("" when it scored)."""


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
