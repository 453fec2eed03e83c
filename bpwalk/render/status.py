"""The walk-through's bottom line and its help overlay: where you are, and which keys do what.

    [12/60] Forward pass · iteration 1 · out_h1 │ → next  ← back  / search  ? help  q quit

The line picks the longest form that fits the terminal's width (key hints shorten first,
then the position), so a 60-column terminal still shows the step, the phase and the keys.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from bpwalk.render.frames import Frame
from bpwalk.render.navigate import NavState
from bpwalk.render.terminal import PHASE_NAMES, word

SEPARATOR = " │ "

# (keys, what they do), in the order the help overlay lists them
HELP_KEYS: tuple[tuple[str, str], ...] = (
    ("→  Space  Enter  n  l  j  ↓", "next step"),
    ("←  Backspace  p  h  k  ↑", "previous step"),
    ("g  Home   /   G  End", "first / last step"),
    ("]   [", "next / previous phase"),
    ("12 Enter", "go to step 12"),
    ("/w5 Enter", "search: the next step about w5 (also out_o1, delta, …)"),
    ("n   N", "after a search: the next / previous match"),
    ("PgDn  PgUp", "scroll a step taller than the terminal"),
    ("?", "this help (any key closes it)"),
    ("q  Esc  Ctrl-C", "quit"),
)


def position(frame: Frame, count: int, lang: str, multi_sample: bool, short: bool = False) -> str:
    """`[12/60] Forward pass · iteration 1 · sample 2 · out_h1` (short: `[12/60] out_h1 it1`)."""
    counter = f"[{frame.index + 1}/{count}]"
    if frame.phase in ("intro", "summary"):
        return f"{counter} {PHASE_NAMES.get(lang, PHASE_NAMES['en'])[frame.phase]}"
    if short:
        where = f"it{frame.iteration}" if frame.iteration is not None else word(lang, "final")
        if multi_sample and frame.sample is not None:
            where += f" s{frame.sample}"
        return f"{counter} {frame.label} {where}"
    parts = [PHASE_NAMES.get(lang, PHASE_NAMES["en"])[frame.phase]]
    parts.append(word(lang, "final") if frame.iteration is None else word(lang, "iteration", frame.iteration))
    if multi_sample and frame.sample is not None:
        parts.append(word(lang, "sample", frame.sample))
    parts.append(frame.label)
    return f"{counter} {' · '.join(parts)}"


def hints(state: NavState, short: bool = False) -> str:
    """The key hints; `n` shows the search it repeats once a search has found something."""
    n = f"n /{state.search}" if state.search else ""
    if short:
        return "  ".join(filter(None, ["→ ←", n, "/", "?", "q"]))
    return "  ".join(filter(None, ["→ next", "← back", n, "g/G ends", "[ ] phase", "/ search", "? help",
                                   "q quit"]))


def prompt(state: NavState) -> Text | None:
    """What is being typed, with how to finish it; None in normal and help mode."""
    if state.mode == "number":
        return Text.assemble(("go to step: ", "bold"), state.buffer, ("▏", "blink"), ("  Enter go · Esc cancel", "dim"))
    if state.mode == "search":
        return Text.assemble(("/", "bold"), state.buffer, ("▏", "blink"), ("  Enter search · Esc cancel", "dim"))
    return None


def status_line(state: NavState, frame: Frame, count: int, width: int, lang: str = "en",
                multi_sample: bool = False) -> Text:
    """The bottom line, at most `width` cells: position, then what is typed, a message or key hints.

    Args:
        state: the navigator's state (mode, buffer, message, last search).
        frame: the frame shown.
        count: how many frames there are.
        width: the terminal's width in cells.
        lang: language of the phase names.
        multi_sample: whether to say which sample a frame belongs to.
    """
    right = prompt(state)
    if right is None and state.message:
        style = "bold red" if state.message.startswith(("not found", "no ")) else "bold yellow"
        right = Text(state.message, style=style)
    forms = []
    for short_position in (False, True):
        where = Text(position(frame, count, lang, multi_sample, short_position), style="bold")
        if right is not None:
            forms.append((where, right))
        else:
            forms.extend([(where, Text(hints(state), style="dim")), (where, Text(hints(state, True), style="dim"))])
    for where, extra in forms:
        line = Text.assemble(where, (SEPARATOR, "dim"), extra)
        if line.cell_len <= width:
            return line
    # nothing fits: what is typed or said matters most, then the counter
    where, extra = forms[-1]
    line = Text.assemble(extra, (SEPARATOR, "dim"), where) if right is not None else Text.assemble(where)
    line.truncate(width, overflow="ellipsis")
    return line


def help_table() -> Table:
    """The help overlay: every key and what it does."""
    table = Table(title="Keys", title_style="bold", show_header=False, box=None, padding=(0, 2))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for keys, meaning in HELP_KEYS:
        table.add_row(keys, meaning)
    table.caption = "any key closes this"
    return table
