"""The self-check itself: answers (asked, read, or both) → score → a report that stays in view."""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import typer

from ..edge import emit, notice_if_waiting, say

if TYPE_CHECKING:
    from ..ask.answers import CheckedAnswers
    from ..errors import HistoryError
    from ..model import Questionnaire
    from ..score.reference import Assessment
    from ..store.history import SavedCheck

READABLE_WIDTH = 100
"""Reports wrap at the terminal's width, but never wider than this: long lines are hard to read."""


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
    from ..errors import OutputError, UsageError
    from ..i18n import _, language, territory
    from ..load.questionnaire import load
    from ..render import save as saving
    from ..score.reference import score

    output, save_answers = _destinations(options)
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
    checked, interviewed = _answers(model, options)
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
        from ..store import history

        try:
            assessment = save_in_history(model, assessment, wait=history.QUICK_SECONDS)
        except HistoryBusy:
            save_later = True  # another save holds the history: the report comes first, then the save waits
            assessment = _compared_without_waiting(model, assessment)
        except HistoryError as problem:
            history_problem = problem
        else:
            if options.output_format is Format.html:  # the chart of levels over time
                assessment = with_trend(model, assessment)
    on_terminal = sys.stdout.isatty()
    if output is not None:
        content = render(options.output_format, assessment, model, seed=options.seed)
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


def _destinations(options: Options) -> tuple[Path | None, Path | None]:
    """Where the report and the answers go, checked before any question is asked: (None: standard output)."""
    from ..errors import OutputError, UsageError
    from ..i18n import _
    from ..render import save as saving

    output = None if options.output is None else saving.file_option(options.output, "--output", saving.Kind.report)
    if output is not None:
        saving.check_destination(output, force=options.force)
    else:
        from ..edge import standard_output_closed

        if standard_output_closed():
            raise OutputError(
                _("Standard output is closed, so the report has nowhere to go. Save it with: --output FILE")
            )
    if options.save_answers is None:
        return output, None
    save_answers = saving.file_option(options.save_answers, "--save-answers", saving.Kind.answers)
    if save_answers is None:
        raise UsageError(
            _("--save-answers needs a file name, like answers.yaml (standard output, '-', is for reports).")
        )
    if output is not None and save_answers.resolve() == output.resolve():
        raise UsageError(_("--save-answers and --output name the same file ({path}). Give each its own name.")
                         .format(path=_visible(output)))  # fmt: skip
    saving.check_destination(save_answers, force=options.force, kind=saving.Kind.answers)
    return output, save_answers


def _visible(path: Path) -> str:
    from ..errors import visible

    return visible(str(path))


def _compared_without_waiting(model: Questionnaire, assessment: Assessment) -> Assessment:
    """What changed since the last check, read without waiting for the save that holds the history."""
    from ..errors import HistoryError
    from ..store import history

    try:
        previous = history.latest(model.id, wait=history.QUICK_SECONDS)
    except HistoryError:
        return assessment
    return compared(model, assessment, previous)


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


def save_in_history(model: Questionnaire, assessment: Assessment, *, wait: float | None = None) -> Assessment:
    """Add this check to the private history; the report then says so, and what changed since last time.
    Waits up to `wait` seconds (default: history.BUSY_SECONDS) for another save, then raises HistoryBusy."""
    from ..ask.answers import as_contract
    from ..i18n import language
    from ..score.reference import areas_asked
    from ..store import history

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
    return compared(model, assessment._replace(saved_in=_visible(history.location())), previous)


def with_trend(model: Questionnaire, assessment: Assessment) -> Assessment:
    """The assessment with the saved checks' levels over time, this one last, for the report's chart: only
    with two checks or more. A problem reading them spoils the chart, never the report."""
    from ..errors import HistoryError
    from ..render.trend import CHART_CHECKS
    from ..score.changes import trend
    from ..store import history

    try:
        checks, _damaged = history.recent(model.id, CHART_CHECKS, wait=history.QUICK_SECONDS)
    except HistoryError:
        return assessment
    return assessment._replace(trend=trend(model, checks)) if len(checks) >= 2 else assessment


def compared(model: Questionnaire, assessment: Assessment, previous: SavedCheck | None) -> Assessment:
    """The assessment with what changed since an earlier saved check (unchanged without one)."""
    from ..score.changes import since_last

    if previous is None:
        return assessment
    try:
        since = since_last(model, assessment, previous.made, previous.level, previous.areas, previous.answers)
    except (ValueError, TypeError, KeyError, AttributeError):
        return assessment  # an earlier check saved in an odd shape spoils the comparison, never the report
    return assessment._replace(since_last=since)


def _answers(model: Questionnaire, options: Options) -> tuple[CheckedAnswers, bool]:
    """The answers and whether a person typed some: asked, read from a file, or a partial file completed."""
    from ..ask import answers
    from ..i18n import _

    at_terminal = sys.stdin.isatty()
    if options.answers is None and at_terminal:
        return _interview(model, options, given=None), True
    if options.answers in (None, "-"):
        notice_if_waiting(_("Waiting for an answers file on standard input (end it with Ctrl-D; Ctrl-C stops)."))
    path = options.answers or "-"
    if not at_terminal or path == "-":
        return answers.load(model, path), False
    checked = answers.load(model, path, partial=True)
    if not checked.missing:
        return checked, False
    say(_("{path} has no answer for some questions. Please answer them now.").format(path=path))
    for warning in checked.warnings:
        say(_("Note: {warning}").format(warning=warning))
    return _interview(model, options, given=checked.values), True


def _interview(model: Questionnaire, options: Options, *, given: dict[str, tuple[str, ...]] | None) -> CheckedAnswers:
    from rich.console import Console

    from ..ask import answers
    from ..ask.interview import interview
    from ..ask.terminal import line_reader
    from ..i18n import _

    console = Console(stderr=True, color_system=None if options.plain else "auto", highlight=False, emoji=False)
    outcome = interview(model, console, line_reader(), given=given, warning=warning_for(model))
    raw = answers.as_contract(outcome.answers, model)
    return answers.check(model, raw, _("your answers"), partial=True)


def warning_for(model: Questionnaire) -> Callable[[dict[str, tuple[str, ...]]], list[tuple[str, str]]]:
    """What the interview shows the moment an answer calls for care today: scored from the answers so far."""
    from ..render.text import heading, help_now_lines, numbers_together
    from ..score.reference import score

    def warning(chosen: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
        lines = [(marker, numbers_together(text)) for marker, text in help_now_lines(score(model, chosen))]
        return [("", heading("lead", model)), *lines] if lines else []

    return warning


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


def answers_file(model: Questionnaire, checked: CheckedAnswers, made: str) -> str:
    """The answers as an answers file (the public contract), to run again, share or score later."""
    import yaml

    from ..ask.answers import as_contract
    from ..i18n import _

    header = [
        "# " + _("{title}: answers file (version {version}).").format(title=model.title, version=model.version),
        "# " + _("Saved on {date}. Run it again with: kratom-check --answers this-file.yaml").format(date=made),
    ]
    if checked.missing:
        header.append("# " + _("Some questions have no answer yet: kratom-check will ask them in a terminal."))
    body = yaml.safe_dump(as_contract(checked.values, model), sort_keys=False, allow_unicode=True)
    return "\n".join(header) + "\n" + (body if checked.values else "{}\n")


def render(
    output_format: Format, assessment: Assessment, model: Questionnaire, *, width: int = 80, seed: str | None = None
) -> str:
    from ..render import text as report

    if output_format is Format.json:
        from ..render import data

        return data.json_text(assessment, model)
    if output_format is Format.markdown:
        from ..render import markdown

        return markdown.markdown(assessment, model)
    if output_format is Format.html:
        from ..render import html

        return html.page(assessment, model)
    if output_format is Format.fhir:
        from ..render import fhir

        return fhir.bundle_json(assessment, model, seed=seed)
    return report.plain_text(assessment, model, width=width)


def _width() -> int:
    import shutil

    return max(20, min(shutil.get_terminal_size((80, 24)).columns, READABLE_WIDTH))


def _print_report(options: Options, assessment: Assessment, model: Questionnaire) -> None:
    """On a terminal a text report ends with a short recap, so the result is the last thing in view."""
    text_on_terminal = options.output_format is Format.text and sys.stdout.isatty()
    if text_on_terminal and not options.plain:
        emit(_styled_text(assessment, model))
        return
    rendered = render(options.output_format, assessment, model, width=_width(), seed=options.seed)
    if text_on_terminal:
        rendered += "\n" + _recap_text(assessment) + "\n"
    emit(rendered)


def _recap_text(assessment: Assessment, *, width: int | None = None) -> str:
    from ..render.text import recap_lines, wrap_lines

    return "\n".join("\n".join(wrap_lines(line, width or _width())) for line in recap_lines(assessment))


def _styled_text(assessment: Assessment, model: Questionnaire) -> str:
    """Rich is imported only here: a terminal gets styles, files and pipes get plain text fast."""
    from rich.console import Console, Group
    from rich.text import Text

    from ..render import text as report

    console = Console(highlight=False, emoji=False)
    console.width = min(console.width, READABLE_WIDTH)
    recap = Text("\n").join(
        Text(line, style="bold" if number == 0 else "") for number, line in enumerate(report.recap_lines(assessment))
    )
    with console.capture() as captured:
        console.print(Group(report.text(assessment, model), Text(""), recap), crop=False)
    return captured.get()


def _recap_on_standard_error(assessment: Assessment) -> None:
    """The report went to a file: a person at the terminal still sees the result and what to do."""
    import os

    if sys.stderr.isatty():
        width = max(20, min(os.get_terminal_size(sys.stderr.fileno()).columns, READABLE_WIDTH))
        say("\n" + _recap_text(assessment, width=width))
