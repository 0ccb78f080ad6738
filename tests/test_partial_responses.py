"""A FHIR QuestionnaireResponse with questions left out, read for a person at a terminal: the questions
left out are asked (listed as missing), not refused; every other problem still is."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from kratom_check.ask import answers
from kratom_check.errors import AnswersError
from kratom_check.model import Questionnaire

from .conftest import EXAMPLE_ANSWERS

SYSTEM = "urn:kratom-check:kratom-check:{}"


def response(questionnaire: Questionnaire, *, leave_out: str, status: str = "in-progress") -> dict[str, Any]:
    """EXAMPLE_ANSWERS as a QuestionnaireResponse, with one question left out."""
    items = [
        {
            "linkId": question_id,
            "answer": [
                {"valueCoding": {"system": SYSTEM.format(question_id), "code": code}}
                for code in (chosen if isinstance(chosen, list) else [chosen])
            ],
        }
        for question_id, chosen in yaml.safe_load(EXAMPLE_ANSWERS).items()
        if question_id != leave_out
    ]
    canonical = f"urn:kratom-check:questionnaire:{questionnaire.id}|{questionnaire.version}"
    return {"resourceType": "QuestionnaireResponse", "questionnaire": canonical, "status": status, "item": items}


def written(tmp_path: Path, resource: dict[str, Any]) -> str:
    path = tmp_path / "response.json"
    path.write_text(json.dumps(resource), encoding="utf-8")
    return str(path)


def test_a_response_with_a_question_left_out_lists_it_to_ask_at_a_terminal(
    questionnaire: Questionnaire, tmp_path: Path
) -> None:
    checked = answers.load(questionnaire, written(tmp_path, response(questionnaire, leave_out="amount")), partial=True)
    assert checked.missing == ("amount",)
    expected = {key: value for key, value in yaml.safe_load(EXAMPLE_ANSWERS).items() if key != "amount"}
    assert checked.values == answers.check(questionnaire, expected, partial=True).values


def test_a_response_read_as_a_mapping_with_a_question_left_out_lists_it_to_ask(questionnaire: Questionnaire) -> None:
    checked = answers.from_fhir(questionnaire, response(questionnaire, leave_out="amount"), partial=True)
    assert checked.missing == ("amount",)


def test_a_response_with_a_question_left_out_is_refused_when_no_one_can_answer(
    questionnaire: Questionnaire, tmp_path: Path
) -> None:
    with pytest.raises(AnswersError) as refused:
        answers.load(questionnaire, written(tmp_path, response(questionnaire, leave_out="amount")))
    assert [problem.split(": ", 1)[1] for problem in refused.value.problems] == [
        "'amount' needs an answer (one of: small, moderate, large, not_in_grams, unsure)"
    ]


def test_a_response_with_a_fhir_problem_names_it_but_not_the_question_left_out_to_ask(
    questionnaire: Questionnaire,
) -> None:
    resource = response(questionnaire, leave_out="amount", status="entered-in-error")
    with pytest.raises(AnswersError) as refused:
        answers.from_fhir(questionnaire, resource, "r.json", partial=True)
    assert refused.value.problems == [
        "r.json: the QuestionnaireResponse's status is 'entered-in-error': it was entered by mistake, so it is "
        "not scored"
    ]
