"""Batch outcomes a mutation of the fast path or the CSV reader could change without another test noticing."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from kratom_check.cli import app

RISKY_AFTER_A_NULL = {
    "id": "b", "symptoms": ["none"], "frequency": "weekly", "duration": "over_1_year", "amount": "small",
    "product_forms": ["leaf"], "co_use": ["none"], "liver_conditions": ["none"],
    "reasons": None, "opioids": "not_prescribed",
}  # fmt: skip
"""Every needed answer first, then an empty optional one, then a risky optional one: only the last raises."""


def batch(path: Path) -> list[dict[str, object]]:
    result = CliRunner().invoke(app, ["batch", str(path)])
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_an_empty_answer_does_not_hide_the_risky_answers_after_it(tmp_path: Path) -> None:
    """A null answer (an optional question left empty) is passed over; the rest of the row still counts.

    The same answers without the last two come first: batch remembers each outcome by what decides it, so
    a row whose risky answers were dropped would be given that first row's Low."""
    light = {key: value for key, value in RISKY_AFTER_A_NULL.items() if key not in ("reasons", "opioids")}
    path = tmp_path / "rows.jsonl"
    path.write_text(json.dumps({**light, "id": "a"}) + "\n" + json.dumps(RISKY_AFTER_A_NULL) + "\n", encoding="utf-8")
    first, second = batch(path)
    assert first["level"] == "low"
    assert second["level"] == "high"
    assert second["factors"]["other_substances"] == "high"  # type: ignore[index]


def csv_row(tmp_path: Path, cells: str) -> dict[str, object]:
    """The result of one CSV row of the needed questions."""
    path = tmp_path / "cells.csv"
    header = "id,symptoms,frequency,duration,amount,product_forms,co_use,liver_conditions"
    path.write_text(f"{header}\n{cells}\n", encoding="utf-8")
    (row,) = batch(path)
    return row


def test_a_cell_with_a_stray_separator_reads_as_its_choices(tmp_path: Path) -> None:
    row = csv_row(tmp_path, "c,none,daily;,over_1_year,small,leaf;,none,none")
    assert row["level"] == "moderate"
    assert "error" not in row


def test_a_cell_of_a_separator_alone_is_an_error_row_not_a_crash(tmp_path: Path) -> None:
    row = csv_row(tmp_path, "d,none,daily,over_1_year,small,;,none,none")
    assert "'product_forms': ';' is not a choice" in str(row["error"])


LIGHT = {key: value for key, value in RISKY_AFTER_A_NULL.items() if key not in ("id", "reasons", "opioids")}
"""Every needed answer, each at its lowest risk: a Low row."""


def test_an_answer_to_a_question_not_asked_is_ignored_after_the_same_answer_asked_counted(tmp_path: Path) -> None:
    """medicine_kinds is asked only after daily_medicines: yes. The rows share every other answer, so batch
    must not reuse the first row's outcome, nor let an answer to a question not asked raise the second."""
    rows = [
        {**LIGHT, "id": "asked", "daily_medicines": "yes", "medicine_kinds": ["opioid_medicines"]},
        {**LIGHT, "id": "not asked", "daily_medicines": "no", "medicine_kinds": ["opioid_medicines"]},
    ]
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    asked, not_asked = batch(path)
    assert asked["level"] == "high"
    assert not_asked["level"] == "low"
    assert not_asked["factors"]["other_substances"] == "low"  # type: ignore[index]


def test_a_wrong_answer_to_a_question_not_asked_is_no_error(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    row = {**LIGHT, "id": "e", "daily_medicines": "no", "medicine_kinds": "bogus"}
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    (result,) = batch(path)
    assert result["level"] == "low"
    assert "error" not in result
