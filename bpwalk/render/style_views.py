"""Rich views of the grouped styles' frames (`matrix`, `delta`): a heading, then the equations.

`view(trace, frame, settings)` is what `FrameView` shows for a frame whose kind is not
"step". Each kind has a drawer in `matrix_views` or `delta_views`; a drawer gets the frame's
steps and the width it may use, and returns the lines to print. Drawers read step values and
operands only: every number on screen is one a step computed or was given (a product shown
is the step that holds it, never a recomputation). Numbers go through
`formula.format_number` at `settings.digits` significant digits: a number standing alone (a
vector entry, a result) in ASCII that float() reads, one inside an expression (`term`) with a
Unicode minus (`bpwalk.formula.numbers`).

How vectors and matrices are named is described in `bpwalk.walk.layers`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Callable, Protocol, Sequence

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.text import Text

from bpwalk.formula.equations import format_number, text_number
from bpwalk.formula.notation import Notation
from bpwalk.render.blocks import Block, Equation, text
from bpwalk.walk.frames import Frame
from bpwalk.walk.layers import LayerIndex, MatrixNames
from bpwalk.render.terminal import phase_name, where_in
from bpwalk.engine.steps import Step, Trace
from bpwalk.words import say

RESULT = "bold green"
MAX_TERMS = 4            # a longer sum shows its first two terms, a ⋯ and its last

class ViewSettings(Protocol):
    """What a view reads from the walk-through's settings (`bpwalk.render.views.Settings`)."""

    digits: int
    lang: str


@dataclass(frozen=True)
class ViewContext:
    """What a drawer needs: the frame's steps, the notation, and how to write numbers."""

    trace: Trace
    frame: Frame
    digits: int
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

    def num(self, x: float) -> str:
        """A number standing alone: a vector entry, a result (ASCII, as float() reads it)."""
        return format_number(x, self.digits)

    def term(self, x: float) -> str:
        """A number inside an expression: negatives in parentheses."""
        return text_number(x, self.digits)

    def word(self, key: str, /, **fields: object) -> str:
        """A string of the words tables in the frame's language (`style.sum`, `step.not_trained`)."""
        return say(self.lang, key, **fields)

    def phase(self, phase: str) -> str:
        return phase_name(self.lang, phase)

    def with_prefix(self, prefix: str) -> list[Step]:
        return [s for s in self.steps if s.quantity.startswith(prefix)]

    def sample_of(self, source: int | None) -> int | None:
        """The sample of the step an operand came from."""
        return None if source is None else self.trace.steps[source].sample

    def delta_value(self, step: Step) -> float:
        """δ (∂C/∂z) of the unit whose gradient `step` is: read from the delta step, not recomputed."""
        first = step.operands[0]
        if first.name.startswith("delta."):
            return first.value
        unit = first.name.partition(".")[2]
        start = (first.source or 0) + 1
        for j in range(start, step.index):
            if self.trace.steps[j].quantity == f"delta.{unit}":
                value = self.trace.steps[j].value
                assert value is not None
                return value
        raise LookupError(f"no delta step for {unit} before step {step.index + 1}")


Drawer = Callable[[ViewContext, int], list[RenderableType]]


def elided(items: Sequence[Any], gap: Any, limit: int = MAX_TERMS) -> list[Any]:
    """The first two items, a gap and the last, when there are more than `limit`."""
    if len(items) <= limit:
        return list(items)
    return [items[0], items[1], gap, items[-1]]


def joined(items: Sequence[str], sep: str = " + ") -> str:
    return sep.join(elided(items, "⋯"))


def equation(lhs: Sequence[str | Block], *sides: Sequence[str | Block]) -> Equation:
    return Equation(lhs, [list(s) for s in sides])


def eq_lines(width: int, *equations: Equation) -> list[RenderableType]:
    out: list[RenderableType] = []
    for eq in equations:
        out.extend(eq.lines(width))
    return out


def result(ctx: ViewContext, x: float) -> Block:
    return text(ctx.num(x), RESULT)


def total_loss(ctx: ViewContext, width: int) -> list[RenderableType]:
    """L = C⁽¹⁾ + C⁽²⁾ (or their mean): the total loss over the samples."""
    (step,) = ctx.steps
    names = [ctx.notation.text("loss", ctx.sample_of(op.source)) for op in step.operands]
    numbers = [ctx.term(op.value) for op in step.operands]
    general, substituted = joined(names), joined(numbers)
    if step.rule.endswith(":mean"):
        n = len(step.operands)
        general, substituted = f"(1/{n})·({general})", f"(1/{n})·({substituted})"
    lhs = ctx.notation.text("total_loss")
    return eq_lines(width, equation([lhs], [general], [substituted], [result(ctx, step.value)]))


def heading(ctx: ViewContext, width: int) -> list[Text]:
    """`Backward pass · iteration 1 · sample 2 · δ(2)`; the label on a line of its own if it does not fit."""
    where = _where(ctx)
    line = Text(f"{where} · {ctx.frame.label}", style="bold")
    if line.cell_len <= width:
        return [line]
    return [Text(where, style="bold"), Text(ctx.frame.label, style="bold")]


def _where(ctx: ViewContext) -> str:
    frame = ctx.frame
    sample = frame.sample if ctx.notation.multi_sample else None
    return " · ".join([ctx.phase(frame.phase), *where_in(ctx.lang, frame.iteration, sample)])
