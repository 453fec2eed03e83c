"""The matrix style's drawers (seed 002): each layer's equation with vectors and matrices.

    δ(2) = ∂J/∂a ⊗ ∂a/∂h = (a − t) ⊗ a ⊗ (1 − a)
    ∂J/∂a = a − t = ⎡0.7514⎤ − ⎡0.01⎤ = ⎡ 0.7414⎤
                    ⎣0.7729⎦   ⎣0.99⎦   ⎣-0.2171⎦

Vectors are read from the frame's steps: a result vector is the steps' values, the vectors
and matrices it is computed from are their operands.
"""

from __future__ import annotations

from typing import Sequence

from rich.console import RenderableType
from rich.text import Text

from bpwalk.render.blocks import Atom, Block, Fit, column, fitted, text
from bpwalk.ops import ACTIVATIONS
from bpwalk.walk.frames import FrameKind
from bpwalk.walk.layers import (
    activation_form,
    derivative_form,
    layer_delta_form,
    loss_derivative_form,
    loss_form,
    needs_parentheses,
    parenthesized,
)
from bpwalk.render.style_views import RESULT, Drawer, ViewContext, elided, eq_lines, equation, result, total_loss
from bpwalk.engine.steps import Step


def spaced(form: Sequence[object]) -> list[Atom]:
    """A form with numbers in it: products get room around them (⎤ · ⎡ rather than ⎤·⎡)."""
    out: list[Atom] = []
    for atom in form:
        out.append(atom.replace("·", " · ") if isinstance(atom, str) else atom)  # type: ignore[arg-type]
    return out


def vec(ctx: ViewContext, values: Sequence[float], style: str = "") -> Block:
    return column([ctx.num(x) for x in values], style)


def mat(ctx: ViewContext, rows: Sequence[Sequence[float]], style: str = "") -> Fit:
    """A matrix that elides its middle columns when the line has no room for all of them."""
    return fitted([[ctx.num(x) for x in row] for row in rows], style)


def values(steps: Sequence[Step]) -> list[float]:
    return [s.value for s in steps if s.value is not None]


def operand(step: Step, prefix: str) -> float | None:
    """The value of the step's first operand whose name starts with `prefix`, if any."""
    return next((op.value for op in step.operands if op.name.startswith(prefix)), None)


def _parameter(ctx: ViewContext, act: str, step: Step) -> str | None:
    """The step's value of the activation's parameter (leaky_relu's slope) as a term, if it takes one."""
    p = ACTIVATIONS[act].param
    value = operand(step, p.operand) if p is not None else None
    return ctx.term(value) if value is not None else None


def _loss_name(ctx: ViewContext, step: Step) -> str:
    return ctx.notation.text("loss", step.sample)


# -- forward --------------------------------------------------------------------------------

def net(ctx: ViewContext, width: int) -> list[RenderableType]:
    """H = W₁·X + b⁽¹⁾ with W₁, X, b⁽¹⁾ and H as numbers."""
    steps, names, l = ctx.steps, ctx.names, ctx.layer
    n_in = len(steps[0].operands) // 2
    has_bias = len(steps[0].operands) % 2 == 1
    weights = [[op.value for op in s.operands[0:2 * n_in:2]] for s in steps]
    inputs = [op.value for op in steps[0].operands[1:2 * n_in:2]]
    general: list[Atom] = [names.weights(l), "·", names.act(l - 1)]
    numbers: list[Atom] = [mat(ctx, weights), " · ", vec(ctx, inputs)]
    if has_bias:
        biases = [s.operands[-1].value for s in steps]
        general += [" + ", names.bias(l)]
        shared = ctx.trace.scenario.layers[l].bias == "shared"
        numbers += [" + ", text(ctx.num(biases[0])) if shared else vec(ctx, biases)]
    return eq_lines(width, equation([names.pre(l)], general, numbers, [vec(ctx, values(steps), RESULT)]))


def act(ctx: ViewContext, width: int) -> list[RenderableType]:
    """A = f(H)."""
    steps, names, l = ctx.steps, ctx.names, ctx.layer
    f = ctx.trace.scenario.layers[l].activation
    if ACTIVATIONS[f].layer_wise:
        nets = [op.value for op in steps[0].operands]
    else:
        nets = [s.operands[0].value for s in steps]
    general = activation_form(f, names.pre(l))
    numbers = spaced(activation_form(f, vec(ctx, nets), _parameter(ctx, f, steps[0])))
    sides = [general, numbers] if f != "identity" else [general]
    return eq_lines(width, equation([names.act(l)], *sides, [vec(ctx, values(steps), RESULT)]))


def loss(ctx: ViewContext, width: int) -> list[RenderableType]:
    """J = Σ ½(t − a)² with t and a as vectors, then the sum of the error terms."""
    errors = ctx.with_prefix("error.")
    (total,) = [s for s in ctx.steps if s.quantity == "loss"]
    names, top = ctx.names, len(ctx.trace.scenario.layers) - 1
    targets = [e.operands[0].value for e in errors]
    outs = [e.operands[1].value for e in errors]
    k = operand(errors[0], "K")
    name = ctx.trace.scenario.loss
    general = loss_form(name, names.act(top), names.target())
    numbers = spaced(loss_form(name, vec(ctx, outs), vec(ctx, targets), ctx.term(k) if k is not None else "K"))
    terms: list[Atom] = ["Σ ", vec(ctx, values(errors))]
    lhs = ctx.notation.text("loss", total.sample)
    return eq_lines(width, equation([lhs], general, numbers, terms, [result(ctx, total.value)]))


# -- backward -------------------------------------------------------------------------------

def _derivative_lines(ctx: ViewContext, width: int, dact: list[Step]) -> list[RenderableType]:
    """∂A/∂H = A ⊗ (1 − A) with the layer's numbers."""
    names, l = ctx.names, ctx.layer
    f = ctx.trace.scenario.layers[l].activation
    outs = [operand(s, "out.") for s in dact]
    nets = [operand(s, "net.") for s in dact]
    general, _ = derivative_form(f, names.act(l), names.pre(l))
    a = vec(ctx, [x for x in outs if x is not None]) if None not in outs else names.act(l)
    z = vec(ctx, [x for x in nets if x is not None]) if None not in nets else names.pre(l)
    numbers, _ = derivative_form(f, a, z, _parameter(ctx, f, dact[0]))
    lhs = f"∂{names.act(l)}/∂{names.pre(l)}"
    sides = [general, spaced(numbers)] if f != "identity" else [general]
    return eq_lines(width, equation([lhs], *sides, [vec(ctx, values(dact), RESULT)]))


def _delta_general(ctx: ViewContext, incoming: list[Atom], incoming_compound: bool) -> list[Atom]:
    """(incoming) ⊗ f′(H), or the softmax Jacobian times the incoming gradient."""
    names, l = ctx.names, ctx.layer
    f = ctx.trace.scenario.layers[l].activation
    if ACTIVATIONS[f].layer_wise:
        return layer_delta_form(f, names.act(l), "".join(str(a) for a in parenthesized(incoming, incoming_compound)))
    derivative, compound = derivative_form(f, names.act(l), names.pre(l))
    return [*parenthesized(incoming, incoming_compound), " ⊗ ", *parenthesized(derivative, compound)]


def _delta_result(ctx: ViewContext, width: int, incoming: Block, deltas: list[Step],
                  dact: list[Step]) -> list[RenderableType]:
    """δ = incoming ⊗ f′ with the numbers; for softmax, the Jacobian form with a and ∂J/∂a."""
    names, l = ctx.names, ctx.layer
    if deltas and deltas[0].rule != "delta":   # delta:<f> of a layer-wise f
        half = len(deltas[0].operands) // 2
        outs = vec(ctx, [op.value for op in deltas[0].operands[half:]])
        numbers = spaced(layer_delta_form(ctx.trace.scenario.layers[l].activation, outs, incoming))
    else:
        numbers = [incoming, " ⊗ ", vec(ctx, values(dact))]
    return eq_lines(width, equation([names.delta(l)], numbers, [vec(ctx, values(deltas), RESULT)]))


def delta_out(ctx: ViewContext, width: int) -> list[RenderableType]:
    """δ(L) = ∂J/∂a ⊗ f′(h): the loss derivative, the activation's derivative, their product."""
    names, l = ctx.names, ctx.layer
    d_loss = ctx.with_prefix("dE_dout.")
    dact = ctx.with_prefix("dout_dnet.")
    deltas = ctx.with_prefix("delta.")
    loss_name = ctx.notation.text("loss", d_loss[0].sample)
    a, t = names.act(l), names.target()
    name = ctx.trace.scenario.loss
    general = loss_derivative_form(name, a, t)
    gradient = f"∂{loss_name}/∂{a}"
    outs = [d.operands[0].value for d in d_loss]
    targets = [d.operands[1].value for d in d_loss]
    k = operand(d_loss[0], "K")
    numbers = spaced(loss_derivative_form(name, vec(ctx, outs), vec(ctx, targets), ctx.term(k) if k is not None else "K"))
    dE = vec(ctx, values(d_loss))
    if dact:
        first: list[Atom] = [gradient, " ⊗ ", f"∂{a}/∂{names.pre(l)}"]
    elif deltas and deltas[0].rule != "delta":
        first = layer_delta_form(ctx.trace.scenario.layers[l].activation, a, gradient)
    else:
        first = [gradient]
    lines = eq_lines(width, equation([names.delta(l)], first, _delta_general(ctx, general, needs_parentheses(general))),
                     equation([gradient], general, numbers, [vec(ctx, values(d_loss), RESULT)]))
    if dact:
        lines += _derivative_lines(ctx, width, dact)
    return lines + _delta_result(ctx, width, dE, deltas, dact) + [Text(ctx.word("style.elementwise"), style="dim")]


def delta_hidden(ctx: ViewContext, width: int) -> list[RenderableType]:
    """δ(l) = (W_{l+1}ᵀ·δ(l+1)) ⊗ f′(H): the paths back through the weights, then f′."""
    names, l = ctx.names, ctx.layer
    paths = [s for s in ctx.steps if s.rule == "path"]
    sums = [s for s in ctx.steps if s.rule == "paths"]
    dact = ctx.with_prefix("dout_dnet.")
    deltas = ctx.with_prefix("delta.")
    units = [s.subject for s in sums]
    rows = [[p.operands[1].value for p in paths if p.subject == u] for u in units]   # W_{l+1}ᵀ: row u = weights out of u
    next_deltas = [p.operands[0].value for p in paths if p.subject == units[0]]
    back = f"{names.weights(l + 1)}ᵀ·{names.delta(l + 1)}"
    lines = eq_lines(width, equation([names.delta(l)], _delta_general(ctx, [back], True)),
                     equation([back], [mat(ctx, rows), " · ", vec(ctx, next_deltas)],
                              [vec(ctx, values(sums), RESULT)]))
    if dact:
        lines += _derivative_lines(ctx, width, dact)
    return lines + _delta_result(ctx, width, vec(ctx, values(sums)), deltas, dact) + [
        Text(ctx.word("style.elementwise"), style="dim")]


def _by_unit(steps: Sequence[Step]) -> dict[str, list[Step]]:
    """Gradient steps by the unit whose δ they multiply, in order."""
    rows: dict[str, list[Step]] = {}
    for s in steps:
        rows.setdefault(s.operands[0].name.partition(".")[2], []).append(s)
    return rows


def grad_w(ctx: ViewContext, width: int) -> list[RenderableType]:
    """∂J/∂W = δ·Aᵀ: the outer product of the layer's δ and its input."""
    names, l = ctx.names, ctx.layer
    rows = _by_unit(ctx.steps)
    deltas = [ctx.delta_value(r[0]) for r in rows.values()]
    first_row = next(iter(rows.values()))
    inputs = [s.operands[-1].value for s in first_row]
    lhs = f"∂{_loss_name(ctx, ctx.steps[0])}/∂{names.weights(l)}"
    general = [names.delta(l), "·", f"{names.act(l - 1)}ᵀ"]
    numbers = [vec(ctx, deltas), " · ", fitted([[ctx.num(x) for x in inputs]])]
    grads = mat(ctx, [values(r) for r in rows.values()], RESULT)
    return eq_lines(width, equation([lhs], general, numbers, [grads]))


def grad_b(ctx: ViewContext, width: int) -> list[RenderableType]:
    """∂J/∂b = δ (one bias per unit), or Σ δ (one bias shared by the layer)."""
    names, l = ctx.names, ctx.layer
    lhs = f"∂{_loss_name(ctx, ctx.steps[0])}/∂{names.bias(l)}"
    shared = [s for s in ctx.steps if s.rule == "bias:shared"]
    if shared:
        step = shared[0]
        general = f"Σᵤ {names.delta(l)}ᵤ"
        numbers = " + ".join(elided([ctx.term(op.value) for op in step.operands], "⋯"))
        return eq_lines(width, equation([lhs], [general], [numbers], [result(ctx, step.value)]))
    return eq_lines(width, equation([lhs], [f"{names.delta(l)}·1"], [vec(ctx, values(ctx.steps), RESULT)]))


# -- several samples, updates ---------------------------------------------------------------

def _arranged(ctx: ViewContext, steps: Sequence[Step]) -> tuple[list[list[Step]], bool]:
    """Parameter steps of one layer as the weight matrix (rows: units), or biases as a column.

    Returns:
        The rows, and whether they are biases.
    """
    layer = ctx.trace.scenario.layers[ctx.layer]
    by_name = {s.subject: s for s in steps}
    if steps and steps[0].subject in ctx.index.biases:
        return [[by_name[b]] for b in layer.bias_names if b in by_name], True
    return [[by_name[w] for w in row if w in by_name] for row in layer.weight_names], False


def _shaped(ctx: ViewContext, rows: list[list[float]], biases: bool, style: str = "", term: bool = False) -> Atom:
    """A matrix, a bias vector, or one shared bias (`term`: inside an expression, negatives bracketed)."""
    if biases and len(rows) == 1:
        return text(ctx.term(rows[0][0]) if term else ctx.num(rows[0][0]), style)
    return mat(ctx, rows, style)


def reduce(ctx: ViewContext, width: int) -> list[RenderableType]:
    """∂L/∂W = Σₙ ∂C⁽ⁿ⁾/∂W (or the mean): each sample's gradient matrix, then their sum."""
    names, l = ctx.names, ctx.layer
    total, per = ctx.notation.text("total_loss"), f"{ctx.notation.sym('loss')}⁽ⁿ⁾"
    weights = [s for s in ctx.steps if s.subject not in ctx.index.biases]
    biases = [s for s in ctx.steps if s.subject in ctx.index.biases]
    lines: list[RenderableType] = []
    for steps, name in ((weights, names.weights(l)), (biases, names.bias(l))):
        if not steps:
            continue
        rows, is_bias = _arranged(ctx, steps)
        count = len(rows[0][0].operands)
        mean = rows[0][0].rule.endswith(":mean")
        general = f"{f'(1/{count})·' if mean else ''}Σₙ ∂{per}/∂{name}"
        shown = elided(list(range(count)), None)
        terms: list[Atom] = [f"(1/{count})·(" if mean else ""]
        for k, n in enumerate(shown):
            terms.append(" + " if k else "")
            terms.append("⋯" if n is None else _shaped(ctx, [[s.operands[n].value for s in r] for r in rows], is_bias,
                                                       term=True))
        terms.append(")" if mean else "")
        summed = _shaped(ctx, [values(r) for r in rows], is_bias, RESULT)
        lines += eq_lines(width, equation([f"∂{total}/∂{name}"], [general], terms, [summed]))
    lines.append(Text(ctx.word("style.mean" if ctx.steps[0].rule.endswith(":mean") else "style.sum"), style="dim"))
    return lines


def update(ctx: ViewContext, width: int) -> list[RenderableType]:
    """W* = W − α·∂J/∂W (and b* likewise); a bias that is not trained keeps its value."""
    names, l = ctx.names, ctx.layer
    rows, is_bias = _arranged(ctx, ctx.steps)
    name = names.bias(l) if is_bias else names.weights(l)
    old = _shaped(ctx, [[s.operands[0].value for s in r] for r in rows], is_bias, term=True)
    new = _shaped(ctx, [values(r) for r in rows], is_bias, RESULT)
    if ctx.steps[0].rule == "keep":
        lines = eq_lines(width, equation([f"{name}*"], [name], [new]))
        return lines + [Text(ctx.word("step.not_trained"), style="dim")]
    lr = ctx.steps[0].operands[1].value
    loss_name = ctx.notation.text("loss", ctx.steps[0].sample)
    general = f"{name} − {ctx.notation.text('lr')}·∂{loss_name}/∂{name}"
    grads = _shaped(ctx, [[s.operands[2].value for s in r] for r in rows], is_bias, term=True)
    return eq_lines(width, equation([f"{name}*"], [general], [old, " − ", ctx.term(lr), " · ", grads], [new]))


DRAWERS: dict[FrameKind, Drawer] = {
    FrameKind.MATRIX_NET: net,
    FrameKind.MATRIX_ACT: act,
    FrameKind.MATRIX_LOSS: loss,
    FrameKind.MATRIX_TOTAL: total_loss,
    FrameKind.MATRIX_DELTA_OUT: delta_out,
    FrameKind.MATRIX_DELTA_HIDDEN: delta_hidden,
    FrameKind.MATRIX_GRAD_W: grad_w,
    FrameKind.MATRIX_GRAD_B: grad_b,
    FrameKind.MATRIX_REDUCE: reduce,
    FrameKind.MATRIX_UPDATE_W: update,
    FrameKind.MATRIX_UPDATE_B: update,
}
