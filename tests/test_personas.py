"""What each kind of person is told: the level, and exactly which lines they see and never see.

Each file in tests/personas/ is one person: their answers, the level they should get and why, what
the report must show (cautions in the order shown, highest severity first), and what it must never
show. English and Spanish reports share the same expectations: ids and levels do not change with
the language.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from kratom_check import i18n
from kratom_check.ask import answers
from kratom_check.load import questionnaire as questionnaire_module
from kratom_check.model import Questionnaire
from kratom_check.render import text as report
from kratom_check.score.reference import Assessment, score

from .conftest import PERSONAS, load_persona

SECTIONS = ("act_now", "cautions", "red_flags", "advice", "resources")
LANGUAGES = ("en", "es")


def shown_ids(assessment: Assessment) -> dict[str, list[str]]:
    return {
        "act_now": [line.id for line in assessment.act_now],
        "cautions": [line.id for line in assessment.cautions],
        "red_flags": [line.id for line in assessment.red_flags],
        "advice": [line.id for line in (*assessment.next_steps, *assessment.ask_clinician)],
        "resources": [line.id for line in (*assessment.lead_resources, *assessment.resources)],
    }


def assess(persona: Path, language: str) -> tuple[dict[str, Any], Questionnaire, Assessment]:
    i18n.activate(language)
    questionnaire = questionnaire_module.load(language=language)
    data = load_persona(persona)
    checked = answers.check(questionnaire, data["answers"], persona.name)
    return data, questionnaire, score(questionnaire, checked.values)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("persona", PERSONAS, ids=lambda path: path.stem)
def test_persona_gets_the_expected_level(persona: Path, language: str) -> None:
    data, _, assessment = assess(persona, language)
    assert assessment.level == data["expected_level"], data["why"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("persona", PERSONAS, ids=lambda path: path.stem)
def test_persona_is_shown_exactly_the_expected_lines_in_order(persona: Path, language: str) -> None:
    data, _, assessment = assess(persona, language)
    expected = {section: data["must_show"].get(section, []) for section in SECTIONS}
    assert shown_ids(assessment) == expected, data["why"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("persona", PERSONAS, ids=lambda path: path.stem)
def test_persona_is_never_shown_what_does_not_apply(persona: Path, language: str) -> None:
    data, _, assessment = assess(persona, language)
    everything = {line_id for ids in shown_ids(assessment).values() for line_id in ids}
    assert everything.isdisjoint(data["must_not_show"]), data["why"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("persona", PERSONAS, ids=lambda path: path.stem)
def test_persona_text_report_says_each_shown_caution_and_none_of_the_others(persona: Path, language: str) -> None:
    """Each item: its title and next step always; its text unless it is folded. Nothing of a caution that
    does not apply."""
    from kratom_check.render.plan import plan

    data, questionnaire, assessment = assess(persona, language)
    flat = " ".join(report.plain_text(assessment, questionnaire).split())
    for item in plan(assessment, questionnaire).items:
        assert f"{item.title}." in flat, item.ids
        assert " ".join(item.next_step.split()) in flat, item.ids
        if not item.folded:
            assert " ".join(item.text.split()) in flat, item.ids
    for caution in questionnaire.cautions:
        if caution.id in data["must_not_show"]:  # texts may share a sentence; an item's title is its own
            assert not re.search(rf"\b\d+\. {re.escape(caution.title)}\.", flat), caution.id


def test_every_persona_states_what_must_and_must_not_show() -> None:
    for path in PERSONAS:
        data = load_persona(path)
        assert any(data["must_show"].values()), path.name
        assert data["must_not_show"], path.name
        assert set(data["must_show"]) <= set(SECTIONS), path.name


def test_there_are_personas_covering_every_level(questionnaire: Questionnaire) -> None:
    levels = {load_persona(path)["expected_level"] for path in PERSONAS}
    assert len(PERSONAS) >= 30
    assert levels == {level.id for level in questionnaire.levels}


def test_every_persona_explains_its_level() -> None:
    for path in PERSONAS:
        assert len(load_persona(path).get("why", "")) > 20, path.name
