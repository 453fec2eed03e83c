"""What `bpwalk check` prints: one row per printed number, and a summary line.

    key           document   computed      verdict  cause
    out.o1        0.751      0.751365        ✓
    delta.o1      0.1386     0.1384986       ✗      out.o1 rounded to 0.751 (3 decimals) and carried forward
    42 numbers: 22 agree, 20 do not
"""

from __future__ import annotations

from typing import Sequence

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from bpwalk.check.audit import Verdict
from bpwalk.formula.numbers import format_fixed
from bpwalk.scenario import decimals_of

EXTRA_DIGITS = 3      # the computed value is shown to the printed decimals and this many more
MAX_DECIMALS = 15


def computed_text(verdict: Verdict) -> str:
    """The computed value at the printed decimals plus a few, to show how far off it is."""
    decimals = min(decimals_of(verdict.document_text) + EXTRA_DIGITS, MAX_DECIMALS)
    return format_fixed(verdict.computed, decimals)


def summary(verdicts: Sequence[Verdict]) -> str:
    """`42 numbers: 22 agree, 20 do not` (or that there is nothing to check)."""
    if not verdicts:
        return "no printed numbers to check: the scenario has no expect: entries"
    agree = sum(v.agrees for v in verdicts)
    count = len(verdicts)
    noun = "number" if count == 1 else "numbers"
    if agree == count:
        return f"{count} {noun}: all agree"
    wrong = count - agree
    return f"{count} {noun}: {agree} agree{'s' if agree == 1 else ''}, {wrong} {'does' if wrong == 1 else 'do'} not"


def _where(verdict: Verdict) -> str:
    parts = []
    if verdict.iteration not in (None, 1):
        parts.append(f"it {verdict.iteration}")
    if verdict.sample not in (None, 1):
        parts.append(f"s {verdict.sample}")
    return " ".join(parts)


class CheckReport:
    """The verdict table of `bpwalk check` and its summary line."""

    def __init__(self, verdicts: Sequence[Verdict], title: str = "") -> None:
        self.verdicts = verdicts
        self.title = title

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if self.title:
            yield Text(self.title, style="bold")
        if self.verdicts:
            table = Table(box=None, padding=(0, 1), header_style="bold")
            table.add_column("key")
            wheres = [_where(v) for v in self.verdicts]
            if any(wheres):
                table.add_column("where", style="dim")
            table.add_column("document", justify="right")
            table.add_column("computed", justify="right")
            table.add_column("verdict", justify="center")
            table.add_column("cause", overflow="fold")
            for verdict, where in zip(self.verdicts, wheres):
                mark = Text("✓", style="green") if verdict.agrees else Text("✗", style="bold red")
                row = [verdict.key] + ([where] if any(wheres) else [])
                row += [verdict.document_text, computed_text(verdict), mark, verdict.cause or ""]
                table.add_row(*row)
            yield table
        style = "green" if all(v.agrees for v in self.verdicts) else "bold red"
        yield Text(summary(self.verdicts), style=style)
