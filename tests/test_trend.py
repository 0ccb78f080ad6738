"""Your levels over time: `history trend` in text, JSON and CSV, and the SVG chart of an HTML report saved
with --save. Ten checks are saved through the history's own API at fixed times; levels come from what was
saved, warning signs from the saved answers. No format ever shows an amount."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from kratom_check.model import Questionnaire
from kratom_check.render import trend as shown
from kratom_check.score.changes import trend
from kratom_check.score.reference import Point, TrendRow
from kratom_check.store import history

from .conftest import CHROMIUM_FLAGS, REPO

Cli = Callable[..., Any]
SVG = "{http://www.w3.org/2000/svg}"

AREAS = ("use_pattern", "products", "other_substances", "liver", "symptoms", "dependence", "pregnancy")
L, M, H, U = "low", "moderate", "high", "urgent"
TEN_CHECKS = [
    # made, questionnaire version, result, each area's level in AREAS' order (None: not saved), warning signs
    ("2026-01-05T09:00:00+00:00", "1.0.0", H, (H, None, L, L, L, L, L), ["none"]),
    ("2026-01-12T09:00:00+00:00", "1.0.0", M, (M, None, L, L, L, L, L), ["none"]),
    ("2026-01-19T09:00:00+00:00", "1.2.0", M, (M, L, L, L, L, M, L), ["none"]),
    ("2026-01-26T09:00:00+00:00", "1.2.0", H, (H, L, M, L, L, M, L), ["none"]),
    ("2026-02-02T09:00:00+00:00", "1.2.0", U, (H, L, M, L, U, M, L), ["dark_urine"]),
    ("2026-02-09T09:00:00+00:00", "1.2.0", H, (H, M, H, M, L, M, None), ["none"]),
    ("2026-02-16T09:00:00+00:00", "1.2.0", M, (M, M, L, M, L, L, None), ["none"]),
    ("2026-02-23T09:00:00+00:00", "1.2.0", U, (M, M, L, L, U, L, L), ["slow_breathing", "yellow_skin_eyes"]),
    ("2026-03-02T09:00:00+00:00", "1.2.0", M, (M, L, L, L, L, M, L), ["none"]),
    ("2026-03-09T09:00:00+00:00", "1.2.0", M, (L, L, L, M, L, L, L), ["none"]),
]
AMOUNT_WORDS = ("gram", "gramo", "15", "large")
"""Every check says it uses more than 15 grams a day: no format may show it."""

EXPECTED_TEXT = """\
Your levels over time, oldest to newest:
Your result: High (2026-01-05), Moderate (2026-01-12), Moderate (2026-01-19),
    High (2026-01-26), Urgent (2026-02-02), High (2026-02-09),
    Moderate (2026-02-16), Urgent (2026-02-23), Moderate (2026-03-02),
    Moderate (2026-03-09) — going down
How often, how much, how long: High (2026-01-05), Moderate (2026-01-12),
    Moderate (2026-01-19), High (2026-01-26), High (2026-02-02),
    High (2026-02-09), Moderate (2026-02-16), Moderate (2026-02-23),
    Moderate (2026-03-02), Low (2026-03-09) — going down
Kind of product: Low (2026-01-19), Low (2026-01-26), Low (2026-02-02),
    Moderate (2026-02-09), Moderate (2026-02-16), Moderate (2026-02-23),
    Low (2026-03-02), Low (2026-03-09) — no change
Other drugs and medicines: Low (2026-01-05), Low (2026-01-12), Low (2026-01-19),
    Moderate (2026-01-26), Moderate (2026-02-02), High (2026-02-09),
    Low (2026-02-16), Low (2026-02-23), Low (2026-03-02),
    Low (2026-03-09) — no change
Liver health: Low (2026-01-05), Low (2026-01-12), Low (2026-01-19),
    Low (2026-01-26), Low (2026-02-02), Moderate (2026-02-09),
    Moderate (2026-02-16), Low (2026-02-23), Low (2026-03-02),
    Moderate (2026-03-09) — going up
Signs you noticed: Low (2026-01-05), Low (2026-01-12), Low (2026-01-19),
    Low (2026-01-26), Urgent (2026-02-02), Low (2026-02-09), Low (2026-02-16),
    Urgent (2026-02-23), Low (2026-03-02), Low (2026-03-09) — no change
Signs your body is used to kratom: Low (2026-01-05), Low (2026-01-12),
    Moderate (2026-01-19), Moderate (2026-01-26), Moderate (2026-02-02),
    Moderate (2026-02-09), Low (2026-02-16), Low (2026-02-23),
    Moderate (2026-03-02), Low (2026-03-09) — no change
Pregnancy or breastfeeding: Low (2026-01-05), Low (2026-01-12),
    Low (2026-01-19), Low (2026-01-26), Low (2026-02-02), Low (2026-02-23),
    Low (2026-03-02), Low (2026-03-09) — no change
Warning signs: Dark pee (2026-02-02);
    Slow breathing or being hard to wake, Yellow skin or eyes (2026-02-23)
"""


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "state" / "kratom-check"
    monkeypatch.setenv(history.ENVIRONMENT, str(folder))
    return folder


def save(
    made: str,
    level: str,
    areas: dict[str, str],
    answers: dict[str, str | list[str]],
    *,
    version: str = "1.2.0",
    questionnaire_id: str = "kratom-check",
) -> None:
    history.add(
        made=made, questionnaire_id=questionnaire_id, questionnaire_version=version, language="en", region="US",
        answers=answers, level=level, areas=areas,
    )  # fmt: skip


def save_ten(extra: dict[str, str | list[str]] | None = None) -> None:
    for made, version, level, area_levels, symptoms in TEN_CHECKS:
        areas = {area: value for area, value in zip(AREAS, area_levels, strict=True) if value is not None}
        answers: dict[str, str | list[str]] = {"frequency": "daily", "amount": "large", "symptoms": symptoms}
        save(made, level, areas, {**answers, **(extra or {})}, version=version)


@pytest.fixture
def ten(home: Path) -> None:
    save_ten()


def saved_trend(questionnaire: Questionnaire) -> Any:
    checks, _damaged = history.recent(questionnaire.id, None)
    return trend(questionnaire, checks)


# -- history trend: text --------------------------------------------------------------------------------


def test_trend_gives_each_area_its_level_in_words_at_each_date_oldest_first(run_cli: Cli, ten: None) -> None:
    result = run_cli("history", "trend")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == EXPECTED_TEXT


def test_each_line_is_the_result_then_the_areas_in_the_questionnaires_order(
    questionnaire: Questionnaire, ten: None
) -> None:
    lines = shown.lines(saved_trend(questionnaire))
    titles = [line.split(":")[0] for line in lines[1:-1]]
    assert titles == ["Your result", *(factor.title for factor in questionnaire.factors)]


def test_warning_signs_are_found_again_from_the_saved_answers_and_marked_by_date(
    questionnaire: Questionnaire, ten: None
) -> None:
    assert shown.lines(saved_trend(questionnaire))[-1] == (
        "Warning signs: Dark pee (2026-02-02); Slow breathing or being hard to wake, Yellow skin or eyes (2026-02-23)"
    )


def test_no_warning_sign_in_any_check_is_said_in_words(run_cli: Cli, home: Path) -> None:
    save("2026-01-05T09:00:00+00:00", L, {"liver": L}, {"symptoms": ["none"]})
    save("2026-01-12T09:00:00+00:00", L, {"liver": L}, {"symptoms": ["none"]})
    assert run_cli("history", "trend").stdout.splitlines()[-1] == "Warning signs: none in these checks."


def test_the_direction_goes_from_the_first_value_to_the_newest() -> None:
    def row(*ranks: int | None) -> TrendRow:
        points = tuple(None if rank is None else Point(str(rank), str(rank), rank) for rank in ranks)
        return TrendRow("area", "liver", "Liver health", points)

    assert row(0, 3, 1).direction == "up"
    assert row(2, 0, 2).direction == "same"
    assert row(None, 3, 2, None).direction == "down"
    assert row(None, 1, None).direction is None


def test_a_level_the_questionnaire_no_longer_has_keeps_its_id_and_tells_no_direction(run_cli: Cli, home: Path) -> None:
    save("2026-01-05T09:00:00+00:00", "severe", {"liver": "severe", "old_area": L}, {}, version="0.9.0")
    save("2026-01-12T09:00:00+00:00", L, {"liver": L}, {})
    lines = run_cli("history", "trend").stdout.splitlines()
    assert "Liver health: severe (2026-01-05), Low (2026-01-12)" in lines
    assert "old_area: Low (2026-01-05)" in lines


@pytest.mark.parametrize("output_format", ["text", "json", "csv"])
def test_control_characters_in_a_changed_history_are_shown_not_sent_to_the_terminal(
    run_cli: Cli, home: Path, output_format: str
) -> None:
    save("2026-01-05T09:00:00+00:00", "\x1b[2J", {"\x9b31m": L}, {}, version="1\x1b]0;x\x07")
    save("2026-01-12T09:00:00+00:00", L, {}, {})
    output = run_cli("history", "trend", "--format", output_format).stdout
    assert "\x1b" not in output
    assert "\x9b" not in output
    assert "\\x1b[2J" in output


def test_checks_saved_with_an_older_questionnaire_show_the_areas_they_have(
    questionnaire: Questionnaire, ten: None
) -> None:
    products = saved_trend(questionnaire).levels[2]
    assert products.id == "products"
    assert products.points[:2] == (None, None)
    assert products.points[2] == Point("low", "Low", 0)


def test_two_checks_on_one_day_show_their_times(run_cli: Cli, home: Path) -> None:
    save("2026-01-05T09:00:00+00:00", L, {}, {})
    save("2026-01-05T18:30:00+00:00", M, {}, {})
    lines = run_cli("history", "trend").stdout.splitlines()
    assert lines[1] == "Your result: Low (2026-01-05 09:00), Moderate (2026-01-05 18:30) — going up"


def test_limit_shows_the_newest_checks(run_cli: Cli, ten: None) -> None:
    lines = run_cli("history", "trend", "--limit", "2").stdout.splitlines()
    assert lines[1] == "Your result: Moderate (2026-03-02), Moderate (2026-03-09) — no change"


def test_limit_0_shows_every_check(run_cli: Cli, home: Path) -> None:
    for day in range(1, 13):
        save(f"2026-01-{day:02d}T09:00:00+00:00", L, {}, {})
    assert run_cli("history", "trend", "--limit", "0").stdout.count("Low (") == 12
    assert run_cli("history", "trend").stdout.count("Low (") == 10


def test_a_limit_of_one_check_is_refused_with_the_fix(run_cli: Cli, ten: None) -> None:
    result = run_cli("history", "trend", "--limit", "1")
    assert result.exit_code == 2
    assert result.stderr == ("Error: --limit: a trend needs 2 checks or more. Use 2 or more, or 0 for all of them.\n")


def test_checks_of_another_questionnaire_are_left_out(run_cli: Cli, home: Path) -> None:
    save("2026-01-05T09:00:00+00:00", L, {}, {}, questionnaire_id="another")
    save("2026-01-12T09:00:00+00:00", L, {}, {})
    assert run_cli("history", "trend").stdout == "You have 1 saved check. Save another check to see a trend.\n"


def test_a_damaged_check_is_left_out_and_said(run_cli: Cli, ten: None, home: Path) -> None:
    import sqlite3

    with sqlite3.connect(home / "history.sqlite3") as connection:
        connection.execute("UPDATE checks SET areas = 'not json' WHERE id = 4")
    result = run_cli("history", "trend")
    assert result.exit_code == 0
    assert "(2026-01-26)" not in result.stdout
    assert result.stderr == "Note: saved check 4 is damaged and was left out. The others are shown.\n"


def test_a_history_that_cannot_be_read_is_an_error_with_the_fix(run_cli: Cli, home: Path) -> None:
    home.mkdir(parents=True, mode=0o700)
    (home / "history.sqlite3").write_bytes(b"not a database")
    (home / "history.sqlite3").chmod(0o600)
    result = run_cli("history", "trend")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: {home / 'history.sqlite3'}: the history cannot be used (the file is damaged or is not a "
        "kratom-check history). To start a new history, run: kratom-check history forget\n"
    )


# -- fewer than two checks ------------------------------------------------------------------------------


def test_one_saved_check_gets_one_kind_sentence_and_no_trend(run_cli: Cli, home: Path) -> None:
    save("2026-01-05T09:00:00+00:00", L, {"liver": L}, {})
    result = run_cli("history", "trend")
    assert result.exit_code == 0
    assert result.stdout == "You have 1 saved check. Save another check to see a trend.\n"


def test_no_history_gets_one_kind_sentence(run_cli: Cli, home: Path) -> None:
    result = run_cli("history", "trend")
    assert result.exit_code == 0
    assert result.stdout == ("You have no saved checks yet. Save two checks with kratom-check --save to see a trend.\n")
    assert not home.exists()


def test_json_with_one_check_is_still_json_and_the_sentence_goes_to_standard_error(run_cli: Cli, home: Path) -> None:
    save("2026-01-05T09:00:00+00:00", L, {"liver": L}, {})
    result = run_cli("history", "trend", "--format", "json")
    assert result.exit_code == 0
    assert [check["number"] for check in json.loads(result.stdout)["checks"]] == [1]
    assert result.stderr == "You have 1 saved check. Save another check to see a trend.\n"


# -- for a researcher -------------------------------------------------------------------------------------


def test_json_gives_each_check_and_each_row_with_ids_names_and_direction(run_cli: Cli, ten: None) -> None:
    result = run_cli("history", "trend", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["questionnaire"] == "kratom-check"
    assert [check["number"] for check in data["checks"]] == list(range(1, 11))
    assert data["checks"][7] == {
        "number": 8,
        "made": "2026-02-23T09:00:00+00:00",
        "questionnaire_version": "1.2.0",
        "warning_signs": [
            {"id": "slow_breathing", "name": "Slow breathing or being hard to wake"},
            {"id": "yellow_skin_eyes", "name": "Yellow skin or eyes"},
        ],
    }
    assert [(row["kind"], row["id"], row["direction"]) for row in data["rows"]] == [
        ("result", "result", "down"),
        ("area", "use_pattern", "down"),
        ("area", "products", "same"),
        ("area", "other_substances", "same"),
        ("area", "liver", "up"),
        ("area", "symptoms", "same"),
        ("area", "dependence", "same"),
        ("area", "pregnancy", "same"),
    ]
    liver = data["rows"][4]
    assert liver["title"] == "Liver health"
    sixth = {"number": 6, "made": "2026-02-09T09:00:00+00:00", "id": "moderate", "name": "Moderate"}
    assert liver["values"][5] == sixth
    assert len(data["rows"][2]["values"]) == 8  # products: not saved by the two older checks


def test_csv_has_one_row_per_check_and_value_oldest_first(run_cli: Cli, ten: None) -> None:
    result = run_cli("history", "trend", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == list(shown.CSV_HEADER)
    assert rows[1] == ["1", "2026-01-05T09:00:00+00:00", "1.0.0", "result", "result", "Your result", "high", "High"]
    assert rows[2] == [
        "1", "2026-01-05T09:00:00+00:00", "1.0.0", "area", "use_pattern", "How often, how much, how long", "high",
        "High",
    ]  # fmt: skip
    signs = [row for row in rows if row[3] == "warning_sign"]
    assert signs == [
        ["5", "2026-02-02T09:00:00+00:00", "1.2.0", "warning_sign", "warning_signs", "Warning signs", "dark_urine",
         "Dark pee"],
        ["8", "2026-02-23T09:00:00+00:00", "1.2.0", "warning_sign", "warning_signs", "Warning signs",
         "slow_breathing", "Slow breathing or being hard to wake"],
        ["8", "2026-02-23T09:00:00+00:00", "1.2.0", "warning_sign", "warning_signs", "Warning signs",
         "yellow_skin_eyes", "Yellow skin or eyes"],
    ]  # fmt: skip
    # 10 results, 7 areas in 10 checks less 2 products and 2 pregnancies not saved, 3 warning signs
    assert len(rows) == 1 + 10 + 70 - 4 + 3
    assert [int(row[0]) for row in rows[1:]] == sorted(int(row[0]) for row in rows[1:])


@pytest.mark.parametrize("output_format", ["text", "json", "csv"])
def test_no_format_shows_an_amount_or_any_answer(run_cli: Cli, ten: None, output_format: str) -> None:
    output = run_cli("history", "trend", "--format", output_format).stdout.casefold()
    for word in AMOUNT_WORDS:
        assert word not in output
    assert "every day" not in output  # the answer to how often
    assert "daily" not in output


# -- rulers: the answers from 0 to 10 come last ---------------------------------------------------------


def test_ruler_answers_come_last_with_their_numbers(run_cli: Cli, home: Path) -> None:
    for made, answer in [("2026-01-05T09:00:00+00:00", "3"), ("2026-01-12T09:00:00+00:00", "7")]:
        save(made, L, {"liver": L}, {"goal": "cut_down", "importance": answer, "amount": "large"}, version="1.3.0")
    lines = run_cli("history", "trend").stdout.splitlines()
    assert lines[-2:] == [
        "Warning signs: none in these checks.",
        "How important: 3 (2026-01-05), 7 (2026-01-12) — going up",
    ]


def test_ruler_answers_are_in_json_and_csv(run_cli: Cli, home: Path) -> None:
    for made, answer in [("2026-01-05T09:00:00+00:00", "8"), ("2026-01-12T09:00:00+00:00", "8")]:
        save(made, L, {}, {"goal": "stop", "confidence": answer}, version="1.3.0")
    data = json.loads(run_cli("history", "trend", "-f", "json").stdout)
    assert data["rows"][-1]["kind"] == "ruler"
    assert data["rows"][-1]["direction"] == "same"
    assert [value["name"] for value in data["rows"][-1]["values"]] == ["8", "8"]
    table = run_cli("history", "trend", "-f", "csv").stdout
    rows = list(csv.reader(io.StringIO(table)))
    assert rows[-1] == ["2", "2026-01-12T09:00:00+00:00", "1.3.0", "ruler", "confidence", "How sure", "8", "8"]


# -- Spanish ----------------------------------------------------------------------------------------------


def test_the_trend_speaks_spanish(run_cli: Cli, ten: None) -> None:
    result = run_cli("--lang", "es", "history", "trend", "--limit", "2")
    assert result.exit_code == 0
    assert result.stdout == (
        "Sus niveles a lo largo del tiempo, de la más antigua a la más reciente:\n"
        "Su resultado: Moderado (2026-03-02), Moderado (2026-03-09) — sin cambios\n"
        "Frecuencia, cantidad y duración: Moderado (2026-03-02),\n"
        "    Bajo (2026-03-09) — bajando\n"
        "Tipo de producto: Bajo (2026-03-02), Bajo (2026-03-09) — sin cambios\n"
        "Otras drogas y medicinas: Bajo (2026-03-02), Bajo (2026-03-09) — sin cambios\n"
        "Su hígado: Bajo (2026-03-02), Moderado (2026-03-09) — subiendo\n"
        "Señales que notó: Bajo (2026-03-02), Bajo (2026-03-09) — sin cambios\n"
        "Cuerpo acostumbrado al kratom: Moderado (2026-03-02),\n"
        "    Bajo (2026-03-09) — bajando\n"
        "Embarazo o lactancia: Bajo (2026-03-02), Bajo (2026-03-09) — sin cambios\n"
        "Señales de alarma: ninguna en estas evaluaciones.\n"
    )


def test_spanish_warning_signs_and_the_one_check_sentence(run_cli: Cli, home: Path) -> None:
    save("2026-01-05T09:00:00+00:00", U, {}, {"symptoms": ["dark_urine"]})
    assert run_cli("--lang", "es", "history", "trend").stdout == (
        "Tiene 1 evaluación guardada. Guarde otra para ver una tendencia.\n"
    )
    save("2026-01-12T09:00:00+00:00", L, {}, {"symptoms": ["none"]})
    assert run_cli("--lang", "es", "history", "trend").stdout.splitlines()[-1] == (
        "Señales de alarma: Orina oscura (2026-01-05)"
    )


# -- the chart ----------------------------------------------------------------------------------------------


def chart(questionnaire: Questionnaire, *, key: str = "trend") -> ElementTree.Element:
    return ElementTree.fromstring(shown.svg(saved_trend(questionnaire), len(questionnaire.levels), key=key))


def texts(element: ElementTree.Element) -> list[str]:
    return ["".join(text.itertext()) for text in element.iter(f"{SVG}text")]


def test_the_chart_has_one_row_per_area_then_the_warning_signs(questionnaire: Questionnaire, ten: None) -> None:
    rows = [row for row in chart(questionnaire).iter(f"{SVG}g") if row.get("class") == "row"]
    assert [row.get("data-row") for row in rows] == ["result", *AREAS, "warning_signs"]


def test_the_chart_names_each_level_in_words_in_each_box(questionnaire: Questionnaire, ten: None) -> None:
    rows = {row.get("data-row"): row for row in chart(questionnaire).iter(f"{SVG}g") if row.get("class") == "row"}
    boxes = [
        "".join(cell.find(f"{SVG}text").itertext())  # type: ignore[union-attr]
        for cell in rows["result"].iter(f"{SVG}g")
        if cell.get("class") == "cell"
    ]
    assert boxes == ["High", "Moderate", "Moderate", "High", "Urgent", "High", "Moderate", "Urgent", "Moderate",
                     "Moderate"]  # fmt: skip
    signs = [
        "".join(cell.find(f"{SVG}text").itertext())  # type: ignore[union-attr]
        for cell in rows["warning_signs"].iter(f"{SVG}g")
        if cell.get("class") == "cell"
    ]
    assert signs == ["No", "No", "No", "No", "Yes", "No", "No", "Yes", "No", "No"]


def test_the_chart_labels_each_direction_in_words(questionnaire: Questionnaire, ten: None) -> None:
    labels = texts(chart(questionnaire))
    assert "Your result — going down" in labels
    assert "Liver health — going up" in labels
    assert "Kind of product — no change" in labels
    assert "2026-01-05" in labels
    assert "2026-03-09" in labels


def test_the_chart_has_a_title_and_a_description_as_its_text_alternative(
    questionnaire: Questionnaire, ten: None
) -> None:
    svg = chart(questionnaire, key="trend-x")
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "trend-x-title trend-x-desc"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title is not None
    assert title.get("id") == "trend-x-title"
    assert title.text == "Your levels over time"
    assert desc is not None
    assert desc.get("id") == "trend-x-desc"
    assert desc.text == "\n".join(EXPECTED_TEXT.replace("\n    ", " ").splitlines()[1:])


def test_the_chart_holds_no_script_style_attribute_or_link(questionnaire: Questionnaire, ten: None) -> None:
    """So a strict Content-Security-Policy (no scripts, no inline styles, nothing fetched) lets it show."""
    for element in chart(questionnaire).iter():
        assert element.tag.removeprefix(SVG) not in ("script", "style", "image", "use", "a", "foreignObject")
        assert not {name for name in element.attrib if name == "style" or name.startswith("on") or "href" in name}


def test_the_chart_shows_ruler_numbers_below_the_warning_signs(questionnaire: Questionnaire, home: Path) -> None:
    save("2026-01-05T09:00:00+00:00", L, {}, {"goal": "stop", "importance": "2"}, version="1.3.0")
    save("2026-01-12T09:00:00+00:00", L, {}, {"goal": "stop", "importance": "9"}, version="1.3.0")
    svg = chart(questionnaire)
    rows = [row for row in svg.iter(f"{SVG}g") if row.get("class") == "row"]
    assert rows[-1].get("data-row") == "importance"
    assert texts(rows[-1]) == ["How important — going up", "2", "9"]


# -- the chart in a report ------------------------------------------------------------------------------------


EVERY_WEEK = (
    "symptoms: [none]\nfrequency: weekly\nduration: over_1_year\namount: large\nproduct_forms: [leaf]\n"
    "co_use: [none]\nliver_conditions: [none]\n"
)


def checked(run_cli: Cli, *args: str, date: str) -> Any:
    """A check saved with --save at `date` (the clock is set: --date and --save do not go together)."""
    from unittest import mock

    from kratom_check.commands import check as check_command

    with mock.patch.object(check_command, "now", return_value=datetime.fromisoformat(date)):
        result = run_cli("--answers", "-", "--save", *args, input=EVERY_WEEK)
    assert result.exit_code == 0, result.stderr
    return result


def test_an_html_report_gets_the_chart_from_the_second_saved_check(run_cli: Cli, home: Path) -> None:
    first = checked(run_cli, "--format", "html", date="2026-01-05T09:00:00+00:00")
    assert "<svg" not in first.stdout
    second = checked(run_cli, "--format", "html", date="2026-01-12T09:00:00+00:00")
    charts = re.findall(r"<svg .*?</svg>", second.stdout, re.DOTALL)
    assert len(charts) == 2  # the person's part and the clinician's page
    for svg in charts:
        parsed = ElementTree.fromstring(svg)
        assert "Moderate (2026-01-05), Moderate (2026-01-12) — no change" in (parsed.findtext(f"{SVG}desc") or "")
    assert "<h2>Your levels over time</h2>" in second.stdout
    assert "<h3>Levels over time</h3>" in second.stdout
    ids = re.findall(r' id="([^"]+)"', second.stdout)
    assert len(ids) == len(set(ids))


def test_without_the_clinicians_page_the_report_has_one_chart(run_cli: Cli, home: Path) -> None:
    checked(run_cli, date="2026-01-05T09:00:00+00:00")
    result = checked(run_cli, "--format", "html", "--no-clinician", date="2026-01-12T09:00:00+00:00")
    assert result.stdout.count("<svg") == 1


def test_an_html_report_without_save_has_no_chart(run_cli: Cli, ten: None) -> None:
    result = run_cli("--answers", "-", "--format", "html", input=EVERY_WEEK)
    assert result.exit_code == 0
    assert "<svg" not in result.stdout


@pytest.mark.parametrize("output_format", ["text", "markdown", "json"])
def test_other_reports_have_no_chart(run_cli: Cli, ten: None, output_format: str) -> None:
    result = checked(run_cli, "--format", output_format, date="2026-03-16T09:00:00+00:00")
    assert "<svg" not in result.stdout
    assert "levels over time" not in result.stdout.casefold()


def test_the_report_chart_shows_the_newest_ten_checks_this_one_last(run_cli: Cli, ten: None) -> None:
    result = checked(run_cli, "--format", "html", date="2026-03-16T09:00:00+00:00")
    svg = ElementTree.fromstring(re.findall(r"<svg .*?</svg>", result.stdout, re.DOTALL)[0])
    dates = [text for text in texts(svg) if re.fullmatch(r"\d{4}-\d\d-\d\d", text)]
    assert dates == [made[:10] for made, *_rest in TEN_CHECKS[1:]] + ["2026-03-16"]


def test_a_spanish_report_has_a_spanish_chart(run_cli: Cli, home: Path) -> None:
    checked(run_cli, "--lang", "es", date="2026-01-05T09:00:00+00:00")
    result = checked(run_cli, "--lang", "es", "--format", "html", date="2026-01-12T09:00:00+00:00")
    assert "<h2>Sus niveles a lo largo del tiempo</h2>" in result.stdout
    svg = ElementTree.fromstring(re.findall(r"<svg .*?</svg>", result.stdout, re.DOTALL)[0])
    assert "Su resultado — sin cambios" in texts(svg)
    assert "Moderado" in texts(svg)


# -- docs ---------------------------------------------------------------------------------------------------


def test_history_trend_has_help_and_a_readme_example(run_cli: Cli) -> None:
    assert "trend" in run_cli("history", "--help").stdout
    assert "--format" in run_cli("history", "trend", "--help").stdout
    assert "kratom-check history trend" in (REPO / "README.md").read_text(encoding="utf-8")


# -- in a browser ---------------------------------------------------------------------------------------------


CHROMIUM = shutil.which("chromium")


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium package (apt-get install -y chromium)")
def test_the_chart_shows_in_headless_chromium_under_a_strict_content_security_policy(
    run_cli: Cli, ten: None, tmp_path: Path
) -> None:
    """The report is opened with a policy that allows no script, no inline style attribute and no fetch:
    the chart must be visible, with a size, and nothing may be refused."""
    import base64
    import hashlib

    from playwright.sync_api import sync_playwright

    page_html = checked(run_cli, "--format", "html", date="2026-03-16T09:00:00+00:00").stdout
    style = page_html.split("<style>", 1)[1].split("</style>", 1)[0]
    digest = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode("ascii")
    policy = f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'none'; script-src 'none'"
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    page_html = page_html.replace('<meta charset="utf-8">', f'<meta charset="utf-8">\n{meta}')
    report = tmp_path / "report.html"
    report.write_text(page_html, encoding="utf-8")
    refused: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=CHROMIUM_FLAGS,
        )
        try:
            page = browser.new_page()
            page.on("console", lambda message: refused.append(message.text) if message.type == "error" else None)
            page.goto(report.as_uri())
            page.wait_for_load_state("load")
            chart = page.locator("svg.trend").first
            assert chart.is_visible()
            box = chart.bounding_box()
            assert box is not None
            assert box["width"] > 100
            assert box["height"] > 100
            assert page.locator("svg.trend").count() == 2
        finally:
            browser.close()
    assert refused == []
