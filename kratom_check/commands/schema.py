"""`kratom-check schema`: the questionnaire format, or the answers file format, as JSON Schema."""

from typing import Annotated

import typer

from ..edge import emit, writing
from .options import Questions


def schema(
    answers: Annotated[
        bool, typer.Option("--answers", help="The answers file format instead (from this questionnaire).")
    ] = False,
    questions: Questions = None,
) -> None:
    """Print the JSON Schema of the questionnaire format.

    It is generated from the same models that check questions.yaml. With --answers, print the
    schema of an answers file instead: every question id and its allowed choice ids.
    """
    from ..i18n import _

    with writing(_("the schema")):
        if answers:
            from ..ask.answers import json_schema_text as answers_schema_text
            from ..load.questionnaire import load

            emit(answers_schema_text(load(questions)))
        else:
            from ..load.questionnaire import json_schema_text

            emit(json_schema_text())
