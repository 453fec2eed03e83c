"""The grouped display styles: which steps one keypress shows in the `matrix` and `delta` styles.

A frame only points into the trace. Every step is in exactly one frame, and a frame comes
after the frames holding the steps its operands come from. The trace is first cut into
segments (one phase of one sample of one iteration, as `bpwalk.engine.trace` records them); each
segment is then grouped on its own, so the order across segments is the trace's.

matrix (seed 002), per sample and layer:

    matrix:net           H = W₁·X + b⁽¹⁾          the net steps of a layer
    matrix:act           A = σ(H)                 its activation steps
    matrix:loss          J                        the error terms and the loss
    matrix:total         L = Σₙ C⁽ⁿ⁾              several samples: the total loss
    matrix:delta_out     δ(2)                     output layer: ∂J/∂a, f′, δ
    matrix:grad_w        ∂J/∂W₂ = δ(2)·Aᵀ         its weights' gradients
    matrix:grad_b        ∂J/∂b⁽²⁾                 its biases' (per unit, or Σ δ when shared)
    matrix:delta_hidden  δ(1)                     (W₂ᵀ·δ(2)) ⊗ f′(H): paths, sums, f′, δ
    ... grad_w and grad_b of that layer, down to the first; matrix:dinput ∂J/∂X = W₁ᵀ·δ(1) last
    matrix:reduce        Σₙ ∂C⁽ⁿ⁾/∂W₂             several samples: one frame per layer
    matrix:update_w      W₂*                      W₂ − α·∂J/∂W₂, one frame per layer
    matrix:update_b      b⁽²⁾*

delta (seed 004): forward as in the scalar style, one frame per unit (z and a together; a
softmax layer shows its nets one by one, then its outputs together); then

    delta:loss           C⁽ⁿ⁾                     one sample's error terms and loss
    delta:total          L                        several samples: the total loss
    delta:dE_dout        ∂C/∂a                    softmax output: the loss derivatives
    delta:unit           ∂C/∂z_u                  one per unit, from the output layer back (delta:input ∂C/∂x)
    delta:grad           ∂C/∂w (z_u)              one per unit: its incoming weights and bias
    delta:bias           ∂C/∂b                    a shared bias: the sum over the layer's units
    delta:sum            ∂L/∂w = Σₙ ∂Cⁿ/∂w        several samples: one frame per layer
    delta:update         w⁺                       one frame per layer

Gradient sums and updates go from the output layer down in both styles, as the documents do;
with Addition A's keys, `bpwalk.walk.optframes` groups an update (per layer: G + λ·W, each
optimizer state, the step, ΔW). Intro, summary, penalty and data loss are `FrameKind.STEP` frames.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby
from typing import TYPE_CHECKING, Callable, Iterator, Sequence

from bpwalk.formula import mathtext
from bpwalk.formula.notation import Notation, latex_letters
from bpwalk.ops import ACTIVATIONS
from bpwalk.walk.frames import Frame, FrameKind, normalize, scalar_frames, step_terms
from bpwalk.walk.page import (
    COMMA, EQUALS, NEW, PLUS, TIMES, TRANSPOSED, UPDATED, Sym, dC_dz, derivative, joined_syms, signed,
)
from bpwalk.engine.steps import Step, Trace

if TYPE_CHECKING:  # pragma: no cover
    # imported where used: the scalar style (the first screen's) needs none of it
    from bpwalk.walk.layers import LayerIndex, MatrixNames

GROUPED_STYLES = ("matrix", "delta")
MAX_LABEL_NAMES = 3          # a label lists at most this many parameter names, then "…"


@dataclass
class Group:
    """A frame in the making: its kind, label, steps and its own search terms."""

    kind: FrameKind
    label: Sym
    steps: list[int] = field(default_factory=list)
    terms: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Context:
    trace: Trace
    notation: Notation
    index: LayerIndex
    names: MatrixNames

    @property
    def layers(self):
        return self.trace.scenario.layers

    def q(self, name: str, sample: int | None = None) -> Sym:
        return _q(self.notation, name, sample)

    def param(self, name: str) -> Sym:
        return Sym(self.notation.name_text(name), self.notation.name_latex(name))


def _q(notation: Notation, name: str, sample: int | None = None) -> Sym:
    return Sym(notation.text(name, sample), notation.latex(name, sample))


def function(symbol: str) -> Sym:
    """An activation's name in f(z): σ, tanh, softmax."""
    return Sym(symbol, mathtext.latex(symbol))


OPEN, CLOSE = Sym("(", "("), Sym(")", ")")


@dataclass(frozen=True)
class Segment:
    """A run of steps of one phase of one sample (or of the iteration as a whole)."""

    what: str                   # forward | loss | total | backward | reduce | update | intro | summary
    iteration: int | None
    sample: int | None
    steps: tuple[Step, ...]


def frames(trace: Trace, style: str) -> tuple[Frame, ...]:
    """The frames of a trace in the `matrix` or `delta` style.

    Args:
        trace: any trace (every activation, bias mode and update mode).
        style: "matrix" or "delta".

    Returns:
        Frames in the order they are shown; every step of the trace is in exactly one.

    Raises:
        ValueError: an unknown style.
    """
    if style not in GROUPED_STYLES:
        raise ValueError(f"expected a grouped style ({', '.join(GROUPED_STYLES)}), got {style!r}")
    from bpwalk.walk.layers import LayerIndex, MatrixNames
    from bpwalk.walk.optframes import update_parts
    notation = Notation.of(trace.scenario)
    ctx = Context(trace, notation, LayerIndex.of(trace.scenario), MatrixNames.of(trace.scenario, notation))
    grouper = MATRIX if style == "matrix" else DELTA
    result: list[Frame] = []
    for segment in segments(trace.steps, trace.scenario.extended):
        if segment.what in ("intro", "summary"):
            groups = [Group(FrameKind.STEP, Sym(segment.what, segment.what), [segment.steps[0].index])]
        elif segment.what == "step":
            groups = [Group(FrameKind.STEP, ctx.q(s.quantity, s.sample), [s.index]) for s in segment.steps]
        elif segment.what == "opt":
            groups = [Group(*part) for part in update_parts(ctx, segment.steps, style)]
        else:
            groups = grouper[segment.what](ctx, segment)
        seen: list[int] = []
        for group in groups:
            if group.steps:
                seen += group.steps
                result.append(_frame(ctx, segment, group, len(result), tuple(sorted(seen))))
    return tuple(result)


def _frame(ctx: Context, segment: Segment, group: Group, index: int, seen: tuple[int, ...]) -> Frame:
    steps = tuple(sorted(group.steps))
    terms = set(group.terms) | {normalize(group.label.text)}
    for i in steps:
        terms |= step_terms(ctx.trace.steps[i], ctx.notation)
    phase = ctx.trace.steps[steps[0]].phase
    return Frame(index, phase, segment.iteration, segment.sample, steps, group.label.text,
                 frozenset(t for t in terms if t), group.kind, group.label.latex, segment.steps[0].index, seen)


# the steps of Addition A's losses, shown one by one in the grouped styles
OWN_FRAME_RULES = ("penalty", "objective")
OWN_FRAME_QUANTITIES = ("data_loss", "batch_loss")


def _segment_key(step: Step, extended: bool = False) -> tuple[str, int | None, int | None]:
    if step.phase in ("intro", "summary"):
        return step.phase, None, None
    if extended and step.phase == "update":
        return "opt", step.iteration, step.sample
    if step.rule in OWN_FRAME_RULES or step.quantity in OWN_FRAME_QUANTITIES:
        return "step", step.iteration, step.sample
    if step.rule_kind == "total":
        return "total", step.iteration, None
    if step.rule_kind == "reduce":
        return "reduce", step.iteration, None
    if step.phase == "backward":
        # with one sample, the gradients are the iteration's (sample None) amid sample 1's deltas
        return "backward", step.iteration, step.sample or 1
    return step.phase, step.iteration, step.sample


def segments(steps: Sequence[Step], extended: bool = False) -> Iterator[Segment]:
    """The trace cut into runs of one phase of one sample, in trace order (`extended`: the scenario
    uses Addition A, whose update steps are frames of their own)."""
    for (what, iteration, sample), run in groupby(steps, key=lambda step: _segment_key(step, extended)):
        yield Segment(what, iteration, sample, tuple(run))


def _chain_unit(step: Step) -> str:
    """The unit whose δ a gradient step multiplies (its first operand's unit)."""
    return step.operands[0].ref.unit if step.rule == "chain" else ""


def _by_layer(ctx: Context, steps: Sequence[Step]) -> dict[int, list[Step]]:
    out: dict[int, list[Step]] = {}
    for step in steps:
        out.setdefault(ctx.index.of_step(step.quantity), []).append(step)
    return out


# -- matrix ---------------------------------------------------------------------------------

def _matrix_forward(ctx: Context, seg: Segment) -> list[Group]:
    from bpwalk.walk.layers import symbol

    names, groups = ctx.names, []
    for l, steps in sorted(_by_layer(ctx, seg.steps).items()):
        layer = ctx.layers[l]
        net = names.pre(l) + EQUALS + names.weights(l) + TIMES + names.act(l - 1)
        if layer.bias != "none":
            net += PLUS + names.bias(l)
        act = names.act(l) + EQUALS + function(symbol(layer.activation)) + OPEN + names.pre(l) + CLOSE
        own = {normalize(names.weights(l).text), f"w{l + 1}", normalize(names.pre(l).text),
               normalize(names.act(l).text)}
        groups.append(Group(FrameKind.MATRIX_NET, net, [s.index for s in steps if s.ref.kind == "net"], own))
        groups.append(Group(FrameKind.MATRIX_ACT, act, [s.index for s in steps if s.ref.kind == "out"],
                            {normalize(names.act(l).text)}))
    return groups


def _matrix_loss(ctx: Context, seg: Segment) -> list[Group]:
    return [Group(FrameKind.MATRIX_LOSS, ctx.q("loss", seg.sample), [s.index for s in seg.steps])]


def _total(kind: FrameKind) -> Callable[[Context, Segment], list[Group]]:
    def group(ctx: Context, seg: Segment) -> list[Group]:
        return [Group(kind, ctx.q("total_loss"), [s.index for s in seg.steps])]
    return group


def _matrix_backward(ctx: Context, seg: Segment) -> list[Group]:
    names, groups = ctx.names, []
    top = len(ctx.layers) - 1
    deltas: dict[int, list[int]] = {}
    grad_w: dict[int, list[int]] = {}
    grad_b: dict[int, list[int]] = {}
    for step in seg.steps:
        l = ctx.index.of_step(step.quantity)
        if step.ref.kind == "grad":
            (grad_b if step.subject in ctx.index.biases else grad_w).setdefault(l, []).append(step.index)
        else:
            deltas.setdefault(l, []).append(step.index)
    loss = ctx.q("loss", seg.sample if ctx.notation.multi_sample else None)
    for l in sorted(set(deltas) | set(grad_w) | set(grad_b), reverse=True):
        # l = -1: the inputs' ∂J/∂X (−∂J/∂X in the error convention, from its δ)
        delta = names.delta(l) if l >= 0 else signed(derivative(loss, names.act(l)), ctx.notation.error)
        own = {f"delta{l + 1}" if l >= 0 else "dinput", normalize(delta.text)}
        kind = FrameKind.MATRIX_DELTA_OUT if l == top else FrameKind.MATRIX_DELTA_HIDDEN
        groups.append(Group(kind if l >= 0 else FrameKind.MATRIX_DINPUT, delta, deltas.get(l, []), own))
        grad = derivative(loss, names.weights(l)) + EQUALS + signed(delta, ctx.notation.error) + TIMES   # −δ·Aᵀ: error
        groups.append(Group(FrameKind.MATRIX_GRAD_W, grad + names.act(l - 1) + TRANSPOSED,
                            grad_w.get(l, []), {f"w{l + 1}", normalize(names.weights(l).text)} | own))
        groups.append(Group(FrameKind.MATRIX_GRAD_B, derivative(loss, names.bias(l)), grad_b.get(l, []),
                            {f"b{l + 1}"} | own))
    return groups


def _param_groups(ctx: Context, seg: Segment) -> dict[int, tuple[list[int], list[int]]]:
    """Steps about parameters (reduce, update), by layer: (weights, biases)."""
    out: dict[int, tuple[list[int], list[int]]] = {}
    for step in seg.steps:
        weights, biases = out.setdefault(ctx.index.param_layer[step.subject], ([], []))
        (biases if step.subject in ctx.index.biases else weights).append(step.index)
    return out


def _matrix_reduce(ctx: Context, seg: Segment) -> list[Group]:
    names, groups = ctx.names, []
    total = ctx.q("total_loss")
    for l, (weights, biases) in sorted(_param_groups(ctx, seg).items(), reverse=True):
        label = derivative(total, names.weights(l))
        if biases:
            label += COMMA + derivative(total, names.bias(l))
        groups.append(Group(FrameKind.MATRIX_REDUCE, label, weights + biases, {"sum", "mean", f"w{l + 1}"}))
    return groups


def _matrix_update(ctx: Context, seg: Segment) -> list[Group]:
    names, groups = ctx.names, []
    for l, (weights, biases) in sorted(_param_groups(ctx, seg).items(), reverse=True):
        groups.append(Group(FrameKind.MATRIX_UPDATE_W, names.weights(l) + UPDATED, weights, {f"w{l + 1}"}))
        groups.append(Group(FrameKind.MATRIX_UPDATE_B, names.bias(l) + UPDATED, biases, {f"b{l + 1}"}))
    return groups


MATRIX: dict[str, Callable[[Context, Segment], list[Group]]] = {
    "forward": _matrix_forward,
    "loss": _matrix_loss,
    "total": _total(FrameKind.MATRIX_TOTAL),
    "backward": _matrix_backward,
    "reduce": _matrix_reduce,
    "update": _matrix_update,
}


# -- delta ----------------------------------------------------------------------------------

def _delta_forward(ctx: Context, seg: Segment) -> list[Group]:
    from bpwalk.walk.layers import symbol

    q, groups = ctx.q, []
    for l, steps in sorted(_by_layer(ctx, seg.steps).items()):
        if ACTIVATIONS[ctx.layers[l].activation].layer_wise:
            # every output of a softmax needs every net of its layer: the nets first, one by one
            groups += [Group(FrameKind.DELTA_FORWARD, q(s.quantity, s.sample), [s.index])
                       for s in steps if s.ref.kind == "net"]
            outs = [s for s in steps if s.ref.kind == "out"]
            groups.append(Group(FrameKind.DELTA_FORWARD, function(symbol(ctx.layers[l].activation)),
                                [s.index for s in outs]))
            continue
        for unit in ctx.layers[l].units:
            mine = [s.index for s in steps if s.subject == unit]
            groups.append(Group(FrameKind.DELTA_FORWARD, q("net." + unit) + COMMA + q("out." + unit), mine))
    return groups


def _delta_loss(ctx: Context, seg: Segment) -> list[Group]:
    return [Group(FrameKind.DELTA_LOSS, ctx.q("loss", seg.sample), [s.index for s in seg.steps])]


def _delta_backward(ctx: Context, seg: Segment) -> list[Group]:
    notation = ctx.notation
    sample = seg.sample if notation.multi_sample else None
    unit_steps: dict[str, list[int]] = {}
    grads: dict[str, list[int]] = {}
    shared: dict[int, list[int]] = {}
    softmax_dE: list[int] = []
    top = len(ctx.layers) - 1
    for step in seg.steps:
        if step.rule == "bias:shared":
            shared.setdefault(ctx.index.param_layer[step.subject], []).append(step.index)
        elif step.rule == "chain":
            grads.setdefault(_chain_unit(step), []).append(step.index)
        elif step.ref.kind == "dE_dout" and ACTIVATIONS[ctx.layers[top].activation].layer_wise \
                and ctx.index.unit_layer[step.subject] == top:
            softmax_dE.append(step.index)
        else:
            unit_steps.setdefault(step.subject, []).append(step.index)
    loss = ctx.q("loss", sample)
    a = notation.sym("activation") or "a"
    d_out = signed(derivative(loss, Sym(a, latex_letters(a))), notation.error)
    groups = [Group(FrameKind.DELTA_DE_DOUT, d_out, softmax_dE, {"dedout"})]
    order = [(l, unit) for l in range(top, -1, -1) for unit in ctx.layers[l].units]
    for _, unit in order:
        groups.append(Group(FrameKind.DELTA_UNIT, dC_dz(notation, unit, sample), unit_steps.get(unit, []),
                            {"dcdz", normalize(unit)}))
    groups += [Group(FrameKind.DELTA_INPUT, ctx.q(f"dinput.{x}", sample), unit_steps.get(x, [])) for x in ctx.index.inputs]
    for l in range(top, -1, -1):
        for unit in ctx.layers[l].units:
            net = ctx.q("net." + unit)
            groups.append(Group(FrameKind.DELTA_GRAD, derivative(loss, Sym("w", "w")) + Sym(f" ({net.text})",
                                                                                          f"\\ ({net.latex})"),
                                grads.get(unit, []), {"dcdw", normalize(unit)}))
        groups.append(Group(FrameKind.DELTA_BIAS, derivative(loss, ctx.param(ctx.layers[l].bias_names[0]))
                            if ctx.layers[l].bias_names else Sym("", ""), shared.get(l, [])))
    return groups


def _param_label(ctx: Context, steps: list[int], suffix: Sym = Sym("", "")) -> Sym:
    names = [ctx.param(ctx.trace.steps[i].subject) + suffix for i in steps]
    shown = joined_syms(names[:MAX_LABEL_NAMES], COMMA)
    return shown + COMMA + Sym("…", "\\ldots") if len(names) > MAX_LABEL_NAMES else shown


def _delta_reduce(ctx: Context, seg: Segment) -> list[Group]:
    total = ctx.q("total_loss")
    groups = []
    for _, (weights, biases) in sorted(_param_groups(ctx, seg).items(), reverse=True):
        steps = weights + biases
        label = derivative(total, Sym("(", "(") + _param_label(ctx, steps) + Sym(")", ")"))
        groups.append(Group(FrameKind.DELTA_SUM, label, steps, {"sum", "mean"}))
    return groups


def _delta_update(ctx: Context, seg: Segment) -> list[Group]:
    groups = []
    for _, (weights, biases) in sorted(_param_groups(ctx, seg).items(), reverse=True):
        steps = weights + biases
        groups.append(Group(FrameKind.DELTA_UPDATE, _param_label(ctx, steps, NEW), steps))
    return groups


DELTA: dict[str, Callable[[Context, Segment], list[Group]]] = {
    "forward": _delta_forward,
    "loss": _delta_loss,
    "total": _total(FrameKind.DELTA_TOTAL),
    "backward": _delta_backward,
    "reduce": _delta_reduce,
    "update": _delta_update,
}


def frames_for(trace: Trace, style: str | None = None) -> tuple[Frame, ...]:
    """The frames of a trace in a display style (default: the scenario's display.style)."""
    style = style or trace.scenario.display.style
    if style == "scalar":
        return scalar_frames(trace)
    return frames(trace, style)
