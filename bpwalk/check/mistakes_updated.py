"""The mistake model of the already-updated weights: hidden deltas computed through the next
layer's weights after this iteration's update, in every iteration of the run.

Every document says to use the weights from before the update; updating the output weights
first and then backpropagating through them is a common slip, and a script that makes it
makes it in every iteration. Mazur's first script did: his "0.291027924 after one update" and
his figures after 10,000 iterations (0.015912196, 0.984065734) are what it gives. The run is
replayed with its own numbers-only loop (`engine.sample_pass(..., back=the updated weights)`),
so a key of a later iteration or of the final pass follows from the mistake too.
"""

from __future__ import annotations

from typing import Sequence

import bpwalk.engine.passes as engine
from bpwalk.check.recompute import Context, Printed
from bpwalk.scenario import Scenario

Values = dict[tuple[str, int | None, int | None], float]      # (key, iteration or None, sample or None)


def _pass_values(sc: Scenario, sp: engine.SamplePass, it: int | None, n: int, final: bool = False) -> Values:
    prefix = "final." if final else ""
    values: Values = {(f"{prefix}loss", it, n): sp.loss}
    for l, layer in enumerate(sc.layers):
        for u, unit in enumerate(layer.units):
            values[(f"{prefix}net.{unit}", it, n)] = sp.nets[l][u]
            values[(f"{prefix}out.{unit}", it, n)] = sp.outs[l + 1][u]
            if not final:
                values[(f"dE_dout.{unit}", it, n)] = sp.d_out[l][u]
                values[(f"delta.{unit}", it, n)] = sp.deltas[l][u]
                if sp.d_act[l] is not None:
                    values[(f"dout_dnet.{unit}", it, n)] = sp.d_act[l][u]
    for unit, error in zip(sc.outputs, sp.errors):
        values[(f"{prefix}error.{unit}", it, n)] = error
    return values


def _backward_through_updated(shape: engine.Shape, sc: Scenario, W, B, data: Sequence[tuple]):
    """(each sample's pass, each sample's gradient) with the next layer's updated weights.

    With L layers the updated weights of layer l + 1 themselves come from deltas computed
    through layer l + 2's updated ones, so the update is redone L − 1 times (once for two layers).
    """
    lr, reduction, base = sc.learning_rate, sc.reduction, shape.rounder
    passes = [engine.sample_pass(shape, W, B, x, t) for x, t in data]
    grads = [engine.sample_grads(shape, sp) for sp in passes]
    for _ in range(len(sc.layers) - 1):
        after, _ = engine.apply_update(shape, W, B, *engine.reduce_grads(grads, reduction, base), lr)
        passes = [engine.sample_pass(shape, W, B, x, t, back=after) for x, t in data]
        grads = [engine.sample_grads(shape, sp) for sp in passes]
    return passes, grads


def updated_weights_run(ctx: Context) -> Values | None:
    """The numbers of the iterations the wrong entries name, and of the final pass, under the mistake."""
    key = "updated weights in every iteration"
    if key in ctx.replays:
        return ctx.replays[key]      # type: ignore[return-value]
    if not ctx.spend(ctx.iterations):
        return None
    sc = ctx.scenario
    shape = engine.Shape.of(sc, ctx.base)
    lr, reduction, base = sc.learning_rate, sc.reduction, ctx.base
    data = [(s.inputs, s.targets) for s in sc.samples]
    kept = {p.expect.iteration for p in ctx.printed if not p.agrees and not p.final}
    W, B = engine.initial_parameters(sc)
    values: Values = {}
    try:
        for it in range(1, ctx.iterations + 1):
            keep = it in kept
            if sc.update == "per_sample":
                losses = []
                for n, sample in enumerate(data, 1):
                    (sp,), (g,) = _backward_through_updated(shape, sc, W, B, [sample])
                    W, B = engine.apply_update(shape, W, B, *g, lr)
                    losses.append(sp.loss)
                    if keep:
                        values.update(_pass_values(sc, sp, it, n))
                        values.update({(f"grad.{k}", it, n): v for k, v in engine.named(sc, *g).items()})
                        values.update({(f"new.{k}", it, n): v for k, v in engine.named(sc, W, B).items()})
            else:
                passes, grads = _backward_through_updated(shape, sc, W, B, data)
                gW, gB = engine.reduce_grads(grads, reduction, base)
                W, B = engine.apply_update(shape, W, B, gW, gB, lr)
                losses = [sp.loss for sp in passes]
                if keep:
                    for n, (sp, g) in enumerate(zip(passes, grads), 1):
                        values.update(_pass_values(sc, sp, it, n))
                        values.update({(f"grad.{k}", it, n): v for k, v in engine.named(sc, *g).items()})
                    values.update({(f"grad.{k}", it, None): v for k, v in engine.named(sc, gW, gB).items()})
                    values.update({(f"new.{k}", it, None): v for k, v in engine.named(sc, W, B).items()})
            if keep:
                values[("total_loss", it, None)] = engine.reduce_values(losses, reduction, base)
        if ctx.iterations == sc.iterations:
            finals = [engine.sample_pass(shape, W, B, x, t) for x, t in data]
            for n, sp in enumerate(finals, 1):
                values.update(_pass_values(sc, sp, None, n, final=True))
            values[("final.total_loss", None, None)] = engine.reduce_values([sp.loss for sp in finals], reduction, base)
    except (ArithmeticError, ValueError):
        values = {}       # the mistake overflows: it cannot have produced a printed number
    ctx.replays[key] = values      # type: ignore[assignment]
    return values


def updated_weights_in_backward(ctx: Context, p: Printed) -> str | None:
    """Hidden-layer deltas computed with the next layer's weights after the update, every iteration.

    Only for networks with a hidden layer; the numbers of the first iteration's forward pass
    are untouched, so only later ones (and every delta, gradient and update) can come out.
    """
    if len(ctx.scenario.layers) < 2:
        return None
    values = updated_weights_run(ctx)
    if not values:
        return None
    e = p.expect
    if p.final:
        where = [(e.key, None, None), (e.key, None, e.sample or 1)]
    elif e.kind in ("grad", "new", "total_loss") and e.sample is None:
        where = [(e.key, e.iteration, None), (e.key, e.iteration, 1)]
    else:
        where = [(e.key, e.iteration, e.sample or 1)]
    value = next((values[k] for k in where if k in values), None)
    if value is not None and p.matches(value):
        return ctx.say("updated_weights")
    return None
