"""The quiz diagnoses a wrong answer: scripted wrong answers, one per mistake model that can
apply to a question, each computed here by hand from Mazur's numbers (not by the model's code).

Each is checked three ways: `bpwalk.check.diagnose` names the model, the quiz's grading API
(`Quiz.answer`) holds the cause, and the quiz without a terminal (`quiz_lines`) prints it
before the hint. A right answer and an unexplained wrong one get no diagnosis.
"""

from __future__ import annotations

import re
from io import StringIO

import pytest
from rich.console import Console

from bpwalk.check.diagnose import QUIZ_MODELS, Answer, diagnose
from bpwalk.engine.steps import Trace
from bpwalk.engine.trace import run
from bpwalk.read import load_scenario
from bpwalk.read.builtin import resolve
from bpwalk.render.views import Settings
from bpwalk.tui.quiz_app import quiz_walk
from bpwalk.tui.quiz_lines import quiz_lines
from bpwalk.walk.quiz import Quiz, answer_of

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
HINT = "← hint"
SAYS = "Your answer is what this mistake gives: "


@pytest.fixture(scope="module")
def mazur() -> Trace:
    return run(load_scenario(resolve("mazur")))


def index(trace: Trace, quantity: str) -> int:
    return next(s.index for s in trace.steps if s.quantity == quantity and s.iteration == 1)


def v(trace: Trace, quantity: str) -> float:
    return trace.steps[index(trace, quantity)].value


def swap_two(text: str) -> str:
    """The first pair of neighbouring, different significant digits of `text` swapped."""
    digits = list(text)
    start = next(i for i, c in enumerate(digits) if c not in "-0.")
    for i in range(start, len(digits) - 1):
        if digits[i] != digits[i + 1] and "." not in digits[i:i + 2]:
            digits[i], digits[i + 1] = digits[i + 1], digits[i]
            return "".join(digits)
    raise AssertionError(text)


def cases(t: Trace) -> list[tuple[str, str, list[tuple[str, str]], str, str]]:
    """(model, the quantity asked, earlier (quantity, answer) typed, the wrong answer, what is said)."""
    out_h1, out_h2, out_o1 = v(t, "out.h1"), v(t, "out.h2"), v(t, "out.o1")
    out_o2 = v(t, "out.o2")
    w5, w6, w7, b2 = 0.40, 0.45, 0.50, 0.60
    t1, t2 = 0.01, 0.99
    delta_o1 = (out_o1 - t1) * out_o1 * (1 - out_o1)
    delta_o2 = (out_o2 - t2) * out_o2 * (1 - out_o2)
    w5_new, w7_new = w5 - 0.5 * delta_o1 * out_h1, w7 - 0.5 * delta_o2 * out_h1
    # ∂E/∂w1 with the hidden delta taken through the updated w5, w7
    updated = (delta_o1 * w5_new + delta_o2 * w7_new) * out_h1 * (1 - out_h1) * 0.05
    grad_w5 = delta_o1 * out_h1
    return [
        ("squared_error_factor", "error.o1", [], f"{(t1 - out_o1) ** 2:.6f}", "the ½ of the squared error dropped"),
        ("derivative_at_wrong_value", "grad.w5", [], f"{(out_o1 - t1) * out_h1:.6f}", "the σ′ factor left out"),
        ("updated_weights_in_backward", "grad.w1", [], f"{updated:.9f}",
         "computed with the already-updated weights"),
        ("sign_flip", "grad.w5", [], f"{-grad_w5:.5f}", "sign flipped"),
        ("digit_mistyped", "grad.w5", [], swap_two(f"{grad_w5:.5f}"), "two digits swapped"),
        ("truncated", "out.h1", [], "0.5932", "truncated instead of rounded to 4 decimals"),
        ("rounding_carried_forward", "net.o1", [("out.h1", "0.593")], f"{w5 * 0.593 + w6 * out_h2 + b2:.5f}",
         "out_h1 rounded to 0.593 (3 decimals) and carried forward"),
        ("carried_from_mismatch", "net.o1", [("out.h1", "0.610")], f"{w5 * 0.61 + w6 * out_h2 + b2:.5f}",
         "carried from out_h1 = 0.610 (itself wrong)"),
        ("value_of_another_step", "out.h1", [], f"{out_h2:.4f}", "the value of out_h2"),
        ("off_by_one", "loss", [], f"{t.final.total_loss:.6f}",
         "the loss after this iteration's update"),
        ("swapped_indices", "grad.w6", [], f"{v(t, 'grad.w7'):.5f}",
         "swapped weight indices: the value of ∂E_total/∂w₇, not ∂E_total/∂w₆"),
        ("decimal_point_slipped", "grad.w5", [], f"{grad_w5 * 10:.4f}", "ten times too large"),
        ("digit_dropped", "grad.w5", [], _dropped(f"{grad_w5:.6f}"), "a digit dropped"),
    ]


def _dropped(text: str) -> str:
    """`text` (with one decimal more than typed) with its second significant digit left out."""
    start = next(i for i, c in enumerate(text) if c not in "-0.")
    return text[:start + 1] + text[start + 2:]


@pytest.fixture(scope="module")
def scripted(mazur):
    return cases(mazur)


def test_one_case_per_model_a_quiz_can_meet(scripted) -> None:
    assert sorted(c[0] for c in scripted) == sorted(m.__name__ for m in QUIZ_MODELS)


def test_each_wrong_answer_is_diagnosed_by_its_model(mazur, scripted) -> None:
    for model, quantity, earlier, wrong, said in scripted:
        step = mazur.steps[index(mazur, quantity)]
        before = [answer_of(mazur.steps[index(mazur, q)], a) for q, a in earlier]
        found = diagnose(mazur.scenario, answer_of(step, wrong), before, "en", step, mazur)
        assert found is not None, (model, wrong)
        # check names quantities by key; the quiz writes them as its formulas do
        keys = (said.replace("out_h", "out.h").replace("∂E_total/∂w₇", "grad.w7")
                .replace("∂E_total/∂w₆", "grad.w6"))
        assert found.model == model and keys in found.cause, (model, wrong, found)


def answer_quiz(trace: Trace, earlier: list[tuple[str, str]], quantity: str, wrong: str, lang: str = "en") -> Quiz:
    quiz = Quiz(trace, lang=lang)
    for q, typed in earlier + [(quantity, wrong)]:
        quiz.skip_to(index(trace, q))
        quiz.answer(typed)
        if q != quantity and quiz.state.waiting:
            quiz.answer(typed)       # a wrong earlier answer, settled as missed
    return quiz


def test_the_grading_api_holds_the_diagnosis(mazur, scripted) -> None:
    for model, quantity, earlier, wrong, said in scripted:
        quiz = answer_quiz(mazur, earlier, quantity, wrong)
        assert quiz.state.attempt == 2 and quiz.state.diagnosis is not None and said in quiz.state.diagnosis, model
        quiz.answer(repr(mazur.steps[index(mazur, quantity)].value))    # right at the second try
        assert quiz.state.outcome == "second" and quiz.state.diagnosis is None


def lines(trace: Trace, answers: list[str], start: int, lang: str = "en") -> str:
    console = Console(file=StringIO(), width=200, color_system=None, legacy_windows=False)
    it = iter(answers)
    quiz_lines(trace, Settings(lang=lang), console, ("forward", "loss", "backward", "update"), start,
               read_line=lambda: next(it, None))
    return console.file.getvalue()


def test_quiz_lines_says_it_before_the_hint(mazur, scripted) -> None:
    for model, quantity, earlier, wrong, said in scripted:
        first = index(mazur, earlier[0][0] if earlier else quantity)
        target = index(mazur, quantity)
        typed = {index(mazur, q): a for q, a in earlier}
        answers = []
        for i in range(first, target):
            step = mazur.steps[i]
            if step.value is not None:
                wrong_before = i in typed and abs(float(typed[i]) - step.value) > 5e-4
                answers += [typed.get(i, repr(step.value))] * (2 if wrong_before else 1)
        out = lines(mazur, answers + [wrong, "q"], first)
        tail = out[out.rindex(f"your answer: {wrong}"):]
        assert SAYS in tail and said in tail, (model, tail)
        assert tail.index(SAYS) < tail.index(HINT), model


def test_a_missed_answer_is_diagnosed_with_the_answer(mazur) -> None:
    out = lines(mazur, ["0.5932", "-0.5933", "q"], index(mazur, "out.h1"))
    assert f"{SAYS}sign flipped." in out and "the answer is 0.593269992" in out


def test_a_right_answer_and_an_unexplained_one_get_none(mazur) -> None:
    quiz = answer_quiz(mazur, [], "grad.w5", "0.08217")
    assert quiz.state.outcome == "first" and quiz.state.diagnosis is None
    quiz = answer_quiz(mazur, [], "grad.w5", "0.1234")
    assert quiz.state.attempt == 2 and quiz.state.diagnosis is None
    out = lines(mazur, ["0.1234", "q"], index(mazur, "grad.w5"))
    assert "✗ 0.1234 is not it" in out and HINT in out and SAYS not in out


def test_a_chain_rule_factor_is_diagnosed_too(mazur) -> None:
    """dE_dout.h1@o1 has no key of the scenario format: check reads it from the traced steps."""
    path = v(mazur, "dE_dout.h1@o1")
    quiz = answer_quiz(mazur, [], "dE_dout.h1@o1", f"{-path:.5f}")
    assert quiz.state.diagnosis == "sign flipped"
    sigma = v(mazur, "dout_dnet.o1")
    quiz = answer_quiz(mazur, [], "dout_dnet.o1", f"{1 - v(mazur, 'out.o1'):.5f}")    # σ′ as 1 − out
    assert quiz.state.diagnosis is not None and "1 − out instead of out·(1 − out)" in quiz.state.diagnosis
    assert f"{sigma:.5f}" not in quiz.state.diagnosis


def test_check_knows_the_missing_sigma_prime_too(mazur) -> None:
    """The model added for the quiz is check's own: a document that left σ′ out is told so."""
    import dataclasses

    from bpwalk.check.audit import check
    from bpwalk.scenario import Expect

    no_sigma = (v(mazur, "out.o1") - 0.01) * v(mazur, "out.h1")
    text = f"{no_sigma:.6f}"
    scenario = dataclasses.replace(mazur.scenario, expect=(Expect("grad.w5", float(text), text),))
    (verdict,) = check(scenario)
    assert not verdict.agrees and verdict.cause == "the σ′ factor left out (out·(1 − out)), in layer 2 (o1, o2)"


def test_with_round_the_rounded_numbers_are_diagnosed() -> None:
    """--round 4: the quiz grades against the hand calculation's numbers, and so does the diagnosis."""
    rounded = run(load_scenario(resolve("mazur")), rounding=4)
    grad_w5 = v(rounded, "grad.w5")
    assert grad_w5 == 0.0822         # the hand calculation's number, not 0.08216704
    quiz = answer_quiz(rounded, [], "grad.w5", "-0.0822")
    assert quiz.state.diagnosis == "sign flipped"


def test_the_diagnosis_does_not_give_the_answer_away(mazur) -> None:
    for wrong in ("-0.08217", "0.8217", "0.08127", "0.0821"):
        quiz = answer_quiz(mazur, [], "grad.w5", wrong)
        assert quiz.state.diagnosis is not None and "0.0822" not in quiz.state.diagnosis, wrong


def test_chinese(mazur) -> None:
    quiz = answer_quiz(mazur, [], "grad.w5", "-0.08217", lang="zh")
    assert quiz.state.diagnosis == "符号反了"
    out = lines(mazur, ["-0.08217", "q"], index(mazur, "grad.w5"), lang="zh")
    assert "你的答案正是这个错误得出的：符号反了。" in out
    error = f"{(0.01 - v(mazur, 'out.o1')) ** 2:.6f}"
    assert "平方误差漏了 ½" in answer_quiz(mazur, [], "error.o1", error, lang="zh").state.diagnosis


def test_the_interactive_quiz_shows_it_before_the_hint(mazur) -> None:
    console = Console(file=StringIO(), width=100, height=40, force_terminal=True, color_system="256",
                      legacy_windows=False)
    names = list("-0.08217") + ["enter", "q"]
    it = iter(names)
    quiz_walk(mazur, Settings(), console, ("backward",), index(mazur, "grad.w5"), read_key=lambda: next(it))
    shown = [ANSI.sub("", part) for part in console.file.getvalue().split("\x1b[H")[1:]]
    hinted = next(s for s in shown if "try again" in s)
    assert f"{SAYS}sign flipped." in hinted and hinted.index(SAYS) < hinted.index(HINT)
    assert "0.0821670" not in hinted


def test_the_interactive_quiz_shows_a_missed_answers_mistake_with_the_answer(mazur) -> None:
    console = Console(file=StringIO(), width=100, height=40, force_terminal=True, color_system="256",
                      legacy_windows=False)
    it = iter(list("-0.08217") + ["enter"] + list("0.8217") + ["enter", "q"])
    quiz_walk(mazur, Settings(), console, ("backward",), index(mazur, "grad.w5"), read_key=lambda: next(it))
    last = ANSI.sub("", console.file.getvalue().split("\x1b[H")[-1])
    assert "the answer is 0.0821670406" in last and f"{SAYS}decimal point slipped: ten times too large." in last
