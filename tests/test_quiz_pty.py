"""`bpwalk quiz` end to end: in a real pseudo-terminal (keys in, screens out, the terminal
restored), and through pipes (answers one a line, plain text out).
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import termios

import pytest

pexpect = pytest.importorskip("pexpect")

from pty_session import ANSI, CTRL_C, ESC, LEAVE_ALT_SCREEN, RIGHT, ROOT, Session, environment  # noqa: E402


class PlainSession(Session):
    """The quiz tests compare text only: screens with the escape codes removed."""

    def read_until(self, text: str) -> str:
        return ANSI.sub("", super().read_until(text))


@pytest.fixture
def session():
    sessions: list[PlainSession] = []

    def start(*args: str) -> PlainSession:
        s = PlainSession("quiz", *args, dimensions=(30, 80))
        sessions.append(s)
        return s

    yield start
    for s in sessions:                         # never leave a child behind, even on failure
        if s.child.isalive():
            s.child.terminate(force=True)


def test_right_then_wrong_twice_then_quit(session) -> None:
    s = session("mazur", "--phases", "forward")
    s.read_until("[1/60]")
    question = s.press(RIGHT, "= ?")
    assert "net_h1 = w₁·i₁ + w₂·i₂ + b₁" in question and "[2/60]" in question
    assert "your answer: 0.3775" in s.press("0.3775", "0.3775")
    right = s.press("\r", "✓ 0.3775: right")
    assert "= 0.15·0.05 + 0.2·0.1 + 0.35·1" in right
    assert "out_h1 = 1/(1 + e^(−net_h1))" in s.press("\r", "[3/60]")
    hint = s.press("0.500\r", "try again")
    assert "= 1/(1 + e^(−0.3775))" in hint and "0.593269992" not in hint
    answer = s.press("0.600\r", "the answer is")
    assert "✗ 0.500, then 0.600: the answer is 0.593269992" in answer and "= 0.593269992" in answer
    playing = termios.tcgetattr(s.child.child_fd)[3]
    assert not playing & (termios.ECHO | termios.ICANON | termios.ISIG)       # cbreak while asking
    s.child.send("q")
    s.child.expect(pexpect.EOF)
    s.raw += s.child.before
    after = termios.tcgetattr(s.child.child_fd)[3]       # the pty outlives the process: read its modes
    assert s.finish() == 0
    assert after & termios.ECHO and after & termios.ICANON and after & termios.ISIG
    assert LEAVE_ALT_SCREEN in s.raw and "\x1b[?25h" in s.raw[s.raw.rindex("the answer is"):]
    score = ANSI.sub("", s.raw[s.raw.rindex(LEAVE_ALT_SCREEN):])
    forward = next(line for line in score.splitlines() if "Forward pass" in line)
    assert re.findall(r"\d+", forward) == ["2", "1", "0", "1"]
    assert "Traceback" not in s.raw


def test_ctrl_c_restores_the_terminal(session) -> None:
    s = session("mazur", "--start", "2")
    s.read_until("= ?")
    s.child.send(CTRL_C)
    assert s.finish() == 130
    assert LEAVE_ALT_SCREEN in s.raw and "Score" in ANSI.sub("", s.raw) and "Traceback" not in s.raw


def test_esc_clears_the_answer_and_does_not_quit(session) -> None:
    s = session("mazur", "--start", "2")
    s.read_until("= ?")
    s.press("0.37", "your answer: 0.37")
    assert "your answer: ▏" in s.press(ESC, "your answer: ▏")
    assert "q quits" in s.press(ESC, "q quits")
    assert s.child.isalive()
    s.child.send("q")
    assert s.finish() == 0 and "Score" in ANSI.sub("", s.raw)


def test_sigterm_restores_the_terminal(session) -> None:
    s = session("mazur")
    s.read_until("[1/60]")
    s.child.kill(signal.SIGTERM)
    assert s.finish() == 128 + signal.SIGTERM
    assert LEAVE_ALT_SCREEN in s.raw and "Traceback" not in s.raw


def quiz_piped(*args: str, answers: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bpwalk", "quiz", *args], input=answers, capture_output=True,
                          text=True, encoding="utf-8", env=environment(), cwd=str(ROOT), timeout=60)


def test_piped_answers_one_a_line() -> None:
    done = quiz_piped("mazur", "--phases", "forward", answers="0.3775\n0.5932\n0.5933\n0.400\n0.500\n")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "\x1b" not in out
    assert "your answer: 0.3775\n✓ 0.3775: right" in out
    assert "✗ 0.5932 is not it: try again" in out and "1/(1 + e^(−0.3775))   ← hint" in out
    assert "✓ 0.5933: right at the second try" in out
    assert "the answer is 0.3925" in out
    forward = next(line for line in out.splitlines() if "Forward pass" in line and "│" in line)
    assert re.findall(r"\d+", forward) == ["3", "1", "1", "1"]


def test_piped_bad_phases_is_an_error() -> None:
    done = quiz_piped("mazur", "--phases", "sideways", answers="")
    assert done.returncode == 2
    assert "--phases" in done.stderr and "'sideways'" in done.stderr and "Traceback" not in done.stderr


def test_a_newcomer_quizzes_the_backward_pass(session) -> None:
    # issue 13: `bpwalk quiz --phases backward` (two answers, `]`, q), with no surprise on any screen
    s = session("mazur", "--phases", "backward")
    opening = s.read_until("[1/60]")
    assert "Tab next question" in opening
    question = s.press("\t", "[13/60]")
    assert "∂E_total/∂out_o1 = out_o1 − target_o1" in question and "= ?" in question
    assert "out_o1     0.75136507  from step 7" in question            # the operands, with their back-links
    assert "0.74136507" not in question.split("where")[0]             # ... but not the result
    screens = [question, s.press("0.7414\r", "✓ 0.7414: right"), s.press("\r", "[14/60]")]
    screens.append(s.press("0.1868\r", "✓ 0.1868: right"))
    # the next phase, the update (not asked): the backward questions left are skipped, and it says so
    screens.append(s.press("]", "skipped 24 questions"))
    assert "[39/60] Update · iteration 1 · w₁⁺ ✓2 ✗0 –24 skipped" in screens[-1]
    s.child.send("q")
    assert s.finish() == 0
    for screen in screens:
        assert "no key" not in screen and "Traceback" not in screen
    score = ANSI.sub("", s.raw[s.raw.rindex(LEAVE_ALT_SCREEN):])
    backward = next(line for line in score.splitlines() if "Backward pass" in line)
    assert re.findall(r"\d+", backward) == ["2", "2", "0", "0", "24"]


def test_piped_matrix_style() -> None:
    done = quiz_piped("mazur", "--style", "matrix", "--phases", "forward", answers="0.3775\n0.3925\n")
    assert done.returncode == 0, done.stderr
    assert "[2/22]" in done.stdout and "H = W₁·X + b⁽¹⁾" in done.stdout and "✓ 0.3925: right" in done.stdout


def test_a_wrong_answer_is_diagnosed_on_the_terminal_and_through_a_pipe(session) -> None:
    s = session("mazur", "--phases", "backward", "--start", "16")
    s.read_until("= ?")
    hinted = s.press("-0.08217\r", "this mistake gives")
    hint = "= 0.74136507·0.186815602·0.593269992"            # at 80 columns without its label
    assert "sign flipped" in hinted and hinted.index("this mistake gives") < hinted.index(hint)
    s.child.send("q")
    s.child.expect(pexpect.EOF)
    done = quiz_piped("mazur", "--phases", "backward", "--start", "16", "--lang", "zh", answers="-0.08217\n")
    assert done.returncode == 0, done.stderr
    assert "你的答案正是这个错误得出的：符号反了。" in done.stdout
