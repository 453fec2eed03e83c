"""A compact drawing of the network: layers as columns, weights by name, values known so far.

    inputs      weights      hidden · sigmoid     weights      outputs · sigmoid
    i1  0.05    h1 ← w1 w2   h1  0.5933           o1 ← w5 w6   o1  0.7514
    i2  0.1     h2 ← w3 w4   h2  0.5969           o2 ← w7 w8   o2  0.7729
                + b1                              + b2

The unit or weight of the current step is highlighted. Values are read from the steps up to
the current one (nothing is recomputed).

The drawing takes the first of `LAYOUTS` that fits the terminal's width: headers go on two
lines, then the weight names give way (those of the step's layer stay longest), then the
layers the step does not touch, then digits. Numbers and unit names are never cut. A layer
longer than MAX_UNITS keeps the step's units and their operands' units, eliding around them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Sequence

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from bpwalk.formula.numbers import at_most, format_number
from bpwalk.scenario import Scenario
from bpwalk.engine.steps import Step, Trace
from bpwalk.walk.frames import Frame
from bpwalk.words import say

MAX_UNITS = 6          # a longer layer shows its first units, the step's units, a ⋮ and its last one
MAX_NAMES = 4          # weight names in one row of a weight column
GAP = 2                # cells between two columns (the table's padding of 1 on either side)


@dataclass
class Known:
    """The latest value of every unit and parameter as of one step."""

    out: dict[str, float] = field(default_factory=dict)
    delta: dict[str, float] = field(default_factory=dict)
    params: dict[str, float] = field(default_factory=dict)


def known_values(trace: Trace, upto: int, shown: Frame | None = None) -> Known:
    """Values shown beside the diagram when step `upto` (0-based) is on screen, or frame `shown`
    (whose steps a grouped style shows out of the trace's order: only those it has shown count)."""
    known = Known(params=dict(trace.parameters))
    current = trace.steps[upto]
    for step in trace.steps[: upto + 1]:
        if step.value is None or (shown is not None and not shown.known(step.index)):
            continue
        kind, name = step.ref.kind, step.ref.unit
        same_sample = step.sample is None or current.sample is None or step.sample == current.sample
        if kind == "out" and same_sample and step.iteration == current.iteration:
            known.out[name] = step.value
        elif kind == "delta" and same_sample and step.iteration == current.iteration:
            known.delta[name] = step.value
        elif kind == "new" and (step.sample is None or same_sample or current.sample is None):
            known.params[name] = step.value
    if current.phase in ("forward",) or current.iteration is None:
        known.delta.clear()
    samples = trace.scenario.samples
    if current.sample is not None or len(samples) == 1:
        # the inputs are known from the start; with several samples, only within one sample
        known.out.update(zip(trace.scenario.inputs, samples[(current.sample or 1) - 1].inputs))
    return known


def highlighted(step: Step | None) -> set[str]:
    """Names (units, parameters) that the step is about."""
    if step is None or step.phase in ("intro", "summary"):
        return set()
    names = {step.subject}
    if step.ref.via:
        names.add(step.ref.via)
    if step.rule == "chain" and step.operands:
        names.add(step.operands[0].ref.unit)
    return names


def _num(x: float, digits: int) -> str:
    return format_number(x, digits)


def shown_rows(count: int, keep: Sequence[int] = (), limit: int = MAX_UNITS) -> list[int | None]:
    """Which of `count` rows to show (None: a run of hidden rows), at most `limit` where it can be.

    The first and last rows and every row in `keep` are shown; the rest of the room goes to
    the first rows, so without `keep` a long layer shows its head, a gap and its last row.
    """
    if count <= limit:
        return list(range(count))
    shown = {0, count - 1} | {i for i in keep if 0 <= i < count}
    for i in range(count):
        if i not in shown and len(_with_gaps(shown | {i})) <= limit:
            shown.add(i)
    return _with_gaps(shown)


def _with_gaps(indices: set[int]) -> list[int | None]:
    out: list[int | None] = []
    for i in sorted(indices):
        if out and out[-1] is not None and i > out[-1] + 1:
            out.append(None)
        out.append(i)
    return out


def _gap_sizes(rows: list[int | None]) -> list[int]:
    """How many rows each None in `rows` stands for (a None always has shown rows on both sides)."""
    sizes = []
    for k, r in enumerate(rows):
        before, after = rows[k - 1], rows[k + 1] if k + 1 < len(rows) else None
        if r is None and before is not None and after is not None:
            sizes.append(after - before - 1)
    return sizes


Weights = Literal["all", "focus", "marked", "none"]   # every weight name, the step's layer's, the step's own, none
Layers = Literal["all", "focus"]                        # every layer, or only those the step touches


@dataclass(frozen=True)
class Layout:
    """How much the drawing shows: one rung of the ladder it steps down to fit the width."""

    short_headers: bool = False     # "hidden · sigmoid" on two lines
    weights: Weights = "all"
    layers: Layers = "all"
    digits: int = 4


# what is drawn, from everything to the least; each rung first with one-line headers
_RUNGS: tuple[tuple[Weights, Layers, int], ...] = (
    ("all", "all", 4), ("focus", "all", 4), ("marked", "all", 4), ("marked", "focus", 4),
    ("marked", "focus", 3), ("none", "focus", 3), ("none", "focus", 2),
)
LAYOUTS: tuple[Layout, ...] = tuple(Layout(short, weights, layers, digits)
                                    for weights, layers, digits in _RUNGS for short in (False, True))


@dataclass(frozen=True)
class Column:
    header: str
    cell: Text

    @property
    def width(self) -> int:
        lines = self.header.split("\n") + self.cell.plain.split("\n")
        return max(cell_len(line) for line in lines)


class NetworkDiagram:
    """The network as columns of units and weights, with the current step's names highlighted."""

    def __init__(self, trace: Trace, upto: int, digits: int = 4, show_values: bool = True, lang: str = "en",
                 frame: Frame | None = None) -> None:
        """The network as of step `upto`; with `frame` (a grouped style's), marking all its steps."""
        self.lang = lang
        self.scenario: Scenario = trace.scenario
        self.known = known_values(trace, upto, frame) if show_values else Known()
        steps = [trace.steps[i] for i in frame.steps] if frame is not None else [trace.steps[upto]]
        self.marked = set().union(*(highlighted(s) for s in steps)) if show_values else set()
        self.focus = set().union(*(self._focus(s) for s in steps)) if show_values else set()
        self.digits = at_most(digits, 4)

    # -- what the step touches ----------------------------------------------------------

    def _layer_of(self) -> dict[str, int]:
        """Unit or parameter name -> the column it is drawn in (-1: the inputs, l: layer l)."""
        where = {name: -1 for name in self.scenario.inputs}
        for l, layer in enumerate(self.scenario.layers):
            where.update((u, l) for u in layer.units)
            where.update((w, l) for row in layer.weight_names for w in row)
            where.update((b, l) for b in layer.bias_names)
        return where

    def _focus(self, step: Step) -> set[str]:
        """The units and parameters the step is about or reads: they stay on screen."""
        if step.phase in ("intro", "summary"):
            return set()
        names = set(highlighted(step))
        for op in step.operands:
            names.update(n for n in (op.ref.unit, op.ref.via) if n)    # dE_dout.h1@o1: h1 and o1
        for layer in self.scenario.layers:
            for u, row in enumerate(layer.weight_names):
                bias = layer.bias_index(u)
                if names & set(row) or (bias is not None and layer.bias_names[bias] in names):
                    names.add(layer.units[u])    # a parameter's step shows the unit it feeds
        return names

    def _kept(self, names: Sequence[str], limit: int = MAX_UNITS) -> list[int]:
        """Which of a long list of names to keep: the focus, or only the highlighted ones if that is too many."""
        keep = [i for i, u in enumerate(names) if u in self.focus]
        if len(_with_gaps({0, len(names) - 1, *keep})) > limit:
            keep = [i for i, u in enumerate(names) if u in self.marked]
        return keep

    # -- cells ---------------------------------------------------------------------------

    def _name(self, name: str) -> Text:
        return Text(name, style="bold reverse" if name in self.marked else "bold")

    def _unit_cell(self, units: tuple[str, ...], rows: list[int | None], digits: int) -> Text:
        text = Text()
        gaps = iter(_gap_sizes(rows))
        for i, r in enumerate(rows):
            if i:
                text.append("\n")
            if r is None:
                text.append(f"⋮ (+{next(gaps)})", style="dim")
                continue
            unit = units[r]
            text.append_text(self._name(unit))
            if unit in self.known.out:
                text.append(f" {_num(self.known.out[unit], digits)}")
            if unit in self.known.delta:
                text.append(f" δ {_num(self.known.delta[unit], digits)}", style="magenta")
        return text

    def _names(self, names: Sequence[str], digits: int, marked_only: bool) -> Text:
        text = Text()
        picked = [n for n in names if n in self.marked] if marked_only else names
        for j, k in enumerate(shown_rows(len(picked), self._kept(picked, MAX_NAMES), MAX_NAMES)):
            if j:
                text.append(" ")
            text.append_text(Text("⋯", style="dim") if k is None else self._weight(picked[k], digits))
        return text

    def _weight_cell(self, layer_index: int, rows: list[int | None], digits: int, marked_only: bool) -> Text:
        layer = self.scenario.layers[layer_index]
        lines: list[Text] = []
        for r in rows:
            if r is None:
                lines.append(Text("" if marked_only else "⋮", style="dim"))
                continue
            names = layer.weight_names[r]
            line = Text()
            if not marked_only or self.marked & set(names):
                line.append(f"{layer.units[r]} ← ", style="dim")
                line.append_text(self._names(names, digits, marked_only))
            lines.append(line)
        if layer.bias != "none":
            names = layer.bias_names if layer.bias == "per_unit" else layer.bias_names[:1]
            if not marked_only or self.marked & set(names):
                lines.append(Text("+ ", style="dim") + self._names(names, digits, marked_only))
        return Text("\n").join(lines)

    def _weight(self, name: str, digits: int) -> Text:
        style = "bold reverse" if name in self.marked else ""
        text = Text(name, style=style)
        # the value beside a highlighted weight only when the step is about that one weight
        if name in self.marked and name in self.known.params and len(self.marked) <= 2:
            text.append(f"={_num(self.known.params[name], digits)}")
        return text

    # -- layout --------------------------------------------------------------------------

    def columns(self, layout: Layout) -> list[Column]:
        """The drawing's columns under one layout (a skipped run of layers is one ⋯ column)."""
        sc = self.scenario
        names = {key: say(self.lang, f"diagram.{key}") for key in ("inputs", "hidden", "outputs")}
        digits = at_most(self.digits, layout.digits)
        where = self._layer_of()
        touched = {where[n] for n in self.focus if n in where}
        marked_layers = {where[n] for n in self.marked if n in where}
        drawn = [l for l in range(-1, len(sc.layers)) if layout.layers == "all" or not touched or l in touched]
        out: list[Column] = []
        for l in range(-1, len(sc.layers)):
            if l not in drawn:
                if not out or out[-1].header != "⋯":
                    out.append(Column("⋯", Text("⋯", style="dim")))
                continue
            units = sc.inputs if l < 0 else sc.layers[l].units
            rows = shown_rows(len(units), self._kept(units))
            if l >= 0:
                weights = layout.weights == "all" or (layout.weights == "focus" and l in marked_layers)
                if weights or (layout.weights in ("focus", "marked") and l in marked_layers):
                    cell = self._weight_cell(l, rows, digits, marked_only=not weights)
                    if cell.plain.strip():
                        out.append(Column("", cell))
            if l < 0:
                header = names["inputs"]
            else:
                kind = names["outputs" if l == len(sc.layers) - 1 else "hidden"]
                activation = sc.layers[l].activation
                header = f"{kind}\n{activation}" if layout.short_headers else f"{kind} · {activation}"
            out.append(Column(header, self._unit_cell(units, rows, digits)))
        return out

    def fitted(self, width: int) -> list[Column]:
        """The columns of the first layout that fits `width` (the most compact one if none does)."""
        for layout in LAYOUTS:
            columns = self.columns(layout)
            if sum(c.width for c in columns) + GAP * (len(columns) - 1) <= width:
                return columns
        return columns

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        table = Table(box=None, padding=(0, 1), show_edge=False, pad_edge=False)
        columns = self.fitted(options.max_width)
        for column in columns:
            table.add_column(column.header, no_wrap=True)
        table.add_row(*(column.cell for column in columns))
        yield table
