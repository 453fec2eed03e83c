"""The delta style's drawers (seed 004): ∂C/∂z once per unit, drawn as the network run backwards.

    ∂C⁽¹⁾/∂z_y1 = -0.0897 ──w₃=0.5──┐
                                    ├─▶ Σ = -0.0856 ─▶ [ σ′(z_h) = 0.2445 ] ─▶ ∂C⁽¹⁾/∂z_h = -0.0209
    ∂C⁽¹⁾/∂z_y2 = 0.1018 ──w₄=-0.4──┘

The next layer's ∂C/∂z values are the inputs of the reversed network; they flow back along
the weights, are summed, and pass through the unit's σ′(z), a constant known from the
forward pass. Each gradient is then ∂C/∂w = ∂z/∂w · ∂C/∂z, where ∂z/∂w is the weight's input.
"""

from __future__ import annotations

from typing import Sequence

from rich.cells import cell_len
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

import bpwalk.formula.equations as formula
from bpwalk.render.blocks import top_level_terms
from bpwalk.walk.frames import FrameKind
from bpwalk.walk.layers import symbol
from bpwalk.render.style_views import (
    RESULT,
    Drawer,
    ViewContext,
    elided,
    eq_lines,
    equation,
    joined,
    result,
    total_loss,
)
from bpwalk.walk.styles import dC_dz
from bpwalk.engine.steps import Step
from bpwalk.words import cases

MAX_INPUTS = 7          # a unit fed back by more shows the first three, a ⋮ and the last two
MAX_SUM_TERMS = 6       # a longer formula (a softmax δ of many outputs) shows its ends around a ⋯
MAX_ROWS = 10           # tables longer than this show their first and last rows around a ⋮
ARROW = " ──▶ "


def _split(expression: str) -> list[str]:
    """A one-line formula cut before its top-level + and − (where a long line may wrap); a sum of
    more than MAX_SUM_TERMS terms shows its first two, a ⋯ and its last."""
    terms = top_level_terms(expression)
    if len(terms) > MAX_SUM_TERMS:
        terms = [*terms[:2], " + ⋯", terms[-1]]
    return terms


def step_equation(ctx: ViewContext, width: int, step: Step, lhs: str | None = None) -> list[RenderableType]:
    """One step as `lhs = general = substituted = value`, from `formula.text`."""
    parts = formula.text(step, ctx.notation, ctx.digits, cases(ctx.lang))
    if parts is None:
        return []
    left, general, substituted, value = parts
    sides = [_split(general)]
    if substituted not in (general, value):
        sides.append(_split(substituted))
    if value != general:
        sides.append([result(ctx, step.value)])
    return eq_lines(width, equation([lhs or left], *sides))


def steps_equations(ctx: ViewContext, width: int) -> list[RenderableType]:
    """Every step of the frame as its own equation (forward, loss, softmax's ∂C/∂a)."""
    lines: list[RenderableType] = []
    for step in ctx.steps:
        lines += step_equation(ctx, width, step)
    return lines


# -- the reversed network -------------------------------------------------------------------

def reversed_network(inputs: Sequence[tuple[str, str, str | None]], right: Sequence[Text], width: int) -> list[Text]:
    """Inputs flowing back into a unit, and what the unit makes of them.

    Args:
        inputs: (name, value, edge) of each incoming gradient; edge is the weight it flows
            along ("w₃=0.5"), or None.
        right: the pieces after the junction, in order (Σ, the σ′ box, ∂C/∂z).
        width: the widest a line should be; pieces that do not fit continue on lines below.
    """
    rows = elided(list(inputs), None, MAX_INPUTS) if len(inputs) > MAX_INPUTS else list(inputs)
    lefts = _fan_in(rows, names=True)
    if max(cell_len(s) for s in lefts) + 5 > width:
        lefts = _fan_in(rows, names=False)   # long numbers: the values and weights only
    left_w = max(cell_len(s) for s in lefts)
    lines: list[Text] = []
    if len(rows) == 1:
        lines.append(Text(lefts[0] + "▶ "))
        hub = 0
    else:
        for i, s in enumerate(lefts):
            corner = "┐" if i == 0 else "┘" if i == len(lefts) - 1 else ("│" if rows[i] is None else "┤")
            fill = " " if rows[i] is None else "─"
            lines.append(Text(s + fill * (left_w - cell_len(s)) + corner))
        hub = (len(rows) - 1) // 2 + 1
        lines.insert(hub, Text(" " * left_w + "├──▶ "))
    pieces = list(right)
    _fill(lines[hub], pieces, width, must=False)
    indent = " " * min(left_w, 4)
    while pieces:
        line = Text(indent + ARROW.lstrip())
        _fill(line, pieces, width, must=True)
        lines.append(line)
    for line in lines:
        line.rstrip()
    return lines


def _fan_in(rows: Sequence[tuple[str, str, str | None] | None], names: bool) -> list[str]:
    """The left side: `name = value ──edge──` for each input, aligned (⋮ for an elided run)."""
    name_w = max(cell_len(r[0]) for r in rows if r is not None) if names else 0
    value_w = max(cell_len(r[1]) for r in rows if r is not None)
    edge_w = max((cell_len(r[2]) for r in rows if r is not None and r[2]), default=0)
    wire_w = edge_w + 4 if edge_w else 2
    lefts = []
    for r in rows:
        if r is None:
            lefts.append("⋮".center(name_w if names else value_w))
            continue
        name, value, edge = r
        wire = f"──{edge}──" if edge else "──"
        wire += "─" * (wire_w - cell_len(wire))
        label = f"{name}{' ' * (name_w - cell_len(name))} = " if names else ""
        lefts.append(f"{label}{value}{' ' * (value_w - cell_len(value))} {wire}")
    return lefts


def _fill(line: Text, pieces: list[Text], width: int, must: bool) -> None:
    """Move pieces onto the line while they fit, with arrows between them (`must`: at least one)."""
    placed = 0
    while pieces:
        sep = ARROW if placed else ""
        if line.cell_len + cell_len(sep) + pieces[0].cell_len > width and (placed or not must):
            break
        line.append(sep)
        line.append_text(pieces.pop(0))
        placed += 1


# -- backward: one unit ---------------------------------------------------------------------

def unit(ctx: ViewContext, width: int) -> list[RenderableType]:
    """∂C/∂z of one unit: its incoming gradient (loss derivative or paths), σ′(z), the product."""
    n = ctx.notation
    steps = ctx.steps
    u = steps[-1].subject
    sample = steps[-1].sample
    z = n.text(f"net.{u}", sample)
    dz = dC_dz(n, u, sample)
    da = n.text(f"dE_dout.{u}", sample)
    f = ctx.trace.scenario.layers[ctx.index.unit_layer[u]].activation
    gain = f"{symbol(f)}′({z})"
    paths = [s for s in steps if s.rule == "path"]
    total = next((s for s in steps if s.rule == "paths"), None)
    d_loss = next((s for s in steps if s.rule.startswith("dE_dout:")), None)
    dact = next((s for s in steps if s.rule.startswith("dact:")), None)
    delta = steps[-1]
    lines: list[RenderableType] = []
    inputs: list[tuple[str, str, str | None]] = []
    right: list[Text] = []
    if paths and total is not None:
        names = [f"{n.name_text(p.operands[1].name)}·{dC_dz(n, p.operands[0].name.partition('.')[2], sample)}"
                 for p in paths]
        incoming = f"({joined(names)})"
        numbers = joined([f"{ctx.term(p.operands[1].value)}·{ctx.term(p.operands[0].value)}" for p in paths])
        products = joined([ctx.term(p.value) for p in paths])
        sides = [[incoming[1:-1]], [numbers]] + ([[products]] if len(paths) > 1 else []) + [[result(ctx, total.value)]]
        lines += eq_lines(width, equation([dz], [f"{gain}·{incoming}"] if dact else [incoming]), equation([da], *sides))
        for p in paths:
            source = dC_dz(n, p.operands[0].name.partition(".")[2], sample)
            inputs.append((source, ctx.num(p.operands[0].value),
                           f"{n.name_text(p.operands[1].name)}={ctx.num(p.operands[1].value)}"))
        right.append(Text(f"Σ = {ctx.num(total.value)}"))
    elif d_loss is not None:
        lines += eq_lines(width, equation([dz], [f"{gain}·{da}"]))
        lines += step_equation(ctx, width, d_loss, da)
        inputs.append((da, ctx.num(d_loss.value), None))
    if delta.rule != "delta":   # delta:<f> of a layer-wise f (softmax)
        half = len(delta.operands) // 2
        lines += step_equation(ctx, width, delta, dz)
        if not inputs:
            inputs = [(n.text(op.name, sample), ctx.num(op.value), None) for op in delta.operands[:half]]
        # a softmax output depends on every net of its layer: the gradients meet through ∂a_k/∂z
        right.append(Text(f"[ Σₖ ·∂aₖ/∂{z} ]", style="bold"))
    elif dact is not None:
        lines += step_equation(ctx, width, dact, gain)
        factors = [op.value for op in delta.operands]   # (∂C/∂a, σ′): written σ′·∂C/∂a as the document does
        lines += eq_lines(width, equation([dz], [f"{ctx.term(factors[1])}·{ctx.term(factors[0])}"],
                                          [result(ctx, delta.value)]))
        right.append(Text(f"[ {gain} = {ctx.num(dact.value)} ]", style="bold"))
    right.append(Text.assemble(f"{dz} = ", (ctx.num(delta.value), RESULT)))
    lines.append(Text(ctx.word("style.reversed"), style="dim"))
    if inputs:
        lines += reversed_network(inputs, right, width)
    return lines


# -- gradients ------------------------------------------------------------------------------

def _table(headers: Sequence[str], rows: Sequence[Sequence[Text | str]], result_column: int) -> Table:
    table = Table(box=None, show_header=True, header_style="dim", padding=(0, 1), pad_edge=False)
    for i, h in enumerate(headers):
        table.add_column(h, justify="left" if i == 0 else "right", style=RESULT if i == result_column else "",
                         no_wrap=True)
    shown = elided(list(rows), None, MAX_ROWS) if len(rows) > MAX_ROWS else list(rows)
    for r in shown:
        table.add_row(*(r if r is not None else ["⋮"] * len(headers)))
    return table


def _table_width(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> int:
    """The cells `_table` takes: its columns, and a padding of 1 on either side between them."""
    widths = [max(cell_len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    return sum(widths) + 2 * (len(widths) - 1)


def grad(ctx: ViewContext, width: int) -> list[RenderableType]:
    """∂C/∂w = ∂z/∂w · ∂C/∂z for a unit's incoming weights and bias."""
    n = ctx.notation
    first = ctx.steps[0]
    u = first.operands[0].name.partition(".")[2]
    loss = n.text("loss", first.sample)
    z = n.text(f"net.{u}", first.sample)
    dz = dC_dz(n, u, first.sample)
    delta = ctx.delta_value(first)
    lines: list[RenderableType] = eq_lines(width, equation([f"∂{loss}/∂w"], [f"∂{z}/∂w · {dz}"]))
    pre = n.sym("pre_activation") or "z"
    headers = ["", f"∂{pre}/∂w", "", f"∂{loss}/∂{pre}", "", f"∂{loss}/∂w"]
    for named in (True, False):      # a narrow terminal: the inputs' values without their names
        rows = []
        for s in ctx.steps:
            x = s.operands[-1]
            source = ctx.num(x.value) if x.name != "1" else "1"
            if named and x.name != "1":
                source = f"{n.text(x.name, s.sample)} = {source}"
            rows.append([n.name_text(s.subject), source, "×", ctx.num(delta), "=", ctx.num(s.value)])
        if _table_width(headers, rows) <= width:
            break
    lines.append(_table(headers, rows, 5))
    lines.append(Text(f"∂{z}/∂w: {ctx.word('style.forward_value')}", style="dim"))
    lines.append(Text(f"{dz}: {ctx.word('style.backward_value')}", style="dim"))
    return lines


def bias(ctx: ViewContext, width: int) -> list[RenderableType]:
    """∂C/∂b of a bias shared by a layer: the sum of its units' ∂C/∂z."""
    (step,) = ctx.steps
    n = ctx.notation
    names = joined([dC_dz(n, op.name.partition(".")[2], step.sample) for op in step.operands])
    numbers = joined([ctx.term(op.value) for op in step.operands])
    return eq_lines(width, equation([n.text(step.quantity, step.sample)], [names], [numbers], [result(ctx, step.value)]))


def sums(ctx: ViewContext, width: int) -> list[RenderableType]:
    """∂L/∂w = Σₙ ∂Cⁿ/∂w: each sample's gradient of each parameter, and their sum (or mean)."""
    n = ctx.notation
    mean = ctx.steps[0].rule.endswith(":mean")
    count = len(ctx.steps[0].operands)
    per = f"{n.sym('loss')}⁽ⁿ⁾"
    general = f"{f'(1/{count})·' if mean else ''}Σₙ ∂{per}/∂w"
    lines: list[RenderableType] = eq_lines(width, equation([f"∂{n.text('total_loss')}/∂w"], [general]))
    number_w = max(len(ctx.num(op.value)) for s in ctx.steps for op in s.operands)
    fit = max(2, (width - 24) // (number_w + 1))        # sample columns that fit beside name and result
    shown = list(range(count)) if count <= fit else [0, None, count - 1] if fit < 4 else [0, 1, None, count - 1]
    headers = [""] + [f"∂{n.text('loss', ctx.sample_of(ctx.steps[0].operands[k].source))}/∂w" if k is not None
                      else "⋯" for k in shown] + [f"∂{n.text('total_loss')}/∂w"]
    rows = [[n.name_text(s.subject)] + [ctx.num(s.operands[k].value) if k is not None else "⋯" for k in shown]
            + [ctx.num(s.value)] for s in ctx.steps]
    lines.append(_table(headers, rows, len(headers) - 1))
    lines.append(Text(ctx.word("style.mean" if mean else "style.sum"), style="dim"))
    return lines


def update(ctx: ViewContext, width: int) -> list[RenderableType]:
    """w⁺ = w − η·∂L/∂w for a layer's parameters."""
    n = ctx.notation
    trained = [s for s in ctx.steps if s.rule == "update"]
    sample = ctx.steps[0].sample
    loss = n.text("loss", sample) if sample is not None else n.text("total_loss")
    lines: list[RenderableType] = []
    if trained:
        lr = trained[0].operands[1].value
        lines += eq_lines(width, equation(["w⁺"], [f"w − {n.text('lr')}·∂{loss}/∂w"]),
                          equation([n.text("lr")], [ctx.num(lr)]))
    rows = []
    for s in ctx.steps:
        gradient = ctx.num(s.operands[2].value) if s.rule == "update" else "—"
        rows.append([n.name_text(s.subject), ctx.num(s.operands[0].value), gradient, ctx.num(s.value)])
    lines.append(_table(["", "w", f"∂{loss}/∂w", "w⁺"], rows, 3))
    if len(trained) < len(ctx.steps):
        lines.append(Text(f"—: {ctx.word('step.not_trained')}", style="dim"))
    return lines


DRAWERS: dict[FrameKind, Drawer] = {
    FrameKind.DELTA_FORWARD: steps_equations,
    FrameKind.DELTA_LOSS: steps_equations,
    FrameKind.DELTA_TOTAL: total_loss,
    FrameKind.DELTA_DE_DOUT: steps_equations,
    FrameKind.DELTA_UNIT: unit,
    FrameKind.DELTA_GRAD: grad,
    FrameKind.DELTA_BIAS: bias,
    FrameKind.DELTA_SUM: sums,
    FrameKind.DELTA_UPDATE: update,
}
