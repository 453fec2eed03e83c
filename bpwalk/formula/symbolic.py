"""The pieces the registry's formula templates are made of: unevaluated sympy trees.

Imports sympy, so only `bpwalk.formula.equations` and the tests import it, when a formula is
first built; the registry's templates receive this module as their first argument and never
import sympy themselves (start-up stays light). Every builder keeps its arguments in the order
given (`evaluate=False`), so that a template prints in the documents' term order; how a
symbol looks is left to the printers.
"""

from __future__ import annotations

from typing import Sequence, Union

import sympy
from sympy import Add, Integer, Mul, Piecewise, Pow, Rational, Symbol

Atom = Union[sympy.Expr, int]
HALF = Symbol("@half")   # ½: a symbol, so that it prints as a fraction and is never folded into a product
pi = sympy.pi
half = HALF


def num(x: Atom) -> sympy.Expr:
    """An int as a sympy Integer; an expression as it is."""
    return Integer(x) if isinstance(x, int) else x


def neg(x: Atom) -> sympy.Expr:
    return Mul(Integer(-1), num(x), evaluate=False)


def plus(*terms: Atom) -> sympy.Expr:
    return num(terms[0]) if len(terms) == 1 else Add(*map(num, terms), evaluate=False)


def total(terms: Sequence[Atom]) -> sympy.Expr:
    return plus(*terms)


def times(*factors: Atom) -> sympy.Expr:
    return num(factors[0]) if len(factors) == 1 else Mul(*map(num, factors), evaluate=False)


def product(factors: Sequence[Atom]) -> sympy.Expr:
    return times(*factors)


def minus(a: Atom, b: Atom) -> sympy.Expr:
    return Add(num(a), neg(b), evaluate=False)


def over(a: Atom, b: Atom) -> sympy.Expr:
    return Mul(num(a), Pow(num(b), Integer(-1), evaluate=False), evaluate=False)


def power(base: Atom, n: int) -> sympy.Expr:
    return Pow(num(base), Integer(n), evaluate=False)


def raised(base: Atom, exponent: Atom) -> sympy.Expr:
    """base to a power that is itself an atom (β₁ᵗ)."""
    return Pow(num(base), num(exponent), evaluate=False)


def sqrt(x: Atom) -> sympy.Expr:
    return Pow(num(x), Rational(1, 2), evaluate=False)


def exp(x: Atom) -> sympy.Expr:
    return sympy.exp(num(x), evaluate=False)


def log(x: Atom) -> sympy.Expr:
    return sympy.log(num(x), evaluate=False)


def tanh(x: Atom) -> sympy.Expr:
    return sympy.tanh(num(x), evaluate=False)


def erf(x: Atom) -> sympy.Expr:
    return sympy.erf(num(x), evaluate=False)


def maximum(a: Atom, b: Atom) -> sympy.Expr:
    return sympy.Max(num(a), num(b), evaluate=False)


def positive(z: sympy.Expr, then: Atom, otherwise: Atom) -> sympy.Expr:
    """`then` if z > 0, else `otherwise` (the printers write it as one line or as cases)."""
    return Piecewise((num(then), z > 0), (num(otherwise), True), evaluate=False)


def sigmoid(z: Atom) -> sympy.Expr:
    """1/(1 + e^(−z))."""
    return Pow(Add(Integer(1), exp(neg(z)), evaluate=False), Integer(-1), evaluate=False)


def evaluable(expr: sympy.Expr) -> sympy.Expr:
    """The tree with ½ as the number it stands for, for sympy to differentiate and evaluate."""
    return expr.xreplace({HALF: Rational(1, 2)})
