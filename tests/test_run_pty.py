"""`bpwalk run` end to end in a real pseudo-terminal: keys in, screens out, the terminal restored.

Each test starts `python -m bpwalk run ...` under pexpect, sends keys as a terminal would send
them, and reads what the program draws. Screens are compared as text with the escape codes
removed; the status line at the bottom says which step is shown (`[12/60] ...`).
"""

from __future__ import annotations

import os
import re
import signal
import sys
import termios

import pytest

pexpect = pytest.importorskip("pexpect")

from pty_session import ANSI, BACKSPACE, CTRL_C, ESC, LEAVE_ALT_SCREEN, LEFT, RIGHT, ROOT, TIMEOUT, Session  # noqa: E402

SGR = re.compile(r"\x1b\[([0-9;]*)m")


@pytest.fixture
def session():
    sessions: list[Session] = []

    def start(*args: str, **kwargs) -> Session:
        s = Session("run", *args, **kwargs)
        sessions.append(s)
        return s

    yield start
    for s in sessions:                         # never leave a child behind, even on failure
        if s.child.isalive():
            s.child.terminate(force=True)


def status_of(output: str) -> str:
    """The last status line drawn in `output` (the line holding the `[i/N]` counter)."""
    lines = [line for line in ANSI.sub("", output).splitlines() if re.match(r"\s*\[\d+/\d+\]", line)]
    return lines[-1].strip() if lines else ""


def test_next_and_back(session) -> None:
    s = session("mazur")
    assert "[1/60] Scenario" in status_of(s.read_until("[1/60]"))
    for key, step in [(RIGHT, 2), (" ", 3), ("\r", 4), ("l", 5), ("j", 6), ("\x1b[B", 7)]:
        assert status_of(s.press(key, f"[{step}/60]")).startswith(f"[{step}/60]")
    assert status_of(s.press("n", "no search yet")).startswith("[7/60]")       # n is "next match" only
    for key, step in [(LEFT, 6), (BACKSPACE, 5), ("p", 4), ("h", 3), ("k", 2)]:
        assert status_of(s.press(key, f"[{step}/60]")).startswith(f"[{step}/60]")
    s.press("G", "[60/60]")
    s.press("g", "[1/60]")
    s.press("]", "[2/60]")
    s.child.send("q")
    assert s.finish() == 0
    assert LEAVE_ALT_SCREEN in s.raw


def test_jump_to_a_typed_step(session) -> None:
    s = session("mazur")
    s.read_until("[1/60]")
    assert "go to step: 12" in status_of(s.press("12", "go to step: 12"))
    screen = s.press("\r", "[12/60]")
    assert status_of(screen).startswith("[12/60] Loss")
    assert "E_total" in ANSI.sub("", screen)


def test_search_and_repeat(session) -> None:
    s = session("mazur")
    s.read_until("[1/60]")
    s.press("/w5", "/w5")
    screen = s.press("\r", "[16/60]")
    assert "w₅" in status_of(screen) and "n next /w5" in status_of(screen)
    s.press("n", "[44/60]")
    assert "wrapped" in status_of(s.press("n", "[16/60]"))
    assert "not found: w9" in status_of(s.press("/w9\r", "not found"))
    s.press("/out_o1\r", "[54/60]")
    assert "search /out_o1 ended" in status_of(s.press(ESC, "ended"))
    s.child.send("q")
    assert s.finish() == 0


def test_help_lists_the_keys_and_any_key_closes_it(session) -> None:
    s = session("mazur", "--start", "5")
    s.read_until("[5/60]")
    screen = ANSI.sub("", s.press("?", "Keys"))
    for words in ("next step", "previous step", "search", "quit", "any key closes this"):
        assert words in screen
    after = s.press("x", "[5/60]")
    assert "Keys" not in ANSI.sub("", after)


def test_esc_closes_the_help_and_a_prompt_and_q_quits(session) -> None:
    s = session("mazur")
    s.read_until("[1/60]")
    s.press("?", "Keys")
    assert "Keys" not in ANSI.sub("", s.press(ESC, "[1/60]"))
    s.press("12", "go to step: 12")
    assert "go to step" not in status_of(s.press(ESC, "[1/60]"))
    assert "q quits" in status_of(s.press(ESC, "q quits"))
    assert s.child.isalive()
    s.child.send("q")
    assert s.finish() == 0


@pytest.mark.parametrize(("key", "status"), [("q", 0), (CTRL_C, 130)])
def test_quit_restores_the_terminal(session, key: str, status: int) -> None:
    s = session("mazur")
    s.read_until("[1/60]")
    s.press(RIGHT, "[2/60]")
    walking = termios.tcgetattr(s.child.child_fd)[3]
    assert not walking & (termios.ECHO | termios.ICANON | termios.ISIG)     # cbreak while walking
    s.child.send(key)
    s.child.expect(pexpect.EOF)
    s.raw += s.child.before
    after = termios.tcgetattr(s.child.child_fd)[3]      # the pty outlives the process: read its modes
    assert s.finish() == status
    assert after & termios.ECHO and after & termios.ICANON and after & termios.ISIG
    tail = s.raw[s.raw.rindex("[2/60]"):]
    assert LEAVE_ALT_SCREEN in tail and "\x1b[?25h" in tail   # alternate screen left, cursor shown
    assert "Traceback" not in s.raw


def test_sigterm_restores_the_terminal(session) -> None:
    s = session("mazur")
    s.read_until("[1/60]")
    s.child.kill(signal.SIGTERM)
    assert s.finish() == 128 + signal.SIGTERM
    assert LEAVE_ALT_SCREEN in s.raw and "Traceback" not in s.raw


def test_sixty_columns(session) -> None:
    s = session("mazur", dimensions=(24, 60))
    s.read_until("[1/60]")
    screen = s.press(RIGHT, "[2/60]")
    status = status_of(screen)
    assert "q" in status and "?" in status and len(status) <= 60
    for line in ANSI.sub("", screen).split("\n"):
        assert len(line.rstrip("\r")) <= 60
    s.child.send("q")
    assert s.finish() == 0


def test_resize_while_running(session) -> None:
    s = session("mazur")
    s.read_until("[1/60]")
    s.child.setwinsize(20, 60)                        # SIGWINCH: redrawn at once, no key needed
    redrawn = s.read_until("[1/60]")
    assert "\x1b[2J" in redrawn
    screen = s.press(RIGHT, "[2/60]")
    assert all(len(line.rstrip("\r")) <= 60 for line in ANSI.sub("", screen).split("\n"))
    s.child.setwinsize(40, 120)
    s.read_until("[2/60]")
    s.press(RIGHT, "[3/60]")
    s.child.send("q")
    assert s.finish() == 0


def colours(output: str) -> list[str]:
    """The SGR parameters that set a foreground or background colour."""
    found = []
    for params in SGR.findall(output):
        for p in params.split(";"):
            if p.isdigit() and (30 <= int(p) <= 49 or 90 <= int(p) <= 107):
                found.append(params)
    return found


def test_colour_by_default_and_none_with_no_color(session) -> None:
    s = session("mazur")
    s.read_until("[1/60]")
    assert colours(s.press(RIGHT, "[2/60]"))
    s.child.send("q")
    s.finish()

    s = session("mazur", no_color=True)
    s.read_until("[1/60]")
    screen = s.press(RIGHT, "[2/60]")
    assert "0.3775" in ANSI.sub("", screen) and colours(screen) == []
    s.child.send("q")
    assert s.finish() == 0


def test_piped_output_prints_every_step_even_from_a_terminal(session) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.update(TERM="xterm-256color", PYTHONPATH=str(ROOT))
    command = f"'{sys.executable}' -m bpwalk run mazur --start 58 | cat"
    child = pexpect.spawn("/bin/sh", ["-c", command], env=env, cwd=str(ROOT), timeout=TIMEOUT, encoding="utf-8")
    output = child.read()
    child.close()
    assert child.exitstatus == 0
    assert [m for m in re.findall(r"\[(\d+)/60\]", output)] == ["58", "59", "60"]
    assert "\x1b[?1049h" not in output
