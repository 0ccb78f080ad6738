"""The pure core: a questionnaire and checked answers in, an assessment out. No I/O here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, NamedTuple

from ..conditions import Answers, Test, compile_condition, holds
from ..model import MENU_STEPS, Condition, Question, Questionnaire, Source
from ..sections import CITING_FIELDS


def highest_scores(questionnaire: Questionnaire) -> dict[str, int]:
    """The most points any valid answer set can give each factor."""
    highest = {factor.id: 0 for factor in questionnaire.factors}
    for factor_id in highest:
        for question in questionnaire.questions:
            points = [choice.points.get(factor_id, 0) for choice in question.choices]
            if question.kind == "multiple":
                together = sum(p for p, c in zip(points, question.choices, strict=True) if not c.exclusive)
                highest[factor_id] += max([together, *points])
            else:
                highest[factor_id] += max(points)
    return highest


class FactorResult(NamedTuple):
    """One area of risk: its level, and the answers (question id, choice id) that gave it points."""

    id: str
    title: str
    score: int
    level: str
    raised_by: tuple[tuple[str, str], ...] = ()


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
    title: str = ""
    """The few words that stand for the caution when a report lists it in one line."""
    topic: str = ""
    """What it speaks about (empty for none): a report shows cautions of one topic as one item."""


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
    act_now: tuple[Cited, ...] = ()
    """What to do this minute (a possible overdose): shown before anything else."""
    safety_net: tuple[Cited, ...] = ()
    """Which signs mean care today and which mean a visit soon: right under the result, at every level."""
    good_to_know: tuple[Cited, ...] = ()
    """Background every report shares, shown last before the sources."""
    combined_level: str = ""
    """The level the areas reach together ("several risks together"), whatever each reaches alone."""
    level_name: str = ""
    made: str = ""
    """When the report was made (ISO 8601 with its UTC offset). Set at the edge: scoring reads no clock."""
    since_last: SinceLast | None = None
    """What changed since the last saved check; only with --save and an earlier check."""
    saved_in: str = ""
    """Where the check was saved in the private history (--save); empty when it was not."""
    clinician: tuple[Cited, ...] = ()
    """Pointers for the clinician's page that fit these answers."""
    warning_answers: tuple[tuple[str, str], ...] = ()
    """(question id, choice id) of each answer behind a warning sign that fired, for the clinician's page."""
    for_clinician: bool = True
    """Whether reports carry the clinician's page (--no-clinician leaves it out)."""
    unanswered: tuple[str, ...] = ()
    """Needed questions left without an answer (the person asked for the report early): set at the edge."""
    own_signs: tuple[str, ...] = ()
    """Ids of the safety-net lines that name one of the person's own signs: a report marks them."""
    topic_titles: tuple[tuple[str, str], ...] = ()
    """(topic id, title) for the topics of the cautions shown: the title of an item that holds several."""
    trend: Trend | None = None
    """The saved checks' levels over time, this one last; only with --save and at least two checks."""

    def source_number(self, key: str) -> int:
        return [source_key for source_key, _ in self.sources].index(key) + 1


class Change(NamedTuple):
    """One thing that differs: what it is, and how it read then and now (as the person reads it)."""

    what: str
    before: str
    after: str
    """Empty when there was no answer, then or now."""
    id: str = ""
    """The area's or the question's id, for programs (the JSON report)."""


class SinceLast(NamedTuple):
    made: str
    """When the earlier check was made (ISO 8601)."""
    level_before: str
    level_now: str
    went_up: tuple[Change, ...]
    went_down: tuple[Change, ...]
    answers: tuple[Change, ...]


class Point(NamedTuple):
    """One check's value in a row of the trend: an id (a level's or a choice's) and its name in words."""

    id: str
    name: str
    rank: int | None
    """Its place in order (the level's rank, the choice's position); None when the questionnaire lacks it."""


class TrendRow(NamedTuple):
    kind: Literal["result", "area", "ruler"]
    id: str
    title: str
    """Empty for the result, which a report names in its own words."""
    points: tuple[Point | None, ...]
    """One for each check, oldest first; None where that check has no value (an area it did not ask)."""

    @property
    def direction(self) -> Literal["up", "down", "same"] | None:
        """From the first value to the newest; None with fewer than two values or one out of order."""
        known = [point for point in self.points if point is not None]
        if len(known) < 2 or known[0].rank is None or known[-1].rank is None:
            return None
        first, last = known[0].rank, known[-1].rank
        return "up" if last > first else "down" if last < first else "same"


class Sign(NamedTuple):
    """A warning sign that fired: its rule's id and the first sentence of its text."""

    id: str
    name: str


class Trend(NamedTuple):
    """Saved checks side by side, oldest first: never an amount, only levels, warning signs and rulers."""

    numbers: tuple[int, ...]
    made: tuple[str, ...]
    versions: tuple[str, ...]
    levels: tuple[TrendRow, ...]
    """The result first, then each area in the questionnaire's order (ids it no longer has come last)."""
    signs: tuple[tuple[Sign, ...], ...]
    """The warning signs each check's answers give, one tuple for each check."""
    rulers: tuple[TrendRow, ...]


class Tables(NamedTuple):
    """A questionnaire turned into look-ups, built once per questionnaire: batch scores millions."""

    asks: tuple[tuple[Question, Test | None], ...]
    points: dict[str, dict[str, tuple[tuple[int, int], ...]]]
    thresholds: tuple[tuple[tuple[int, int], ...], ...]
    overall: tuple[tuple[int, int], ...]
    rules: tuple[tuple[int, Test], ...]


_TABLES: dict[int, tuple[Questionnaire, Tables]] = {}


def tables(questionnaire: Questionnaire) -> Tables:
    cached = _TABLES.get(id(questionnaire))
    if cached is not None and cached[0] is questionnaire:
        return cached[1]
    rank = questionnaire.level_rank
    factor_index = {factor.id: index for index, factor in enumerate(questionnaire.factors)}

    def ladder(thresholds: Mapping[str, int]) -> tuple[tuple[int, int], ...]:
        return tuple(sorted((points, rank[level]) for level, points in thresholds.items()))

    built = Tables(
        asks=tuple(
            (question, None if question.ask_if is None else compile_condition(question.ask_if))
            for question in questionnaire.questions
        ),
        points={
            question.id: {
                choice.id: tuple((factor_index[factor], points) for factor, points in choice.points.items())
                for choice in question.choices
            }
            for question in questionnaire.questions
        },
        thresholds=tuple(ladder(factor.thresholds) for factor in questionnaire.factors),
        overall=ladder(questionnaire.overall.thresholds),
        rules=tuple((rank[rule.level], compile_condition(rule.when)) for rule in questionnaire.rules),
    )
    _TABLES[id(questionnaire)] = (questionnaire, built)
    return built


def _rank_for(score: int, ladder: tuple[tuple[int, int], ...]) -> int:
    reached = 0
    for threshold, rank in ladder:
        if score >= threshold:
            reached = max(reached, rank)
    return reached


class Levels(NamedTuple):
    """Just the levels: what batch scoring reports, and where every assessment starts."""

    level: str
    factor_totals: tuple[int, ...]
    factor_levels: tuple[str, ...]
    used: dict[str, tuple[str, ...]]
    combined_level: str


def score_levels(questionnaire: Questionnaire, answers: Answers) -> Levels:
    """The overall and per-factor levels. Answers to questions not asked are ignored."""
    table = tables(questionnaire)
    used: dict[str, tuple[str, ...]] = {}
    for question, asked in table.asks:
        if question.id in answers and (asked is None or asked(used)):
            used[question.id] = answers[question.id]
    totals = [0] * len(table.thresholds)
    for question_id, chosen in used.items():
        points = table.points[question_id]
        for choice_id in chosen:
            for index, value in points.get(choice_id, ()):
                totals[index] += value
    factor_ranks = [_rank_for(total, ladder) for total, ladder in zip(totals, table.thresholds, strict=True)]
    combined = _rank_for(sum(totals), table.overall)
    highest = max(combined, *factor_ranks, *(rank for rank, test in table.rules if test(used)))
    level_ids = [level.id for level in questionnaire.levels]
    return Levels(
        level_ids[highest], tuple(totals), tuple(level_ids[rank] for rank in factor_ranks), used, level_ids[combined]
    )


def score(questionnaire: Questionnaire, answers: Answers) -> Assessment:
    """Score answers against a questionnaire. Answers to questions not asked are ignored."""
    levels = score_levels(questionnaire, answers)
    used, level = levels.used, levels.level
    rank = questionnaire.level_rank
    factors = tuple(
        FactorResult(factor.id, factor.title, total, factor_level, _raised_by(questionnaire, used, factor.id))
        for factor, total, factor_level in zip(
            questionnaire.factors, levels.factor_totals, levels.factor_levels, strict=True
        )
    )
    fired_rules = [rule for rule in questionnaire.rules if holds(rule.when, used)]

    red_flags = tuple(
        RedFlag(rule.id, rule.red_flag, rule.sources, rule.level) for rule in fired_rules if rule.red_flag
    )
    cautions = tuple(
        sorted(
            (
                CautionResult(
                    caution.id,
                    caution.text,
                    caution.sources,
                    caution.severity,
                    caution.next_step,
                    caution.title,
                    caution.topic or "",
                )
                for caution in questionnaire.cautions
                if holds(caution.when, used)
            ),
            key=lambda caution: -rank[caution.severity],
        )
    )

    def applies(levels: tuple[str, ...] | None, when: Condition | None) -> bool:
        return (levels is None or level in levels) and (when is None or holds(when, used))

    advice = [item for item in questionnaire.advice if applies(item.levels, item.when)]

    def of_kind(kind: str) -> tuple[Cited, ...]:
        return tuple(Cited(item.id, item.text, item.sources) for item in advice if item.kind == kind)

    act_now, safety_net, good_to_know = of_kind("act_now"), of_kind("watch_for"), of_kind("good_to_know")
    own_signs = tuple(
        item.id for item in advice if item.kind == "watch_for" and item.marks is not None and holds(item.marks, used)
    )
    shown_topics = {caution.topic for caution in cautions if caution.topic}
    topic_titles = tuple((topic.id, topic.title) for topic in questionnaire.topics if topic.id in shown_topics)
    next_steps, ask = _what_to_do_next(of_kind("menu"), of_kind("next_step"), of_kind("ask_clinician"))
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

    pointers = tuple(
        Cited(item.id, item.text, item.sources) for item in questionnaire.clinician if applies(None, item.when)
    )
    fired = [rule for rule in fired_rules if rule.red_flag]
    warning_answers = tuple(
        (question_id, choice_id)
        for question_id, chosen in used.items()
        for choice_id in chosen
        if any(
            leaf.answer == question_id and choice_id in (leaf.is_ or leaf.includes or ())
            for rule in fired
            for leaf in rule.when.leaves()
        )
    )

    cited: list[str] = []
    # Numbered in the order a report shows them (sections.py).
    citing: dict[str, tuple[Line, ...]] = {
        "act_now": act_now, "lead_resources": lead, "safety_net": safety_net, "cautions": cautions,
        "next_steps": next_steps, "ask_clinician": ask, "resources": rest, "good_to_know": good_to_know,
        "red_flags": red_flags, "clinician": pointers,
    }  # fmt: skip
    for field in CITING_FIELDS:
        for line in citing[field]:
            cited += [key for key in line.sources if key not in cited]

    chosen_level = questionnaire.level(level)
    # A sign's own step (the first rule at the result's level that has one) speaks for the result.
    sign_step = next((rule.next_step for rule in fired_rules if rule.level == level and rule.next_step), None)
    return Assessment(
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        level=level,
        level_title=chosen_level.title,
        level_meaning=sign_step or chosen_level.meaning,
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
        act_now=act_now,
        safety_net=safety_net,
        good_to_know=good_to_know,
        combined_level=levels.combined_level,
        level_name=chosen_level.name,
        clinician=pointers,
        warning_answers=warning_answers,
        own_signs=own_signs,
        topic_titles=topic_titles,
    )


def _what_to_do_next(
    menu: tuple[Cited, ...], steps: tuple[Cited, ...], ask: tuple[Cited, ...]
) -> tuple[tuple[Cited, ...], tuple[Cited, ...]]:
    """The steps and the questions for a clinician. When steps fit what the person wants to do, they come
    first and the list stops at MENU_STEPS, so the few steps that fit are not lost among general ones."""
    if not menu:
        return steps, ask
    texts: set[str] = set()
    kept: list[tuple[bool, Cited]] = []
    for is_question, line in [*((False, line) for line in (*menu, *steps)), *((True, line) for line in ask)]:
        if line.text not in texts and len(kept) < MENU_STEPS:
            texts.add(line.text)
            kept.append((is_question, line))
    return (
        tuple(line for is_question, line in kept if not is_question),
        tuple(line for is_question, line in kept if is_question),
    )


def factor_questions(questionnaire: Questionnaire, factor_id: str) -> set[str]:
    """The questions whose answers can give this area points."""
    return {
        question.id
        for question in questionnaire.questions
        if any(choice.points.get(factor_id, 0) for choice in question.choices)
    }


def areas_asked(questionnaire: Questionnaire, assessment: Assessment) -> set[str]:
    """The areas with an answer behind them: all of them, unless the report was asked for early."""
    if not assessment.unanswered:
        return {factor.id for factor in assessment.factors}
    answered = {question_id for question_id, _chosen in assessment.answers}
    return {factor.id for factor in assessment.factors if answered & factor_questions(questionnaire, factor.id)}


def without_clinician(assessment: Assessment) -> Assessment:
    """The assessment for a report with no clinician's page: its pointers and the sources only they cite go."""
    others = (line for field in CITING_FIELDS if field != "clinician" for line in getattr(assessment, field))
    kept = {key for line in others for key in line.sources}
    return assessment._replace(
        clinician=(),
        for_clinician=False,
        sources=tuple((key, source) for key, source in assessment.sources if key in kept),
    )


def _raised_by(questionnaire: Questionnaire, used: Answers, factor_id: str) -> tuple[tuple[str, str], ...]:
    """The answers that gave a factor points, in the order they were asked."""
    return tuple(
        (question_id, choice_id)
        for question_id, chosen in used.items()
        for choice_id in chosen
        if (choice := questionnaire.questions_by_id[question_id].choice(choice_id)) is not None
        and choice.points.get(factor_id, 0) > 0
    )
