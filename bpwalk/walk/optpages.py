"""The pages of Addition A's updates in the grouped styles: the optimizer's formulas, a layer at once.

    M₂ ← β₁·M₂ + (1 − β₁)·G₂ = 0.9·⎡0  0⎤ + (1 − 0.9)·⎡0.0822  0.0827⎤ = ⎡0.00822  0.00827⎤
                                  ⎣0  0⎦             ⎣−0.023  −0.023⎦   ⎣−0.0023  −0.0023⎦

Each formula is the optimizer's own template in `bpwalk.ops.optimizers` (`Formula.template`),
handed `FORMS` instead of `bpwalk.formula.symbolic`: the same calls build an expression of
page atoms, once with names and once with the layer's numbers (a matrix for the weights, a
vector for the biases). The delta style writes the formula once with the names of one
parameter and puts the numbers of every parameter of the layer in a table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from bpwalk.engine.steps import Step
from bpwalk.ops import L2, OPTIMIZERS, STATE_NAMES
from bpwalk.ops.optimizers import l2_grad_template
from bpwalk.walk.frames import FrameKind
from bpwalk.walk.matrix_pages import spaced
from bpwalk.walk.optframes import CHANGE, GRAD, delta_name, matrix_name, part_of
from bpwalk.walk.page import Block, Grid, Mat, Math, Note, Num, Sym, Vec, derivative
from bpwalk.walk.pagekit import Builder, PageContext, flat

SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
ATOM, POWER, PRODUCT, SUM = 4, 3, 2, 1      # how tightly a piece binds (parentheses below)


@dataclass(frozen=True)
class Piece:
    """An expression being built: its atoms, how tightly it binds, whether it is a matrix or vector."""

    atoms: tuple[Any, ...]
    binds: int = ATOM
    array: bool = False


def leaf(atom: Any, array: bool = False) -> Piece:
    loose = isinstance(atom, Sym) and "/" in atom.text       # ∂E/∂w squared needs its parentheses
    return Piece((atom,), PRODUCT if loose else ATOM, array)


def _p(x: Any) -> Piece:
    return x if isinstance(x, Piece) else leaf(str(x))


def _wrapped(p: Piece, below: int) -> tuple[Any, ...]:
    return ("(", *p.atoms, ")") if p.binds < below else p.atoms


class Forms:
    """`bpwalk.formula.symbolic`'s builders, building page expressions: what the templates call."""

    @staticmethod
    def plus(*terms: Any) -> Piece:
        pieces = [_p(t) for t in terms]
        atoms: list[Any] = []
        for k, p in enumerate(pieces):
            atoms += [" + "] if k else []
            atoms += p.atoms
        return Piece(tuple(atoms), SUM, any(p.array for p in pieces))

    @staticmethod
    def total(terms: Sequence[Any]) -> Piece:
        return Forms.plus(*terms)

    @staticmethod
    def minus(a: Any, b: Any) -> Piece:
        pa, pb = _p(a), _p(b)
        return Piece((*pa.atoms, " − ", *_wrapped(pb, PRODUCT)), SUM, pa.array or pb.array)

    @staticmethod
    def times(*factors: Any) -> Piece:
        pieces = [_p(f) for f in factors]
        # a number times a matrix is ·; two matrices multiply element by element
        sep = " ⊗ " if sum(p.array for p in pieces) > 1 else "·"
        atoms: list[Any] = []
        for k, p in enumerate(pieces):
            atoms += [sep] if k else []
            atoms += _wrapped(p, PRODUCT)
        return Piece(tuple(atoms), PRODUCT, any(p.array for p in pieces))

    @staticmethod
    def over(a: Any, b: Any) -> Piece:
        pa, pb = _p(a), _p(b)
        sep = " ⊘ " if pb.array else "/"
        return Piece((*_wrapped(pa, PRODUCT), sep, *_wrapped(pb, POWER)), PRODUCT, pa.array or pb.array)

    @staticmethod
    def power(base: Any, n: int) -> Piece:
        p = _p(base)
        if p.array and n == 2:
            return Piece((*_wrapped(p, POWER), " ⊗ ", *_wrapped(p, POWER)), PRODUCT, True)
        return Piece((*_wrapped(p, ATOM), str(n).translate(SUPERSCRIPT)), POWER, p.array)

    @staticmethod
    def raised(base: Any, exponent: Any) -> Piece:
        p, e = _p(base), _p(exponent)
        (atom,) = e.atoms
        if isinstance(atom, Num):
            up = str(int(atom.value)).translate(SUPERSCRIPT) if atom.value == int(atom.value) else f"^{atom.value}"
        else:
            up = "ᵗ" if isinstance(atom, Sym) and atom.text == "t" else f"^{atom.text}"
        return Piece((*_wrapped(p, ATOM), up), POWER, p.array)

    @staticmethod
    def sqrt(x: Any) -> Piece:
        p = _p(x)
        if p.binds == ATOM:
            return Piece((Sym("√", "\\sqrt{"), *p.atoms, Sym("", "}")), ATOM, p.array)
        return Piece((Sym("√(", "\\sqrt{"), *p.atoms, Sym(")", "}")), ATOM, p.array)


FORMS = Forms()


# -- reading a frame's steps ------------------------------------------------------------------

def _formula(step: Step) -> tuple[tuple[str, ...], Any]:
    """The roles of a step's operands and its template (the penalty's gradient term, an optimizer's step, Δ)."""
    part = part_of(step)
    if part == GRAD:
        return ("g", L2.key, "P"), lambda s, g, lam, p: l2_grad_template(s, g, lam, p)
    if part == CHANGE:
        return ("new", "P"), lambda s, new, p: s.minus(new, p)
    (formula,) = [f for f in OPTIMIZERS[step.rule_of].formulas if f.quantity == step.rule_part]
    return formula.roles, formula.template


def _varies(role: str) -> bool:
    """Whether an operand differs from parameter to parameter (else it is one constant: η, β₁, t)."""
    return role in ("P", "g", "new") or role.startswith("prev.") or role in STATE_NAMES


def _arranged(ctx: PageContext) -> tuple[list[list[Step]], bool]:
    """The frame's steps as the layer's weight matrix (rows: units), or its biases as a column."""
    layer = ctx.trace.scenario.layers[ctx.layer]
    by_name = {s.subject: s for s in ctx.steps}
    if ctx.steps[0].subject in ctx.index.biases:
        return [[by_name[b]] for b in layer.bias_names if b in by_name], True
    return [[by_name[w] for w in row if w in by_name] for row in layer.weight_names], False


def _shaped(rows: list[list[float]], result: bool = False) -> Any:
    """A matrix, a bias vector, or one shared bias as a number."""
    if len(rows) == 1 and len(rows[0]) == 1:
        return Num(rows[0][0], term=not result, result=result)
    if all(len(r) == 1 for r in rows):
        return Vec(tuple(r[0] for r in rows), result)
    return Mat(tuple(tuple(r) for r in rows), result)


def _gradient_note(ctx: PageContext, step: Step, roles: Sequence[str], name: Sym, of: Sym) -> list[Block]:
    """Where the gradient came from: the backward pass, or the frame adding the penalty's term."""
    if "g" not in roles or part_of(step) == GRAD:
        return []
    k = roles.index("g")
    sources = [s.operands[k].source for s in ctx.steps]
    penalised = [i is not None and ctx.trace.steps[i].rule == "grad:l2" for i in sources]
    # the delta style's table holds weights and biases: the penalty may reach only the weights
    key = "optpage.penalised" if all(penalised) else "optpage.penalised_weights" if any(penalised) else "optpage.gradient"
    loss = ctx.q("loss", step.sample) if step.sample is not None else ctx.q("total_loss")
    about = name + Sym(f" = {derivative(loss, of).text}", f" = {derivative(loss, of).latex}")
    return [Note(ctx.word(key), about)]


def _previous_note(ctx: PageContext, step: Step, roles: Sequence[str], name: Sym, arrow: bool = True) -> list[Block]:
    """The state before this update: zero at the first, else what the previous update left
    (`arrow`: the formula writes it right of ←, under the same name)."""
    suffix = "" if arrow else "_t"
    prev = [op for op, role in zip(step.operands, roles) if role.startswith("prev.")]
    if not prev:
        return []
    if prev[0].source is None:
        return [Note(ctx.word("optpage.zero" + suffix), name)]
    source = ctx.trace.steps[prev[0].source]
    where = [ctx.word("at.iteration", n=source.iteration)]
    if source.batch is not None:
        where.append(ctx.word("at.batch_short", n=source.batch))
    elif source.sample is not None and ctx.notation.multi_sample:
        where.append(ctx.word("at.sample", n=source.sample))
    return [Note(ctx.word("optpage.previous" + suffix, where=("，" if ctx.lang == "zh" else ", ").join(where)), name)]


def _names(ctx: PageContext, role: str, own: Sym, named: Any) -> Sym:
    """A role's name: a part of the update (`named(part)`), the parameter, or a constant's symbol."""
    if role == "P":
        return own
    if role == "g":
        return named(GRAD)
    if role == "new" or role in STATE_NAMES:
        return named(role)
    if role.startswith("prev."):
        return named(role[len("prev."):])
    return ctx.q(role)


# -- matrix ---------------------------------------------------------------------------------

def matrix_update(ctx: PageContext) -> list[Block]:
    """One part of a layer's update as a matrix equation: G₂, M₂ ← ..., W₂* = W₂ − η·..., ΔW₂."""
    rows, biases = _arranged(ctx)
    first = rows[0][0]
    roles, template = _formula(first)
    l, names = ctx.layer, ctx.names
    shared = biases and len(rows) == 1
    own = names.bias(l) if biases else names.weights(l)

    def named(part: str) -> Sym:
        return matrix_name(names, l, part, biases)

    general, numbers = [], []
    for i, role in enumerate(roles):
        if _varies(role):
            general.append(leaf(_names(ctx, role, own, named), array=not shared))
            numbers.append(leaf(_shaped([[s.operands[i].value for s in r] for r in rows]), array=not shared))
        else:
            general.append(leaf(ctx.q(role)))
            numbers.append(leaf(Num(first.operands[i].value, term=True)))
    if part_of(first) == GRAD:
        # the penalty's term joins the data loss's gradient, written as the backward pass wrote it
        general[0] = leaf(derivative(ctx.q("data_loss"), own), array=not shared)
    lhs = named(part_of(first))
    result = _shaped([[s.value or 0.0 for s in r] for r in rows], result=True)
    formula = template(FORMS, *general)
    substituted = template(FORMS, *numbers)
    arrow = any(role.startswith("prev.") for role in roles)
    blocks: list[Block] = [Math(flat([lhs]), (formula.atoms, tuple(spaced(substituted.atoms)), (result,)), arrow)]
    blocks += _previous_note(ctx, first, roles, lhs)
    blocks += _gradient_note(ctx, first, roles, named(GRAD), own)
    if any(isinstance(a, str) and a.strip() in ("⊗", "⊘") for a in formula.atoms) and not shared:
        blocks.append(Note(ctx.word("optpage.elementwise")))
    return blocks


# -- delta ----------------------------------------------------------------------------------

def delta_update(ctx: PageContext) -> list[Block]:
    """One part of a layer's update: the formula for one parameter, the constants, a row per parameter."""
    first = ctx.steps[0]
    roles, template = _formula(first)
    own = Sym("w", "w")

    def named(part: str) -> Sym:
        return delta_name(part)

    def previous(role: str) -> Sym:
        base = named(role[len("prev."):])
        return Sym(f"{base.text}ₜ₋₁", f"{{{base.latex}}}_{{t-1}}")

    general, columns, constants = [], [], []
    for i, role in enumerate(roles):
        if role.startswith("prev."):
            name = previous(role)
        elif part_of(first) == GRAD and role == "g":
            name = derivative(ctx.q("data_loss"), own)
        else:
            name = _names(ctx, role, own, named)
        general.append(leaf(name))
        if _varies(role):
            columns.append((i, name))
        else:
            constants.append(Math((ctx.q(role),), ((Num(first.operands[i].value),),)))
    lhs = named(part_of(first))
    headers = ("", *(name for _, name in columns), lhs)
    table = tuple((ctx.param(s.subject), *(Num(s.operands[i].value) for i, _ in columns), Num(s.value or 0.0))
                  for s in ctx.steps)
    blocks: list[Block] = [Math((lhs,), (template(FORMS, *general).atoms,)), *constants,
                           Grid(headers, table, len(headers) - 1)]
    prev = [name for (i, name) in columns if roles[i].startswith("prev.")]
    if prev:
        blocks += _previous_note(ctx, first, roles, prev[0], arrow=False)
    return blocks + _gradient_note(ctx, first, roles, named(GRAD), own)


BUILDERS: dict[FrameKind, Builder] = {
    FrameKind.MATRIX_OPT_GRAD: matrix_update,
    FrameKind.MATRIX_OPT_STATE: matrix_update,
    FrameKind.MATRIX_OPT_STEP: matrix_update,
    FrameKind.MATRIX_OPT_CHANGE: matrix_update,
    FrameKind.DELTA_OPT_GRAD: delta_update,
    FrameKind.DELTA_OPT_STATE: delta_update,
    FrameKind.DELTA_OPT_STEP: delta_update,
    FrameKind.DELTA_OPT_CHANGE: delta_update,
}
