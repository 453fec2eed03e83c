"""A loss curve drawn in the terminal with braille dots (2 x 4 dots a character cell).

The y axis turns logarithmic when the losses span more than two decades, since a training
run's loss falls fast at first and slowly later: on a linear axis the tail would be flat.
"""

from __future__ import annotations

import math
from typing import Sequence

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text

from bpwalk.formula.numbers import format_number
from bpwalk.words import say

# braille dot bits, indexed [row][column] within a cell (Unicode U+2800 block)
DOTS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))


def _scale(values: Sequence[float]) -> tuple[list[float], bool]:
    low, high = min(values), max(values)
    log = low > 0 and high / low > 100
    return ([math.log10(v) for v in values] if log else list(values)), log


class LossCurve:
    """The total loss of each iteration as a line, with its range on the axes."""

    def __init__(self, losses: Sequence[float], height: int = 8, title: str | None = None,
                 x_label: str | None = None, lang: str = "en") -> None:
        self.losses = list(losses)     # losses[i]: after i updates
        self.height = height
        self.title = say(lang, "plot.loss") if title is None else title
        self.x_label = say(lang, "plot.updates") if x_label is None else x_label
        self.lang = lang

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        losses = self.losses
        if len(losses) < 2:
            return
        top_label = format_number(max(losses), 4)
        low_label = format_number(min(losses), 4)
        margin = max(len(top_label), len(low_label)) + 1
        width = max(10, min(options.max_width - margin - 1, 100))
        ys, log = _scale(losses)
        lo, hi = min(ys), max(ys)
        span = (hi - lo) or 1.0
        cols, rows = width * 2, self.height * 4
        grid = [[0] * width for _ in range(self.height)]
        n = len(ys)
        for px in range(cols):
            # each dot column shows the iteration under it (the last iteration at the right edge)
            i = round(px * (n - 1) / (cols - 1))
            py = round((hi - ys[i]) / span * (rows - 1))
            grid[py // 4][px // 2] |= DOTS[py % 4][px % 2]
        axis = say(self.lang, "plot.log") if log else ""
        yield Text(f"{self.title}{axis}", style="bold")
        for r, row in enumerate(grid):
            label = top_label if r == 0 else low_label if r == self.height - 1 else ""
            line = Text(f"{label:>{margin - 1}} ┤", style="dim")
            line.append("".join(chr(0x2800 + bits) for bits in row), style="cyan")
            yield line
        first, last = "0", f"{n - 1:,}"
        yield Text(" " * margin + "└" + "─" * width, style="dim")
        yield Text(" " * (margin + 1) + first + " " * max(1, width - len(first) - len(last)) + last, style="dim")
        yield Text(" " * (margin + 1) + self.x_label, style="dim")
