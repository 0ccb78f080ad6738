"""What a person is told that only the slow terminal tests drew before: the lines shown in the middle of the
questions when a sign needs care today, and the answers listed in a report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kratom_check.ask import answers
from kratom_check.model import Questionnaire
from kratom_check.render import text
from kratom_check.score.reference import Assessment, Change, SinceLast, score

from .conftest import load_persona

PERSONAS = Path(__file__).resolve().parent / "personas"


def assessed(questionnaire: Questionnaire, persona: str) -> Assessment:
    data = load_persona(PERSONAS / f"{persona}.yaml")
    return score(questionnaire, answers.check(questionnaire, data["answers"], persona).values)


@pytest.mark.parametrize("persona", ["yellow_eyes", "slow_breathing"])
def test_help_now_marks_each_sign_and_step_with_a_bang_and_each_contact_with_a_dash(
    questionnaire: Questionnaire, persona: str
) -> None:
    """Yellow eyes: a sign and contacts; slow breathing: a step to take now as well."""
    assessment = assessed(questionnaire, persona)
    lines = text.help_now_lines(assessment)
    contacts = [text.resource_text(resource) for resource in assessment.lead_resources]
    assert contacts
    assert assessment.act_now or persona == "yellow_eyes"
    assert lines == [
        *(("!", flag.text) for flag in assessment.red_flags),
        *(("!", line.text) for line in assessment.act_now),
        ("!", assessment.level_meaning),
        *(("-", contact) for contact in contacts),
    ]


def test_help_now_is_empty_when_nothing_calls_for_care_today(questionnaire: Questionnaire) -> None:
    assert text.help_now_lines(assessed(questionnaire, "occasional_leaf")) == []


def test_the_answers_list_joins_several_choices_with_semicolons(questionnaire: Questionnaire) -> None:
    assessment = assessed(questionnaire, "yellow_eyes")
    rows = dict(text.answer_rows(assessment, questionnaire))
    symptoms = questionnaire.questions_by_id["symptoms"]
    chosen = dict(assessment.answers)["symptoms"]
    assert len(chosen) > 1
    labels = [choice.label for choice in symptoms.choices if choice.id in chosen]
    assert rows[symptoms.text] == "; ".join(labels)


def with_since(assessment: Assessment, **changes: Any) -> Assessment:
    since = SinceLast(made="2026-11-01T09:30:00+00:00", level_before="high", level_now="moderate",
                      went_up=(), went_down=(), answers=())  # fmt: skip
    return assessment._replace(since_last=since._replace(**changes))


def test_since_last_names_each_area_that_went_down_with_its_levels(questionnaire: Questionnaire) -> None:
    assessment = with_since(
        assessed(questionnaire, "occasional_leaf"), went_down=(Change("How often you use", "High", "Low"),)
    )
    rows = text.since_rows(assessment, questionnaire)
    assert rows[0] == "Result then: High. Result now: Moderate."
    assert rows[1] == "Went down: How often you use (High to Low)"


def test_since_last_says_so_when_no_answer_changed(questionnaire: Questionnaire) -> None:
    rows = text.since_rows(with_since(assessed(questionnaire, "occasional_leaf")), questionnaire)
    assert rows[-1] == "Your answers are the same as last time."


def test_since_last_shows_a_level_the_questionnaire_no_longer_has_by_its_id(questionnaire: Questionnaire) -> None:
    """A check saved with an older questionnaire may hold a level id this one does not know."""
    assessment = with_since(assessed(questionnaire, "occasional_leaf"), level_before="very_high")
    assert text.since_rows(assessment, questionnaire)[0] == "Result then: very_high. Result now: Moderate."
