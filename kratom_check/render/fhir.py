"""FHIR R4 resources: the questionnaire, and a result as QuestionnaireResponse + RiskAssessment."""

from __future__ import annotations

import json
import uuid
from typing import Any

from ..conditions import Answers
from ..errors import AnswersError, QuestionnaireError
from ..model import Condition, Questionnaire
from ..score.reference import Assessment
from .text import area_rows

CODE_SYSTEM = "urn:kratom-check"


def _system(questionnaire: Questionnaire, part: str) -> str:
    return f"{CODE_SYSTEM}:{questionnaire.id}:{part}"


def _canonical(questionnaire: Questionnaire) -> str:
    return f"{CODE_SYSTEM}:questionnaire:{questionnaire.id}|{questionnaire.version}"


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


def questionnaire_resource(questionnaire: Questionnaire) -> dict[str, Any]:
    items = []
    for question in questionnaire.questions:
        item: dict[str, Any] = {
            "linkId": question.id,
            "text": question.text,
            "type": "choice",
            "required": question.required,
            "repeats": question.kind == "multiple",
            "answerOption": [{"valueCoding": _coding(questionnaire, question.id, c.id)} for c in question.choices],
        }
        if question.ask_if is not None:
            tests, behavior = _enable_when(questionnaire, question.ask_if)
            item["enableWhen"] = tests
            if len(tests) > 1:
                item["enableBehavior"] = behavior
        items.append(item)
    return {
        "resourceType": "Questionnaire",
        "id": questionnaire.id,
        "url": _canonical(questionnaire).split("|")[0],
        "version": questionnaire.version,
        "name": questionnaire.id.replace("-", "_"),
        "title": questionnaire.title,
        "status": "active",
        "description": questionnaire.intro,
        "item": items,
    }


def _uuid(kind: str, assessment: Assessment, seed: str | None) -> str:
    """A random RFC 4122 id, so two people with the same answers get different resources; with a seed,
    a name-based (version 5) id that the same seed and answers always give again."""
    if seed is None:
        return f"urn:uuid:{uuid.uuid4()}"
    name = json.dumps([seed, kind, assessment.questionnaire_id, assessment.answers], sort_keys=True)
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'urn:kratom-check:' + name)}"


def bundle(assessment: Assessment, questionnaire: Questionnaire, *, seed: str | None = None) -> dict[str, Any]:
    response_url = _uuid("QuestionnaireResponse", assessment, seed)
    response = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": _canonical(questionnaire),
        "status": "completed",
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
        "status": "final",
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
                "rationale": "; ".join(area_rows(assessment, questionnaire)),
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


def answers_from_response(response: dict[str, Any], questionnaire: Questionnaire) -> Answers:
    """Read a QuestionnaireResponse back into answers (the round trip clinics rely on)."""
    answers: dict[str, tuple[str, ...]] = {}
    for item in response.get("item", []):
        question_id = item.get("linkId")
        if question_id not in questionnaire.questions_by_id:
            raise AnswersError(f"QuestionnaireResponse: unknown linkId '{question_id}'")
        answers[question_id] = tuple(answer["valueCoding"]["code"] for answer in item.get("answer", []))
    return answers
