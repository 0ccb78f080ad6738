"""Conditions on answers (any / all / not / an answer test), shared by asking and scoring.

Which follow-up questions are asked and which lines a report shows both come down to the same
declarative conditions in the questionnaire, so they are evaluated here, in one way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import TypeVar

from .model import Condition, Question, Questionnaire

Answers = Mapping[str, tuple[str, ...]]
"""Question id -> chosen choice ids (one for single and yes/no questions)."""


Test = Callable[[Answers], bool]
T = TypeVar("T")


def build_test(condition: Condition, leaf: Callable[[Condition], Callable[[T], bool]]) -> Callable[[T], bool]:
    """A condition as a function; leaf makes each answer test, so any, all and not mean the same everywhere."""
    if condition.any_ is not None:
        parts = tuple(build_test(child, leaf) for child in condition.any_)
        return lambda value: any(part(value) for part in parts)
    if condition.all_ is not None:
        parts = tuple(build_test(child, leaf) for child in condition.all_)
        return lambda value: all(part(value) for part in parts)
    if condition.not_ is not None:
        inner = build_test(condition.not_, leaf)
        return lambda value: not inner(value)
    return leaf(condition)


def _answer_test(condition: Condition) -> Test:
    """An unanswered question matches nothing."""
    question = condition.answer or ""
    wanted = frozenset(condition.is_ or condition.includes or ())
    return lambda answers: not wanted.isdisjoint(answers.get(question, ()))


@cache
def compile_condition(condition: Condition) -> Test:
    """A condition as a function of the answers, built once."""
    return build_test(condition, _answer_test)


def holds(condition: Condition, answers: Answers) -> bool:
    """Whether a declarative condition is true for these answers."""
    return compile_condition(condition)(answers)


def is_asked(question: Question, answers: Answers) -> bool:
    return question.ask_if is None or holds(question.ask_if, answers)


def asked_questions(questionnaire: Questionnaire, answers: Answers) -> list[Question]:
    """The questions that apply, given the answers so far (ask_if only looks back)."""
    return [question for question in questionnaire.questions if is_asked(question, answers)]
