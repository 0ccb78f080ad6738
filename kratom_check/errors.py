"""The only exceptions a user ever sees; the CLI turns each into a message and an exit code."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePath
from typing import TYPE_CHECKING

from .i18n import N_, _, ngettext

if TYPE_CHECKING:
    from .model import Question

MAX_LISTED = 20
"""Problems listed in one message: a screenful. The count says how many there are in all."""


def shown(value: object, limit: int = 60) -> str:
    """Outside text as it may be echoed back: control characters made visible, and long text shortened."""
    text = value if isinstance(value, str) else repr(value)
    visible = "".join(
        f"\\x{ord(char):02x}" if (ord(char) < 32 or 127 <= ord(char) < 160) else char for char in text[: limit * 4]
    )
    return visible if len(visible) <= limit else visible[: limit - 1] + "…"


def visible(value: object) -> str:
    """Outside text shown whole, with control characters made visible: a path, or a value from the history."""
    text = value if isinstance(value, str) else str(value) if isinstance(value, PurePath) else repr(value)
    return "".join(f"\\x{ord(char):02x}" if (ord(char) < 32 or 127 <= ord(char) < 160) else char for char in text)


def quoted_list(names: list[str]) -> str:
    """'a', 'b' ... and N more: names from outside, shown safely and never more than a screenful."""
    listed = ", ".join(f"'{shown(name)}'" for name in names[:MAX_LISTED])
    if len(names) > MAX_LISTED:
        listed += " " + _("and {count} more").format(count=len(names) - MAX_LISTED)
    return listed


def allowed(question: Question) -> str:
    """The choice ids a question takes, as every message about an answer lists them."""
    ids = ", ".join(question.choice_ids)
    if question.kind == "multiple":
        return _("one or more of: {ids}").format(ids=ids)
    return _("one of: {ids}").format(ids=ids)


class KratomCheckError(Exception):
    """A problem the user can fix. Carries every problem found, so one run reports them all."""

    exit_code = 2
    heading = N_("There is a problem.")

    def __init__(self, problems: str | Iterable[str]) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__(self.message)

    @property
    def message(self) -> str:
        if len(self.problems) == 1:
            return self.problems[0]
        listed = "\n".join(f"  - {problem}" for problem in self.problems[:MAX_LISTED])
        more = len(self.problems) - MAX_LISTED
        if more > 0:
            listed += "\n  - " + ngettext(
                "and {count} more problem: fix these first, then run again.",
                "and {count} more problems: fix these first, then run again.",
                more,
            ).format(count=more)
        count = ngettext("{count} problem", "{count} problems", len(self.problems)).format(count=len(self.problems))
        return f"{_(self.heading)} ({count})\n{listed}"


class QuestionnaireError(KratomCheckError):
    """The questionnaire file cannot be used as it is."""

    heading = N_("The questionnaire file has problems.")


class AnswersError(KratomCheckError):
    """The answers given cannot be scored as they are."""

    heading = N_("The answers have problems. No report was made.")


class OutputError(KratomCheckError):
    """The report could not be written where the user asked."""

    heading = N_("The report was not saved.")


class HistoryError(KratomCheckError):
    """The private history could not be read or written (the report itself is never lost to it)."""

    heading = N_("The history could not be used.")


class HistoryBusy(HistoryError):
    """Another kratom-check is saving to the history right now: waiting longer may be enough."""


class UsageError(KratomCheckError):
    """The command line asks for something the command cannot do as written."""

    heading = N_("The command line has problems.")


class Stopped(Exception):  # a way to end, like KeyboardInterrupt, not an error
    """The person typed the stop key during the questions: end without a report, as Ctrl-C does."""
