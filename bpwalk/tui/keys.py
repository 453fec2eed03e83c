"""One key at a time from a terminal, as the names `bpwalk.walk.navigate` understands.

`parse_key` turns the bytes a terminal sends into key names and is pure (tested on byte
strings). `TerminalKeys` puts a terminal in cbreak mode for the life of a `with` block and
reads from it; the walk-through takes any `() -> str` instead, the way click's `_getchar`
hook lets tests feed keys.

Ctrl-C arrives as a key ("ctrl-c"), not as SIGINT: the terminal's ISIG is turned off, so the
loop decides how to leave and nothing interrupts it half-way through drawing.
"""

from __future__ import annotations

import os
import select
import signal
import termios
from types import FrameType, TracebackType
from typing import Callable

ReadKey = Callable[[], str]

ESC = 0x1B
ESCAPE_TIMEOUT = 0.05          # a lone ESC: no follow-up byte within 50 ms (as vim's ttimeoutlen)

# CSI final bytes (ESC [ ... X) and SS3 (ESC O X) that name a key whatever the parameters
# ("ESC [ 1 ; 5 C" is Ctrl-Right: still "right")
LETTER_KEYS = {"A": "up", "B": "down", "C": "right", "D": "left", "H": "home", "F": "end",
               "P": "f1", "Q": "f2", "R": "f3", "S": "f4", "Z": "shift-tab"}
# ESC [ N ~ (vt220 / xterm / rxvt / linux console variants)
TILDE_KEYS = {"1": "home", "7": "home", "4": "end", "8": "end", "2": "insert", "3": "delete",
              "5": "pgup", "6": "pgdn"}
CONTROL_KEYS = {0x03: "ctrl-c", 0x09: "tab", 0x0A: "enter", 0x0D: "enter", 0x7F: "backspace",
                0x08: "backspace"}


def parse_key(data: bytes, final: bool = False) -> tuple[str, int] | None:
    """The first key in `data` and how many bytes it used.

    Args:
        data: bytes read from the terminal, at least one.
        final: no more bytes are coming soon (the escape timeout passed), so an incomplete
            escape sequence is read as "esc" plus whatever follows.

    Returns:
        (key name, bytes consumed), or None when `data` is the start of a longer sequence
        and more bytes may complete it.
    """
    first = data[0]
    if first == ESC:
        return _parse_escape(data, final)
    if first == 0x0D:
        # Enter is CR; some terminals and pexpect's sendline send CR LF or LF: one key either way
        return "enter", 2 if data[1:2] == b"\n" else 1
    if first in CONTROL_KEYS:
        return CONTROL_KEYS[first], 1
    if first < 0x20:
        return f"ctrl-{chr(first + 0x60)}", 1
    return _parse_utf8(data, final)


def _parse_escape(data: bytes, final: bool) -> tuple[str, int] | None:
    if len(data) == 1:
        return ("esc", 1) if final else None
    kind = data[1:2]
    if kind == b"O":                                 # SS3: ESC O A (application cursor keys)
        if len(data) < 3:
            return ("esc", 1) if final else None
        return LETTER_KEYS.get(chr(data[2]), "unknown"), 3
    if kind == b"[":                                 # CSI: ESC [ params intermediates final
        for end in range(2, len(data)):
            byte = data[end]
            if 0x40 <= byte <= 0x7E:
                params = data[2:end].decode("ascii", "replace")
                letter = chr(byte)
                if letter == "~":
                    return TILDE_KEYS.get(params.split(";")[0], "unknown"), end + 1
                return LETTER_KEYS.get(letter, "unknown"), end + 1
            if not 0x20 <= byte <= 0x3F:             # not a CSI byte: the sequence was cut short
                return "esc", 1
        return ("esc", 1) if final else None
    return "esc", 1                                  # ESC then a plain key (Alt+key): both count


def _parse_utf8(data: bytes, final: bool) -> tuple[str, int] | None:
    first = data[0]
    size = 1 if first < 0x80 else 2 if first >> 5 == 0b110 else 3 if first >> 4 == 0b1110 else \
        4 if first >> 3 == 0b11110 else 1
    if len(data) < size:
        return ("\ufffd", len(data)) if final else None
    return data[:size].decode("utf-8", "replace")[:1], size


class TerminalKeys:
    """A terminal in cbreak mode (no echo, keys as typed, Ctrl-C as a key) while in a `with` block.

    `read()` blocks until a key arrives and returns its name; it returns "resize" when the
    terminal changed size (SIGWINCH), and "eof" when the terminal is gone. Leaving the block
    restores the terminal's modes and the previous SIGWINCH handler, however it is left.

    Args:
        fd: a file descriptor of the terminal (standard input).
        escape_timeout: seconds to wait for the rest of an escape sequence.
    """

    def __init__(self, fd: int, escape_timeout: float = ESCAPE_TIMEOUT) -> None:
        self.fd = fd
        self.escape_timeout = escape_timeout
        self.pending = b""
        self._saved: list | None = None
        self._wake: tuple[int, int] | None = None
        self._old_winch: object = None

    def __enter__(self) -> "TerminalKeys":
        self._saved = termios.tcgetattr(self.fd)
        mode = termios.tcgetattr(self.fd)
        mode[0] &= ~termios.IXON                     # iflag: Ctrl-S / Ctrl-Q are keys, not flow control
        mode[3] &= ~(termios.ECHO | termios.ICANON | termios.ISIG | termios.IEXTEN)   # lflag
        mode[6][termios.VMIN] = 1
        mode[6][termios.VTIME] = 0
        termios.tcsetattr(self.fd, termios.TCSADRAIN, mode)
        try:
            self._wake = os.pipe()
            os.set_blocking(self._wake[1], False)
            self._old_winch = signal.signal(signal.SIGWINCH, self._on_resize)
        except ValueError:                           # not the main thread: resizes show on the next key
            self._old_winch = None
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._old_winch is not None:
            signal.signal(signal.SIGWINCH, self._old_winch)   # type: ignore[arg-type]
        if self._wake is not None:
            for fd in self._wake:
                os.close(fd)
            self._wake = None
        if self._saved is not None:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)

    def _on_resize(self, signum: int, frame: FrameType | None) -> None:
        if self._wake is not None:
            try:
                os.write(self._wake[1], b"r")
            except BlockingIOError:                  # already woken: one "resize" is enough
                pass

    def read(self) -> str:
        """The next key (blocks); "resize" after SIGWINCH; "eof" once the terminal is closed."""
        while True:
            if self.pending:
                parsed = parse_key(self.pending)
                if parsed is None and not self._wait(self.escape_timeout):
                    parsed = parse_key(self.pending, final=True)    # a lone ESC, or a cut sequence
                if parsed is not None:
                    key, used = parsed
                    self.pending = self.pending[used:]
                    return key
            elif not self._wait(None):               # woken by SIGWINCH, not by a key
                if self._resized():
                    return "resize"
                continue
            try:
                data = os.read(self.fd, 1024)
            except BlockingIOError:
                continue
            except OSError:                          # EIO: the terminal hung up
                return "eof"
            if not data:
                return "eof"
            self.pending += data

    def _wait(self, timeout: float | None) -> bool:
        """Whether the terminal has bytes to read within `timeout` (False also on a resize)."""
        fds = [self.fd] + ([self._wake[0]] if self._wake else [])
        readable, _, _ = select.select(fds, [], [], timeout)
        return self.fd in readable

    def _resized(self) -> bool:
        """Drain the wake-up pipe; whether SIGWINCH had written to it."""
        if self._wake is None:
            return False
        readable, _, _ = select.select([self._wake[0]], [], [], 0)
        if not readable:
            return False
        os.read(self._wake[0], 1024)
        return True
