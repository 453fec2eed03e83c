"""Each Step's equation as sympy trees: the general formula and the same with numbers.

One builder per rule takes the step's operands as sympy atoms, so that the general form
(atoms = symbols) and the substituted form (atoms = numbers) are the same tree shape and
keep the document's term order (`evaluate=False`, printed with `order="none"`). How a
symbol looks is decided only by the printers (`_print_Symbol`), from `bpwalk.formula.notation`.

Importing this module imports sympy (slow): the CLI imports it only when a formula is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Sequence

import sympy
from sympy import Add, Integer, Mul, Piecewise, Pow, Rational, Symbol
from sympy.printing.latex import LatexPrinter

import bpwalk.formula.symbolic as S
from bpwalk.formula.notation import Derivative, Notation, Product
from bpwalk.formula.numbers import format_latex_value, format_number, latex_number, text_number  # noqa: F401
from bpwalk.engine.steps import Operand, Step, factor_name, operand_sample
from bpwalk.ops import ACTIVATIONS, LOSSES, OPTIMIZERS
from bpwalk.ops.optimizers import l2_grad_template, penalty_template
from bpwalk.formula.symbolic import HALF
from bpwalk.formula.convention import ERROR_BUILDERS, definition, output_error_form

Builder = Callable[[Step, Sequence[sympy.Expr]], sympy.Expr]
# How a piecewise formula (f' of relu) reads in the language shown, from the words tables
# (`bpwalk.words.cases`): the one-line form, with {then}, {cond}, {other}; the word before a
# branch's condition in LaTeX; and the last branch's word ("otherwise").
Cases = tuple[str, str, str]
NUM = "#"          # prefix of the symbols that stand for numbers in a substituted formula
OPERAND = "&"      # prefix of the symbols that stand for operands in a general formula

_neg, _sum, _prod, _minus = S.neg, S.total, S.product, S.minus


# -- one builder per rule; `a` are the operands as atoms, in order --------------------------
# The activations' and losses' own formulas are their registry entries' templates.

def _net(step: Step, a: Sequence[sympy.Expr], substituted: bool = False) -> sympy.Expr:
    terms = [Mul(a[i], a[i + 1], evaluate=False) for i in range(0, len(a) - 1, 2)]
    if len(a) % 2:
        # the bias: written b in the formula and b * 1 with numbers, as the documents do
        terms.append(Mul(a[-1], Integer(1), evaluate=False) if substituted else a[-1])
    return _sum(terms)


def _variant(step: Step) -> str:
    return step.rule_of


def _act(step: Step, a: Sequence[sympy.Expr]) -> sympy.Expr:
    entry = ACTIVATIONS[_variant(step)]
    if entry.layer_wise:
        own = [op.name for op in step.operands].index(f"net.{step.subject}")
        return entry.template(S, a, own)
    return entry.template(S, *a)   # the net, then the parameter if it takes one


def _d_act(step: Step, a: Sequence[sympy.Expr]) -> sympy.Expr:
    template = ACTIVATIONS[_variant(step)].d_template
    assert template is not None
    return template(S, *a)   # the quantity it is written with (if any), then the parameter


def _loss_atoms(a: Sequence[sympy.Expr]) -> sympy.Expr | None:
    return a[2] if len(a) > 2 else None   # K, for a loss that divides by it


def _error(step: Step, a: Sequence[sympy.Expr]) -> sympy.Expr:
    return LOSSES[_variant(step)].template(S, a[0], a[1], _loss_atoms(a))       # operands: target, out[, K]


def _d_error(step: Step, a: Sequence[sympy.Expr]) -> sympy.Expr:
    return LOSSES[_variant(step)].d_template(S, a[1], a[0], _loss_atoms(a))     # operands: out, target[, K]


def _delta(step: Step, a: Sequence[sympy.Expr]) -> sympy.Expr:
    if step.rule == "delta":
        return _prod(a)
    # a layer-wise activation: every dE/dout of the layer, then every out
    half = len(a) // 2
    u = [op.name for op in step.operands[half:]].index(f"out.{step.subject}")
    template = ACTIVATIONS[_variant(step)].delta_template
    assert template is not None
    return template(S, a[:half], a[half:], u)


def _total(step: Step, a: Sequence[sympy.Expr]) -> sympy.Expr:
    if step.rule_of == "mean":
        return Mul(Pow(Integer(len(a)), Integer(-1), evaluate=False), _sum(a), evaluate=False)
    return _sum(a)


def _optimizer(step: Step, a: Sequence[sympy.Expr]) -> sympy.Expr:
    # opt:<optimizer>:<quantity>: the registry entry's formula for that quantity
    name, quantity = step.rule_of, step.rule_part
    (formula,) = [f for f in OPTIMIZERS[name].formulas if f.quantity == quantity]
    return formula.template(S, *a)


BUILDERS: dict[str, Builder] = {
    "net": _net,
    "act": _act,
    "error": _error,
    "loss": lambda s, a: _sum(a),
    "total": _total,
    "reduce": _total,
    "dE_dout": _d_error,
    "path": lambda s, a: _prod(a),
    "paths": lambda s, a: _sum(a),
    "dact": _d_act,
    "delta": _delta,
    "chain": lambda s, a: _prod(a),
    # dLoss/dx = sum over the first layer of w·δ (display.input_gradients); operands in pairs
    "dinput": lambda s, a: _sum([Mul(a[i], a[i + 1], evaluate=False) for i in range(0, len(a), 2)]),
    "bias": lambda s, a: _sum(a),
    "update": lambda s, a: _minus(a[0], Mul(a[1], a[2], evaluate=False)),
    "keep": lambda s, a: a[0],
    # Addition A: the penalty and its gradient term, the optimizers' steps, the change taken
    "penalty": lambda s, a: penalty_template(S, *a),
    "objective": lambda s, a: _sum(a),
    "grad": lambda s, a: l2_grad_template(S, *a),
    "opt": _optimizer,
    "change": lambda s, a: _minus(a[0], a[1]),
}


def has_formula(step: Step) -> bool:
    return step.rule_kind in BUILDERS


def _template_atoms(step: Step) -> list[sympy.Expr]:
    # one symbol per operand, by position: two samples' grad.w1 are two terms, not one symbol twice
    return [Symbol(f"{OPERAND}{i}") for i in range(len(step.operands))]


def operand_label(step: Step, i: int) -> tuple[str, int | None]:
    """The name operand i is written as in the step's formula, and the sample it belongs to."""
    return factor_name(step, i), operand_sample(step, i)


def build(step: Step, notation: Notation | None = None) -> tuple[sympy.Expr, sympy.Expr, sympy.Expr]:
    """(left-hand side, general formula, formula with numbers) of a step that has one.

    With a notation in the error convention, the rules of `ERROR_BUILDERS` read that way, and an
    output's δ writes −∂E/∂out as the loss's own form, δ_o = (t − o)·f′(net_o) (Mitchell's).
    """
    kind = step.rule_kind
    error = notation is not None and notation.error
    builder = ERROR_BUILDERS.get(kind, BUILDERS[kind]) if error else BUILDERS[kind]
    atoms = _template_atoms(step)
    if error and kind == "delta":
        form = output_error_form(step, notation, Symbol)   # type: ignore[arg-type]
        if form is not None:
            atoms[0] = form
    general = builder(step, atoms)
    numbers = [Symbol(f"{NUM}{i}") for i in range(len(step.operands))]
    substituted = _net(step, numbers, substituted=True) if kind == "net" else builder(step, numbers)
    return Symbol(step.quantity), general, substituted


def compound(step: Step, notation: Notation, symbol: Symbol) -> bool:
    """Whether a symbol of a step's formula is written as more than one name (a derivative, a product)."""
    name = symbol.name
    if name == HALF.name or name.startswith(NUM):
        return False
    label = notation.label(*operand_label(step, int(name[1:]))) if name.startswith(OPERAND) \
        else notation.label(name, step.sample)
    return isinstance(label, (Derivative, Product))


def negated(step: Step, notation: Notation, symbol: Symbol) -> bool:
    """Whether an operand of a step's formula is written with a minus (−∂E/∂out)."""
    name = symbol.name
    if not name.startswith(OPERAND):
        return False
    label = notation.label(*operand_label(step, int(name[1:])))
    return isinstance(label, Derivative) and label.negated


class StepLatex(LatexPrinter):
    """LaTeX for one step's shape: symbols from the notation, a slot where each number goes."""

    def __init__(self, step: Step, notation: Notation, cases: Cases, **settings) -> None:
        super().__init__({"order": "none", **settings})
        self.step = step
        self.notation = notation
        self.cases = cases

    def _print_Piecewise(self, expr: Piecewise) -> str:
        """sympy's cases, with the words of the language shown (`\\text{for}`, `\\text{otherwise}`)."""
        _, when, otherwise = self.cases
        pairs = []
        for e, c in expr.args:
            cond = rf"\text{{{otherwise}}}" if c == sympy.true else rf"\text{{{when}}}\: {self._print(c)}"
            pairs.append(f"{self._print(e)} & {cond}")
        return r"\begin{cases} " + r" \\".join(pairs) + r" \end{cases}"

    def _print_Pow(self, expr: sympy.Pow, **kwargs: object) -> str:
        base, power = expr.args
        if isinstance(base, Symbol) and compound(self.step, self.notation, base) and power.is_Integer and power > 0:
            # (∂E/∂w)², not ∂E/∂w²: the derivative is the base
            return f"\\left({self._print(base)}\\right)^{{{self._print(power)}}}"
        return super()._print_Pow(expr, **kwargs)

    def _print_Symbol(self, expr: Symbol, style: str = "plain") -> str:
        name = expr.name
        if name == HALF.name:
            return "\\frac{1}{2}"
        if name.startswith(NUM):
            return f"{SLOT}{name[1:]}{SLOT}"
        if name.startswith(OPERAND):
            written = self.notation.latex(*operand_label(self.step, int(name[1:])))
            return f"\\left({written}\\right)" if negated(self.step, self.notation, expr) else written
        return self.notation.latex(name, self.step.sample)


def latex(step: Step, notation: Notation, digits: int, cases: Cases) -> tuple[str, str, str] | None:
    """The step as three LaTeX strings: `lhs = general`, the substituted right side, the value.

    `cases` are the words of a piecewise formula (`bpwalk.words.cases(lang)`). Returns None
    for a step with no equation (intro, summary).
    """
    if not has_formula(step) or step.value is None:
        return None
    compiled = _compiled(_shape(step, notation), notation, "latex", cases)
    return compiled.general, compiled.fill(step, lambda x: latex_number(x, digits)), format_latex_value(step.value, digits)


def latex_template(step: Step, notation: Notation, cases: Cases) -> "Compiled | None":
    """The step's LaTeX with a slot where each number goes (see `Compiled`), or None."""
    if not has_formula(step) or step.value is None:
        return None
    return _compiled(_shape(step, notation), notation, "latex", cases)


# -- one-line Unicode, for the terminal and plain text --------------------------------------

_PREC = {"Add": 10, "Mul": 20, "Neg": 15, "Pow": 30, "Atom": 40}


class StepText:
    """One-line Unicode for the trees the builders make: w₅·out_h1, 1/(1 + e^(−net_h1))."""

    def __init__(self, step: Step, notation: Notation, cases: Cases) -> None:
        self.step = step
        self.notation = notation
        self.cases = cases

    def doprint(self, expr: sympy.Expr) -> str:
        return self._print(expr)[0]

    def _wrap(self, part: tuple[str, int], level: int) -> str:
        text, prec = part
        return f"({text})" if prec < level else text

    def _print(self, e: sympy.Basic) -> tuple[str, int]:
        if isinstance(e, Symbol):
            if e.name == HALF.name:
                return "½", _PREC["Atom"]
            if e.name.startswith(NUM):
                return f"{SLOT}{e.name[1:]}{SLOT}", _PREC["Atom"]
            # a derivative's label (∂E/∂w) binds as a quotient: squared, it takes parentheses;
            # a negated one (−∂E/∂out) as a negation: a factor, it takes them too
            prec = _PREC["Mul"] if compound(self.step, self.notation, e) else _PREC["Atom"]
            if negated(self.step, self.notation, e):
                prec = _PREC["Neg"]
            if e.name.startswith(OPERAND):
                return self.notation.text(*operand_label(self.step, int(e.name[1:]))), prec
            return self.notation.text(e.name, self.step.sample), prec
        if isinstance(e, sympy.Integer):
            return str(int(e)), _PREC["Atom"]
        if isinstance(e, Add):
            out = self._wrap(self._print(e.args[0]), _PREC["Add"])
            for arg in e.args[1:]:
                if _is_neg(arg):
                    out += " − " + self._wrap(self._print(arg.args[1]), _PREC["Mul"])
                else:
                    out += " + " + self._wrap(self._print(arg), _PREC["Add"] + 1)
            return out, _PREC["Add"]
        if isinstance(e, Mul):
            if _is_neg(e):
                return "−" + self._wrap(self._print(e.args[1]), _PREC["Mul"]), _PREC["Neg"]
            args = list(e.args)
            if len(args) == 2 and _is_reciprocal(args[1]):
                num = self._wrap(self._print(args[0]), _PREC["Mul"])
                den = self._wrap(self._print(args[1].args[0]), _PREC["Pow"])
                return f"{num}/{den}", _PREC["Mul"]
            return "·".join(self._wrap(self._print(a), _PREC["Mul"]) for a in args), _PREC["Mul"]
        if isinstance(e, Pow):
            base, power = e.args
            if _is_reciprocal(e):
                return f"1/{self._wrap(self._print(base), _PREC['Pow'])}", _PREC["Mul"]
            if power == Rational(1, 2):
                return f"√{self._wrap(self._print(base), _PREC['Atom'])}", _PREC["Pow"]
            sup = {2: "²", 3: "³"}.get(int(power)) if power.is_Integer else None
            b = self._wrap(self._print(base), _PREC["Pow"] + 1)
            return (f"{b}{sup}" if sup else f"{b}^{self._wrap(self._print(power), _PREC['Pow'] + 1)}"), _PREC["Pow"]
        if isinstance(e, sympy.exp):
            return f"e^{self._wrap(self._print(e.args[0]), _PREC['Atom'])}", _PREC["Pow"]
        if isinstance(e, sympy.log):
            return f"ln({self._print(e.args[0])[0]})", _PREC["Atom"]
        if isinstance(e, sympy.tanh):
            return f"tanh({self._print(e.args[0])[0]})", _PREC["Atom"]
        if isinstance(e, sympy.Max):
            return f"max({', '.join(self._print(a)[0] for a in e.args)})", _PREC["Atom"]
        if isinstance(e, Piecewise):
            (v1, cond), (v2, _) = e.args
            z = self._print(cond.args[0])[0]
            line = self.cases[0].format(then=self._print(v1)[0], cond=f"{z} > 0", other=self._print(v2)[0])
            return f"({line})", _PREC["Atom"]
        if e == sympy.pi:
            return "π", _PREC["Atom"]
        if isinstance(e, sympy.Function):   # erf, and any other function a template uses, by its name
            return f"{e.func.__name__}({', '.join(self._print(a)[0] for a in e.args)})", _PREC["Atom"]
        return str(e), _PREC["Atom"]


def _is_neg(e: sympy.Basic) -> bool:
    return isinstance(e, Mul) and len(e.args) == 2 and e.args[0] == Integer(-1)


def _is_reciprocal(e: sympy.Basic) -> bool:
    return isinstance(e, Pow) and e.args[1] == Integer(-1)


def text(step: Step, notation: Notation, digits: int, cases: Cases) -> tuple[str, str, str, str] | None:
    """The step in one-line Unicode: (left side, general formula, substituted, value).

    `cases` are the words of a piecewise formula (`bpwalk.words.cases(lang)`).
    """
    if not has_formula(step) or step.value is None:
        return None
    compiled = _compiled(_shape(step, notation), notation, "text", cases)
    value = format_number(step.value, digits)
    return compiled.lhs, compiled.general, compiled.fill(step, lambda x: text_number(x, digits)), value


# -- compiled templates: sympy builds and prints each shape of step once ---------------------
# A walk-through repeats the same equations with new numbers every iteration. The printers
# write a slot where each number goes; filling the slots is then plain string work, and gives
# exactly what printing the numbers would (a number's look depends on its value only).

SLOT = "\x00"


@dataclass(frozen=True)
class Compiled:
    lhs: str
    general: str                      # "lhs = formula" for LaTeX, the formula alone for text
    substituted: tuple[str, ...]      # literal text and slot indices, alternating

    def fill(self, step: Step, number: Callable[[float], str]) -> str:
        parts = list(self.substituted)
        for i in range(1, len(parts), 2):
            parts[i] = number(step.operands[int(parts[i])].value)
        return "".join(parts)


def _shape(step: Step, notation: Notation) -> tuple:
    """What a step's formula depends on: not its numbers, nor its iteration."""
    sample = step.sample if notation.multi_sample else None
    return step.rule, step.quantity, tuple((op.name, op.sample) for op in step.operands), sample


@lru_cache(maxsize=8192)
def _compiled(shape: tuple, notation: Notation, kind: str, cases: Cases) -> Compiled:
    rule, quantity, names, sample = shape
    operands = tuple(Operand(n, 0.0, None, s) for n, s in names)
    step = Step(0, "forward", 1, sample, quantity, None, rule, operands, 0.0)
    lhs, general, substituted = build(step, notation)
    meant = definition(step, notation)
    meaning = Symbol(meant) if meant is not None else None
    if kind == "latex":
        plain = StepLatex(step, notation, cases, ln_notation=True)
        dotted = StepLatex(step, notation, cases, ln_notation=True, mul_symbol="dot")
        left = plain.doprint(lhs)
        left_side = left if meaning is None else f"{left} = {plain.doprint(meaning)}"   # δ = −∂E/∂net = ...
        return Compiled(left, f"{left_side} = {plain.doprint(general)}", tuple(dotted.doprint(substituted).split(SLOT)))
    printer = StepText(step, notation, cases)
    formula = printer.doprint(general)
    if meaning is not None:
        formula = f"{printer.doprint(meaning)} = {formula}"
    return Compiled(printer.doprint(lhs), formula, tuple(printer.doprint(substituted).split(SLOT)))
