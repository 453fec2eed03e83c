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

from bpwalk.formula.notation import Notation
from bpwalk.walk.frames import Frame
from bpwalk.walk.navigate import NavState
from bpwalk.render.terminal import phase_name, where_in
from bpwalk.words import say

SEPARATOR = " │ "

# (keys, what they do), in the order the help overlay lists them: the meaning is a key of the
# words tables, and `{space}` in the keys is the space bar's name in the language shown
HELP_KEYS: tuple[tuple[str, str], ...] = (
    ("→  {space}  Enter  l  j  ↓", "help.next"),
    ("←  Backspace  p  h  k  ↑", "help.back"),
    ("g  Home   /   G  End", "help.ends"),
    ("]   [", "help.phase"),
    ("12 Enter", "help.jump"),
    ("/w5 Enter", "help.search"),
    ("n   N", "help.repeat"),
    ("PgDn  PgUp", "help.scroll"),
    ("e", "help.export"),
    ("Ctrl-L", "help.redraw"),
    ("?", "help.help"),
    ("Esc", "help.esc"),
    ("q  Ctrl-C", "help.quit"),
)


def position(frame: Frame, count: int, lang: str, multi_sample: bool, short: bool = False,
             notation: Notation | None = None) -> str:
    """`[12/60] Forward pass · iteration 1 · sample 2 · out_h1` (short: `[12/60] out_h1 it1`)."""
    counter = f"[{frame.index + 1}/{count}]"
    if frame.phase in ("intro", "summary"):
        return f"{counter} {phase_name(lang, frame.phase)}"
    sample = frame.sample if multi_sample else None
    if short:
        where = say(lang, "at.short_iteration", n=frame.iteration) if frame.iteration is not None \
            else where_in(lang, None, None, notation)[0]
        if sample is not None:
            where += " " + say(lang, "at.short_sample", n=sample)
        return f"{counter} {frame.label} {where}"
    parts = [phase_name(lang, frame.phase), *where_in(lang, frame.iteration, sample, notation), frame.label]
    return f"{counter} {' · '.join(parts)}"


def hints(state: NavState, level: int = 0, lang: str = "en") -> str:
    """The key hints, from the full list (level 0) to the bare keys (level 2).

    `n` shows the search it repeats once a search has found something.
    """
    def hint(name: str) -> str:
        return say(lang, f"hint.{name}")

    n = say(lang, "hint.repeat", query=state.search) if state.search else ""
    if level == 0:
        keys = [hint("next"), hint("back"), n, *map(hint, ("ends", "phase", "search", "export", "help", "quit"))]
    elif level == 1:
        keys = [hint("step"), n or hint("search"), hint("help"), hint("quit")]
    else:
        keys = ["→ ←", n or "/", "?", "q"]
    return "  ".join(k for k in keys if k)


def prompt(state: NavState, bare: bool = False, lang: str = "en") -> Text | None:
    """What is being typed, with how to finish it (unless bare); None in normal and help mode."""
    if state.mode == "number":
        label, how = say(lang, "prompt.number"), "  " + say(lang, "prompt.number_how")
    elif state.mode == "search":
        label, how = "/", "  " + say(lang, "prompt.search_how")
    elif state.mode == "export":
        which = say(lang, "prompt.export_seen" if state.seen_only else "prompt.export_all")
        return Text.assemble((say(lang, "prompt.export"), "bold"), (which, "bold cyan"), say(lang, "prompt.export_keys"),
                             ("" if bare else "  " + say(lang, "prompt.export_how"), "dim"))
    else:
        return None
    return Text.assemble((label, "bold"), state.buffer, ("▏", "blink"), ("" if bare else how, "dim"))


def status_line(state: NavState, frame: Frame, count: int, width: int, lang: str = "en",
                multi_sample: bool = False, notation: Notation | None = None) -> Text:
    """The bottom line, at most `width` cells: position, then what is typed, a message or key hints.

    Args:
        state: the navigator's state (mode, buffer, message, last search).
        frame: the frame shown.
        count: how many frames there are.
        width: the terminal's width in cells.
        lang: language of the phase names, prompts and key hints.
        multi_sample: whether to say which sample a frame belongs to.
    """
    long_where = Text(position(frame, count, lang, multi_sample, notation=notation), style="bold")
    short_where = Text(position(frame, count, lang, multi_sample, short=True, notation=notation), style="bold")
    counter = Text(f"[{frame.index + 1}/{count}]", style="bold")
    typed = prompt(state, lang=lang)
    if typed is not None:
        bare = prompt(state, bare=True, lang=lang)
        forms = [(long_where, typed), (short_where, typed), (short_where, bare), (counter, bare)]
    elif state.message:
        style = "bold red" if state.alarm else "bold yellow"
        said = Text(state.message, style=style)
        forms = [(long_where, said), (short_where, said), (counter, said)]
    else:
        # shorten the hints before the position: where you are matters more than the key list
        forms = [(where, Text(hints(state, level, lang), style="dim"))
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


def help_table(keys_list: tuple[tuple[str, str], ...] = HELP_KEYS, width: int | None = None,
               lang: str = "en", note: str | None = None) -> Table:
    """The help overlay: every key and what it does (run's keys by default).

    Narrower than `width`, the keys close up and the padding shrinks before the meanings wrap.
    `note` (a key of the words tables) is a rule that no one key holds, said under the keys.
    """
    from bpwalk.walk.quiz import MIN_DIGITS   # the quiz's rule, said in its help; run's first screen needs none of it

    keys_list = tuple((keys.replace("{space}", say(lang, "key.space")), say(lang, meaning, n=MIN_DIGITS))
                      for keys, meaning in keys_list)
    keys_w = max(cell_len(k) for k, _ in keys_list)
    meaning_w = max(cell_len(m) for _, m in keys_list)
    narrow = width is not None and keys_w + meaning_w + 8 > width
    table = Table(title=say(lang, "help.title"), title_style="bold", show_header=False, box=None, padding=(0, 1 if narrow else 2))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for keys, meaning in keys_list:
        table.add_row(re.sub(r" {2,}", " ", keys) if narrow else keys, meaning)
    table.caption = say(lang, "help.caption") if note is None else f"{say(lang, note)}\n{say(lang, 'help.caption')}"
    return table
