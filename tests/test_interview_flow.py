"""The interview's decisions, driven by a script of typed lines (the real terminal is in test_interactive*)."""

from __future__ import annotations

import io
from collections.abc import Iterable

import pytest
from rich.console import Console

from kratom_check.ask.answers import lookups
from kratom_check.ask.interview import Outcome, interview, parse_typed
from kratom_check.errors import Stopped
from kratom_check.i18n import activate
from kratom_check.load.questionnaire import load
from kratom_check.model import Questionnaire
from kratom_check.render.report import warning_for

NO_SIGN = "15"
# Answers after the warning-sign question for someone with no warning sign (see test_interactive.WALK).
REST = ["3", "4", "2", "1", "", "1", "1", "2", "2", "2", "8", "1", "1", "", "", "", "", "", "1", "2", ""]
# (the five optional dependence questions and the last one, what the person wants, are skipped with Enter)


class Script:
    """Typed lines in order; running out means the interview asked more than the test expected."""

    def __init__(self, lines: Iterable[str]) -> None:
        self.lines = list(lines)
        self.prompts = 0

    def __call__(self, prompt: str) -> str:
        self.prompts += 1
        if not self.lines:
            raise AssertionError("the interview asked for more input than the script has")
        return self.lines.pop(0)


def run(
    questionnaire: Questionnaire,
    typed: Iterable[str],
    *,
    given: dict[str, tuple[str, ...]] | None = None,
) -> tuple[Outcome, str]:
    screen = io.StringIO()
    console = Console(file=screen, width=80, color_system=None, highlight=False, emoji=False)
    script = Script(typed)
    outcome = interview(questionnaire, console, script, given=given, warning=warning_for(questionnaire))
    assert script.lines == [], "the interview ended before the script did"
    return outcome, screen.getvalue()


def test_the_warning_sign_question_is_asked_first(questionnaire: Questionnaire) -> None:
    _, screen = run(questionnaire, [NO_SIGN, *REST, ""])
    first = screen.index("Question 1 of")
    assert screen.index("In the past 2 weeks, have you noticed any of these?") > first
    assert screen.index("How often do you use kratom now?") > screen.index("In the past 2 weeks")


def test_a_same_day_sign_shows_what_to_do_now_with_contacts(questionnaire: Questionnaire) -> None:
    _, screen = run(questionnaire, ["1", ""])
    help_now = screen[screen.index("Get help now") :]
    assert "Yellow skin or eyes. This can mean liver injury." in help_now
    assert "Emergency: Call 911" in help_now
    assert "Poison Help: Call 1-800-222-1222" in help_now


def test_enter_after_a_same_day_sign_gives_the_report_at_once(questionnaire: Questionnaire) -> None:
    outcome, screen = run(questionnaire, ["1", ""])
    assert outcome == Outcome({"symptoms": ("yellow_skin_eyes",)}, complete=False)
    assert "Question 2 of" not in screen


def test_a_sign_picked_by_mistake_can_be_taken_back_at_the_warning(questionnaire: Questionnaire) -> None:
    outcome, screen = run(questionnaire, ["1", "b", NO_SIGN, *REST, ""])
    assert outcome.answers["symptoms"] == ("none",)
    assert outcome.complete
    assert screen.count("In the past 2 weeks, have you noticed any of these?") == 2


def test_finishing_the_check_after_a_warning_skips_the_review_unless_asked(questionnaire: Questionnaire) -> None:
    outcome, screen = run(questionnaire, ["1", "c", *REST, ""])
    assert outcome.complete
    assert "Press Enter to see your result, or type r to review your answers." in screen
    assert "Type a number to change that answer." not in screen


def test_after_a_warning_the_review_is_there_when_asked_for(questionnaire: Questionnaire) -> None:
    _, screen = run(questionnaire, ["1", "c", *REST, "r", ""])
    assert " 1. Warning signs: Yellow skin or yellow in the whites of the eyes" in screen


def test_the_warning_is_shown_once(questionnaire: Questionnaire) -> None:
    _, screen = run(questionnaire, ["1", "c", *REST, ""])
    assert screen.count("Get help now") == 1


def test_b_shows_the_previous_answer_and_enter_keeps_it(questionnaire: Questionnaire) -> None:
    outcome, screen = run(questionnaire, [NO_SIGN, "b", "", *REST, ""])
    assert "Your answer: 15. None of these (Enter keeps it)" in screen
    assert outcome.answers["symptoms"] == ("none",)
    assert outcome.answers["frequency"] == ("daily",)


def test_going_back_then_forward_keeps_the_later_answers_on_screen(questionnaire: Questionnaire) -> None:
    _, screen = run(questionnaire, [NO_SIGN, "3", "b", "b", "", "", *REST[1:], ""])
    assert "Your answer: 3. Once a day (Enter keeps it)" in screen


def test_the_review_lists_every_answer_on_one_numbered_line(questionnaire: Questionnaire) -> None:
    _, screen = run(questionnaire, [NO_SIGN, *REST, ""])
    review = screen[screen.rindex("Your answers") :].splitlines()
    assert review[1] == " 1. Warning signs: None of these"
    assert review[2] == " 2. How often: Once a day"
    assert " 6. Why you use it: (skipped)" in review
    assert all(len(line) <= 80 for line in review)


def test_typing_a_number_at_the_review_changes_that_answer(questionnaire: Questionnaire) -> None:
    outcome, screen = run(questionnaire, [NO_SIGN, *REST, "2", "1", ""])
    assert outcome.answers["frequency"] == ("rarely",)
    assert screen.rindex(" 2. How often: Less than once a week") > screen.rindex("Your answer: 3. Once a day")


def test_a_changed_answer_asks_the_follow_up_it_opens(questionnaire: Questionnaire) -> None:
    # Question 11 is "a prescription medicine every day?": yes opens "what kinds?".
    outcome, screen = run(questionnaire, [NO_SIGN, *REST, "11", "1", "2", ""])
    assert outcome.answers["daily_medicines"] == ("yes",)
    assert outcome.answers["medicine_kinds"] == (questionnaire.questions_by_id["medicine_kinds"].choice_ids[1],)
    assert "What kinds of prescription medicine do you take?" in screen


def test_b_at_a_changed_answer_leaves_it_as_it_was(questionnaire: Questionnaire) -> None:
    outcome, _ = run(questionnaire, [NO_SIGN, *REST, "2", "b", ""])
    assert outcome.answers["frequency"] == ("daily",)


def test_a_new_warning_sign_at_the_review_still_offers_the_report_at_once(questionnaire: Questionnaire) -> None:
    outcome, screen = run(questionnaire, [NO_SIGN, *REST, "1", "2", ""])
    assert outcome.answers["symptoms"] == ("dark_urine",)
    assert "Dark pee. This can mean liver injury." in screen


def test_q_stops_at_any_question(questionnaire: Questionnaire) -> None:
    with pytest.raises(Stopped):
        run(questionnaire, [NO_SIGN, "3", "q"])


def test_q_stops_at_the_review(questionnaire: Questionnaire) -> None:
    with pytest.raises(Stopped):
        run(questionnaire, [NO_SIGN, *REST, "q"])


def test_the_hint_line_names_the_stop_key(questionnaire: Questionnaire) -> None:
    screen = io.StringIO()
    console = Console(file=screen, width=80, color_system=None)
    with pytest.raises(Stopped):
        interview(questionnaire, console, Script(["q"]))
    assert "(? = why we ask, b = go back, q = stop)" in screen.getvalue()


def test_enter_on_a_required_question_says_why_it_cannot_be_skipped(questionnaire: Questionnaire) -> None:
    _, screen = run(questionnaire, ["", NO_SIGN, *REST, ""])
    assert "This question cannot be skipped: your result depends on it. Type a number." in screen


def test_given_answers_ask_only_what_is_missing(questionnaire: Questionnaire) -> None:
    given = {"symptoms": ("none",), "frequency": ("daily",), "duration": ("over_1_year",), "amount": ("small",)}
    outcome, screen = run(questionnaire, ["1", "7", "1", ""], given=given)
    assert "How often do you use kratom now?" not in screen.split("Your answers")[0]
    assert "What kinds of kratom products do you use?" in screen
    assert "Why do you use kratom?" not in screen.split("Your answers")[0]  # optional and left out: stays out
    assert outcome.complete
    assert outcome.answers["co_use"] == ("none",)
    assert outcome.answers["liver_conditions"] == ("hepatitis_b",)


def test_given_answers_with_a_warning_sign_offer_the_report_before_any_question(
    questionnaire: Questionnaire,
) -> None:
    outcome, screen = run(questionnaire, [""], given={"symptoms": ("seizure",)})
    assert "Get help now" in screen
    assert "change your answer" not in screen  # the file's answer is changed at the review, not here
    assert outcome == Outcome({"symptoms": ("seizure",)}, complete=False)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ONCE A DAY", ("daily",)),
        ("once a day", ("daily",)),
        ("daily", ("daily",)),
        ("Una vez al día", ("daily",)),
        ("3", ("daily",)),
    ],
)
def test_a_label_or_id_typed_as_words_is_accepted(
    questionnaire: Questionnaire, typed: str, expected: tuple[str, ...]
) -> None:
    question = questionnaire.questions_by_id["frequency"]
    assert parse_typed(question, typed, lookups(questionnaire)[question.id]) == (expected, None)


def test_several_labels_are_typed_with_commas(questionnaire: Questionnaire) -> None:
    question = questionnaire.questions_by_id["symptoms"]
    chosen, problem = parse_typed(question, "Chest pain, A seizure", lookups(questionnaire)[question.id])
    assert (chosen, problem) == (("chest_pain", "seizure"), None)


def test_spanish_keys_go_back_and_stop(spanish_active: None) -> None:
    spanish = load(None, "es")
    screen = io.StringIO()
    console = Console(file=screen, width=100, color_system=None)
    with pytest.raises(Stopped):
        interview(spanish, console, Script([NO_SIGN, "a", "d"]))
    shown = screen.getvalue()
    assert "a = volver atrás" in shown
    assert "d = detener" in shown
    assert "Su respuesta: 15. Nada de esto (Enter la mantiene)" in shown


@pytest.fixture
def spanish_active() -> Iterable[None]:
    activate("es")
    yield
    activate("en")


def test_a_follow_up_hidden_then_brought_back_at_the_review_is_asked_again(questionnaire: Questionnaire) -> None:
    """Alcohol off, then on again: the drinking question must be answered again, never left out."""
    walk = [NO_SIGN, "2", "2", "1", "1", "", "", "1", "", "4", "2", "8", "", "", "", "", "", "", "", "", "", ""]
    outcome, screen = run(questionnaire, [*walk, "8", "7", "8", "1", "4", ""])
    assert outcome.answers["co_use"] == ("alcohol",)
    assert outcome.answers["alcohol_frequency"] == ("daily",)
    assert outcome.complete
    assert screen.count("How often do you have 4 or more drinks in one day?") == 2


def test_the_review_never_ends_with_a_needed_question_unanswered(questionnaire: Questionnaire) -> None:
    outcome, _ = run(questionnaire, [NO_SIGN, *REST, "8", "7", "8", "1", "2", ""])
    assert outcome.complete
    assert "alcohol_frequency" in outcome.answers
