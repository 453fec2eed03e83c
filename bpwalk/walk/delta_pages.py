"""The delta style's pages (seed 004): ∂C/∂z once per unit, drawn as the network run backwards.

    ∂C⁽¹⁾/∂z_y1 = -0.0897 ──w₃=0.5──┐
                                    ├─▶ Σ = -0.0856 ─▶ [ σ′(z_h) = 0.2445 ] ─▶ ∂C⁽¹⁾/∂z_h = -0.0209
    ∂C⁽¹⁾/∂z_y2 = 0.1018 ──w₄=-0.4──┘

The next layer's ∂C/∂z values are the inputs of the reversed network (a `FanIn`); they flow
back along the weights, are summed, and pass through the unit's σ′(z), a constant known from
the forward pass. Each gradient is then ∂C/∂w = ∂z/∂w · ∂C/∂z, where ∂z/∂w is the weight's input.
"""

from __future__ import annotations

from typing import Any

from bpwalk.formula.notation import latex_letters
from bpwalk.walk.frames import FrameKind
from bpwalk.walk.layers import symbol
from bpwalk.walk.page import (
    TIMES, Block, FanIn, Grid, Named, Note, Num, Source, Stage, StepBlock, Sym, derivative, signed,
)
from bpwalk.walk.pagekit import Builder, PageContext, joined, math, total_loss
from bpwalk.walk.styles import function

W = Sym("w", "w")


def steps_equations(ctx: PageContext) -> list[Block]:
    """Every step of the frame as its own equation (forward, loss, softmax's ∂C/∂a)."""
    return [StepBlock(i, alone=True) for i in ctx.frame.steps]


# -- backward: one unit ---------------------------------------------------------------------

def unit(ctx: PageContext) -> list[Block]:
    """∂C/∂z of one unit: its incoming gradient (loss derivative or paths), σ′(z), the product."""
    steps = ctx.steps
    u = steps[-1].subject
    sample = steps[-1].sample
    z = ctx.q(f"net.{u}", sample)
    dz = ctx.dC_dz(u, sample)
    da = ctx.q(f"dE_dout.{u}", sample)   # −∂C/∂a in the error convention
    f = ctx.trace.scenario.layers[ctx.index.unit_layer[u]].activation
    gain = function(symbol(f)) + Sym("′(", "'(") + z + Sym(")", ")")
    paths = [s for s in steps if s.rule == "path"]
    total = next((s for s in steps if s.rule == "paths"), None)
    d_loss = next((s for s in steps if s.rule_kind == "dE_dout"), None)
    dact = next((s for s in steps if s.rule_kind == "dact"), None)
    delta = steps[-1]
    assert delta.value is not None
    blocks: list[Block] = []
    sources: list[Source] = []
    stages: list[Stage] = []
    if paths and total is not None:
        assert total.value is not None
        names = [ctx.param(p.operands[1].name) + TIMES + ctx.dC_dz(p.operands[0].ref.unit, sample, factor=True)
                 for p in paths]
        incoming = ("(", *joined(names), ")")
        numbers = joined([(Num(p.operands[1].value, term=True), "·", Num(p.operands[0].value, term=True))
                          for p in paths])
        products = [joined([Num(p.value, term=True) for p in paths if p.value is not None])] if len(paths) > 1 else []
        blocks += [math([dz], [gain, "·", *incoming] if dact else incoming),
                   math([da], joined(names), numbers, *products, [Num(total.value, result=True)])]
        for p in paths:
            source = ctx.dC_dz(p.operands[0].ref.unit, sample)
            sources.append(Source(source, p.operands[0].value, ctx.param(p.operands[1].name), p.operands[1].value))
        stages.append(Stage(("Σ = ", Num(total.value))))
    elif d_loss is not None:
        assert d_loss.value is not None
        blocks += [math([dz], [gain, "·", ctx.factor(da)]), StepBlock(d_loss.index, da, alone=True)]
        sources.append(Source(da, d_loss.value))
    if delta.rule != "delta":   # delta:<f> of a layer-wise f (softmax)
        half = len(delta.operands) // 2
        blocks.append(StepBlock(delta.index, dz, alone=True))
        if not sources:
            sources = [Source(ctx.q(op.name, sample), op.value) for op in delta.operands[:half]]
        # a softmax output depends on every net of its layer: the gradients meet through ∂a_k/∂z
        stages.append(Stage(("Σₖ ·", derivative(Sym("aₖ", "a_{k}"), z)), boxed=True))
    elif dact is not None:
        assert dact.value is not None
        blocks.append(StepBlock(dact.index, gain, alone=True))
        factors = [op.value for op in delta.operands]   # (∂C/∂a, σ′): written σ′·∂C/∂a as the document does
        blocks.append(math([dz], [Num(factors[1], term=True), "·", Num(factors[0], term=True)],
                           [Num(delta.value, result=True)]))
        stages.append(Stage((gain, " = ", Num(dact.value)), boxed=True))
    stages.append(Stage((dz, " = ", Num(delta.value, result=True))))
    blocks.append(Note(ctx.word("style.reversed")))
    if sources:
        blocks.append(FanIn(tuple(sources), tuple(stages)))
    return blocks


def input_unit(ctx: PageContext) -> list[Block]:
    """∂C/∂x of one input, where the reversed network ends: the first layer's ∂C/∂z back along its weights."""
    (step,) = ctx.steps
    sample = step.sample
    assert step.value is not None
    dx = ctx.q(step.quantity, sample)
    pairs = [(step.operands[i], step.operands[i + 1]) for i in range(0, len(step.operands), 2)]   # (w, δ)
    names = [ctx.param(w.name) + TIMES + ctx.dC_dz(d.ref.unit, sample) for w, d in pairs]
    numbers = joined([(Num(w.value, term=True), "·", Num(d.value, term=True)) for w, d in pairs])
    sources = tuple(Source(ctx.dC_dz(d.ref.unit, sample), d.value, ctx.param(w.name), w.value) for w, d in pairs)
    sums = (Stage(("Σ = ", Num(step.value))),) if len(pairs) > 1 else ()
    return [math([dx], joined(names), numbers, [Num(step.value, result=True)]),
            Note(ctx.word("style.reversed")), Note(ctx.word("style.dinput")),
            FanIn(sources, (*sums, Stage((dx, " = ", Num(step.value, result=True)))))]


# -- gradients ------------------------------------------------------------------------------

def grad(ctx: PageContext) -> list[Block]:
    """∂C/∂w = ∂z/∂w · ∂C/∂z for a unit's incoming weights and bias."""
    first = ctx.steps[0]
    u = first.operands[0].ref.unit
    loss = ctx.q("loss", first.sample)
    z = ctx.q(f"net.{u}", first.sample)
    dz = ctx.dC_dz(u, first.sample)
    delta = ctx.delta_value(first)
    pre_letters = ctx.notation.sym("pre_activation") or "z"
    pre = Sym(pre_letters, latex_letters(pre_letters))
    headers = ("", derivative(pre, W), "", signed(derivative(loss, pre), ctx.error), "", derivative(loss, W))
    rows = []
    equals = "·(−1) =" if ctx.error else "="   # the error convention's δ is −∂C/∂z: ∂C/∂w = −∂z/∂w·δ
    for s in ctx.steps:
        x = s.operands[-1]
        assert s.value is not None
        source = Named(ctx.q(x.name, s.sample) if x.name != "1" else None, x.value)
        rows.append((ctx.param(s.subject), source, "×", Num(delta), equals, Num(s.value)))
    general = ["−" if ctx.error else "", derivative(z, W), " · ", ctx.factor(dz)]
    return [math([derivative(loss, W)], general), Grid(headers, tuple(rows), 5),
            Note(ctx.word("style.forward_value"), derivative(z, W)),
            Note(ctx.word("style.backward_value"), dz)]


def bias(ctx: PageContext) -> list[Block]:
    """∂C/∂b of a bias shared by a layer: the sum of its units' ∂C/∂z."""
    (step,) = ctx.steps
    assert step.value is not None
    names = joined([ctx.dC_dz(op.ref.unit, step.sample, factor=True) for op in step.operands])
    numbers = joined([Num(op.value, term=True) for op in step.operands])
    if ctx.error:   # the δ are −∂C/∂z: the bias's gradient is minus their sum
        names, numbers = ("−(", *names, ")"), ("−(", *numbers, ")")
    return [math([ctx.q(step.quantity, step.sample)], names, numbers, [Num(step.value, result=True)])]


def sums(ctx: PageContext) -> list[Block]:
    """∂L/∂w = Σₙ ∂Cⁿ/∂w: each sample's gradient of each parameter, and their sum (or mean)."""
    mean = ctx.steps[0].rule_of == "mean"
    count = len(ctx.steps[0].operands)
    letter = ctx.notation.sym("loss")
    per = Sym(f"{letter}⁽ⁿ⁾", f"{latex_letters(letter)}^{{(n)}}")
    total = ctx.q("total_loss")
    general: list[Any] = [f"(1/{count})·Σₙ " if mean else "Σₙ ", derivative(per, W)]
    headers = ("", *(derivative(ctx.q("loss", ctx.sample_of(op.source)), W) for op in ctx.steps[0].operands),
               derivative(total, W))
    rows = tuple((ctx.param(s.subject), *(Num(op.value) for op in s.operands), Num(s.value or 0.0))
                 for s in ctx.steps)
    return [math([derivative(total, W)], general), Grid(headers, rows, len(headers) - 1, (1, 1 + count)),
            Note(ctx.word("style.mean" if mean else "style.sum"))]


def update(ctx: PageContext) -> list[Block]:
    """w⁺ = w − η·∂L/∂w for a layer's parameters."""
    trained = [s for s in ctx.steps if s.rule == "update"]
    sample = ctx.steps[0].sample
    loss = ctx.q("loss", sample) if sample is not None else ctx.q("total_loss")
    new = Sym("w⁺", "w^{+}")
    blocks: list[Block] = []
    if trained:
        lr = trained[0].operands[1].value
        step = [W, " + ", ctx.q("lr"), "·(−", derivative(loss, W), ")"] if ctx.error \
            else [W, " − ", ctx.q("lr"), "·", derivative(loss, W)]   # the error convention: w⁺ = w + Δw
        blocks += [math([new], step), math([ctx.q("lr")], [Num(lr)])]
    rows = []
    for s in ctx.steps:
        gradient: Any = Num(s.operands[2].value) if s.rule == "update" else "—"
        rows.append((ctx.param(s.subject), Num(s.operands[0].value), gradient, Num(s.value or 0.0)))
    blocks.append(Grid(("", W, derivative(loss, W), new), tuple(rows), 3))
    if len(trained) < len(ctx.steps):
        blocks.append(Note(ctx.word("step.not_trained"), Sym("—", "\\text{---}")))
    return blocks


BUILDERS: dict[FrameKind, Builder] = {
    FrameKind.DELTA_FORWARD: steps_equations,
    FrameKind.DELTA_LOSS: steps_equations,
    FrameKind.DELTA_TOTAL: total_loss,
    FrameKind.DELTA_DE_DOUT: steps_equations,
    FrameKind.DELTA_UNIT: unit,
    FrameKind.DELTA_INPUT: input_unit,
    FrameKind.DELTA_GRAD: grad,
    FrameKind.DELTA_BIAS: bias,
    FrameKind.DELTA_SUM: sums,
    FrameKind.DELTA_UPDATE: update,
}
