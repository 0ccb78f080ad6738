"""The whole text report of three people, kept exactly in tests/exact/: any change to a line a person reads
is a visible change in review. `python -m tests.generated` writes them; test_exact_reports.py compares."""

from __future__ import annotations

from pathlib import Path

import yaml

from kratom_check import i18n
from kratom_check.ask import answers
from kratom_check.load import questionnaire as questionnaire_module
from kratom_check.render import text
from kratom_check.score.reference import score

HERE = Path(__file__).resolve().parent
FOLDER = HERE / "exact"
PEOPLE = {"low": "occasional_leaf", "high": "opioid_withdrawal_with_fentanyl", "urgent": "yellow_eyes"}
LANGUAGES = ("en", "es")
MADE = "2026-01-01T10:00:00+00:00"


def path(level: str, language: str) -> Path:
    return FOLDER / f"{level}.{language}.txt"


def report(level: str, language: str) -> str:
    """The plain report at 80 columns, then the closing recap, as a person reading a file sees them."""
    i18n.activate(language)
    try:
        questionnaire = questionnaire_module.load(language=language)
        data = yaml.safe_load((HERE / "personas" / f"{PEOPLE[level]}.yaml").read_text(encoding="utf-8"))
        checked = answers.check(questionnaire, data["answers"], PEOPLE[level])
        assessment = score(questionnaire, checked.values)._replace(made=MADE)
        recap = "\n".join(text.recap_lines(assessment))
        return text.plain_text(assessment, questionnaire, width=80) + "\n" + recap + "\n"
    finally:
        i18n.activate("en")


def outputs() -> dict[Path, str]:
    return {path(level, language): report(level, language) for level in PEOPLE for language in LANGUAGES}
