"""`kratom-check template`: an answers file to fill in, with every question and its allowed ids."""

from enum import StrEnum
from typing import Annotated

import typer

from ..edge import emit, writing
from .options import Questions


class TemplateFormat(StrEnum):
    yaml = "yaml"
    json = "json"


def template(
    output_format: Annotated[TemplateFormat, typer.Option("--format", "-f", help="yaml (with comments) or json.")] = (
        TemplateFormat.yaml
    ),
    questions: Questions = None,
) -> None:
    """Print an answers file to fill in, with every question and its ids.

    Fill it in, then score it with: kratom-check --answers FILE
    """
    from ..i18n import _

    with writing(_("the answers template")):
        from ..ask.answers import template_json, template_yaml
        from ..i18n import language
        from ..load.questionnaire import load

        model = load(questions, language())
        emit(template_yaml(model) if output_format is TemplateFormat.yaml else template_json(model))
