"""The one key loop of `bpwalk run` and `bpwalk quiz`, and the screen it draws.

`key_loop(session, console)` shows a session on the terminal's alternate screen with a status
line at the bottom, reads a key, hands it to the session and redraws, until the session says
it is done. What a key means is the session's business (`WalkSession` in `bpwalk.tui.app`
navigates, `QuizSession` in `bpwalk.tui.quiz_app` also takes answers); everything else is
here and is the same for both:

- the terminal set-up, given back as it was on every way out: `q`, Ctrl-C, SIGINT, SIGTERM,
  SIGHUP, the terminal closing, and any exception. The `with` blocks unwind in reverse order:
  first the alternate screen is left and the cursor shown again, then the signal handlers are
  put back, then the terminal's modes (echo, line editing) are restored;
- the `?` overlay (the session names its keys; a screen too short for the list keeps the
  last rows, which say how to close it and how to quit);
- paging (PgDn/PgUp within a screenful taller than the terminal; a new screenful starts at its
  top), Ctrl-L, resizes;
- the render cache: a session's renderables are rendered once per (key, width).
"""

from __future__ import annotations

import signal
import sys
import threading
from collections import OrderedDict
from contextlib import ExitStack, contextmanager
from typing import Callable, Hashable, Iterator, Protocol

from rich.console import Console, RenderableType
from rich.control import Control
from rich.segment import Segment
from rich.text import Text

from bpwalk.render.status import help_table
from bpwalk.tui.keys import ReadKey, TerminalKeys
from bpwalk.walk.navigate import EXIT_INTERRUPT, EXIT_QUIT
from bpwalk.words import say

SCROLL_KEYS = {"pgdn": 1, "pgup": -1}              # pages within a screenful taller than the terminal
CACHE_SIZE = 64                                    # rendered screenfuls kept (per width)
KEPT_HELP_ROWS = 2                                 # the help's last rows (Esc, quit) never give way
Lines = list[list[Segment]]
HelpKeys = tuple[tuple[str, str], ...]


class Session(Protocol):
    """What one interactive command does with keys, and what it shows."""

    lang: str
    help_note: str | None           # a rule the `?` overlay says under the keys (a words key), or None

    def handle(self, key: str) -> int | None:
        """Apply one key; the exit status once the session is over, else None."""

    def help_keys(self) -> HelpKeys | None:
        """The keys the `?` overlay lists while it is open; None while it is closed."""

    def content(self, painter: "Painter", width: int) -> tuple[Hashable, Lines]:
        """What the screen shows above the status line, and which screenful it is (paging
        starts again at the top when that changes)."""

    def status(self, width: int) -> Text:
        """The bottom line, at most `width` cells."""

    def closed(self, console: Console) -> None:
        """Called on the normal screen after the loop ends without an exception (the quiz's score)."""


class Painter:
    """Draws a session: its content (cropped to fit, scrolled by pages) or the help, and its status line."""

    def __init__(self, console: Console, lang: str = "en") -> None:
        self.console = console
        self.lang = lang
        self.cache: OrderedDict[tuple[Hashable, int], Lines] = OrderedDict()
        self.size: tuple[int, int] | None = None
        self.shown: Hashable = None                # the screenful on screen
        self.page = 0                              # pages scrolled down within it
        self.pages = 1                             # how many pages it has

    def cached(self, key: Hashable, width: int, make: Callable[[], RenderableType]) -> Lines:
        """`make()` rendered at this width, once per (key, width): views may run sympy printers."""
        entry = (key, width)
        lines = self.cache.get(entry)
        if lines is None:
            lines = self.render(make(), width)
            self.cache[entry] = lines
            if len(self.cache) > CACHE_SIZE:
                self.cache.popitem(last=False)
        else:
            self.cache.move_to_end(entry)
        return lines

    def render(self, renderable: RenderableType, width: int) -> Lines:
        options = self.console.options.update(width=width, height=None)
        return self.console.render_lines(renderable, options, pad=True)

    def help_lines(self, keys: HelpKeys, width: int, rows: int, note: str | None = None) -> Lines:
        """The help overlay; on a screen too short for it, rows before the last ones give way,
        so that those (how to close it, how to quit) always show."""
        while True:
            lines = self.render(help_table(keys, width, self.lang, note), width)
            if len(lines) <= rows or len(keys) <= KEPT_HELP_ROWS:
                return lines
            keys = keys[:-KEPT_HELP_ROWS - 1] + keys[-KEPT_HELP_ROWS:]

    def body(self, session: Session, width: int, rows: int) -> Lines:
        """Exactly `rows` lines above the status line."""
        keys = session.help_keys()
        if keys is not None:
            return self.fit(self.help_lines(keys, width, rows, session.help_note), width, rows, page=0)
        shown, lines = session.content(self, width)
        if shown != self.shown:
            self.shown, self.page = shown, 0       # a new screenful starts at its top
        return self.fit(lines, width, rows, self.page)

    def fit(self, lines: Lines, width: int, rows: int, page: int) -> Lines:
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
            note = say(self.lang, "screen.more_below", n=below) if below else \
                say(self.lang, "screen.end_above", n=top)
            window = window + [blank] * (shown - len(window)) + [self._line(note, width)]
        return window[:rows]

    def _line(self, text: str, width: int) -> list[Segment]:
        rendered = Text(text, style="dim reverse", no_wrap=True, overflow="ellipsis")
        return self.render(rendered, width)[0]

    def paint(self, session: Session) -> None:
        """Draw the whole screen for the session's state, from the top-left corner."""
        width, height = self.console.size
        out: list[Segment] = []
        if self.size != (width, height):
            out.append(Control.clear().segment)    # after a resize stale cells remain: clear once
            self.size = (width, height)
        out.append(Control.home().segment)
        rows = max(height - 1, 0)
        for line in self.body(session, width, rows):
            out.extend(line)
            out.append(Segment.line())
        status = session.status(width)
        status.truncate(width, pad=True)
        out.extend(status.render(self.console))
        # no newline after the last row: it would scroll the screen
        self.console.print(_Segments(out), end="", crop=False, soft_wrap=True)

    def scroll(self, pages: int) -> bool:
        """Move `pages` pages down (negative: up) within the screenful; whether anything moved."""
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
    """The terminal set up for the key loop for the life of a `with` block.

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


def key_loop(session: Session, console: Console, read_key: ReadKey | None = None) -> int:
    """Show `session` and feed it keys until it is over.

    Args:
        session: what the keys do and what is shown (`WalkSession`, `QuizSession`).
        console: the terminal's console (its size is read before every redraw).
        read_key: returns the next key name (see `bpwalk.tui.keys`); by default the keys are
            read from standard input, put in cbreak mode until the loop ends.

    Returns:
        The session's exit status: 0 after q or when the terminal is closed, 130 after Ctrl-C
        or SIGINT.
    """
    painter = Painter(console, session.lang)
    code = EXIT_QUIT
    with full_screen(console, read_key) as read_key:
        try:
            painter.paint(session)
            warm_up()
            while True:
                key = read_key()
                if key in SCROLL_KEYS and session.help_keys() is None:
                    if painter.scroll(SCROLL_KEYS[key]):
                        painter.paint(session)
                    continue
                if key == "ctrl-l":
                    painter.size = None                    # redraw from a cleared screen
                    painter.paint(session)
                    continue
                if key == "eof":                           # the terminal was closed: leave
                    break
                done = session.handle(key)
                if done is not None:
                    code = done
                    break
                painter.paint(session)
        except KeyboardInterrupt:                          # SIGINT from outside (Ctrl-C is a key)
            code = EXIT_INTERRUPT
    # after the alternate screen is gone, so that what it prints stays on the terminal
    session.closed(console)
    return code
