"""A small, independent reading of the questionnaire's rules, for the tests to check the engine against.

It reads the model's data the way docs and questions.yaml describe it, written plainly and without
kratom_check.scoring, so a mistake in the engine is not repeated here. Slow and simple on purpose.
"""

from __future__ import annotations

from collections.abc import Mapping

from kratom_check.model import Condition, Questionnaire

Answers = Mapping[str, tuple[str, ...]]


def holds(condition: Condition, answers: Answers) -> bool:
    """any: one part holds; all: every part holds; not: the part does not hold.

    An answer test: `is` holds when the question's answer is one of the listed choices; `includes`
    holds when at least one listed choice is ticked. An unanswered question matches nothing.
    """
    if condition.any_ is not None:
        return any(holds(part, answers) for part in condition.any_)
    if condition.all_ is not None:
        return all(holds(part, answers) for part in condition.all_)
    if condition.not_ is not None:
        return not holds(condition.not_, answers)
    assert condition.answer is not None
    chosen = answers.get(condition.answer)
    if not chosen:
        return False
    if condition.is_ is not None:
        return any(choice in condition.is_ for choice in chosen)
    assert condition.includes is not None
    return any(choice in chosen for choice in condition.includes)


def used_answers(questionnaire: Questionnaire, answers: Answers) -> dict[str, tuple[str, ...]]:
    """The answers that count: those to questions asked. A question's ask_if sees only the earlier
    answers that count, so an answer to a question not asked cannot open a later one."""
    used: dict[str, tuple[str, ...]] = {}
    for question in questionnaire.questions:
        asked = question.ask_if is None or holds(question.ask_if, used)
        if asked and question.id in answers:
            used[question.id] = tuple(answers[question.id])
    return used


def asked_ids(questionnaire: Questionnaire, answers: Answers) -> list[str]:
    used = used_answers(questionnaire, answers)
    return [
        question.id for question in questionnaire.questions if question.ask_if is None or holds(question.ask_if, used)
    ]


def factor_totals(questionnaire: Questionnaire, answers: Answers) -> dict[str, int]:
    """Each factor's points: the sum over every ticked choice of the answers that count."""
    totals = {factor.id: 0 for factor in questionnaire.factors}
    for question_id, chosen in used_answers(questionnaire, answers).items():
        question = questionnaire.questions_by_id[question_id]
        for choice in question.choices:
            if choice.id in chosen:
                for factor_id, points in choice.points.items():
                    totals[factor_id] += points
    return totals


def level_reached(questionnaire: Questionnaire, total: int, thresholds: Mapping[str, int]) -> str:
    """The highest level whose threshold the total reaches (a threshold is reached when total >= it)."""
    reached = questionnaire.levels[0].id
    for level in questionnaire.levels:
        if level.id in thresholds and total >= thresholds[level.id]:
            reached = level.id
    return reached


def factor_levels(questionnaire: Questionnaire, answers: Answers) -> dict[str, str]:
    totals = factor_totals(questionnaire, answers)
    return {
        factor.id: level_reached(questionnaire, totals[factor.id], factor.thresholds)
        for factor in questionnaire.factors
    }


def overall_level(questionnaire: Questionnaire, answers: Answers) -> str:
    """The highest of: the overall threshold the summed points reach, each factor's level, each fired rule's level."""
    order = [level.id for level in questionnaire.levels]
    used = used_answers(questionnaire, answers)
    total = sum(factor_totals(questionnaire, used).values())
    candidates = [level_reached(questionnaire, total, questionnaire.overall.thresholds)]
    candidates += factor_levels(questionnaire, used).values()
    candidates += [rule.level for rule in questionnaire.rules if holds(rule.when, used)]
    return max(candidates, key=order.index)


def result_step(questionnaire: Questionnaire, answers: Answers) -> str:
    """The result's next step: the first rule at the reached level that fires and has a step of its own, or
    the level's meaning."""
    level = overall_level(questionnaire, answers)
    used = used_answers(questionnaire, answers)
    for rule in questionnaire.rules:
        if rule.level == level and rule.next_step and holds(rule.when, used):
            return rule.next_step
    return questionnaire.level(level).meaning


def first_uses(keys_per_line: list[tuple[str, ...]]) -> list[str]:
    """Every key once, in the order it is first cited."""
    seen: list[str] = []
    for keys in keys_per_line:
        for key in keys:
            if key not in seen:
                seen.append(key)
    return seen
