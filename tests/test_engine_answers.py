"""Reading an answers file, pinned on a made-up questionnaire: what is accepted, and each mistake's exact message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kratom_check.ask import answers
from kratom_check.errors import AnswersError

from .test_engine_rules import (
    choice,
    fresh_engine_caches,  # noqa: F401  (an autouse fixture: importing it applies it here)
    is_,
    make,
    multiple,
    single,
    yes_no,
)

USE = single(
    "use", choice("rarely", "A few times a year"), choice("weekly", use=2), choice("daily", "Every day", use=4)
)
MIX = multiple("mix", choice("alcohol", mix=3), choice("kava", mix=1), choice("coffee"), choice("none", exclusive=True))
WORRIED = yes_no("worried", required=False)
HOW_MUCH = single("how_much", choice("little"), choice("lots", use=5), ask_if=is_("use", "daily"))
WHERE = single(
    "where", choice("shop", "Other"), choice("online", "Other"), choice("friend", "A friend"), required=False
)
QUESTIONNAIRE = make(USE, MIX, WORRIED, HOW_MUCH, WHERE)
VALID = {"use": "weekly", "mix": ["kava"]}
MIX_IDS = "(one or more of: alcohol, kava, coffee, none)"


def checked(data: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    return answers.check(QUESTIONNAIRE, data, "answers.yaml").values


def problems(data: Any) -> list[str]:
    with pytest.raises(AnswersError) as caught:
        answers.check(QUESTIONNAIRE, data, "answers.yaml")
    return caught.value.problems


def test_choice_ids_are_accepted() -> None:
    assert checked({"use": "weekly", "mix": ["kava", "coffee"]}) == {"use": ("weekly",), "mix": ("kava", "coffee")}


def test_an_id_with_spaces_around_it_is_accepted() -> None:
    assert checked({**VALID, "use": "  rarely "})["use"] == ("rarely",)


def test_a_label_is_read_as_its_choice_whatever_its_case_and_spacing() -> None:
    assert checked({**VALID, "use": " EVERY day ", "how_much": "Lots"})["use"] == ("daily",)


def test_a_label_shared_by_two_choices_is_not_a_choice() -> None:
    assert problems({**VALID, "where": "other"}) == [
        "answers.yaml: 'where': 'other' is not a choice (one of: shop, online, friend)"
    ]


def test_a_single_id_is_accepted_for_a_multiple_choice_question() -> None:
    assert checked({**VALID, "mix": "coffee"})["mix"] == ("coffee",)


def test_a_choice_given_twice_counts_once() -> None:
    assert checked({**VALID, "mix": ["kava", "Kava", " kava", "coffee"]})["mix"] == ("kava", "coffee")


@pytest.mark.parametrize(("written", "expected"), [(True, "yes"), (False, "no"), ("yes", "yes"), ("no", "no")])
def test_true_and_false_mean_yes_and_no(written: Any, expected: str) -> None:
    assert checked({**VALID, "worried": written})["worried"] == (expected,)


def test_true_and_false_mean_yes_and_no_whatever_their_labels() -> None:
    question = yes_no("sure", choices=(choice("yes", "Yes, I am"), choice("no", "No, I am not")))
    questionnaire = make(question)
    assert answers.check(questionnaire, {"sure": False}).values == {"sure": ("no",)}
    assert answers.check(questionnaire, {"sure": True}).values == {"sure": ("yes",)}


def test_true_is_not_a_choice_of_a_question_without_yes() -> None:
    assert problems({**VALID, "use": True}) == [
        "answers.yaml: 'use': True is not a choice (one of: rarely, weekly, daily)"
    ]


def test_a_number_is_not_a_choice() -> None:
    assert problems({**VALID, "use": 2}) == ["answers.yaml: 'use': 2 is not a choice (one of: rarely, weekly, daily)"]


def test_an_exclusive_choice_alone_is_accepted() -> None:
    assert checked({**VALID, "mix": ["none"]})["mix"] == ("none",)


def test_an_exclusive_choice_with_others_is_an_error_naming_the_question_and_the_choice() -> None:
    assert problems({**VALID, "mix": ["kava", "none"]}) == [
        f"answers.yaml: 'mix': 'none' cannot be combined with other choices {MIX_IDS}"
    ]


def test_a_list_for_a_single_answer_question_is_an_error() -> None:
    assert problems({**VALID, "use": ["weekly"]}) == [
        "answers.yaml: 'use': give one answer, not a list (one of: rarely, weekly, daily)"
    ]


def test_an_empty_list_is_an_error() -> None:
    assert problems({**VALID, "mix": []}) == [
        "answers.yaml: 'mix': the list is empty (one or more of: alcohol, kava, coffee, none)"
    ]


@pytest.mark.parametrize("value", [[["kava"]], [{"kava": 1}], {"kava": 1}])
def test_a_nested_list_or_mapping_is_an_error(value: Any) -> None:
    assert problems({**VALID, "mix": value}) == [
        "answers.yaml: 'mix': a nested list or mapping is not a choice (one or more of: alcohol, kava, coffee, none)"
    ]


def test_an_unknown_choice_is_named() -> None:
    assert problems({**VALID, "mix": ["kava", "tea"]}) == [
        "answers.yaml: 'mix': 'tea' is not a choice (one or more of: alcohol, kava, coffee, none)"
    ]


def test_unknown_question_ids_are_each_named_once_with_the_known_ids() -> None:
    known = "use, mix, worried, how_much, where"
    assert problems({**VALID, "colour": "blue"}) == [f"answers.yaml: 'colour' is not a question id (known: {known})"]
    assert problems({**VALID, "colour": "blue", "size": 3}) == [
        f"answers.yaml: 'colour', 'size' are not question ids (known: {known})",
    ]


def test_each_missing_required_answer_is_named_with_its_choices() -> None:
    assert problems({}) == [
        "answers.yaml: 'use' needs an answer (one of: rarely, weekly, daily)",
        "answers.yaml: 'mix' needs an answer (one or more of: alcohol, kava, coffee, none)",
    ]


def test_optional_questions_may_be_left_out() -> None:
    assert answers.check(QUESTIONNAIRE, VALID) == ({"use": ("weekly",), "mix": ("kava",)}, (), ())


def test_a_partial_check_lists_unanswered_required_questions_instead_of_refusing() -> None:
    checked = answers.check(QUESTIONNAIRE, {"use": "daily", "mix": ["kava"]}, partial=True)
    assert checked.values == {"use": ("daily",), "mix": ("kava",)}
    assert checked.missing == ("how_much",)


def test_a_partial_check_still_refuses_an_answer_that_is_not_a_choice() -> None:
    with pytest.raises(AnswersError, match="'use': 'often' is not a choice"):
        answers.check(QUESTIONNAIRE, {"use": "often"}, partial=True)


def test_a_follow_up_needs_an_answer_when_it_is_asked() -> None:
    assert problems({**VALID, "use": "daily"}) == ["answers.yaml: 'how_much' needs an answer (one of: little, lots)"]


def test_an_answer_to_a_question_not_asked_is_ignored_with_a_warning() -> None:
    result = answers.check(QUESTIONNAIRE, {**VALID, "how_much": "lots"})
    assert result.values == {"use": ("weekly",), "mix": ("kava",)}
    assert result.warnings == ("'how_much' does not apply to these answers, so its answer was ignored.",)


def test_every_problem_is_reported_together_unknown_ids_first() -> None:
    assert problems({"mix": ["none", "kava"], "colour": "blue", "worried": "maybe"}) == [
        "answers.yaml: 'colour' is not a question id (known: use, mix, worried, how_much, where)",
        "answers.yaml: 'use' needs an answer (one of: rarely, weekly, daily)",
        f"answers.yaml: 'mix': 'none' cannot be combined with other choices {MIX_IDS}",
        "answers.yaml: 'worried': 'maybe' is not a choice (one of: yes, no)",
    ]


def test_problems_name_the_answers_when_no_file_name_is_given() -> None:
    with pytest.raises(AnswersError) as caught:
        answers.check(QUESTIONNAIRE, {"use": "weekly"})
    assert caught.value.problems == ["answers: 'mix' needs an answer (one or more of: alcohol, kava, coffee, none)"]


def test_a_list_instead_of_a_mapping_is_refused_with_the_expected_shape() -> None:
    assert problems(["weekly"]) == [
        "answers.yaml: the answers must be a mapping of question id to answer, like 'frequency: daily'. "
        "This file holds a list instead."
    ]


def test_a_single_value_instead_of_a_mapping_is_refused_with_the_expected_shape() -> None:
    assert problems("weekly") == [
        "answers.yaml: the answers must be a mapping of question id to answer, like 'frequency: daily'. "
        "This file holds a single value instead."
    ]


def test_an_answers_file_is_read_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("use: daily\nmix: [alcohol, none]\nhow_much: Lots\n", encoding="utf-8")
    with pytest.raises(AnswersError) as caught:
        answers.load(QUESTIONNAIRE, str(path))
    assert caught.value.problems == [
        f"{path}: 'mix': 'none' cannot be combined with other choices (one or more of: alcohol, kava, coffee, none)"
    ]
    path.write_text("use: daily\nmix: [alcohol]\nhow_much: Lots\nworried: no\n", encoding="utf-8")
    assert answers.load(QUESTIONNAIRE, str(path)).values == {
        "use": ("daily",),
        "mix": ("alcohol",),
        "worried": ("no",),
        "how_much": ("lots",),
    }


def test_answers_in_the_file_format_are_text_for_one_answer_and_a_list_for_several() -> None:
    chosen = {"mix": ("kava", "coffee"), "use": ("weekly",), "worried": ("no",)}
    contract = answers.as_contract(chosen, QUESTIONNAIRE)
    assert contract == {"use": "weekly", "mix": ["kava", "coffee"], "worried": "no"}
    assert list(contract) == ["use", "mix", "worried"]


def test_the_answers_template_lists_each_question_its_choices_and_an_empty_value() -> None:
    questionnaire = make(USE, MIX, HOW_MUCH._replace(required=False))
    assert answers.template_yaml(questionnaire) == (
        f"# {questionnaire.title}: answers file (version 1).\n"
        "# Put your answer after each colon, using the ids listed. Then run:\n"
        "#   kratom-check --answers this-file.yaml\n"
        "# Questions marked (optional) can stay empty.\n"
        "\n"
        "# use text\n"
        "# Choose one of:\n"
        "#   rarely: A few times a year\n"
        "#   weekly: Weekly\n"
        "#   daily: Every day\n"
        "use:\n"
        "\n"
        "# mix text\n"
        "# Choose one or more, like [a, b], of:\n"
        "#   alcohol: Alcohol\n"
        "#   kava: Kava\n"
        "#   coffee: Coffee\n"
        "#   none: None\n"
        "mix:\n"
        "\n"
        "# how_much text (optional)\n"
        "# Answer only if it applies to you (see the question before).\n"
        "# Choose one of:\n"
        "#   little: Little\n"
        "#   lots: Lots\n"
        "how_much:\n"
    )


def test_the_json_template_has_every_question_id_with_a_null() -> None:
    assert answers.template_json(make(USE, MIX)) == '{\n  "use": null,\n  "mix": null\n}\n'


def test_the_answers_json_schema_states_ids_kinds_exclusive_choices_and_versions() -> None:
    kinds = multiple("kinds", choice("leaf"), choice("shot", since="1.2"), choice("none", exclusive=True))
    worried = WORRIED._replace(since="1.1")
    questionnaire = make(USE, kinds, worried, HOW_MUCH)
    yes_no_ids = {"enum": ["yes", "no", True, False]}
    assert answers.json_schema(questionnaire) == {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "answers.schema.json",
        "title": f"{questionnaire.title}: answers file (questionnaire made-up 1)",
        "type": "object",
        "properties": {
            "use": {"description": "use text", "enum": ["rarely", "weekly", "daily"]},
            "kinds": {
                "description": "kinds text 'shot' added in 1.2.",
                "oneOf": [
                    {"enum": ["leaf", "shot", "none"]},
                    {"type": "array", "items": {"enum": ["leaf", "shot", "none"]}, "minItems": 1, "uniqueItems": True},
                ],
                "not": {"type": "array", "minItems": 2, "contains": {"enum": ["none"]}},
            },
            "worried": {"description": "worried text (optional) Added in 1.1.", **yes_no_ids},
            "how_much": {"description": "how_much text", "enum": ["little", "lots"]},
        },
        "required": ["use", "kinds"],
        "additionalProperties": False,
    }


def test_a_multiple_question_without_an_exclusive_choice_has_no_not_clause() -> None:
    kinds = multiple("kinds", choice("leaf"), choice("shot"))
    assert "not" not in answers.json_schema(make(kinds))["properties"]["kinds"]


def test_the_answers_json_schema_text_is_indented_json_ending_in_a_newline() -> None:
    questionnaire = make(single("q", choice("a"), choice("ñ")))
    text = answers.json_schema_text(questionnaire)
    assert text.endswith('"additionalProperties": false\n}\n')
    assert '\n  "type": "object",\n' in text
    assert '"enum": [\n        "a",\n        "ñ"\n      ]' in text
