"""What changed since the last saved check: a pure comparison, in neutral words, never about amounts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..model import Questionnaire
from .reference import Assessment, Change, SinceLast


def since_last(
    questionnaire: Questionnaire,
    assessment: Assessment,
    made: str,
    level: str,
    areas: Mapping[str, str],
    answers: Mapping[str, str | Sequence[str]],
) -> SinceLast:
    """Compare this assessment with an earlier check's saved level, area levels and answers.

    Levels or ids the questionnaire no longer has are compared by id, so an old check never breaks it.
    """
    from .reference import areas_asked

    rank = questionnaire.level_rank
    asked = areas_asked(questionnaire, assessment)
    up: list[Change] = []
    down: list[Change] = []
    for factor in assessment.factors:
        if factor.id not in asked:
            continue  # not asked this time (a report asked for early): no level to compare
        before = areas.get(factor.id)
        if before is None or before == factor.level or before not in rank:
            continue
        change = Change(
            factor.title, _level_name(questionnaire, before), _level_name(questionnaire, factor.level), factor.id
        )
        (up if rank[factor.level] > rank[before] else down).append(change)
    now = dict(assessment.answers)
    changed: list[Change] = []
    for question in questionnaire.questions:
        earlier = answers.get(question.id)
        then = () if earlier is None else ((earlier,) if isinstance(earlier, str) else tuple(earlier))
        current = now.get(question.id, ())
        if set(then) != set(current):
            before, after = _labels(questionnaire, question.id, then), _labels(questionnaire, question.id, current)
            changed.append(Change(question.short or question.text, before, after, question.id))
    return SinceLast(made, level, assessment.level, tuple(up), tuple(down), tuple(changed))


def _level_name(questionnaire: Questionnaire, level_id: str) -> str:
    return questionnaire.level(level_id).name if level_id in questionnaire.level_rank else level_id


def _labels(questionnaire: Questionnaire, question_id: str, chosen: Sequence[str]) -> str:
    """The chosen labels; empty for no answer (the renderer says so in the person's language)."""
    question = questionnaire.questions_by_id[question_id]
    return "; ".join(choice.label if (choice := question.choice(c)) else c for c in chosen)
