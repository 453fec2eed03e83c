"""Addition A's updates in the grouped styles: which steps one keypress shows, and their names.

One update (of an iteration, a sample or a mini-batch) is a run of `update` steps: per
parameter the gradient's λ·p term (with `regularization`), the optimizer's steps in the
order of its registry entry (`Optimizer.formulas`: its state, then the new value), and the
change taken. The grouped styles show each of those parts once per layer, from the output
layer down as the plain updates go:

    matrix   G₂ = ∂E_data/∂W₂ + λ·W₂    M₂ ← β₁·M₂ + (1 − β₁)·G₂    ...    W₂*    ΔW₂
             then the layer's biases the same way, as a vector (one number when shared)
    delta    the same parts, each for all the layer's weights and biases at once (a table)

A bias that is not trained keeps its value, in the frame kind of the plain updates.
"""

from __future__ import annotations

from typing import Any, Sequence

from bpwalk.engine.steps import Step
from bpwalk.formula.notation import STATE_SYMBOLS
from bpwalk.ops import OPTIMIZERS
from bpwalk.walk.frames import FrameKind, normalize
from bpwalk.walk.layers import MatrixNames, subscript, superscript
from bpwalk.walk.page import UPDATED, Sym

# the part of an update a step is, in the order shown within a layer
GRAD, CHANGE, KEEP = "grad", "change", "keep"

KINDS = {
    "matrix": {GRAD: FrameKind.MATRIX_OPT_GRAD, "state": FrameKind.MATRIX_OPT_STATE,
               "new": FrameKind.MATRIX_OPT_STEP, CHANGE: FrameKind.MATRIX_OPT_CHANGE, KEEP: FrameKind.MATRIX_UPDATE_B},
    "delta": {GRAD: FrameKind.DELTA_OPT_GRAD, "state": FrameKind.DELTA_OPT_STATE,
              "new": FrameKind.DELTA_OPT_STEP, CHANGE: FrameKind.DELTA_OPT_CHANGE, KEEP: FrameKind.DELTA_UPDATE},
}

# (kind, label, steps, search terms): what `bpwalk.walk.styles` makes a Group of
Part = tuple[FrameKind, Sym, list[int], set[str]]


def part_of(step: Step) -> str:
    """`grad`, a quantity of the optimizer's formulas (`m`, `v_hat`, `new`), `change` or `keep`."""
    if step.rule == "grad:l2":
        return GRAD
    if step.rule == "change":
        return CHANGE
    if step.rule_kind == "opt":
        return step.rule_part
    return KEEP


def order(optimizer: str) -> list[str]:
    """The parts of one parameter's update, in the order they are computed."""
    return [GRAD, *(f.quantity for f in OPTIMIZERS[optimizer].formulas), CHANGE, KEEP]


def matrix_name(names: MatrixNames, l: int, part: str, biases: bool) -> Sym:
    """What the matrix style calls a part of layer l's update: G₂, M₂, Vˆ₂, W₂*, ΔW₂ (biases: g⁽²⁾, m⁽²⁾, ...)."""
    own = names.bias(l) if biases else names.weights(l)
    if part in ("new", KEEP):
        return own + UPDATED
    if part == CHANGE:
        return Sym(f"Δ{own.text}", f"\\Delta {own.latex}")
    latex, text = ("g", "g") if part == GRAD else STATE_SYMBOLS[part]
    if biases:
        # a vector as the biases are written: m⁽²⁾ beside b⁽²⁾ (one shared bias: a number, the same name)
        return Sym(f"{text}⁽{superscript(l + 1)}⁾", f"{latex}^{{({l + 1})}}")
    letter = text[0]
    return Sym(f"{text.replace(letter, letter.upper(), 1)}{subscript(l + 1)}",
               f"{latex.replace(letter, letter.upper(), 1)}_{{{l + 1}}}")


def delta_name(part: str) -> Sym:
    """What the delta style calls a part for every parameter: g, m, vˆ, w⁺, Δw."""
    if part in ("new", KEEP):
        return Sym("w⁺", "w^{+}")
    if part == CHANGE:
        return Sym("Δw", "\\Delta w")
    if part == GRAD:
        return Sym("g", "g")
    latex, text = STATE_SYMBOLS[part]
    return Sym(text, latex)


def update_parts(ctx: Any, steps: Sequence[Step], style: str) -> list[Part]:
    """The frames of one update's steps in a grouped style (`ctx`: a `bpwalk.walk.styles.Context`).

    Every step lands in exactly one part; a part's operands come from earlier parts (the state
    before, the gradient) or from earlier segments.
    """
    optimizer = ctx.trace.scenario.optimizer_settings.name
    rank = {part: k for k, part in enumerate(order(optimizer))}
    kinds = KINDS[style]
    by_layer: dict[int, dict[tuple[bool, str], list[int]]] = {}
    for step in steps:
        l = ctx.index.param_layer[step.subject]
        bias = style == "matrix" and step.subject in ctx.index.biases
        by_layer.setdefault(l, {}).setdefault((bias, part_of(step)), []).append(step.index)
    parts: list[Part] = []
    for l in sorted(by_layer, reverse=True):
        groups = by_layer[l]
        for bias, part in sorted(groups, key=lambda key: (key[0], rank[key[1]])):
            found = groups[(bias, part)]
            kind = kinds.get(part, kinds["state"])
            if part == KEEP and style == "matrix" and not bias:
                kind = FrameKind.MATRIX_UPDATE_W
            if style == "matrix":
                label = matrix_name(ctx.names, l, part, bias)
            else:
                label = delta_name(part) + Sym(f" ({_listed(ctx, found)})", f"\\ ({_listed(ctx, found, latex=True)})")
            terms = {normalize(part), f"{'b' if bias else 'w'}{l + 1}", "update"}
            parts.append((kind, label, found, terms))
    return parts


def _listed(ctx: Any, steps: list[int], latex: bool = False, most: int = 3) -> str:
    """The parameters a delta frame is about, the first `most` of them: `w₅, w₆, w₇, …`."""
    names = [ctx.trace.steps[i].subject for i in steps]
    spelled = [ctx.notation.name_latex(n) if latex else ctx.notation.name_text(n) for n in names[:most]]
    if len(names) > most:
        spelled.append("\\ldots" if latex else "…")
    return (",\\ " if latex else ", ").join(spelled)
