"""Recording the iterations of Addition A: optimizers, the L2 penalty, mini-batches.

`UpdateSteps` is mixed into the tracer (`bpwalk.engine.trace._Recorder`) and serves every
scenario that uses an Addition A key; the others keep the tracer's own two loops. One iteration
is a sweep of updates (one for batch, one per sample, one per batch of `batch_size`); each update
records the forward pass and loss of its samples, its data loss, the penalty (a loss step of its
own), the backward pass, the gradient (with the λ·p term where penalised), then for each
parameter the optimizer's steps in the registry's order (`Optimizer.formulas`), the new value
and the change Δ = new − old. The optimizer's previous state is an operand whose source is the
step of the previous update (none at the first: it starts at zero).

Step names added here: `penalty`, `data_loss`, `batch_loss`, `grad_data.P` (the data loss's
gradient, where the penalty adds to it), `change.P` and the state names of the registry
(`velocity.P`, `sq_avg.P`, `m.P`, `v.P`, `m_hat.P`, `v_hat.P`). Rules: `penalty`, `objective`
(total = data + penalty), `grad:l2`, `opt:<optimizer>:<quantity>`, `change`.
"""

from __future__ import annotations

from typing import Any

import bpwalk.engine.passes as engine
from bpwalk.engine.steps import IterationRecord, Operand, SampleRecord, UpdateRecord, frozen_map
from bpwalk.engine.updates import Numbers, Updater
from bpwalk.ops import L2


class UpdateSteps:
    """The recorder's methods for Addition A; `self` is a `bpwalk.engine.trace._Recorder`."""

    updater: Updater
    opt_state: Any
    updates_done: int
    state_src: dict[tuple[str, str], int]
    penalty_src: int | None

    def _start_updates(self: Any) -> None:
        self.updater = Updater(self.sc, self.shape)
        self.opt_state = self.updater.init()
        self.updates_done = 0
        self.state_src = {}
        self.prev_state: dict[tuple[str, str], float] = {}

    def _extended_iteration(self: Any, it: int, W, B):
        sc, shape, up = self.sc, self.shape, self.updater
        mode = sc.update
        penalised = sc.penalised_parameters()
        start_penalty = up.penalty_at(W, B)
        records: dict[int, Any] = {}
        sweep: list[tuple[float, int]] = []
        updates: list[UpdateRecord] = []
        first_penalty_src: int | None = None
        for b, batch in enumerate(sc.batches(), 1):
            tag_sample = batch[0] + 1 if mode == "per_sample" else None
            tag_batch = b if mode == "minibatch" else None
            passes, srcs = [], []
            for i in batch:
                sp = engine.sample_pass(shape, W, B, sc.samples[i].inputs, sc.samples[i].targets)
                src = self._forward_and_loss(it, i + 1, sp, W, B)
                passes.append(sp)
                srcs.append(src)
                sweep.append((sp.loss, src["loss"]))
            loss = engine.reduce_values([sp.loss for sp in passes], sc.reduction, self.rounder)
            own_losses = [(sp.loss, s["loss"], i + 1) for sp, s, i in zip(passes, srcs, batch)]
            loss_src = self._batch_loss(it, own_losses, loss, mode, tag_batch)
            penalty = up.penalty_at(W, B)
            penalty_src = None
            if penalty is not None:
                penalty_src = self._penalty_step(it, tag_sample, tag_batch, W, B, penalty, penalised)
                first_penalty_src = penalty_src if first_penalty_src is None else first_penalty_src
                if mode == "batch":
                    self._objective(it, loss, loss_src, penalty, penalty_src)
            # the update's own gradient: the data loss's (renamed where the penalty adds to it)
            single = len(batch) == 1
            sample_level = self.multi
            own_data = (not sample_level or mode == "per_sample") and single
            rename = (lambda name: f"grad_data.{name}" if name in penalised else f"grad.{name}") if own_data else None
            own, own_named, grad_srcs = [], [], []
            for sp, src, i in zip(passes, srcs, batch):
                g = engine.sample_grads(shape, sp)
                own.append(g)
                own_named.append(self._named(*g))
                grad_srcs.append(self._backward(it, i + 1, sp, src, g, W, sample_level=sample_level, rename=rename))
            gW, gB = engine.reduce_grads(own, sc.reduction, self.rounder)
            data_grad = self._named(gW, gB)
            if single:
                data_src = grad_srcs[0]
            else:
                rule = f"reduce:{sc.reduction}"
                data_src = {}
                for name, value in data_grad.items():
                    operands = [Operand(f"grad.{name}", g[name], s[name], i + 1)
                                for g, s, i in zip(own_named, grad_srcs, batch)]
                    q = f"grad_data.{name}" if name in penalised else f"grad.{name}"
                    data_src[name] = self._add_b("backward", it, None, q, rule, operands, value, tag_batch)
            W2, B2, nums = up.step(W, B, gW, gB, self.opt_state, self.updates_done + 1)
            self.updates_done += 1
            self.opt_state = nums.state
            grad, new, change, state = self._update_steps(it, tag_sample, tag_batch, W, B, data_grad, data_src,
                                                          nums, penalised, penalty_src)
            updates.append(UpdateRecord(tuple(i + 1 for i in batch), loss, frozen_map(grad), frozen_map(new),
                                        frozen_map(change), frozen_map(state), penalty, tag_batch))
            for sp, i, g in zip(passes, batch, own_named):
                if mode == "per_sample":
                    records[i] = self._sample_record(i + 1, sp, grad=grad, new=new)
                else:
                    records[i] = self._sample_record(i + 1, sp, grad=g)
            W, B = W2, B2
        data_loss = engine.reduce_values([value for value, _ in sweep], sc.reduction, self.rounder)
        total = data_loss if start_penalty is None else data_loss + start_penalty
        if mode != "batch":
            data_src = self._total_loss(it, sweep, data_loss, "data_loss" if start_penalty is not None else "total_loss")
            if start_penalty is not None:
                self._objective(it, data_loss, data_src, start_penalty, first_penalty_src)
        samples = tuple(records[i] for i in range(len(sc.samples)))
        last = updates[-1]
        grad_table = last.grad if mode == "batch" else None
        record = IterationRecord(it, samples, total, grad_table, last.new, tuple(updates),
                                 data_loss if start_penalty is not None else None)
        return record, W, B

    # -- plain gradient descent (a scenario without Addition A's keys) -------------------------

    def _update(self: Any, it: int, n: int | None, W, B, grad: dict[str, float], grad_src: dict[str, int], W2, B2) -> dict[str, float]:
        """Record p - lr * grad for every parameter; returns the new values by name."""
        sc = self.sc
        old = self._named(W, B)
        new = self._named(W2, B2)
        lr = Operand("lr", sc.learning_rate)
        trained = sc.trained_parameters()
        for name, value in new.items():
            if name in trained:
                operands = (self.param(name, old[name]), lr, Operand(f"grad.{name}", grad[name], grad_src[name]))
                rule = "update"
            else:
                operands = (self.param(name, old[name]),)
                rule = "keep"
            self.param_src[name] = self.add("update", it, n, f"new.{name}", rule, operands, value)
        return new

    def _plain_update(self: Any, samples: tuple[int, ...], loss: float, grad: dict[str, float], old: dict[str, float],
                      new: dict[str, float]) -> UpdateRecord:
        """The numbers of a plain gradient-descent update, `change` included (new.P − P)."""
        trained = self.sc.trained_parameters()
        change = {name: new[name] - value for name, value in old.items() if name in trained}
        return UpdateRecord(samples, loss, frozen_map(grad), frozen_map(new), frozen_map(change))


    # -- pieces ----------------------------------------------------------------------------

    def _sample_record(self: Any, n: int, sp: engine.SamplePass, grad=None, new=None, with_delta: bool = True) -> SampleRecord:
        names = self.layer_names
        net, out, delta = {}, dict(zip(names[0], sp.outs[0])), {}
        d_out, d_act = {}, {}
        for l, units in enumerate(names[1:]):
            net.update(zip(units, sp.nets[l]))
            out.update(zip(units, sp.outs[l + 1]))
            delta.update(zip(units, sp.deltas[l]))
            d_out.update(zip(units, sp.d_out[l]))
            if sp.d_act[l] is not None:
                d_act.update(zip(units, sp.d_act[l]))
        return SampleRecord(
            sample=n,
            net=frozen_map(net),
            out=frozen_map(out),
            error=frozen_map(dict(zip(names[-1], sp.errors))),
            loss=sp.loss,
            delta=frozen_map(delta) if with_delta else None,
            grad=None if grad is None else frozen_map(grad),
            new=None if new is None else frozen_map(new),
            dE_dout=frozen_map(d_out) if with_delta else None,
            dout_dnet=frozen_map(d_act) if with_delta else None,
            dinput=frozen_map(self.dinputs[n]) if with_delta and n in self.dinputs else None,
        )


    def _add_b(self: Any, phase: str, it: int | None, sample: int | None, quantity: str, rule: str, operands,
               value: float | None, batch: int | None) -> int:
        return self.add(phase, it, sample, quantity, rule, operands, value, batch=batch)

    def _batch_loss(self: Any, it: int, losses: list[tuple[float, int, int]], loss: float, mode: str,
                    batch: int | None) -> int:
        """The loss an update descends: batch: the iteration's total; minibatch: the batch's."""
        if len(losses) == 1:
            return losses[0][1]
        operands = [Operand("loss", value, s, n) for value, s, n in losses]
        rule = f"total:{self.sc.reduction}"
        if mode == "batch":
            quantity = "data_loss" if self.sc.regularization is not None else "total_loss"
            return self.add("loss", it, None, quantity, rule, operands, loss)
        return self._add_b("loss", it, None, "batch_loss", rule, operands, loss, batch)

    def _penalty_step(self: Any, it: int | None, sample: int | None, batch: int | None, W, B, penalty: float,
                      penalised: frozenset[str]) -> int:
        values = self._named(W, B)
        operands = [Operand(L2.key, self.updater.l2 or 0.0)]
        operands += [self.param(name, values[name]) for name in self.sc.parameter_names() if name in penalised]
        return self._add_b("loss", it, sample, "penalty", "penalty", operands, penalty, batch)

    def _objective(self: Any, it: int | None, data: float, data_src: int | None, penalty: float,
                   penalty_src: int | None) -> int:
        operands = (self._ref(data_src, data, "data_loss"), Operand("penalty", penalty, penalty_src))
        return self.add("loss", it, None, "total_loss", "objective", operands, data + penalty)

    def _update_steps(self: Any, it: int, sample: int | None, batch: int | None, W, B, data_grad: dict[str, float],
                      data_src: dict[str, int], nums: Numbers, penalised: frozenset[str], penalty_src: int | None):
        """Per parameter: the gradient with λ·p, the optimizer's steps, the new value, the change."""
        up, sc = self.updater, self.sc
        entry = up.entry
        old = self._named(W, B)
        index = {name: i for i, name in enumerate(up.names)}
        lr = Operand("lr", sc.learning_rate)
        t = float(self.updates_done)
        grad = dict(data_grad)
        new = dict(old)
        change: dict[str, float] = {}
        state: dict[str, dict[str, float]] = {s: {} for s in entry.state}
        for name in sc.parameter_names():
            if name not in index:
                self.param_src[name] = self._add_b("update", it, sample, f"new.{name}", "keep",
                                                   (self.param(name, old[name]),), old[name], batch)
                continue
            i = index[name]
            g_src = data_src[name]
            if name in penalised:
                ops = (self._ref(g_src, data_grad[name]), Operand(L2.key, up.l2 or 0.0),
                       self.param(name, old[name]))
                g_src = self._add_b("update", it, sample, f"grad.{name}", "grad:l2", ops, nums.grads[i], batch)
            grad[name] = nums.grads[i]
            values: dict[str, Operand] = {
                "P": self.param(name, old[name]), "lr": lr, "t": Operand("t", t),
                "g": Operand(f"grad.{name}", nums.grads[i], g_src),
            }
            for key, value in up.options.items():
                values[key] = Operand(key, value)
            for s in entry.state:
                prev = self.state_src.get((s, name))
                values[f"prev.{s}"] = Operand(f"{s}.{name}", self._prev_state(s, name), prev)
            new_src = None
            for formula in entry.formulas:
                q = formula.quantity
                value = nums.new[i] if q == "new" else nums.state[q][i]
                operands = tuple(values[role] for role in formula.roles)
                src = self._add_b("update", it, sample, f"{q}.{name}", f"opt:{entry.name}:{q}", operands, value, batch)
                if q == "new":
                    new_src = src
                else:
                    values[q] = Operand(f"{q}.{name}", value, src)
                    self.state_src[(q, name)] = src
                    state[q][name] = value
                    self.prev_state[(q, name)] = value
            new[name] = nums.new[i]
            change[name] = nums.change[i]
            self._add_b("update", it, sample, f"change.{name}", "change",
                        (Operand(f"new.{name}", nums.new[i], new_src), self.param(name, old[name])), nums.change[i], batch)
            self.param_src[name] = new_src
        return grad, new, change, state

    def _ref(self: Any, src: int | None, value: float, name: str = "") -> Operand:
        """An operand computed by step `src`, written as that step writes itself."""
        if src is None:
            return Operand(name, value)
        step = self.steps[src]
        return Operand(step.quantity, value, src, step.sample)

    def _prev_state(self: Any, s: str, name: str) -> float:
        return self.prev_state.get((s, name), 0.0)
