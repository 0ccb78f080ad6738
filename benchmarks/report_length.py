"""How long each persona's text report is before its sources, at 80 columns, in English and Spanish.

    python benchmarks/report_length.py            # both languages
    python benchmarks/report_length.py --lang es  # one

The budget (issue "A report that speaks to one person"): at most 60 lines before the sources for the
median persona and at most 80 for any persona. tests/test_report_shape.py holds the same budget; this
script prints the figures behind it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kratom_check import i18n  # noqa: E402
from kratom_check.ask import answers  # noqa: E402
from kratom_check.load import questionnaire as questionnaire_module  # noqa: E402
from kratom_check.render import text  # noqa: E402
from kratom_check.score.reference import score  # noqa: E402

MEDIAN_BUDGET = 60
MAX_BUDGET = 80
WIDTH = 80


def lines_before_sources(persona: Path, language: str) -> int:
    import yaml

    i18n.activate(language)
    questionnaire = questionnaire_module.load(language=language)
    data = yaml.safe_load(persona.read_text(encoding="utf-8"))
    checked = answers.check(questionnaire, data["answers"], persona.name)
    report = text.plain_text(score(questionnaire, checked.values), questionnaire, width=WIDTH).splitlines()
    return report.index(text.heading("sources"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=["en", "es"], action="append")
    languages = parser.parse_args().lang or ["en", "es"]
    personas = sorted((REPO / "tests" / "personas").glob("*.yaml"))
    within = True
    for language in languages:
        counts = {persona.stem: lines_before_sources(persona, language) for persona in personas}
        print(f"== {language}: lines before the sources, at {WIDTH} columns")
        for name, count in sorted(counts.items(), key=lambda item: item[1]):
            print(f"{count:4d}  {name}")
        median = statistics.median(counts.values())
        longest = max(counts.values())
        verdict = "ok" if median <= MEDIAN_BUDGET and longest <= MAX_BUDGET else "OVER BUDGET"
        print(f"median {median:g} (budget {MEDIAN_BUDGET}), max {longest} (budget {MAX_BUDGET}): {verdict}\n")
        within = within and verdict == "ok"
    return 0 if within else 1


if __name__ == "__main__":
    raise SystemExit(main())
