"""Batch-speed scoring: each answer set is cut down to a small key that decides its levels.

A survey export repeats the same few answers and the same few outcomes millions of times, so each
distinct key is scored once, by the reference path (contract.check, then reference.score_levels), and
remembered. Why the key decides the levels:

- A factor's level depends only on which of its thresholds its total reaches; the overall level, on
  which overall thresholds the sum reaches. The row's tally, one integer, holds a bit field per
  (total, threshold) pair, started at 2**(width-1) - threshold, so the field's top bit turns on
  exactly when the total reaches the threshold. Masking the top bits reads every comparison at once.
- A rule or an ask_if depends only on which answer tests (the leaves of its condition) hold. Above
  the fields, the tally holds one bit per leaf. The highest level the rules give is worked out once
  per distinct set of leaf bits.
- Each valid answer, parsed once by contract.parse_answer, is remembered as one number: its points
  in every field plus its leaf bits. A leaf tests one question, so no two answers share a leaf bit,
  and fields never overflow: adding the numbers of a row's answers builds its tally.

Anything unusual (not a mapping, unknown keys, missing or invalid answers, answers that are not
text) takes the reference path, so error messages are the reference ones and such a row is only slower.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from .. import contract
from ..conditions import build_test, holds
from ..model import Condition, Question, Questionnaire
from .reference import highest_scores, score_levels

REMEMBERED_ANSWERS = 4096
"""Per question: enough for every answer a valid survey gives; bounded so hostile input cannot grow it."""

REMEMBERED_TEXT = 256
"""Longest answer (characters, all items of a list together) worth remembering: real answers are
short, and a padded one could otherwise hold 64 KiB per entry."""

REMEMBERED_OUTCOMES = 16384
"""Distinct outcome keys kept; a questionnaire rarely has more than a few hundred."""


class Scored(NamedTuple):
    """What a batch row reports."""

    level: str
    factor_levels: tuple[str, ...]


TallyTest = Callable[[int], bool]


class _Step(NamedTuple):
    """One question, unpacked for the per-row loop, with the answers seen so far."""

    question_id: str
    required: bool
    asked: TallyTest | None
    seen: dict[Any, int]
    question: Question


def _tally_test(condition: Condition, bits: dict[Condition, int]) -> TallyTest:
    """The condition as a test of the leaf bits in a tally."""

    def leaf(test: Condition) -> TallyTest:
        bit = bits[test]
        return lambda tally: bool(tally & bit)

    return build_test(condition, leaf)


class RowScorer:
    """Scores raw answer sets (parsed JSON or CSV rows) for batch, with the reference path's results."""

    def __init__(self, questionnaire: Questionnaire) -> None:
        self.questionnaire = questionnaire
        self._lookups = contract.lookups(questionnaire)
        self._known = frozenset(questionnaire.questions_by_id)

        factor_ids = [factor.id for factor in questionnaire.factors]
        # One field per (factor, threshold), then one per overall threshold, which every factor feeds.
        fields: list[tuple[str | None, int]] = [
            (factor.id, points) for factor in questionnaire.factors for points in factor.thresholds.values()
        ]
        fields += [(None, points) for points in questionnaire.overall.thresholds.values()]
        largest = max([sum(highest_scores(questionnaire).values()), *(points for _, points in fields)])
        width = largest.bit_length() + 1  # so 2**(width-1) > any total or threshold: no field overflows
        self._start = sum(((1 << (width - 1)) - points) << (index * width) for index, (_, points) in enumerate(fields))
        self._reached = sum(1 << (index * width + width - 1) for index in range(len(fields)))
        self._unit = {
            factor_id: sum(1 << (index * width) for index, (fed, _) in enumerate(fields) if fed in (factor_id, None))
            for factor_id in factor_ids
        }

        self._leaves_from = len(fields) * width
        leaves = [leaf for rule in questionnaire.rules for leaf in rule.when.leaves()]
        leaves += [leaf for question in questionnaire.questions if question.ask_if for leaf in question.ask_if.leaves()]
        self._leaf_bits = {leaf: 1 << (self._leaves_from + index) for index, leaf in enumerate(dict.fromkeys(leaves))}
        self._rank_from = self._leaves_from + len(self._leaf_bits)

        rank = questionnaire.level_rank
        self._rules = tuple((rank[rule.level], _tally_test(rule.when, self._leaf_bits)) for rule in questionnaire.rules)
        self._rule_ranks: dict[int, int] = {}
        self._steps = tuple(
            _Step(
                question.id,
                question.required,
                None if question.ask_if is None else _tally_test(question.ask_if, self._leaf_bits),
                {},
                question,
            )
            for question in questionnaire.questions
        )
        self._outcomes: dict[int, Scored] = {}
        self._seen = {step.question_id: step.seen for step in self._steps}
        self._recall = {question_id: seen.get for question_id, seen in self._seen.items()}
        self._questions = questionnaire.questions_by_id
        self._needed = frozenset(q.id for q in questionnaire.questions if q.required and q.ask_if is None)
        self._conditional = tuple(step for step in self._steps if step.asked is not None)

    def score(self, data: Any, row: int) -> Scored:
        """The row's levels; raises AnswersError, naming the row, exactly as answers.check does."""
        tally = self._tally(data)
        if tally is None:
            return self._reference(data, row)
        leaves = tally >> self._leaves_from
        rule_rank = self._rule_ranks.get(leaves)
        if rule_rank is None:
            rule_rank = max((rank for rank, holds in self._rules if holds(tally)), default=0)
            if len(self._rule_ranks) < REMEMBERED_OUTCOMES:
                self._rule_ranks[leaves] = rule_rank
        key = tally & self._reached | rule_rank << self._rank_from
        outcome = self._outcomes.get(key)
        if outcome is None:
            outcome = self._reference(data, row)
            if len(self._outcomes) < REMEMBERED_OUTCOMES:
                self._outcomes[key] = outcome
        return outcome

    def _reference(self, data: Any, row: int) -> Scored:
        checked = contract.check(self.questionnaire, data, f"row {row}")
        levels = score_levels(self.questionnaire, checked.values)
        return Scored(levels.level, levels.factor_levels)

    def _tally(self, data: Any) -> int | None:
        """The row's tally, or None where only the reference path can tell.

        The row's own answers are added in one pass (a survey row answers most questions, and the
        loop is the batch's hottest); then each question with an `ask_if`, in order, is checked: an
        answer to a question not asked is taken back out, as the reference path ignores it. An
        `ask_if` reads only earlier questions, whose part of the tally is final by then.
        """
        if type(data) is not dict or not data.keys() <= self._known or not self._needed <= data.keys():
            return None
        recall = self._recall
        tally = self._start
        for question_id, raw in data.items():
            if raw is None:  # no answer: fine unless the question is needed (and asked)
                if question_id in self._needed:
                    return None
                continue
            try:
                number = recall[question_id](tuple(raw) if type(raw) is list else raw)
            except TypeError:  # a nested list or mapping cannot be a key: the reference path names it
                return None
            if number is None:
                number = self._learn(self._questions[question_id], raw, self._seen[question_id])
                if number is None:  # not a valid answer: the reference path names the problem
                    return None
            tally += number
        for question_id, required, asked, known, question in self._conditional:
            raw = data.get(question_id)
            if asked is None or asked(tally):
                if raw is None and required:
                    return None
            elif raw is not None:
                number = known.get(tuple(raw) if type(raw) is list else raw)
                tally -= self._learn(question, raw, known) if number is None else number  # type: ignore[operator]
        return tally

    def _learn(self, question: Question, raw: Any, seen: dict[Any, int]) -> int | None:
        """A valid answer given as text, as a number, remembered under that exact text.

        Only text is remembered: True == 1 as a dict key, but no string equals either.
        """
        if type(raw) is list:
            if not all(type(item) is str for item in raw):
                return None
        elif type(raw) is not str:
            return None
        chosen, problem = contract.parse_answer(question, raw, self._lookups[question.id])
        if problem is not None:
            return None
        number = 0
        for choice_id in chosen:
            choice = question.choice(choice_id)
            assert choice is not None  # parse_answer returns choice ids only
            number += sum(value * self._unit[factor_id] for factor_id, value in choice.points.items())
        answered = {question.id: chosen}
        number += sum(bit for leaf, bit in self._leaf_bits.items() if holds(leaf, answered))
        size = len(raw) if type(raw) is str else sum(map(len, raw))
        if len(seen) < REMEMBERED_ANSWERS and size <= REMEMBERED_TEXT:
            seen[tuple(raw) if type(raw) is list else raw] = number
        return number
