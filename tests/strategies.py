"""Hypothesis strategies built from the loaded questionnaire, so they follow the file, not a copy of it."""

from __future__ import annotations

from hypothesis import strategies as st

from kratom_check.conditions import Answers, is_asked
from kratom_check.model import Question, Questionnaire

AnswerDict = dict[str, tuple[str, ...]]


def _points(question: Question, choice_ids: tuple[str, ...]) -> dict[str, int]:
    total: dict[str, int] = {}
    for choice_id in choice_ids:
        choice = question.choice(choice_id)
        assert choice is not None
        for factor, points in choice.points.items():
            total[factor] = total.get(factor, 0) + points
    return total


def _dominates(more: dict[str, int], less: dict[str, int]) -> bool:
    return all(more.get(factor, 0) >= points for factor, points in less.items())


def least_risky_answer(question: Question) -> tuple[str, ...]:
    return min(((choice.id,) for choice in question.choices), key=lambda ids: sum(_points(question, ids).values()))


@st.composite
def answer_sets(draw: st.DrawFn, questionnaire: Questionnaire) -> AnswerDict:
    """Any valid answer set: asked questions only, optional ones sometimes skipped."""
    chosen: AnswerDict = {}
    for question in questionnaire.questions:
        if not is_asked(question, chosen):
            continue
        if not question.required and draw(st.booleans()):
            continue
        if question.kind == "multiple":
            exclusive = [choice.id for choice in question.choices if choice.exclusive]
            normal = [choice.id for choice in question.choices if not choice.exclusive]
            if exclusive and draw(st.integers(0, 3)) == 0:
                chosen[question.id] = (draw(st.sampled_from(exclusive)),)
            else:
                chosen[question.id] = tuple(draw(st.lists(st.sampled_from(normal), min_size=1, unique=True)))
        else:
            chosen[question.id] = (draw(st.sampled_from(question.choice_ids)),)
    return chosen


def settle(questionnaire: Questionnaire, answers: Answers) -> AnswerDict:
    """Drop answers to questions that no longer apply; give new follow-ups their least risky answer."""
    settled: AnswerDict = {}
    for question in questionnaire.questions:
        if not is_asked(question, settled):
            continue
        if question.id in answers:
            settled[question.id] = answers[question.id]
        elif question.required:
            settled[question.id] = least_risky_answer(question)
    return settled


def risk_additions(questionnaire: Questionnaire, answers: Answers) -> list[AnswerDict]:
    """Every one-step change that adds a risk factor: a new choice ticked, or a riskier single answer."""
    results: list[AnswerDict] = []
    for question in questionnaire.questions:
        if not is_asked(question, answers):
            continue
        current = answers.get(question.id, ())
        before = _points(question, current)
        if question.kind == "multiple":
            kept = tuple(
                choice_id
                for choice_id in current
                if not (question.choice(choice_id) and question.choice(choice_id).exclusive)  # type: ignore[union-attr]
            )
            dropped = [choice_id for choice_id in current if choice_id not in kept]
            if any(_points(question, (choice_id,)) for choice_id in dropped):
                continue  # replacing an exclusive answer that carries points is not simply "adding"
            for choice in question.choices:
                if not choice.exclusive and choice.id not in current:
                    results.append(settle(questionnaire, {**answers, question.id: (*kept, choice.id)}))
        else:
            for choice in question.choices:
                if (choice.id,) != current and _dominates(_points(question, (choice.id,)), before):
                    results.append(settle(questionnaire, {**answers, question.id: (choice.id,)}))
    return results
