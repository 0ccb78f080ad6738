"""The self-check itself: answers (asked, read, or both) → score → a report that stays in view."""

from __future__ import annotations

import sys
from contextlib import suppress
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import typer

from ..edge import emit, say

if TYPE_CHECKING:
    from ..errors import HistoryError
    from ..model import Questionnaire
    from ..score.reference import Assessment


class Format(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"
    fhir = "fhir"


class Options(NamedTuple):
    answers: str | None
    output_format: Format
    output: str | None
    force: bool
    questions: str | None
    plain: bool
    seed: str | None
    save_answers: str | None
    date: str | None
    region: str | None = None
    save: bool = False
    no_clinician: bool = False


def run(options: Options) -> None:
    from ..ask.answers import answers_file
    from ..ask.gather import gathered
    from ..errors import OutputError, UsageError
    from ..i18n import _, language, territory
    from ..load.questionnaire import load
    from ..render import save as saving
    from ..render.report import rendered, warning_for
    from ..score.reference import score

    output, save_answers = saving.destinations(options.output, options.save_answers, force=options.force)
    if options.save and options.date is not None:
        raise UsageError(
            _(
                "--date and --save cannot be used together: --date sets the time a report shows, and a check "
                "saved in your history keeps the time it was really made. Leave out one of them."
            )
        )
    made = made_at(options.date)
    region, from_locale = (options.region, False) if options.region else (territory(), True)
    model = load(options.questions, language(), region, from_locale=from_locale)
    checked, interviewed = gathered(model, options.answers, plain=options.plain, warning_for=warning_for)
    for warning in checked.warnings:
        say(_("Note: {warning}").format(warning=warning))
    if save_answers is not None:
        saving.write_atomically(
            save_answers, answers_file(model, checked, made), force=options.force, kind=saving.Kind.answers
        )
        say(_("Saved your answers to {path}").format(path=_visible(save_answers)))
    assessment = score(model, checked.values)._replace(made=made, unanswered=checked.missing)
    if options.no_clinician:
        from ..score.reference import without_clinician

        assessment = without_clinician(assessment)
    history_problem, save_later = None, False
    if options.save:
        from ..errors import HistoryBusy, HistoryError
        from ..saved import compared_without_waiting, save_in_history, with_trend
        from ..store import history

        try:
            assessment = save_in_history(model, assessment, wait=history.QUICK_SECONDS)
        except HistoryBusy:
            save_later = True  # another save holds the history: the report comes first, then the save waits
            assessment = compared_without_waiting(model, assessment)
        except HistoryError as problem:
            history_problem = problem
        else:
            if options.output_format is Format.html:  # the chart of levels over time
                assessment = with_trend(model, assessment)
    on_terminal = sys.stdout.isatty()
    if output is not None:
        content = rendered(options.output_format, assessment, model, seed=options.seed)
        try:
            saving.write_atomically(output, content, force=options.force)
        except OutputError as problem:
            if not interviewed:
                raise
            # The answers came from a person: the report must not be lost with the file.
            _print_report(options, assessment, model)
            say(_("The report was not saved: {problem} It is shown above instead.").format(problem=problem.message))
            raise typer.Exit(2) from None
        say(_("Saved the report to {path}").format(path=_visible(output)))
        _recap_on_standard_error(assessment)
    else:
        _print_report(options, assessment, model)
        if interviewed and not on_terminal:
            _recap_on_standard_error(assessment)
    if save_later:
        history_problem = _save_after_the_report(model, assessment, output)
    if history_problem is not None:
        # The report is out; the history's problem is said last, where it is seen, and the exit code tells scripts.
        say(_("Error: {message}").format(message=history_problem.message))
        say(_complete(output))
        raise typer.Exit(history_problem.exit_code)


def _visible(path: Path) -> str:
    from ..errors import visible

    return visible(str(path))


def _complete(output: Path | None) -> str:
    """Where the finished report is, said after a problem with the history."""
    from ..i18n import _

    if output is None:
        return _("The report above is complete.")
    return _("The report in {path} is complete.").format(path=_visible(output))


def _save_after_the_report(model: Questionnaire, assessment: Assessment, output: Path | None) -> HistoryError | None:
    """Save the check once the other save is done, the report already out. Ctrl-C, SIGTERM or a closed
    terminal meanwhile end the wait and save nothing; the report stays as it was printed."""
    from ..errors import HistoryError
    from ..i18n import _
    from ..render.save import stopping_cleanly
    from ..saved import save_in_history
    from ..store import history

    try:
        with stopping_cleanly():
            say(_("Saving to your history…"))
            save_in_history(model, assessment, wait=history.BUSY_SECONDS)
    except HistoryError as problem:
        return problem
    except (KeyboardInterrupt, SystemExit) as stop:
        with suppress(OSError):  # a closed terminal (SIGHUP) takes standard error with it
            stopped = _("Stopped. {complete} This check was not saved in your history.")
            say("\n" + stopped.format(complete=_complete(output)))
        code = stop.code if isinstance(stop, SystemExit) and isinstance(stop.code, int) else 130
        raise typer.Exit(code) from None
    say(_("Saved this check in your private history ({path}).").format(path=_visible(history.location())))
    return None


def now() -> datetime:
    """The clock, in local time with its offset (tests set it here)."""
    return datetime.now().astimezone()


def made_at(date: str | None) -> str:
    """When the report is made: now, or --date for a reproducible report. ISO 8601 with its UTC offset."""
    from ..errors import UsageError, shown
    from ..i18n import _

    if date is None:
        return now().isoformat(timespec="seconds")
    try:
        when = datetime.fromisoformat(date.strip().replace("Z", "+00:00"))
        if not 1900 <= when.year <= 2100:
            raise ValueError(date)
        local = when.astimezone() if when.tzinfo is None else when
        offset = local.utcoffset()
        if offset is not None and offset.seconds % 60:
            local = local.astimezone(UTC)  # old local-mean-time offsets have seconds; FHIR allows none
        return local.isoformat("T", "seconds")
    except (ValueError, OverflowError, OSError):
        raise UsageError(
            _(
                "--date: '{date}' is not a date and time. Use ISO 8601, like 2026-11-25T17:10+01:00 "
                "or 2026-11-25 (a time without an offset is local time), between the years 1900 and 2100."
            ).format(date=shown(date))
        ) from None


def _print_report(options: Options, assessment: Assessment, model: Questionnaire) -> None:
    """On a terminal a text report ends with a short recap, so the result is the last thing in view."""
    from ..render import report

    text_on_terminal = options.output_format is Format.text and sys.stdout.isatty()
    if text_on_terminal and not options.plain:
        emit(report.styled_text(assessment, model))
        return
    shown = report.rendered(options.output_format, assessment, model, width=report.terminal_width(), seed=options.seed)
    if text_on_terminal:
        shown += "\n" + report.recap_text(assessment) + "\n"
    emit(shown)


def _recap_on_standard_error(assessment: Assessment) -> None:
    """The report went to a file: a person at the terminal still sees the result and what to do."""
    import os

    if sys.stderr.isatty():
        from ..render import report

        width = report.readable(os.get_terminal_size(sys.stderr.fileno()).columns)
        say("\n" + report.recap_text(assessment, width=width))
