"""Batch-speed scoring gives exactly the reference path's levels and errors, whatever the questionnaire."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kratom_check.ask import answers
from kratom_check.errors import AnswersError
from kratom_check.load import questionnaire
from kratom_check.model import Condition, Factor, Overall, Question, Questionnaire, Rule
from kratom_check.score import fast as batch_scoring
from kratom_check.score.fast import RowScorer
from kratom_check.score.reference import score_levels

from .strategies import answer_sets

QUESTIONNAIRE = questionnaire.load()
# Each example scores dozens of rows, so a sixth of the profile's examples still checks thousands of rows.
MANY_ROWS = settings(
    max_examples=max(20, settings().max_examples // 6),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
Outcome = tuple[str, tuple[str, ...]]


def reference(model: Questionnaire, data: Any, row: int) -> Outcome:
    """What answers.check and scoring.score_levels say of one row, errors included."""
    try:
        checked = answers.check(model, copy.deepcopy(data), f"row {row}")
    except AnswersError as exc:
        return "error", tuple(exc.problems)
    levels = score_levels(model, checked.values)
    return levels.level, levels.factor_levels


def fast(scorer: RowScorer, data: Any, row: int) -> Outcome:
    try:
        scored = scorer.score(data, row)
    except AnswersError as exc:
        return "error", tuple(exc.problems)
    return scored.level, scored.factor_levels


def spelled(model: Questionnaire, chosen: dict[str, tuple[str, ...]], draw: st.DrawFn) -> dict[str, Any]:
    """An answer set as a person or a script might write it: ids or labels, any case and spacing, repeats."""
    data: dict[str, Any] = {}
    for question_id, choice_ids in chosen.items():
        question = model.questions_by_id[question_id]
        written = []
        for choice_id in choice_ids:
            choice = question.choice(choice_id)
            assert choice is not None
            form = draw(st.sampled_from(["id", "id", "label", "LABEL", " padded "]))
            forms = {"label": choice.label, "LABEL": choice.label.upper(), " padded ": f" {choice_id} "}
            text = forms.get(form, choice_id)
            written += [text] * draw(st.sampled_from([1, 1, 1, 2]))
        as_list = question.kind == "multiple" and (len(written) > 1 or draw(st.booleans()))
        data[question_id] = written if as_list else written[0]
    return data


@st.composite
def rows_for(draw: st.DrawFn, model: Questionnaire) -> list[Any]:
    """Valid answer sets in every spelling, with repeats (so remembered outcomes get reused) and broken rows."""
    rows: list[Any] = []
    for _ in range(draw(st.integers(20, 60))):
        data = spelled(model, draw(answer_sets(model)), draw)
        breakage = draw(st.integers(0, 9))
        if breakage == 0 and data:
            del data[draw(st.sampled_from(sorted(data)))]
        elif breakage == 1:
            data[draw(st.sampled_from([q.id for q in model.questions]))] = draw(
                st.sampled_from([True, False, 1, 0, 2.5, "", "nope", [], [[]], {}, ["x", 1], [True], None])
            )
        elif breakage == 2:
            data["not_a_question"] = "x"
        rows.append(data)
    return rows + [copy.deepcopy(row) for row in draw(st.lists(st.sampled_from(rows), max_size=20))]


def check_rows(model: Questionnaire, rows: list[Any]) -> None:
    scorer = RowScorer(model)
    for number, data in enumerate(rows, 1):
        assert fast(scorer, data, number) == reference(model, data, number), data


@MANY_ROWS
@given(rows=rows_for(QUESTIONNAIRE))
def test_rows_score_as_the_reference_path_scores_them(rows: list[Any]) -> None:
    check_rows(QUESTIONNAIRE, rows)


LEVELS = [level.id for level in QUESTIONNAIRE.levels]


@st.composite
def conditions(draw: st.DrawFn, questions: tuple[Question, ...], depth: int = 2) -> Condition:
    kind = draw(st.sampled_from(["leaf", "leaf", "any", "all", "not"] if depth else ["leaf"]))
    if kind == "leaf":
        question = draw(st.sampled_from(questions))
        wanted = tuple(draw(st.lists(st.sampled_from(question.choice_ids), min_size=1, max_size=3, unique=True)))
        if draw(st.booleans()):
            return Condition(answer=question.id, is_=wanted)
        return Condition(answer=question.id, includes=wanted)
    if kind == "not":
        return Condition(not_=draw(conditions(questions, depth - 1)))
    children = tuple(draw(st.lists(conditions(questions, depth - 1), min_size=1, max_size=3)))
    return Condition(any_=children) if kind == "any" else Condition(all_=children)


def thresholds(draw: st.DrawFn, largest: int) -> dict[str, int]:
    levels = draw(st.lists(st.sampled_from(LEVELS[1:]), unique=True))
    return {level: draw(st.integers(1, largest)) for level in levels}


@st.composite
def reshuffled_questionnaires(draw: st.DrawFn) -> Questionnaire:
    """The packaged questions with new points, thresholds, follow-ups and rules, any/all/not included."""
    factor_ids = [factor.id for factor in QUESTIONNAIRE.factors]
    questions: list[Question] = []
    for index, question in enumerate(QUESTIONNAIRE.questions):
        choices = tuple(
            choice._replace(points=draw(st.dictionaries(st.sampled_from(factor_ids), st.integers(0, 100), max_size=3)))
            for choice in question.choices
        )
        ask_if = None
        if index and draw(st.integers(0, 3)) == 0:
            ask_if = draw(conditions(tuple(questions)))
        questions.append(question._replace(choices=choices, ask_if=ask_if, required=draw(st.booleans())))
    frozen = tuple(questions)
    rules = tuple(
        Rule(
            id=f"rule_{number}", when=draw(conditions(frozen)), level=draw(st.sampled_from(LEVELS)), sources=("source",)
        )
        for number in range(draw(st.integers(0, 6)))
    )
    return QUESTIONNAIRE._replace(
        questions=frozen,
        factors=tuple(Factor(id=f.id, title=f.title, thresholds=thresholds(draw, 300)) for f in QUESTIONNAIRE.factors),
        overall=Overall(thresholds=thresholds(draw, 1000)),
        rules=rules,
    )


@MANY_ROWS
@given(data=st.data())
def test_any_questionnaire_scores_as_the_reference_path_scores_it(data: st.DataObject) -> None:
    model = data.draw(reshuffled_questionnaires())
    check_rows(model, data.draw(rows_for(model)))


def test_a_total_at_its_largest_possible_value_still_reads_as_reached() -> None:
    """One factor, one overall threshold of 1 point, 100 points on every choice but the harmless ones.

    The row with no points is scored first; the row that ticks every point-bearing choice must not be
    mistaken for it.
    """
    factor = QUESTIONNAIRE.factors[0]._replace(thresholds={})

    def harmless(question: Question, choice_id: str) -> bool:
        """The choices the no-points row picks: an exclusive one, or the first of a multiple question that has
        none (a required question needs some answer), and every single choice but the last."""
        choice = question.choice(choice_id)
        assert choice is not None
        if question.kind == "multiple":
            has_exclusive = any(other.exclusive for other in question.choices)
            return choice.exclusive or (not has_exclusive and choice_id == question.choice_ids[0])
        return choice_id != question.choice_ids[-1]

    heavy = QUESTIONNAIRE._replace(
        questions=tuple(
            question._replace(
                choices=tuple(
                    choice._replace(points={} if harmless(question, choice.id) else {factor.id: 100})
                    for choice in question.choices
                )
            )
            for question in QUESTIONNAIRE.questions
        ),
        factors=(factor,),
        overall=Overall(thresholds={LEVELS[1]: 1}),
        rules=(),
    )
    nothing: dict[str, Any] = {}
    everything: dict[str, Any] = {}
    for question in heavy.questions:
        if question.kind == "multiple":
            nothing[question.id] = [next(c.id for c in question.choices if harmless(question, c.id))]
            everything[question.id] = [c.id for c in question.choices if not harmless(question, c.id)]
        else:
            nothing[question.id] = question.choice_ids[0]
            everything[question.id] = question.choice_ids[-1]
    rows = [nothing, everything]
    assert [reference(heavy, row, 1)[0] for row in rows] == LEVELS[:2]
    check_rows(heavy, rows)


def test_remembered_answers_stay_within_their_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch_scoring, "REMEMBERED_ANSWERS", 3)
    monkeypatch.setattr(batch_scoring, "REMEMBERED_OUTCOMES", 2)
    scorer = RowScorer(QUESTIONNAIRE)
    base = {"duration": "over_1_year", "amount": "small", "product_forms": ["leaf"], "co_use": ["none"]}
    base |= {"liver_conditions": ["none"], "symptoms": ["none"]}
    rows = [
        {**base, "frequency": " " * spaces + frequency}
        for spaces in range(4)
        for frequency in ("daily", "weekly", "rarely")
    ]
    for number, row in enumerate(rows, 1):
        assert fast(scorer, row, number) == reference(QUESTIONNAIRE, row, number)
    assert max(len(step.seen) for step in scorer._steps) == 3
    assert len(scorer._outcomes) == 2


def test_long_answers_are_scored_but_not_remembered() -> None:
    scorer = RowScorer(QUESTIONNAIRE)
    padded = {
        "frequency": " " * 10_000 + "daily",
        "duration": "over_1_year",
        "amount": "small",
        "product_forms": ["leaf"] * 500,
        "co_use": ["none"],
        "liver_conditions": ["none"],
        "symptoms": ["none"],
    }
    assert reference(QUESTIONNAIRE, padded, 1)[0] == "moderate"
    assert fast(scorer, padded, 1) == reference(QUESTIONNAIRE, padded, 1)
    remembered = {step.question_id: list(step.seen) for step in scorer._steps}
    assert remembered["frequency"] == []
    assert remembered["product_forms"] == []
    assert remembered["duration"] == ["over_1_year"]
