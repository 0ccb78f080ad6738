"""Content guards: wording that must never reach a person (dosing advice, stigmatising words).

Used by the test suite over every questionnaire string and every rendered report, so a content
edit that drifts into harm fails the build.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..model import Questionnaire

_AMOUNT = r"\d+(?:\.\d+)?\s*(?:g|grams?|mg|milligrams?|teaspoons?|tsp|capsules?|doses?|times|cups?|shots?)?"

_DIRECTIVE_ES = r"(?:^|[.!?:;¿¡]\s*|\b(?:debe|debería|puede|trate de|por favor|solo|no|nunca)\s+)"
_AMOUNT_ES = r"\d+(?:[.,]\d+)?\s*(?:g|gramos?|mg|miligramos?|cucharaditas?|cápsulas?|dosis|veces|tazas?)?"

# Recommending or bounding an amount, frequency, schedule or taper. Restating an answer
# ("Less than 5 grams") has no directive verb, and "no amount is known to be safe" names no dose.
# A directive: the start of a sentence or a modal ("you can take…"), so that restating an answer
# ("You said you use kratom 2 or 3 times a day") is allowed.
_DIRECTIVE = r"(?:^|[.!?:;]\s+|\b(?:should|you can|you could|try to|please|only|do not|don't|never|just)\s+)"

# Recommending or bounding an amount, frequency, schedule or taper. "No amount is known to be safe"
# names no dose and passes.
DOSING_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        (
            "bounds an amount",
            _DIRECTIVE + r"(take|use|have|keep|stay|stick|limit|dose)\b[^.!?]{0,40}?"
            r"\b(no more than|not more than|more than|less than|under|below|at most|up to|fewer than|only|between)\s+"
            + _AMOUNT,
        ),
        (
            "calls a dose safe",
            r"\b(safe|safer|safest|recommended|suggested|right|correct|ideal|maximum|max|starting|effective)\s+"
            r"(dose|doses|dosage|amount|amounts|limit)\b",
        ),
        ("calls a dose safe", r"\b(dose|dosage|amount)\s+(is|are|would be)\s+(safe|fine|ok|okay|healthy)\b"),
        ("calls a dose safe", r"\bsafe\s+to\s+(take|use)\b"),
        ("limits use", r"\blimit\s+(yourself|your\s+use|your\s+kratom|use)\b"),
        (
            "sets a schedule",
            _DIRECTIVE + r"(take|use)\b[^.!?]{0,30}\b(once|twice|\d+\s+times)\s+(a|per|each)\s+(day|week)\b",
        ),
        ("sets a schedule", r"\bevery\s+\d+\s*(hours?|hrs?)\b"),
        ("gives a taper", r"\b(taper|tapering|wean|weaning)\b"),
        ("gives a taper", r"\b(reduce|cut|lower|decrease|drop)\b[^.!?]{0,30}\bby\s+\d+"),
        # A plan to cut down or stop never sets how fast or by when: that is a taper too.
        (
            "sets a pace or a target",
            r"\b(reduce|cut|cutting|lower|decrease|drop|stop|stopping|quit|quitting)\b[^.!?]{0,30}?"
            r"\b(slowly|gradually|little by little|bit by bit|step by step|a little at a time|each week|every week|"
            r"each day|every day|per week|by half|in half)\b",
        ),
        ("sets a pace or a target", r"\b(quit|stop|target)\s+date\b|\baim\s+(for|to)\b|\bgoal\s+of\s+\d"),
        # Spanish: the same advice in the words a Spanish report would use.
        (
            "bounds an amount",
            _DIRECTIVE_ES + r"(tome|use|consuma|limite|mantenga|quédese)\b[^.!?]{0,40}?"
            r"\b(no más de|más de|menos de|hasta|como máximo|solo|entre)\s+" + _AMOUNT_ES,
        ),
        (
            "calls a dose safe",
            r"\b(dosis|cantidad|cantidades)\s+(segura|seguras|recomendada|sugerida|adecuada|correcta|ideal|máxima|inicial)\b",
        ),
        ("calls a dose safe", r"\bes\s+seguro\s+(tomar|usar|consumir)\b"),
        ("limits use", r"\blimite\s+(su|el)\s+(uso|consumo)\b"),
        (
            "sets a schedule",
            _DIRECTIVE_ES
            + r"(tome|use|consuma)\b[^.!?]{0,30}\b(una vez|dos veces|\d+\s+veces)\s+(al|por|cada)\s+(día|semana)\b",
        ),
        ("sets a schedule", r"\bcada\s+\d+\s*horas?\b"),
        ("gives a taper", r"\b(reducción|disminución|retiro)\s+gradual\b"),
        ("gives a taper", r"\b(reduzca|disminuya|baje)\b[^.!?]{0,30}\b(en\s+\d+|poco a poco)"),
        (
            "sets a pace or a target",
            r"\b(reduzca|reducir|baje|bajar|deje|dejar)\b[^.!?]{0,30}?"
            r"\b(poco a poco|gradualmente|despacio|cada semana|cada día|por semana|a la mitad)\b",
        ),
        ("sets a pace or a target", r"\bfecha\s+(para|de)\s+dejar\b|\bmeta\s+de\s+\d"),
    )
)

# Person-first language (NIDA, "Words matter"). Proper names of agencies are allowed.
STIGMA_PATTERN = re.compile(
    r"\b(abuse|abuser|abusers|abusing|addict|addicts|junkie|junkies|clean|dirty|druggie|drug habit|"
    r"users?|misuser|misusers|"
    r"abuso|abusos|abusador|abusadora|abusadores|adicto|adicta|adictos|adictas|drogadicto|drogadicta|"
    r"drogadictos|yonqui|yonquis|limpio|limpia|limpios|sucio|sucia|sucios|vicioso|viciosa|usuario|usuaria|"
    r"usuarios|usuarias)\b",
    re.IGNORECASE,
)
ALLOWED_NAMES = (
    "Substance Abuse and Mental Health Services Administration",
    "National Institute on Drug Abuse",
)


@dataclass(frozen=True)
class Finding:
    rule: str
    match: str
    text: str


def dosing_advice(text: str) -> list[Finding]:
    """Phrases that recommend or bound an amount, frequency, schedule or taper."""
    return [
        Finding(name, found.group(0), text) for name, pattern in DOSING_PATTERNS for found in pattern.finditer(text)
    ]


def stigmatising_words(text: str, *, allowed: Iterable[str] = ()) -> list[Finding]:
    """Stigmatising words, ignoring agency names and any other proper names given (such as source titles)."""
    cleaned = text
    for name in sorted({*ALLOWED_NAMES, *allowed}, key=len, reverse=True):
        cleaned = cleaned.replace(name, "")
    return [Finding("stigmatising word", found.group(0), text) for found in STIGMA_PATTERN.finditer(cleaned)]


def all_findings(texts: Iterable[str], *, allowed: Iterable[str] = ()) -> Iterator[Finding]:
    names = tuple(allowed)
    for text in texts:
        yield from dosing_advice(text)
        yield from stigmatising_words(text, allowed=names)


@dataclass(frozen=True)
class Wording:
    """One string a person reads, where it lives, and whether it is a whole paragraph of advice."""

    where: str
    text: str
    paragraph: bool


def wordings(questionnaire: Questionnaire) -> Iterator[Wording]:
    """Every user-facing string in a questionnaire, keyed as in its translation files."""
    from .languages import dump, text_slots

    for key, container, field, paragraph in text_slots(dump(questionnaire)):
        yield Wording(key, container[field], paragraph)


def problems(questionnaire: Questionnaire) -> list[tuple[tuple[Any, ...], str]]:
    """(data path, message) for every text that gives dosing advice or uses a stigmatising word.

    Checked on every questionnaire loaded from a file, so an edited or hostile file cannot turn the
    report against its reader.
    """
    names = [part for source in questionnaire.sources.values() for part in (source.title, source.publisher)]
    found = []
    for wording in wordings(questionnaire):
        for finding in all_findings([wording.text], allowed=names):
            if finding.rule == "stigmatising word":
                message = f"uses the word '{finding.match}': use person-first words (see NIDA, 'Words matter')"
            else:
                message = f"{finding.rule} ('{finding.match}'): a report never names a safe amount, schedule or taper"
            found.append((_path_of(wording.where, questionnaire), message))
    return found


def _path_of(key: str, questionnaire: Questionnaire) -> tuple[Any, ...]:
    """The data path of a text key (like cautions.alcohol.text), for the line in the file."""
    parts = key.split(".")
    if parts[0] == "notice":
        return ("notice", int(parts[1]))
    if len(parts) == 1:
        return (parts[0],)
    section, item_id, *rest = parts
    items = getattr(questionnaire, section)
    index = next(number for number, item in enumerate(items) if item.id == item_id)
    if rest[0] == "choices":
        choices = items[index].choices
        return (section, index, "choices", next(n for n, c in enumerate(choices) if c.id == rest[1]), "label")
    return (section, index, rest[0])
