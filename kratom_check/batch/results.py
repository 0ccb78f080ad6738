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
    """Levels counted and rows that failed, and result rows written (a plain class: cheap to count into)."""

    __slots__ = ("errors", "levels", "written")

    def __init__(self) -> None:
        self.levels: Counter[str] = Counter()
        self.errors = 0
        self.written = 0
        """Result rows written, counted by the writers: the Python engine's just before the one call that
        writes a row (Ctrl-C is taken between calls), the DuckDB engine's with each batch's write, which
        Ctrl-C waits for. A run that is stopped knows exactly how many rows its output holds."""

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


def stopped(summary: Summary) -> str:
    """What a run stopped with Ctrl-C says: how far it got, and that its output is incomplete."""
    if not summary.written:
        return _("Stopped before any row was scored: no results were written.")
    return ngettext(
        "Stopped after {count} row. The results written are incomplete: the rest of the input was not scored.",
        "Stopped after {count} rows. The results written are incomplete: the rest of the input was not scored.",
        summary.written,
    ).format(count=summary.written)
