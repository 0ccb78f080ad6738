"""The terminal report: the plain report's lines, in the same places, with styles that carry meaning.

The slow terminal tests draw it in a real pseudo-terminal; these read what rich would draw, in the fast tier.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from rich.segment import Segment
from rich.style import Style

from kratom_check.ask import answers
from kratom_check.model import Questionnaire
from kratom_check.render import text
from kratom_check.score.reference import Assessment, score

from .conftest import load_persona

PERSONAS = sorted((Path(__file__).resolve().parent / "personas").glob("*.yaml"))


def assessed(questionnaire: Questionnaire, persona: str) -> Assessment:
    data = load_persona(Path(__file__).resolve().parent / "personas" / f"{persona}.yaml")
    return score(questionnaire, answers.check(questionnaire, data["answers"], persona).values)


def drawn(assessment: Assessment, questionnaire: Questionnaire, width: int) -> list[str]:
    """The terminal report's lines as a terminal without colour shows them (printed uncropped, as the CLI does)."""
    console = Console(width=width, record=True, force_terminal=True, color_system=None, file=io.StringIO())
    console.print(text.text(assessment, questionnaire), crop=False)
    return [line.rstrip() for line in console.export_text().splitlines()]


def segments(assessment: Assessment, questionnaire: Questionnaire) -> list[Segment]:
    console = Console(width=80, force_terminal=True, color_system="truecolor", file=io.StringIO())
    return [part for part in console.render(text.text(assessment, questionnaire)) if part.text.strip()]


def styled(parts: list[Segment], words: str) -> list[Style]:
    """The styles of the drawn pieces holding these words."""
    found = [part.style or Style() for part in parts if words in part.text]
    assert found, f"{words!r} is not in the terminal report"
    return found


def colour(style: Style) -> tuple[str | None, str | None]:
    return (style.color.name if style.color else None, style.bgcolor.name if style.bgcolor else None)


@pytest.mark.parametrize("width", [50, 80, 100])
def test_the_terminal_report_shows_the_plain_reports_lines_at_any_width(
    questionnaire: Questionnaire, width: int
) -> None:
    """Markers right-aligned, wrapped text under its first line, links whole on their own line."""
    for path in PERSONAS:
        assessment = assessed(questionnaire, path.stem)
        plain = [line.rstrip() for line in text.plain_text(assessment, questionnaire, width=width).splitlines()]
        assert drawn(assessment, questionnaire, width) == plain, path.stem


def test_a_narrow_terminal_folds_long_words_and_cuts_nothing(questionnaire: Questionnaire) -> None:
    """At 20 columns some words are longer than the text column: they are folded onto the next line, never
    cut short with an ellipsis, so every character of the plain report is still there, in order."""
    for path in PERSONAS:
        assessment = assessed(questionnaire, path.stem)
        plain = text.plain_text(assessment, questionnaire, width=20)
        assert "".join("".join(drawn(assessment, questionnaire, 20)).split()) == "".join(plain.split()), path.stem


@pytest.mark.parametrize(
    ("persona", "foreground", "background"),
    [
        ("occasional_leaf", "green", None),
        ("hard_to_control_weekly_user", "yellow", None),
        ("heavy_extract_use", "red", None),
        ("chest_pain", "white", "red"),
    ],
)
def test_the_result_is_bold_in_its_levels_colour(
    questionnaire: Questionnaire, persona: str, foreground: str, background: str | None
) -> None:
    assessment = assessed(questionnaire, persona)
    for style in styled(segments(assessment, questionnaire), assessment.level_title):
        assert style.bold
        assert colour(style) == (foreground, background)


def test_the_colour_personas_are_low_moderate_high_and_urgent_in_that_order(questionnaire: Questionnaire) -> None:
    personas = ["occasional_leaf", "hard_to_control_weekly_user", "heavy_extract_use", "chest_pain"]
    levels = [assessed(questionnaire, persona).level for persona in personas]
    assert levels == [level.id for level in questionnaire.levels]


def test_get_help_now_is_headed_in_the_urgent_colour_and_its_steps_are_bold(questionnaire: Questionnaire) -> None:
    assessment = assessed(questionnaire, "chest_pain")
    parts = segments(assessment, questionnaire)
    for style in styled(parts, text.heading("lead", questionnaire)):
        assert style.bold
        assert colour(style) == ("white", "red")
    for line in assessment.act_now:
        first_words = line.text.split(".")[0][:30]
        assert all(style.bold for style in styled(parts, first_words))


def test_section_headings_are_bold_and_underlined(questionnaire: Questionnaire) -> None:
    parts = segments(assessed(questionnaire, "heavy_extract_use"), questionnaire)
    for key in ("cautions", "areas", "notice", "sources"):
        for style in styled(parts, text.heading(key)):
            assert style.bold, key
            assert style.underline, key


def test_list_markers_are_bold_and_source_numbers_and_links_are_dim(questionnaire: Questionnaire) -> None:
    assessment = assessed(questionnaire, "heavy_extract_use")
    parts = segments(assessment, questionnaire)
    markers = [part.style or Style() for part in parts if part.text.strip() in ("1.", "2.", "-")]
    assert markers
    assert all(style.bold for style in markers)
    references = [part.style or Style() for part in parts if part.text.startswith("[") and part.text.endswith("]")]
    assert references
    assert all(style.dim for style in references)
    first_source = assessment.sources[0][1]
    assert [part.text.strip() for part in parts if first_source.url in part.text] == [first_source.url]
    assert all(style.dim for style in styled(parts, first_source.url))


def test_a_warning_sign_the_person_has_is_bold_in_the_safety_net(questionnaire: Questionnaire) -> None:
    assessment = assessed(questionnaire, "yellow_eyes")
    parts = segments(assessment, questionnaire)
    own = [line for line in assessment.safety_net if line.id in assessment.own_signs]
    others = [line for line in assessment.safety_net if line.id not in assessment.own_signs]
    assert own
    assert others
    assert all(style.bold for style in styled(parts, text.own_sign_note()))
    assert not any(style.bold for style in styled(parts, others[0].text[:25]))


def test_each_cautions_next_step_is_in_italics(questionnaire: Questionnaire) -> None:
    parts = segments(assessed(questionnaire, "heavy_extract_use"), questionnaire)
    assert any(style.italic for style in styled(parts, f"{text.heading('next_step')}: "))
