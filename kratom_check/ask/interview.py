"""Ask the questions one at a time in a terminal. Produces raw answers for answers.check()."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..conditions import asked_questions, is_asked
from ..errors import shown
from ..i18n import _
from ..model import Question, Questionnaire

if TYPE_CHECKING:
    from rich.console import Console

BACK = "b"
HELP = "?"
_SHORTCUTS = {"y": "yes", "s": "yes", "si": "yes", "n": "no"}


def interview(questionnaire: Questionnaire, console: Console, read: Callable[[], str]) -> dict[str, str | list[str]]:
    """Walk the questions that apply, allowing help, going back and skipping optional ones."""
    from rich.markup import escape

    chosen: dict[str, tuple[str, ...]] = {}
    history: list[int] = []
    questions = questionnaire.questions
    console.print(f"[bold]{escape(questionnaire.title)}[/bold]")
    console.print(escape(questionnaire.intro))
    index = 0
    while index < len(questions):
        question = questions[index]
        if not is_asked(question, chosen):
            chosen.pop(question.id, None)
            index += 1
            continue
        applicable = asked_questions(questionnaire, chosen)
        position = sum(1 for q in applicable if questions.index(q) < index) + 1
        _show(console, question, position, len(applicable))
        while True:
            console.print("> ", end="")
            typed = read().strip()
            if typed == HELP:
                why = _("Why we ask:")
                console.print(f"[cyan]{escape(why)}[/cyan] {escape(question.help)}")
                continue
            if typed.lower() == BACK:
                if not history:
                    console.print(escape(_("This is the first question. There is nothing to go back to.")))
                    continue
                index = history.pop()
                chosen.pop(questions[index].id, None)
                break
            if not typed and not question.required:
                chosen.pop(question.id, None)
                history.append(index)
                index += 1
                break
            answer, problem = parse_typed(question, typed)
            if problem:
                console.print(f"[yellow]{escape(problem)}[/yellow]")
                continue
            chosen[question.id] = answer
            history.append(index)
            index += 1
            break
    console.print()
    return {
        question_id: list(values) if questionnaire.questions_by_id[question_id].kind == "multiple" else values[0]
        for question_id, values in chosen.items()
    }


def _show(console: Console, question: Question, position: int, total: int) -> None:
    from rich.markup import escape

    console.print()
    counter = _("Question {position} of {total}").format(position=position, total=total)
    console.print(f"[dim]{escape(counter)}[/dim]")
    console.print(f"[bold]{escape(question.text)}[/bold]")
    for number, choice in enumerate(question.choices, 1):
        console.print(f"  {number}. {escape(choice.label)}")
    how = _("Type one or more numbers, like 1,3.") if question.kind == "multiple" else _("Type a number.")
    extras = [_("{key} = why we ask").format(key=HELP), _("{key} = go back").format(key=BACK)]
    if not question.required:
        extras.append(_("Enter = skip"))
    console.print(f"[dim]{escape(how)} ({escape(', '.join(extras))})[/dim]")


def parse_typed(question: Question, typed: str) -> tuple[tuple[str, ...], str | None]:
    """What a person typed -> choice ids, or a one-line reason to type it again."""
    count = len(question.choices)
    tokens = [token for token in re.split(r"[,\s]+", typed) if token]
    if not tokens:
        return (), _("Please type a number from 1 to {count}.").format(count=count)
    picked: list[str] = []
    for token in tokens:
        choice_id = _token_choice(question, token)
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


def _token_choice(question: Question, token: str) -> str | None:
    if re.fullmatch(r"[0-9]{1,6}", token):  # ASCII digits only: "²" and "٣" are digits to isdigit(), not to int()
        number = int(token)
        return question.choices[number - 1].id if 1 <= number <= len(question.choices) else None
    lowered = token.lower()
    lowered = _SHORTCUTS.get(lowered, lowered) if question.kind == "yes_no" else lowered
    for choice in question.choices:
        if lowered in (choice.id, choice.label.lower()):
            return choice.id
    return None
