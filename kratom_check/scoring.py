"""The pure core: a questionnaire and checked answers in, an assessment out. No I/O here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from .model import Condition, Question, Questionnaire, Source

Answers = Mapping[str, tuple[str, ...]]
"""Question id -> chosen choice ids (one for single and yes/no questions)."""


def holds(condition: Condition, answers: Answers) -> bool:
    """Whether a declarative condition is true; an unanswered question matches nothing."""
    if condition.any_ is not None:
        return any(holds(child, answers) for child in condition.any_)
    if condition.all_ is not None:
        return all(holds(child, answers) for child in condition.all_)
    if condition.not_ is not None:
        return not holds(condition.not_, answers)
    chosen = answers.get(condition.answer or "", ())
    wanted = condition.is_ or condition.includes or ()
    return any(choice in wanted for choice in chosen)


def is_asked(question: Question, answers: Answers) -> bool:
    return question.ask_if is None or holds(question.ask_if, answers)


def asked_questions(questionnaire: Questionnaire, answers: Answers) -> list[Question]:
    """The questions that apply, given the answers so far (ask_if only looks back)."""
    return [question for question in questionnaire.questions if is_asked(question, answers)]


class FactorResult(NamedTuple):
    id: str
    title: str
    score: int
    level: str


class Cited(NamedTuple):
    """A line of the report and the source keys it rests on."""

    id: str
    text: str
    sources: tuple[str, ...]


class RedFlag(NamedTuple):
    id: str
    text: str
    sources: tuple[str, ...]
    level: str


class CautionResult(NamedTuple):
    id: str
    text: str
    sources: tuple[str, ...]
    severity: str
    next_step: str


class ResourceLine(NamedTuple):
    id: str
    text: str
    sources: tuple[str, ...]
    name: str
    contact: str


Line = Cited | RedFlag | CautionResult | ResourceLine
"""Anything the report shows with its sources."""


class Assessment(NamedTuple):
    questionnaire_id: str
    questionnaire_version: str
    level: str
    level_title: str
    level_meaning: str
    factors: tuple[FactorResult, ...]
    red_flags: tuple[RedFlag, ...]
    cautions: tuple[CautionResult, ...]
    lead_resources: tuple[ResourceLine, ...]
    next_steps: tuple[Cited, ...]
    ask_clinician: tuple[Cited, ...]
    resources: tuple[ResourceLine, ...]
    notice: tuple[str, ...]
    sources: tuple[tuple[str, Source], ...]
    answers: tuple[tuple[str, tuple[str, ...]], ...]

    def source_number(self, key: str) -> int:
        return [source_key for source_key, _ in self.sources].index(key) + 1


def _level_for(score: int, thresholds: Mapping[str, int], levels: list[str]) -> str:
    reached = levels[0]
    for level in levels:
        if level in thresholds and score >= thresholds[level]:
            reached = level
    return reached


def score(questionnaire: Questionnaire, answers: Answers) -> Assessment:
    """Score answers against a questionnaire. Answers to questions not asked are ignored."""
    asked = asked_questions(questionnaire, answers)
    used = {question.id: answers[question.id] for question in asked if question.id in answers}
    level_ids = [level.id for level in questionnaire.levels]
    rank = questionnaire.level_rank

    totals = {factor.id: 0 for factor in questionnaire.factors}
    for question in asked:
        for choice_id in used.get(question.id, ()):
            choice = question.choice(choice_id)
            for factor_id, points in (choice.points if choice else {}).items():
                totals[factor_id] += points
    factors = tuple(
        FactorResult(
            factor.id, factor.title, totals[factor.id], _level_for(totals[factor.id], factor.thresholds, level_ids)
        )
        for factor in questionnaire.factors
    )
    overall = _level_for(sum(totals.values()), questionnaire.overall.thresholds, level_ids)

    fired_rules = [rule for rule in questionnaire.rules if holds(rule.when, used)]
    candidates = [overall, *(factor.level for factor in factors), *(rule.level for rule in fired_rules)]
    level = max(candidates, key=rank.__getitem__)

    red_flags = tuple(
        RedFlag(rule.id, rule.red_flag, rule.sources, rule.level) for rule in fired_rules if rule.red_flag
    )
    cautions = tuple(
        sorted(
            (
                CautionResult(caution.id, caution.text, caution.sources, caution.severity, caution.next_step)
                for caution in questionnaire.cautions
                if holds(caution.when, used)
            ),
            key=lambda caution: -rank[caution.severity],
        )
    )

    def applies(levels: tuple[str, ...] | None, when: Condition | None) -> bool:
        return (levels is None or level in levels) and (when is None or holds(when, used))

    advice = [item for item in questionnaire.advice if applies(item.levels, item.when)]
    next_steps = tuple(Cited(item.id, item.text, item.sources) for item in advice if item.kind == "next_step")
    ask = tuple(Cited(item.id, item.text, item.sources) for item in advice if item.kind == "ask_clinician")
    shown = [item for item in questionnaire.resources if applies(item.levels, None)]
    lead = tuple(
        ResourceLine(item.id, item.text, item.sources, item.name, item.contact)
        for item in shown
        if level in item.lead_at
    )
    rest = tuple(
        ResourceLine(item.id, item.text, item.sources, item.name, item.contact)
        for item in shown
        if level not in item.lead_at
    )

    cited: list[str] = []
    shown_lines: tuple[Line, ...] = (*lead, *red_flags, *cautions, *next_steps, *ask, *rest)
    for line in shown_lines:
        cited += [key for key in line.sources if key not in cited]

    chosen_level = questionnaire.level(level)
    return Assessment(
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        level=level,
        level_title=chosen_level.title,
        level_meaning=chosen_level.meaning,
        factors=factors,
        red_flags=red_flags,
        cautions=cautions,
        lead_resources=lead,
        next_steps=next_steps,
        ask_clinician=ask,
        resources=rest,
        notice=questionnaire.notice,
        sources=tuple((key, questionnaire.sources[key]) for key in cited),
        answers=tuple(used.items()),
    )
