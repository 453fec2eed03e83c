"""Terminal bytes to key names: the pure parser, and the reader on a real pseudo-terminal."""

from __future__ import annotations

import os
import signal
import termios
import time

import pytest

from bpwalk.tui.keys import TerminalKeys, parse_key


@pytest.mark.parametrize(("data", "key"), [
    (b"\x1b[A", "up"), (b"\x1b[B", "down"), (b"\x1b[C", "right"), (b"\x1b[D", "left"),
    (b"\x1bOA", "up"), (b"\x1bOC", "right"), (b"\x1bOD", "left"), (b"\x1bOH", "home"), (b"\x1bOF", "end"),
    (b"\x1b[H", "home"), (b"\x1b[F", "end"), (b"\x1b[1~", "home"), (b"\x1b[4~", "end"),
    (b"\x1b[7~", "home"), (b"\x1b[8~", "end"), (b"\x1b[3~", "delete"), (b"\x1b[5~", "pgup"),
    (b"\x1b[6~", "pgdn"), (b"\x1b[1;5C", "right"), (b"\x1b[1;2H", "home"), (b"\x1b[99~", "unknown"),
    (b"\r", "enter"), (b"\n", "enter"), (b"\r\n", "enter"), (b"\x7f", "backspace"), (b"\x08", "backspace"),
    (b"\x03", "ctrl-c"), (b"\x0c", "ctrl-l"), (b"\t", "tab"), (b" ", " "), (b"q", "q"), (b"G", "G"),
    ("δ".encode(), "δ"), ("₅".encode(), "₅"),
])
def test_whole_sequences(data: bytes, key: str) -> None:
    assert parse_key(data) == (key, len(data))


def test_only_the_first_key_is_taken() -> None:
    assert parse_key(b"12\r") == ("1", 1)
    assert parse_key(b"\x1b[Cq") == ("right", 3)
    assert parse_key(b"\rx") == ("enter", 1)


@pytest.mark.parametrize("data", [b"\x1b", b"\x1b[", b"\x1b[1", b"\x1b[1;5", b"\x1bO", "δ".encode()[:1]])
def test_incomplete_sequences_wait_for_more(data: bytes) -> None:
    assert parse_key(data) is None


def test_after_the_timeout_a_lone_escape_is_esc() -> None:
    assert parse_key(b"\x1b", final=True) == ("esc", 1)
    assert parse_key(b"\x1b[", final=True) == ("esc", 1)
    assert parse_key(b"\x1bq") == ("esc", 1)          # Esc then q (or Alt-q): Esc first
    assert parse_key(b"\x1b[\x01") == ("esc", 1)      # not a CSI byte: the sequence was cut short


@pytest.fixture
def pty_pair():
    master, slave = os.openpty()
    yield master, slave
    os.close(master)
    os.close(slave)


def test_reader_on_a_pty(pty_pair) -> None:
    master, slave = pty_pair
    before = termios.tcgetattr(slave)
    with TerminalKeys(slave) as keys:
        mode = termios.tcgetattr(slave)
        assert not mode[3] & (termios.ECHO | termios.ICANON | termios.ISIG)
        os.write(master, b"12\r\x1b[Cq\x03\x1b[5~")
        assert [keys.read() for _ in range(7)] == ["1", "2", "enter", "right", "q", "ctrl-c", "pgup"]
        os.write(master, b"\x1b")                        # a lone ESC: "esc" after the short timeout
        started = time.monotonic()
        assert keys.read() == "esc"
        assert time.monotonic() - started < 1
        os.write(master, b"\x1b[")                       # a sequence split across two writes
        os.write(master, b"D")
        assert keys.read() == "left"
        signal.raise_signal(signal.SIGWINCH)
        assert keys.read() == "resize"
    assert termios.tcgetattr(slave) == before           # modes restored on leaving


def test_reader_restores_the_terminal_after_an_exception(pty_pair) -> None:
    master, slave = pty_pair
    before = termios.tcgetattr(slave)
    handler = signal.getsignal(signal.SIGWINCH)
    with pytest.raises(RuntimeError):
        with TerminalKeys(slave):
            raise RuntimeError("boom")
    assert termios.tcgetattr(slave) == before
    assert signal.getsignal(signal.SIGWINCH) == handler
