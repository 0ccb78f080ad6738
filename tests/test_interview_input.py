"""What a person types at the interview's prompt: any text gets a choice or a calm reason, never a crash."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kratom_check.ask.interview import parse_typed
from kratom_check.model import Questionnaire


@pytest.mark.parametrize("typed", ["²", "٣", "¹,2", "1²", "9" * 5000, "\x00", "1\u200b"])
def test_unicode_digits_and_odd_characters_are_not_one_of_the_choices(
    questionnaire: Questionnaire, typed: str
) -> None:
    question = questionnaire.questions[0]
    chosen, problem = parse_typed(question, typed)
    assert chosen == ()
    assert problem is not None
    assert "is not one of the choices" in problem


@given(typed=st.text(max_size=40), index=st.integers(0, 30))
def test_any_typed_text_gives_choices_or_a_reason_and_never_raises(
    questionnaire: Questionnaire, typed: str, index: int
) -> None:
    question = questionnaire.questions[index % len(questionnaire.questions)]
    chosen, problem = parse_typed(question, typed)
    assert (chosen == ()) == (problem is not None)
    assert set(chosen) <= set(question.choice_ids)


def test_ascii_numbers_still_pick_choices(questionnaire: Questionnaire) -> None:
    multiple = next(question for question in questionnaire.questions if question.kind == "multiple")
    assert parse_typed(multiple, "1, 2") == (multiple.choice_ids[:2], None)


def test_typed_control_characters_are_shown_not_sent_back_to_the_terminal(questionnaire: Questionnaire) -> None:
    _, problem = parse_typed(questionnaire.questions[0], "\x1b[2J")
    assert problem is not None
    assert "\x1b" not in problem
    assert "\\x1b[2J" in problem
