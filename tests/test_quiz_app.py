"""The quiz loop in-process: keys fed from a list, the screen written to a StringIO; and its plain-text twin."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from rich.console import Console

from bpwalk.read.builtin import resolve
from bpwalk.walk.quiz import Quiz
from bpwalk.tui.quiz_app import QuizSession, quiz_walk
from bpwalk.tui.quiz_lines import quiz_lines
from bpwalk.render.views import Settings
from bpwalk.read import load_scenario
from bpwalk.engine.trace import run

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
LEAVE_ALT_SCREEN = "\x1b[?1049l"
FORWARD = ("forward",)


@pytest.fixture(scope="module")
def mazur():
    return run(load_scenario(resolve("mazur")))


def terminal(width: int = 80, height: int = 30) -> Console:
    return Console(file=StringIO(), width=width, height=height, force_terminal=True, color_system="256",
                   legacy_windows=False)


def keys(*names: str):
    """Key names in order; a name longer than one character that is not a key is typed letter by letter."""
    named = {"right", "left", "up", "down", "enter", "backspace", "esc", "ctrl-c", "eof", "home", "end",
             "pgdn", "pgup", "resize", "ctrl-l"}
    flat = [k for name in names for k in ([name] if name in named or len(name) == 1 else list(name))]
    it = iter(flat)
    return lambda: next(it)


def screens(console: Console) -> list[str]:
    """Every painted screen, as plain text (each paint starts with cursor-home)."""
    text = console.file.getvalue()
    text = text[:text.rindex(LEAVE_ALT_SCREEN)] if LEAVE_ALT_SCREEN in text else text
    parts = (ANSI.sub("", part) for part in text.split("\x1b[H")[1:])
    return [part for part in parts if part.strip()]


def after_screen(console: Console) -> str:
    """What was printed after the alternate screen was left (the score)."""
    text = console.file.getvalue()
    return ANSI.sub("", text[text.rindex(LEAVE_ALT_SCREEN):])


def status(screen: str) -> str:
    return screen.rstrip().splitlines()[-1]


def quiz(trace, *names: str, phases=FORWARD, start: int = 0, settings: Settings = Settings(),
         console: Console | None = None) -> tuple[int, Console]:
    console = console or terminal()
    code = quiz_walk(trace, settings, console, phases, start, read_key=keys(*names))
    return code, console


def test_a_right_answer_shows_the_step_with_a_tick(mazur) -> None:
    code, console = quiz(mazur, "right", "0.3775", "enter", "q")
    shown = screens(console)
    assert "Scenario" in status(shown[0])
    question = shown[1]
    assert "net_h1 = w₁·i₁ + w₂·i₂ + b₁" in question and "= ?" in question and "your answer:" in question
    assert "0.15·0.05" not in question                       # neither the hint nor the value yet
    assert "your answer: 0.3775" in shown[-2]
    answered = shown[-1]
    assert "✓ 0.3775: right" in answered
    assert "= 0.15·0.05 + 0.2·0.1 + 0.35·1" in answered and "= 0.3775" in answered
    assert code == 0


def test_enter_after_the_answer_moves_to_the_next_question(mazur) -> None:
    _, console = quiz(mazur, "right", "0.3775", "enter", "enter", "q")
    last = screens(console)[-1]
    assert "out_h1 = 1/(1 + e^(−net_h1))" in last and "= ?" in last and status(last).startswith("[3/60]")


def test_wrong_then_right_shows_the_hint(mazur) -> None:
    _, console = quiz(mazur, "0.5932", "enter", "0.5933", "enter", "q", start=2)
    shown = screens(console)
    hinted = next(s for s in shown if "try again" in s)
    assert "✗ 0.5932 is not it" in hinted
    assert "= 1/(1 + e^(−0.3775))" in hinted and "hint" in hinted and "= ?" in hinted
    assert "0.593269992" not in hinted
    assert "✓ 0.5933: right at the second try" in shown[-1] and "= 0.593269992" in shown[-1]


def test_wrong_twice_shows_the_answer_and_enter_goes_on(mazur) -> None:
    _, console = quiz(mazur, "0.500", "enter", "0.600", "enter", "enter", "q", start=2)
    shown = screens(console)
    missed = next(s for s in shown if "the answer is" in s)
    assert "✗ 0.500, then 0.600: the answer is 0.593269992" in missed
    assert "= 1/(1 + e^(−0.3775))" in missed and "= 0.593269992" in missed
    assert "net_h2 = w₃·i₁ + w₄·i₂ + b₁" in shown[-1] and "= ?" in shown[-1]
    assert "✗1" in status(shown[-1])


def test_the_question_hides_its_own_value_in_the_diagram(mazur) -> None:
    _, console = quiz(mazur, "0.593", "enter", "q", start=2)
    question, answered = screens(console)[0], screens(console)[-1]
    assert "h1 0.5933" not in question
    assert "h1 0.5933" in answered


def test_answers_that_do_not_count_say_why_and_keep_the_try(mazur) -> None:
    _, console = quiz(mazur, "0.59", "enter", "q", start=2)
    assert "give at least 3 significant digits" in status(screens(console)[-1])
    _, console = quiz(mazur, "enter", "q", start=2)
    assert "type the result first" in status(screens(console)[-1])
    _, console = quiz(mazur, "0.5.9", "enter", "q", start=2)
    assert "not a number: 0.5.9" in status(screens(console)[-1])
    _, console = quiz(mazur, "0.59", "enter", "3", "enter", "q", start=2)     # the answer is kept to extend
    assert "✓ 0.593: right" in screens(console)[-1]


def test_backspace_and_esc_edit_the_answer(mazur) -> None:
    _, console = quiz(mazur, "0.399", "backspace", "backspace", "775", "enter", "q", start=1)
    assert "✓ 0.3775: right" in screens(console)[-1]
    code, console = quiz(mazur, "0.9", "esc", "esc", "0.3775", "enter", "esc", "q", start=1)
    shown = screens(console)
    assert "your answer: ▏" in shown[4]                      # Esc cleared the answer ...
    assert "Esc closes help and prompts · q quits" in status(shown[5])     # ... then said how to quit
    assert "✓ 0.3775: right" in shown[-1] and code == 0       # q quit


def test_letters_are_not_answers_and_digits_are_not_jumps(mazur) -> None:
    _, console = quiz(mazur, "x", "1", "2", "q", start=1)
    shown = screens(console)
    assert "type the result, then Enter" in status(shown[1])
    assert "your answer: 12" in shown[-1] and status(shown[-1]).startswith("[2/60]")


def test_left_looks_back_and_g_returns_to_the_question(mazur) -> None:
    _, console = quiz(mazur, "0.3775", "enter", "enter", "left", "left", "G", "0", "q", start=1)
    shown = screens(console)
    back, intro, question, typed = shown[-4:]
    assert status(back).startswith("[2/60]") and "= 0.3775" in back and "✓ 0.3775" not in back
    assert "G question" in status(back)
    assert status(intro).startswith("[1/60]") and "Parameters" in intro
    assert status(question).startswith("[3/60]") and "your answer: ▏" in question
    assert "your answer: 0▏" in typed


def test_a_step_number_looks_back_and_jumping_ahead_skips(mazur) -> None:
    # looking back, digits are a step number as in run; ahead of the question, the questions passed are skipped
    _, console = quiz(mazur, "0.3775", "enter", "enter", "left", "2", "enter", "5", "enter", "q", start=1)
    shown = screens(console)
    assert "go to step: 2" in status(shown[-4])
    assert status(shown[-3]).startswith("[2/60]") and "go to step: 5" in status(shown[-2])
    ahead = shown[-1]
    assert status(ahead).startswith("[5/60]") and "skipped 2 questions" in status(ahead) and "= ?" in ahead
    assert "–2 skipped" in status(ahead)
    table = after_screen(console)
    assert "skipped" in table
    forward = next(line for line in table.splitlines() if "Forward pass" in line)
    assert re.findall(r"\d+", forward) == ["1", "1", "0", "0", "2"]


def test_on_a_question_digits_are_the_answer_and_letters_do_not_move(mazur) -> None:
    _, console = quiz(mazur, "1", "2", "3", "enter", "l", "right", " ", "q", start=2)
    shown = screens(console)
    assert "go to step" not in "".join(status(s) for s in shown)
    assert "✗ 123 is not it" in shown[4]
    for screen in shown[5:]:
        assert status(screen).startswith("[3/60]") and "type the result, then Enter" in status(screen)


def test_a_filter_asks_only_the_chosen_phases(mazur) -> None:
    names = ["right"] * 12 + ["q"]
    _, console = quiz(mazur, *names, phases=("backward",))
    shown = screens(console)
    for screen in shown[:12]:
        assert "= ?" not in screen                            # the intro, forward and loss: shown whole
    assert "= 0.3775" in shown[1]
    assert status(shown[12]).startswith("[13/60]") and "= ?" in shown[12]
    assert "∂E_total/∂out_o1 = out_o1 − target_o1" in shown[12]
    table = after_screen(console)
    assert "Backward pass" in table and "Forward pass" not in table


def test_the_score_table_after_quitting(mazur) -> None:
    names = ["0.3775", "enter", "enter", "0.500", "enter", "0.5933", "enter", "enter", "0.100", "enter",
             "0.200", "enter", "q"]
    code, console = quiz(mazur, *names, phases=("forward", "loss"), start=1)
    table = after_screen(console)
    assert code == 0
    for header in ("Score", "phase", "asked", "right first try", "right second try", "missed"):
        assert header in table
    forward = next(line for line in table.splitlines() if "Forward pass" in line)
    assert re.findall(r"\d+", forward) == ["3", "1", "1", "1"]
    loss = next(line for line in table.splitlines() if "Loss" in line)
    assert re.findall(r"\d+", loss) == ["0", "0", "0", "0"]
    total = next(line for line in table.splitlines() if "total" in line)
    assert re.findall(r"\d+", total) == ["3", "1", "1", "1"]


def test_the_end_shows_the_score_and_any_next_key_leaves(mazur) -> None:
    code, console = quiz(mazur, "0.291", "enter", "enter", "enter", "enter", phases=("loss",), start=58)
    shown = screens(console)
    assert "Summary" in status(shown[-2])
    assert "The end of the quiz." in shown[-1] and "Loss" in shown[-1]
    assert code == 0 and "Score" in after_screen(console)


@pytest.mark.parametrize(("key", "code"), [("q", 0), ("ctrl-c", 130), ("eof", 0)])
def test_every_way_out_restores_the_screen_and_prints_the_score(mazur, key: str, code: int) -> None:
    got, console = quiz(mazur, "right", key)
    out = console.file.getvalue()
    assert got == code
    assert out.startswith("\x1b[?1049h") and LEAVE_ALT_SCREEN + "\x1b[?25h" in out
    assert "Score" in after_screen(console)


def test_sigint_and_exceptions_still_restore_the_screen(mazur) -> None:
    def interrupted() -> str:
        raise KeyboardInterrupt

    console = terminal()
    assert quiz_walk(mazur, Settings(), console, FORWARD, read_key=interrupted) == 130
    assert LEAVE_ALT_SCREEN in console.file.getvalue()

    def broken() -> str:
        raise RuntimeError("a bug")

    console = terminal()
    with pytest.raises(RuntimeError):
        quiz_walk(mazur, Settings(), console, FORWARD, read_key=broken)
    assert console.file.getvalue().rstrip().endswith(LEAVE_ALT_SCREEN + "\x1b[?25h")


def test_help_shows_the_keys_and_any_key_closes_it(mazur) -> None:
    _, console = quiz(mazur, "0.3", "?", "x", "q", start=1)
    shown = screens(console)
    assert "Keys" in shown[-2] and "type the result" in shown[-2]
    assert "your answer: 0.3" in shown[-1] and "Keys" not in shown[-1]


@pytest.mark.parametrize(("width", "height"), [(80, 24), (60, 15), (40, 12)])
def test_every_screen_fills_the_terminal_exactly(mazur, width: int, height: int) -> None:
    _, console = quiz(mazur, "right", "0.500", "enter", "0.3775", "enter", "pgdn", "left", "?", "x", "q",
                      console=terminal(width, height))
    for screen in screens(console):
        lines = screen.split("\n")
        assert len(lines) == height
        assert all(len(line) <= width for line in lines)
        assert re.match(r"\[\d+/60\]", lines[-1])


def test_chinese_labels(mazur) -> None:
    _, console = quiz(mazur, "0.500", "enter", "q", start=1, settings=Settings(lang="zh"))
    shown = screens(console)
    assert "你的答案" in shown[-1] and "不对" in shown[-1] and "正向传播" in status(shown[-1])
    table = after_screen(console)
    assert "得分" in table and "一次答对" in table and "正向传播" in table


def test_the_session_state_machine_alone(mazur) -> None:
    session = QuizSession(mazur, Settings(), FORWARD, start=1)
    for key in "0.3775":
        session.handle(key)
    assert session.buffer == "0.3775"
    session.handle("enter")
    assert session.buffer == "" and session.quiz.state.outcome == "first"
    session.handle("right")
    assert session.state.index == 2 and session.quiz.state.waiting
    assert session.handle("esc") is None and session.handle("q") == 0
    assert session.handle("ctrl-c") == 130


# -- without a terminal: one answer a line -----------------------------------------------------

def lines_quiz(trace, answers: list[str], phases=FORWARD, start: int = 0, echo: bool = True) -> tuple[int, str]:
    console = Console(file=StringIO(), width=80, color_system=None, legacy_windows=False)
    it = iter(answers)
    code = quiz_lines(trace, Settings(), console, phases, start, read_line=lambda: next(it, None), echo=echo)
    return code, console.file.getvalue()


def test_lines_right_wrong_and_missed(mazur) -> None:
    code, out = lines_quiz(mazur, ["0.3775\n", "0.59\n", "0.5932\n", "0.5933\n", "0.400\n", "0.500\n"])
    assert code == 0 and "\x1b" not in out
    assert "16 questions" in out
    assert "Parameters" in out                               # the intro is printed whole
    assert "[2/60]\nForward pass · iteration 1 · net_h1\nnet_h1 = w₁·i₁ + w₂·i₂ + b₁\n       = ?\n" in out
    assert "your answer: 0.3775\n✓ 0.3775: right" in out
    assert "your answer: 0.59\ngive at least 3 significant digits" in out
    assert "✗ 0.5932 is not it: try again" in out and "= 1/(1 + e^(−0.3775))   ← hint" in out
    assert "✓ 0.5933: right at the second try" in out
    assert "✗ 0.400, then 0.500: the answer is 0.3925" in out and "net_h2 = 0.3925" in out
    forward = next(line for line in out.splitlines() if "Forward pass" in line and "│" in line)
    assert re.findall(r"\d+", forward) == ["3", "1", "1", "1"]


def test_lines_end_of_input_and_q_print_the_score(mazur) -> None:
    code, out = lines_quiz(mazur, [])
    assert code == 0 and "Score" in out and out.count("= ?") == 1
    code, out = lines_quiz(mazur, ["0.3775\n", "q\n", "0.593\n"])
    assert code == 0 and "Score" in out and "out_h1 = 1/(1 + e^(−net_h1))" in out and "0.593" not in out


def test_lines_steps_not_asked_are_printed_whole(mazur) -> None:
    _, out = lines_quiz(mazur, ["0.742\n"], phases=("backward",), start=12)
    assert "[13/60]" in out and "∂E_total/∂out_o1 = out_o1 − target_o1\n" in out
    assert "✗ 0.742 is not it" in out
    _, out = lines_quiz(mazur, ["0.0821670406\n"], phases=("backward",), start=11)
    assert "E_total = E_o1 + E_o2" in out and "= 0.298371109" in out      # step 12 (loss) shown whole
