"""What each person is told, for every valid answer set: the engine against the reference reading in tests/reference.py.

Expectations come from the loaded questionnaire, never from its wording or ids, so these hold whatever
the content says.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kratom_check.model import MENU_STEPS, Advice, Question, Questionnaire
from kratom_check.score.reference import Assessment, score

from . import reference
from .strategies import AnswerDict, answer_sets, settle
from .test_engine_rules import fresh_engine_caches  # noqa: F401  (an autouse fixture: importing it applies it here)

SHOWN_ORDER = (
    "act_now",
    "lead_resources",
    "safety_net",
    "cautions",
    "next_steps",
    "ask_clinician",
    "resources",
    "good_to_know",
    "red_flags",
    "clinician",
)
"""The sections that cite sources, in the order a report shows them; red flags (JSON only) last."""

ADVICE_SECTIONS = {
    "act_now": "act_now",
    "watch_for": "safety_net",
    "next_step": "next_steps",
    "ask_clinician": "ask_clinician",
    "good_to_know": "good_to_know",
}
"""Where each kind of advice line shows."""


EACH = settings(max_examples=max(50, settings().max_examples // 3))
"""A third of the profile's examples per property: there are many of them, and each sees the whole report."""


def draw_assessment(questionnaire: Questionnaire, data: st.DataObject) -> tuple[AnswerDict, Assessment]:
    chosen = data.draw(answer_sets(questionnaire), label="answers")
    return chosen, score(questionnaire, chosen)


@EACH
@given(data=st.data())
def test_a_caution_appears_exactly_when_its_condition_holds(questionnaire: Questionnaire, data: st.DataObject) -> None:
    chosen, assessment = draw_assessment(questionnaire, data)
    expected = {caution.id for caution in questionnaire.cautions if reference.holds(caution.when, chosen)}
    assert sorted(caution.id for caution in assessment.cautions) == sorted(expected)


@EACH
@given(data=st.data())
def test_cautions_come_highest_severity_first_then_in_questionnaire_order(
    questionnaire: Questionnaire, data: st.DataObject
) -> None:
    _, assessment = draw_assessment(questionnaire, data)
    rank = questionnaire.level_rank
    position = {caution.id: index for index, caution in enumerate(questionnaire.cautions)}
    keys = [(-rank[caution.severity], position[caution.id]) for caution in assessment.cautions]
    assert keys == sorted(keys)


@EACH
@given(data=st.data())
def test_a_red_flag_appears_exactly_when_its_rule_holds(questionnaire: Questionnaire, data: st.DataObject) -> None:
    chosen, assessment = draw_assessment(questionnaire, data)
    expected = [rule.id for rule in questionnaire.rules if rule.red_flag and reference.holds(rule.when, chosen)]
    assert [flag.id for flag in assessment.red_flags] == expected


def advice_that_holds(questionnaire: Questionnaire, chosen: AnswerDict) -> list[Advice]:
    """The advice lines whose levels and condition hold, in the questionnaire's order (tests/reference.py)."""
    level = reference.overall_level(questionnaire, chosen)
    return [
        item
        for item in questionnaire.advice
        if (item.levels is None or level in item.levels) and (item.when is None or reference.holds(item.when, chosen))
    ]


@EACH
@given(data=st.data())
def test_advice_appears_exactly_when_its_condition_and_levels_hold(
    questionnaire: Questionnaire, data: st.DataObject
) -> None:
    chosen, assessment = draw_assessment(questionnaire, data)
    shown = advice_that_holds(questionnaire, chosen)
    menu = [item for item in shown if item.kind == "menu"]
    for kind, section in ADVICE_SECTIONS.items():
        lines = getattr(assessment, section)
        if menu and kind in ("next_step", "ask_clinician"):
            continue  # what fits the person's wish comes first, and the list is cut (the next test)
        assert [line.id for line in lines] == [item.id for item in shown if item.kind == kind], kind


@EACH
@given(data=st.data())
def test_when_a_step_fits_what_the_person_wants_the_steps_start_with_it_and_stop_at_three(
    questionnaire: Questionnaire, data: st.DataObject
) -> None:
    chosen, assessment = draw_assessment(questionnaire, data)
    shown = advice_that_holds(questionnaire, chosen)
    in_order = [item for kind in ("menu", "next_step", "ask_clinician") for item in shown if item.kind == kind]
    given_ids = [line.id for line in (*assessment.next_steps, *assessment.ask_clinician)]
    if not any(item.kind == "menu" for item in shown):
        assert given_ids == [item.id for item in in_order if item.kind != "menu"]
        return
    texts: list[str] = []
    expected: list[str] = []
    for item in in_order:
        if item.text not in texts:
            texts.append(item.text)
            expected.append(item.id)
    assert given_ids == expected[:MENU_STEPS]


@EACH
@given(data=st.data())
def test_resources_appear_by_level_and_lead_exactly_at_their_lead_levels(
    questionnaire: Questionnaire, data: st.DataObject
) -> None:
    _, assessment = draw_assessment(questionnaire, data)
    level = assessment.level
    shown = [item for item in questionnaire.resources if item.levels is None or level in item.levels]
    assert [line.id for line in assessment.lead_resources] == [item.id for item in shown if level in item.lead_at]
    assert [line.id for line in assessment.resources] == [item.id for item in shown if level not in item.lead_at]


@EACH
@given(data=st.data())
def test_every_line_carries_its_items_words_and_sources(questionnaire: Questionnaire, data: st.DataObject) -> None:
    _, assessment = draw_assessment(questionnaire, data)
    rules = {rule.id: rule for rule in questionnaire.rules}
    cautions = {caution.id: caution for caution in questionnaire.cautions}
    advice = {item.id: item for item in questionnaire.advice}
    resources = {item.id: item for item in questionnaire.resources}
    for flag in assessment.red_flags:
        rule = rules[flag.id]
        assert (flag.text, flag.sources, flag.level) == (rule.red_flag, rule.sources, rule.level)
    for caution in assessment.cautions:
        written = cautions[caution.id]
        assert (caution.text, caution.sources, caution.severity, caution.next_step) == (
            written.text,
            written.sources,
            written.severity,
            written.next_step,
        )
    for line in (line for section in ADVICE_SECTIONS.values() for line in getattr(assessment, section)):
        assert (line.text, line.sources) == (advice[line.id].text, advice[line.id].sources)
    for resource in (*assessment.lead_resources, *assessment.resources):
        item = resources[resource.id]
        assert (resource.text, resource.sources, resource.name, resource.contact) == (
            item.text,
            item.sources,
            item.name,
            item.contact,
        )


@EACH
@given(data=st.data())
def test_sources_list_each_cited_key_once_in_order_of_first_use_and_nothing_else(
    questionnaire: Questionnaire, data: st.DataObject
) -> None:
    _, assessment = draw_assessment(questionnaire, data)
    sections = {field: getattr(assessment, field) for field in Assessment._fields}
    citing = {
        field
        for field, value in sections.items()
        if isinstance(value, tuple) and any(hasattr(item, "sources") for item in value)
    }
    assert citing <= set(SHOWN_ORDER), "a new section cites sources: add it to SHOWN_ORDER where it is shown"
    lines = [line for field in SHOWN_ORDER for line in getattr(assessment, field)]
    assert [key for key, _ in assessment.sources] == reference.first_uses([line.sources for line in lines])
    assert all(source == questionnaire.sources[key] for key, source in assessment.sources)


@EACH
@given(data=st.data())
def test_factor_totals_are_the_sum_of_the_points_of_the_answers_used(
    questionnaire: Questionnaire, data: st.DataObject
) -> None:
    chosen, assessment = draw_assessment(questionnaire, data)
    totals = reference.factor_totals(questionnaire, chosen)
    assert {factor.id: factor.score for factor in assessment.factors} == totals
    assert [factor.id for factor in assessment.factors] == [factor.id for factor in questionnaire.factors]


@EACH
@given(data=st.data())
def test_each_factor_names_the_answers_that_gave_it_points_in_the_order_asked(
    questionnaire: Questionnaire, data: st.DataObject
) -> None:
    chosen, assessment = draw_assessment(questionnaire, data)
    used = reference.used_answers(questionnaire, chosen)
    for result in assessment.factors:
        expected = [
            (question_id, choice.id)
            for question_id, choice_ids in used.items()
            for choice_id in choice_ids
            for choice in questionnaire.questions_by_id[question_id].choices
            if choice.id == choice_id and choice.points.get(result.id, 0) > 0
        ]
        assert list(result.raised_by) == expected, result.id


@EACH
@given(data=st.data())
def test_each_factor_level_is_the_highest_threshold_its_total_reaches(
    questionnaire: Questionnaire, data: st.DataObject
) -> None:
    chosen, assessment = draw_assessment(questionnaire, data)
    levels = reference.factor_levels(questionnaire, chosen)
    assert {factor.id: factor.level for factor in assessment.factors} == levels
    titles = {factor.id: factor.title for factor in questionnaire.factors}
    assert {factor.id: factor.title for factor in assessment.factors} == titles


@EACH
@given(data=st.data())
def test_the_level_is_the_highest_of_overall_points_factors_and_rules(
    questionnaire: Questionnaire, data: st.DataObject
) -> None:
    chosen, assessment = draw_assessment(questionnaire, data)
    level = questionnaire.level(reference.overall_level(questionnaire, chosen))
    assert (assessment.level, assessment.level_name, assessment.level_title, assessment.level_meaning) == (
        level.id,
        level.name,
        level.title,
        reference.result_step(questionnaire, chosen),
    )


@EACH
@given(data=st.data())
def test_the_combined_level_is_the_overall_threshold_the_summed_points_reach(
    questionnaire: Questionnaire, data: st.DataObject
) -> None:
    chosen, assessment = draw_assessment(questionnaire, data)
    total = sum(reference.factor_totals(questionnaire, chosen).values())
    assert assessment.combined_level == reference.level_reached(questionnaire, total, questionnaire.overall.thresholds)


@st.composite
def answers_with_strays(draw: st.DrawFn, questionnaire: Questionnaire) -> tuple[AnswerDict, AnswerDict]:
    """A valid answer set, and the same with answers to some questions that are not asked."""
    chosen = draw(answer_sets(questionnaire))
    asked = reference.asked_ids(questionnaire, chosen)
    stray = dict(chosen)
    for question in questionnaire.questions:
        if question.id not in asked and draw(st.booleans()):
            stray[question.id] = (draw(st.sampled_from(question.choice_ids)),)
    return chosen, stray


@EACH
@given(data=st.data())
def test_answers_to_questions_not_asked_are_ignored(questionnaire: Questionnaire, data: st.DataObject) -> None:
    chosen, stray = data.draw(answers_with_strays(questionnaire))
    assessment = score(questionnaire, stray)
    assert assessment == score(questionnaire, chosen)
    assert dict(assessment.answers) == reference.used_answers(questionnaire, stray)


def additions(questionnaire: Questionnaire, answers: AnswerDict) -> list[AnswerDict]:
    """Every way to add one answer: another non-exclusive choice ticked, or a skipped optional question answered.

    Follow-ups this opens get their least risky answer; a change that closes a question answered before
    is not simply adding, so it is left out.
    """
    results: list[AnswerDict] = []
    asked = reference.asked_ids(questionnaire, answers)
    for question in questionnaire.questions:
        if question.id not in asked:
            continue
        current = answers.get(question.id)
        options: list[tuple[str, ...]]
        if current is None:
            options = [(choice.id,) for choice in question.choices]
        elif question.kind == "multiple" and not any(_exclusive(question, choice_id) for choice_id in current):
            options = [(*current, choice.id) for choice in question.choices if not choice.exclusive]
            options = [option for option in options if option[-1] not in current]
        else:
            continue
        for option in options:
            more = settle(questionnaire, {**answers, question.id: option})
            if all(more.get(key) == value for key, value in answers.items() if key != question.id):
                results.append(more)
    return results


def _exclusive(question: Question, choice_id: str) -> bool:
    choice = question.choice(choice_id)
    return choice is not None and choice.exclusive


@EACH
@given(data=st.data())
def test_adding_an_answer_never_removes_a_red_flag_nor_lowers_the_level(
    questionnaire: Questionnaire, data: st.DataObject
) -> None:
    rank = questionnaire.level_rank
    chosen, before = draw_assessment(questionnaire, data)
    flags = {flag.id for flag in before.red_flags}
    for more in additions(questionnaire, chosen):
        after = score(questionnaire, more)
        assert flags <= {flag.id for flag in after.red_flags}, more
        assert rank[after.level] >= rank[before.level], more
