"""The JSON transcript (shared/spec/trace-json.md): every number at full double precision."""

from __future__ import annotations

import json
from typing import Any

from bpwalk.engine.convention import shown_as
from bpwalk.engine.steps import SampleRecord, Step, Trace, UpdateRecord
from bpwalk.export import Options
from bpwalk.words import cases

FORMAT_VERSION = 1


def _sample(rec: SampleRecord, final: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "sample": rec.sample,
        "net": dict(rec.net),
        "out": dict(rec.out),
        "error": dict(rec.error),
        "loss": rec.loss,
    }
    if not final and rec.delta is not None:
        out["delta"] = dict(rec.delta)
    if rec.grad is not None:
        out["grad"] = dict(rec.grad)
    if rec.new is not None:
        out["new"] = dict(rec.new)
    if not final and rec.dE_dout is not None:
        # project extensions: dLoss/dout (hidden units: the sum over paths) and dout/dnet
        out["dE_dout"] = dict(rec.dE_dout)
        out["dout_dnet"] = dict(rec.dout_dnet or {})
    if not final and rec.dinput is not None:
        out["dinput"] = dict(rec.dinput)     # bpwalk's addition: display.input_gradients
    return out


def _update(rec: UpdateRecord, regularized: bool) -> dict[str, Any]:
    """Addition A's numbers of one update: change, the optimizer's state, and the penalty."""
    out: dict[str, Any] = {"change": dict(rec.change)}
    for name, values in rec.state.items():
        out[name] = dict(values)
    if regularized:
        out["penalty"] = rec.penalty
    return out


def _batch(rec: UpdateRecord, regularized: bool) -> dict[str, Any]:
    """One entry of `iterations[].batches` (update: minibatch)."""
    out: dict[str, Any] = {"batch": rec.batch, "samples": list(rec.samples), "loss": rec.loss}
    if regularized:
        out["penalty"] = rec.penalty
    out["grad"] = dict(rec.grad)
    out["new"] = dict(rec.new)
    out.update((k, v) for k, v in _update(rec, regularized).items() if k != "penalty")
    return out


def _step(step: Step, notation, digits: int, formulas: bool) -> dict[str, Any]:
    item: dict[str, Any] = {
        "index": step.index + 1,
        "id": step.id,
        "phase": step.phase,
        "iteration": step.iteration,
        "sample": step.sample,
        "key": step.key,
        "quantity": step.quantity,
        "rule": step.rule,
        "latex": None,
        "substituted": None,
        "value": step.value,
        "operands": [
            {"name": op.name, "value": op.value, "step": None if op.source is None else op.source + 1}
            for op in step.operands
        ],
    }
    if step.batch is not None:
        item["batch"] = step.batch
    if formulas:
        import bpwalk.formula.equations as formula

        parts = formula.latex(step, notation, digits, cases("en"))
        if parts is not None:
            item["latex"], item["substituted"], _ = parts
    return item


def to_dict(trace: Trace, digits: int | None = None, formulas: bool = True) -> dict[str, Any]:
    """The transcript as plain data.

    Args:
        trace: what `bpwalk.engine.trace.run` returned.
        digits: significant digits of the numbers inside `substituted` (default: the scenario's
            display.precision); the `value` fields always keep full precision.
        formulas: False leaves `latex` and `substituted` null (much faster for huge traces).
    """
    from bpwalk.formula.notation import Notation

    sc = trace.scenario
    # the JSON holds the scenario format's numbers and formulas, whatever display.convention
    # shows: the error convention's steps turned back (an exact negation), written as gradients
    trace = shown_as(trace, "gradient")
    digits = digits or sc.display.precision
    notation = Notation.of(sc, "gradient")
    iterations = []
    extended = sc.extended
    regularized = sc.regularization is not None
    for it in trace.iterations:
        samples = [_sample(s) for s in it.samples]
        if extended and sc.update == "per_sample":
            for entry, rec in zip(samples, it.updates):
                entry.update(_update(rec, regularized))
        item: dict[str, Any] = {
            "iteration": it.iteration,
            "samples": samples,
            "total_loss": it.total_loss,
        }
        if regularized:
            item["data_loss"] = it.data_loss
        if it.grad is not None:
            item["grad"] = dict(it.grad)
        item["new"] = dict(it.new)
        if extended and sc.update == "batch":
            item.update(_update(it.updates[0], regularized))
        if sc.update == "minibatch":
            item["batches"] = [_batch(rec, regularized) for rec in it.updates]
        iterations.append(item)
    final: dict[str, Any] = {
        "samples": [_sample(s, final=True) for s in trace.final.samples],
        "total_loss": trace.final.total_loss,
    }
    if regularized:
        final["data_loss"] = trace.final.data_loss
    convention = {"convention": sc.display.convention} if sc.display.convention != "gradient" else {}
    return {
        "bpwalk": FORMAT_VERSION,
        "title": sc.title,
        "source": sc.source or None,
        **convention,
        "settings": {
            "loss": sc.loss,
            "reduction": sc.reduction,
            "update": sc.update,
            "learning_rate": sc.learning_rate,
            "iterations": sc.iterations,
            **_training(sc),
            "inputs": list(sc.inputs),
            "layers": [
                {"units": list(layer.units), "activation": layer.activation, "bias": layer.bias,
                 "train_bias": layer.train_bias}
                for layer in sc.layers
            ],
        },
        "parameters": dict(trace.parameters),
        "iterations": iterations,
        "final": final,
        "steps": [_step(s, notation, digits, formulas) for s in trace.steps],
    }


def _training(sc) -> dict[str, Any]:
    """Addition A's settings, where the scenario gives them (a project extension of `settings`)."""
    out: dict[str, Any] = {}
    if sc.batch_size is not None:
        out["batch_size"] = sc.batch_size
    if sc.optimizer is not None:
        out["optimizer"] = {"name": sc.optimizer.name, **dict(sc.optimizer.options)}
    if sc.regularization is not None:
        out["regularization"] = {"l2": sc.regularization.l2, "biases": sc.regularization.biases}
    return out


def unsigned_zeros(data: Any) -> Any:
    """`data` with every -0.0 as 0.0: the same number, without a sign a reader would take for a
    negative value (x + 0.0 is x for every other double, bit for bit)."""
    if isinstance(data, float):
        return data + 0.0
    if isinstance(data, dict):
        return {key: unsigned_zeros(value) for key, value in data.items()}
    if isinstance(data, list):
        return [unsigned_zeros(value) for value in data]
    return data


def to_json(trace: Trace, digits: int | None = None, formulas: bool = True) -> str:
    """The transcript as JSON text (UTF-8, indented, ending in a newline); -0.0 is written 0.0."""
    data = unsigned_zeros(to_dict(trace, digits, formulas))
    return json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False) + "\n"


def export(trace: Trace, options: Options) -> str:
    """The registry's entry point (`bpwalk.export.REGISTRY`): numbers at full precision whatever the digits."""
    return to_json(trace, options.digits)
