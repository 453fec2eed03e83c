"""The interactive walk-through (`walk`) and its non-interactive twin (`print_all`).

`walk` shows one frame at a time on the terminal's alternate screen with a status line at the
bottom, reads a key, lets the `Navigator` decide what it means, and redraws. Only the current
frame is rendered, and rendered lines are cached per (frame, width), so a keypress costs one
render at most on a trace of any length.

The terminal is given back as it was on every way out: `q`, Esc, Ctrl-C, SIGINT, SIGTERM,
SIGHUP, and any exception. The `with` blocks unwind in reverse order: first the alternate
screen is left and the cursor shown again, then the signal handlers are put back, then the
terminal's modes (echo, line editing) are restored.
"""

from __future__ import annotations

from dataclasses import replace

import signal
import sys
import threading
from collections import OrderedDict
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Iterator, Sequence

from rich.console import Console
from rich.control import Control
from rich.segment import Segment
from rich.text import Text

from bpwalk.formula.notation import Notation
from bpwalk.walk.frames import Frame
from bpwalk.tui.keys import ReadKey, TerminalKeys
from bpwalk.walk.navigate import EXIT_INTERRUPT, NavState, Navigator, told
from bpwalk.render.status import HELP_KEYS, help_table, status_line
from bpwalk.render.views import FrameView, Settings
from bpwalk.engine.steps import Trace
from bpwalk.words import say

SCROLL_KEYS = {"pgdn": 1, "pgup": -1}              # pages within a frame taller than the screen
CACHE_SIZE = 64                                    # rendered frames kept (per width)
Lines = list[list[Segment]]


def print_all(trace: Trace, frames: Sequence[Frame], settings: Settings, console: Console, start: int = 0) -> None:
    """Print every frame from `start` (0-based) in order, each under its `[i/N]` counter.

    For output that is not a terminal (a pipe, a file) and for `--all`: nothing waits for keys.

    Args:
        trace: the traced walk-through.
        frames: its frames in the chosen style.
        settings: digits, language and style for the views.
        console: where to print (its width decides the layout).
        start: the first frame printed, 0-based.
    """
    count = len(frames)
    for frame in frames[start:]:
        console.print(Text(f"[{frame.index + 1}/{count}]", style="dim"))
        console.print(FrameView(trace, frame, settings))
        console.print()


class Painter:
    """Draws one state: the frame (cropped to fit, scrolled by pages) and the status line."""

    def __init__(self, trace: Trace, frames: Sequence[Frame], settings: Settings, console: Console) -> None:
        self.trace = trace
        self.frames = frames
        self.settings = settings
        self.console = console
        self.multi_sample = Notation.of(trace.scenario).multi_sample
        self.cache: OrderedDict[tuple[int, int], Lines] = OrderedDict()
        self.size: tuple[int, int] | None = None
        self.page = 0                              # pages scrolled down within the current frame
        self.pages = 1                             # how many pages the current frame has

    def frame_lines(self, index: int, width: int) -> Lines:
        """The frame rendered at this width (cached: views may run sympy printers)."""
        key = (index, width)
        lines = self.cache.get(key)
        if lines is None:
            options = self.console.options.update(width=width, height=None)
            view = FrameView(self.trace, self.frames[index], self.settings)
            lines = self.console.render_lines(view, options, pad=True)
            self.cache[key] = lines
            if len(self.cache) > CACHE_SIZE:
                self.cache.popitem(last=False)
        else:
            self.cache.move_to_end(key)
        return lines

    def body(self, state: NavState, width: int, rows: int) -> Lines:
        """Exactly `rows` lines above the status line."""
        if state.mode == "help":
            return self._fit(self.help_lines(HELP_KEYS, width, rows), width, rows, page=0)
        return self._fit(self.frame_lines(state.index, width), width, rows, self.page)

    def help_lines(self, keys: tuple[tuple[str, str], ...], width: int, rows: int) -> Lines:
        """The help overlay; on a screen too short for it, rows before the last give way, so that
        the last one (how to quit) always shows: any key closes the overlay, PgDn included."""
        while True:
            lines = self._render(help_table(keys, width, self.settings.lang), width)
            if len(lines) <= rows or len(keys) <= 1:
                return lines
            keys = keys[:-2] + keys[-1:]

    def _render(self, renderable: object, width: int) -> Lines:
        options = self.console.options.update(width=width, height=None)
        return self.console.render_lines(renderable, options, pad=True)

    def _fit(self, lines: Lines, width: int, rows: int, page: int) -> Lines:
        """Crop to `rows`, keeping the last row for "… more below" when the lines do not fit.

        Also records how many pages the lines make, which PgDn/PgUp stay within.
        """
        blank = [Segment(" " * width)]
        if len(lines) <= rows:
            self.pages = 1
            return lines + [blank] * (rows - len(lines))
        shown = max(rows - 1, 1)
        self.pages = -(-len(lines) // shown)
        page = min(page, self.pages - 1)
        top = page * shown
        window = lines[top:top + shown]
        below = len(lines) - top - len(window)
        if rows > 1:
            lang = self.settings.lang
            note = say(lang, "screen.more_below", n=below) if below else say(lang, "screen.end_above", n=top)
            window = window + [blank] * (shown - len(window)) + [self._line(note, width)]
        return window[:rows]

    def _line(self, text: str, width: int) -> list[Segment]:
        rendered = Text(text, style="dim reverse", no_wrap=True, overflow="ellipsis")
        return self.console.render_lines(rendered, self.console.options.update(width=width, height=None),
                                         pad=True)[0]

    def paint(self, state: NavState) -> None:
        """Draw the whole screen for `state`, from the top-left corner."""
        width, height = self.console.size
        out: list[Segment] = []
        if self.size != (width, height):
            out.append(Control.clear().segment)    # after a resize stale cells remain: clear once
            self.size = (width, height)
        out.append(Control.home().segment)
        rows = max(height - 1, 0)
        for line in self.body(state, width, rows):
            out.extend(line)
            out.append(Segment.line())
        status = self.status(state, width)
        status.truncate(width, pad=True)
        out.extend(status.render(self.console))
        # no newline after the last row: it would scroll the screen
        self.console.print(_Segments(out), end="", crop=False, soft_wrap=True)

    def status(self, state: NavState, width: int) -> Text:
        """The bottom line for `state`, at most `width` cells (the quiz draws its own)."""
        return status_line(state, self.frames[state.index], len(self.frames), width, self.settings.lang,
                           self.multi_sample)

    def scroll(self, pages: int) -> bool:
        """Move `pages` pages down (negative: up) within the frame; whether anything moved."""
        page = min(max(self.page + pages, 0), self.pages - 1)
        moved = page != self.page
        self.page = page
        return moved


class _Segments:
    """Segments already laid out for the screen, printed as they are."""

    def __init__(self, segments: list[Segment]) -> None:
        self.segments = segments

    def __rich_console__(self, console: Console, options: object) -> Iterator[Segment]:
        yield from self.segments


def warm_up() -> None:
    """Import sympy (through `bpwalk.formula.equations`) in the background after the first screen.

    The first formula a user moves to then renders at once; the import lock makes a render
    that needs it before the thread is done simply wait for it.
    """

    def load() -> None:
        import bpwalk.formula.equations  # noqa: F401  (the import is the point)

    threading.Thread(target=load, name="bpwalk-warm-up", daemon=True).start()


@contextmanager
def exit_on_signals() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into SystemExit, so the `finally` blocks restore the terminal."""

    def leave(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    saved = {}
    for signum in (signal.SIGTERM, signal.SIGHUP):
        try:
            saved[signum] = signal.signal(signum, leave)
        except ValueError:          # not the main thread: keep the defaults
            pass
    try:
        yield
    finally:
        for signum, handler in saved.items():
            signal.signal(signum, handler)


@contextmanager
def full_screen(console: Console, read_key: ReadKey | None = None) -> Iterator[ReadKey]:
    """The terminal set up for a key loop (`walk`, the quiz) for the life of a `with` block.

    Keys in cbreak mode (unless `read_key` is given), SIGTERM and SIGHUP as SystemExit, the
    alternate screen with the cursor hidden; all undone in reverse order however the block ends.

    Args:
        console: the terminal's console.
        read_key: a key source to use instead of the terminal (tests pass lists).

    Yields:
        The function that reads the next key.
    """
    with ExitStack() as stack:
        if read_key is None:
            read_key = stack.enter_context(TerminalKeys(sys.stdin.fileno())).read
        stack.enter_context(exit_on_signals())
        stack.enter_context(console.screen(hide_cursor=True))
        yield read_key


def write_transcript(trace: Trace, frames: Sequence[Frame], state: NavState, settings: Settings) -> NavState:
    """Write the transcript the user asked for with `e`; returns the state that tells them how it went."""
    from bpwalk.errors import BpwalkError
    from bpwalk.export import save

    shown = state.seen + 1 if state.seen_only else None
    try:
        path = save(trace, state.export or "md", settings.digits, settings.lang, settings.style, shown)
    except BpwalkError as err:
        return told(state, settings.lang, "export.not_written", alarm=True, error=err)
    try:
        shown = path.relative_to(Path.cwd())
    except ValueError:
        shown = path
    return told(state, settings.lang, "export.wrote", path=shown)


def walk(trace: Trace, frames: Sequence[Frame], settings: Settings, console: Console, start: int = 0,
         read_key: ReadKey | None = None) -> int:
    """Walk through the frames interactively until the user quits.

    Args:
        trace: the traced walk-through.
        frames: its frames in the chosen style (at least one).
        settings: digits, language and style for the views.
        console: the terminal's console (its size is read before every redraw).
        start: the frame to open at, 0-based.
        read_key: returns the next key name (see `bpwalk.tui.keys`); by default the keys
            are read from standard input, put in cbreak mode until the walk ends.

    Returns:
        The exit status: 0 after q or Esc, 130 after Ctrl-C or SIGINT.
    """
    navigator = Navigator(frames, start, settings.lang)
    painter = Painter(trace, frames, settings, console)
    with full_screen(console, read_key) as read_key:
        try:
            painter.paint(navigator.state)
            warm_up()
            while True:
                key = read_key()
                state = navigator.state
                if state.mode == "normal" and key in SCROLL_KEYS:
                    if painter.scroll(SCROLL_KEYS[key]):
                        painter.paint(state)
                    continue
                if key == "ctrl-l":
                    painter.size = None                    # redraw from a cleared screen
                    painter.paint(state)
                    continue
                if key == "eof":                           # the terminal was closed: leave
                    return 0
                new = navigator.handle(key)
                if new.done:
                    return new.exit_code or 0
                if new.export:
                    new = navigator.state = replace(write_transcript(trace, frames, new, settings), export=None)
                if new.index != state.index:
                    painter.page = 0
                painter.paint(new)
        except KeyboardInterrupt:                          # SIGINT from outside (Ctrl-C is a key)
            return EXIT_INTERRUPT
    return 0
