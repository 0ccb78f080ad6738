"""Content guards: wording that must never reach a person (dosing advice, stigmatising words).

Used by the test suite over every questionnaire string and every rendered report, so a content
edit that drifts into harm fails the build.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .questionnaire import Questionnaire

_AMOUNT = r"\d+(?:\.\d+)?\s*(?:g|grams?|mg|milligrams?|teaspoons?|tsp|capsules?|doses?|times|cups?|shots?)?"

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
    )
)

# Person-first language (NIDA, "Words matter"). Proper names of agencies are allowed.
STIGMA_PATTERN = re.compile(
    r"\b(abuse|abuser|abusers|abusing|addict|addicts|junkie|junkies|clean|dirty|druggie|drug habit|"
    r"users?|misuser|misusers)\b",
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
    """Every user-facing string in a questionnaire."""
    yield Wording("title", questionnaire.title, False)
    yield Wording("intro", questionnaire.intro, False)
    for index, notice in enumerate(questionnaire.notice):
        yield Wording(f"notice[{index}]", notice, False)
    for level in questionnaire.levels:
        yield Wording(f"levels.{level.id}.title", level.title, False)
        yield Wording(f"levels.{level.id}.meaning", level.meaning, True)
    for question in questionnaire.questions:
        yield Wording(f"questions.{question.id}.text", question.text, False)
        yield Wording(f"questions.{question.id}.help", question.help, False)
        for choice in question.choices:
            yield Wording(f"questions.{question.id}.choices.{choice.id}", choice.label, False)
    for factor in questionnaire.factors:
        yield Wording(f"factors.{factor.id}.title", factor.title, False)
    for rule in questionnaire.rules:
        if rule.red_flag:
            yield Wording(f"rules.{rule.id}.red_flag", rule.red_flag, True)
    for caution in questionnaire.cautions:
        yield Wording(f"cautions.{caution.id}.text", caution.text, True)
        yield Wording(f"cautions.{caution.id}.next_step", caution.next_step, True)
    for advice in questionnaire.advice:
        yield Wording(f"advice.{advice.id}", advice.text, True)
    for resource in questionnaire.resources:
        yield Wording(f"resources.{resource.id}", f"{resource.name}: {resource.contact}. {resource.text}", True)
