"""`kratom-check history trend`: each area's level across the saved checks, oldest to newest."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from ..edge import emit, say, writing
from .options import Questions


class TrendFormat(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"


def trend(
    output_format: Annotated[
        TrendFormat, typer.Option("--format", "-f", help="Lines to read, or JSON or CSV for a researcher.")
    ] = TrendFormat.text,
    limit: Annotated[int, typer.Option("--limit", min=0, help="The newest N checks; 0 shows all.")] = 10,
    questions: Questions = None,
) -> None:
    """Your levels over time: the result and each area at each saved check, oldest to newest, with
    the dates of warning signs. It never shows an amount."""
    from ..i18n import _

    with writing(_("the trend")):
        from ..errors import UsageError
        from ..i18n import language
        from ..load.questionnaire import load
        from ..render import trend as shown
        from ..render.history import damaged_note
        from ..render.report import list_width
        from ..score.changes import trend as levels_over_time
        from ..store import history

        if limit == 1:
            raise UsageError(_("--limit: a trend needs 2 checks or more. Use 2 or more, or 0 for all of them."))
        model = load(questions, language())
        checks, damaged = history.recent(model.id, limit or None)
        if damaged:
            say(damaged_note(damaged))
        over_time = levels_over_time(model, checks)
        if output_format is TrendFormat.json:
            emit(shown.json_text(over_time, model.id))
        elif output_format is TrendFormat.csv:
            emit(shown.csv_text(over_time))
        if len(checks) < 2:
            message = shown.too_few(len(checks))
            emit(message + "\n") if output_format is TrendFormat.text else say(message)
        elif output_format is TrendFormat.text:
            width = list_width()
            emit(shown.text(over_time, width=width))
