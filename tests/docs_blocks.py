"""Generated parts of README.md, so the docs cannot drift from questions.yaml.

Run `python -m tests.docs_blocks` from the repository root to rewrite them after editing
questions.yaml; tests/test_docs.py fails while they are out of date.
"""

from __future__ import annotations

import re
from pathlib import Path

from kratom_check import questionnaire as questionnaire_module
from kratom_check.questionnaire import Questionnaire

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCK = re.compile(r"(<!-- levels:start -->\n)(.*?)(<!-- levels:end -->)", re.DOTALL)


def levels_table(questionnaire: Questionnaire) -> str:
    rows = ["| level | what it means | what leads to it | what the report says to do |", "|---|---|---|---|"]
    for level in questionnaire.levels:
        causes = [rule.red_flag for rule in questionnaire.rules if rule.level == level.id and rule.red_flag]
        scored = [factor.title.lower() for factor in questionnaire.factors if level.id in factor.thresholds]
        if scored:
            causes.append("Enough risk in one area: " + "; ".join(scored))
        if level.id in questionnaire.overall.thresholds:
            causes.append("Several risks together")
        if not causes:
            causes = ["Few risk factors found"]
        advice = [
            item.text
            for item in questionnaire.advice
            if item.kind == "next_step" and item.levels and level.id in item.levels
        ]
        rows.append(f"| `{level.id}` | {level.meaning} | {'<br>'.join(causes)} | {' '.join(advice)} |")
    return "\n".join(rows) + "\n"


def render_readme(text: str, questionnaire: Questionnaire) -> str:
    return BLOCK.sub(lambda match: match.group(1) + levels_table(questionnaire) + match.group(3), text)


if __name__ == "__main__":
    README.write_text(render_readme(README.read_text(encoding="utf-8"), questionnaire_module.load()), encoding="utf-8")
    print(f"updated {README}")
