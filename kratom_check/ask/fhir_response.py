"""FHIR R4 in: a QuestionnaireResponse (or the Bundle --format fhir writes) read as raw answers for the
answers-file check (ask/answers.py), with every FHIR problem found at once. render/fhir.py writes the
resources with the code systems and linkIds defined here.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from ..errors import MAX_LISTED, allowed, quoted_list, shown
from ..i18n import _, ngettext
from ..model import Question, Questionnaire

CODE_SYSTEM = "urn:kratom-check"
HELP = ".help"
PROVENANCE = ".provenance"
"""The display item under an adapted question that says where it came from; shown, never answered."""
"""A help item's linkId is its question's id and this: a dot is never in a question id, so none can clash."""
READ_STATUSES = ("completed", "amended", "in-progress", "stopped")
"""QuestionnaireResponse statuses whose answers are scored; entered-in-error is refused."""


def system(questionnaire: Questionnaire, part: str) -> str:
    return f"{CODE_SYSTEM}:{questionnaire.id}:{part}"


def url(questionnaire: Questionnaire) -> str:
    return f"{CODE_SYSTEM}:questionnaire:{questionnaire.id}"


def canonical(questionnaire: Questionnaire) -> str:
    return f"{url(questionnaire)}|{questionnaire.version}"


class Response(NamedTuple):
    """A QuestionnaireResponse read as raw answers in the answers-file contract, and what is wrong with it."""

    answers: dict[str, str | list[str]]
    problems: list[str]
    """FHIR problems, each without the file's name: the caller adds it, as answers.check() does."""
    spoiled: frozenset[str] = frozenset()
    """Questions left out of `answers` because their item has a problem: not to be called unanswered too."""
    items_read: bool = False
    """False when the response was not found, or answers another questionnaire: its items mean nothing here."""


def read_response(resource: dict[str, Any], questionnaire: Questionnaire) -> Response:
    """Raw answers (question id -> code, or a list of codes) from a QuestionnaireResponse or a Bundle holding
    one, with every FHIR problem found. Answers are only read, not checked: answers.check() does that."""
    response, problem = _the_response(resource)
    if response is None:
        return Response({}, [problem])
    problems = _status_problems(response)
    expected = url(questionnaire)
    given = response.get("questionnaire")
    if not isinstance(given, str) or not given:
        problems.insert(
            0,
            _("the QuestionnaireResponse names no questionnaire; it must answer {expected}").format(expected=expected),
        )
    elif given.split("|", 1)[0] != expected:
        # Another questionnaire's items would each be a problem here: say the one that matters.
        problems.insert(
            0,
            _(
                "this QuestionnaireResponse answers the questionnaire {given}, not this one ({expected}). "
                "Check it with the questionnaire it answers: --questions FILE"
            ).format(given=shown(given, 100), expected=expected),
        )
        return Response({}, problems)
    items = response.get("item", [])
    if not isinstance(items, list):
        return Response({}, [*problems, _("'item' must be a list of items")])
    known = questionnaire.questions_by_id
    codes: dict[str, list[str]] = {}
    seen: set[str] = set()
    spoiled: set[str] = set()
    unknown: list[str] = []
    for number, item in enumerate(items, 1):
        link = item.get("linkId") if isinstance(item, dict) else None
        if not isinstance(link, str):
            problems.append(_("item {number} has no linkId").format(number=number))
            continue
        if link.removesuffix(HELP) in known and link.endswith(HELP):
            problems.extend(_help_problems(item, link))
            continue  # a help text, shown and not answered
        if link.removesuffix(PROVENANCE) in known and link.endswith(PROVENANCE):
            continue  # where an adapted question came from: shown, not answered
        question = known.get(link)
        if question is None:
            unknown.append(link)
            continue
        if link in seen:
            problems.append(
                _("'{question}' is answered in more than one item; give all its answers in one item").format(
                    question=link
                )
            )
            codes.pop(link, None)
            spoiled.add(link)
            continue
        seen.add(link)
        chosen, item_problems = _codes(item, question, questionnaire)
        if item_problems:
            problems.extend(f"'{link}': {problem}" for problem in item_problems)
            spoiled.add(link)
        elif chosen:
            codes[link] = chosen
    if unknown:
        named = quoted_list([str(link) for link in unknown])
        problems.append(
            ngettext(
                "linkId {links} is not a question id (known: {known})",
                "linkIds {links} are not question ids (known: {known})",
                len(unknown),
            ).format(links=named, known=", ".join(known))
        )
    answers: dict[str, str | list[str]] = {
        link: chosen if known[link].kind == "multiple" or len(chosen) > 1 else chosen[0]
        for link, chosen in codes.items()
    }
    return Response(answers, problems, frozenset(spoiled), items_read=True)


def _help_problems(item: dict[str, Any], link: str) -> list[str]:
    """A help item is a text only: answers or items put in one would be passed over unread, so say so."""
    if not item.get("answer") and not item.get("item"):
        return []
    return [
        _(
            "'{link}' is a help text, so the answers and items in it are not read. Give each answer in the item "
            "of its question."
        ).format(link=link)
    ]


def _the_response(resource: dict[str, Any]) -> tuple[dict[str, Any] | None, str]:
    kind = resource.get("resourceType")
    if kind == "QuestionnaireResponse":
        return resource, ""
    if not isinstance(kind, str):
        return None, _(
            "'resourceType' must name a FHIR resource, like \"QuestionnaireResponse\"; here it is {kind}. Give a "
            "QuestionnaireResponse to this questionnaire, or a Bundle holding one (what --format fhir writes)."
        ).format(kind=shown(json.dumps(kind, ensure_ascii=False, default=str)))
    if kind != "Bundle":
        return None, _(
            "this is a FHIR {kind}, not answers. Give a QuestionnaireResponse to this questionnaire, "
            "or a Bundle holding one (what --format fhir writes)."
        ).format(kind=shown(kind))
    entries = resource.get("entry")
    responses = [
        entry["resource"]
        for entry in (entries if isinstance(entries, list) else [])
        if isinstance(entry, dict)
        and isinstance(entry.get("resource"), dict)
        and entry["resource"].get("resourceType") == "QuestionnaireResponse"
    ]
    if len(responses) == 1:
        return responses[0], ""
    if not responses:
        return None, _(
            "this FHIR Bundle holds no QuestionnaireResponse. Give a QuestionnaireResponse to this "
            "questionnaire, or a Bundle holding one (what --format fhir writes)."
        )
    return None, _("this FHIR Bundle holds {count} QuestionnaireResponse resources; give one at a time.").format(
        count=len(responses)
    )


def _status_problems(response: dict[str, Any]) -> list[str]:
    status = response.get("status")
    if status in READ_STATUSES:
        return []
    if status == "entered-in-error":
        return [
            _(
                "the QuestionnaireResponse's status is 'entered-in-error': it was entered by mistake, "
                "so it is not scored"
            )
        ]
    if status is None:
        return [
            _("the QuestionnaireResponse needs a status (one of: {statuses})").format(statuses=", ".join(READ_STATUSES))
        ]
    return [
        _("the QuestionnaireResponse's status {status} is not one of: {statuses}").format(
            status=shown(repr(status)), statuses=", ".join(READ_STATUSES)
        )
    ]


def _codes(item: dict[str, Any], question: Question, questionnaire: Questionnaire) -> tuple[list[str], list[str]]:
    """One item's answer codes, or what is wrong with them (each problem without the question's name)."""
    problems: list[str] = []
    answers = item.get("answer", [])
    holders = (
        [item, *(answer for answer in answers if isinstance(answer, dict))] if isinstance(answers, list) else [item]
    )
    children = [
        child for holder in holders for child in (holder["item"] if isinstance(holder.get("item"), list) else ())
    ]
    nested = [
        link
        for child in children
        if (link := child.get("linkId") if isinstance(child, dict) else None)
        not in (question.id + HELP, question.id + PROVENANCE)
    ]
    for child in children:
        if isinstance(child, dict) and child.get("linkId") == question.id + HELP:
            problems.extend(_help_problems(child, question.id + HELP))
    if nested:
        problems.append(
            _("nested items ({links}) are not read; every question of this questionnaire is a top-level item").format(
                links=", ".join(shown(repr(link)) for link in nested[:MAX_LISTED])
            )
        )
    if not isinstance(answers, list):
        return [], [*problems, _("'answer' must be a list of answers")]
    expected_system = system(questionnaire, question.id)
    codes: list[str] = []
    for answer in answers:
        coding = answer.get("valueCoding") if isinstance(answer, dict) else None
        if not isinstance(coding, dict):
            given = json.dumps(answer, ensure_ascii=False, default=str)
            problems.append(
                _("the answer {answer} is not a valueCoding ({allowed})").format(
                    answer=shown(given), allowed=allowed(question)
                )
            )
        elif coding.get("system") is None:
            problems.append(_("a coding has no system; this question's is {expected}").format(expected=expected_system))
        elif coding.get("system") != expected_system:
            problems.append(
                _("the coding system {given} is not this question's ({expected})").format(
                    given=shown(repr(coding["system"])), expected=expected_system
                )
            )
        elif coding.get("code") not in question.choice_ids:
            code = coding.get("code")
            problems.append(
                (
                    _("a coding has no code ({allowed})")
                    if code is None
                    else _("code {code} is not a choice ({allowed})")
                ).format(code=shown(repr(code)), allowed=allowed(question))
            )
        elif coding["code"] not in codes:
            codes.append(coding["code"])
    return codes, problems
