"""Scoring: properties that hold for every valid answer set (what each persona is told: test_personas.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kratom_check.ask import answers
from kratom_check.model import Questionnaire
from kratom_check.score.reference import score

from .conftest import LIGHT_USE, PERSONAS, load_persona
from .strategies import answer_sets, risk_additions


@given(data=st.data())
def test_adding_a_risk_factor_never_lowers_the_level(questionnaire: Questionnaire, data: st.DataObject) -> None:
    rank = questionnaire.level_rank
    base = data.draw(answer_sets(questionnaire), label="answers")
    before = score(questionnaire, base).level
    for more in risk_additions(questionnaire, base):
        after = score(questionnaire, more).level
        assert rank[after] >= rank[before], (base, more)


@given(data=st.data())
def test_no_caution_is_more_severe_than_the_report_level(questionnaire: Questionnaire, data: st.DataObject) -> None:
    rank = questionnaire.level_rank
    assessment = score(questionnaire, data.draw(answer_sets(questionnaire)))
    for caution in assessment.cautions:
        assert rank[caution.severity] <= rank[assessment.level], caution.id


@given(data=st.data())
def test_scoring_is_deterministic(questionnaire: Questionnaire, data: st.DataObject) -> None:
    chosen = data.draw(answer_sets(questionnaire))
    assert score(questionnaire, chosen) == score(questionnaire, dict(chosen))


@given(data=st.data())
def test_every_generated_answer_set_passes_the_answers_check(questionnaire: Questionnaire, data: st.DataObject) -> None:
    chosen = data.draw(answer_sets(questionnaire))
    contract = answers.as_contract(chosen, questionnaire)
    assert answers.check(questionnaire, contract).values == chosen




def test_a_warning_sign_makes_the_level_urgent(questionnaire: Questionnaire) -> None:
    assessment = score(questionnaire, {**LIGHT_USE, "symptoms": ("dark_urine",)})
    assert assessment.level == "urgent"
    assert [flag.id for flag in assessment.red_flags] == ["dark_urine"]
    assert [resource.id for resource in assessment.lead_resources] == ["emergency", "poison_help"]


def test_answers_to_questions_not_asked_do_not_count(questionnaire: Questionnaire) -> None:
    with_stray = {**LIGHT_USE, "alcohol_frequency": ("daily",)}
    assert score(questionnaire, with_stray) == score(questionnaire, LIGHT_USE)


def test_light_use_with_no_risk_factors_is_low(questionnaire: Questionnaire) -> None:
    assessment = score(questionnaire, LIGHT_USE)
    assert assessment.level == "low"
    assert assessment.red_flags == ()


def test_sources_list_exactly_what_the_report_cites(questionnaire: Questionnaire) -> None:
    data = load_persona(PERSONAS[0])
    assessment = score(questionnaire, answers.check(questionnaire, data["answers"]).values)
    cited = set()
    for line in (
        *assessment.act_now,
        *assessment.lead_resources,
        *assessment.safety_net,
        *assessment.red_flags,
        *assessment.cautions,
        *assessment.next_steps,
        *assessment.ask_clinician,
        *assessment.resources,
        *assessment.good_to_know,
        *assessment.clinician,
    ):
        cited.update(line.sources)
    assert {key for key, _ in assessment.sources} == cited
