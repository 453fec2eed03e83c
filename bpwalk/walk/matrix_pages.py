"""The matrix style's pages (seed 002): each layer's equation with vectors and matrices.

    δ(2) = ∂J/∂a ⊗ ∂a/∂h = (a − t) ⊗ a ⊗ (1 − a)
    ∂J/∂a = a − t = ⎡0.7514⎤ − ⎡0.01⎤ = ⎡ 0.7414⎤
                    ⎣0.7729⎦   ⎣0.99⎦   ⎣-0.2171⎦

Vectors are read from the frame's steps: a result vector is the steps' values, the vectors
and matrices it is computed from are their operands.
"""

from __future__ import annotations

from typing import Any, Sequence

from bpwalk.engine.steps import Step
from bpwalk.formula.notation import latex_letters
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
from bpwalk.walk.page import TRANSPOSED, Atom, Block, Mat, Note, Num, Sym, Vec, derivative, signed
from bpwalk.walk.pagekit import Builder, PageContext, elided, math, total_loss


def spaced(form: Sequence[object]) -> list[Any]:
    """A form with numbers in it: products get room around them (⎤ · ⎡ rather than ⎤·⎡)."""
    return [atom.replace("·", " · ") if isinstance(atom, str) else atom for atom in form]


def vec(values: Sequence[float], result: bool = False) -> Vec:
    return Vec(tuple(values), result)


def mat(rows: Sequence[Sequence[float]], result: bool = False) -> Mat:
    return Mat(tuple(tuple(r) for r in rows), result)


def values(steps: Sequence[Step]) -> list[float]:
    return [s.value for s in steps if s.value is not None]


def operand(step: Step, name: str) -> float | None:
    """The value of the step's first operand of a kind (`out`), or of a name (`K`, `slope`), if any."""
    return next((op.value for op in step.operands if op.ref.kind == name or op.name == name), None)


def _parameter(act: str, step: Step) -> Num | None:
    """The step's value of the activation's parameter (leaky_relu's slope) as a term, if it takes one."""
    p = ACTIVATIONS[act].param
    value = operand(step, p.operand) if p is not None else None
    return Num(value, term=True) if value is not None else None


def _count(k: float | None) -> Any:
    return Num(k, term=True) if k is not None else "K"


# -- forward --------------------------------------------------------------------------------

def net(ctx: PageContext) -> list[Block]:
    """H = W₁·X + b⁽¹⁾ with W₁, X, b⁽¹⁾ and H as numbers."""
    steps, names, l = ctx.steps, ctx.names, ctx.layer
    n_in = len(steps[0].operands) // 2
    has_bias = len(steps[0].operands) % 2 == 1
    weights = [[op.value for op in s.operands[0:2 * n_in:2]] for s in steps]
    inputs = [op.value for op in steps[0].operands[1:2 * n_in:2]]
    general: list[Atom] = [names.weights(l), "·", names.act(l - 1)]
    numbers: list[Atom] = [mat(weights), " · ", vec(inputs)]
    if has_bias:
        biases = [s.operands[-1].value for s in steps]
        general += [" + ", names.bias(l)]
        shared = ctx.trace.scenario.layers[l].bias == "shared"
        numbers += [" + ", Num(biases[0]) if shared else vec(biases)]
    return [math([names.pre(l)], general, numbers, [vec(values(steps), True)])]


def act(ctx: PageContext) -> list[Block]:
    """A = f(H)."""
    steps, names, l = ctx.steps, ctx.names, ctx.layer
    f = ctx.trace.scenario.layers[l].activation
    if ACTIVATIONS[f].layer_wise:
        nets = [op.value for op in steps[0].operands]
    else:
        nets = [s.operands[0].value for s in steps]
    general = activation_form(f, names.pre(l))
    numbers = spaced(activation_form(f, vec(nets), _parameter(f, steps[0])))
    sides = [general, numbers] if f != "identity" else [general]
    return [math([names.act(l)], *sides, [vec(values(steps), True)])]


def loss(ctx: PageContext) -> list[Block]:
    """J = Σ ½(t − a)² with t and a as vectors, then the sum of the error terms."""
    errors = ctx.of_kind("error")
    (total,) = [s for s in ctx.steps if s.quantity == "loss"]
    names, top = ctx.names, len(ctx.trace.scenario.layers) - 1
    targets = [e.operands[0].value for e in errors]
    outs = [e.operands[1].value for e in errors]
    name = ctx.trace.scenario.loss
    general = loss_form(name, names.act(top), names.target())
    numbers = spaced(loss_form(name, vec(outs), vec(targets), _count(operand(errors[0], "K"))))
    terms: list[Atom] = ["Σ ", vec(values(errors))]
    assert total.value is not None
    return [math([ctx.q("loss", total.sample)], general, numbers, terms, [Num(total.value, result=True)])]


# -- backward -------------------------------------------------------------------------------

def _derivative(ctx: PageContext, dact: list[Step]) -> list[Block]:
    """∂A/∂H = A ⊗ (1 − A) with the layer's numbers."""
    names, l = ctx.names, ctx.layer
    f = ctx.trace.scenario.layers[l].activation
    outs = [operand(s, "out") for s in dact]
    nets = [operand(s, "net") for s in dact]
    general, _ = derivative_form(f, names.act(l), names.pre(l))
    a = vec([x for x in outs if x is not None]) if None not in outs else names.act(l)
    z = vec([x for x in nets if x is not None]) if None not in nets else names.pre(l)
    numbers, _ = derivative_form(f, a, z, _parameter(f, dact[0]))
    sides = [general, spaced(numbers)] if f != "identity" else [general]
    return [math([derivative(names.act(l), names.pre(l))], *sides, [vec(values(dact), True)])]


def _delta_general(ctx: PageContext, incoming: list[Any], incoming_compound: bool) -> list[Any]:
    """(incoming) ⊗ f′(H), or the softmax Jacobian times the incoming gradient."""
    names, l = ctx.names, ctx.layer
    f = ctx.trace.scenario.layers[l].activation
    if ACTIVATIONS[f].layer_wise:
        # the incoming gradient is one piece of the Jacobian form: an expression (`math` splices it)
        return layer_delta_form(f, names.act(l), tuple(parenthesized(incoming, incoming_compound)))
    d, compound = derivative_form(f, names.act(l), names.pre(l))
    return [*parenthesized(incoming, incoming_compound), " ⊗ ", *parenthesized(d, compound)]


def _delta_result(ctx: PageContext, incoming: Any, deltas: list[Step], dact: list[Step]) -> list[Block]:
    """δ = incoming ⊗ f′ with the numbers; for softmax, the Jacobian form with a and ∂J/∂a."""
    names, l = ctx.names, ctx.layer
    if deltas and deltas[0].rule != "delta":   # delta:<f> of a layer-wise f
        half = len(deltas[0].operands) // 2
        outs = vec([op.value for op in deltas[0].operands[half:]])
        numbers = spaced(layer_delta_form(ctx.trace.scenario.layers[l].activation, outs, incoming))
    else:
        numbers = [incoming, " ⊗ ", vec(values(dact))]
    return [math([names.delta(l)], numbers, [vec(values(deltas), True)])]


def _meaning(ctx: PageContext, sample: int | None) -> list[list[Any]]:
    """What δ stands for, in the error convention: δ(l) = −∂J/∂h(l) (no side of its own otherwise)."""
    if not ctx.error:
        return []
    return [[signed(derivative(ctx.q("loss", sample), ctx.names.pre(ctx.layer)), True)]]


def delta_out(ctx: PageContext) -> list[Block]:
    """δ(L) = ∂J/∂a ⊗ f′(h): the loss derivative, the activation's derivative, their product."""
    names, l = ctx.names, ctx.layer
    d_loss = ctx.of_kind("dE_dout")
    dact = ctx.of_kind("dout_dnet")
    deltas = ctx.of_kind("delta")
    a, t = names.act(l), names.target()
    name = ctx.trace.scenario.loss
    general = loss_derivative_form(name, a, t, error=ctx.error)
    # the error convention: −∂J/∂a, and δ = (−∂J/∂a) ⊗ f′ = −∂J/∂h
    gradient = signed(derivative(ctx.q("loss", d_loss[0].sample), a), ctx.error)
    outs = [d.operands[0].value for d in d_loss]
    targets = [d.operands[1].value for d in d_loss]
    numbers = spaced(loss_derivative_form(name, vec(outs), vec(targets), _count(operand(d_loss[0], "K")), ctx.error))
    first: list[Any]
    if dact:
        first = [ctx.factor(gradient), " ⊗ ", derivative(a, names.pre(l))]
    elif deltas and deltas[0].rule != "delta":
        first = layer_delta_form(ctx.trace.scenario.layers[l].activation, a, gradient)
    else:
        first = [gradient]
    blocks: list[Block] = [math([names.delta(l)], *_meaning(ctx, d_loss[0].sample), first,
                                _delta_general(ctx, general, needs_parentheses(general))),
                           math([gradient], general, numbers, [vec(values(d_loss), True)])]
    if dact:
        blocks += _derivative(ctx, dact)
    return blocks + _delta_result(ctx, vec(values(d_loss)), deltas, dact) + [Note(ctx.word("style.elementwise"))]


def delta_hidden(ctx: PageContext) -> list[Block]:
    """δ(l) = (W_{l+1}ᵀ·δ(l+1)) ⊗ f′(H): the paths back through the weights, then f′."""
    names, l = ctx.names, ctx.layer
    paths = [s for s in ctx.steps if s.rule == "path"]
    sums = [s for s in ctx.steps if s.rule == "paths"]
    dact = ctx.of_kind("dout_dnet")
    deltas = ctx.of_kind("delta")
    units = [s.subject for s in sums]
    rows = [[p.operands[1].value for p in paths if p.subject == u] for u in units]   # W_{l+1}ᵀ: row u = weights out of u
    next_deltas = [p.operands[0].value for p in paths if p.subject == units[0]]
    back = [names.weights(l + 1) + TRANSPOSED, "·", names.delta(l + 1)]
    blocks: list[Block] = [math([names.delta(l)], *_meaning(ctx, ctx.steps[0].sample), _delta_general(ctx, back, True)),
                           math(back, [mat(rows), " · ", vec(next_deltas)], [vec(values(sums), True)])]
    if dact:
        blocks += _derivative(ctx, dact)
    return blocks + _delta_result(ctx, vec(values(sums)), deltas, dact) + [Note(ctx.word("style.elementwise"))]


def _by_unit(steps: Sequence[Step]) -> dict[str, list[Step]]:
    """Gradient steps by the unit whose δ they multiply, in order."""
    rows: dict[str, list[Step]] = {}
    for s in steps:
        rows.setdefault(s.operands[0].ref.unit, []).append(s)
    return rows


def grad_w(ctx: PageContext) -> list[Block]:
    """∂J/∂W = δ·Aᵀ: the outer product of the layer's δ and its input."""
    names, l = ctx.names, ctx.layer
    rows = _by_unit(ctx.steps)
    deltas = [ctx.delta_value(r[0]) for r in rows.values()]
    first_row = next(iter(rows.values()))
    inputs = [s.operands[-1].value for s in first_row]
    lhs = derivative(ctx.q("loss", ctx.steps[0].sample), names.weights(l))
    minus = ["−"] if ctx.error else []   # the error convention's δ is −∂J/∂h: ∂J/∂W = −δ·Aᵀ
    general: list[Atom] = [*minus, names.delta(l), "·", names.act(l - 1) + TRANSPOSED]
    numbers: list[Atom] = [*minus, vec(deltas), " · ", mat([inputs])]
    return [math([lhs], general, numbers, [mat([values(r) for r in rows.values()], True)])]


def grad_b(ctx: PageContext) -> list[Block]:
    """∂J/∂b = δ (one bias per unit), or Σ δ (one bias shared by the layer)."""
    names, l = ctx.names, ctx.layer
    lhs = derivative(ctx.q("loss", ctx.steps[0].sample), names.bias(l))
    minus = ["−"] if ctx.error else []   # the error convention: ∂J/∂b = −δ
    shared = [s for s in ctx.steps if s.rule == "bias:shared"]
    if shared:
        step = shared[0]
        terms: list[Atom] = []
        for k, x in enumerate(elided([Num(op.value, term=True) for op in step.operands], "⋯")):
            terms += [" + "] if k else []
            terms.append(x)
        assert step.value is not None
        if ctx.error:
            terms = ["−(", *terms, ")"]
        return [math([lhs], [*minus, "Σᵤ ", names.delta(l), "ᵤ"], terms, [Num(step.value, result=True)])]
    return [math([lhs], [*minus, names.delta(l), "·1"], [vec(values(ctx.steps), True)])]


def dinput(ctx: PageContext) -> list[Block]:
    """∂J/∂X = W₁ᵀ·δ(1): the first layer's δ back through its weights to the inputs (display.input_gradients)."""
    names, steps = ctx.names, ctx.steps
    rows = [[op.value for op in s.operands[0::2]] for s in steps]   # W₁ᵀ: row i = the weights out of input i
    deltas = [op.value for op in steps[0].operands[1::2]]
    back: list[Atom] = [names.weights(0) + TRANSPOSED, "·", names.delta(0)]
    lhs = derivative(ctx.q("loss", steps[0].sample), names.act(-1))
    return [math([lhs], back, [mat(rows), " · ", vec(deltas)], [vec(values(steps), True)]),
            Note(ctx.word("style.dinput"))]


# -- several samples, updates ---------------------------------------------------------------

def _arranged(ctx: PageContext, steps: Sequence[Step]) -> tuple[list[list[Step]], bool]:
    """Parameter steps of one layer as the weight matrix (rows: units), or biases as a column.

    Returns:
        The rows, and whether they are biases.
    """
    layer = ctx.trace.scenario.layers[ctx.layer]
    by_name = {s.subject: s for s in steps}
    if steps and steps[0].subject in ctx.index.biases:
        return [[by_name[b]] for b in layer.bias_names if b in by_name], True
    return [[by_name[w] for w in row if w in by_name] for row in layer.weight_names], False


def _shaped(rows: list[list[float]], biases: bool, result: bool = False, term: bool = False) -> Atom:
    """A matrix, a bias vector, or one shared bias (`term`: inside an expression, negatives bracketed)."""
    if biases and len(rows) == 1:
        return Num(rows[0][0], term=term, result=result)
    return mat(rows, result)


def reduce(ctx: PageContext) -> list[Block]:
    """∂L/∂W = Σₙ ∂C⁽ⁿ⁾/∂W (or the mean): each sample's gradient matrix, then their sum."""
    names, l = ctx.names, ctx.layer
    total = ctx.q("total_loss")
    letter = ctx.notation.sym("loss")
    per = Sym(f"{letter}⁽ⁿ⁾", f"{latex_letters(letter)}^{{(n)}}")
    weights = [s for s in ctx.steps if s.subject not in ctx.index.biases]
    biases = [s for s in ctx.steps if s.subject in ctx.index.biases]
    blocks: list[Block] = []
    for steps, name in ((weights, names.weights(l)), (biases, names.bias(l))):
        if not steps:
            continue
        rows, is_bias = _arranged(ctx, steps)
        count = len(rows[0][0].operands)
        mean = rows[0][0].rule_of == "mean"
        general: list[Atom] = [f"(1/{count})·Σₙ " if mean else "Σₙ ", derivative(per, name)]
        terms: list[Atom] = [f"(1/{count})·(" if mean else ""]
        for k, n in enumerate(elided(list(range(count)), None)):
            terms.append(" + " if k else "")
            terms.append("⋯" if n is None else _shaped([[s.operands[n].value for s in r] for r in rows], is_bias,
                                                       term=True))
        terms.append(")" if mean else "")
        summed = _shaped([values(r) for r in rows], is_bias, result=True)
        blocks.append(math([derivative(total, name)], general, [t for t in terms if t != ""], [summed]))
    blocks.append(Note(ctx.word("style.mean" if ctx.steps[0].rule_of == "mean" else "style.sum")))
    return blocks


def update(ctx: PageContext) -> list[Block]:
    """W* = W − α·∂J/∂W (and b* likewise); a bias that is not trained keeps its value."""
    names, l = ctx.names, ctx.layer
    rows, is_bias = _arranged(ctx, ctx.steps)
    name = names.bias(l) if is_bias else names.weights(l)
    new_name = name + Sym("*", "^{*}")
    old = _shaped([[s.operands[0].value for s in r] for r in rows], is_bias, term=True)
    new = _shaped([values(r) for r in rows], is_bias, result=True)
    if ctx.steps[0].rule == "keep":
        return [math([new_name], [name], [new]), Note(ctx.word("step.not_trained"))]
    lr = ctx.steps[0].operands[1].value
    loss_name = ctx.q("loss", ctx.steps[0].sample)
    general: list[Atom] = [name, " − ", ctx.q("lr"), "·", derivative(loss_name, name)]
    grads = _shaped([[s.operands[2].value for s in r] for r in rows], is_bias, term=True)
    return [math([new_name], general, [old, " − ", Num(lr, term=True), " · ", grads], [new])]


BUILDERS: dict[FrameKind, Builder] = {
    FrameKind.MATRIX_NET: net,
    FrameKind.MATRIX_ACT: act,
    FrameKind.MATRIX_LOSS: loss,
    FrameKind.MATRIX_TOTAL: total_loss,
    FrameKind.MATRIX_DELTA_OUT: delta_out,
    FrameKind.MATRIX_DELTA_HIDDEN: delta_hidden,
    FrameKind.MATRIX_GRAD_W: grad_w,
    FrameKind.MATRIX_GRAD_B: grad_b,
    FrameKind.MATRIX_DINPUT: dinput,
    FrameKind.MATRIX_REDUCE: reduce,
    FrameKind.MATRIX_UPDATE_W: update,
    FrameKind.MATRIX_UPDATE_B: update,
}
