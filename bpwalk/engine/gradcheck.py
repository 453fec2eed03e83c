"""`bpwalk gradcheck`: each parameter's analytic gradient beside its central difference.

The function checked is the iteration's total loss at the scenario's initial parameters: every
sample's loss reduced over the samples (sum or mean), plus the L2 penalty when the scenario has
one. Its analytic gradient is what backpropagation gives (`passes.sample_grads`, reduced as an
update: batch iteration reduces it, plus λ·p where penalised); the numeric one is CS231n's
central difference (L(p + h) − L(p − h)) / 2h, and the two are compared by the relative error
|a − n| / max(|a|, |n|), which is scale-free, so one threshold serves every parameter.
"""

from __future__ import annotations

from dataclasses import dataclass

import bpwalk.engine.passes as engine
from bpwalk.engine.passes import Matrix, Shape
from bpwalk.ops.optimizers import l2_penalty
from bpwalk.scenario import Scenario

DEFAULT_H = 1e-5
THRESHOLD = 1e-7      # CS231n: above this the gradient is probably wrong (with kinks, somewhat above)


@dataclass(frozen=True)
class GradRow:
    name: str
    analytic: float
    numeric: float
    relative_error: float

    @property
    def flagged(self) -> bool:
        return self.relative_error > THRESHOLD

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "analytic": self.analytic, "numeric": self.numeric,
                "relative_error": self.relative_error, "flagged": self.flagged}


@dataclass(frozen=True)
class GradCheck:
    scenario: Scenario
    h: float
    loss: float                   # the total loss at the initial parameters
    rows: tuple[GradRow, ...]     # every parameter, in the scenario's order

    @property
    def flagged(self) -> tuple[GradRow, ...]:
        return tuple(r for r in self.rows if r.flagged)

    def as_dict(self) -> dict[str, object]:
        return {"scenario": self.scenario.title, "h": self.h, "threshold": THRESHOLD,
                "relative_error": "|a - n| / max(|a|, |n|)", "numeric": "(L(p + h) - L(p - h)) / (2h)",
                "loss": self.loss, "parameters": [r.as_dict() for r in self.rows],
                "flagged": [r.name for r in self.flagged]}


def relative_error(a: float, n: float) -> float:
    """|a − n| / max(|a|, |n|), and 0 when both are 0 (nothing to disagree on)."""
    scale = max(abs(a), abs(n))
    return 0.0 if scale == 0.0 else abs(a - n) / scale


def _slots(W: list[Matrix], B: list[list[float]]) -> list[tuple[list[float], int]]:
    """Where each parameter lives, in `engine.named`'s order (each layer's weights, then its biases)."""
    slots: list[tuple[list[float], int]] = []
    for lw, lb in zip(W, B):
        for row in lw:
            slots.extend((row, j) for j in range(len(row)))
        slots.extend((lb, i) for i in range(len(lb)))
    return slots


def gradcheck(scenario: Scenario, h: float = DEFAULT_H) -> GradCheck:
    """The analytic and numeric gradient of the total loss for every parameter, and their relative error."""
    shape = Shape.of(scenario)
    data = [(s.inputs, s.targets) for s in scenario.samples]
    reduction = scenario.reduction
    penalised = scenario.penalised_parameters()
    lam = scenario.regularization.l2 if scenario.regularization is not None else 0.0
    W, B = engine.initial_parameters(scenario)
    names = list(engine.named(scenario, W, B))
    slots = _slots(W, B)

    def total() -> float:
        loss = engine.reduce_values([engine.sample_pass(shape, W, B, x, t).loss for x, t in data], reduction)
        if penalised:
            values = engine.named(scenario, W, B)
            loss += l2_penalty([values[n] for n in names if n in penalised], lam)
        return loss

    passes = [engine.sample_pass(shape, W, B, x, t) for x, t in data]
    gW, gB = engine.reduce_grads([engine.sample_grads(shape, sp) for sp in passes], reduction)
    analytic = engine.named(scenario, gW, gB)
    loss = total()
    rows = []
    for name, (where, i) in zip(names, slots):
        p = where[i]
        a = analytic[name] + (lam * p if name in penalised else 0.0)
        where[i] = p + h
        up = total()
        where[i] = p - h
        down = total()
        where[i] = p
        n = (up - down) / (2.0 * h)
        rows.append(GradRow(name, a, n, relative_error(a, n)))
    return GradCheck(scenario, h, loss, tuple(rows))
