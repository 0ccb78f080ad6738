"""Ask the questions one at a time in a terminal. Produces raw answers for answers.check().

A person may be scared, in withdrawal or on a small screen: a warning sign is acted on as soon as
it is picked, every answer can be taken back, and nothing is lost to a slip of the finger.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

from ..conditions import is_asked
from ..errors import Stopped, shown
from ..i18n import _
from ..model import Question, Questionnaire
from .answers import ChoiceLookup, lookups

if TYPE_CHECKING:
    from rich.console import Console

Chosen = dict[str, tuple[str, ...]]
Reader = Callable[[str], str]
"""Reads one typed line after showing a prompt (input() with line editing, or a test's script)."""
HelpNow = Callable[[Chosen], Sequence[tuple[str, str]]]
"""What to do right away for the answers so far, as (marker, text) with the heading first; or nothing."""

PROMPT = "> "
HELP = "?"
_SHORTCUTS = {"y": "yes", "s": "yes", "si": "yes", "sí": "yes", "n": "no"}


class Keys(NamedTuple):
    """The letters that steer the interview, in the person's language (English ones work too)."""

    back: str
    stop: str
    review: str
    go_on: str


def keys() -> Keys:
    return Keys(
        # Translators: one letter, typed to go back one question ("back").
        back=_("b"),
        # Translators: one letter, typed to stop the check ("quit"). Must differ from the yes/no letters.
        stop=_("q"),
        # Translators: one letter, typed to see and change the answers ("review").
        review=_("r"),
        # Translators: one letter, typed to go on answering after a warning ("continue").
        go_on=_("c"),
    )


_ENGLISH = Keys(back="b", stop="q", review="r", go_on="c")


class Outcome(NamedTuple):
    answers: Chosen
    complete: bool
    """False when the person asked for the report straight after a warning sign."""


class Interview:
    """One person's way through the questions, with the answers they have given so far."""

    def __init__(
        self,
        questionnaire: Questionnaire,
        console: Console,
        read: Reader,
        *,
        given: Mapping[str, tuple[str, ...]] | None = None,
        warning: HelpNow | None = None,
    ) -> None:
        self.questionnaire = questionnaire
        self.console = console
        self.read = read
        self.chosen: Chosen = dict(given or {})
        # With given answers only what is missing is asked: optional questions left out stay out,
        # but a follow-up that a new answer opens is asked.
        self.seen: set[str] = set(self.chosen) | {
            question.id
            for question in questionnaire.questions
            if given is not None and not question.required and is_asked(question, self.chosen)
        }
        self.warning = warning
        self.warned = False
        self.keys = keys()
        self.lookups = lookups(questionnaire)

    # -- the walk ------------------------------------------------------------------------------

    def run(self, *, only_unanswered: bool = False) -> Outcome:
        """Every question that applies (or only those without an answer), then a review, then done."""
        from rich.markup import escape

        if not only_unanswered:
            self.console.print(f"[bold]{escape(self.questionnaire.title)}[/bold]")
            self.console.print(escape(self.questionnaire.intro))
        elif self._warn_if_urgent(may_change=False) == "report":  # the given answers may hold a warning sign
            return self._outcome()
        elif self.warned:
            # "Finish the check first" after a warning sign in given answers (a file saved when the report
            # was asked for early): optional questions the person never saw are offered too; Enter skips.
            self.seen = set(self.chosen)
        if self._walk(0, only_unanswered=only_unanswered) == "report":
            return self._outcome()
        self._review(hurried=self.warned)
        self.console.print()
        return self._outcome()

    def _walk(self, start: int, *, only_unanswered: bool, may_leave: bool = False) -> str:
        """Ask from question `start` on. Returns "done", "report" (report now) or "left" (backed out)."""
        questions = self.questionnaire.questions
        history: list[int] = []
        index = start
        returned_to: int | None = None  # a question gone back to is asked again, answered or not
        while index < len(questions):
            question = questions[index]
            if not is_asked(question, self.chosen):
                self.chosen.pop(question.id, None)
                self.seen.discard(question.id)  # if a changed answer brings it back, it is asked again
                index += 1
                continue
            if only_unanswered and question.id in self.seen and index != returned_to:
                index += 1
                continue
            step = self._ask(question, index, first=not history, may_leave=may_leave)
            if step == "back":
                if not history:
                    return "left"
                index = returned_to = history.pop()
                continue
            history.append(index)
            if step == "answered":
                decision = self._warn_if_urgent()
                if decision == "report":
                    return "report"
                if decision == "change":
                    index = returned_to = history.pop()
                    continue
            index += 1
        return "done"

    def _ask(self, question: Question, index: int, *, first: bool, may_leave: bool) -> str:
        """Show one question and read until it is answered. Returns "answered", "skipped" or "back"."""
        from rich.markup import escape

        previous = self.chosen.get(question.id)
        self._show(question, index, previous)
        while True:
            typed = self.read(PROMPT).strip()
            if self._is(typed, "stop"):
                raise Stopped
            if self._asks_for_help(typed, question):
                why = _("Why we ask:")
                self.console.print(f"[cyan]{escape(why)}[/cyan] {escape(question.help)}")
                continue
            if self._is(typed, "back"):
                if first and not may_leave:
                    self.console.print(escape(_("This is the first question. There is nothing to go back to.")))
                    continue
                return "back"
            if not typed:
                if previous:
                    self._keep(question, previous)
                    return "answered"
                if not question.required:
                    self.chosen.pop(question.id, None)
                    self.seen.add(question.id)
                    return "skipped"
                self.console.print(f"[yellow]{escape(_needed())}[/yellow]")
                continue
            answer, problem = parse_typed(question, typed, self.lookups[question.id])
            if problem:
                self.console.print(f"[yellow]{escape(problem)}[/yellow]")
                continue
            self._keep(question, answer)
            return "answered"

    def _keep(self, question: Question, answer: tuple[str, ...]) -> None:
        self.chosen[question.id] = answer
        self.seen.add(question.id)

    def _asks_for_help(self, typed: str, question: Question) -> bool:
        """? or the word help (in either language), unless it names one of this question's choices."""
        # Translators: a word a person may type at a question to see why it is asked.
        words = {HELP, "help", _("help").casefold()}
        return typed.casefold() in words and _word_choice(question, typed, self.lookups[question.id]) is None

    def _is(self, typed: str, key: str) -> bool:
        return typed.casefold() in {getattr(self.keys, key), getattr(_ENGLISH, key)}

    # -- a warning sign --------------------------------------------------------------------------

    def _warn_if_urgent(self, *, may_change: bool = True) -> str:
        """After an answer: if it calls for care today, say what to do now and let the person choose.

        Returns "report" (Enter: the report now), "go_on" (finish the check) or "change" (take it back).
        """
        from rich.markup import escape

        if self.warned or self.warning is None:
            return "go_on"
        lines = list(self.warning(self._applicable_answers()))
        if not lines:
            return "go_on"
        self.console.print()
        (_marker, heading), *body = lines
        self.console.print(f"[bold red]{escape(heading)}[/bold red]")
        for marker, line in body:
            self.console.print(_hanging(marker, line), style="bold")
        self.console.print()
        hint = (
            _("Enter = see your full report now, {go_on} = finish the check first, {back} = change your answer")
            if may_change
            else _("Enter = see your full report now, {go_on} = finish the check first")
        ).format(go_on=self.keys.go_on, back=self.keys.back)
        self.console.print(f"[dim]{escape(hint)}[/dim]")
        while True:
            typed = self.read(PROMPT).strip()
            if not typed:
                return "report"
            if self._is(typed, "stop"):
                raise Stopped
            if self._is(typed, "go_on"):
                self.warned = True
                return "go_on"
            if may_change and self._is(typed, "back"):
                return "change"
            self.console.print(f"[yellow]{escape(hint)}[/yellow]")

    # -- review -----------------------------------------------------------------------------------

    def _review(self, *, hurried: bool) -> None:
        """One line per answer; a number changes that answer; Enter goes on to the result."""
        from rich.markup import escape

        if hurried:
            ask = _("Press Enter to see your result, or type {review} to review your answers.")
            self.console.print()
            self.console.print(f"[dim]{escape(ask.format(review=self.keys.review))}[/dim]")
            while True:
                typed = self.read(PROMPT).strip()
                if not typed:
                    return
                if self._is(typed, "stop"):
                    raise Stopped
                if self._is(typed, "review"):
                    break
                self.console.print(f"[yellow]{escape(ask.format(review=self.keys.review))}[/yellow]")
        while True:
            rows = self._review_rows()
            self.console.print()
            title = _("Your answers")
            self.console.print(f"[bold]{escape(title)}[/bold]")
            width = max(20, self.console.width)
            for number, (_question, line) in enumerate(rows, 1):
                self.console.print(escape(_one_line(f"{number:>2}. {line}", width)), soft_wrap=True)
            hint = _("Type a number to change that answer. Enter = see your result.")
            self.console.print(f"[dim]{escape(hint)}[/dim]")
            while True:
                typed = self.read(PROMPT).strip()
                if not typed:
                    gaps = self._gaps()
                    if not gaps:
                        return
                    # A needed question is still open (a changed answer brought it back): ask it first.
                    self.seen.difference_update(gaps)
                    if self._walk(0, only_unanswered=True) == "report":
                        return
                    break
                if self._is(typed, "stop"):
                    raise Stopped
                if re.fullmatch(r"[0-9]{1,3}", typed) and 1 <= int(typed) <= len(rows):
                    if self._change(rows[int(typed) - 1][0]) == "report":
                        return
                    break
                again = _("Type a number from 1 to {count}, or press Enter.").format(count=len(rows))
                self.console.print(f"[yellow]{escape(again)}[/yellow]")

    def _review_rows(self) -> list[tuple[Question, str]]:
        rows = []
        for question in self.questionnaire.questions:
            if not is_asked(question, self.chosen):
                continue
            chosen = self.chosen.get(question.id)
            labels = (
                "; ".join(choice.label for choice_id in chosen if (choice := question.choice(choice_id)))
                if chosen
                else (_("(not answered yet)") if question.required else _("(skipped)"))
            )
            rows.append((question, f"{question.short or question.text}: {labels}"))
        return rows

    def _change(self, question: Question) -> str:
        """Ask one question again, then any follow-up its new answer opens; b leaves it as it was."""
        index = self.questionnaire.questions.index(question)
        self.seen.discard(question.id)
        try:
            return self._walk(index, only_unanswered=True, may_leave=True)
        finally:
            self.seen.add(question.id)

    # -- showing ------------------------------------------------------------------------------------

    def _show(self, question: Question, index: int, previous: tuple[str, ...] | None) -> None:
        from rich.markup import escape

        applicable = [q for q in self.questionnaire.questions if is_asked(q, self.chosen)]
        position = sum(1 for q in applicable if self.questionnaire.questions.index(q) < index) + 1
        console = self.console
        console.print()
        counter = _("Question {position} of {total}").format(position=position, total=len(applicable))
        console.print(f"[dim]{escape(counter)}[/dim]")
        console.print(f"[bold]{escape(question.text)}[/bold]")
        if question.ruler:
            # The choices are the numbers themselves: one line, typed as they read.
            console.print("  " + "  ".join(choice.label for choice in question.choices))
        else:
            digits = len(str(len(question.choices)))
            for number, choice in enumerate(question.choices, 1):
                console.print(_hanging(f"  {number:>{digits}}.", choice.label))
        if previous:
            picked = "; ".join(
                f"{number}. {choice.label}"
                for number, choice in enumerate(question.choices, 1)
                if choice.id in previous
            )
            kept = _("Your answer: {answer} (Enter keeps it)").format(answer=picked)
            console.print(escape(kept), style="cyan")
        if question.ruler:
            how = _ruler_hint(question)
        elif question.kind == "multiple":
            how = _("Type one or more numbers, like 1,3.")
        else:
            how = _("Type a number.")
        extras = [
            _("{key} = why we ask").format(key=HELP),
            _("{key} = go back").format(key=self.keys.back),
            _("{key} = stop").format(key=self.keys.stop),
        ]
        if not question.required and not previous:
            extras.append(_("Enter = skip"))
        console.print(f"[dim]{escape(how)} ({escape(', '.join(extras))})[/dim]")

    def _gaps(self) -> list[str]:
        """Required questions that apply and have no answer."""
        answers = self._applicable_answers()
        return [
            question.id
            for question in self.questionnaire.questions
            if question.required and question.id not in answers and is_asked(question, answers)
        ]

    def _outcome(self) -> Outcome:
        return Outcome(self._applicable_answers(), not self._gaps())

    def _applicable_answers(self) -> Chosen:
        return {
            question.id: self.chosen[question.id]
            for question in self.questionnaire.questions
            if question.id in self.chosen and is_asked(question, self.chosen)
        }


def _needed() -> str:
    return _("This question cannot be skipped: your result depends on it. Type a number.")


def _hanging(marker: str, text: str) -> object:
    """A marker and text whose wrapped lines stay under the text, not under the marker."""
    from rich.table import Table

    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(marker, text)
    return grid


def _one_line(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def interview(
    questionnaire: Questionnaire,
    console: Console,
    read: Reader,
    *,
    given: Mapping[str, tuple[str, ...]] | None = None,
    warning: HelpNow | None = None,
) -> Outcome:
    """Walk the questions that apply (with given answers: only the missing ones), then review them."""
    session = Interview(questionnaire, console, read, given=given, warning=warning)
    return session.run(only_unanswered=given is not None)


def parse_typed(
    question: Question, typed: str, lookup: ChoiceLookup | None = None
) -> tuple[tuple[str, ...], str | None]:
    """What a person typed -> choice ids, or a one-line reason to type it again.

    Numbers, choice ids and labels (any capitals, either language) are accepted, as in answers files.
    """
    count = len(question.choices)
    whole = _word_choice(question, typed.strip(), lookup)
    if whole is not None:
        return (whole,), None
    if question.ruler:  # a ruler's numbers are its choices, never their positions
        return (), _ruler_hint(question)
    parts = [part.strip() for part in typed.split(",")] if "," in typed else [typed.strip()]
    tokens: list[str] = []
    for part in parts:
        if _word_choice(question, part, lookup) is not None:
            tokens.append(part)
        else:
            tokens.extend(token for token in re.split(r"\s+", part) if token)
    if not tokens:
        return (), _("Please type a number from 1 to {count}.").format(count=count)
    picked: list[str] = []
    for token in tokens:
        choice_id = _token_choice(question, token, lookup)
        if choice_id is None:
            return (), _("'{typed}' is not one of the choices. Type a number from 1 to {count}.").format(
                typed=shown(token), count=count
            )
        if choice_id not in picked:
            picked.append(choice_id)
    if question.kind != "multiple" and len(picked) > 1:
        return (), _("Please pick just one number for this question.")
    exclusive = [choice.label for choice in question.choices if choice.exclusive and choice.id in picked]
    if exclusive and len(picked) > 1:
        return (), _('"{choice}" cannot be picked with other choices.').format(choice=exclusive[0])
    return tuple(picked), None


def _ruler_hint(question: Question) -> str:
    return _("Type a number from {low} to {high}.").format(low=question.choices[0].id, high=question.choices[-1].id)


def _token_choice(question: Question, token: str, lookup: ChoiceLookup | None) -> str | None:
    if re.fullmatch(r"[0-9]{1,6}", token):  # ASCII digits only: "²" and "٣" are digits to isdigit(), not to int()
        number = int(token)
        return question.choices[number - 1].id if 1 <= number <= len(question.choices) else None
    return _word_choice(question, token, lookup)


def _word_choice(question: Question, text: str, lookup: ChoiceLookup | None) -> str | None:
    """A choice named by its id or its label, in any capitals and either language."""
    folded = text.casefold()
    if question.kind == "yes_no":
        folded = _SHORTCUTS.get(folded, folded)
    if folded in question.choice_ids:
        return folded
    if lookup is not None:
        return lookup.labels.get(folded)
    return next((choice.id for choice in question.choices if choice.label.casefold() == folded), None)
