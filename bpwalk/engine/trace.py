"""run(Scenario) -> Trace: every intermediate of the walk-through, as Steps in the order shown.

The numbers come from `bpwalk.engine.passes` (the same code the trainer runs); this module only
records them, one Step per equation, and says where each operand came from.

Order within an iteration (update: batch): the forward pass and loss of every sample, the
total loss (more than one sample), the backward pass of every sample, the gradient summed
over samples (more than one), the updates. With update: per_sample each sample is forward,
loss, backward and update in turn, and the iteration's total loss closes the sweep. After the
last iteration a final forward pass shows the new loss, and a summary step closes the trace.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Callable, Sequence

import bpwalk.engine.passes as engine
from bpwalk.engine.passes import Shape
from bpwalk.errors import BpwalkError, ComputeError
from bpwalk.ops import ACTIVATIONS, LOSSES
from bpwalk.scenario import MAX_STEPS, Layer, Scenario
from bpwalk.engine.steps import (
    FinalRecord,
    IterationRecord,
    Operand,
    RunSettings,
    Step,
    Trace,
    frozen_map,
    spec_key,
)
from bpwalk.engine.convention import shown_as
from bpwalk.engine.trace_updates import UpdateSteps


class TooManySteps(BpwalkError):
    """A walk-through that would record more steps than can be shown."""


def estimate_steps(scenario: Scenario, iterations: int | None = None) -> int:
    """How many steps `run` would record, computed from the shape alone."""
    iterations = scenario.iterations if iterations is None else iterations
    n = len(scenario.samples)
    sizes = [len(scenario.inputs)] + [len(layer.units) for layer in scenario.layers]
    units = sum(sizes[1:])
    k = sizes[-1]
    forward = 2 * units + k + 1
    backward = k + (len(scenario.inputs) if scenario.display.input_gradients else 0)
    for l, layer in enumerate(scenario.layers):
        backward += sizes[l + 1] * (2 + sizes[l])
        if l + 1 < len(scenario.layers):
            backward += sizes[l + 1] * (sizes[l + 2] + 1)
        backward += len(layer.biases)
    params = scenario.parameter_count()
    per_iteration = n * (forward + backward) + params + (0 if n == 1 else 1 + params)
    if scenario.extended:
        # per update: each parameter's optimizer steps, its change, the penalty's, the batch's loss
        from bpwalk.ops import OPTIMIZERS

        formulas = len(OPTIMIZERS[scenario.optimizer_settings.name].formulas)
        updates = len(scenario.batches())
        per_iteration += updates * (params * (formulas + 2) + 2 + params) + 2
    return 2 + iterations * per_iteration + n * forward + (0 if n == 1 else 1) + 2


def run(scenario: Scenario, iterations: int | None = None, max_steps: int = MAX_STEPS,
        rounding: int | None = None, rounder: engine.Rounder | None = None) -> Trace:
    """Trace a scenario: forward, loss, backward and update of every iteration, then a final pass.

    Args:
        scenario: a validated scenario.
        iterations: overrides `scenario.iterations`.
        max_steps: refuse (TooManySteps) a walk-through longer than this.
        rounding: round every intermediate to this many decimals, as a hand calculation does; the
            Trace carries it (`Trace.settings`), so every view says so.
        rounder: any other hook on the intermediates (`bpwalk.check.audit` replays mistakes with it);
            not a display setting.

    Returns:
        The Trace: every Step in the order the walk-through shows them, plus the numbers
        of every iteration by name (for JSON export and `expect` look-ups).

    Raises:
        ComputeError: a quantity is not finite (names the first one).
        TooManySteps: the walk-through would be longer than max_steps.
    """
    if iterations is not None:
        scenario = scenario.with_iterations(iterations)
    count = estimate_steps(scenario)
    if count > max_steps:
        raise TooManySteps(
            f"{scenario.path or scenario.title}: this walk-through would have {count:,} steps, "
            f"more than the limit of {max_steps:,}; use `bpwalk train` for long runs"
        )
    if rounding is not None and rounder is None:
        rounder = engine.decimal_rounder(rounding)
    trace = _Recorder(scenario, rounder).run()
    # the steps are what every view shows: in the scenario's display convention (the records keep the spec's signs)
    return shown_as(replace(trace, settings=RunSettings(iterations, rounding)), scenario.display.convention)


class _Recorder(UpdateSteps):
    """Builds the step list; mutable while it works, and only its frozen result escapes."""

    def __init__(self, scenario: Scenario, rounder: engine.Rounder | None = None) -> None:
        self.sc = scenario
        self.shape = Shape.of(scenario, rounder)
        self.rounder = rounder
        self.steps: list[Step] = []
        self.param_src: dict[str, int | None] = {name: None for name in scenario.parameter_names()}
        self.layer_names = [scenario.inputs] + [layer.units for layer in scenario.layers]
        self.multi = len(scenario.samples) > 1
        self.dinputs: dict[int, dict[str, float]] = {}   # by sample: its last backward pass's dLoss/dx
        if scenario.extended:
            self._start_updates()

    # -- bookkeeping ---------------------------------------------------------------------

    def add(self, phase: str, iteration: int | None, sample: int | None, quantity: str, rule: str,
            operands: Sequence[Operand], value: float | None, batch: int | None = None) -> int:
        final = phase in ("forward", "loss") and iteration is None
        key = spec_key(quantity, final)
        if value is not None and not math.isfinite(value):
            raise ComputeError(key or quantity, iteration, sample, value, self.sc.path)
        if final and quantity == "penalty":
            key = None   # the format has no final.penalty: final.total_loss includes it
        index = len(self.steps)
        self.steps.append(Step(index, phase, iteration, sample, quantity, key, rule, tuple(operands), value, batch))
        return index

    def param(self, name: str, value: float) -> Operand:
        return Operand(name, value, self.param_src[name])

    @staticmethod
    def parameter(layer: Layer) -> list[Operand]:
        """The activation's extra number (leaky_relu's slope) as a given operand, if it takes one."""
        p = ACTIVATIONS[layer.activation].param
        return [] if p is None else [Operand(p.operand, getattr(layer, p.key))]

    # -- the whole trace -----------------------------------------------------------------

    def run(self) -> Trace:
        sc, shape = self.sc, self.shape
        W, B = engine.initial_parameters(sc)
        parameters = frozen_map(self._named(W, B))
        self.add("intro", None, None, "scenario", "intro", (), None)
        records = []
        for it in range(1, sc.iterations + 1):
            if sc.extended:
                record, W, B = self._extended_iteration(it, W, B)
            elif sc.update == "per_sample":
                record, W, B = self._per_sample_iteration(it, W, B)
            else:
                record, W, B = self._batch_iteration(it, W, B)
            records.append(record)
        final_samples = []
        srcs = []
        for n, sample in enumerate(sc.samples, 1):
            sp = engine.sample_pass(shape, W, B, sample.inputs, sample.targets)
            src = self._forward_and_loss(None, n, sp, W, B)
            srcs.append(src["loss"])
            final_samples.append(self._sample_record(n, sp, with_delta=False))
        final_data = engine.reduce_values([s.loss for s in final_samples], sc.reduction, self.rounder)
        final_penalty = self.updater.penalty_at(W, B) if sc.extended else None
        losses = [(s.loss, i) for s, i in zip(final_samples, srcs)]
        if final_penalty is None:
            final_total = final_data
            final_src = self._total_loss(None, losses, final_total)
        else:
            data_src = self._total_loss(None, losses, final_data, "data_loss")
            penalty_src = self._penalty_step(None, None, None, W, B, final_penalty, sc.penalised_parameters())
            final_total = final_data + final_penalty
            final_src = self._objective(None, final_data, data_src, final_penalty, penalty_src)
        first = records[0]
        self.add("summary", None, None, "summary", "summary",
                 (Operand("total_loss", first.total_loss, None), Operand("final.total_loss", final_total, final_src)),
                 None)
        final = FinalRecord(tuple(final_samples), final_total, None if final_penalty is None else final_data)
        return Trace(sc, parameters, tuple(records), final, tuple(self.steps))

    def _batch_iteration(self, it: int, W, B):
        sc, shape = self.sc, self.shape
        passes, loss_srcs, sample_srcs = [], [], []
        for n, sample in enumerate(sc.samples, 1):
            sp = engine.sample_pass(shape, W, B, sample.inputs, sample.targets)
            src = self._forward_and_loss(it, n, sp, W, B)
            passes.append(sp)
            sample_srcs.append(src)
            loss_srcs.append((sp.loss, src["loss"]))
        total = engine.reduce_values([sp.loss for sp in passes], sc.reduction, self.rounder)
        self._total_loss(it, loss_srcs, total)
        own, own_named, grad_srcs = [], [], []
        for n, (sp, src) in enumerate(zip(passes, sample_srcs), 1):
            g = engine.sample_grads(shape, sp)
            own.append(g)
            own_named.append(self._named(*g))
            grad_srcs.append(self._backward(it, n, sp, src, g, W, sample_level=self.multi))
        gW, gB = engine.reduce_grads(own, sc.reduction, self.rounder)
        grad = self._named(gW, gB)
        if self.multi:
            rule = f"reduce:{sc.reduction}"
            src_by_name = {}
            for name, value in grad.items():
                operands = [Operand(f"grad.{name}", g[name], s[name], n)
                            for n, (g, s) in enumerate(zip(own_named, grad_srcs), 1)]
                src_by_name[name] = self.add("backward", it, None, f"grad.{name}", rule, operands, value)
        else:
            src_by_name = grad_srcs[0]
        W2, B2 = engine.apply_update(shape, W, B, gW, gB, sc.learning_rate)
        new = self._update(it, None, W, B, grad, src_by_name, W2, B2)
        samples = tuple(self._sample_record(n, sp, grad=g) for n, (sp, g) in enumerate(zip(passes, own_named), 1))
        update = self._plain_update(tuple(range(1, len(passes) + 1)), total, grad, self._named(W, B), new)
        return IterationRecord(it, samples, total, frozen_map(grad), frozen_map(new), (update,)), W2, B2

    def _per_sample_iteration(self, it: int, W, B):
        sc, shape = self.sc, self.shape
        samples, loss_srcs, updates = [], [], []
        for n, sample in enumerate(sc.samples, 1):
            sp = engine.sample_pass(shape, W, B, sample.inputs, sample.targets)
            src = self._forward_and_loss(it, n, sp, W, B)
            loss_srcs.append((sp.loss, src["loss"]))
            gW, gB = engine.sample_grads(shape, sp)
            grad = self._named(gW, gB)
            grad_src = self._backward(it, n, sp, src, (gW, gB), W, sample_level=True)
            W2, B2 = engine.apply_update(shape, W, B, gW, gB, sc.learning_rate)
            new = self._update(it, n, W, B, grad, grad_src, W2, B2)
            samples.append(self._sample_record(n, sp, grad=grad, new=new))
            updates.append(self._plain_update((n,), sp.loss, grad, self._named(W, B), new))
            W, B = W2, B2
        total = engine.reduce_values([sp_loss for sp_loss, _ in loss_srcs], sc.reduction, self.rounder)
        self._total_loss(it, loss_srcs, total)
        return IterationRecord(it, tuple(samples), total, None, frozen_map(samples[-1].new), tuple(updates)), W, B

    # -- pieces ----------------------------------------------------------------------------

    def _named(self, W, B) -> dict[str, float]:
        return engine.named(self.sc, W, B)

    def _forward_and_loss(self, it: int | None, n: int, sp: engine.SamplePass, W, B) -> dict[str, int]:
        """Record net and out of every unit, then the loss terms; returns step index by quantity."""
        sc = self.sc
        src: dict[str, int] = {}
        for l, layer in enumerate(sc.layers):
            prev = self.layer_names[l]
            prev_ops = [(f"out.{p}", sp.outs[l][j], src.get(f"out.{p}")) for j, p in enumerate(prev)]
            nets, outs = sp.nets[l], sp.outs[l + 1]
            entry = ACTIVATIONS[layer.activation]
            extra = self.parameter(layer)

            def record_net(u: int, unit: str) -> None:
                operands: list[Operand] = []
                for (name, value, s), wname, w in zip(prev_ops, layer.weight_names[u], W[l][u]):
                    operands.append(self.param(wname, w))
                    operands.append(Operand(name, value, s))
                bi = layer.bias_index(u)
                if bi is not None:
                    operands.append(self.param(layer.bias_names[bi], B[l][bi]))
                src[f"net.{unit}"] = self.add("forward", it, n, f"net.{unit}", "net", operands, nets[u])

            def record_out(u: int, unit: str) -> None:
                if entry.layer_wise:
                    operands = [Operand(f"net.{k}", nets[i], src[f"net.{k}"]) for i, k in enumerate(layer.units)]
                else:
                    operands = [Operand(f"net.{unit}", nets[u], src[f"net.{unit}"]), *extra]
                src[f"out.{unit}"] = self.add("forward", it, n, f"out.{unit}", f"act:{entry.name}", operands, outs[u])

            if entry.layer_wise:
                for u, unit in enumerate(layer.units):
                    record_net(u, unit)
                for u, unit in enumerate(layer.units):
                    record_out(u, unit)
            else:
                for u, unit in enumerate(layer.units):
                    record_net(u, unit)
                    record_out(u, unit)
        sample = sc.samples[n - 1]
        outputs = self.layer_names[-1]
        k_count = len(outputs)
        per_count = LOSSES[sc.loss].per_output_count
        errs = []
        for k, unit in enumerate(outputs):
            operands = [Operand(f"target.{unit}", sample.targets[k]), Operand(f"out.{unit}", sp.outs[-1][k], src[f"out.{unit}"])]
            if per_count:
                operands.append(Operand("K", float(k_count)))
            src[f"error.{unit}"] = self.add("loss", it, n, f"error.{unit}", f"error:{sc.loss}", operands, sp.errors[k])
            errs.append(Operand(f"error.{unit}", sp.errors[k], src[f"error.{unit}"]))
        src["loss"] = self.add("loss", it, n, "loss", "loss", errs, sp.loss)
        return src

    def _total_loss(self, it: int | None, losses: list[tuple[float, int]], total: float,
                    quantity: str = "total_loss") -> int | None:
        if not self.multi:
            return losses[0][1]
        operands = [Operand("loss", value, s, n) for n, (value, s) in enumerate(losses, 1)]
        return self.add("loss", it, None, quantity, f"total:{self.sc.reduction}", operands, total)

    def _backward(self, it: int, n: int, sp: engine.SamplePass, src: dict[str, int], grads, W, sample_level: bool,
                  rename: Callable[[str], str] | None = None) -> dict[str, int]:
        """Record every delta and the gradient of every parameter; returns step index by parameter.

        `rename` gives a parameter's gradient step its quantity (default grad.P; grad_data.P where a
        penalty adds to it)."""
        sc = self.sc
        gq = rename or (lambda name: f"grad.{name}")
        gW, gB = grads
        grad_sample = n if sample_level else None
        grad_src: dict[str, int] = {}
        top = len(sc.layers) - 1
        sample = sc.samples[n - 1]
        k_count = len(sc.outputs)
        per_count = LOSSES[sc.loss].per_output_count

        def op(name: str, value: float) -> Operand:
            return Operand(name, value, src.get(name))

        for l in range(top, -1, -1):
            layer = sc.layers[l]
            units = layer.units
            entry = ACTIVATIONS[layer.activation]
            extra = self.parameter(layer)
            nets, outs = sp.nets[l], sp.outs[l + 1]
            prev = self.layer_names[l]

            def record_dE_dout(k: int, unit: str) -> None:
                operands = [op(f"out.{unit}", outs[k]), Operand(f"target.{unit}", sample.targets[k])]
                if per_count:
                    operands.append(Operand("K", float(k_count)))
                src[f"dE_dout.{unit}"] = self.add("backward", it, n, f"dE_dout.{unit}", f"dE_dout:{sc.loss}",
                                                 operands, sp.d_out[l][k])

            if l == top and entry.layer_wise:
                # every delta of a layer-wise f (softmax) needs the loss derivative of every output
                for k, unit in enumerate(units):
                    record_dE_dout(k, unit)
            for u, unit in enumerate(units):
                if l == top and not entry.layer_wise:
                    record_dE_dout(u, unit)
                elif l < top:
                    nxt = sc.layers[l + 1]
                    paths = []
                    for k, knext in enumerate(nxt.units):
                        wname = nxt.weight_names[k][u]
                        w = W[l + 1][k][u]   # the weight before this iteration's update
                        value = sp.deltas[l + 1][k] * w
                        if self.rounder is not None:
                            value = self.rounder(engine.Kind.PATH, l, u, value)
                        q = f"dE_dout.{unit}@{knext}"
                        s = self.add("backward", it, n, q, "path",
                                     (op(f"delta.{knext}", sp.deltas[l + 1][k]), self.param(wname, w)), value)
                        paths.append(Operand(q, value, s))
                    src[f"dE_dout.{unit}"] = self.add("backward", it, n, f"dE_dout.{unit}", "paths", paths, sp.d_out[l][u])
                if entry.layer_wise:
                    operands = [op(f"dE_dout.{k}", sp.d_out[l][i]) for i, k in enumerate(units)]
                    operands += [op(f"out.{k}", outs[i]) for i, k in enumerate(units)]
                    src[f"delta.{unit}"] = self.add("backward", it, n, f"delta.{unit}", f"delta:{entry.name}", operands,
                                                    sp.deltas[l][u])
                    factors = [op(f"delta.{unit}", sp.deltas[l][u])]
                else:
                    d_act = sp.d_act[l]
                    assert d_act is not None
                    # the operand f' is written with: out (sigmoid: out(1 - out)), net, or none (identity)
                    if entry.written_with == "out":
                        operands = [op(f"out.{unit}", outs[u]), *extra]
                    elif entry.written_with == "net":
                        operands = [op(f"net.{unit}", nets[u]), *extra]
                    else:
                        operands = list(extra)
                    src[f"dout_dnet.{unit}"] = self.add("backward", it, n, f"dout_dnet.{unit}", f"dact:{entry.name}",
                                                        operands, d_act[u])
                    factors = [op(f"dE_dout.{unit}", sp.d_out[l][u]), op(f"dout_dnet.{unit}", d_act[u])]
                    src[f"delta.{unit}"] = self.add("backward", it, n, f"delta.{unit}", "delta", factors, sp.deltas[l][u])
                for j, (pname, wname) in enumerate(zip(prev, layer.weight_names[u])):
                    x = op(f"out.{pname}", sp.outs[l][j])
                    grad_src[wname] = self.add("backward", it, grad_sample, gq(wname), "chain", (*factors, x),
                                               gW[l][u][j])
                if layer.bias == "per_unit":
                    bname = layer.bias_names[u]
                    grad_src[bname] = self.add("backward", it, grad_sample, gq(bname), "chain",
                                               (*factors, Operand("1", 1.0)), gB[l][u])
            if layer.bias == "shared":
                bname = layer.bias_names[0]
                operands = [op(f"delta.{unit}", sp.deltas[l][u]) for u, unit in enumerate(units)]
                grad_src[bname] = self.add("backward", it, grad_sample, gq(bname), "bias:shared", operands, gB[l][0])
        if sc.display.input_gradients:
            self._input_grads(it, n, sp, W, op)
        return grad_src

    def _input_grads(self, it: int, n: int, sp: engine.SamplePass, W, op: Callable[[str, float], Operand]) -> None:
        """dLoss/dx of each input from the first layer's deltas and weights (kept for the sample's record)."""
        layer = self.sc.layers[0]
        values = engine.input_grads(W, sp, self.rounder)
        self.dinputs[n] = dict(zip(self.sc.inputs, values))
        for i, (x, value) in enumerate(zip(self.sc.inputs, values)):
            operands: list[Operand] = []
            for u, unit in enumerate(layer.units):
                operands += [self.param(layer.weight_names[u][i], W[0][u][i]), op(f"delta.{unit}", sp.deltas[0][u])]
            self.add("backward", it, n, f"dinput.{x}", "dinput", operands, value)
