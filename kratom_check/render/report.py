"""The report in the format asked for, and what a terminal adds: styles, a short recap kept last in
view, and the warning the interview shows the moment an answer calls for care today."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..model import Questionnaire
    from ..score.reference import Assessment

READABLE_WIDTH = 100
"""Reports wrap at the terminal's width, but never wider than this: long lines are hard to read."""


def rendered(
    output_format: str, assessment: Assessment, model: Questionnaire, *, width: int = 80, seed: str | None = None
) -> str:
    """One report by its --format name (json, markdown, html, fhir; text otherwise), each renderer
    imported only when asked for."""
    if output_format == "json":
        from . import data

        return data.json_text(assessment, model)
    if output_format == "markdown":
        from . import markdown

        return markdown.markdown(assessment, model)
    if output_format == "html":
        from . import html

        return html.page(assessment, model)
    if output_format == "fhir":
        from . import fhir

        return fhir.bundle_json(assessment, model, seed=seed)
    from . import text

    return text.plain_text(assessment, model, width=width)


def readable(columns: int) -> int:
    """A terminal's width as a report uses it: at least 20 columns, at most READABLE_WIDTH."""
    return max(20, min(columns, READABLE_WIDTH))


def terminal_width() -> int:
    import shutil

    return readable(shutil.get_terminal_size((80, 24)).columns)


def list_width() -> int:
    """A history list's or trend's width: the terminal's, at least 40 columns (a row needs its date and
    level side by side), at most READABLE_WIDTH."""
    import shutil

    return max(40, min(shutil.get_terminal_size((80, 24)).columns, READABLE_WIDTH))


def recap_text(assessment: Assessment, *, width: int | None = None) -> str:
    from .text import recap_lines, wrap_lines

    return "\n".join("\n".join(wrap_lines(line, width or terminal_width())) for line in recap_lines(assessment))


def styled_text(assessment: Assessment, model: Questionnaire) -> str:
    """Rich is imported only here: a terminal gets styles, files and pipes get plain text fast."""
    from rich.console import Console, Group
    from rich.text import Text

    from .text import recap_lines, text

    console = Console(highlight=False, emoji=False)
    console.width = min(console.width, READABLE_WIDTH)
    recap = Text("\n").join(
        Text(line, style="bold" if number == 0 else "") for number, line in enumerate(recap_lines(assessment))
    )
    with console.capture() as captured:
        console.print(Group(text(assessment, model), Text(""), recap), crop=False)
    return captured.get()


def warning_for(model: Questionnaire) -> Callable[[dict[str, tuple[str, ...]]], list[tuple[str, str]]]:
    """What the interview shows the moment an answer calls for care today: scored from the answers so far."""
    from ..score.reference import score
    from .text import heading, help_now_lines, numbers_together

    def warning(chosen: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
        lines = [(marker, numbers_together(text)) for marker, text in help_now_lines(score(model, chosen))]
        return [("", heading("lead", model)), *lines] if lines else []

    return warning
