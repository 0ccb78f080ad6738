"""`kratom-check export ...`: the questionnaire in formats other systems read."""

from typing import Annotated

import typer

from ..edge import debug_requested, emit, user_errors

export_app = typer.Typer(help="Export the questionnaire for other systems.", no_args_is_help=True)


@export_app.command("fhir-questionnaire")
def fhir_questionnaire(
    questions: Annotated[str | None, typer.Option("--questions", metavar="FILE", help="Another questionnaire.")] = None,
) -> None:
    """Print the questionnaire as a FHIR R4 Questionnaire resource (JSON)."""
    with user_errors(debug=debug_requested()):
        import json

        from ..i18n import language
        from ..load.questionnaire import load
        from ..render import fhir

        emit(
            json.dumps(fhir.questionnaire_resource(load(questions, language())), indent=2, ensure_ascii=False)
            + "\n"
        )
