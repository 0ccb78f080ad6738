"""Command line: wires load -> ask -> score -> render, and turns errors into exit codes."""

import gc
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from . import __version__
from .commands import batch, export, history, schema, template, trend, validate
from .commands.check import Format, Options, run
from .commands.options import Questions
from .edge import say, user_errors, writing


class _Boundary(TyperGroup):
    """Every command runs inside the one error boundary (edge.user_errors), entered here, once."""

    def invoke(self, ctx: Any) -> Any:  # a click Context, whose class typer names only privately
        with user_errors(debug=bool(ctx.params.get("debug"))):
            return super().invoke(ctx)


app = typer.Typer(
    cls=_Boundary,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Language(StrEnum):
    en = "en"
    es = "es"


def _version(value: bool) -> None:
    if value:
        from .edge import emit

        emit(f"kratom-check {__version__}\n")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def check(
    ctx: typer.Context,
    answers: Annotated[
        str | None,
        typer.Option(
            "--answers",
            "-a",
            metavar="FILE",
            help="Score this answers file (YAML or JSON; - for standard input) instead of asking.",
        ),
    ] = None,
    output_format: Annotated[Format, typer.Option("--format", "-f", help="Report format.")] = Format.text,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Save the report to FILE (private, mode 0600) instead of printing it; - prints it.",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Let --output and --save-answers replace an existing file.")
    ] = False,
    save_answers: Annotated[
        str | None,
        typer.Option(
            "--save-answers",
            metavar="FILE",
            help="Also save your answers as an answers file (private, mode 0600), to run again or share.",
        ),
    ] = None,
    no_clinician: Annotated[
        bool,
        typer.Option("--no-clinician", help="Leave out the page for your clinician (HTML, Markdown and JSON reports)."),
    ] = False,
    save: Annotated[
        bool,
        typer.Option(
            "--save",
            help="Add this check to your private history on this computer (see: kratom-check history).",
        ),
    ] = False,
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="WHEN",
            help="The date and time the report shows (ISO 8601, like 2026-11-25T17:10+01:00); default: now.",
        ),
    ] = None,
    questions: Questions = None,
    plain: Annotated[bool, typer.Option("--plain", help="No colour or styling.")] = False,
    seed: Annotated[
        str | None,
        typer.Option(
            "--seed",
            metavar="TEXT",
            help="With --format fhir: ids repeatable from TEXT (otherwise random, new each run).",
        ),
    ] = None,
    region: Annotated[
        str | None,
        typer.Option(
            "--region",
            metavar="CC",
            help=(
                "Country of the help numbers: AU, CA, ES, GB (or UK), MX or US (default: from the locale, "
                "like es_MX.UTF-8; with no country there, US numbers; another country: its local emergency number)."
            ),
        ),
    ] = None,
    lang: Annotated[
        Language | None,
        typer.Option(
            "--lang", help="Language of questions and report (default: from LC_ALL, LC_MESSAGES or LANG, else en)."
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show full details of internal errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """A private self-check for people who use kratom: answers in, plain-language cautions out.

    With no --answers, it asks the questions in the terminal. If standard input is not a
    terminal, it reads an answers file from there. An answers file with some answers missing is
    completed by asking those questions in a terminal. Nothing is sent anywhere; nothing is saved
    unless you use --output, --save-answers or --save.
    """
    from . import i18n

    i18n.activate(i18n.choose(lang.value if lang else None))
    if ctx.invoked_subcommand is not None:
        _refuse_options_meant_for_the_check(ctx)
        return
    with writing(i18n._("the report")):
        run(Options(**{name: ctx.params[name] for name in Options._fields}))


# Options of the self-check itself; --lang and --debug apply to every command.
_CHECK_ONLY = Options._fields


def _refuse_options_meant_for_the_check(ctx: typer.Context) -> None:
    """An option given before a command name would be silently ignored: say where it belongs instead."""
    from .errors import UsageError
    from .i18n import _

    name = ctx.invoked_subcommand or ""
    get_command = getattr(ctx.command, "get_command", None)
    command = get_command(ctx, name) if get_command is not None else None
    accepted = {opt for param in (command.params if command is not None else []) for opt in param.opts}
    problems = []
    for param in ctx.command.params:
        source = ctx.get_parameter_source(param.name) if param.name in _CHECK_ONLY else None
        if source is not None and source.name != "DEFAULT":
            option = param.opts[0]
            if option in accepted:
                problems.append(
                    _("{option} goes after the command name: kratom-check {command} {option} ...").format(
                        option=option, command=name
                    )
                )
            else:
                problems.append(
                    _("{option} is an option of the self-check itself; '{command}' does not take it.").format(
                        option=option, command=name
                    )
                )
    if problems:
        raise UsageError(problems)


app.command("validate")(validate.validate)
app.command("schema")(schema.schema)
app.command("template")(template.template)
app.add_typer(export.export_app, name="export")
app.add_typer(history.history_app, name="history")
history.history_app.command("trend")(trend.trend)
app.command("batch")(batch.batch)


def _hint_at_a_file_given_as_a_command(arguments: list[str]) -> None:
    """`kratom-check answers.yaml` most likely means --answers answers.yaml: say so, instead of 'no such command'."""
    first = next((argument for argument in arguments if not argument.startswith("-")), None)
    commands = {info.name for info in app.registered_commands} | {info.name for info in app.registered_groups}
    if first is None or first in commands or arguments.index(first) != 0:
        return
    if first.lower().endswith((".yaml", ".yml", ".json")) or Path(first).is_file():
        from .i18n import _, activate, choose

        activate(choose(None))
        say(_("Error: '{name}' is not a command. Did you mean: kratom-check --answers {name}").format(name=first))
        raise SystemExit(2)


def _own_output_failed(exc: OSError, arguments: list[str]) -> None:
    """The help or the version could not be printed (a full disk, a closed output): say so, no traceback."""
    from .edge import output_failed
    from .i18n import _, activate, choose

    if "--debug" in arguments:
        raise exc
    activate(choose(None))
    if {"-h", "--help"} & set(arguments):
        output_failed(exc, _("the help"))
    elif "--version" in arguments:
        output_failed(exc, _("the version"))
    else:
        output_failed(exc, None)


def main() -> None:
    """Console-script entry point."""
    from .edge import guard_standard_streams

    guard_standard_streams()
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")
    if hasattr(sys.stderr, "reconfigure"):
        sys.stderr.reconfigure(errors="replace")
    # --debug works anywhere on the command line: it is the main command's option, so move it there.
    arguments = sys.argv[1:]
    _hint_at_a_file_given_as_a_command(arguments)
    if "--debug" in arguments:
        arguments = ["--debug", *(argument for argument in arguments if argument != "--debug")]
    if arguments[:1] == ["history"]:
        try:
            with user_errors():  # the listing skips typer, and so the boundary it enters for every command
                if history.quick_listing(arguments[1:]):
                    return
        except typer.Exit as done:
            raise SystemExit(done.exit_code) from None
        finally:
            gc.freeze()
    try:
        app(args=arguments, prog_name="kratom-check")
    except OSError as exc:
        # Only typer's own output gets here (help, --version, a usage error): each command maps its own.
        _own_output_failed(exc, arguments)
        raise SystemExit(2) from None
    finally:
        # Interpreter shutdown runs a full garbage collection over every object typer and pydantic
        # made, which costs a sixth of a short run. Nothing is left to collect: the work is done.
        gc.freeze()
