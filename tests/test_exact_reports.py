"""The whole text report of a low, a high and an urgent person, in English and Spanish, recap included,
checked exactly: a change to any line a person reads shows up in review (python -m tests.generated)."""

from __future__ import annotations

import pytest

from . import exact_reports


@pytest.mark.parametrize("language", exact_reports.LANGUAGES)
@pytest.mark.parametrize("level", list(exact_reports.PEOPLE))
def test_the_whole_report_is_exactly_as_reviewed(level: str, language: str) -> None:
    expected = exact_reports.path(level, language).read_text(encoding="utf-8")
    assert exact_reports.report(level, language) == expected, "run: python -m tests.generated, and review the diff"


def test_the_urgent_recap_keeps_the_emergency_numbers() -> None:
    recap = exact_reports.report("urgent", "en").rstrip("\n").splitlines()[-3:]
    assert recap[-1] == "Emergency: Call 911 · Poison Help: Call 1-800-222-1222"
