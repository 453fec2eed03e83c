"""The numbers-only path: many iterations, no steps recorded.

`train` runs the same engine as the walk-through (`bpwalk.engine.passes`), so its numbers equal the
trace's bit for bit, but keeps only what a long run needs: the total loss of every iteration,
optional snapshots, and the final parameters and outputs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Callable, Mapping

import bpwalk.engine.passes as engine
from bpwalk.engine.passes import Shape
from bpwalk.engine.updates import Updater
from bpwalk.scenario import Scenario
from bpwalk.engine.steps import frozen_map


@dataclass(frozen=True)
class Snapshot:
    """The parameters after some iterations, and the total loss computed with them."""

    iteration: int                     # parameters after this iteration's update (0: the initial ones)
    loss: float                        # total loss of a forward pass of every sample with these parameters
    parameters: Mapping[str, float]


@dataclass(frozen=True)
class TrainResult:
    scenario: Scenario
    losses: tuple[float, ...]          # total loss of iteration 1..N (each before its update)
    final_loss: float                  # after the last update
    final_outputs: tuple[tuple[float, ...], ...]   # per sample, after the last update
    parameters: Mapping[str, float]    # after the last update
    snapshots: tuple[Snapshot, ...] = ()


CHECK_EVERY = 32


def _all_finite(W, B) -> bool:
    # one sum over everything is inf or nan as soon as any term is
    return math.isfinite(sum(sum(map(sum, layer)) for layer in W) + sum(map(sum, B)))


def train(
    scenario: Scenario,
    iterations: int | None = None,
    every: int | None = None,
    progress: Callable[[int], None] | None = None,
    rounder: engine.Rounder | None = None,
) -> TrainResult:
    """Train without recording steps.

    Args:
        scenario: a validated scenario.
        iterations: overrides `scenario.iterations`.
        every: keep a snapshot of the parameters every `every` iterations, and at the start and the
            end; each has the total loss computed with its parameters (with update: batch, the next
            iteration's loss, the last one's the final loss).
        progress: called with the number of iterations done, about a hundred times a run.
        rounder: round every intermediate as a hand calculation does.

    Returns:
        The losses, final outputs and parameters.

    Raises:
        ComputeError: a quantity became non-finite; the iteration is re-traced to name it.
    """
    sc = scenario if iterations is None else scenario.with_iterations(iterations)
    shape = Shape.of(sc, rounder)
    W, B = engine.initial_parameters(sc)
    data = [(s.inputs, s.targets) for s in sc.samples]
    lr, reduction, per_sample = sc.learning_rate, sc.reduction, sc.update == "per_sample"
    extended = sc.extended
    updater = Updater(sc, shape) if extended else None
    # the optimizer's state and the number of updates so far (Addition A), carried across iterations
    carried = [updater.init(), 0] if updater is not None else None
    if extended:
        per_sample = sc.update != "batch"   # the snapshots' losses are computed, not the next iteration's
    sample_pass, sample_grads, apply_update = engine.sample_pass, engine.sample_grads, engine.apply_update
    own_update = engine.apply_sample_update
    single = len(data) == 1 and rounder is None   # the fused update does not round
    def iterate_extended(W, B):
        """One iteration of Addition A: a sweep of updates, each with the optimizer's state."""
        assert updater is not None and carried is not None
        state, t = carried
        start = updater.penalty_at(W, B)
        sweep: list[float] = []
        for batch in batches:
            passes = [sample_pass(shape, W, B, *data[i]) for i in batch]
            sweep.extend(sp.loss for sp in passes)
            gW, gB = engine.reduce_grads([sample_grads(shape, sp) for sp in passes], reduction, rounder)
            t += 1
            W, B, numbers = updater.step(W, B, gW, gB, state, t)
            state = numbers.state
        carried[:] = [state, t]
        total = engine.reduce_values(sweep, reduction, rounder)
        return (total if start is None else total + start), W, B

    batches = sc.batches()

    def iterate(W, B):
        """One iteration: (its total loss, the parameters after its update)."""
        if extended:
            return iterate_extended(W, B)
        if per_sample:
            sweep = []
            for x, t in data:
                sp = sample_pass(shape, W, B, x, t)
                sweep.append(sp.loss)
                if rounder is None:
                    W, B = own_update(shape, W, B, sp, lr)
                else:
                    W, B = apply_update(shape, W, B, *sample_grads(shape, sp), lr)
            return engine.reduce_values(sweep, reduction, rounder), W, B
        if single:
            # one sample: the total's gradient is the sample's own (a mean over one divides by 1)
            sp = sample_pass(shape, W, B, *data[0])
            return engine.reduce_values([sp.loss], reduction), *own_update(shape, W, B, sp, lr)
        passes = [sample_pass(shape, W, B, x, t) for x, t in data]
        gW, gB = engine.reduce_grads([sample_grads(shape, sp) for sp in passes], reduction, rounder)
        return engine.reduce_values([sp.loss for sp in passes], reduction, rounder), *apply_update(shape, W, B, gW, gB, lr)

    def locate(first: int, W, B, last: int) -> None:
        """Replay iterations first..last (deterministic) checking each, and name the first overflow."""
        if extended:   # the optimizer's state is not replayable from the parameters alone: trace up to it
            _name_the_overflow(sc, last, W, B, traced=True)
        for it in range(first, last + 1):
            total, W2, B2 = iterate(W, B)
            if not (math.isfinite(total) and _all_finite(W2, B2)):
                _name_the_overflow(sc, it, W, B)
            W, B = W2, B2
        _name_the_overflow(sc, last, W, B)   # pragma: no cover - the replay always finds it

    def loss_at(W, B) -> float:
        """The total loss of a forward pass of every sample with these parameters (no update)."""
        total = engine.reduce_values([sample_pass(shape, W, B, x, t).loss for x, t in data], reduction, rounder)
        penalty = updater.penalty_at(W, B) if updater is not None else None
        return total if penalty is None else total + penalty

    losses: list[float] = []
    # (iteration, parameters, loss or None): with update: batch the next iteration computes the loss
    # with exactly these parameters, so it is filled in from `losses` instead of computed twice
    kept: list[tuple[int, dict[str, float], float | None]] = []
    if every:
        kept.append((0, engine.named(sc, W, B), loss_at(W, B) if per_sample else None))
    tick = max(1, sc.iterations // 100)
    good = (1, W, B)      # parameters known to be finite, and the iteration that starts from them
    for it in range(1, sc.iterations + 1):
        total, W, B = iterate(W, B)
        # the loss is checked every iteration; the parameters (a sum over all of them) only every
        # CHECK_EVERY: an overflow is then found by replaying from the last good parameters
        if not math.isfinite(total):
            locate(good[0], good[1], good[2], it)
        if it % CHECK_EVERY == 0 or it == sc.iterations or (every and it % every == 0):
            if not _all_finite(W, B):
                locate(good[0], good[1], good[2], it)
            good = (it + 1, W, B)
        losses.append(total)
        if every and (it % every == 0 or it == sc.iterations):
            kept.append((it, engine.named(sc, W, B), loss_at(W, B) if per_sample and it < sc.iterations else None))
        if progress is not None and (it % tick == 0 or it == sc.iterations):
            progress(it)
    finals = [sample_pass(shape, W, B, x, t) for x, t in data]
    final_loss = engine.reduce_values([sp.loss for sp in finals], reduction, rounder)
    final_penalty = updater.penalty_at(W, B) if updater is not None else None
    if final_penalty is not None:
        final_loss = final_loss + final_penalty
    if not math.isfinite(final_loss):
        _name_the_overflow(sc, None, W, B)
    curve = (*losses, final_loss)    # curve[k]: with update: batch, the loss with the parameters after k updates
    snapshots = tuple(Snapshot(k, curve[k] if loss is None else loss, frozen_map(params)) for k, params, loss in kept)
    return TrainResult(
        scenario=sc,
        losses=tuple(losses),
        final_loss=final_loss,
        final_outputs=tuple(tuple(sp.outs[-1]) for sp in finals),
        parameters=frozen_map(engine.named(sc, W, B)),
        snapshots=snapshots,
    )


def _name_the_overflow(sc: Scenario, iteration: int | None, W, B, traced: bool = False) -> None:
    """Re-trace one iteration from the parameters it started with, to name the first non-finite quantity.

    `traced`: trace the whole run up to that iteration instead (an optimizer's state depends on
    every earlier update, not only on the parameters)."""
    from bpwalk.errors import ComputeError
    from bpwalk.engine.trace import run

    if traced or (sc.extended and iteration is None):
        run(sc.with_iterations(iteration or sc.iterations), max_steps=2**62)
        raise ComputeError("total_loss", iteration, None, math.nan, sc.path)

    start = sc.with_parameters(engine.named(sc, W, B)).with_iterations(1)
    if iteration is None:
        # the final pass runs every sample on the same parameters, as a batch iteration's forward pass does
        start = replace(start, update="batch")
    try:
        run(start, max_steps=2**62)
    except ComputeError as err:
        if iteration is None:
            raise ComputeError(f"final.{err.quantity}", None, err.sample, err.value, err.path) from None
        if err.iteration is None:   # the retraced final pass is the next iteration's forward pass
            raise ComputeError(err.quantity.removeprefix("final."), iteration + 1, err.sample, err.value,
                               err.path) from None
        raise ComputeError(err.quantity, iteration, err.sample, err.value, err.path) from None
    raise ComputeError("total_loss", iteration, None, math.nan, sc.path)
