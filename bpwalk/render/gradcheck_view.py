"""What `bpwalk gradcheck` prints: each parameter's two gradients, their relative error, a verdict.

    parameter   analytic (backprop)   numeric (central diff.)   rel. error
    w1               0.000438568             0.000438568         1.17e-08  ✓
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from bpwalk.engine.gradcheck import THRESHOLD, GradCheck
from bpwalk.formula.numbers import format_number

DIGITS = 12     # enough to see the two agree to ~1e-8 before the relative error says so


class GradCheckReport:
    """The table of `bpwalk gradcheck`, the formulas it uses, and a summary line."""

    def __init__(self, result: GradCheck, lang: str = "en") -> None:
        self.result = result
        self.lang = lang

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from bpwalk.words import say

        r, lang = self.result, self.lang
        yield Text(say(lang, "gradcheck.title", title=r.scenario.title), style="bold")
        yield Text(say(lang, "gradcheck.numeric_formula", h=f"{r.h:g}"), style="dim")
        yield Text(say(lang, "gradcheck.error_formula", threshold=f"{THRESHOLD:g}"), style="dim")
        table = Table(box=None, padding=(0, 1), header_style="bold")
        table.add_column(say(lang, "gradcheck.parameter"), style="cyan", no_wrap=True)
        table.add_column(say(lang, "gradcheck.analytic"), justify="right", no_wrap=True)
        table.add_column(say(lang, "gradcheck.numeric"), justify="right", no_wrap=True)
        table.add_column(say(lang, "gradcheck.relative"), justify="right", no_wrap=True)
        table.add_column("", no_wrap=True)
        for row in r.rows:
            mark = Text("✗", style="bold red") if row.flagged else Text("✓", style="green")
            table.add_row(row.name, format_number(row.analytic, DIGITS), format_number(row.numeric, DIGITS),
                          f"{row.relative_error:.2e}", mark)
        yield table
        flagged = r.flagged
        if flagged:
            yield Text(say(lang, "gradcheck.flagged", n=len(flagged), total=len(r.rows),
                           names=", ".join(x.name for x in flagged), threshold=f"{THRESHOLD:g}"), style="bold red")
        else:
            yield Text(say(lang, "gradcheck.all_agree", n=len(r.rows), threshold=f"{THRESHOLD:g}"), style="green")
