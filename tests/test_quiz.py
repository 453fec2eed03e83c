"""The quiz's logic: reading and grading typed answers, which steps are asked, the state and score."""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bpwalk.read.builtin import resolve
from bpwalk.errors import BpwalkError
from bpwalk.walk.quiz import (ASKABLE, Grade, Quiz, QuizState, Score, answered, grade, parse_phases, question_steps,
                         read_number)
from bpwalk.read import load_scenario
from bpwalk.engine.trace import run

OUT_H1 = 0.5932699921071872          # Mazur's out_h1
DELTA_O2 = -0.03809823651655623      # Mazur's δ_o2
GRAD_W1 = 0.00043856773447434685     # Mazur's ∂E/∂w1


@pytest.fixture(scope="module")
def mazur():
    return run(load_scenario(resolve("mazur")))


# -- reading a typed number -------------------------------------------------------------------

@pytest.mark.parametrize(("text", "value", "digits", "tolerance"), [
    ("0.593", 0.593, 3, 5e-4),
    ("0.0381", 0.0381, 3, 5e-5),
    ("-0.0381", -0.0381, 3, 5e-5),
    ("\u22120.0381", -0.0381, 3, 5e-5),          # the minus sign the formulas print
    ("+0.5", 0.5, 1, 0.05),
    (".5", 0.5, 1, 0.05),
    ("5.", 5.0, 1, 0.5),
    ("12", 12.0, 2, 0.5),
    ("3.99", 3.99, 3, 5e-3),
    ("0.3780", 0.378, 4, 5e-5),                  # trailing zeros are significant
    ("1e-3", 0.001, 1, 5e-4),
    ("4.39e-4", 4.39e-4, 3, 5e-7),
    ("4.39E-4", 4.39e-4, 3, 5e-7),
    ("1.25e+2", 125.0, 3, 0.5),
    ("  0.593 ", 0.593, 3, 5e-4),
    ("0.000", 0.0, 0, 5e-4),
])
def test_read_number(text: str, value: float, digits: int, tolerance: float) -> None:
    read = read_number(text)
    assert read is not None
    assert read[0] == pytest.approx(value) and read[1] == digits and read[2] == pytest.approx(tolerance)


@pytest.mark.parametrize("text", ["", " ", "-", ".", "e5", "1e", "1.2.3", "--1", "abc", "0x10", "inf", "nan",
                                  "1,5", "0.5x"])
def test_unreadable_answers(text: str) -> None:
    assert read_number(text) is None
    assert grade(text, 0.5).verdict == "unreadable"
    assert not grade(text, 0.5).counts


# -- grading: within half a unit of the last digit typed --------------------------------------

@pytest.mark.parametrize(("text", "value", "verdict"), [
    ("0.3775", 0.3775, "right"),
    ("0.593", OUT_H1, "right"),                  # 0.59327 rounds to 0.593
    ("0.5933", OUT_H1, "right"),
    ("0.59327", OUT_H1, "right"),
    ("0.593269992", OUT_H1, "right"),
    ("0.5932699921071872", OUT_H1, "right"),
    ("0.59326999210718720001", OUT_H1, "right"),  # more digits than a float holds
    ("0.5932", OUT_H1, "wrong"),                 # truncated, not rounded: off by 0.7 of a unit
    ("0.594", OUT_H1, "wrong"),
    ("0.592", OUT_H1, "wrong"),
    ("-0.0381", DELTA_O2, "right"),
    ("\u22120.0381", DELTA_O2, "right"),
    ("-0.03810", DELTA_O2, "right"),
    ("-0.0380", DELTA_O2, "wrong"),
    ("0.0381", DELTA_O2, "wrong"),               # the sign matters
    ("4.39e-4", GRAD_W1, "right"),
    ("4.386e-4", GRAD_W1, "right"),
    ("4.38e-4", GRAD_W1, "wrong"),
    ("0.000439", GRAD_W1, "right"),
    ("0.000438", GRAD_W1, "wrong"),
    ("3.99", 3.9912, "right"),
    ("3.99", 3.996, "wrong"),
    ("123", 123.456, "right"),                   # 3 significant digits, half a unit is 0.5
    ("0.3925", 0.39249999999999996, "right"),    # float noise in the value
    ("0.378", 0.3775, "right"),                  # exactly half a unit away: accepted either side
    ("0.377", 0.3775, "right"),
])
def test_grading(text: str, value: float, verdict: str) -> None:
    assert grade(text, value).verdict == verdict


@pytest.mark.parametrize(("text", "value"), [
    ("0.5", 0.5), (".5", 0.5), ("2.1", 2.1), ("0.35", 0.35), ("1.05", 1.05), ("0", 0.0), ("0.00", 0.0),
    ("1e-3", 0.001), ("-0.5", -0.5), ("0.6", 0.6000000000000001),
])
def test_a_short_answer_is_right_when_it_is_the_exact_value(text: str, value: float) -> None:
    result = grade(text, value)
    assert result.verdict == "right" and result.counts


@pytest.mark.parametrize(("text", "value"), [
    ("0.59", OUT_H1), ("0.6", OUT_H1), (".5", OUT_H1), ("-0.038", DELTA_O2), ("0.3", 0.35), ("0.36", 0.35),
    ("1e-3", 0.00098), ("0", 1e-12), ("0.000", 1e-12), ("4e-4", GRAD_W1),
])
def test_a_short_answer_that_is_not_exact_asks_for_more_digits(text: str, value: float) -> None:
    result = grade(text, value)
    assert result.verdict == "too_short" and not result.counts


def test_three_digits_are_enough_even_for_a_value_with_fewer() -> None:
    assert grade("0.350", 0.35).verdict == "right"
    assert grade("2.10", 2.1).verdict == "right"
    assert grade("0.500", 0.5).verdict == "right"
    assert grade("0.360", 0.35).verdict == "wrong"


def test_a_grade_says_what_was_read() -> None:
    result = grade("0.593", OUT_H1)
    assert result == Grade("right", 0.593, 3, pytest.approx(5e-4))


values = st.floats(min_value=1e-6, max_value=1e6, allow_nan=False, allow_infinity=False)
signs = st.sampled_from([1.0, -1.0])


@given(values, signs, st.integers(min_value=3, max_value=15))
def test_the_value_rounded_to_any_digits_is_right(value: float, sign: float, digits: int) -> None:
    value *= sign
    assert grade(f"{value:#.{digits}g}", value).verdict == "right"     # "#": keep trailing zeros
    assert grade(f"{value:.{digits}e}", value).verdict == "right"


@given(values, st.integers(min_value=0, max_value=10))
def test_two_units_off_in_the_last_digit_is_wrong(value: float, decimals: int) -> None:
    typed = f"{value:.{decimals}f}"
    read = read_number(typed)
    assert read is not None
    if not 3 <= read[1] <= 14:
        return                            # too short either way, or past what a float resolves
    off = f"{float(typed) + 2 * 10.0 ** -decimals:.{decimals}f}"
    assert grade(typed, value).verdict == "right"
    assert grade(off, value).verdict == "wrong"


# -- which steps are asked --------------------------------------------------------------------

@pytest.mark.parametrize(("text", "phases"), [
    ("backward,update", ("backward", "update")),
    ("update,backward", ("backward", "update")),
    (" Forward , loss ", ("forward", "loss")),
    ("update,update", ("update",)),
    ("forward,loss,backward,update", ASKABLE),
])
def test_parse_phases(text: str, phases: tuple[str, ...]) -> None:
    assert parse_phases(text) == phases


@pytest.mark.parametrize(("text", "said"), [("", "found nothing"), (",", "found nothing"),
                                            ("backwards", "'backwards'"), ("intro", "'intro'"),
                                            ("summary,forward", "'summary'")])
def test_bad_phases_say_what_was_expected(text: str, said: str) -> None:
    with pytest.raises(BpwalkError) as err:
        parse_phases(text)
    assert said in str(err.value) and "forward, loss, backward, update" in str(err.value)


def test_every_step_with_a_number_in_the_phases_is_asked(mazur) -> None:
    every = question_steps(mazur)
    assert every == frozenset(range(1, 59))                 # all but the intro and the summary
    forward = question_steps(mazur, ("forward",))
    assert forward == frozenset(list(range(1, 9)) + list(range(48, 56)))
    later = question_steps(mazur, ("backward", "update"))
    assert {mazur.steps[i].phase for i in later} == {"backward", "update"}
    assert 12 in later and mazur.steps[12].key is None      # chain-rule factors are asked too
    assert 0 not in every and 59 not in every


# -- the state: tries, reveal, score ----------------------------------------------------------

def test_a_quiz_opens_at_the_intro_which_is_only_shown(mazur) -> None:
    quiz = Quiz(mazur, ("forward",))
    assert quiz.state.step == 0 and not quiz.state.question and quiz.state.revealed and not quiz.state.waiting
    assert quiz.answer("0.3775") == Grade("unreadable")     # nothing to answer here
    assert quiz.advance()
    assert quiz.state.step == 1 and quiz.state.waiting and quiz.state.attempt == 1


def test_right_at_the_first_try(mazur) -> None:
    quiz = Quiz(mazur, ("forward",), start=1)
    assert quiz.answer("0.3775").verdict == "right"
    state = quiz.state
    assert state.revealed and state.outcome == "first" and state.tries == ("0.3775",)
    assert state.score("forward") == Score(1, 1, 0) and state.score("forward").missed == 0


def test_wrong_then_right(mazur) -> None:
    quiz = Quiz(mazur, ("forward",), start=2)
    assert quiz.answer("0.5932").verdict == "wrong"
    assert quiz.state.attempt == 2 and not quiz.state.revealed and quiz.state.waiting
    assert quiz.answer("0.5933").verdict == "right"
    assert quiz.state.outcome == "second" and quiz.state.tries == ("0.5932", "0.5933")
    assert quiz.state.score("forward") == Score(1, 0, 1)


def test_wrong_twice_reveals_the_answer(mazur) -> None:
    quiz = Quiz(mazur, ("forward",), start=2)
    quiz.answer("0.500")
    quiz.answer("0.600")
    state = quiz.state
    assert state.revealed and state.outcome == "missed" and not state.waiting
    assert state.score("forward") == Score(1, 0, 0) and state.score("forward").missed == 1
    assert quiz.answer("0.5933") == Grade("unreadable")     # settled: no more answers
    assert quiz.state == state


def test_answers_that_do_not_count_keep_the_try(mazur) -> None:
    quiz = Quiz(mazur, ("forward",), start=2)
    for text in ("0.59", "", "abc"):
        assert not quiz.answer(text).counts
    assert quiz.state.attempt == 1 and quiz.state.tries == () and quiz.state.waiting


def test_advancing_needs_the_result_shown_and_stops_after_the_last_step(mazur) -> None:
    quiz = Quiz(mazur, ("loss",), start=58)
    assert quiz.state.waiting and not quiz.advance()         # an unanswered question holds
    quiz.answer("0.291")
    assert quiz.advance() and quiz.state.step == 59 and not quiz.state.question
    assert not quiz.advance() and quiz.state.finished
    assert not quiz.advance() and quiz.state.step == 59


def test_steps_not_asked_are_passed_without_a_score(mazur) -> None:
    quiz = Quiz(mazur, ("update",))
    while quiz.state.step < 38:
        assert not quiz.state.waiting
        quiz.advance()
    assert quiz.state.waiting and quiz.current.phase == "update"
    assert quiz.state.total() == Score()


def test_scores_are_kept_per_phase(mazur) -> None:
    quiz = Quiz(mazur, ("forward", "loss"), start=8)
    quiz.answer("0.773")                      # out_o2: right
    quiz.advance()
    quiz.answer("0.275")                      # E_o1: right
    quiz.advance()
    quiz.answer("0.0300")                     # E_o2: wrong twice
    quiz.answer("0.0200")
    assert quiz.state.score("forward") == Score(1, 1, 0)
    assert quiz.state.score("loss") == Score(2, 1, 0)
    assert quiz.state.total() == Score(3, 2, 0) and quiz.state.total().missed == 1
    assert [phase for phase, _ in quiz.state.scores] == ["forward", "loss"]


def test_the_state_is_frozen_and_answered_is_pure(mazur) -> None:
    state = QuizState(1, True, (("forward", Score()),))
    with pytest.raises(dataclasses.FrozenInstanceError):
        state.step = 2                        # type: ignore[misc]
    after = answered(state, grade("0.3775", 0.3775), "0.3775", "forward")
    assert state.tries == () and after.tries == ("0.3775",) and after.outcome == "first"
    assert answered(state, grade("0.3", 0.3775), "0.3", "forward") is state
    assert math.isclose(grade("0.3775", 0.3775).tolerance or 0, 5e-5)
