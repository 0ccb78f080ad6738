"""`kratom-check export ...`: the questionnaire in formats other systems read."""

from typing import Annotated

import typer

from ..edge import debug_requested, emit, user_errors

export_app = typer.Typer(help="Export the questionnaire for other systems.", no_args_is_help=True)


@export_app.command("fhir-questionnaire")
def fhir_questionnaire(
    questions: Annotated[str | None, typer.Option("--questions", metavar="FILE", help="Another questionnaire.")] = None,
) -> None:
    """Print the questionnaire as a FHIR R4 Questionnaire resource (JSON), with its help texts and translations."""
    with user_errors(debug=debug_requested()):
        import json

        from ..load.questionnaire import load
        from ..render import fhir

        # The same resource whatever the reader's locale: the questionnaire's first language as the text,
        # every other language it declares as translation extensions.
        model = load(questions)
        translations = {language: load(questions, language) for language in model.languages[1:]}
        emit(json.dumps(fhir.questionnaire_resource(model, translations), indent=2, ensure_ascii=False) + "\n")
