"""Questionnaire text in other languages: one parallel file per language beside questions.yaml.

questions.yaml stays readable as one language (the first it declares); `questions.es.yaml` maps
each text's key (like `cautions.alcohol.text`) to its Spanish. Translators edit one flat file,
and ids, points and conditions exist only once, so languages cannot drift apart in meaning.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import safeyaml
from .errors import QuestionnaireError
from .model import Questionnaire, from_data, to_data

# Which fields of which sections a person reads, and which of those are whole paragraphs.
SECTION_FIELDS: dict[str, tuple[str, ...]] = {
    "levels": ("name", "title", "meaning"),
    "questions": ("text", "help"),
    "factors": ("title",),
    "rules": ("red_flag",),
    "cautions": ("title", "text", "next_step"),
    "advice": ("text",),
    "resources": ("name", "contact", "text"),
}
PARAGRAPHS = {
    "levels.meaning",
    "rules.red_flag",
    "cautions.text",
    "cautions.next_step",
    "advice.text",
    "resources.text",
}

Slot = tuple[str, Any, Any, bool]
"""(key, container, field or index, is a paragraph): where one text lives in the dumped data."""


def text_slots(data: dict[str, Any]) -> Iterator[Slot]:
    """Every text a person reads, in a questionnaire as plain data (model.to_data)."""
    yield "title", data, "title", False
    yield "intro", data, "intro", False
    for index in range(len(data["notice"])):
        yield f"notice.{index}", data["notice"], index, False
    for section, fields in SECTION_FIELDS.items():
        for item in data[section]:
            for field in fields:
                if item.get(field) is not None:
                    yield f"{section}.{item['id']}.{field}", item, field, f"{section}.{field}" in PARAGRAPHS
            for choice in item.get("choices", ()) if section == "questions" else ():
                yield f"questions.{item['id']}.choices.{choice['id']}", choice, "label", False


def dump(questionnaire: Questionnaire) -> dict[str, Any]:
    data: dict[str, Any] = to_data(questionnaire)
    return data


def texts(questionnaire: Questionnaire) -> dict[str, str]:
    return {key: container[field] for key, container, field, _ in text_slots(dump(questionnaire))}


def translations_path(questionnaire_path: Path, language: str) -> Path:
    return questionnaire_path.with_name(f"{questionnaire_path.stem}.{language}.yaml")


def load_translations(path: Path) -> dict[str, str]:
    document = safeyaml.load_document(str(path), QuestionnaireError)
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


def localize(questionnaire: Questionnaire, translations: dict[str, str]) -> Questionnaire:
    """The same questionnaire with its texts replaced; a missing translation keeps the original."""
    data = dump(questionnaire)
    for key, container, field, _ in text_slots(data):
        if key in translations:
            container[field] = translations[key]
    return from_data(data)


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


def load_localized(path: str | None = None, language: str | None = None) -> Questionnaire:
    """Load a questionnaire (the packaged one by default) in the active language, when it has it."""
    from . import i18n, questionnaire

    model = questionnaire.load(path)
    wanted = language or i18n.language()
    if wanted == model.languages[0] or wanted not in model.languages or path == "-":
        return model
    source = Path(path) if path else questionnaire.packaged_path()
    return localize(model, load_translations(translations_path(source, wanted)))
