"""A compact drawing of the network: layers as columns, weights by name, values known so far.

    inputs      weights      hidden · sigmoid     weights      outputs · sigmoid
    i1  0.05    h1 ← w1 w2   h1  0.5933           o1 ← w5 w6   o1  0.7514
    i2  0.1     h2 ← w3 w4   h2  0.5969           o2 ← w7 w8   o2  0.7729
                + b1                              + b2

The unit or weight of the current step is highlighted. Values are read from the steps up to
the current one (nothing is recomputed).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from bpwalk.formula.numbers import format_number
from bpwalk.scenario import Scenario
from bpwalk.engine.steps import Step, Trace

HEADERS = {"en": {"inputs": "inputs", "hidden": "hidden", "outputs": "outputs"},
           "zh": {"inputs": "输入层", "hidden": "隐藏层", "outputs": "输出层"}}
MAX_UNITS = 6          # a longer layer shows its first units, a ⋮ and its last one


@dataclass
class Known:
    """The latest value of every unit and parameter as of one step."""

    out: dict[str, float] = field(default_factory=dict)
    delta: dict[str, float] = field(default_factory=dict)
    params: dict[str, float] = field(default_factory=dict)


def known_values(trace: Trace, upto: int) -> Known:
    """Values shown beside the diagram when step `upto` (0-based) is on screen."""
    known = Known(params=dict(trace.parameters))
    current = trace.steps[upto]
    for step in trace.steps[: upto + 1]:
        if step.value is None:
            continue
        kind, _, name = step.quantity.partition(".")
        same_sample = step.sample is None or current.sample is None or step.sample == current.sample
        if kind == "out" and same_sample:
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
    if "@" in step.quantity:
        names.add(step.quantity.split("@", 1)[1])
    if step.rule == "chain" and step.operands:
        names.add(step.operands[0].name.split(".", 1)[1])
    return names


def _num(x: float, digits: int) -> str:
    return format_number(x, digits)


def _clip(items: list, limit: int = MAX_UNITS) -> list:
    if len(items) <= limit:
        return items
    return items[: limit - 2] + [None] + items[-1:]


class NetworkDiagram:
    """The network as columns of units and weights, with the current step's names highlighted."""

    def __init__(self, trace: Trace, upto: int, digits: int = 4, show_values: bool = True, lang: str = "en") -> None:
        self.lang = lang
        self.scenario: Scenario = trace.scenario
        self.known = known_values(trace, upto) if show_values else Known()
        self.marked = highlighted(trace.steps[upto]) if show_values else set()
        self.digits = min(digits, 4)

    def _name(self, name: str) -> Text:
        return Text(name, style="bold reverse" if name in self.marked else "bold")

    def _unit_cell(self, units: tuple[str, ...]) -> Text:
        text = Text()
        for i, unit in enumerate(_clip(list(units))):
            if i:
                text.append("\n")
            if unit is None:
                text.append(f"⋮ (+{len(units) - MAX_UNITS + 1})", style="dim")
                continue
            text.append_text(self._name(unit))
            if unit in self.known.out:
                text.append(f" {_num(self.known.out[unit], self.digits)}")
            if unit in self.known.delta:
                text.append(f" δ {_num(self.known.delta[unit], self.digits)}", style="magenta")
        return text

    def _weight_cell(self, layer_index: int) -> Text:
        layer = self.scenario.layers[layer_index]
        text = Text()
        rows = _clip(list(zip(layer.units, layer.weight_names)))
        for i, row in enumerate(rows):
            if i:
                text.append("\n")
            if row is None:
                text.append("⋮", style="dim")
                continue
            unit, names = row
            text.append(f"{unit} ← ", style="dim")
            for j, name in enumerate(_clip(list(names), 4)):
                if j:
                    text.append(" ")
                text.append_text(Text("…", style="dim") if name is None else self._weight(name))
        if layer.bias != "none":
            names = layer.bias_names if layer.bias == "per_unit" else layer.bias_names[:1]
            text.append("\n+ ", style="dim")
            for j, name in enumerate(_clip(list(names), 4)):
                if j:
                    text.append(" ")
                text.append_text(Text("…", style="dim") if name is None else self._weight(name))
        return text

    def _weight(self, name: str) -> Text:
        style = "bold reverse" if name in self.marked else ""
        text = Text(name, style=style)
        # the value beside a highlighted weight only when the step is about that one weight
        if name in self.marked and name in self.known.params and len(self.marked) <= 2:
            text.append(f"={_num(self.known.params[name], self.digits)}")
        return text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        sc = self.scenario
        table = Table(box=None, padding=(0, 1), show_edge=False, pad_edge=False)
        names = HEADERS.get(self.lang, HEADERS["en"])
        table.add_column(names["inputs"], no_wrap=True)
        cells = [self._unit_cell(sc.inputs)]
        for l, layer in enumerate(sc.layers):
            last = l == len(sc.layers) - 1
            table.add_column("", no_wrap=True)
            table.add_column(f"{names['outputs' if last else 'hidden']} · {layer.activation}", no_wrap=True)
            cells.append(self._weight_cell(l))
            cells.append(self._unit_cell(layer.units))
        table.add_row(*cells)
        yield table
