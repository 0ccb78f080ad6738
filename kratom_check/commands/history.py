"""`kratom-check history ...`: list, show again, export or delete the checks saved with --save."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from ..edge import emit, emit_all, say, writing

if TYPE_CHECKING:
    from ..store.history import SavedCheck

history_app = typer.Typer(
    help=(
        "Your private history of checks saved with --save: list them, show one again, see your levels over time, "
        "export or delete it."
    ),
    invoke_without_command=True,
)


class ListFormat(StrEnum):
    text = "text"
    json = "json"


class ExportFormat(StrEnum):
    json = "json"
    csv = "csv"


class ShowFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"


@history_app.callback()
def listing(
    ctx: typer.Context,
    output_format: Annotated[ListFormat, typer.Option("--format", "-f", help="A list to read, or JSON.")] = (
        ListFormat.text
    ),
    limit: Annotated[int, typer.Option("--limit", min=0, help="Show the newest N checks; 0 shows all.")] = 20,
) -> None:
    """List the saved checks, newest first: date, result and each area."""
    if ctx.invoked_subcommand is not None:
        return
    list_checks(output_format, limit)


def quick_listing(arguments: list[str]) -> bool:
    """`kratom-check history [--format F] [--limit N]` without typer's option processing, which alone
    costs more than listing: people run it often. Anything else (help, a command, a typo) returns
    False and goes the usual way, so errors and help read the same."""
    output_format, limit = ListFormat.text, 20
    rest = list(arguments)
    while rest:
        option = rest.pop(0)
        if option in ("--format", "-f") and rest and rest[0] in ListFormat.__members__:
            output_format = ListFormat(rest.pop(0))
        elif option == "--limit" and rest and rest[0].isascii() and rest[0].isdigit():
            limit = int(rest.pop(0))
        else:
            return False
    from ..i18n import activate, choose

    activate(choose(None))
    list_checks(output_format, limit)
    return True


def list_checks(output_format: ListFormat, limit: int) -> None:
    from ..i18n import _

    with writing(_("the list of checks")):
        from ..i18n import language
        from ..load.questionnaire import load
        from ..render import history as shown
        from ..render.report import list_width
        from ..store import history

        model = None if output_format is ListFormat.json else load(None, language())
        _collect_garbage()
        with history.reading(limit=limit or None) as rows:
            listed = [0]
            if model is None:
                head = {"history": str(history.location()), "total": rows.total}
                emit_all(shown.json_document(head, _counted(rows, listed)))
            else:
                width = list_width()
                emit_all(shown.listed(model, _counted(rows, listed), width=width))
            total, damaged = rows.total, rows.damaged
        if damaged:
            say(shown.damaged_note(damaged))
        if model is None:
            return
        if not listed[0]:
            if not damaged:
                say(_("No saved checks. Add one with: kratom-check --save").format())
            return
        if total > listed[0]:
            say(_("{shown} of {total} checks shown. See all with: kratom-check history --limit 0").format(
                shown=listed[0], total=total))  # fmt: skip
        say(_("Show one again with: kratom-check history show NUMBER"))


def _counted(checks: Iterable[SavedCheck], tally: list[int]) -> Iterator[SavedCheck]:
    """The checks as they pass, counted in tally[0]: the history is streamed, so it is never held to count."""
    for check in checks:
        tally[0] += 1
        yield check


def _collect_garbage() -> None:
    """start.py held collection back while loading; a history of any length, streamed, needs it (each
    check's JSON leaves a cycle behind)."""
    import gc

    gc.enable()


@history_app.command("show")
def show(
    ctx: typer.Context,
    number: Annotated[
        int, typer.Argument(metavar="NUMBER", help="The check's number, as `kratom-check history` lists it.")
    ],
    output_format: Annotated[ShowFormat, typer.Option("--format", "-f", help="Report format.")] = ShowFormat.text,
    lang: Annotated[
        str | None,
        typer.Option("--lang", metavar="LANG", help="Language of the report: en or es (default: the check's own)."),
    ] = None,
) -> None:
    """Print a saved check's report again, from its saved answers, in the language it was made in."""
    from ..i18n import _

    with writing(_("the report")):
        from ..errors import UsageError, visible
        from ..i18n import SUPPORTED, activate, language
        from ..load.questionnaire import load
        from ..render.history import level_name
        from ..render.report import rendered
        from ..saved import scored_again, since_the_check_before
        from ..store import history

        if lang is not None and lang not in SUPPORTED:
            raise UsageError(
                _("--lang: '{lang}' is not a language kratom-check speaks. Use one of: {languages}.").format(
                    lang=visible(lang), languages=", ".join(SUPPORTED)
                )
            )
        check = history.one(number)
        if check is None:
            raise UsageError(
                _("There is no saved check number {number}. See the numbers with: kratom-check history").format(
                    number=number
                )
            )
        # --lang here or before the command name wins; otherwise the language the check was made in.
        before_the_command = ctx.find_root().params.get("lang")
        activate(lang or (str(before_the_command.value) if before_the_command else check.language))
        model = load(None, language(), check.region, from_locale=True)  # an unknown code: "any other country"
        if check.questionnaire_id != model.id:
            raise UsageError(
                _("Check {number} was made with another questionnaire ('{id}').").format(
                    number=number, id=visible(check.questionnaire_id)
                )
            )
        assessment = scored_again(model, check, number)
        if check.questionnaire_version != model.version or assessment.level != check.level:
            say(
                _(
                    "Note: check {number} was made with questionnaire {then}; this report uses today's {now}. "
                    "Its result then was: {level}."
                ).format(
                    number=number, then=visible(check.questionnaire_version), now=model.version,
                    level=level_name(model, check.level),
                )
            )  # fmt: skip
        emit(rendered(output_format, since_the_check_before(model, assessment, check), model))


@history_app.command("export")
def export(
    path: Annotated[str, typer.Argument(metavar="FILE", help="Where to write it (private, mode 0600); - prints it.")],
    output_format: Annotated[
        ExportFormat | None, typer.Option("--format", "-f", help="json or csv (default: from the file's name).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
) -> None:
    """Write the whole history to FILE, as JSON or CSV."""
    from ..i18n import _

    with writing(_("the history")):
        from ..errors import visible
        from ..i18n import language
        from ..load.questionnaire import load
        from ..render import history as shown
        from ..render import save as saving
        from ..store import history

        target = saving.file_option(path, "FILE", saving.Kind.export)
        chosen = output_format or (
            ExportFormat.csv if target is not None and target.suffix.lower() == ".csv" else ExportFormat.json
        )
        if target is not None:
            saving.check_destination(target, force=force, kind=saving.Kind.export)
        model = load(None, language()) if chosen is ExportFormat.csv else None
        _collect_garbage()
        with history.reading(newest_first=False) as rows:  # oldest first, as a record reads
            written = [0]
            checks = _counted(rows, written)
            content = shown.json_document({}, checks) if model is None else shown.csv_lines(model, checks, rows.keys)
            if target is None:
                emit_all(content)
            else:
                saving.write_atomically(target, content, force=force, kind=saving.Kind.export)
            damaged = rows.damaged
        if damaged:
            say(shown.damaged_note(damaged))
        if target is not None:
            say(_("Saved {count} checks to {path}").format(count=written[0], path=visible(str(target))))


@history_app.command("forget")
def forget(
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask first (for scripts).")] = False,
) -> None:
    """Delete the whole history from this computer."""
    import sys

    from ..errors import UsageError
    from ..i18n import _
    from ..store import history

    where = history.location()
    if not history.exists():
        say(_("There is no saved history (it would be at {path}).").format(path=where))
        return
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError(_("history forget deletes every saved check. To do it from a script, add --yes."))
        if not _confirmed(_("Delete your whole history at {path}? This cannot be undone.").format(path=where)):
            say(_("Nothing was deleted."))
            return
    path, _existed = history.forget()
    say(_("Deleted your history at {path}.").format(path=path))


def _confirmed(question: str) -> bool:
    """Yes or no at the terminal, in the person's language: Enter means no. Ctrl-C and end of input stop
    with nothing deleted, like every other prompt (exit 130 and 2)."""
    from ..i18n import _

    say(question)
    import sys

    sys.stderr.write(_("Type yes to delete, or press Enter to keep it: "))
    sys.stderr.flush()
    try:
        typed = input().strip().casefold()
    except KeyboardInterrupt:
        say("\n" + _("Stopped. Nothing was deleted."))
        raise typer.Exit(130) from None
    except EOFError:
        say("\n" + _("Nothing was deleted."))
        raise typer.Exit(2) from None
    return typed in {"y", "yes", _("yes").casefold()}
