"""The offline page's scorer is the Python engine: the same answers give the same JSON report, in every language
and country, run in an embedded JavaScript engine (V8) as the page runs it.

Python's side is the CLI's own path (the answers check, score, the JSON report), called in-process; the page's
report has no time in it, so `made` is None on both sides.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kratom_check import i18n
from kratom_check.ask import answers as answers_module
from kratom_check.conditions import asked_questions
from kratom_check.errors import AnswersError
from kratom_check.form.data import data_of, form_data
from kratom_check.load import questionnaire as questionnaire_module
from kratom_check.load.regions import ELSEWHERE
from kratom_check.model import Questionnaire, to_data
from kratom_check.render.data import as_dict
from kratom_check.render.plan import plan
from kratom_check.score.reference import Assessment, score, without_clinician

from .conftest import PERSONAS, load_persona
from .form_js import SCORER, FormScorer
from .strategies import answer_sets
from .test_batch_scoring import reshuffled_questionnaires

PACKAGED = questionnaire_module.load()
LANGUAGES = PACKAGED.languages
REGIONS = tuple(region.code for region in questionnaire_module.load_checked().regions)
SOME_REGIONS = (None, "GB", ELSEWHERE)
"""The default country (the first), one other, and the lines for anywhere else."""


EACH = settings(max_examples=max(50, settings().max_examples // 3))
"""A third of the profile's examples for the properties beside the main one, which takes them all."""


@pytest.fixture(scope="module")
def page() -> Iterator[FormScorer]:
    """One engine for the whole module: the scorer and the data are loaded once."""
    scorer = FormScorer()
    yield scorer
    scorer.close()


@pytest.fixture(scope="module")
def other_page() -> Iterator[FormScorer]:
    """An engine for other questionnaires than the packaged one."""
    scorer = FormScorer()
    yield scorer
    scorer.close()


def before_region(questionnaire: Questionnaire) -> dict[str, Any]:
    """A loaded questionnaire's data as it was before its country was chosen: the country's lines apart."""
    data: dict[str, Any] = to_data(questionnaire)
    (region,) = data["regions"]
    data["resources"] = [line for line in data["resources"] if line not in region["resources"]]
    return data


@cache
def model(language: str, region: str | None) -> Questionnaire:
    """The questionnaire as the CLI loads it for a language and a country (from the locale: ZZ is allowed)."""
    return questionnaire_module.load(language=language, region=region, from_locale=True)


def assessed(
    answers: Any, language: str, region: str | None, *, partial: bool = False, clinician: bool = True
) -> tuple[Questionnaire, Assessment]:
    i18n.activate(language)
    questionnaire = model(language, region)
    checked = answers_module.check(questionnaire, answers, "answers", partial=partial)
    assessment = score(questionnaire, checked.values)._replace(unanswered=checked.missing)
    return questionnaire, assessment if clinician else without_clinician(assessment)


def cli_report(answers: Any, language: str, region: str | None, **options: bool) -> dict[str, Any]:
    """What `kratom-check --answers FILE --format json` prints, less the time it was made."""
    questionnaire, assessment = assessed(answers, language, region, **options)
    report = as_dict(assessment, questionnaire)
    report["made"] = None
    return report


def as_data(value: Any) -> Any:
    """Named tuples as mappings of their fields, tuples as lists: what JSON makes of them in JavaScript."""
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return {field: as_data(getattr(value, field)) for field in value._fields}
    if isinstance(value, tuple | list):
        return [as_data(item) for item in value]
    return value


def contract(chosen: dict[str, tuple[str, ...]]) -> dict[str, Any]:
    return answers_module.as_contract(chosen, PACKAGED)


@pytest.mark.parametrize("region", SOME_REGIONS)
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("persona", PERSONAS, ids=lambda path: path.stem)
def test_every_persona_gets_the_cli_report(page: FormScorer, persona: Path, language: str, region: str | None) -> None:
    answers = load_persona(persona)["answers"]
    assert page.score(answers, lang=language, region=region) == cli_report(answers, language, region)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("persona", PERSONAS, ids=lambda path: path.stem)
def test_every_persona_gets_the_report_plan_the_renderers_use(page: FormScorer, persona: Path, language: str) -> None:
    answers = load_persona(persona)["answers"]
    questionnaire, assessment = assessed(answers, language, None)
    expected = as_data(plan(assessment, questionnaire))
    assert page.plan(answers, lang=language) == expected


@EACH
@given(chosen=answer_sets(PACKAGED), language=st.sampled_from(LANGUAGES), region=st.sampled_from(REGIONS))
def test_any_valid_answer_set_gets_the_report_plan_the_renderers_use(
    page: FormScorer, chosen: dict[str, tuple[str, ...]], language: str, region: str
) -> None:
    answers = contract(chosen)
    questionnaire, assessment = assessed(answers, language, region)
    assert page.plan(answers, lang=language, region=region) == as_data(plan(assessment, questionnaire))


@given(
    chosen=answer_sets(PACKAGED),
    language=st.sampled_from(LANGUAGES),
    region=st.sampled_from((None, *REGIONS)),
)
def test_any_valid_answer_set_gets_the_cli_report(
    page: FormScorer, chosen: dict[str, tuple[str, ...]], language: str, region: str | None
) -> None:
    answers = contract(chosen)
    assert page.score(answers, lang=language, region=region) == cli_report(answers, language, region)


@EACH
@given(chosen=answer_sets(PACKAGED), language=st.sampled_from(LANGUAGES), data=st.data())
def test_a_report_asked_for_early_lists_the_same_unanswered_questions(
    page: FormScorer, chosen: dict[str, tuple[str, ...]], language: str, data: st.DataObject
) -> None:
    answers = contract(chosen)
    kept = data.draw(st.lists(st.sampled_from(sorted(answers)), unique=True), label="kept")
    partial = {question_id: answers[question_id] for question_id in answers if question_id in kept}
    expected = cli_report(partial, language, None, partial=True)
    assert page.score(partial, lang=language, partial=True) == expected


@EACH
@given(chosen=answer_sets(PACKAGED), language=st.sampled_from(LANGUAGES))
def test_a_report_without_the_clinicians_page_drops_it_and_its_sources(
    page: FormScorer, chosen: dict[str, tuple[str, ...]], language: str
) -> None:
    answers = contract(chosen)
    expected = cli_report(answers, language, None, clinician=False)
    assert page.score(answers, lang=language, clinician=False) == expected


@EACH
@given(chosen=answer_sets(PACKAGED), data=st.data())
def test_yes_and_no_may_be_written_as_booleans(
    page: FormScorer, chosen: dict[str, tuple[str, ...]], data: st.DataObject
) -> None:
    answers = contract(chosen)
    written = {
        question_id: (value == "yes") if value in ("yes", "no") and data.draw(st.booleans()) else value
        for question_id, value in answers.items()
    }
    assert page.score(written, lang="en") == cli_report(written, "en", None)


@EACH
@given(chosen=answer_sets(PACKAGED), data=st.data())
def test_the_questions_that_apply_are_the_ones_the_cli_asks(
    page: FormScorer, chosen: dict[str, tuple[str, ...]], data: st.DataObject
) -> None:
    answers = contract(chosen)
    for question in PACKAGED.questions:  # answers to questions that do not apply change nothing
        if question.id not in answers and data.draw(st.booleans()):
            answers[question.id] = data.draw(st.sampled_from(question.choice_ids))
    checked = answers_module.check(PACKAGED, answers, "answers", partial=True)
    expected = [question.id for question in asked_questions(PACKAGED, checked.values)]
    ids = [question.id for question in PACKAGED.questions]
    assert page.evaluate("(answers) => kratomCheck.askedQuestions(answers)", answers) == expected
    each = "(answers, ids) => ids.map((id) => kratomCheck.asked(id, answers))"
    assert page.evaluate(each, answers, ids) == [question_id in expected for question_id in ids]


@pytest.mark.slow  # builds and loads a whole questionnaire's data for each example
@settings(max_examples=max(20, settings().max_examples // 6))
@given(data=st.data())
def test_any_questionnaire_scores_in_the_page_as_in_the_cli(other_page: FormScorer, data: st.DataObject) -> None:
    """New points, thresholds, follow-ups and rules: the scorer reads them all from the data, none from its code."""
    questionnaire = data.draw(reshuffled_questionnaires(), label="questionnaire")
    answers = answers_module.as_contract(data.draw(answer_sets(questionnaire), label="answers"), questionnaire)
    checked = answers_module.check(questionnaire, answers, "answers")
    expected = as_dict(score(questionnaire, checked.values), questionnaire)
    expected["made"] = None
    other_page.load(data_of(before_region(questionnaire)))
    assert other_page.score(answers, lang="en") == expected


CHOICE_IDS = sorted({choice_id for question in PACKAGED.questions for choice_id in question.choice_ids})
NAMES = sorted({name for question in PACKAGED.questions for choice in question.choices for name in choice.aliases})
"""Every choice's label in every language, and its other names: an answers file may name a choice by one."""
ONE_ANSWER = st.one_of(
    st.sampled_from(CHOICE_IDS),
    st.sampled_from(CHOICE_IDS).map(lambda choice_id: f" {choice_id} "),
    st.sampled_from(NAMES).map(str.upper),
    st.sampled_from(NAMES),
    st.booleans(),
    st.none(),
    st.integers(-5, 5),
    # Assigned characters only: which are unassigned depends on the Unicode version of each engine.
    st.text(st.characters(exclude_categories=("Cn", "Cs")), max_size=6),
    st.lists(st.sampled_from(CHOICE_IDS), max_size=2).map(", ".join),
)
ANY_ANSWERS = st.dictionaries(
    st.one_of(
        st.sampled_from([question.id for question in PACKAGED.questions]),
        # A JavaScript object lists whole-number keys first, whatever order the file gave them in.
        st.text(max_size=6).filter(lambda key: not re.fullmatch(r"0|[1-9][0-9]*", key)),
    ),
    st.one_of(
        ONE_ANSWER, st.lists(ONE_ANSWER, max_size=3), st.dictionaries(st.text(max_size=3), ONE_ANSWER, max_size=1)
    ),
)


@EACH
@given(chosen=answer_sets(PACKAGED), changes=ANY_ANSWERS, language=st.sampled_from(LANGUAGES))
def test_any_answers_give_the_cli_report_or_the_cli_problems(
    page: FormScorer, chosen: dict[str, tuple[str, ...]], changes: dict[str, Any], language: str
) -> None:
    """Ids, labels, booleans, padding, numbers, text, lists, mappings and unknown ids, over a valid answer set."""
    answers = {**contract(chosen), **changes}
    try:
        expected = cli_report(answers, language, None)
    except AnswersError as error:
        expected = {"error": "AnswersError: " + "\n".join(error.problems), "problems": error.problems}
    assert page.score(answers, lang=language) == expected


INVALID_ANSWERS = {
    "a list instead of a mapping": ["frequency"],
    "a single value instead of a mapping": "daily",
    "an unknown question id": {"frequncy": "daily"},
    "an unknown choice id": {"frequency": "sometimes"},
    "a list for a single question": {"frequency": ["daily"]},
    "an empty list": {"co_use": []},
    "none with another choice": {"co_use": ["none", "alcohol"]},
    "several choices in one text": {"co_use": "alcohol, sedatives"},
    "a nested mapping": {"co_use": [{"alcohol": True}]},
    "nothing at all": {},
    "a number": {"frequency": 3},
    "text with a quote and a new line": {"frequency": "it's\ndaily"},
    "a long text": {"frequency": "daily " * 30},
    "nothing inside a list": {"co_use": [None]},
    "many unknown question ids": {f"question_{number}": "daily" for number in range(25)},
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("answers", INVALID_ANSWERS.values(), ids=INVALID_ANSWERS.keys())
def test_invalid_answers_throw_every_problem_the_cli_names(page: FormScorer, answers: Any, language: str) -> None:
    i18n.activate(language)
    with pytest.raises(AnswersError) as raised:
        answers_module.check(model(language, None), answers, "answers")
    assert page.score(answers, lang=language) == {
        "error": "AnswersError: " + "\n".join(raised.value.problems),
        "problems": raised.value.problems,
    }


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_questions_read_as_the_cli_asks_them(page: FormScorer, language: str, region: str) -> None:
    questionnaire = model(language, region)
    expected = [
        {
            "id": question.id,
            "kind": question.kind,
            "required": question.required,
            "text": question.text,
            "help": question.help,
            "short": question.short,
            "choices": [[choice.id, choice.label, choice.exclusive, choice.unknown] for choice in question.choices],
        }
        for question in questionnaire.questions
    ]
    shown = page.call("questions", language, region)
    for question in shown:
        question.pop("ask_if")
        question["choices"] = [[c["id"], c["label"], c["exclusive"], c["unknown"]] for c in question["choices"]]
    assert shown == expected


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_country_is_offered_by_its_name_in_the_language(page: FormScorer, language: str) -> None:
    expected = []
    for code in REGIONS:
        region = model(language, code).region
        assert region is not None
        expected.append({"code": region.code, "name": region.name})
    assert page.call("regions", language) == expected


@pytest.mark.parametrize(
    ("asked", "used"),
    [(None, REGIONS[0]), ("gb", "GB"), (" UK ", "GB"), ("ZZ", ELSEWHERE), ("FR", ELSEWHERE), ("419", ELSEWHERE)],
)
def test_a_country_code_is_read_as_the_cli_reads_one_from_the_locale(
    page: FormScorer, asked: str | None, used: str
) -> None:
    assert page.call("region", asked) == used


@pytest.mark.parametrize(
    ("asked", "used"),
    [("es", "es"), ("es-MX", "es"), ("es_MX.UTF-8", "es"), ("EN", "en"), ("fr-FR", "en"), (None, "en")],
)
def test_a_language_tag_is_read_as_its_language_and_any_other_as_english(
    page: FormScorer, asked: str | None, used: str
) -> None:
    assert page.call("language", asked) == used
    assert page.score(load_persona(PERSONAS[0])["answers"], lang=asked)["language"] == used


def test_the_data_holds_every_language_and_every_country() -> None:
    data = form_data()
    assert data["languages"] == list(LANGUAGES)
    assert set(data["texts"]) == set(LANGUAGES)
    assert all(data["texts"][language] for language in LANGUAGES)
    assert [region["code"] for region in data["regions"]] == list(REGIONS)
    assert ELSEWHERE in REGIONS


def test_another_questionnaire_file_gives_the_same_data_as_the_packaged_one(tmp_path: Path) -> None:
    """--questions FILE: the file is read and checked in full (no pre-checked copy), with its translations."""
    source = questionnaire_module.packaged_path()
    copy = tmp_path / source.name
    copy.write_bytes(source.read_bytes())
    for language in LANGUAGES[1:]:
        translations = source.with_name(f"{source.stem}.{language}.yaml")
        (tmp_path / translations.name).write_bytes(translations.read_bytes())
    assert form_data(copy) == form_data()


def test_the_data_carries_the_report_strings_in_each_language() -> None:
    i18n.activate("es")
    strings = form_data()["strings"]
    assert strings["es"]["You told us: {answers}."] == i18n._("You told us: {answers}.")
    assert strings["en"] == {}


def test_a_plural_written_again_with_another_singular_keeps_its_translation(monkeypatch: pytest.MonkeyPatch) -> None:
    """The catalog knows the pair as written first; a second call that pairs the plural with a new singular
    (one without a translation yet) must not turn the plural back into English."""
    from kratom_check.form import data as data_module

    singular = "{keys} is not a question id (known: {known})"
    plural = "{keys} are not question ids (known: {known})"
    monkeypatch.setattr(data_module, "msgids", lambda: [(singular, plural), ("{keys} is new (known: {known})", plural)])
    i18n.activate("es")
    strings = data_module.translated_strings("es")
    assert strings[plural] == i18n.ngettext(singular, plural, 2)
    assert strings[singular] == i18n.ngettext(singular, plural, 1)
    assert "{keys} is new (known: {known})" not in strings


def test_the_scorer_names_no_question_id() -> None:
    """The scorer is generic, like the Python engine: every question id lives in the questionnaire only."""
    code = SCORER.read_text(encoding="utf-8")
    named = [question.id for question in PACKAGED.questions if re.search(rf"\b{question.id}\b", code)]
    assert named == []


def test_the_scorer_reaches_for_nothing_outside_the_page() -> None:
    code = SCORER.read_text(encoding="utf-8")
    reaching = r"\b(fetch|XMLHttpRequest|WebSocket|EventSource|sendBeacon|localStorage|sessionStorage|cookie|import)\b"
    assert re.findall(reaching, code) == []
