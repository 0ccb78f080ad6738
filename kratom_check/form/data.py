"""Everything the offline page needs to ask, score and show the check, in every language and country, as JSON.

The page's scorer (scorer.js) reads this and nothing else, so it holds no question id of its own. The shape
(`format_version` 1) follows the questionnaire's own fields, split in two: what is the same in every
language (ids, points, conditions, sources) once, and what a person reads once per language.

    format, format_version  "kratom-check-form-data", 1
    id, version             the questionnaire's id and version
    languages               ["en", "es"]: the first is the questionnaire's own language
    levels                  level ids, lowest first
    questions               [{id, kind, required, ask_if?, choices: [{id, points?, exclusive?, unknown?, aliases?}]}]:
                            aliases are a choice's other names beyond its label in each language (an answers file
                            may name a choice by any of them, as the CLI reads it)
    factors                 [{id, thresholds: {level id: points}}]
    overall                 {thresholds: {level id: points}}
    rules                   [{id, when, level, sources}]
    topics                  [topic id]
    cautions                [{id, when, severity, sources, regions?, topic?}]
    advice                  [{id, kind, levels?, when?, sources, regions?, marks?}]
    resources               [{id, levels?, lead_at, sources}]: lines for every country
    clinician               [{id, when?, sources}]
    regions                 [{code, resources: [...]}]: the first is the default; ZZ is any other country
    sources                 {key: {title, publisher, year, url}} (not translated)
    texts                   {language: {text key: text}}: every text a person reads, keyed as the translation
                            files key them (`cautions.alcohol.text`, `questions.frequency.choices.daily`,
                            `regions.US.emergency`, `notice.0`, `title`). The first language has every text;
                            another has only those it translates (a text it lacks is the first language's, as
                            when the CLI loads it). Texts keep their `{emergency}` and `{emergency_room}`
                            placeholders: the scorer fills them in for the country chosen, as the CLI does.
    strings                 {language: {English msgid: translation}}: the report's own fixed words (headings,
                            "You told us: {answers}.", ...) from the CLI's message catalog, for every msgid the
                            report renderers and the answers check use; a msgid missing from a language's map
                            is said in English, as gettext does.
    settings                the engine's numbers and codes: how many report items are shown in full
                            (full_items), repeat_words, told_us_answers, meanings_said, max_listed, the code for any
                            other country (elsewhere: "ZZ") and codes read as another (also_accepted: {"UK": "GB"})
    messages                {name: msgid}: the answers check's messages that give a question id as an example
                            (the scorer names no question id, so it looks them up here).

Conditions (`when`, `ask_if`, `marks`) are the questionnaire's, with empty parts left out:
{any: [...]}, {all: [...]}, {not: {...}}, or {answer: question id, is: [choice ids]} / {answer, includes: [...]}.
"""

from __future__ import annotations

import ast
import copy
import functools
import gettext
from pathlib import Path
from typing import Any

FORMAT = "kratom-check-form-data"
FORMAT_VERSION = 1

STRING_MODULES = (
    "render/plan.py",
    "render/text.py",
    "render/html.py",
    "render/clinician.py",
    "render/markdown.py",
    "render/data.py",
    "ask/answers.py",
    "contract.py",
    "errors.py",
)
"""Where the report's fixed words and the answers check's messages are written (relative to the package)."""

MESSAGES = {
    "answers_list": (
        "{name}: the answers must be a mapping of question id to answer, like 'frequency: daily'. "
        "This file holds a list instead."
    ),
    "answers_value": (
        "{name}: the answers must be a mapping of question id to answer, like 'frequency: daily'. "
        "This file holds a single value instead."
    ),
}
"""The msgids of the answers check's messages that name a question id as an example: the scorer names none,
so it finds them here."""


def form_data(questions_path: Path | None = None) -> dict[str, Any]:
    """The page's data for a questionnaire (the packaged one when None): JSON-serialisable."""
    from ..load.languages import overlay
    from ..load.questionnaire import load_checked, packaged_path
    from ..model import to_data

    source = packaged_path() if questions_path is None else questions_path
    from ..load.compiled import trusted_data

    checked = trusted_data(source) if questions_path is None else None
    if checked is None:
        checked = to_data(load_checked(str(source)))
    others = {language: overlay(copy.deepcopy(checked), source, language) for language in checked["languages"][1:]}
    return data_of(checked, others)


def data_of(checked: dict[str, Any], translated: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """The page's data from a questionnaire's checked data (model.to_data), and the same data with its texts in
    each other language it declares (load/languages.overlay): a language not given is said in the first."""
    from ..load.languages import text_slots

    languages: list[str] = list(checked["languages"])
    first = {key: container[field] for key, container, field, _paragraph in text_slots(checked)}
    texts: dict[str, dict[str, str]] = {languages[0]: first}
    for language in languages[1:]:
        texts[language] = {
            key: container[field]
            for key, container, field, _paragraph in text_slots((translated or {}).get(language, checked))
            if first.get(key) != container[field]
        }
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "id": checked["id"],
        "version": checked["version"],
        "languages": languages,
        "levels": [level["id"] for level in checked["levels"]],
        "questions": [_question(question, texts) for question in checked["questions"]],
        "factors": [{"id": factor["id"], "thresholds": factor["thresholds"]} for factor in checked["factors"]],
        "overall": {"thresholds": checked["overall"]["thresholds"]},
        "rules": [
            {"id": rule["id"], "when": _condition(rule["when"]), "level": rule["level"], "sources": rule["sources"]}
            for rule in checked["rules"]
        ],
        "topics": [topic["id"] for topic in checked["topics"]],
        "cautions": [
            _without_empty(
                {
                    "id": caution["id"],
                    "when": _condition(caution["when"]),
                    "severity": caution["severity"],
                    "sources": caution["sources"],
                    "regions": caution["regions"],
                    "topic": caution["topic"],
                }
            )
            for caution in checked["cautions"]
        ],
        "advice": [
            _without_empty(
                {
                    "id": item["id"],
                    "kind": item["kind"],
                    "levels": item["levels"],
                    "when": _condition(item["when"]),
                    "sources": item["sources"],
                    "regions": item["regions"],
                    "marks": _condition(item["marks"]),
                }
            )
            for item in checked["advice"]
        ],
        "resources": [_resource(item) for item in checked["resources"]],
        "clinician": [
            _without_empty({"id": item["id"], "when": _condition(item["when"]), "sources": item["sources"]})
            for item in checked["clinician"]
        ],
        "regions": [
            {"code": region["code"], "resources": [_resource(item) for item in region["resources"]]}
            for region in checked["regions"]
        ],
        "sources": checked["sources"],
        "texts": texts,
        "strings": {language: translated_strings(language) for language in languages},
        "messages": MESSAGES,
        "settings": settings(),
    }


def settings() -> dict[str, Any]:
    """The engine's own numbers and codes the scorer needs, from where the Python engine keeps them."""
    from ..errors import MAX_LISTED
    from ..load.regions import ALSO_ACCEPTED, ELSEWHERE
    from ..model import MENU_STEPS
    from ..render import plan

    return {
        "full_items": plan.FULL_ITEMS,
        "menu_steps": MENU_STEPS,
        "repeat_words": plan.REPEAT_WORDS,
        "told_us_answers": plan.TOLD_US_ANSWERS,
        "meanings_said": plan.MEANINGS_SAID,
        "max_listed": MAX_LISTED,
        "elsewhere": ELSEWHERE,
        "also_accepted": ALSO_ACCEPTED,
    }


def _question(question: dict[str, Any], texts: dict[str, dict[str, str]]) -> dict[str, Any]:
    def labels(choice_id: str) -> set[str]:
        key = f"questions.{question['id']}.choices.{choice_id}"
        return {by_key[key] for by_key in texts.values() if key in by_key}

    return _without_empty(
        {
            "id": question["id"],
            "kind": question["kind"],
            "required": question["required"],
            "ask_if": _condition(question["ask_if"]),
            "ruler": question["ruler"] or None,
            "adapted_from": question["adapted_from"],
            "validated_for_kratom": question["validated_for_kratom"] if question["adapted_from"] else None,
            "choices": [
                _without_empty(
                    {
                        "id": choice["id"],
                        "points": choice["points"] or None,
                        "exclusive": choice["exclusive"] or None,
                        "unknown": choice["unknown"] or None,
                        "aliases": [name for name in choice["aliases"] if name not in labels(choice["id"])] or None,
                    }
                )
                for choice in question["choices"]
            ],
        }
    )


def _resource(item: dict[str, Any]) -> dict[str, Any]:
    return _without_empty(
        {"id": item["id"], "levels": item["levels"], "lead_at": item["lead_at"], "sources": item["sources"]}
    )


def _condition(condition: dict[str, Any] | None) -> dict[str, Any] | None:
    if condition is None:
        return None
    compact: dict[str, Any] = {}
    for name, value in condition.items():
        if value is None:
            continue
        if name in ("any", "all"):
            compact[name] = [_condition(child) for child in value]
        elif name == "not":
            compact[name] = _condition(value)
        else:
            compact[name] = value
    return compact


def _without_empty(item: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in item.items() if value is not None}


@functools.cache
def msgids() -> tuple[tuple[str, str | None], ...]:
    """Every message the report renderers and the answers check pass to _(), N_() or ngettext(), in the order
    written: (msgid, None), or (singular, plural) for ngettext. Read once a process: the page's data is made
    once for each language, and the sources do not change while it runs."""
    package = Path(__file__).resolve().parent.parent
    found: list[tuple[str, str | None]] = []
    for module in STRING_MODULES:
        tree = ast.parse((package / module).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            texts = [arg.value for arg in node.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
            if node.func.id in ("_", "N_") and texts:
                message: tuple[str, str | None] = (texts[0], None)
            elif node.func.id == "ngettext" and len(texts) >= 2:
                message = (texts[0], texts[1])
            else:
                continue
            if message not in found:
                found.append(message)
    return tuple(found)


def translated_strings(language: str) -> dict[str, str]:
    """The catalog's translation of each msgid, for those that have one (the others are said in English).

    A plural message gives two entries: its singular msgid (said for one) and its plural msgid (for more).
    """
    from ..i18n import DOMAIN, LOCALE_DIR

    catalog = gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)
    said: dict[str, str] = {}
    for singular, plural in msgids():
        if plural is None:
            pairs = [(singular, catalog.gettext(singular))]
        else:
            pairs = [(singular, catalog.ngettext(singular, plural, 1)), (plural, catalog.ngettext(singular, plural, 2))]
        for message, text in pairs:
            # A msgid written again with another partner (its plural, or its singular) that the catalog does
            # not have must not hide the translation already found.
            if text != message:
                said.setdefault(message, text)
    return said
