"""Batch scoring agrees with answers.check and score_levels on every answer set of a made-up questionnaire.

Every valid answer set is written out (ids, labels in any case, padded), with thresholds met exactly and
totals at their largest, follow-ups opened and closed by any/all/not, and broken rows, each scored twice
so remembered answers and outcomes are used too.
"""

from __future__ import annotations

import copy
import itertools
from typing import Any

import pytest

from kratom_check import contract
from kratom_check.ask import answers
from kratom_check.errors import AnswersError
from kratom_check.model import Questionnaire
from kratom_check.score import fast as batch_scoring
from kratom_check.score.fast import RowScorer, Scored
from kratom_check.score.reference import highest_scores, score_levels

from . import reference
from .test_engine_answers import HOW_MUCH, MIX, USE, WORRIED
from .test_engine_rules import (
    all_,
    any_,
    choice,
    factor,
    fresh_engine_caches,  # noqa: F401  (an autouse fixture: importing it applies it here)
    includes,
    is_,
    make,
    not_,
    rule,
    single,
)

WITH_WHAT = single(
    "with_what",
    choice("food"),
    choice("empty_stomach", mix=2),
    ask_if=all_(not_(includes("mix", "none")), any_(is_("worried", "yes"), includes("mix", "alcohol"))),
)
QUESTIONNAIRE = make(
    USE,
    MIX,
    WORRIED,
    HOW_MUCH,
    WITH_WHAT,
    factors=(factor("use", moderate=2, high=4, urgent=9), factor("mix", moderate=1, high=6)),
    overall={"moderate": 3, "high": 8, "urgent": 15},
    rules=(
        rule("weekly_kava", all_(is_("use", "weekly"), includes("mix", "kava")), "high"),
        rule("worried_drinker", all_(is_("worried", "yes"), includes("mix", "alcohol")), "urgent"),
        rule("coffee", includes("mix", "coffee"), "moderate"),
    ),
    may_hide=True,
)


def valid_answer_sets(questionnaire: Questionnaire) -> list[dict[str, tuple[str, ...]]]:
    """Every valid answer set, optional questions left out or answered, follow-ups only when asked."""
    sets: list[dict[str, tuple[str, ...]]] = [{}]
    for question in questionnaire.questions:
        if question.kind == "multiple":
            normal = [c.id for c in question.choices if not c.exclusive]
            options = [combo for size in range(1, len(normal) + 1) for combo in itertools.combinations(normal, size)]
            options += [(c.id,) for c in question.choices if c.exclusive]
        else:
            options = [(choice_id,) for choice_id in question.choice_ids]
        grown: list[dict[str, tuple[str, ...]]] = []
        for chosen in sets:
            asked = question.ask_if is None or reference.holds(question.ask_if, chosen)
            if not asked:
                grown.append(chosen)
                continue
            if not question.required:
                grown.append(chosen)
            grown += [{**chosen, question.id: option} for option in options]
        sets = grown
    return sets


def spellings(questionnaire: Questionnaire, chosen: dict[str, tuple[str, ...]]) -> list[dict[str, Any]]:
    """The same answers as ids, as labels in capitals, and as padded ids; multiple answers as lists."""
    written: list[dict[str, Any]] = []
    for style in ("id", "LABEL", " padded "):
        data: dict[str, Any] = {}
        for question_id, choice_ids in chosen.items():
            question = questionnaire.questions_by_id[question_id]
            texts = []
            for choice_id in choice_ids:
                label = next(c.label for c in question.choices if c.id == choice_id)
                texts.append({"id": choice_id, "LABEL": label.upper(), " padded ": f" {choice_id} "}[style])
            data[question_id] = texts if question.kind == "multiple" else texts[0]
        written.append(data)
    return written


BROKEN_ROWS: list[Any] = [
    [],
    "use: daily",
    None,
    {},
    {"use": "weekly"},
    {"use": "weekly", "mix": ["kava"], "colour": "blue"},
    {"use": "weekly", "mix": ["kava", "none"]},
    {"use": "weekly", "mix": []},
    {"use": "weekly", "mix": [["kava"]]},
    {"use": "weekly", "mix": [True]},
    {"use": "weekly", "mix": ["kava", 1]},
    {"use": "weekly", "mix": {"kava": 1}},
    {"use": True, "mix": ["kava"]},
    {"use": 2, "mix": ["kava"]},
    {"use": 2.5, "mix": ["kava"]},
    {"use": "", "mix": ["kava"]},
    {"use": ["weekly"], "mix": ["kava"]},
    {"use": "daily", "mix": ["kava"]},
    {"use": None, "mix": ["kava"]},
    {"use": "weekly", "mix": ["kava"], "worried": True},
    {"use": "weekly", "mix": ["kava"], "worried": "maybe"},
    {"use": "weekly", "mix": ["kava"], "how_much": "lots"},
    {"use": "weekly", "mix": ["none"], "worried": "yes", "with_what": "food"},
]


def reference_outcome(questionnaire: Questionnaire, data: Any, row: int) -> Scored | list[str]:
    try:
        checked = answers.check(questionnaire, copy.deepcopy(data), f"row {row}")
    except AnswersError as error:
        return error.problems
    levels = score_levels(questionnaire, checked.values)
    return Scored(levels.level, levels.factor_levels)


def batch_outcome(scorer: RowScorer, data: Any, row: int) -> Scored | list[str]:
    try:
        return scorer.score(data, row)
    except AnswersError as error:
        return error.problems


def all_rows(questionnaire: Questionnaire) -> list[Any]:
    rows = [data for chosen in valid_answer_sets(questionnaire) for data in spellings(questionnaire, chosen)]
    return rows + BROKEN_ROWS


def test_the_made_up_questionnaire_reaches_every_level_and_every_threshold_exactly() -> None:
    """So the agreement below covers each comparison at its boundary, not only far from it."""
    levels = [score_levels(QUESTIONNAIRE, chosen) for chosen in valid_answer_sets(QUESTIONNAIRE)]
    assert {result.level for result in levels} == {"low", "moderate", "high", "urgent"}
    totals = {result.factor_totals for result in levels}
    assert {total for total, _ in totals} >= {0, 2, 4, 9}
    assert {total for _, total in totals} >= {0, 1, 6}
    assert {sum(total) for total in totals} >= {3, 8, 15}
    assert max(sum(total) for total in totals) == sum(highest_scores(QUESTIONNAIRE).values())


def test_every_row_scores_as_the_reference_path_scores_it() -> None:
    scorer = RowScorer(QUESTIONNAIRE)
    rows = all_rows(QUESTIONNAIRE)
    for number, data in enumerate(rows + rows, 1):
        assert batch_outcome(scorer, data, number) == reference_outcome(QUESTIONNAIRE, data, number), data


def test_rows_score_the_same_in_any_order() -> None:
    scorer = RowScorer(QUESTIONNAIRE)
    rows = list(reversed(all_rows(QUESTIONNAIRE)))
    for number, data in enumerate(rows, 1):
        assert batch_outcome(scorer, data, number) == reference_outcome(QUESTIONNAIRE, data, number), data


def test_an_error_names_the_row() -> None:
    scorer = RowScorer(QUESTIONNAIRE)
    with pytest.raises(AnswersError) as caught:
        scorer.score({"use": "hourly", "mix": "kava"}, 7)
    assert caught.value.problems == ["row 7: 'use': 'hourly' is not a choice (one of: rarely, weekly, daily)"]


def test_each_distinct_answer_text_is_remembered_once() -> None:
    scorer = RowScorer(QUESTIONNAIRE)
    for use, mix in (("weekly", ["kava"]), (" weekly", ["kava"]), ("weekly", "kava")):
        scorer.score({"use": use, "mix": mix}, 1)
    remembered = {step.question_id: list(step.seen) for step in scorer._steps}
    assert remembered["use"] == ["weekly", " weekly"]
    assert remembered["mix"] == [("kava",), "kava"]


def test_an_answer_of_the_longest_remembered_length_is_remembered_and_a_longer_one_is_not() -> None:
    scorer = RowScorer(QUESTIONNAIRE)
    longest = " " * (batch_scoring.REMEMBERED_TEXT - len("weekly")) + "weekly"
    scorer.score({"use": longest, "mix": ["kava"]}, 1)
    scorer.score({"use": " " + longest, "mix": ["kava"]}, 2)
    assert list(scorer._steps[0].seen) == [longest]


def test_outcomes_are_remembered_per_distinct_key_within_their_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch_scoring, "REMEMBERED_OUTCOMES", 2)
    scorer = RowScorer(QUESTIONNAIRE)
    for use in ("rarely", "rarely", "weekly", "daily"):
        data = {"use": use, "mix": ["coffee"], **({"how_much": "little"} if use == "daily" else {})}
        assert batch_outcome(scorer, data, 1) == reference_outcome(QUESTIONNAIRE, data, 1)
    assert len(scorer._outcomes) == 2
    assert len(scorer._rule_ranks) == 2


def test_a_list_answer_longer_than_the_remembered_length_in_all_is_not_remembered() -> None:
    scorer = RowScorer(QUESTIONNAIRE)
    scorer.score({"use": "weekly", "mix": [" " * batch_scoring.REMEMBERED_TEXT + "kava"]}, 1)
    assert list(scorer._steps[1].seen) == []


def test_a_remembered_answer_is_not_parsed_again(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[Any] = []
    parse = contract.parse_answer

    def counted(question: Any, raw: Any, lookup: Any) -> Any:
        parsed.append(raw)
        return parse(question, raw, lookup)

    monkeypatch.setattr(contract, "parse_answer", counted)
    scorer = RowScorer(QUESTIONNAIRE)
    scorer.score({"use": "weekly", "mix": ["kava"]}, 1)
    first = list(parsed)
    scorer.score({"use": "weekly", "mix": ["kava"]}, 2)
    scorer.score({"use": "weekly", "mix": ["kava"], "worried": "no"}, 3)
    assert parsed == [*first, "no"]


def test_rows_with_the_same_outcome_key_take_the_reference_path_once() -> None:
    """Here the totals differ but reach the same thresholds, and the same rules hold; a full row is no exception."""
    scorer = RowScorer(QUESTIONNAIRE)
    referenced: list[int] = []
    reference_path = scorer._reference

    def counted(data: Any, row: int) -> Scored:
        referenced.append(row)
        return reference_path(data, row)

    scorer._reference = counted  # type: ignore[method-assign]
    rows = [
        {"use": "weekly", "mix": ["kava"]},
        {"use": "weekly", "mix": ["alcohol", "kava"], "with_what": "food"},
        {"use": "weekly", "mix": ["kava"], "worried": "no"},
    ]
    assert [scorer.score(data, number) for number, data in enumerate(rows, 1)] == [
        Scored("high", ("moderate", "moderate"))
    ] * 3
    assert referenced == [1]
    full = {"use": "daily", "mix": ["kava"], "worried": "yes", "how_much": "little", "with_what": "food"}
    scorer.score(full, 4)
    scorer.score(full, 5)
    assert referenced == [1, 4]


def test_the_highest_rule_level_is_worked_out_once_per_set_of_answer_tests_that_hold() -> None:
    scorer = RowScorer(QUESTIONNAIRE)
    checks: list[int] = []

    def counted(rank: int, test: Any) -> Any:
        def check(tally: int) -> bool:
            checks.append(rank)
            return bool(test(tally))

        return check

    scorer._rules = tuple((rank, counted(rank, test)) for rank, test in scorer._rules)
    for how_much in ("little", "lots", "little"):
        scorer.score({"use": "daily", "mix": ["none"], "how_much": how_much}, 1)
    assert len(checks) == len(QUESTIONNAIRE.rules)
