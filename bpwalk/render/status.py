"""The walk-through's bottom line and its help overlay: where you are, and which keys do what.

    [12/60] Forward pass · iteration 1 · out_h1 │ → next  ← back  / search  ? help  q quit

The line picks the longest form that fits the terminal's width (key hints shorten first,
then the position), so a 60-column terminal still shows the step, the phase and the keys.
"""

from __future__ import annotations

import re

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text

from bpwalk.walk.frames import Frame
from bpwalk.walk.navigate import NavState
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
    ("e", "export the walk-through (Markdown, HTML, text, SVG, JSON)"),
    ("Ctrl-L", "redraw the screen"),
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


def hints(state: NavState, level: int = 0) -> str:
    """The key hints, from the full list (level 0) to the bare keys (level 2).

    `n` shows the search it repeats once a search has found something.
    """
    n = f"n /{state.search}" if state.search else ""
    if level == 0:
        keys = ["→ next", "← back", n, "g/G ends", "[ ] phase", "/ search", "e export", "? help", "q quit"]
    elif level == 1:
        keys = ["→/← step", n or "/ search", "? help", "q quit"]
    else:
        keys = ["→ ←", n or "/", "?", "q"]
    return "  ".join(k for k in keys if k)


def prompt(state: NavState, bare: bool = False) -> Text | None:
    """What is being typed, with how to finish it (unless bare); None in normal and help mode."""
    if state.mode == "number":
        label, how = "go to step: ", "  Enter go · Esc cancel"
    elif state.mode == "search":
        label, how = "/", "  Enter search · Esc cancel"
    elif state.mode == "export":
        which = "steps seen so far" if state.seen_only else "whole walk-through"
        return Text.assemble(("export ", "bold"), (which, "bold cyan"), ": m md  h html  t txt  s svg  j json",
                             ("" if bare else "  v seen/all · Esc cancel", "dim"))
    else:
        return None
    return Text.assemble((label, "bold"), state.buffer, ("▏", "blink"), ("" if bare else how, "dim"))


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
    long_where = Text(position(frame, count, lang, multi_sample), style="bold")
    short_where = Text(position(frame, count, lang, multi_sample, short=True), style="bold")
    counter = Text(f"[{frame.index + 1}/{count}]", style="bold")
    typed = prompt(state)
    if typed is not None:
        bare = prompt(state, bare=True)
        forms = [(long_where, typed), (short_where, typed), (short_where, bare), (counter, bare)]
    elif state.message:
        style = "bold red" if state.message.startswith(("not found", "no ", "not written")) else "bold yellow"
        said = Text(state.message, style=style)
        forms = [(long_where, said), (short_where, said), (counter, said)]
    else:
        # shorten the hints before the position: where you are matters more than the key list
        forms = [(where, Text(hints(state, level), style="dim"))
                 for where, level in ((long_where, 0), (long_where, 1), (short_where, 1), (long_where, 2),
                                      (short_where, 2), (counter, 2))]
    for where, extra in forms:
        line = Text.assemble(where, (SEPARATOR, "dim"), extra)
        if line.cell_len <= width:
            return line
    where, extra = forms[-1]                    # nothing fits: the shortest form, cut at the end
    line = Text.assemble(where, (SEPARATOR, "dim"), extra)
    line.truncate(width, overflow="ellipsis")
    return line


def help_table(keys_list: tuple[tuple[str, str], ...] = HELP_KEYS, width: int | None = None) -> Table:
    """The help overlay: every key and what it does (run's keys by default).

    Narrower than `width`, the keys close up and the padding shrinks before the meanings wrap.
    """
    keys_w = max(cell_len(k) for k, _ in keys_list)
    meaning_w = max(cell_len(m) for _, m in keys_list)
    narrow = width is not None and keys_w + meaning_w + 8 > width
    table = Table(title="Keys", title_style="bold", show_header=False, box=None, padding=(0, 1 if narrow else 2))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for keys, meaning in keys_list:
        table.add_row(re.sub(r" {2,}", " ", keys) if narrow else keys, meaning)
    table.caption = "any key closes this"
    return table
