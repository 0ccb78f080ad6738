"""The engine's rules, each pinned on a small made-up questionnaire, so no content change can hide a broken rule.

The questionnaires here are built in code (see `make` and the builders under it) and checked with the
loader's own cross-reference checks; nothing depends on questions.yaml.
"""

from __future__ import annotations

from typing import Any, TypeVar

import pytest

from kratom_check import conditions, contract
from kratom_check.conditions import asked_questions, holds
from kratom_check.load.validation import cross_check
from kratom_check.model import (
    Advice,
    Caution,
    Choice,
    Condition,
    Factor,
    Level,
    Overall,
    Question,
    Questionnaire,
    Resource,
    Rule,
    Source,
)
from kratom_check.score import reference as scoring
from kratom_check.score.reference import highest_scores, score, score_levels, tables

T = TypeVar("T")


@pytest.fixture(autouse=True)
def fresh_engine_caches() -> None:
    """Each test builds the compiled conditions and look-up tables it uses, so it exercises that code too
    (and mutation testing links the test to it) instead of finding them built by an earlier test."""
    scoring._TABLES.clear()
    conditions.compile_condition.cache_clear()
    contract._LOOKUPS.clear()


def build(model_type: type[T], /, **given: Any) -> T:
    """A model item; any text field not given gets a filler, so a new required text field needs no edit here."""
    fields: tuple[str, ...] = model_type._fields  # type: ignore[attr-defined]
    defaults: dict[str, Any] = model_type._field_defaults  # type: ignore[attr-defined]
    # A field the file must give may still have a default here ("" for a text): it gets a filler too.
    needed = [name for name in fields if name not in defaults or defaults[name] == ""]
    filler = {name: f"{given.get('id', model_type.__name__)} {name}" for name in needed}
    return model_type(**{**filler, **given})


LEVEL_IDS = ("low", "moderate", "high", "urgent")
SOURCE_KEYS = ("s1", "s2", "s3", "s4")


def choice(
    choice_id: str, label: str | None = None, exclusive: bool = False, since: str | None = None, **points: int
) -> Choice:
    label = label or choice_id.capitalize()
    return build(Choice, id=choice_id, label=label, points=points, exclusive=exclusive, since=since)


def single(question_id: str, *choices: Choice, **options: Any) -> Question:
    return build(Question, id=question_id, kind="single", choices=choices, help="", **options)


def multiple(question_id: str, *choices: Choice, **options: Any) -> Question:
    return build(Question, id=question_id, kind="multiple", choices=choices, help="", **options)


def yes_no(question_id: str, **options: Any) -> Question:
    options.setdefault("choices", (choice("yes"), choice("no")))
    return build(Question, id=question_id, kind="yes_no", help="", **options)


def factor(factor_id: str, **thresholds: int) -> Factor:
    return build(Factor, id=factor_id, title=factor_id.capitalize(), thresholds=thresholds)


def rule(rule_id: str, when: Condition, level: str, red_flag: str | None = None, sources: tuple[str, ...] = ()) -> Rule:
    return build(Rule, id=rule_id, when=when, level=level, red_flag=red_flag, sources=sources or ("s1",))


def caution(caution_id: str, when: Condition, severity: str, sources: tuple[str, ...] = ("s1",)) -> Caution:
    return build(Caution, id=caution_id, when=when, severity=severity, sources=sources)


def advice(advice_id: str, kind: str = "next_step", sources: tuple[str, ...] = ("s1",), **options: Any) -> Advice:
    return build(Advice, id=advice_id, kind=kind, sources=sources, **options)


def resource(resource_id: str, sources: tuple[str, ...] = ("s1",), **options: Any) -> Resource:
    return build(Resource, id=resource_id, sources=sources, **options)


def make(
    *questions: Question,
    factors: tuple[Factor, ...] = (),
    overall: dict[str, int] | None = None,
    rules: tuple[Rule, ...] = (),
    cautions: tuple[Caution, ...] = (),
    advice: tuple[Advice, ...] = (),
    resources: tuple[Resource, ...] = (),
    may_hide: bool = False,
) -> Questionnaire:
    """A questionnaire with four levels and four sources; it must pass the loader's cross-reference checks.

    may_hide lets an ask_if hide a question that raises the level, which files may not do: the engine
    must still score such a questionnaire (built in code) exactly, fast path and reference alike."""
    questionnaire = build(
        Questionnaire,
        schema_version=1,
        languages=("en",),
        id="made-up",
        version="1",
        notice=("Not a diagnosis.",),
        levels=tuple(build(Level, id=level_id) for level_id in LEVEL_IDS),
        questions=questions or (USE,),
        factors=factors or (factor("use"), factor("mix")),
        overall=Overall(thresholds=overall or {}),
        rules=rules,
        cautions=cautions,
        advice=advice,
        resources=resources,
        sources={key: build(Source, title=f"Source {key}", publisher="Publisher", year=2024) for key in SOURCE_KEYS},
    )
    problems = cross_check(questionnaire)
    assert [problem for problem in problems if not (may_hide and "can raise the level" in problem[1])] == []
    return questionnaire


def is_(question_id: str, *choice_ids: str) -> Condition:
    return Condition(answer=question_id, is_=choice_ids)


def includes(question_id: str, *choice_ids: str) -> Condition:
    return Condition(answer=question_id, includes=choice_ids)


def any_(*parts: Condition) -> Condition:
    return Condition(any_=parts)


def all_(*parts: Condition) -> Condition:
    return Condition(all_=parts)


def not_(part: Condition) -> Condition:
    return Condition(not_=part)


USE = single("use", choice("rarely"), choice("weekly", use=2), choice("daily", use=4))
MIX = multiple("mix", choice("alcohol", mix=3), choice("kava", mix=1), choice("coffee"), choice("none", exclusive=True))
WORRIED = yes_no("worried", required=False)
ALWAYS = any_(is_("use", "rarely", "weekly", "daily"))
NEVER = all_(is_("use", "rarely"), is_("use", "daily"))


# Conditions


def test_is_holds_when_the_answer_is_one_of_the_listed_choices() -> None:
    assert holds(is_("use", "weekly", "daily"), {"use": ("daily",)})


def test_is_fails_for_an_answer_not_listed() -> None:
    assert not holds(is_("use", "weekly", "daily"), {"use": ("rarely",)})


def test_includes_holds_when_any_listed_choice_is_ticked() -> None:
    assert holds(includes("mix", "alcohol", "kava"), {"mix": ("coffee", "kava")})


def test_includes_fails_when_no_listed_choice_is_ticked() -> None:
    assert not holds(includes("mix", "alcohol", "kava"), {"mix": ("coffee",)})


@pytest.mark.parametrize("condition", [is_("use", "rarely"), includes("mix", "none")], ids=["is", "includes"])
def test_an_unanswered_question_matches_nothing(condition: Condition) -> None:
    assert not holds(condition, {})


def test_not_of_an_unanswered_question_holds() -> None:
    assert holds(not_(is_("use", "rarely")), {})


def test_not_holds_when_its_part_fails() -> None:
    assert holds(not_(is_("use", "daily")), {"use": ("weekly",)})


def test_not_fails_when_its_part_holds() -> None:
    assert not holds(not_(is_("use", "daily")), {"use": ("daily",)})


def test_any_holds_when_one_part_holds() -> None:
    assert holds(any_(is_("use", "daily"), includes("mix", "alcohol")), {"use": ("rarely",), "mix": ("alcohol",)})


def test_any_fails_when_no_part_holds() -> None:
    assert not holds(any_(is_("use", "daily"), includes("mix", "alcohol")), {"use": ("rarely",), "mix": ("kava",)})


def test_all_holds_when_every_part_holds() -> None:
    assert holds(all_(is_("use", "daily"), includes("mix", "alcohol")), {"use": ("daily",), "mix": ("alcohol",)})


def test_all_fails_when_one_part_fails() -> None:
    assert not holds(all_(is_("use", "daily"), includes("mix", "alcohol")), {"use": ("daily",), "mix": ("kava",)})


def test_conditions_nest() -> None:
    condition = all_(not_(any_(is_("use", "rarely"), includes("mix", "none"))), is_("use", "daily"))
    assert holds(condition, {"use": ("daily",), "mix": ("kava",)})
    assert not holds(condition, {"use": ("daily",), "mix": ("none",)})


# Which questions are asked


FOLLOW_UP = single("how_much", choice("little"), choice("lots", use=5), ask_if=is_("use", "daily"))
SECOND_FOLLOW_UP = yes_no("cut_down", ask_if=is_("how_much", "lots"))
ASKING = make(USE, FOLLOW_UP, SECOND_FOLLOW_UP, factors=(factor("use", moderate=4),))


def test_a_follow_up_is_asked_when_its_condition_holds() -> None:
    asked = asked_questions(ASKING, {"use": ("daily",), "how_much": ("lots",)})
    assert [question.id for question in asked] == ["use", "how_much", "cut_down"]


def test_a_follow_up_is_not_asked_when_its_condition_fails() -> None:
    assert [question.id for question in asked_questions(ASKING, {"use": ("weekly",)})] == ["use"]


def test_an_answer_to_a_question_not_asked_counts_for_nothing() -> None:
    levels = score_levels(ASKING, {"use": ("weekly",), "how_much": ("lots",)})
    assert levels.factor_totals == (2,)
    assert levels.used == {"use": ("weekly",)}


def test_an_answer_to_a_question_not_asked_cannot_open_a_later_question() -> None:
    assessment = score(ASKING, {"use": ("weekly",), "how_much": ("lots",), "cut_down": ("yes",)})
    assert assessment.answers == (("use", ("weekly",)),)


def test_the_assessment_keeps_the_answers_used_in_questionnaire_order() -> None:
    assessment = score(ASKING, {"cut_down": ("no",), "how_much": ("lots",), "use": ("daily",)})
    assert assessment.answers == (("use", ("daily",)), ("how_much", ("lots",)), ("cut_down", ("no",)))


# Points, thresholds and levels


def one_answer_worth(points: int, **thresholds: int) -> Questionnaire:
    question = single("q", choice("nothing"), choice("something", use=points))
    return make(question, factors=(factor("use", **thresholds),))


@pytest.mark.parametrize(
    ("points", "expected"),
    [(1, "low"), (2, "moderate"), (3, "moderate"), (4, "high"), (5, "high")],
)
def test_a_factor_reaches_a_level_when_its_total_is_at_or_above_the_threshold(points: int, expected: str) -> None:
    questionnaire = one_answer_worth(points, moderate=2, high=4)
    (result,) = score(questionnaire, {"q": ("something",)}).factors
    assert (result.score, result.level) == (points, expected)
    assert score(questionnaire, {"q": ("something",)}).level == expected


def test_a_factor_with_no_points_stays_at_the_first_level() -> None:
    (result,) = score(one_answer_worth(3, moderate=2), {"q": ("nothing",)}).factors
    assert result == ("use", "Use", 0, "low", ())


def test_every_ticked_choice_adds_its_points() -> None:
    questionnaire = make(MIX, factors=(factor("mix"),))
    assert score_levels(questionnaire, {"mix": ("alcohol", "kava", "coffee")}).factor_totals == (4,)


def test_one_choice_can_feed_several_factors() -> None:
    question = single("q", choice("a"), choice("b", use=2, mix=3))
    questionnaire = make(question, factors=(factor("use"), factor("mix")))
    assert score_levels(questionnaire, {"q": ("b",)}).factor_totals == (2, 3)


BOTH = single("q", choice("none"), choice("both", use=2, mix=2))
ALWAYS_BOTH = is_("q", "none", "both")


@pytest.mark.parametrize(("threshold", "expected"), [(3, "high"), (4, "high"), (5, "low")])
def test_the_overall_threshold_applies_to_the_sum_of_all_factors(threshold: int, expected: str) -> None:
    questionnaire = make(
        BOTH, factors=(factor("use", moderate=3), factor("mix", moderate=3)), overall={"high": threshold}
    )
    levels = score_levels(questionnaire, {"q": ("both",)})
    assert levels.factor_levels == ("low", "low")
    assert levels.level == expected


def test_the_level_is_the_highest_factor_level_when_the_overall_sum_reaches_less() -> None:
    questionnaire = make(BOTH, factors=(factor("use", high=2), factor("mix", moderate=2)), overall={"moderate": 4})
    assert score_levels(questionnaire, {"q": ("both",)}).level == "high"


def test_the_highest_overall_threshold_reached_wins() -> None:
    questionnaire = make(BOTH, factors=(factor("use"), factor("mix")), overall={"moderate": 1, "high": 2, "urgent": 9})
    assert score_levels(questionnaire, {"q": ("both",)}).level == "high"


def test_a_factor_names_the_answers_that_gave_it_points_in_the_order_asked() -> None:
    questionnaire = make(USE, MIX, factors=(factor("use"), factor("mix")))
    use, mix = score(questionnaire, {"mix": ("coffee", "kava", "alcohol"), "use": ("weekly",)}).factors
    assert use.raised_by == (("use", "weekly"),)
    assert mix.raised_by == (("mix", "kava"), ("mix", "alcohol"))


@pytest.mark.parametrize(("threshold", "expected"), [(3, "high"), (4, "high"), (5, "low")])
def test_the_combined_level_is_what_the_summed_points_reach_whatever_rules_say(threshold: int, expected: str) -> None:
    factors = (factor("use"), factor("mix"))
    urgent = (rule("always", ALWAYS_BOTH, "urgent"),)
    questionnaire = make(BOTH, factors=factors, overall={"high": threshold}, rules=urgent)
    assessment = score(questionnaire, {"q": ("both",)})
    assert (assessment.level, assessment.combined_level) == ("urgent", expected)


def test_the_assessment_gives_the_levels_name_title_and_meaning() -> None:
    assessment = score(make(USE, factors=(factor("use", high=2), factor("mix"))), {"use": ("weekly",)})
    high = build(Level, id="high")
    assert (assessment.level_name, assessment.level_title, assessment.level_meaning) == (
        high.name,
        high.title,
        high.meaning,
    )


# Rules and red flags


RULES = make(
    USE,
    MIX,
    factors=(factor("use", moderate=2), factor("mix")),
    rules=(
        rule("mixing_alcohol", includes("mix", "alcohol"), "high", red_flag="Alcohol and kratom."),
        rule("daily_kava", all_(is_("use", "daily"), includes("mix", "kava")), "urgent", red_flag="Daily with kava."),
        rule("any_mixing", includes("mix", "alcohol", "kava", "coffee"), "moderate"),
    ),
)


def test_a_rule_that_holds_raises_the_level_to_its_own() -> None:
    assert score(RULES, {"use": ("rarely",), "mix": ("alcohol",)}).level == "high"


def test_a_rule_that_does_not_hold_leaves_the_level() -> None:
    assert score(RULES, {"use": ("rarely",), "mix": ("none",)}).level == "low"


def test_a_rule_never_lowers_the_level_points_reach() -> None:
    questionnaire = make(USE, MIX, factors=(factor("use", high=2), factor("mix")), rules=RULES.rules[2:])
    assert score(questionnaire, {"use": ("weekly",), "mix": ("coffee",)}).level == "high"


def test_the_highest_rule_that_holds_wins() -> None:
    assert score(RULES, {"use": ("daily",), "mix": ("alcohol", "kava")}).level == "urgent"


def test_a_red_flag_shows_its_rule_text_level_and_sources_in_questionnaire_order() -> None:
    assessment = score(RULES, {"use": ("daily",), "mix": ("kava", "alcohol")})
    assert assessment.red_flags == (
        ("mixing_alcohol", "Alcohol and kratom.", ("s1",), "high"),
        ("daily_kava", "Daily with kava.", ("s1",), "urgent"),
    )


def test_a_rule_without_red_flag_text_raises_the_level_but_shows_no_red_flag() -> None:
    assessment = score(RULES, {"use": ("rarely",), "mix": ("coffee",)})
    assert (assessment.level, assessment.red_flags) == ("moderate", ())


def test_a_red_flag_needs_all_of_its_rules_parts() -> None:
    assert score(RULES, {"use": ("weekly",), "mix": ("kava",)}).red_flags == ()


# Cautions


CAUTIONS = make(
    USE,
    MIX,
    cautions=(
        caution("mild_first", includes("mix", "coffee"), "moderate"),
        caution("worst", includes("mix", "alcohol"), "urgent"),
        caution("mild_second", is_("use", "daily"), "moderate"),
        caution("serious", includes("mix", "kava"), "high"),
        caution("not_daily", not_(is_("use", "daily")), "low"),
    ),
)


def test_cautions_show_highest_severity_first_and_keep_questionnaire_order_within_a_severity() -> None:
    assessment = score(CAUTIONS, {"use": ("daily",), "mix": ("coffee", "kava", "alcohol")})
    assert [item.id for item in assessment.cautions] == ["worst", "serious", "mild_first", "mild_second"]


def test_a_caution_shows_only_when_its_condition_holds() -> None:
    assert [item.id for item in score(CAUTIONS, {"use": ("daily",), "mix": ("none",)}).cautions] == ["mild_second"]


def test_a_caution_with_not_shows_when_its_part_fails() -> None:
    assert [item.id for item in score(CAUTIONS, {"use": ("weekly",), "mix": ("none",)}).cautions] == ["not_daily"]


def test_a_caution_carries_its_text_severity_next_step_sources_and_title() -> None:
    (shown,) = score(CAUTIONS, {"use": ("weekly",), "mix": ("none",)}).cautions
    item = CAUTIONS.cautions[4]
    assert shown == (item.id, item.text, item.sources, item.severity, item.next_step, item.title, item.topic or "")


# Advice


ADVICE = make(
    USE,
    MIX,
    factors=(factor("use", moderate=2, high=4), factor("mix")),
    advice=(
        advice("everyone"),
        advice("at_high", levels=("high",)),
        advice("when_mixing", when=includes("mix", "alcohol")),
        advice("mixing_at_high", levels=("high", "urgent"), when=includes("mix", "alcohol")),
        advice("ask_unless_daily", kind="ask_clinician", when=not_(is_("use", "daily"))),
        advice("ask_at_low", kind="ask_clinician", levels=("low",)),
    ),
)


def advice_ids(answers: dict[str, tuple[str, ...]]) -> tuple[list[str], list[str]]:
    assessment = score(ADVICE, answers)
    return [item.id for item in assessment.next_steps], [item.id for item in assessment.ask_clinician]


def test_advice_without_levels_or_condition_shows_to_everyone() -> None:
    assert advice_ids({"use": ("rarely",), "mix": ("none",)}) == (["everyone"], ["ask_unless_daily", "ask_at_low"])


def test_advice_with_levels_shows_only_at_those_levels() -> None:
    assert advice_ids({"use": ("daily",), "mix": ("none",)}) == (["everyone", "at_high"], [])


def test_advice_with_a_condition_shows_only_when_it_holds() -> None:
    assert advice_ids({"use": ("rarely",), "mix": ("alcohol",)})[0] == ["everyone", "when_mixing"]


def test_advice_with_levels_and_a_condition_needs_both() -> None:
    assert advice_ids({"use": ("daily",), "mix": ("kava",)})[0] == ["everyone", "at_high"]
    assert advice_ids({"use": ("weekly",), "mix": ("alcohol",)})[0] == ["everyone", "when_mixing"]
    assert advice_ids({"use": ("daily",), "mix": ("alcohol",)})[0] == [
        "everyone",
        "at_high",
        "when_mixing",
        "mixing_at_high",
    ]


@pytest.mark.parametrize(
    ("kind", "section"),
    [
        ("act_now", "act_now"),
        ("watch_for", "safety_net"),
        ("next_step", "next_steps"),
        ("ask_clinician", "ask_clinician"),
        ("good_to_know", "good_to_know"),
    ],
)
def test_each_kind_of_advice_shows_in_its_own_section(kind: str, section: str) -> None:
    questionnaire = make(USE, advice=(advice("line", kind=kind), advice("not_shown", kind=kind, levels=("urgent",))))
    assessment = score(questionnaire, {"use": ("rarely",)})
    kinds = ("act_now", "safety_net", "next_steps", "ask_clinician", "good_to_know")
    assert {name: [line.id for line in getattr(assessment, name)] for name in kinds} == {
        name: ["line"] if name == section else [] for name in kinds
    }


def test_advice_lines_carry_their_text_and_sources() -> None:
    (line,) = score(ADVICE, {"use": ("daily",), "mix": ("none",)}).next_steps[:1]
    assert line == ("everyone", ADVICE.advice[0].text, ("s1",))


# Resources


RESOURCES = make(
    USE,
    factors=(factor("use", moderate=2, urgent=4),),
    resources=(
        resource("helpline"),
        resource("emergency", levels=("urgent",), lead_at=("urgent",)),
        resource("clinic", levels=("moderate", "urgent")),
        resource("support", lead_at=("moderate",)),
    ),
)


def resource_ids(use: str) -> tuple[list[str], list[str]]:
    assessment = score(RESOURCES, {"use": (use,)})
    return [item.id for item in assessment.lead_resources], [item.id for item in assessment.resources]


def test_resources_without_levels_show_at_every_level() -> None:
    assert resource_ids("rarely") == ([], ["helpline", "support"])


def test_resources_with_levels_show_only_at_those_levels() -> None:
    assert resource_ids("weekly") == (["support"], ["helpline", "clinic"])


def test_resources_lead_exactly_at_their_lead_levels() -> None:
    assert resource_ids("daily") == (["emergency"], ["helpline", "clinic", "support"])


def test_a_resource_line_carries_its_name_contact_text_and_sources() -> None:
    (lead,) = score(RESOURCES, {"use": ("daily",)}).lead_resources
    item = RESOURCES.resources[1]
    assert lead == (item.id, item.text, item.sources, item.name, item.contact)


# Sources


CITING = make(
    USE,
    rules=(rule("daily", is_("use", "daily"), "urgent", red_flag="Daily.", sources=("s3",)),),
    cautions=(caution("weekly_or_more", is_("use", "weekly", "daily"), "moderate", sources=("s2", "s3")),),
    advice=(advice("step", sources=("s4", "s2")), advice("ask", kind="ask_clinician", sources=("s1",))),
    resources=(
        resource("lead", lead_at=("urgent",), sources=("s1",)),
        resource("other", levels=("low",), sources=("s4",)),
    ),
)


def test_sources_are_listed_once_each_in_order_of_first_use() -> None:
    assessment = score(CITING, {"use": ("daily",)})
    assert [key for key, _ in assessment.sources] == ["s1", "s2", "s3", "s4"]


def test_sources_follow_the_order_of_the_report_sections() -> None:
    questionnaire = make(
        USE,
        rules=(rule("daily", is_("use", "daily"), "urgent", red_flag="Daily.", sources=("s4",)),),
        advice=(
            advice("background", kind="good_to_know", sources=("s3",)),
            advice("signs", kind="watch_for", sources=("s2",)),
            advice("now", kind="act_now", sources=("s1",)),
        ),
    )
    assert [key for key, _ in score(questionnaire, {"use": ("daily",)}).sources] == ["s1", "s2", "s3", "s4"]


def test_sources_of_lines_not_shown_are_not_listed() -> None:
    assessment = score(CITING, {"use": ("weekly",)})
    assert [key for key, _ in assessment.sources] == ["s2", "s3", "s4", "s1"]


def test_the_assessment_names_the_questionnaire_and_its_version_and_carries_its_notice() -> None:
    assessment = score(CITING, {"use": ("rarely",)})
    assert (assessment.questionnaire_id, assessment.questionnaire_version) == ("made-up", "1")
    assert assessment.notice == ("Not a diagnosis.",)


def test_each_listed_source_is_the_questionnaires_entry() -> None:
    assessment = score(CITING, {"use": ("rarely",)})
    assert assessment.sources == tuple((key, CITING.sources[key]) for key in ("s4", "s2", "s1"))
    assert assessment.source_number("s1") == 3


# The most points a factor can get


def test_highest_scores_take_the_best_single_answer() -> None:
    assert highest_scores(make(USE)) == {"use": 4, "mix": 0}


def test_highest_scores_add_every_choice_of_a_multiple_question_except_the_exclusive_one() -> None:
    question = multiple("q", choice("a", use=1), choice("b", use=2), choice("none", exclusive=True, use=2))
    assert highest_scores(make(question)) == {"use": 3, "mix": 0}


def test_highest_scores_take_an_exclusive_choice_worth_more_than_all_the_others_together() -> None:
    question = multiple("q", choice("a", use=1), choice("b", use=2), choice("none", exclusive=True, use=5))
    assert highest_scores(make(question)) == {"use": 5, "mix": 0}


def test_highest_scores_add_up_across_questions_per_factor() -> None:
    questionnaire = make(USE, MIX, WORRIED, factors=(factor("use"), factor("mix"), factor("none")))
    assert highest_scores(questionnaire) == {"use": 4, "mix": 4, "none": 0}


# Look-up tables


def test_tables_are_built_once_per_questionnaire() -> None:
    assert tables(RULES) is tables(RULES)


def test_tables_are_rebuilt_when_another_questionnaire_has_the_same_id(monkeypatch: pytest.MonkeyPatch) -> None:
    """Python reuses the id of a freed object, so a cached entry must also be the same questionnaire."""
    other = make(USE, MIX, rules=RULES.rules[:1])
    monkeypatch.setitem(scoring._TABLES, id(other), (RULES, tables(RULES)))
    assert len(tables(other).rules) == 1
