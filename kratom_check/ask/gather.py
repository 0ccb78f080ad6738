"""The answers from where they are: a file or standard input, a person at the terminal, or a partial
file that a person completes. Both ways end the same: answers checked by the one contract."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..edge import notice_if_waiting, say
from ..i18n import _

if TYPE_CHECKING:
    from ..contract import CheckedAnswers
    from ..model import Questionnaire
    from .interview import HelpNow

WarningFor = Callable[["Questionnaire"], "HelpNow"]
"""Makes the interview's warning for a questionnaire: it is scored and rendered, which ask/ does not do,
so the caller hands it in; it is made only if a person is asked."""


def gathered(
    model: Questionnaire, path: str | None, *, plain: bool, warning_for: WarningFor
) -> tuple[CheckedAnswers, bool]:
    """The answers and whether a person typed some: asked, read from a file, or a partial file completed."""
    from . import answers

    at_terminal = sys.stdin.isatty()
    if path is None and at_terminal:
        return _interview(model, plain=plain, given=None, warning_for=warning_for), True
    if path in (None, "-"):
        notice_if_waiting(_("Waiting for an answers file on standard input (end it with Ctrl-D; Ctrl-C stops)."))
    path = path or "-"
    if not at_terminal or path == "-":
        return answers.load(model, path), False
    checked = answers.load(model, path, partial=True)
    if not checked.missing:
        return checked, False
    say(_("{path} has no answer for some questions. Please answer them now.").format(path=path))
    for warning in checked.warnings:
        say(_("Note: {warning}").format(warning=warning))
    return _interview(model, plain=plain, given=checked.values, warning_for=warning_for), True


def _interview(
    model: Questionnaire, *, plain: bool, given: dict[str, tuple[str, ...]] | None, warning_for: WarningFor
) -> CheckedAnswers:
    from rich.console import Console

    from . import answers
    from .interview import interview
    from .terminal import line_reader

    console = Console(stderr=True, color_system=None if plain else "auto", highlight=False, emoji=False)
    outcome = interview(model, console, line_reader(), given=given, warning=warning_for(model))
    raw = answers.as_contract(outcome.answers, model)
    return answers.check(model, raw, _("your answers"), partial=True)
