"""The opening and closing frames: the whole scenario, and what one walk-through achieved."""

from __future__ import annotations

import re

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from bpwalk.formula.numbers import format_number
from bpwalk.render.diagram import NetworkDiagram
from bpwalk.render.terminal import phase_name
from bpwalk.engine.steps import Trace
from bpwalk.words import name_of, say

SIDE_GAP = 4            # cells between the parameters and the samples beside them
UNLIMITED = 10_000


_INLINE = re.compile(r"\*\*(.+?)\*\*|`(.+?)`|(?<![\w*])[*_](.+?)[*_](?![\w*])")


def light_markdown(source: str) -> Text:
    """The Markdown a description uses (paragraphs, bullets, **bold**, *italic*, `code`) as Text.

    rich.markdown takes 50 ms to import, a fifth of the first screen's budget; descriptions
    are a few sentences, so this small subset is enough.
    """
    out = Text()
    blocks = [b for b in re.split(r"\n\s*\n", source.strip()) if b.strip()]
    for i, block in enumerate(blocks):
        lines = [line.strip() for line in block.splitlines()]
        items = [line[2:] for line in lines if line[:2] in ("- ", "* ")]
        pieces = [f"• {item}" for item in items] if len(items) == len(lines) else [" ".join(lines)]
        for j, piece in enumerate(pieces):
            if i or j:
                out.append("\n\n" if j == 0 else "\n")
            pos = 0
            for m in _INLINE.finditer(piece):
                out.append(piece[pos:m.start()])
                bold, code, italic = m.groups()
                out.append(bold or code or italic, style="bold" if bold else "cyan" if code else "italic")
                pos = m.end()
            out.append(piece[pos:])
    return out


def label(lang: str, key: str) -> str:
    return say(lang, f"overview.{key}")


def _num(x: float, digits: int) -> str:
    return format_number(x, digits)


def parameter_table(trace: Trace, digits: int, lang: str, final: dict[str, float] | None = None,
                    pairs: int | None = None) -> Table:
    """Every weight and bias, with its value (and its value after training when given).

    `pairs` is how many name-value columns stand side by side (default: 3 for more than 12
    parameters, else 1).
    """
    sc = trace.scenario
    table = Table(title=label(lang, "parameters"), title_justify="left", box=None, padding=(0, 1))
    columns = 0
    for _ in range(pairs or (3 if len(trace.parameters) > 12 else 1)):
        table.add_column(label(lang, "name"), style="cyan")
        table.add_column(label(lang, "value"), justify="right")
        if final is not None:
            table.add_column(label(lang, "final"), justify="right", style="green")
        columns += 1
    trained = sc.trained_parameters()
    cells: list[str] = []
    for name, value in trace.parameters.items():
        shown = name if name in trained else f"{name}*"
        cells.append(shown)
        cells.append(_num(value, digits))
        if final is not None:
            cells.append(_num(final[name], digits))
    width = 3 if final is not None else 2
    per_row = width * columns
    limit = 60 * per_row
    for start in range(0, min(len(cells), limit), per_row):
        row = cells[start:start + per_row]
        table.add_row(*(row + [""] * (per_row - len(row))))
    if len(cells) > limit:
        table.add_row("…", f"+{(len(cells) - limit) // width}")
    return table


def untrained_note(trace: Trace, lang: str) -> Text | None:
    """The footnote for the parameters marked * (biases of layers with train_bias: false)."""
    if all(layer.train_bias or layer.bias == "none" for layer in trace.scenario.layers):
        return None
    return Text(f"* {say(lang, 'step.not_trained')}", style="dim")


def sample_table(trace: Trace, digits: int, lang: str) -> Table:
    sc = trace.scenario
    table = Table(title=label(lang, "samples"), title_justify="left", box=None, padding=(0, 1))
    table.add_column("#", style="dim")
    for name in sc.inputs[:8]:
        table.add_column(name, justify="right")
    table.add_column("→", style="dim")
    for name in sc.outputs[:8]:
        table.add_column(say(lang, "overview.target", name=name), justify="right")
    for n, sample in enumerate(sc.samples[:20], 1):
        table.add_row(str(n), *(_num(x, digits) for x in sample.inputs[:8]), "",
                      *(_num(t, digits) for t in sample.targets[:8]))
    if len(sc.samples) > 20:
        table.add_row("…", f"+{len(sc.samples) - 20}")
    return table


def settings_table(trace: Trace, digits: int, lang: str) -> Table:
    sc = trace.scenario
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim")
    table.add_column()
    table.add_row(label(lang, "loss"), name_of(lang, "loss", sc.loss))
    table.add_row(label(lang, "reduction"), name_of(lang, "reduction", sc.reduction))
    table.add_row(label(lang, "update"), name_of(lang, "update", sc.update))
    table.add_row(label(lang, "lr"), _num(sc.learning_rate, digits))
    table.add_row(label(lang, "iterations"), str(sc.iterations))
    return table


def widest(console: Console, options: ConsoleOptions, renderable: RenderableType) -> int:
    """The cells a renderable takes when nothing makes it wrap."""
    return Measurement.get(console, options.update(width=UNLIMITED), renderable).maximum


def fitted_parameters(trace: Trace, digits: int, lang: str, console: Console, options: ConsoleOptions,
                      final: dict[str, float] | None = None, most: int | None = None) -> Table:
    """The parameter table with up to `most` name-value columns side by side, as many as the width takes."""
    most = most or (3 if len(trace.parameters) > 12 else 1)
    for pairs in range(most, 0, -1):
        table = parameter_table(trace, digits, lang, final, pairs)
        if widest(console, options, table) <= options.max_width:
            break
    return table


class IntroView:
    """The opening frame: title, source, description, diagram, parameters, samples, settings."""

    def __init__(self, trace: Trace, digits: int, lang: str) -> None:
        self.trace, self.digits, self.lang = trace, digits, lang

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        sc = self.trace.scenario
        yield Text(f"{phase_name(self.lang, 'intro')} · {sc.title}", style="bold")
        if sc.source:
            yield Text(sc.source, style="dim")
        if sc.description:
            yield light_markdown(sc.description)
        yield Text()
        yield NetworkDiagram(self.trace, 0, self.digits, lang=self.lang)
        yield Text()
        note = untrained_note(self.trace, self.lang)
        params = fitted_parameters(self.trace, self.digits, self.lang, console, options)
        left = Group(params, note) if note else params
        right = Group(sample_table(self.trace, self.digits, self.lang), Text(),
                      settings_table(self.trace, self.digits, self.lang))
        if widest(console, options, left) + SIDE_GAP + widest(console, options, right) <= options.max_width:
            side = Table.grid(padding=(0, SIDE_GAP))
            side.add_row(left, right)
            yield side
        else:
            # a narrow terminal: the samples and settings below the parameters, which may then
            # spread across the width to keep the frame short
            most = min(3, max(1, len(self.trace.parameters) // 3))
            params = fitted_parameters(self.trace, self.digits, self.lang, console, options, most=most)
            yield Group(params, note) if note else params
            yield Text()
            yield right


class SummaryView:
    """The closing frame: the loss before and after, the outputs reached, the parameters learnt."""

    def __init__(self, trace: Trace, digits: int, lang: str) -> None:
        self.trace, self.digits, self.lang = trace, digits, lang

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        trace, digits, lang = self.trace, self.digits, self.lang
        first, final = trace.iterations[0].total_loss, trace.final.total_loss
        yield Text(phase_name(lang, "summary") + f" · {trace.scenario.title}", style="bold")
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim")
        grid.add_column(justify="right")
        grid.add_row(label(lang, "before"), _num(first, digits))
        grid.add_row(label(lang, "after"), Text(_num(final, digits), style="bold green"))
        change = final - first
        grid.add_row(label(lang, "change"), f"{_num(change, digits)} ({_num(100 * change / first, 3) if first else '∞'} %)")
        yield grid
        yield Text()
        outs = Table(title=label(lang, "outputs"), title_justify="left", box=None, padding=(0, 1))
        outs.add_column("#", style="dim")
        names = trace.scenario.outputs[:8]
        for name in names:
            outs.add_column(name, justify="right")
        for rec, sample in zip(trace.final.samples[:20], trace.scenario.samples):
            outs.add_row(str(rec.sample), *(f"{_num(rec.out[n], digits)} (→ {_num(t, digits)})"
                                            for n, t in zip(names, sample.targets)))
        yield outs
        yield Text()
        yield fitted_parameters(trace, digits, lang, console, options, final=dict(trace.iterations[-1].new))
        note = untrained_note(trace, lang)
        if note is not None:
            yield note
