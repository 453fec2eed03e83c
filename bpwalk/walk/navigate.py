"""Where the walk-through is and what each key does: a state machine with no I/O.

`Navigator(frames).handle(key)` returns the new `NavState`. Keys are normalized names
("right", "left", "home", "end", "enter", "backspace", "esc", "ctrl-c", "pgdn", "pgup",
"resize") or the character typed ("n", "G", "/", "7"); `bpwalk.tui.keys` makes them
from a terminal, and tests pass plain lists.

Modes:
    normal   moving: next, back, first/last, next/previous phase, start a number or a search
    number   typing a step number; Enter jumps to it
    search   typing a name after `/`; Enter jumps to the next frame about it
    help     the key list is shown; any key closes it
    export   `e` asks for a format (m h t s j); `v` switches between the whole walk-through
             and the steps seen so far; the loop writes the file and says where it went

Esc closes what is open (the help, a prompt, then an active search) and never quits; `q`
quits from everywhere except the search prompt, where it is text. `n` repeats the last search
that found something (`N` searches backward); before one, it says there is none. A failed
search leaves the active one as it was, so a typo cannot lose it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal, Sequence

from bpwalk.walk.frames import Frame, normalize
from bpwalk.words import say

Mode = Literal["normal", "number", "search", "help", "export"]
EXPORT_KEYS: dict[str, str] = {"m": "md", "h": "html", "t": "txt", "s": "svg", "j": "json"}

NEXT_KEYS = frozenset({"right", "down", " ", "enter", "l", "j"})
BACK_KEYS = frozenset({"left", "up", "backspace", "p", "h", "k"})
FIRST_KEYS = frozenset({"g", "home"})
LAST_KEYS = frozenset({"G", "end"})
QUIT_KEYS = frozenset({"q"})

EXIT_QUIT = 0
EXIT_INTERRUPT = 130      # Ctrl-C, as a shell reports SIGINT (128 + 2)


@dataclass(frozen=True)
class NavState:
    """Everything the screen needs besides the frames themselves."""

    index: int                      # 0-based frame shown
    mode: Mode = "normal"
    buffer: str = ""                # what is typed in number or search mode
    message: str = ""               # one-keypress feedback: "not found: w9", "wrapped", ...
    alarm: bool = False             # the message says something failed (shown in red)
    search: str = ""                # the active search: the last query that found something, or ""
    exit_code: int | None = None    # set when the walk-through should end
    seen: int = 0                   # the furthest frame shown so far
    seen_only: bool = False         # export: only the steps seen so far
    export: str | None = None       # a format to write now (the loop writes it and clears this)

    @property
    def done(self) -> bool:
        return self.exit_code is not None


class Navigator:
    """Holds the current state over a fixed tuple of frames.

    Args:
        frames: the frames of the walk-through, at least one.
        start: 0-based frame to open at (clamped into range).
        lang: the language of the messages.
    """

    def __init__(self, frames: Sequence[Frame], start: int = 0, lang: str = "en") -> None:
        if not frames:
            raise ValueError("a walk-through needs at least one frame")
        self.frames = frames
        self.lang = lang
        self.state = NavState(index=min(max(start, 0), len(frames) - 1))

    def handle(self, key: str) -> NavState:
        """Apply one key and return the new state (also kept as `self.state`)."""
        self.state = transition(self.frames, self.state, key, self.lang)
        return self.state


def told(state: NavState, lang: str, key: str, /, alarm: bool = False, **fields: object) -> NavState:
    """The state with a message for the status line (a key of the words tables, filled in)."""
    return replace(state, message=say(lang, key, **fields), alarm=alarm)


def transition(frames: Sequence[Frame], state: NavState, key: str, lang: str = "en") -> NavState:
    """The state after `key`: a pure function of the frames, the state, the key (and the language)."""
    if key == "ctrl-c":
        return replace(state, mode="normal", buffer="", exit_code=EXIT_INTERRUPT)
    if key == "resize":
        return state                 # the screen redraws; nothing moves, the message stays
    state = replace(state, message="", alarm=False, export=None)
    new = _route(frames, state, key, lang)
    return new if new.index <= new.seen else replace(new, seen=new.index)


def _route(frames: Sequence[Frame], state: NavState, key: str, lang: str) -> NavState:
    if state.mode == "export":
        return _export_key(state, key)
    if state.mode == "help":
        return replace(state, mode="normal")
    if state.mode == "number":
        return _number_key(frames, state, key, lang)
    if state.mode == "search":
        return _search_key(frames, state, key, lang)
    return _normal_key(frames, state, key, lang)


def _normal_key(frames: Sequence[Frame], state: NavState, key: str, lang: str) -> NavState:
    last = len(frames) - 1
    if key in QUIT_KEYS:
        return replace(state, exit_code=EXIT_QUIT)
    if key in ("n", "N"):
        if not state.search:
            return told(state, lang, "nav.no_search")
        return _find(frames, state, state.search, key == "n", lang)
    if key == "esc":                 # nothing open to close: end the search, or say how to quit
        if state.search:
            return told(replace(state, search=""), lang, "nav.search_ended", query=state.search)
        return told(state, lang, "nav.esc")
    if key in NEXT_KEYS:
        if state.index == last:
            return told(state, lang, "nav.last_step")
        return replace(state, index=state.index + 1)
    if key in BACK_KEYS:
        if state.index == 0:
            return told(state, lang, "nav.first_step")
        return replace(state, index=state.index - 1)
    if key in FIRST_KEYS:
        return replace(state, index=0)
    if key in LAST_KEYS:
        return replace(state, index=last)
    if key == "]":
        return _next_section(frames, state, lang)
    if key == "[":
        return _previous_section(frames, state, lang)
    if key.isdigit() and len(key) == 1:
        return replace(state, mode="number", buffer=key)
    if key == "/":
        return replace(state, mode="search", buffer="")
    if key == "?":
        return replace(state, mode="help")
    if key == "e":
        return replace(state, mode="export")
    if len(key) == 1 and key.isprintable():
        return told(state, lang, "nav.no_key", alarm=True, key=repr(key))
    return state                     # other named keys (pgdn, tab, ...) mean nothing here


def _export_key(state: NavState, key: str) -> NavState:
    if key in EXPORT_KEYS:
        return replace(state, mode="normal", export=EXPORT_KEYS[key])
    if key == "v":
        return replace(state, seen_only=not state.seen_only)
    if key in ("esc", "e"):
        return replace(state, mode="normal")
    if key in QUIT_KEYS:
        return replace(state, mode="normal", exit_code=EXIT_QUIT)
    return state


def _number_key(frames: Sequence[Frame], state: NavState, key: str, lang: str) -> NavState:
    if key.isdigit() and len(key) == 1:
        return replace(state, buffer=state.buffer + key)
    if key == "backspace":
        buffer = state.buffer[:-1]
        return replace(state, buffer=buffer, mode="number" if buffer else "normal")
    if key == "esc":
        return replace(state, mode="normal", buffer="")
    if key == "enter":
        number = int(state.buffer)
        state = replace(state, mode="normal", buffer="")
        if not 1 <= number <= len(frames):
            return told(state, lang, "nav.no_step", alarm=True, n=number, count=len(frames))
        return replace(state, index=number - 1)
    # any other key ends the number and then does what it does in normal mode ("5q" quits)
    return _normal_key(frames, replace(state, mode="normal", buffer=""), key, lang)


def _search_key(frames: Sequence[Frame], state: NavState, key: str, lang: str) -> NavState:
    if key == "esc":
        return replace(state, mode="normal", buffer="")
    if key == "backspace":
        if not state.buffer:
            return replace(state, mode="normal")
        return replace(state, buffer=state.buffer[:-1])
    if key == "enter":
        query = state.buffer.strip()
        state = replace(state, mode="normal", buffer="")
        if not query:                # an empty search repeats the last one, as in less and vi
            if not state.search:
                return state
            query = state.search
        return _find(frames, state, query, True, lang)
    if len(key) == 1 and key.isprintable():
        return replace(state, buffer=state.buffer + key)
    return state                     # arrows and other named keys are ignored while typing


def _find(frames: Sequence[Frame], state: NavState, query: str, forward: bool, lang: str) -> NavState:
    """Jump to the next (or previous) frame with `query` among its terms, wrapping around."""
    term = normalize(query)
    count = len(frames)
    step = 1 if forward else -1
    for distance in range(1, count + 1):
        j = (state.index + step * distance) % count
        if term in frames[j].terms:
            wrapped = j <= state.index if forward else j >= state.index
            found = replace(state, index=j, search=query)
            return told(found, lang, "nav.wrapped", query=query) if wrapped else found
    return told(state, lang, "nav.not_found", alarm=True, query=query)


def starts_section(frames: Sequence[Frame], index: int) -> bool:
    """Whether frame `index` opens what `]` and `[` move between: a phase of one iteration.

    A new sample within a phase opens one too (batch updates run the backward pass of each
    sample in turn); a frame about the whole batch (sample None) belongs to the phase around it.
    """
    if index == 0:
        return True
    before, here = frames[index - 1], frames[index]
    if (before.phase, before.iteration) != (here.phase, here.iteration):
        return True
    return None not in (before.sample, here.sample) and before.sample != here.sample


def section_start(frames: Sequence[Frame], index: int) -> int:
    """The first frame of the section that frame `index` belongs to."""
    while not starts_section(frames, index):
        index -= 1
    return index


def _next_section(frames: Sequence[Frame], state: NavState, lang: str) -> NavState:
    for j in range(state.index + 1, len(frames)):
        if starts_section(frames, j):
            return replace(state, index=j)
    return told(state, lang, "nav.last_phase")


def _previous_section(frames: Sequence[Frame], state: NavState, lang: str) -> NavState:
    """To the start of this phase; from its start, to the start of the one before."""
    start = section_start(frames, state.index)
    if start < state.index:
        return replace(state, index=start)
    if start == 0:
        return told(state, lang, "nav.first_phase")
    return replace(state, index=section_start(frames, start - 1))
