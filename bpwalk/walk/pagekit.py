"""What the grouped styles' page builders share: the context they read, and expression helpers.

A builder reads step values and operands only: every number on a page is one a step computed
or was given (a product shown is the step that holds it, never a recomputation).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Callable, Sequence

from bpwalk.engine.steps import Step, Trace
from bpwalk.formula.notation import Notation
from bpwalk.walk.frames import Frame
from bpwalk.walk.layers import LayerIndex, MatrixNames
from bpwalk.walk.page import Block, Expr, Math, Num, Sym, dC_dz, derivative
from bpwalk.words import say

MAX_TERMS = 4            # a longer sum shows its first two terms, a ⋯ and its last


@dataclass(frozen=True)
class PageContext:
    """What a builder needs: the frame's steps, the notation, the language."""

    trace: Trace
    frame: Frame
    lang: str

    @cached_property
    def notation(self) -> Notation:
        return Notation.of(self.trace.scenario)

    @cached_property
    def names(self) -> MatrixNames:
        return MatrixNames.of(self.trace.scenario, self.notation)

    @cached_property
    def index(self) -> LayerIndex:
        return LayerIndex.of(self.trace.scenario)

    @cached_property
    def steps(self) -> tuple[Step, ...]:
        return tuple(self.trace.steps[i] for i in self.frame.steps)

    @property
    def layer(self) -> int:
        """The (0-based) layer the frame is about."""
        return self.index.of_step(self.steps[-1].quantity)

    def q(self, name: str, sample: int | None = None) -> Sym:
        """A quantity or operand name of the trace as a symbol (`out.h1` -> out_h1)."""
        return Sym(self.notation.text(name, sample), self.notation.latex(name, sample))

    def param(self, name: str) -> Sym:
        """A parameter, input or unit by its own name (`w5` -> w₅)."""
        return Sym(self.notation.name_text(name), self.notation.name_latex(name))

    def word(self, key: str, /, **fields: object) -> str:
        """A string of the words tables in the page's language (`style.sum`, `step.not_trained`)."""
        return say(self.lang, key, **fields)

    def of_kind(self, kind: str) -> list[Step]:
        """The frame's steps computing quantities of one kind (`error`, `delta`)."""
        return [s for s in self.steps if s.ref.kind == kind]

    def sample_of(self, source: int | None) -> int | None:
        """The sample of the step an operand came from."""
        return None if source is None else self.trace.steps[source].sample

    def dC_dz(self, unit: str, sample: int | None, factor: bool = False) -> Sym:
        """δ of a unit (`dC_dz`); `factor`: to stand in a product (−∂C/∂z in parentheses)."""
        d = dC_dz(self.notation, unit, sample)
        return self.factor(d) if factor else d

    def factor(self, sym: Sym) -> Sym:
        """A symbol to stand in a product: in the error convention a negated one takes parentheses."""
        return Sym(f"({sym.text})", f"\\left({sym.latex}\\right)") if self.error and sym.text.startswith("−") else sym

    @property
    def error(self) -> bool:
        """Whether the page is in the error convention (δ = −∂C/∂z, as Mitchell)."""
        return self.notation.error

    def delta_value(self, step: Step) -> float:
        """δ (∂C/∂z) of the unit whose gradient `step` is: read from the delta step, not recomputed."""
        first = step.operands[0]
        if first.ref.kind == "delta":
            return first.value
        unit = first.ref.unit
        start = (first.source or 0) + 1
        for j in range(start, step.index):
            if self.trace.steps[j].quantity == f"delta.{unit}":
                value = self.trace.steps[j].value
                assert value is not None
                return value
        raise LookupError(f"no delta step for {unit} before step {step.index + 1}")


Builder = Callable[[PageContext], list[Block]]


def elided(items: Sequence[Any], gap: Any, limit: int = MAX_TERMS) -> list[Any]:
    """The first two items, a gap and the last, when there are more than `limit`."""
    if len(items) <= limit:
        return list(items)
    return [items[0], items[1], gap, items[-1]]


def joined(items: Sequence[Expr | Sym | Num], sep: str = " + ") -> Expr:
    """Terms with `sep` between them, a long run elided around a ⋯."""
    out: list[Any] = []
    for k, item in enumerate(elided(list(items), "⋯")):
        if k:
            out.append(sep)
        out.extend(item if isinstance(item, tuple) else (item,))
    return tuple(out)


def flat(form: Sequence[Any]) -> Expr:
    """A form's atoms, with the expressions it holds as pieces spliced in."""
    out: list[Any] = []
    for atom in form:
        out.extend(flat(atom) if isinstance(atom, (tuple, list)) else (atom,))
    return tuple(out)


def math(lhs: Sequence[Any], *sides: Sequence[Any]) -> Math:
    return Math(flat(lhs), tuple(flat(s) for s in sides))


def total_loss(ctx: PageContext) -> list[Block]:
    """L = C⁽¹⁾ + C⁽²⁾ (or their mean): the total loss over the samples."""
    (step,) = ctx.steps
    general = joined([ctx.q("loss", ctx.sample_of(op.source)) for op in step.operands])
    substituted = joined([Num(op.value, term=True) for op in step.operands])
    if step.rule_of == "mean":
        n = len(step.operands)
        general, substituted = (f"(1/{n})·(", *general, ")"), (f"(1/{n})·(", *substituted, ")")
    assert step.value is not None
    return [math([ctx.q("total_loss")], general, substituted, [Num(step.value, result=True)])]
