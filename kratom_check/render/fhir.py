"""FHIR R4 out: the questionnaire (Questionnaire) and a result (QuestionnaireResponse + RiskAssessment).

Reading a QuestionnaireResponse back is ask/fhir_response.py, which also holds the code systems, the
canonical and the help items' linkIds both directions share.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..ask.fhir_response import HELP, PROVENANCE
from ..ask.fhir_response import canonical as _canonical
from ..ask.fhir_response import system as _system
from ..ask.fhir_response import url as _url
from ..errors import QuestionnaireError
from ..model import Condition, Question, Questionnaire

if TYPE_CHECKING:
    from ..score.reference import Assessment

TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"
OPTION_EXCLUSIVE = "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive"
SHORT_TEXT = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-shortText"



def _coding(questionnaire: Questionnaire, question_id: str, choice_id: str) -> dict[str, str]:
    question = questionnaire.questions_by_id[question_id]
    choice = question.choice(choice_id)
    return {
        "system": _system(questionnaire, question_id),
        "code": choice_id,
        "display": choice.label if choice else choice_id,
    }


def _enable_when(questionnaire: Questionnaire, condition: Condition) -> tuple[list[dict[str, Any]], str]:
    """ask_if as enableWhen: answer tests joined by any (or all), as FHIR can express them."""
    if condition.answer is not None:
        chosen = condition.is_ or condition.includes or ()
        tests = [
            {"question": condition.answer, "operator": "=", "answerCoding": _coding(questionnaire, condition.answer, c)}
            for c in chosen
        ]
        return tests, "any"
    group = condition.any_ or condition.all_
    if group and all(child.answer is not None and len(child.is_ or child.includes or ()) == 1 for child in group):
        tests = [test for child in group for test in _enable_when(questionnaire, child)[0]]
        return tests, "any" if condition.any_ else "all"
    raise QuestionnaireError("an ask_if condition is too complex for FHIR enableWhen (use any/all of answer tests)")


# --- out: the questionnaire ------------------------------------------------------------------------

Element = Callable[[str, str], dict[str, Any]]
"""(FHIR element name, text key) -> the element, with its `_name` translation extensions.

Every declared language gets one, even where its text is the first language's ("No" in Spanish), so a
reader sees a complete translation; `validate` reports any text a translation file lacks."""


def _elements(questionnaire: Questionnaire, translations: Mapping[str, Questionnaire]) -> Element:
    from ..load.languages import texts

    base = texts(questionnaire)
    others = {language: texts(translated) for language, translated in translations.items()}

    def element(name: str, key: str) -> dict[str, Any]:
        return _translated(name, base[key], {language: other[key] for language, other in others.items()})

    return element


def _translated(name: str, text: str, translations: Mapping[str, str]) -> dict[str, Any]:
    """A text element in the first language, with the standard translation extension for each other one."""
    extensions = [
        {
            "url": TRANSLATION,
            "extension": [{"url": "lang", "valueCode": language}, {"url": "content", "valueString": translated}],
        }
        for language, translated in translations.items()
    ]
    return {name: text, f"_{name}": {"extension": extensions}} if extensions else {name: text}


def _item(
    questionnaire: Questionnaire, question: Question, element: Element, languages: Sequence[str]
) -> dict[str, Any]:
    key = f"questions.{question.id}"
    item: dict[str, Any] = {"linkId": question.id}
    if question.short is not None:
        # In the first language only: a translation on an extension's value is valid FHIR, but few tools read it.
        item["extension"] = [{"url": SHORT_TEXT, "valueString": question.short}]
    item.update(element("text", f"{key}.text"))
    item.update({"type": "choice", "required": question.required, "repeats": question.kind == "multiple"})
    if question.ask_if is not None:
        tests, behavior = _enable_when(questionnaire, question.ask_if)
        item["enableWhen"] = tests
        if len(tests) > 1:
            item["enableBehavior"] = behavior
    options = []
    for choice in question.choices:
        coding = _coding(questionnaire, question.id, choice.id)
        del coding["display"]
        option: dict[str, Any] = {"valueCoding": {**coding, **element("display", f"{key}.choices.{choice.id}")}}
        if choice.exclusive:
            option["extension"] = [{"url": OPTION_EXCLUSIVE, "valueBoolean": True}]
        options.append(option)
    item["answerOption"] = options
    item["item"] = [
        {
            "linkId": question.id + HELP,
            "extension": [
                {
                    "url": ITEM_CONTROL,
                    "valueCodeableConcept": {
                        "coding": [{"system": ITEM_CONTROL_SYSTEM, "code": "help", "display": "Help-Button"}]
                    },
                }
            ],
            **element("text", f"{key}.help"),
            "type": "display",
        },
        *_provenance_items(questionnaire, question, languages),
    ]
    return item


def _provenance_items(
    questionnaire: Questionnaire, question: Question, languages: Sequence[str]
) -> list[dict[str, Any]]:
    """An adapted question says, as the clinician's page does, where it came from and whether it was
    validated for kratom: a display item after its help, which a response never answers."""
    from .clinician import provenance

    first, *others = languages
    text = provenance(question, questionnaire, language=first)
    if text is None:
        return []
    translations = {language: provenance(question, questionnaire, language=language) or "" for language in others}
    return [{"linkId": question.id + PROVENANCE, **_translated("text", text, translations), "type": "display"}]


def questionnaire_resource(
    questionnaire: Questionnaire, translations: Mapping[str, Questionnaire] | None = None
) -> dict[str, Any]:
    """The questionnaire as a FHIR Questionnaire in its first language; `translations` (language -> the same
    questionnaire loaded in that language) add the standard translation extension to every text."""
    element = _elements(questionnaire, translations or {})
    return {
        "resourceType": "Questionnaire",
        "id": questionnaire.id,
        "language": questionnaire.languages[0],
        "url": _url(questionnaire),
        "version": questionnaire.version,
        "name": questionnaire.id.replace("-", "_"),
        **element("title", "title"),
        "status": "active",
        **element("description", "intro"),
        "item": [
            _item(questionnaire, question, element, [questionnaire.languages[0], *(translations or {})])
            for question in questionnaire.questions
        ],
    }


# --- out: a result ---------------------------------------------------------------------------------


def _uuid(kind: str, assessment: Assessment, seed: str | None) -> str:
    """A random RFC 4122 id, so two people with the same answers get different resources; with a seed,
    a name-based (version 5) id that the same seed and answers always give again."""
    if seed is None:
        return f"urn:uuid:{uuid.uuid4()}"
    name = json.dumps([seed, kind, assessment.questionnaire_id, assessment.answers], sort_keys=True)
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'urn:kratom-check:' + name)}"


def bundle(assessment: Assessment, questionnaire: Questionnaire, *, seed: str | None = None) -> dict[str, Any]:
    from .plan import plan
    from .text import area_rows

    response_url = _uuid("QuestionnaireResponse", assessment, seed)
    response = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": _canonical(questionnaire),
        "status": "in-progress" if assessment.unanswered else "completed",
        **({"authored": assessment.made} if assessment.made else {}),
        "item": [
            {
                "linkId": question_id,
                "text": questionnaire.questions_by_id[question_id].text,
                "answer": [{"valueCoding": _coding(questionnaire, question_id, c)} for c in chosen],
            }
            for question_id, chosen in assessment.answers
        ],
    }
    risk = {
        "resourceType": "RiskAssessment",
        "status": "preliminary" if assessment.unanswered else "final",
        **({"occurrenceDateTime": assessment.made} if assessment.made else {}),
        "subject": {"display": "Person who completed the kratom self-check"},
        "method": {"text": f"{questionnaire.title} {questionnaire.version}"},
        "basis": [{"reference": response_url}],
        "prediction": [
            {
                "outcome": {"text": "Harm related to kratom use (liver injury, overdose, dependence)"},
                "qualitativeRisk": {
                    "coding": [
                        {
                            "system": _system(questionnaire, "level"),
                            "code": assessment.level,
                            "display": assessment.level_title,
                        }
                    ],
                    "text": assessment.level_title,
                },
                "rationale": " ".join([plan(assessment, questionnaire).told_us, *area_rows(assessment, questionnaire)]),
            }
        ],
        "mitigation": " ".join(
            [assessment.level_meaning, *(line.text for line in (*assessment.act_now, *assessment.next_steps))]
        ),
        "note": [{"text": f"{caution.text} {caution.next_step}"} for caution in assessment.cautions]
        + [{"text": notice} for notice in assessment.notice],
    }
    return {
        "resourceType": "Bundle",
        "type": "collection",
        **({"timestamp": assessment.made} if assessment.made else {}),
        "entry": [
            {"fullUrl": response_url, "resource": response},
            {"fullUrl": _uuid("RiskAssessment", assessment, seed), "resource": risk},
        ],
    }


def bundle_json(assessment: Assessment, questionnaire: Questionnaire, *, seed: str | None = None) -> str:
    return json.dumps(bundle(assessment, questionnaire, seed=seed), indent=2, ensure_ascii=False) + "\n"


# --- in: a QuestionnaireResponse -------------------------------------------------------------------
