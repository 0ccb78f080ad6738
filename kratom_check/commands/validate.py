"""`kratom-check validate`: check a questionnaire file the way an author needs."""

from typing import Annotated

import typer

from ..edge import emit, say, writing


def validate(
    file: Annotated[
        str | None,
        typer.Argument(metavar="[FILE]", help="Questionnaire file to check (default: the packaged one; - for stdin)."),
    ] = None,
) -> None:
    """Check a questionnaire file and list every problem at once.

    Problems name the file, line and field. Warnings point at parts that can never take effect.
    Exit 0 when the file can be used (warnings do not fail it), 2 when it has problems.
    """
    from ..i18n import _

    with writing(_("the result of the check")):
        from pathlib import Path

        from .. import authoring
        from ..errors import QuestionnaireError
        from ..load import languages, questionnaire

        model = questionnaire.load_checked(file)
        warnings = authoring.warnings(model)
        if file != "-":
            source = Path(file) if file else questionnaire.packaged_path()
            missing, stale = languages.coverage_problems(model, source)
            if missing:
                raise QuestionnaireError(missing)
            warnings += stale
        for warning in warnings:
            say(f"Warning: {warning}")
        name = "standard input" if file == "-" else (file or str(questionnaire.packaged_path()))
        summary = f"{name}: OK: {len(model.questions)} questions, {len(model.cautions)} cautions"
        emit(summary + (f", {len(warnings)} warnings" if warnings else "") + "\n")
