"""Finishing a check from a file saved after a warning sign, and asking why a question is asked, in words."""

from __future__ import annotations

import io

from rich.console import Console

from kratom_check.ask.interview import interview
from kratom_check.model import Questionnaire
from kratom_check.render.report import warning_for

from .test_interview_flow import NO_SIGN, REST, Script, run

EARLY = {"symptoms": ("seizure",)}
"""What --save-answers keeps when the report was asked for right after a warning sign."""


def test_finishing_a_saved_early_check_offers_the_optional_questions_never_seen(
    questionnaire: Questionnaire,
) -> None:
    outcome, screen = run(questionnaire, ["c", *REST, ""], given=EARLY)
    assert "Are you pregnant or breastfeeding?" in screen
    assert "Why do you use kratom?" in screen
    assert outcome.answers["pregnancy"] == ("not_applicable",)
    assert outcome.complete


def test_an_optional_question_offered_when_finishing_can_still_be_skipped(questionnaire: Questionnaire) -> None:
    outcome, screen = run(questionnaire, ["c", *REST[:-2], "", "", ""], given=EARLY)
    assert "Are you pregnant or breastfeeding?" in screen
    assert "pregnancy" not in outcome.answers
    assert outcome.complete


def test_a_partial_file_without_a_warning_sign_still_asks_only_what_is_missing(questionnaire: Questionnaire) -> None:
    given = {"symptoms": ("none",), "frequency": ("daily",), "duration": ("over_1_year",), "amount": ("small",)}
    _, screen = run(questionnaire, ["1", "6", "1", ""], given=given)
    assert "Are you pregnant or breastfeeding?" not in screen.split("Your answers")[0]


def test_help_typed_as_a_word_shows_why_the_question_is_asked(questionnaire: Questionnaire) -> None:
    _, screen = run(questionnaire, ["help", NO_SIGN, *REST, ""])
    assert "Why we ask:" in screen
    assert "is not one of the choices" not in screen


def test_help_in_capitals_shows_why_the_question_is_asked(questionnaire: Questionnaire) -> None:
    _, screen = run(questionnaire, ["HELP", NO_SIGN, *REST, ""])
    assert "Why we ask:" in screen


def test_ayuda_shows_why_the_question_is_asked_in_spanish() -> None:
    from kratom_check.i18n import activate
    from kratom_check.load.questionnaire import load

    activate("es")
    try:
        spanish = load(None, "es")
        screen = io.StringIO()
        console = Console(file=screen, width=100, color_system=None)
        script = Script(["ayuda", NO_SIGN, *REST, ""])
        interview(spanish, console, script, warning=warning_for(spanish))
    finally:
        activate("en")
    assert "Por qué preguntamos:" in screen.getvalue()
