"""What changed since the last saved check: a pure comparison, in neutral words, never about amounts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from ..model import Question, Questionnaire
from .reference import Assessment, Change, Point, Sign, SinceLast, Trend, TrendRow


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


def compared(questionnaire: Questionnaire, assessment: Assessment, previous: Saved | None) -> Assessment:
    """The assessment with what changed since an earlier saved check (unchanged without one)."""
    if previous is None:
        return assessment
    try:
        since = since_last(questionnaire, assessment, previous.made, previous.level, previous.areas, previous.answers)
    except (ValueError, TypeError, KeyError, AttributeError):
        return assessment  # an earlier check saved in an odd shape spoils the comparison, never the report
    return assessment._replace(since_last=since)


def _level_name(questionnaire: Questionnaire, level_id: str) -> str:
    return questionnaire.level(level_id).name if level_id in questionnaire.level_rank else level_id


def _labels(questionnaire: Questionnaire, question_id: str, chosen: Sequence[str]) -> str:
    """The chosen labels; empty for no answer (the renderer says so in the person's language)."""
    question = questionnaire.questions_by_id[question_id]
    return "; ".join(choice.label if (choice := question.choice(c)) else c for c in chosen)


# -- levels over time -------------------------------------------------------------------------------------


class Saved(Protocol):
    """What a trend or a comparison reads of each saved check (the history's SavedCheck has it)."""

    @property
    def id(self) -> int: ...
    @property
    def made(self) -> str: ...
    @property
    def questionnaire_version(self) -> str: ...
    @property
    def level(self) -> str: ...
    @property
    def areas(self) -> Mapping[str, str]: ...
    @property
    def answers(self) -> Mapping[str, str | list[str]]: ...


def trend(questionnaire: Questionnaire, checks: Sequence[Saved]) -> Trend:
    """The levels, warning signs and ruler answers of saved checks, oldest first, with today's names.

    A check saved under another version of the questionnaire shows the areas it has; a level or an area
    the questionnaire no longer has keeps its id as its name. Warning signs are found again from the
    saved answers, so every check is read with the same rules."""
    from ..errors import visible

    def level(level_id: str | None) -> Point | None:
        if level_id is None:
            return None
        rank = questionnaire.level_rank.get(level_id)
        if rank is None:
            return Point(visible(level_id), visible(level_id), None)
        return Point(level_id, _level_name(questionnaire, level_id), rank)

    titles = {factor.id: factor.title for factor in questionnaire.factors}
    saved_areas = [area for check in checks for area in check.areas if area not in titles]
    areas = list(dict.fromkeys([*titles, *saved_areas]))
    rows = [TrendRow("result", "result", "", tuple(level(check.level) for check in checks))]
    for area in areas:
        points = tuple(level(check.areas.get(area)) for check in checks)
        if any(points):
            rows.append(TrendRow("area", visible(area), titles.get(area) or visible(area), points))
    rulers = []
    for question in questionnaire.questions:
        if question.ruler:
            points = tuple(_ruler_point(question, check.answers.get(question.id)) for check in checks)
            if any(points):
                rulers.append(TrendRow("ruler", question.id, question.short or question.text, points))
    return Trend(
        tuple(check.id for check in checks),
        tuple(check.made for check in checks),
        tuple(visible(check.questionnaire_version) for check in checks),
        tuple(rows),
        tuple(warning_signs(questionnaire, check.answers) for check in checks),
        tuple(rulers),
    )


def _ruler_point(question: Question, answer: str | Sequence[str] | None) -> Point | None:
    if not isinstance(answer, str):
        return None
    for position, choice in enumerate(question.choices):
        if choice.id == answer:
            return Point(choice.id, choice.label, position)
    return None  # a choice today's questionnaire lacks: a number it cannot name


def warning_signs(questionnaire: Questionnaire, answers: Mapping[str, str | Sequence[str]]) -> tuple[Sign, ...]:
    """The warning signs (rules with a red flag) that saved answers give, each named by its first sentence.

    Answers today's questionnaire does not know are left out, as scoring leaves out questions not asked."""
    from ..conditions import holds
    from .reference import score_levels

    known: dict[str, tuple[str, ...]] = {}
    for question in questionnaire.questions:
        answer = answers.get(question.id)
        chosen = (answer,) if isinstance(answer, str) else tuple(answer or ())
        kept = tuple(choice for choice in chosen if question.choice(choice) is not None)
        if kept:
            known[question.id] = kept
    used = score_levels(questionnaire, known).used
    signs: dict[str, Sign] = {}
    for rule in questionnaire.rules:
        if rule.red_flag and holds(rule.when, used):
            name = rule.red_flag.split(". ")[0].rstrip(".")
            signs.setdefault(name, Sign(rule.id, name))
    return tuple(signs.values())
