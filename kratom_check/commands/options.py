"""Options more than one command takes, declared once: one name, one metavar, one help text."""

from typing import Annotated

import typer

Questions = Annotated[str | None, typer.Option("--questions", metavar="FILE", help="Use another questionnaire file.")]
"""--questions: a questionnaire file instead of the packaged one (every command that loads one)."""
