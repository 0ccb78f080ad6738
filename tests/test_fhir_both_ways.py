"""FHIR both ways (issue #16): a QuestionnaireResponse read as answers, and a Questionnaire that carries
the help texts, the choices' rules and the Spanish texts."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from kratom_check.model import Questionnaire

from .conftest import EXAMPLE_ANSWERS, REPO

Run = Callable[..., Any]
DATE = "2026-11-25T10:00:00+00:00"
CANONICAL = "urn:kratom-check:questionnaire:kratom-check"
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
HEADING = "Error: The answers have problems. No report was made."
FREQUENCY_CODES = "one of: rarely, weekly, daily, several_daily, many_daily"


def system(question_id: str) -> str:
    return f"urn:kratom-check:kratom-check:{question_id}"


def answer(question_id: str, *codes: str) -> dict[str, Any]:
    return {
        "linkId": question_id,
        "answer": [{"valueCoding": {"system": system(question_id), "code": code}} for code in codes],
    }


def example_response(**changes: Any) -> dict[str, Any]:
    """EXAMPLE_ANSWERS as a QuestionnaireResponse written by hand, with top-level fields changed."""
    items = [
        answer(question_id, *(chosen if isinstance(chosen, list) else [chosen]))
        for question_id, chosen in yaml.safe_load(EXAMPLE_ANSWERS).items()
    ]
    response = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{CANONICAL}|1.1.0",
        "status": "completed",
        "item": items,
    }
    return {**response, **changes}


def with_item(response: dict[str, Any], question_id: str, item: dict[str, Any]) -> dict[str, Any]:
    """The response with one question's item replaced."""
    items = [item if old["linkId"] == question_id else old for old in response["item"]]
    return {**response, "item": items}


def write_json(tmp_path: Path, data: Any, name: str = "response.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def json_report(run_cli: Run, path: Path, *options: str) -> Any:
    result = run_cli(*options, "--answers", str(path), "--format", "json", "--date", DATE)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def exported(run_cli: Run, *options: str) -> dict[str, Any]:
    result = run_cli(*options)
    assert result.exit_code == 0, result.stderr
    resource: dict[str, Any] = json.loads(result.stdout)
    return resource


def response_from(questionnaire: dict[str, Any], chosen: dict[str, Any]) -> dict[str, Any]:
    """A QuestionnaireResponse answering the exported questionnaire: each answer is one of its answerOption codings."""
    items = []
    for item in questionnaire["item"]:
        if item["linkId"] not in chosen:
            continue
        codes = chosen[item["linkId"]]
        options = {option["valueCoding"]["code"]: option["valueCoding"] for option in item["answerOption"]}
        items.append(
            {
                "linkId": item["linkId"],
                "text": item["text"],
                "answer": [
                    {"valueCoding": {key: options[code][key] for key in ("system", "code", "display")}}
                    for code in (codes if isinstance(codes, list) else [codes])
                ],
            }
        )
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{questionnaire['url']}|{questionnaire['version']}",
        "status": "completed",
        "item": items,
    }


def translations(element: dict[str, Any]) -> dict[str, str]:
    """A primitive's `_element` read back: language -> translated text."""
    found = {}
    for extension in element.get("extension", []):
        assert extension["url"] == TRANSLATION
        parts = {part["url"]: part for part in extension["extension"]}
        found[parts["lang"]["valueCode"]] = parts["content"]["valueString"]
    return found


def english_only(tmp_path: Path) -> Path:
    path = tmp_path / "questions.yaml"
    source = (REPO / "questions.yaml").read_text(encoding="utf-8")
    path.write_text(source.replace("languages: [en, es]\n", "languages: [en]\n", 1), encoding="utf-8")
    return path


# --- reading a QuestionnaireResponse ------------------------------------------------------------


def test_a_questionnaire_response_scores_like_the_answers_file(
    run_cli: Run, tmp_path: Path, answers_file: Callable[[str], Path]
) -> None:
    from_response = json_report(run_cli, write_json(tmp_path, example_response()))
    assert from_response == json_report(run_cli, answers_file(EXAMPLE_ANSWERS))


def test_the_fhir_output_fed_back_gives_the_same_report(
    run_cli: Run, tmp_path: Path, answers_file: Callable[[str], Path]
) -> None:
    original = answers_file(EXAMPLE_ANSWERS)
    bundle = run_cli("--answers", str(original), "--format", "fhir", "--date", DATE)
    assert bundle.exit_code == 0, bundle.stderr
    path = tmp_path / "result.fhir.json"
    path.write_text(bundle.stdout, encoding="utf-8")
    assert json_report(run_cli, path) == json_report(run_cli, original)


def test_the_spanish_fhir_output_fed_back_is_read_by_its_codes(
    run_cli: Run, tmp_path: Path, answers_file: Callable[[str], Path]
) -> None:
    original = answers_file(EXAMPLE_ANSWERS)
    bundle = run_cli("--lang", "es", "--answers", str(original), "--format", "fhir", "--date", DATE)
    path = tmp_path / "resultado.fhir.json"
    path.write_text(bundle.stdout, encoding="utf-8")
    assert json_report(run_cli, path) == json_report(run_cli, original)


def test_a_canonical_without_a_version_names_this_questionnaire(
    run_cli: Run, tmp_path: Path, answers_file: Callable[[str], Path]
) -> None:
    path = write_json(tmp_path, example_response(questionnaire=CANONICAL))
    assert json_report(run_cli, path) == json_report(run_cli, answers_file(EXAMPLE_ANSWERS))


def test_a_response_to_another_questionnaire_says_which_it_is_for_and_which_is_expected(
    run_cli: Run, tmp_path: Path
) -> None:
    path = write_json(tmp_path, example_response(questionnaire="http://example.org/Questionnaire/phq-9|2.0"))
    result = run_cli("--answers", str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: {path}: this QuestionnaireResponse answers the questionnaire "
        f"http://example.org/Questionnaire/phq-9|2.0, not this one ({CANONICAL}). "
        "Check it with the questionnaire it answers: --questions FILE\n"
    )


def test_an_unknown_link_id_is_named_with_the_known_ids(
    run_cli: Run, tmp_path: Path, questionnaire: Questionnaire
) -> None:
    response = example_response()
    response["item"].append(answer("frequenzy", "daily"))
    path = write_json(tmp_path, response)
    result = run_cli("--answers", str(path))
    assert result.exit_code == 2
    known = ", ".join(question.id for question in questionnaire.questions)
    assert result.stderr == f"Error: {path}: linkId 'frequenzy' is not a question id (known: {known})\n"


def test_an_unknown_code_is_named_with_the_codes_of_its_question(run_cli: Run, tmp_path: Path) -> None:
    path = write_json(tmp_path, with_item(example_response(), "frequency", answer("frequency", "sometimes")))
    result = run_cli("--answers", str(path))
    assert result.exit_code == 2
    assert result.stderr == f"Error: {path}: 'frequency': code 'sometimes' is not a choice ({FREQUENCY_CODES})\n"


def test_a_coding_of_another_system_is_named_with_this_questions_system(run_cli: Run, tmp_path: Path) -> None:
    item = {"linkId": "frequency", "answer": [{"valueCoding": {"system": "http://loinc.org", "code": "daily"}}]}
    path = write_json(tmp_path, with_item(example_response(), "frequency", item))
    result = run_cli("--answers", str(path))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {path}: 'frequency': the coding system 'http://loinc.org' is not this question's "
        f"({system('frequency')})\n"
    )


def test_an_answer_that_is_not_a_value_coding_is_named(run_cli: Run, tmp_path: Path) -> None:
    item = {"linkId": "frequency", "answer": [{"valueString": "daily"}]}
    path = write_json(tmp_path, with_item(example_response(), "frequency", item))
    result = run_cli("--answers", str(path))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {path}: 'frequency': the answer "
        f'{{"valueString": "daily"}} is not a valueCoding ({FREQUENCY_CODES})\n'
    )


def test_an_entered_in_error_response_is_not_scored(run_cli: Run, tmp_path: Path) -> None:
    path = write_json(tmp_path, example_response(status="entered-in-error"))
    result = run_cli("--answers", str(path))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {path}: the QuestionnaireResponse's status is 'entered-in-error': it was entered by mistake, "
        "so it is not scored\n"
    )


def test_an_in_progress_response_is_checked_like_an_answers_file_with_a_question_left_out(
    run_cli: Run, tmp_path: Path
) -> None:
    response = example_response(status="in-progress")
    response["item"] = [item for item in response["item"] if item["linkId"] != "amount"]
    path = write_json(tmp_path, response)
    result = run_cli("--answers", str(path))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {path}: 'amount' needs an answer (one of: small, moderate, large, not_in_grams, unsure)\n"
    )


def test_help_items_in_a_response_are_passed_over(
    run_cli: Run, tmp_path: Path, answers_file: Callable[[str], Path]
) -> None:
    """Some forms copy display items into the response; a help text carries no answer, so it changes nothing."""
    response = example_response()
    response["item"].insert(0, {"linkId": "duration.help", "text": "Long use can get your body used to kratom."})
    response["item"][1]["answer"][0]["item"] = [{"linkId": "frequency.help"}]
    path = write_json(tmp_path, response)
    assert json_report(run_cli, path) == json_report(run_cli, answers_file(EXAMPLE_ANSWERS))


def test_every_problem_is_reported_at_once_fhir_ones_first(
    run_cli: Run, tmp_path: Path, questionnaire: Questionnaire
) -> None:
    response = example_response(status="entered-in-error")
    response = with_item(response, "frequency", answer("frequency", "sometimes"))
    response = with_item(
        response, "duration", {"linkId": "duration", "answer": [{"valueCoding": {"system": "x", "code": "y"}}]}
    )
    response = with_item(response, "amount", {"linkId": "amount", "answer": [{"valueString": "moderate"}]})
    response = with_item(response, "symptoms", answer("symptoms", "none", "fainting"))
    response["item"].append(answer("bogus"))
    path = write_json(tmp_path, response)
    result = run_cli("--answers", str(path))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{HEADING} (6 problems)",
        f"  - {path}: the QuestionnaireResponse's status is 'entered-in-error': it was entered by mistake, "
        "so it is not scored",
        f"  - {path}: 'frequency': code 'sometimes' is not a choice ({FREQUENCY_CODES})",
        f"  - {path}: 'duration': the coding system 'x' is not this question's ({system('duration')})",
        f'  - {path}: \'amount\': the answer {{"valueString": "moderate"}} is not a valueCoding '
        "(one of: small, moderate, large, not_in_grams, unsure)",
        f"  - {path}: linkId 'bogus' is not a question id (known: "
        + ", ".join(question.id for question in questionnaire.questions)
        + ")",
        f"  - {path}: 'symptoms': 'none' cannot be combined with other choices (one or more of: yellow_skin_eyes, "
        "dark_urine, pale_stools, itching, belly_pain, nausea_vomiting, unusual_tiredness, confusion, "
        "bleeding_bruising, slow_breathing, chest_pain, racing_heart, fainting, seizure, none)",
    ]


def test_a_bundle_without_a_questionnaire_response_is_refused(run_cli: Run, tmp_path: Path) -> None:
    path = write_json(tmp_path, {"resourceType": "Bundle", "type": "collection", "entry": []})
    result = run_cli("--answers", str(path))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {path}: this FHIR Bundle holds no QuestionnaireResponse. Give a QuestionnaireResponse to this "
        "questionnaire, or a Bundle holding one (what --format fhir writes).\n"
    )


def test_another_kind_of_fhir_resource_is_refused(run_cli: Run) -> None:
    result = run_cli("--answers", "-", input='{"resourceType": "Patient"}')
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: standard input: this is a FHIR Patient, not answers. Give a QuestionnaireResponse to this "
        "questionnaire, or a Bundle holding one (what --format fhir writes).\n"
    )


# --- the exported Questionnaire -----------------------------------------------------------------


def test_every_question_has_a_help_item_with_the_help_item_control(run_cli: Run, questionnaire: Questionnaire) -> None:
    resource = exported(run_cli, "export", "fhir-questionnaire")
    for item, question in zip(resource["item"], questionnaire.questions, strict=True):
        assert item["item"][:1] == [
            {
                "linkId": f"{question.id}.help",
                "extension": [
                    {
                        "url": ITEM_CONTROL,
                        "valueCodeableConcept": {
                            "coding": [
                                {
                                    "system": "http://hl7.org/fhir/questionnaire-item-control",
                                    "code": "help",
                                    "display": "Help-Button",
                                }
                            ]
                        },
                    }
                ],
                "text": question.help,
                "_text": item["item"][0]["_text"],
                "type": "display",
            }
        ]


def test_an_adapted_question_and_only_it_has_a_display_item_saying_where_it_came_from_in_each_language(
    run_cli: Run, questionnaire: Questionnaire
) -> None:
    resource = exported(run_cli, "export", "fhir-questionnaire")
    for item, question in zip(resource["item"], questionnaire.questions, strict=True):
        notes = item["item"][1:]
        if question.adapted_from is None:
            assert notes == []
            continue
        (note,) = notes
        assert (note["linkId"], note["type"]) == (f"{question.id}.provenance", "display")
        assert note["text"].startswith("Adapted from ")
        assert note["text"].endswith("; not validated for kratom.")
        assert translations(note["_text"])["es"].endswith("; no validado para kratom.")


def test_required_repeats_and_exclusive_choices_follow_the_questionnaire(
    run_cli: Run, questionnaire: Questionnaire
) -> None:
    resource = exported(run_cli, "export", "fhir-questionnaire")
    for item, question in zip(resource["item"], questionnaire.questions, strict=True):
        assert (item["required"], item["repeats"]) == (question.required, question.kind == "multiple")
        exclusive = [
            option["valueCoding"]["code"]
            for option in item["answerOption"]
            if option.get("extension")
            == [{"url": "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive", "valueBoolean": True}]
        ]
        assert exclusive == [choice.id for choice in question.choices if choice.exclusive]


def test_spanish_texts_are_translation_extensions_on_item_texts_and_answer_displays(run_cli: Run) -> None:
    from kratom_check.load.questionnaire import load

    spanish = load(None, "es")
    resource = exported(run_cli, "export", "fhir-questionnaire")
    assert resource["language"] == "en"
    assert translations(resource["_title"]) == {"es": spanish.title}
    assert translations(resource["_description"]) == {"es": spanish.intro}
    for item, question in zip(resource["item"], spanish.questions, strict=True):
        assert translations(item["_text"]) == {"es": question.text}
        assert translations(item["item"][0]["_text"]) == {"es": question.help}
        for option, choice in zip(item["answerOption"], question.choices, strict=True):
            assert translations(option["valueCoding"].get("_display", {})) == {"es": choice.label}


def test_the_export_is_the_same_whatever_the_language_of_the_run(run_cli: Run) -> None:
    english = run_cli("--lang", "en", "export", "fhir-questionnaire").stdout
    assert run_cli("--lang", "es", "export", "fhir-questionnaire").stdout == english


def test_a_questionnaire_in_english_only_exports_without_translations(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("export", "fhir-questionnaire", "--questions", str(english_only(tmp_path)))
    assert result.exit_code == 0, result.stderr
    assert TRANSLATION not in result.stdout
    assert json.loads(result.stdout)["item"][0]["item"][0]["type"] == "display"


# --- round trip and validation ------------------------------------------------------------------


def test_round_trip_export_then_answer_then_read_back_reports_as_the_answers_file(
    run_cli: Run, tmp_path: Path, answers_file: Callable[[str], Path]
) -> None:
    resource = exported(run_cli, "export", "fhir-questionnaire")
    response = response_from(resource, yaml.safe_load(EXAMPLE_ANSWERS))
    from_response = json_report(run_cli, write_json(tmp_path, response))
    assert from_response == json_report(run_cli, answers_file(EXAMPLE_ANSWERS))


@pytest.mark.parametrize("english_only_file", [False, True], ids=["with-spanish", "english-only"])
def test_exported_questionnaire_is_a_valid_r4_questionnaire(
    run_cli: Run, tmp_path: Path, english_only_file: bool
) -> None:
    from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire

    options = ("--questions", str(english_only(tmp_path))) if english_only_file else ()
    result = run_cli("export", "fhir-questionnaire", *options)
    assert result.exit_code == 0, result.stderr
    resource = FhirQuestionnaire.model_validate_json(result.stdout)
    first = (resource.item or [])[0]
    assert first.item is not None
    assert first.item[0].type == "display"
    assert (first.text__ext is None) is english_only_file


def test_the_response_built_from_the_export_is_a_valid_r4_questionnaire_response(run_cli: Run) -> None:
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

    response = response_from(exported(run_cli, "export", "fhir-questionnaire"), yaml.safe_load(EXAMPLE_ANSWERS))
    validated = QuestionnaireResponse.model_validate(response)
    assert [item.linkId for item in validated.item or []] == [item["linkId"] for item in response["item"]]


def test_a_response_that_echoes_an_adapted_question_s_provenance_item_is_read_as_if_it_did_not(
    run_cli: Run, tmp_path: Path, answers_file: Callable[[str], Path]
) -> None:
    note = {"linkId": "urges.provenance", "text": "Adapted from …; not validated for kratom."}
    urges = {**answer("urges", "yes"), "item": [note]}
    response = example_response()
    response["item"] = [*response["item"], note, urges]
    path = write_json(tmp_path, response)
    expected = json_report(run_cli, answers_file(EXAMPLE_ANSWERS + "urges: 'yes'\n"))
    assert json_report(run_cli, path) == expected
