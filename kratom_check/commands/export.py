"""`kratom-check export ...`: the questionnaire in formats other systems read."""

from enum import StrEnum
from typing import Annotated

import typer

from ..edge import emit, say, writing
from .options import Questions

export_app = typer.Typer(help="Export the questionnaire for other systems.", no_args_is_help=True)


@export_app.command("fhir-questionnaire")
def fhir_questionnaire(
    questions: Questions = None,
) -> None:
    """Print the questionnaire as a FHIR R4 Questionnaire resource (JSON), with its help texts and translations."""
    from ..i18n import _

    with writing(_("the FHIR Questionnaire")):
        import json

        from ..load.questionnaire import load
        from ..render import fhir

        # The same resource whatever the reader's locale: the questionnaire's first language as the text,
        # every other language it declares as translation extensions.
        model = load(questions)
        translations = {language: load(questions, language) for language in model.languages[1:]}
        emit(json.dumps(fhir.questionnaire_resource(model, translations), indent=2, ensure_ascii=False) + "\n")


class Dialect(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


@export_app.command("sql")
def sql(
    dialect: Annotated[Dialect, typer.Option(help="The SQL dialect: duckdb, or spark (Spark SQL, Databricks).")] = (
        Dialect.duckdb
    ),
    table: Annotated[str, typer.Option(help="The table of answers, one row per response (schema.table is fine).")] = (
        "answers"
    ),
    lists: Annotated[
        bool,
        typer.Option(
            "--lists",
            help="Multiple-choice columns hold lists of choices, not text with choices joined by ';'.",
        ),
    ] = False,
    id_column: Annotated[
        str, typer.Option("--id-column", metavar="NAME", help="The column carried to each result row; '' for none.")
    ] = "id",
    questions: Questions = None,
) -> None:
    """Print one SQL query that scores a table of answers: each row's level, each area's level, the
    warning signs and cautions, or an error naming the problem with each question.

    The table has one column per question id. Labels are accepted as in answers files. See docs/scale.md.
    """
    from ..i18n import _

    with writing(_("the SQL query")):
        from ..errors import UsageError
        from ..load.questionnaire import load
        from ..score.sql import export_query

        try:
            import sqlglot  # noqa: F401 - checked here so the message can say how to install it
        except ImportError:
            raise UsageError(
                _("Exporting SQL needs an optional extra. Install it with: {command}").format(
                    command="pip install 'kratom-check[sql]'"
                )
            ) from None
        model = load(questions)
        emit(export_query(model, dialect.value, table=table, lists=lists, id_column=id_column or None))


@export_app.command("form")
def form(
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", metavar="FILE", help="Save the page to FILE (private, mode 0600); - prints it."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
    questions: Questions = None,
) -> None:
    """Make the check as one offline web page: open it in any browser, with no internet and no Python.

    The page asks the same questions and shows the same report. Its security policy lets it load and send
    nothing. Without --output it is printed.
    """
    from ..i18n import _

    with writing(_("the page")):
        from ..errors import visible
        from ..form.build import page
        from ..render import save

        path = None if output is None else save.file_option(output, "--output", save.Kind.page)
        if path is not None:
            save.check_destination(path, force=force, kind=save.Kind.page)
        html = page(questions)
        if path is None:
            emit(html)
            return
        save.write_atomically(path, html, force=force, kind=save.Kind.page)
        say(_("Saved the page to {path}. Open it in a browser.").format(path=visible(str(path))))
