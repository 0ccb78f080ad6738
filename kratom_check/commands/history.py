"""`kratom-check history ...`: list, show again, export or delete the checks saved with --save."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..edge import debug_requested, emit, say, user_errors

if TYPE_CHECKING:
    from ..model import Questionnaire
    from ..store.history import SavedCheck

history_app = typer.Typer(
    help="Your private history of checks saved with --save: list them, show one again, export or delete it.",
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
    with user_errors(debug=debug_requested()):
        from ..i18n import _, language
        from ..load.questionnaire import load
        from ..store import history

        checks, total, damaged = history.newest(limit or None)
        _say_damaged(damaged)
        if output_format is ListFormat.json:
            import json

            document = {"history": str(history.location()), "total": total, "checks": [_as_dict(c) for c in checks]}
            emit(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
            return
        if not checks:
            say(_("No saved checks. Add one with: kratom-check --save").format())
            return
        import shutil
        import textwrap

        model = load(None, language())
        width = max(40, min(shutil.get_terminal_size((80, 24)).columns, 100))
        lines: list[str] = []
        for check in checks:
            lines.append(f"#{check.id}  {check.made[:16].replace('T', ' ')}  {_level_name(model, check.level)}")
            areas = " · ".join(
                f"{factor.title}: {_level_name(model, check.areas[factor.id])}"
                for factor in model.factors
                if factor.id in check.areas
            )
            lines.extend(textwrap.wrap(areas, width=width, initial_indent="    ", subsequent_indent="    "))
        emit("\n".join(lines) + "\n")
        if total > len(checks):
            say(_("{shown} of {total} checks shown. See all with: kratom-check history --limit 0").format(
                shown=len(checks), total=total))  # fmt: skip
        say(_("Show one again with: kratom-check history show NUMBER"))


@history_app.command("show")
def show(
    number: Annotated[
        int, typer.Argument(metavar="NUMBER", help="The check's number, as `kratom-check history` lists it.")
    ],
    output_format: Annotated[ShowFormat, typer.Option("--format", "-f", help="Report format.")] = ShowFormat.text,
) -> None:
    """Print a saved check's report again, from its saved answers."""
    with user_errors(debug=debug_requested()):
        from ..commands.check import Format, render
        from ..errors import UsageError
        from ..i18n import _, language
        from ..load.questionnaire import load
        from ..score.reference import score
        from ..store import history

        check = history.one(number)
        if check is None:
            raise UsageError(
                _("There is no saved check number {number}. See the numbers with: kratom-check history").format(
                    number=number
                )
            )
        model = load(None, language(), check.region, from_locale=True)  # an unknown code: "any other country"
        if check.questionnaire_id != model.id:
            raise UsageError(
                _("Check {number} was made with another questionnaire ('{id}').").format(
                    number=number, id=check.questionnaire_id
                )
            )
        from ..ask import answers

        checked = answers.check(model, check.answers, _("saved check {number}").format(number=number), partial=True)
        assessment = score(model, checked.values)._replace(made=check.made, unanswered=checked.missing)
        if check.questionnaire_version != model.version or assessment.level != check.level:
            say(
                _(
                    "Note: check {number} was made with questionnaire {then}; this report uses today's {now}. "
                    "Its result then was: {level}."
                ).format(
                    number=number, then=check.questionnaire_version, now=model.version,
                    level=_level_name(model, check.level),
                )
            )  # fmt: skip
        emit(render(Format(output_format.value), assessment, model))


@history_app.command("export")
def export(
    path: Annotated[Path, typer.Argument(metavar="FILE", help="Where to write it (private, mode 0600); - prints it.")],
    output_format: Annotated[
        ExportFormat | None, typer.Option("--format", "-f", help="json or csv (default: from the file's name).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
) -> None:
    """Write the whole history to FILE, as JSON or CSV."""
    with user_errors(debug=debug_requested()):
        from ..i18n import _, language
        from ..load.questionnaire import load
        from ..render import save as saving
        from ..store import history

        chosen = output_format or (ExportFormat.csv if path.suffix.lower() == ".csv" else ExportFormat.json)
        to_stdout = str(path) == "-"  # "-" means standard output everywhere
        if not to_stdout:
            saving.check_destination(path, force=force)
        checks, total, damaged = history.newest(None)
        _say_damaged(damaged)
        total -= len(damaged)
        checks.reverse()  # oldest first, as a record reads
        content = _csv(checks, load(None, language())) if chosen is ExportFormat.csv else _json(checks)
        if to_stdout:
            emit(content)
            return
        saving.write_atomically(path, content, force=force)
        say(_("Saved {count} checks to {path}").format(count=total, path=path))


@history_app.command("forget")
def forget(
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask first (for scripts).")] = False,
) -> None:
    """Delete the whole history from this computer."""
    with user_errors(debug=debug_requested()):
        import sys

        from ..errors import UsageError
        from ..i18n import _
        from ..store import history

        where = history.location()
        if not where.exists():
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


def _say_damaged(numbers: list[int]) -> None:
    from ..i18n import ngettext

    if numbers:
        listed = ", ".join(str(number) for number in numbers)
        say(
            ngettext(
                "Note: saved check {numbers} is damaged and was left out. The others are shown.",
                "Note: saved checks {numbers} are damaged and were left out. The others are shown.",
                len(numbers),
            ).format(numbers=listed)
        )


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


def _level_name(model: Questionnaire, level_id: str) -> str:
    return model.level(level_id).name if level_id in model.level_rank else level_id


def _as_dict(check: SavedCheck) -> dict[str, Any]:
    return {
        "number": check.id,
        "made": check.made,
        "questionnaire": {"id": check.questionnaire_id, "version": check.questionnaire_version},
        "language": check.language,
        "region": check.region,
        "level": check.level,
        "areas": check.areas,
        "answers": check.answers,
    }


def _json(checks: list[SavedCheck]) -> str:
    import json

    return json.dumps({"checks": [_as_dict(check) for check in checks]}, indent=2, ensure_ascii=False) + "\n"


def _csv(checks: list[SavedCheck], model: Questionnaire) -> str:
    """One row per check; areas and answers each get a column (lists joined with ';'), in the
    questionnaire's order, so every export has the same header (ids it no longer has come last)."""
    import csv
    import io

    areas = list(dict.fromkeys([factor.id for factor in model.factors] + [k for c in checks for k in c.areas]))
    questions = list(dict.fromkeys([q.id for q in model.questions] + [k for c in checks for k in c.answers]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["number", "made", "questionnaire_id", "questionnaire_version", "language", "region", "level"]
        + [f"area_{area}" for area in areas]
        + questions
    )
    for check in checks:
        answers = [check.answers.get(question) for question in questions]
        writer.writerow(
            [check.id, check.made, check.questionnaire_id, check.questionnaire_version, check.language,
             check.region or "", check.level]
            + [check.areas.get(area, "") for area in areas]
            + [";".join(answer) if isinstance(answer, list) else (answer or "") for answer in answers]
        )  # fmt: skip
    return buffer.getvalue()
