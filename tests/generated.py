"""Files made from the code and questions.yaml: README levels table, compiled copy, JSON Schema.

Run `python -m tests.generated` from the repository root after editing questions.yaml; the
tests fail while any of these is out of date.
"""

from __future__ import annotations

import re
from pathlib import Path

from kratom_check import questionnaire as questionnaire_module
from kratom_check.model import Questionnaire

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


def regenerate() -> None:
    from kratom_check import compiled

    source = README.parent / "questions.yaml"
    model = questionnaire_module.load_checked(str(source))
    README.write_text(render_readme(README.read_text(encoding="utf-8"), model), encoding="utf-8")
    compiled.compile_file(source)
    (README.parent / "questionnaire.schema.json").write_text(questionnaire_module.json_schema_text(), encoding="utf-8")
    print(f"updated {README.name}, {compiled.COMPILED.name} and questionnaire.schema.json")


if __name__ == "__main__":
    regenerate()
