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


COLOURS = ("cyan", "magenta", "yellow", "green", "red", "blue")


class LossCurves:
    """Several loss curves on one plot (`train --compare`), each in its colour and named at its end.

    A label stands right of the row where its curve ends, so that the curves are told apart
    without colour too; a legend under the plot names each colour.
    """

    def __init__(self, series: Sequence[tuple[str, Sequence[float]]], height: int = 12, title: str | None = None,
                 lang: str = "en") -> None:
        self.series = [(label, list(losses)) for label, losses in series]
        self.height = height
        self.title = say(lang, "plot.loss") if title is None else title
        self.lang = lang

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        every = [v for _, losses in self.series for v in losses]
        if not every or max(len(losses) for _, losses in self.series) < 2:
            return
        top_label, low_label = format_number(max(every), 4), format_number(min(every), 4)
        margin = max(len(top_label), len(low_label)) + 1
        names = [label for label, _ in self.series]
        room = max(len(", ".join(names)) + 1, 8)
        width = max(10, min(options.max_width - margin - 1 - room, 100))
        _, log = _scale(every)
        scale = (lambda v: math.log10(v)) if log else (lambda v: v)
        lo, hi = scale(min(every)), scale(max(every))
        span = (hi - lo) or 1.0
        cols, rows = width * 2, self.height * 4
        grid = [[0] * width for _ in range(self.height)]
        colour: list[list[str | None]] = [[None] * width for _ in range(self.height)]
        ends: dict[int, list[int]] = {}
        n = max(len(losses) for _, losses in self.series)
        for k, (_, losses) in enumerate(self.series):
            ys = [scale(v) for v in losses]
            last = round((len(ys) - 1) * (cols - 1) / max(n - 1, 1))
            for px in range(last + 1):
                # one x axis for all: iteration i is at the same column in every curve
                i = min(round(px * (n - 1) / (cols - 1)), len(ys) - 1)
                py = round((hi - ys[i]) / span * (rows - 1))
                grid[py // 4][px // 2] |= DOTS[py % 4][px % 2]
                colour[py // 4][px // 2] = COLOURS[k % len(COLOURS)]
            ends.setdefault(round((hi - ys[-1]) / span * (rows - 1)) // 4, []).append(k)
        yield Text(f"{self.title}{say(self.lang, 'plot.log') if log else ''}", style="bold")
        for r in range(self.height):
            label = top_label if r == 0 else low_label if r == self.height - 1 else ""
            line = Text(f"{label:>{margin - 1}} ┤", style="dim")
            for bits, style in zip(grid[r], colour[r]):
                line.append(chr(0x2800 + bits), style=style or "")
            for j, k in enumerate(ends.get(r, [])):
                line.append(", " if j else " ")
                line.append(names[k], style=f"bold {COLOURS[k % len(COLOURS)]}")
            yield line
        first, last_label = "0", f"{n - 1:,}"
        yield Text(" " * margin + "└" + "─" * width, style="dim")
        yield Text(" " * (margin + 1) + first + " " * max(1, width - len(first) - len(last_label)) + last_label,
                   style="dim")
        yield Text(" " * (margin + 1) + say(self.lang, "plot.updates"), style="dim")
        legend = Text(" " * (margin + 1))
        for k, name in enumerate(names):
            legend.append("  " if k else "")
            legend.append("━━ ", style=COLOURS[k % len(COLOURS)])
            legend.append(name)
        yield legend
