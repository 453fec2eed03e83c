"""A `bpwalk` command running in a real pseudo-terminal (pexpect), for the end-to-end tests.

Screens are read as text with the escape codes removed.
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import pexpect

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 10                                   # a hang fails the test instead of blocking the run
ANSI = re.compile(r"\x1b(?:\[[0-9;?]*[ -/]*[@-~]|[()][A-Z0-9]|[=>])")
LEAVE_ALT_SCREEN = "\x1b[?1049l"
RIGHT, LEFT, ESC, CTRL_C, BACKSPACE = "\x1b[C", "\x1b[D", "\x1b", "\x03", "\x7f"


def environment(no_color: bool = False) -> dict[str, str]:
    """The child's environment: a colour terminal, bpwalk from this checkout."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES", "TERM", "PYTHONPATH")}
    env.update(TERM="xterm-256color", PYTHONPATH=str(ROOT))
    if no_color:
        env["NO_COLOR"] = "1"
    return env


class Session:
    """A running `bpwalk COMMAND ...` in a pty, with everything it wrote so far."""

    def __init__(self, command: str, *args: str, dimensions: tuple[int, int] = (24, 80), no_color: bool = False) -> None:
        env = environment(no_color)
        self.child = pexpect.spawn(sys.executable, ["-m", "bpwalk", command, *args], env=env, cwd=str(ROOT),
                                   dimensions=dimensions, timeout=TIMEOUT, encoding="utf-8")
        self.raw = ""
        self.mark = 0                          # where the output not yet waited for starts

    def read_until(self, text: str) -> str:
        """Wait until `text` appears in the new output (escape codes removed); return that output."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            new = self.raw[self.mark:]
            plain = ANSI.sub("", new)
            if text in plain:
                self.settle()                  # the rest of that screen may still be on its way
                new = self.raw[self.mark:]
                self.mark = len(self.raw)
                return new
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"{text!r} not shown; the screen ends with:\n{plain[-2000:]}")
            try:
                self.raw += self.child.read_nonblocking(65536, timeout=min(remaining, 0.5))
            except pexpect.TIMEOUT:
                pass
            except pexpect.EOF:
                raise AssertionError(f"bpwalk exited before showing {text!r}:\n{plain[-2000:]}") from None

    def settle(self, quiet: float = 0.1) -> None:
        """Read until nothing more arrives for `quiet` seconds."""
        while True:
            try:
                self.raw += self.child.read_nonblocking(65536, timeout=quiet)
            except (pexpect.TIMEOUT, pexpect.EOF):
                return

    def press(self, keys: str, shows: str) -> str:
        self.child.send(keys)
        return self.read_until(shows)

    def finish(self) -> int:
        """Wait for the process to end; its exit status (128 + n when killed by signal n)."""
        try:
            while True:
                self.raw += self.child.read_nonblocking(65536, timeout=TIMEOUT)
        except pexpect.EOF:
            pass
        self.child.wait()
        self.child.close()
        assert not self.child.isalive()
        if self.child.signalstatus is not None:
            return 128 + self.child.signalstatus
        return self.child.exitstatus
