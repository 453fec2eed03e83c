"""Every loss, each defined once: one output's term, its derivative, formulas, forms and facts.

A `Loss` is the sample loss as a sum of one term per output unit: `term(t, o, K)` of the
target t, the out o and the number of output units K, and `d(t, o, K)` = dLoss/dout. Like the
activations (see `bpwalk.ops.activations`) each entry also holds its sympy templates (taking
`bpwalk.formula.symbolic` as `s`), its vector forms for the matrix style, and what validation
checks: which outputs it needs and which targets it accepts. Nothing else lists the losses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from bpwalk.ops.mathfns import INF, log

Form = list
Template = Callable[..., Any]   # (bpwalk.formula.symbolic, t, o, K or None) -> a sympy expression


@dataclass(frozen=True)
class TargetRange:
    """The targets a loss accepts: low <= t (<= high)."""

    low: float
    high: float | None
    text: str                   # as messages say it: "in [0, 1]", ">= 0"

    def admits(self, t: float) -> bool:
        return self.low <= t and (self.high is None or t <= self.high)


@dataclass(frozen=True, eq=False)
class Loss:
    """One loss: a term per output unit (t, o, K) and its derivative, and what is shown of it."""

    name: str
    term: Callable[[float, float, int], float]       # this output's term of the sample loss
    d: Callable[[float, float, int], float]          # dLoss/dout of this output
    template: Template                               # the term
    d_template: Template                             # its derivative
    form: Callable[[Any, Any, Any], Form]            # (a, t, K) -> the sample loss over the output vector
    d_form: Callable[[Any, Any, Any], Form]          # (a, t, K) -> ∂J/∂a
    summary: str                                     # the sample loss in ASCII, for the schema
    per_output_count: bool = False                   # the term divides by K (a step operand)
    needs_probability: bool = False                  # takes ln of the outputs: they must lie in (0, 1)
    targets: TargetRange | None = None
    poles: tuple[float, ...] = ()                    # outputs at which it is infinite (a ln 0)
    suggested_output: str = ""                       # the output activation `bpwalk new` gives it
    # −∂E/∂o as the error convention writes it (t − o for half_sse); None: −(d_template)
    error_template: Template | None = None
    error_form: Callable[[Any, Any, Any], Form] | None = None   # (a, t, K) -> −∂J/∂a, the vector form of it
    sentences: Mapping[str, Mapping[str, str]] = field(default_factory=dict)   # lang -> step kind -> sentence


def _half_sse(t: float, o: float, k: int) -> float:
    d = t - o
    return 0.5 * (d * d)


def _sse(t: float, o: float, k: int) -> float:
    d = t - o
    return d * d


def _mse(t: float, o: float, k: int) -> float:
    d = t - o
    return (d * d) / k


def _cross_entropy(t: float, o: float, k: int) -> float:
    return 0.0 if t == 0.0 else -(t * log(o))  # 0 ln 0 = 0


def _d_cross_entropy(t: float, o: float, k: int) -> float:
    if t == 0.0:
        return 0.0
    return -t / o if o != 0.0 else -INF  # d/do -t ln o = -t/o


def _binary_cross_entropy(t: float, o: float, k: int) -> float:
    a = 0.0 if t == 0.0 else t * log(o)
    b = 0.0 if t == 1.0 else (1.0 - t) * log(1.0 - o)
    return -(a + b)


def _d_binary_cross_entropy(t: float, o: float, k: int) -> float:
    # d/do -[t ln o + (1-t) ln(1-o)] = -t/o + (1-t)/(1-o); a zero coefficient drops its term
    a = 0.0 if t == 0.0 else (t / o if o != 0.0 else INF)
    b = 0.0 if t == 1.0 else ((1.0 - t) / (1.0 - o) if o != 1.0 else INF)
    return b - a


def _squared(s: Any, t: Any, o: Any) -> Any:
    return s.power(s.minus(t, o), 2)


HALF_SSE = Loss(
    "half_sse", _half_sse,
    lambda t, o, k: o - t,   # d/do 1/2 (t - o)^2 = -(t - o)
    template=lambda s, t, o, k: s.times(s.half, _squared(s, t, o)),
    d_template=lambda s, t, o, k: s.minus(o, t),
    error_template=lambda s, t, o, k: s.minus(t, o),
    form=lambda a, t, k: ["Σ ½(", t, " − ", a, ")²"], d_form=lambda a, t, k: [a, " − ", t],
    error_form=lambda a, t, k: [t, " − ", a],
    summary="sum 1/2 (t-o)^2",
)

SSE = Loss(
    "sse", _sse,
    lambda t, o, k: 2.0 * (o - t),   # d/do (t - o)^2 = 2 (o - t)
    template=lambda s, t, o, k: _squared(s, t, o),
    d_template=lambda s, t, o, k: s.times(2, s.minus(o, t)),
    error_template=lambda s, t, o, k: s.times(2, s.minus(t, o)),
    form=lambda a, t, k: ["Σ (", t, " − ", a, ")²"], d_form=lambda a, t, k: ["2·(", a, " − ", t, ")"],
    error_form=lambda a, t, k: ["2·(", t, " − ", a, ")"],
    summary="sum (t-o)^2",
)

MSE = Loss(
    "mse", _mse,
    lambda t, o, k: 2.0 * (o - t) / k,   # d/do (t - o)^2 / K = 2 (o - t) / K
    template=lambda s, t, o, k: s.over(_squared(s, t, o), k),
    d_template=lambda s, t, o, k: s.over(s.times(2, s.minus(o, t)), k),
    error_template=lambda s, t, o, k: s.over(s.times(2, s.minus(t, o)), k),
    form=lambda a, t, k: ["Σ (", t, " − ", a, ")²/", k], d_form=lambda a, t, k: ["2·(", a, " − ", t, ")/", k],
    error_form=lambda a, t, k: ["2·(", t, " − ", a, ")/", k],
    summary="1/K sum (t-o)^2", per_output_count=True,
)

CROSS_ENTROPY = Loss(
    "cross_entropy", _cross_entropy, _d_cross_entropy,
    template=lambda s, t, o, k: s.neg(s.times(t, s.log(o))),
    d_template=lambda s, t, o, k: s.neg(s.over(t, o)),
    error_template=lambda s, t, o, k: s.over(t, o),
    form=lambda a, t, k: ["−Σ ", t, " ⊗ ln ", a], d_form=lambda a, t, k: ["−", t, " ⊘ ", a],
    error_form=lambda a, t, k: [t, " ⊘ ", a],
    summary="-sum t ln o", needs_probability=True, targets=TargetRange(0.0, None, ">= 0"), poles=(0.0,),
    suggested_output="softmax",
)

BINARY_CROSS_ENTROPY = Loss(
    "binary_cross_entropy", _binary_cross_entropy, _d_binary_cross_entropy,
    template=lambda s, t, o, k: s.neg(s.plus(s.times(t, s.log(o)), s.times(s.minus(1, t), s.log(s.minus(1, o))))),
    d_template=lambda s, t, o, k: s.plus(s.neg(s.over(t, o)), s.over(s.minus(1, t), s.minus(1, o))),
    error_template=lambda s, t, o, k: s.minus(s.over(t, o), s.over(s.minus(1, t), s.minus(1, o))),
    form=lambda a, t, k: ["−Σ [", t, " ⊗ ln ", a, " + (1 − ", t, ") ⊗ ln(1 − ", a, ")]"],
    d_form=lambda a, t, k: ["−", t, " ⊘ ", a, " + (1 − ", t, ") ⊘ (1 − ", a, ")"],
    error_form=lambda a, t, k: [t, " ⊘ ", a, " − (1 − ", t, ") ⊘ (1 − ", a, ")"],
    summary="-sum [t ln o + (1-t) ln(1-o)]", needs_probability=True, targets=TargetRange(0.0, 1.0, "in [0, 1]"),
    poles=(0.0, 1.0), suggested_output="sigmoid",
)

LOSSES: dict[str, Loss] = {loss.name: loss for loss in (HALF_SSE, SSE, MSE, CROSS_ENTROPY, BINARY_CROSS_ENTROPY)}
