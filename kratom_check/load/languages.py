"""Questionnaire text in other languages: one parallel file per language beside questions.yaml.

questions.yaml stays readable as one language (the first it declares); `questions.es.yaml` maps
each text's key (like `cautions.alcohol.text`) to its Spanish. Translators edit one flat file,
and ids, points and conditions exist only once, so languages cannot drift apart in meaning.
A language is data: its texts are merged into the questionnaire's data before that data is
checked and built, once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import QuestionnaireError
from ..model import Questionnaire, to_data

# Which fields of which sections a person reads, and which of those are whole paragraphs.
SECTION_FIELDS: dict[str, tuple[str, ...]] = {
    "levels": ("name", "title", "meaning"),
    "questions": ("short", "text", "help"),
    "factors": ("title",),
    "rules": ("red_flag", "next_step"),
    "topics": ("title",),
    "cautions": ("title", "text", "next_step"),
    "advice": ("text",),
    "resources": ("name", "contact", "text"),
    "clinician": ("text",),
}
PARAGRAPHS = {
    "levels.meaning",
    "rules.red_flag",
    "rules.next_step",
    "cautions.text",
    "cautions.next_step",
    "advice.text",
    "resources.text",
}

Slot = tuple[str, Any, Any, bool]
"""(key, container, field or index, is a paragraph): where one text lives in the dumped data."""


def text_slots(data: dict[str, Any]) -> Iterator[Slot]:
    """Every text a person reads, in a questionnaire as plain data (checked, or straight from its file).

    Parts not shaped as a questionnaire's are passed over: checking the data reports them.
    """
    for key in ("title", "intro"):
        if isinstance(data.get(key), str):
            yield key, data, key, False
    notice = data.get("notice")
    for index in range(len(notice) if isinstance(notice, list) else 0):
        yield f"notice.{index}", notice, index, False
    for section, fields in SECTION_FIELDS.items():
        items = data.get(section)
        for item in items if isinstance(items, list) else ():
            if not (isinstance(item, dict) and isinstance(item.get("id"), str)):
                continue
            for field in fields:
                if item.get(field) is not None:
                    yield f"{section}.{item['id']}.{field}", item, field, f"{section}.{field}" in PARAGRAPHS
            choices = item.get("choices") if section == "questions" else None
            for choice in choices if isinstance(choices, list) else ():
                if isinstance(choice, dict) and isinstance(choice.get("id"), str) and "label" in choice:
                    yield f"questions.{item['id']}.choices.{choice['id']}", choice, "label", False
    regions = data.get("regions")
    for region in regions if isinstance(regions, list) else ():
        if not (isinstance(region, dict) and isinstance(region.get("code"), str)):
            continue
        prefix = f"regions.{region['code']}"
        for field in ("name", "emergency", "emergency_room"):
            if isinstance(region.get(field), str):
                yield f"{prefix}.{field}", region, field, False
        lines = region.get("resources")
        for item in lines if isinstance(lines, list) else ():
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                for field in SECTION_FIELDS["resources"]:
                    if item.get(field) is not None:
                        yield (
                            f"{prefix}.resources.{item['id']}.{field}",
                            item,
                            field,
                            f"resources.{field}" in PARAGRAPHS,
                        )


def dump(questionnaire: Questionnaire) -> dict[str, Any]:
    data: dict[str, Any] = to_data(questionnaire)
    return data


def texts(questionnaire: Questionnaire) -> dict[str, str]:
    return {key: container[field] for key, container, field, _ in text_slots(dump(questionnaire))}


def translations_path(questionnaire_path: Path, language: str) -> Path:
    return questionnaire_path.with_name(f"{questionnaire_path.stem}.{language}.yaml")


def load_translations(path: Path) -> dict[str, str]:
    from .. import safe_yaml

    document = safe_yaml.load_document(str(path), QuestionnaireError)
    if not isinstance(document.data, dict):
        raise QuestionnaireError(f"{path}: a translation file is a mapping of text key to translated text.")
    problems = [
        f"{document.where((key,))}: {key}: the translation must be non-empty text"
        for key, value in document.data.items()
        if not isinstance(value, str) or not value.strip()
    ]
    if problems:
        raise QuestionnaireError(problems)
    return {str(key): " ".join(str(value).split()) for key, value in document.data.items()}


def overlay(data: Any, questionnaire_path: Path, language: str) -> Any:
    """The questionnaire's data with its texts in `language`, when the questionnaire declares it.

    Works on data not yet checked: anything not shaped like a questionnaire is left for the check to
    report. A text with no translation keeps the original.
    """
    declared = data.get("languages") if isinstance(data, dict) else None
    if not isinstance(declared, list) or language not in declared[1:]:
        return data
    translations = load_translations(translations_path(questionnaire_path, language))
    for key, container, field, _ in text_slots(data):
        if key in translations:
            container[field] = translations[key]
    return data


def add_aliases(data: Any, questionnaire_path: Path) -> Any:
    """Give each choice its label in every declared language as an alias, so a label written in any of
    them names the same choice. Missing or broken translation files are left for validate to report."""
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        return data
    declared = data.get("languages")
    labels: list[dict[str, str]] = []
    for language in declared[1:] if isinstance(declared, list) else ():
        try:
            labels.append(load_translations(translations_path(questionnaire_path, str(language))))
        except QuestionnaireError:
            continue
    for key, choice, _field, _paragraph in text_slots(data):
        if ".choices." not in key:
            continue
        existing = choice.get("aliases")
        names = list(existing) if isinstance(existing, list) else []
        for name in [choice.get("label"), *(translation.get(key) for translation in labels)]:
            if isinstance(name, str) and name not in names:
                names.append(name)
        choice["aliases"] = names
    return data


def coverage_problems(questionnaire: Questionnaire, questionnaire_path: Path) -> tuple[list[str], list[str]]:
    """(problems, warnings): texts lacking a declared language, and translations of nothing."""
    problems: list[str] = []
    warnings: list[str] = []
    keys = texts(questionnaire)
    for language in questionnaire.languages[1:]:
        path = translations_path(questionnaire_path, language)
        if not path.is_file():
            problems.append(f"{path}: missing: the questionnaire declares language '{language}'")
            continue
        translations = load_translations(path)
        problems += [f"{path}: no '{language}' text for {key}" for key in keys if key not in translations]
        warnings += [
            f"{path}: {key} translates a text the questionnaire does not have"
            for key in translations
            if key not in keys
        ]
    return problems, warnings
