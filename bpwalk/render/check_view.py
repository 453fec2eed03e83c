"""What `bpwalk check` prints: one row per printed number, and a summary line.

    key           document   computed      verdict  cause
    out.o1        0.751      0.751365        ✓
    delta.o1      0.1386     0.1384986       ✗      out.o1 rounded to 0.751 (3 decimals) and carried forward
    └ new.w32     0.4086     0.4086662       ✗      carried from delta.o1 = 0.1386 (itself wrong)
    42 numbers: 22 agree, 20 do not (5 root causes)
"""

from __future__ import annotations

from typing import Sequence

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from bpwalk.check.audit import Verdict
from bpwalk.formula.numbers import format_fixed
from bpwalk.scenario import decimals_of
from bpwalk.words import say

EXTRA_DIGITS = 3      # the computed value is shown to the printed decimals and this many more
MAX_DECIMALS = 15


def computed_text(verdict: Verdict) -> str:
    """The computed value at the printed decimals plus a few, to show how far off it is."""
    decimals = min(decimals_of(verdict.document_text) + EXTRA_DIGITS, MAX_DECIMALS)
    return format_fixed(verdict.computed, decimals)


def _count(lang: str, key: str, n: int) -> str:
    """`1 number`, `2 numbers`: the words tables have a key for one and one for more."""
    return say(lang, f"{key}_one" if n == 1 else key, n=n)


def summary(verdicts: Sequence[Verdict], lang: str = "en") -> str:
    """`42 numbers: 22 agree, 20 do not` (or that there is nothing to check)."""
    if not verdicts:
        return say(lang, "check.nothing")
    agree = sum(v.agrees for v in verdicts)
    count = len(verdicts)
    numbers = _count(lang, "check.numbers", count)
    if agree == count:
        return say(lang, "check.all_agree", numbers=numbers)
    roots = len({v.root for v in verdicts if v.root is not None})
    return say(lang, "check.summary", numbers=numbers, agree=_count(lang, "check.agree", agree),
               disagree=_count(lang, "check.disagree", count - agree)) + say(lang, "check.roots" if roots > 1 else
                                                                             "check.roots_one", n=roots)


def _cause(verdict: Verdict, lang: str) -> str:
    """A consequence of a mistake made in the same words as its root's says so, shorter."""
    if verdict.root is not None and not verdict.is_root and verdict.cause == verdict.root_cause:
        return say(lang, "check.same", key=verdict.root.key)
    return verdict.cause or ""


def _where(verdict: Verdict, lang: str) -> str:
    parts = []
    if verdict.iteration not in (None, 1):
        parts.append(say(lang, "check.at_iteration", n=verdict.iteration))
    if verdict.sample not in (None, 1):
        parts.append(say(lang, "check.at_sample", n=verdict.sample))
    if verdict.batch not in (None, 1):
        parts.append(say(lang, "check.at_batch", n=verdict.batch))
    return " ".join(parts)


class CheckReport:
    """The verdict table of `bpwalk check` and its summary line."""

    def __init__(self, verdicts: Sequence[Verdict], title: str = "", lang: str = "en", lines: bool = False) -> None:
        self.verdicts = verdicts
        self.lines = lines            # --document: each row's line in the document
        self.title = title
        self.lang = lang

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if self.title:
            yield Text(self.title, style="bold")
        if self.verdicts:
            table = Table(box=None, padding=(0, 1), header_style="bold")
            lang = self.lang
            if self.lines:
                table.add_column(say(lang, "check.line"), justify="right", style="dim")
            table.add_column(say(lang, "check.key"))
            wheres = [_where(v, lang) for v in self.verdicts]
            if any(wheres):
                table.add_column(say(lang, "check.where"), style="dim")
            table.add_column(say(lang, "check.document"), justify="right")
            table.add_column(say(lang, "check.computed"), justify="right")
            table.add_column(say(lang, "check.verdict"), justify="center")
            table.add_column(say(lang, "check.cause"), overflow="fold")
            for verdict, where in zip(self.verdicts, wheres):
                mark = Text("✓", style="green") if verdict.agrees else Text("✗", style="bold red")
                # a consequence stands under its root cause (the rows come `grouped`)
                key = verdict.key if verdict.root is None or verdict.is_root else say(lang, "check.consequence",
                                                                                       key=verdict.key)
                row = ([str(verdict.line)] if self.lines else []) + [key] + ([where] if any(wheres) else [])
                row += [verdict.document_text, computed_text(verdict), mark, _cause(verdict, lang)]
                table.add_row(*row)
            yield table
        style = "green" if all(v.agrees for v in self.verdicts) else "bold red"
        yield Text(summary(self.verdicts, self.lang), style=style)
