"""Warnings for questionnaire authors: parts of a valid file that can never take effect.

They weigh a loaded questionnaire against what scoring can reach, so this sits above both `load/` and
`score/`, and `validate` runs it after loading.
"""

from __future__ import annotations

import itertools

from .conditions import holds
from .model import Condition, Question, Questionnaire
from .score.reference import highest_scores

# Enumerating every answer to the questions a condition names is exact but can explode;
# past this many combinations the condition is assumed reachable.
MAX_COMBINATIONS = 200_000


def warnings(questionnaire: Questionnaire) -> list[str]:
    found: list[str] = []
    for question in questionnaire.questions:
        if question.ask_if is not None and not _can_hold(questionnaire, question.ask_if):
            found.append(f"question '{question.id}' is never asked: its ask_if can never be true")
    for section in ("rules", "cautions", "advice"):
        for item in getattr(questionnaire, section):
            when = getattr(item, "when", None)
            if when is not None and not _can_hold(questionnaire, when):
                found.append(f"{section} '{item.id}' never applies: its condition can never be true")
    highest = highest_scores(questionnaire)
    for factor in questionnaire.factors:
        if highest[factor.id] == 0:
            found.append(f"factor '{factor.id}' is fed by no answer (no choice gives it points)")
            continue
        for level, threshold in factor.thresholds.items():
            if threshold > highest[factor.id]:
                found.append(
                    f"factor '{factor.id}' never reaches '{level}': it needs {threshold} points, "
                    f"and answers give at most {highest[factor.id]}"
                )
    return found


def _possible_answers(question: Question) -> list[tuple[str, ...]]:
    """Every answer a person could give, plus leaving it unanswered."""
    if question.kind != "multiple":
        return [(), *((choice.id,) for choice in question.choices)]
    normal = [choice.id for choice in question.choices if not choice.exclusive]
    subsets = [
        combination for size in range(1, len(normal) + 1) for combination in itertools.combinations(normal, size)
    ]
    return [(), *subsets, *((choice.id,) for choice in question.choices if choice.exclusive)]


def _can_hold(questionnaire: Questionnaire, condition: Condition) -> bool:
    names = sorted({leaf.answer or "" for leaf in condition.leaves()})
    options = [_possible_answers(questionnaire.questions_by_id[name]) for name in names]
    total = 1
    for choices in options:
        total *= len(choices)
    if total > MAX_COMBINATIONS:
        return True
    return any(holds(condition, dict(zip(names, combo, strict=True))) for combo in itertools.product(*options))
