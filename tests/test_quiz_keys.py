"""The quiz on the shared key loop: the walk-through's keys, skipping, Tab, and the grouped styles."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from rich.console import Console

from bpwalk.engine.trace import run
from bpwalk.read import load_scenario
from bpwalk.read.builtin import resolve
from bpwalk.render.views import Settings
from bpwalk.tui.quiz_app import QuizSession, quiz_walk
from bpwalk.tui.quiz_lines import quiz_lines
from bpwalk.walk.styles import frames_for

from test_quiz_app import after_screen, screens, status, terminal

BACKWARD = ("backward",)
NAMED = {"right", "left", "up", "down", "enter", "backspace", "esc", "ctrl-c", "eof", "home", "end", "pgdn", "pgup",
         "resize", "ctrl-l", "tab"}


def keys(*names: str):
    """Key names in order; a longer name that is not a key is typed letter by letter."""
    it = iter([k for name in names for k in ([name] if name in NAMED or len(name) == 1 else list(name))])
    return lambda: next(it)


@pytest.fixture(scope="module")
def mazur():
    return run(load_scenario(resolve("mazur")))


def quiz(trace, *names: str, phases=("forward",), start: int = 0, style: str = "scalar", width: int = 80,
         height: int = 30) -> tuple[int, Console]:
    console = terminal(width, height)
    code = quiz_walk(trace, Settings(style=style), console, phases, start, read_key=keys(*names))
    return code, console


# -- the walk-through's keys ---------------------------------------------------------------

def test_brackets_move_between_phases_and_never_say_no_key(mazur) -> None:
    _, console = quiz(mazur, "]", "]", "[", "q", phases=BACKWARD)
    shown = screens(console)
    assert [status(s)[:7] for s in shown] == ["[1/60] ", "[2/60] ", "[10/60]", "[2/60] "]
    assert not any("no key" in status(s) for s in shown)


def test_tab_skips_the_steps_not_asked_to_the_first_question(mazur) -> None:
    _, console = quiz(mazur, "tab", "q", phases=BACKWARD)
    first, question = screens(console)
    assert "Tab next question" in status(first)
    assert status(question).startswith("[13/60]") and "= ?" in question
    assert "∂E_total/∂out_o1 = out_o1 − target_o1" in question
    assert "skipped" not in status(question)                       # nothing asked was passed over


def test_tab_on_a_question_skips_it_and_the_score_says_so(mazur) -> None:
    _, console = quiz(mazur, "tab", "tab", "0.18682", "enter", "q", phases=BACKWARD)
    shown = screens(console)
    skipped = shown[2]
    assert status(skipped).startswith("[14/60]") and "skipped 1 question" in status(skipped)
    assert "✓1 ✗0 –1 skipped" in status(shown[-1])
    table = after_screen(console)
    backward = next(line for line in table.splitlines() if "Backward pass" in line)
    assert "skipped" in table and re.findall(r"\d+", backward) == ["1", "1", "0", "0", "1"]


def test_a_question_shows_its_operands_with_values_and_back_links_but_not_its_result(mazur) -> None:
    _, console = quiz(mazur, "q", phases=BACKWARD, start=15)
    question = screens(console)[0]
    assert "∂E_total/∂w₅ = ∂E_total/∂out_o1·∂out_o1/∂net_o1·∂net_o1/∂w₅" in question
    assert re.search(r"∂E_total/∂out_o1\s+0\.74136507\s+from step 13", question)
    assert re.search(r"∂out_o1/∂net_o1\s+0\.186815602\s+from step 14", question)
    assert re.search(r"∂net_o1/∂w₅ = out_h1\s+0\.593269992\s+from step 3", question)
    assert "0.0821670406" not in question and "= ?" in question


def test_search_and_n_in_the_quiz(mazur) -> None:
    _, console = quiz(mazur, "n", "/", "w", "5", "enter", "n", "left", "q", phases=BACKWARD, width=160)
    shown = screens(console)
    assert "no search yet" in status(shown[1])
    found = shown[-3]
    # the search jumps ahead of the first question: the three questions passed are skipped
    assert status(found).startswith("[16/60]") and "skipped 3 questions" in status(found) and "= ?" in found
    assert status(shown[-2]).startswith("[44/60]") and "skipped" in status(shown[-2])
    assert status(shown[-1]).startswith("[43/60]") and "n next /w5" in status(shown[-1])


def test_g_and_a_number_look_back_and_capital_g_comes_back(mazur) -> None:
    _, console = quiz(mazur, "tab", "g", "1", "2", "enter", "G", "q", phases=BACKWARD)
    shown = screens(console)
    assert status(shown[2]).startswith("[1/60]")
    assert "go to step: 12" in status(shown[4]) and status(shown[5]).startswith("[12/60]")
    assert status(shown[6]).startswith("[13/60]") and "your answer: ▏" in shown[6]


def test_no_more_questions(mazur) -> None:
    _, console = quiz(mazur, "tab", "q", phases=("update",), start=48)
    assert "no more questions" in status(screens(console)[-1])


# -- the grouped styles: a frame's results in turn -----------------------------------------

def test_matrix_asks_each_entry_of_the_frame_then_shows_it_whole(mazur) -> None:
    _, console = quiz(mazur, "right", "0.3775", "enter", "0.3925", "enter", "enter", "q", style="matrix")
    shown = screens(console)
    first = shown[1]
    assert status(first).startswith("[2/22]") and "H = W₁·X + b⁽¹⁾" in first.splitlines()[0]
    assert "net_h1 = w₁·i₁ + w₂·i₂ + b₁" in first and "= ?" in first and "w₁  0.15  parameter" in first
    second = next(s for s in shown if "net_h2 = w₃·i₁" in s)
    assert "net_h1 = 0.3775 ✓" in second and status(second).startswith("[2/22]")
    # the diagram shows nothing of what comes later in the frame order (out_h1 is asked in frame 3)
    assert "0.5933" not in second
    whole = next(s for s in shown if "✓ 0.3925: right" in s)
    assert "⎡0.3775⎤" in whole and "⎣0.3925⎦" in whole
    nxt = shown[-1]
    assert status(nxt).startswith("[3/22]") and "out_h1 = 1/(1 + e^(−net_h1))" in nxt and "= ?" in nxt


def test_delta_style_asks_the_backward_frames(mazur) -> None:
    frames = frames_for(mazur, "delta")
    _, console = quiz(mazur, "tab", "0.74136507", "enter", "q", phases=BACKWARD, style="delta")
    shown = screens(console)
    question = shown[1]
    first = next(f for f in frames if f.phase == "backward")
    assert status(question).startswith(f"[{first.index + 1}/{len(frames)}]") and "= ?" in question
    assert "∂E_total/∂out_o1 = 0.74136507 ✓" in shown[-1]


def test_the_session_frames_follow_the_style(mazur) -> None:
    session = QuizSession(mazur, Settings(style="matrix"), ("forward",))
    assert len(session.frames) == len(frames_for(mazur, "matrix")) == 22
    assert session.quiz.order == tuple(i for f in session.frames for i in f.steps)


@pytest.mark.parametrize(("width", "height"), [(80, 24), (60, 20)])
@pytest.mark.parametrize("style", ["scalar", "matrix", "delta"])
def test_every_quiz_screen_fits(mazur, style: str, width: int, height: int) -> None:
    _, console = quiz(mazur, "tab", "0.500", "enter", "0.600", "enter", "tab", "?", "x", "]", "/", "w", "5",
                      "enter", "n", "left", "q", phases=BACKWARD, style=style, width=width, height=height)
    for screen in screens(console):
        lines = screen.split("\n")
        assert len(lines) == height and all(len(line) <= width for line in lines)
        assert re.match(r"\[\d+/\d+\]", lines[-1])


# -- without a terminal --------------------------------------------------------------------

def lines_quiz(trace, answers: list[str], phases=("forward",), style: str = "scalar") -> str:
    console = Console(file=StringIO(), width=80, color_system=None, legacy_windows=False)
    it = iter(answers)
    quiz_lines(trace, Settings(style=style), console, phases, read_line=lambda: next(it, None))
    return console.file.getvalue()


def test_lines_questions_show_their_operands(mazur) -> None:
    out = lines_quiz(mazur, ["0.3775\n"])
    assert re.search(r"= \?\nwhere\nw₁\s+0\.15\s+parameter\n", out)


def test_lines_in_the_matrix_style_ask_a_frame_in_turn_then_print_it(mazur) -> None:
    out = lines_quiz(mazur, ["0.3775\n", "0.3925\n"], style="matrix")
    assert "[2/22]\nForward pass · iteration 1 · H = W₁·X + b⁽¹⁾\nnet_h1 = w₁·i₁ + w₂·i₂ + b₁\n" in out
    assert "✓ 0.3775: right" in out and "✓ 0.3925: right" in out
    assert out.index("✓ 0.3925: right") < out.index("⎡0.3775⎤")
    assert "[3/22]" in out and "out_h1 = 1/(1 + e^(−net_h1))" in out


def test_the_hint_label_never_wraps_the_hint(mazur) -> None:
    deep = run(load_scenario(resolve("deep-relu")))
    _, console = quiz(deep, "tab", "0.111", "enter", "q", width=60, height=20)
    hinted = screens(console)[-1]
    assert "= 0.2·1 + (−0.1)·0.5 + 0.4·(−1) + 0.1·1" in hinted and "try again, with the hint" in hinted
    assert "numbers filled in" not in hinted                  # the label would have wrapped to column 0
    _, console = quiz(mazur, "0.500", "enter", "q", start=2)
    assert "= 1/(1 + e^(−0.3775))   ← hint: the numbers filled in" in screens(console)[-1]
