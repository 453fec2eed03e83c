"""The updates of Addition A (optimizers, the L2 penalty, mini-batches), shared by the tracer and the trainer.

An `Updater` holds what one scenario's updates need: the optimizer's entry and options, the
learning rate, the trained parameters in the scenario's order (flattened from W and B) and
which of them the penalty covers. `Updater.step` makes one update from the data loss's
gradient: the penalty and its gradient at the parameters in force, then the optimizer's step.
Both `bpwalk.engine.trace` and `bpwalk.engine.train` call it, so that their numbers agree bit
for bit. A scenario without Addition A's keys never comes here (passes.apply_update serves it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from bpwalk.engine.passes import NEW, Matrix, Rounder, Shape
from bpwalk.ops import OPTIMIZERS, Optimizer
from bpwalk.ops.optimizers import State, l2_grad, l2_penalty
from bpwalk.scenario import Scenario


@dataclass(frozen=True)
class Numbers:
    """The numbers of one update, over the trained parameters in the scenario's order."""

    params: list[float]         # before the update
    grads: list[float]          # what the optimizer descends: the data loss's gradient, + λ·p where penalised
    penalty: float | None       # (λ/2)·Σ p² at `params`, with regularization
    new: list[float]
    state: State                # after the update
    change: list[float]         # new − params


class Updater:
    """One scenario's optimizer, penalty and trained parameters."""

    def __init__(self, scenario: Scenario, shape: Shape) -> None:
        settings = scenario.optimizer_settings
        self.entry: Optimizer = OPTIMIZERS[settings.name]
        self.options: Mapping[str, float] = dict(settings.options) or self.entry.defaults()
        self.lr = scenario.learning_rate
        self.train_bias = shape.train_bias
        self.rounder: Rounder | None = shape.rounder
        names: list[str] = []
        for layer in scenario.layers:
            for row in layer.weight_names:
                names.extend(row)
            if layer.train_bias:
                names.extend(layer.bias_names)
        self.names = tuple(names)
        reg = scenario.regularization
        self.l2 = None if reg is None else reg.l2
        penalised = scenario.penalised_parameters()
        self.penalised = [name in penalised for name in names]

    def init(self) -> State:
        return self.entry.init(len(self.names))

    def flat(self, W: list[Matrix], B: list[list[float]]) -> list[float]:
        """The trained parameters (or their gradients) of W and B, in the scenario's order."""
        values: list[float] = []
        for lw, lb, train in zip(W, B, self.train_bias):
            for row in lw:
                values.extend(row)
            if train:
                values.extend(lb)
        return values

    def unflat(self, values: list[float], W: list[Matrix], B: list[list[float]]) -> tuple[list[Matrix], list[list[float]]]:
        """W and B with the trained parameters replaced by `values` (untrained biases kept)."""
        it = iter(values)
        W2, B2 = [], []
        for lw, lb, train in zip(W, B, self.train_bias):
            W2.append([[next(it) for _ in row] for row in lw])
            B2.append([next(it) for _ in lb] if train else list(lb))
        return W2, B2

    def penalty(self, params: list[float]) -> float | None:
        if self.l2 is None:
            return None
        return l2_penalty([p for p, on in zip(params, self.penalised) if on], self.l2)

    def penalty_at(self, W: list[Matrix], B: list[list[float]]) -> float | None:
        return None if self.l2 is None else self.penalty(self.flat(W, B))

    def step(self, W: list[Matrix], B: list[list[float]], gW: list[Matrix], gB: list[list[float]], state: State,
             t: int) -> tuple[list[Matrix], list[list[float]], Numbers]:
        """Update t (counted from 1 over the whole run) from the data loss's gradient gW, gB."""
        params = self.flat(W, B)
        grads = self.flat(gW, gB)
        penalty = None
        if self.l2 is not None:
            lam = self.l2
            penalty = self.penalty(params)
            grads = [l2_grad(g, p, lam) if on else g for g, p, on in zip(grads, params, self.penalised)]
        new, state2 = self.entry.update(params, grads, state, t, self.lr, self.options)
        r = self.rounder
        if r is not None:
            new = [r(NEW, 0, i, v) for i, v in enumerate(new)]
        change = [n - p for n, p in zip(new, params)]
        W2, B2 = self.unflat(new, W, B)
        return W2, B2, Numbers(params, grads, penalty, new, state2, change)
