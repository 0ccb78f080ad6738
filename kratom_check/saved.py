"""Where the opt-in history meets the report: a check saved and compared with the last one, the saved
levels for the report's chart, and a saved check scored again. store/ only reads and writes checks and
imports no stage; this module, above it and the stages, puts them together for the commands."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import HistoryError, visible

if TYPE_CHECKING:
    from .model import Questionnaire
    from .score.reference import Assessment
    from .store.history import SavedCheck


def save_in_history(model: Questionnaire, assessment: Assessment, *, wait: float | None = None) -> Assessment:
    """Add this check to the private history; the report then says so, and what changed since last time.
    Waits up to `wait` seconds (default: history.BUSY_SECONDS) for another save, then raises HistoryBusy."""
    from .ask.answers import as_contract
    from .i18n import language
    from .score.changes import compared
    from .score.reference import areas_asked
    from .store import history

    _id, previous = history.add(
        made=assessment.made,
        questionnaire_id=model.id,
        questionnaire_version=model.version,
        language=language(),
        region=model.region.code if model.region else None,
        answers=as_contract(dict(assessment.answers), model),
        level=assessment.level,
        areas={factor.id: factor.level for factor in assessment.factors if factor.id in areas_asked(model, assessment)},
        wait=history.BUSY_SECONDS if wait is None else wait,
    )
    return compared(model, assessment._replace(saved_in=visible(str(history.location()))), previous)


def compared_without_waiting(model: Questionnaire, assessment: Assessment) -> Assessment:
    """What changed since the last check, read without waiting for the save that holds the history."""
    from .score.changes import compared
    from .store import history

    try:
        previous = history.latest(model.id, wait=history.QUICK_SECONDS)
    except HistoryError:
        return assessment
    return compared(model, assessment, previous)


def with_trend(model: Questionnaire, assessment: Assessment) -> Assessment:
    """The assessment with the saved checks' levels over time, this one last, for the report's chart: only
    with two checks or more. A problem reading them spoils the chart, never the report."""
    from .render.trend import CHART_CHECKS
    from .score.changes import trend
    from .store import history

    try:
        checks, _damaged = history.recent(model.id, CHART_CHECKS, wait=history.QUICK_SECONDS)
    except HistoryError:
        return assessment
    return assessment._replace(trend=trend(model, checks)) if len(checks) >= 2 else assessment


def scored_again(model: Questionnaire, check: SavedCheck, number: int) -> Assessment:
    """A saved check's result made again from its saved answers, by today's questionnaire and rules."""
    from .ask import answers
    from .i18n import _
    from .score.reference import score
    from .store import history

    checked = answers.check(model, check.answers, _("saved check {number}").format(number=number), partial=True)
    return score(model, checked.values)._replace(
        made=check.made, unanswered=checked.missing, saved_in=visible(str(history.location()))
    )


def since_the_check_before(model: Questionnaire, assessment: Assessment, check: SavedCheck) -> Assessment:
    """A saved check's assessment with what changed since the check saved before it."""
    from .score.changes import compared
    from .store import history

    try:
        earlier = history.latest(check.questionnaire_id, before=check.id)
    except HistoryError:
        earlier = None  # a damaged earlier check spoils the comparison, never the report
    return compared(model, assessment, earlier)
