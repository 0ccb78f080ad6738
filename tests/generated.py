"""Files made from the code and questions.yaml: README levels table, compiled copy, JSON Schema.

Run `python -m tests.generated` from the repository root after editing questions.yaml; the
tests fail while any of these is out of date.
"""

from __future__ import annotations

import re
from pathlib import Path

from kratom_check.load import questionnaire as questionnaire_module
from kratom_check.model import Questionnaire

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCK = re.compile(r"(<!-- levels:start -->\n)(.*?)(<!-- levels:end -->)", re.DOTALL)


def levels_table(questionnaire: Questionnaire) -> str:
    rows = ["| level | what leads to it | the one next step the report gives |", "|---|---|---|"]
    for level in questionnaire.levels:
        causes = [rule.red_flag for rule in questionnaire.rules if rule.level == level.id and rule.red_flag]
        scored = [factor.title.lower() for factor in questionnaire.factors if level.id in factor.thresholds]
        if scored:
            causes.append("Enough risk in one area: " + "; ".join(scored))
        if level.id in questionnaire.overall.thresholds:
            causes.append("Several risks together")
        if not causes:
            causes = ["Few risk factors found"]
        rows.append(f"| `{level.id}` | {'<br>'.join(causes)} | {' '.join(level.meaning.split())} |")
    return "\n".join(rows) + "\n"


def answers_format(questionnaire: Questionnaire) -> str:
    """docs/answers-format.md: every question and choice id of the answers contract, with its version."""
    lines = [
        "# The answers file: questions and choice ids",
        "",
        "Generated from `questions.yaml` by `python -m tests.generated`; a test fails while it is stale.",
        "An answers file maps each question id to a choice id (a list of them for multiple choice). The ids are",
        "a public interface: they never change, and additions say which questionnaire version they arrived in.",
        "An answers file written before an addition stays valid. `kratom-check schema --answers` prints the",
        "same as JSON Schema (kept in the repository as `answers.schema.json`).",
        "",
        f"Questionnaire `{questionnaire.id}`, version {questionnaire.version}.",
        "",
        "| question id | kind | asked | choice ids | since |",
        "|---|---|---|---|---|",
    ]
    for question in questionnaire.questions:
        asked = "always" if question.ask_if is None else "only when it applies"
        if not question.required:
            asked += ", optional"
        choices = ", ".join(
            f"`{choice.id}`" + (f" (since {choice.since})" if choice.since else "") for choice in question.choices
        )
        lines.append(
            f"| `{question.id}` | {question.kind} | {asked} | {choices} | {question.since or '1.0.0'} |"
        )
    return "\n".join([*lines, *VERSION_NOTES]) + "\n"


VERSION_NOTES = [
    "",
    "## What version 1.2.0 added",
    "",
    "Every id of 1.1.0 is still accepted, with the same meaning unless said here.",
    "",
    "- `opioids`: `released_recently`, for a person who left jail, prison, rehab or a hospital in the past few",
    "  months after time without opioids (a break, like `stopped_recently`).",
    "- `medicine_kinds`: `methadone_buprenorphine` (treatment for opioid use) and `antipsychotics`. The labels of",
    "  `opioid_medicines` and `mental_health_medicines` now read \"Opioid pain medicine\" and \"Antidepressants\".",
    "  A file written for 1.1.0 that meant methadone or buprenorphine by `opioid_medicines` is still valid and",
    "  scores the same level; to get the advice for people in treatment, use `methadone_buprenorphine`.",
    "- `drinks_alcohol` (yes/no, optional): asked of everyone, so `alcohol_frequency` is asked of everyone who",
    "  drinks, not only of people who drink around the same time as kratom (`co_use: alcohol`).",
    "- `co_use`: `cannabis`. It scores no points and brings no caution: no source shows a combined effect.",
    "- `product_forms`: `tablets`; `unsure` may now be picked together with the kinds the person did see.",
]


def render_readme(text: str, questionnaire: Questionnaire) -> str:
    return BLOCK.sub(lambda match: match.group(1) + levels_table(questionnaire) + match.group(3), text)


def write_if_changed(path: Path, text: str) -> bool:
    """Write only what changed, so a run with nothing to do leaves the tree as it was."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


def regenerate() -> list[str]:
    """Refresh every generated file; the names of those that changed."""
    from kratom_check.ask import answers
    from kratom_check.load import compiled

    root = README.parent
    source = root / "questions.yaml"
    model = questionnaire_module.load_checked(str(source))
    from kratom_check.load.regions import in_region
    from kratom_check.model import from_data, to_data

    as_read = from_data(in_region(to_data(model), None))  # the default country's numbers, as a report shows
    outputs = {
        README: render_readme(README.read_text(encoding="utf-8"), as_read),
        compiled.COMPILED: compiled.text(source, model),
        root / "questionnaire.schema.json": questionnaire_module.json_schema_text(),
        root / "answers.schema.json": answers.json_schema_text(model),
        root / "docs" / "answers-format.md": answers_format(model),
    }
    from . import exact_reports

    outputs.update(exact_reports.outputs())
    return [str(path.relative_to(root)) for path, text in outputs.items() if write_if_changed(path, text)]


if __name__ == "__main__":
    changed = regenerate()
    print("updated " + ", ".join(changed) if changed else "unchanged")
