"""The interactive walk-through (`walk`) and its non-interactive twin (`print_all`).

`walk` runs the key loop (`bpwalk.tui.loop`) over a `WalkSession`: one frame at a time, a
`Navigator` deciding what each key means. Only the current frame is rendered, and rendered
lines are cached per (frame, width), so a keypress costs one render at most on a trace of any
length.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Hashable, Sequence

from rich.console import Console
from rich.text import Text

from bpwalk.engine.steps import Trace
from bpwalk.formula.notation import Notation
from bpwalk.render.status import HELP_KEYS, status_line
from bpwalk.render.views import FrameView, Settings
from bpwalk.tui.keys import ReadKey
from bpwalk.tui.loop import Lines, Painter, key_loop
from bpwalk.walk.frames import Frame
from bpwalk.walk.navigate import NavState, Navigator, told
from bpwalk.words import say


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


class WalkSession:
    """The walk-through as a session of the key loop: keys move a `Navigator` over the frames.

    Args:
        trace: the traced walk-through.
        frames: its frames in the chosen style (at least one).
        settings: digits, language and style for the views.
        start: the frame to open at, 0-based.
    """

    help_note = None

    def __init__(self, trace: Trace, frames: Sequence[Frame], settings: Settings, start: int = 0) -> None:
        self.trace = trace
        self.frames = frames
        self.settings = settings
        self.lang = settings.lang
        self.navigator = Navigator(frames, start, settings.lang)
        self.notation = Notation.of(trace.scenario)
        self.multi_sample = self.notation.multi_sample

    @property
    def state(self) -> NavState:
        return self.navigator.state

    def handle(self, key: str) -> int | None:
        new = self.navigator.handle(key)
        if new.done:
            return new.exit_code
        if new.export:
            self.navigator.state = replace(write_transcript(self.trace, self.frames, new, self.settings), export=None)
        return None

    def help_keys(self) -> tuple[tuple[str, str], ...] | None:
        return HELP_KEYS if self.state.mode == "help" else None

    def content(self, painter: Painter, width: int) -> tuple[Hashable, Lines]:
        index = self.state.index
        return index, frame_lines(painter, self.trace, self.frames[index], self.settings, width)

    def status(self, width: int) -> Text:
        state = self.state
        return status_line(state, self.frames[state.index], len(self.frames), width, self.lang, self.multi_sample,
                           self.notation)

    def closed(self, console: Console) -> None:
        pass


def frame_lines(painter: Painter, trace: Trace, frame: Frame, settings: Settings, width: int) -> Lines:
    """A frame's view rendered at this width, through the painter's cache."""
    return painter.cached(("frame", frame.index), width, lambda: FrameView(trace, frame, settings))


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
    fmt = state.export or "md"
    # where it went and what opens it: a newcomer should not have to guess
    return told(state, settings.lang, "export.wrote_open", path=shown,
                how=say(settings.lang, f"export.open.{fmt}", name=path.name))


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
        The exit status: 0 after q, 130 after Ctrl-C or SIGINT.
    """
    return key_loop(WalkSession(trace, frames, settings, start), console, read_key)
