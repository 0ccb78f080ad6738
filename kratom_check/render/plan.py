"""What a report says to one person, decided once for every format: text, Markdown, HTML and JSON.

The renderers lay this out; they do not choose. Here the person's own finding is named first ("You told
us"), cautions that speak about one topic become one item, items past the first few are folded to their
title and their next step, and a sentence already said is not said again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from ..i18n import _
from ..model import Questionnaire
from ..score.reference import Assessment, CautionResult, Cited

FULL_ITEMS = 2
"""Items shown in full; the rest are folded to their title (the caution's one-line name) and their next
step, so a person in distress is not buried in text, and no item is a bare title."""

REPEAT_WORDS = 6
"""A sentence of this many words or more is said once in a report."""

TOLD_US_ANSWERS = 4
"""The answers "You told us" names at most when no warning sign set the result: enough for the finding, short
enough for two lines."""

MEANINGS_SAID = 2
"""Warning signs whose meaning "You told us" says; with more, it names the signs only."""

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")


class Item(NamedTuple):
    """One thing the report tells the person: one caution, or every caution of one topic together."""

    ids: tuple[str, ...]
    title: str
    text: str
    next_step: str
    sources: tuple[str, ...]
    folded: bool
    """Past the first few: shown as its title and its next step."""


def sentences(text: str) -> list[str]:
    return [part for part in _SENTENCE_END.split(" ".join(text.split())) if part]


def _key(sentence: str) -> str:
    return " ".join(re.findall(r"\w+", sentence.casefold()))


class _Said:
    """The long sentences a report has said so far, so a later part leaves them out."""

    def __init__(self) -> None:
        self.keys: set[str] = set()

    def note(self, text: str) -> None:
        self.keys.update(_key(s) for s in sentences(text) if len(_key(s).split()) >= REPEAT_WORDS)

    def new_part(self, text: str) -> str:
        """The text without the long sentences already said; those it says are noted."""
        kept = []
        for sentence in sentences(text):
            key = _key(sentence)
            if len(key.split()) >= REPEAT_WORDS:
                if key in self.keys:
                    continue
                self.keys.add(key)
            kept.append(sentence)
        return " ".join(kept)


class Plan(NamedTuple):
    """The parts of a report whose content depends on the person, in the order every format shows them."""

    told_us: str
    items: tuple[Item, ...]
    next_steps: tuple[Cited, ...]
    """What to do, then what to ask a clinician, in one list."""
    good_to_know: tuple[Cited, ...]


def plan(assessment: Assessment, questionnaire: Questionnaire) -> Plan:
    said = _Said()
    for line in (*assessment.act_now, *assessment.safety_net):
        said.note(line.text)
    said.note(assessment.level_meaning)
    told = told_us(assessment, questionnaire)
    said.note(told)
    built = tuple(_items(assessment, said))
    if assessment.level == questionnaire.levels[0].id and built:
        # At the lowest level nothing raised the result; the first item is still the main thing to know.
        told += " " + _("The main thing we noticed: {title}.").format(title=built[0].title)

    def fresh(lines: Sequence[Cited]) -> tuple[Cited, ...]:
        kept = (line._replace(text=said.new_part(line.text)) for line in lines)
        return tuple(line for line in kept if line.text)

    asks = tuple(line._replace(text=_("Ask a clinician: {question}").format(question=line.text))
                 for line in fresh(assessment.ask_clinician))  # fmt: skip
    return Plan(
        told_us=told,
        items=built,
        next_steps=fresh(assessment.next_steps) + asks,
        good_to_know=fresh(assessment.good_to_know),
    )


def _items(assessment: Assessment, said: _Said) -> Iterable[Item]:
    """Cautions in the order scored (most serious, then most direct, first), one item per topic."""
    groups: list[list[CautionResult]] = []
    by_topic: dict[str, list[CautionResult]] = {}
    for caution in assessment.cautions:
        if caution.topic and caution.topic in by_topic:
            by_topic[caution.topic].append(caution)
            continue
        group = [caution]
        groups.append(group)
        if caution.topic:
            by_topic[caution.topic] = group
    titles = dict(assessment.topic_titles)
    number = 0
    for group in groups:
        first = group[0]
        title = titles.get(first.topic, first.title) if len(group) > 1 else first.title
        said.note(title)
        text = " ".join(part for part in (said.new_part(c.text) for c in group) if part)
        step = " ".join(part for part in (said.new_part(c.next_step) for c in group) if part)
        if not (text or step):
            continue  # everything it says was said above
        sources: list[str] = []
        for caution in group:
            sources += [key for key in caution.sources if key not in sources]
        number += 1
        yield Item(
            ids=tuple(c.id for c in group),
            title=title,
            text=text,
            next_step=step or first.next_step,  # an item always keeps its next step
            sources=tuple(sources),
            folded=number > FULL_ITEMS,
        )


def told_us(assessment: Assessment, questionnaire: Questionnaire) -> str:
    """One or two lines under the result: the answers that set it, in plain words.

    At a warning sign, the signs and what they can mean; otherwise the answers that raised the areas that
    reached the result; when nothing raised it, that.
    """
    rank = questionnaire.level_rank
    flags = sorted(assessment.red_flags, key=lambda flag: -rank[flag.level])
    if flags and flags[0].level == assessment.level:
        signs: list[str] = []
        meanings: list[str] = []
        for flag in flags:
            parts = sentences(flag.text)
            signs.append(parts[0].rstrip("."))
            meanings += [m for m in parts[1:] if m not in meanings]
        # Every warning sign is named: each is a reason to get care. What they can mean is said for one or
        # two; past that, the signs alone, so the safety net stays on the first screen.
        told = _("You told us: {answers}.").format(answers="; ".join(signs))
        return " ".join([told, *meanings]) if len(flags) <= MEANINGS_SAID else told
    if assessment.level == questionnaire.levels[0].id:
        return _("You told us nothing that raised the result.")
    reached = [f for f in assessment.factors if f.level == assessment.level and f.raised_by]
    if not reached:  # the areas together reached it ("several risks together")
        reached = [f for f in assessment.factors if f.raised_by]
    answers: list[str] = []
    for factor in sorted(reached, key=lambda f: (-rank[f.level], -f.score)):
        named = (answer_name(questionnaire, *pair, with_question=True) for pair in factor.raised_by)
        answers += [a for a in named if a not in answers]
    if not answers:  # a rule with no warning-sign text set it, in a questionnaire that has one
        return _("You told us nothing that raised the result.")
    shown = answers[:TOLD_US_ANSWERS]
    more = len(answers) - len(shown)
    text = "; ".join(shown) + (_(", and {count} more").format(count=more) if more else "")
    return _("You told us: {answers}.").format(answers=text)


def answer_name(questionnaire: Questionnaire, question_id: str, choice_id: str, *, with_question: bool = False) -> str:
    """A chosen answer in a few words: its label, with the question's short name when asked for (standing
    alone, "6 to 12 months" says little) or when the label alone ("Yes", "Never") could belong to any question."""
    question = questionnaire.questions_by_id[question_id]
    choice = question.choice(choice_id)
    label = choice.label if choice is not None else choice_id
    shared = any(
        other.id != question_id and any(c.label == label for c in other.choices) for other in questionnaire.questions
    )
    if with_question or shared or len(label.split()) <= 1:
        return f"{question.short or question.text}: {label}"
    return label
