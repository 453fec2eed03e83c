"""The engine's numbers against finite differences, sympy, the trainer and the Step catalogue.

Property tests draw random networks from `strategies.scenarios()`; fixed cases pin sympy's
derivatives, numerical stability at |net| = 1000, overflow reporting and Mazur's numbers.
Every difference is computed with the engine's own forward pass and loss
(`bpwalk.engine.passes.sample_pass`), at a parameter or net nudged by ±h.
"""

from __future__ import annotations

import math
from dataclasses import replace
import warnings
from functools import reduce
from operator import mul
from typing import Callable, Mapping

import pytest
import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import bpwalk.engine.passes as engine
from bpwalk.ops import ACTIVATIONS, LOSSES
from bpwalk.ops.activations import softmax
from bpwalk.ops.mathfns import fsum   # the engine's sum (math.fsum that gives nan instead of raising)
from bpwalk.errors import ComputeError
from bpwalk.scenario import Layer, Sample, Scenario
from bpwalk.engine.steps import SampleRecord, Step, Trace
from bpwalk.engine.trace import run
from bpwalk.engine.train import train

try:
    from strategies import kink_free, probabilities_conditioned, scenarios
except ImportError:  # tests/ imported as a package
    from tests.strategies import kink_free, probabilities_conditioned, scenarios

# Deterministic, no example database, no deadline (the first example pays for imports).
PROPERTY = settings(
    max_examples=200,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


# --- helpers --------------------------------------------------------------------------------

def sample_loss(sc: Scenario, params: Mapping[str, float], n: int) -> float:
    """Sample n's (0-based) loss Cⁿ at the given parameters, by the engine's forward pass."""
    sc = sc.with_parameters(dict(params))
    W, B = engine.initial_parameters(sc)
    s = sc.samples[n]
    return engine.sample_pass(engine.Shape.of(sc), W, B, s.inputs, s.targets).loss


def total_loss(sc: Scenario, params: Mapping[str, float]) -> float:
    """The total loss over every sample, after the reduction, at the given parameters."""
    return engine.reduce_values([sample_loss(sc, params, n) for n in range(len(sc.samples))], sc.reduction)


def central_difference(f: Callable[[float], float], x: float) -> tuple[float, float]:
    """(df/dx by a central difference, the larger |f| seen), with h ~ 1e-6 scaled to |x|."""
    h = 1e-6 * max(1.0, abs(x))
    up, down = x + h, x - h
    f_up, f_down = f(up), f(down)
    return (f_up - f_down) / (up - down), max(abs(f_up), abs(f_down))


def assert_close(got: float, want: float, scale: float, what: str) -> None:
    """Mixed tolerance: abs 1e-6 + rel 1e-5, plus the rounding of a difference of two values of
    size `scale` divided by 2h (a few ulps of scale / 1e-6)."""
    tol = 1e-6 + 1e-5 * abs(want) + 1e-9 * scale
    assert abs(got - want) <= tol, f"{what}: engine {got!r}, finite difference {want!r} (tolerance {tol:.3g})"


def nudged_net_loss(sc: Scenario, params: Mapping[str, float], n: int, layer: int, unit: int, eps: float) -> float:
    """Sample n's loss with eps added to net of `unit` in `layer` (both 0-based), every other
    number computed as the engine computes it."""
    sc = sc.with_parameters(dict(params))
    W, B = engine.initial_parameters(sc)
    s = sc.samples[n]
    prev = list(s.inputs)
    for l, lay in enumerate(sc.layers):
        nets = engine.layer_nets(W[l], prev, lay.bias, B[l])
        if l == layer:
            nets[unit] += eps
        prev = ACTIVATIONS[lay.activation].outs(nets, lay.leaky_slope)
    k = len(prev)
    return fsum([LOSSES[sc.loss].term(t, o, k) for t, o in zip(s.targets, prev)])


def trained(sc: Scenario) -> set[str]:
    """Names of the parameters an update changes."""
    names = {n for layer in sc.layers for row in layer.weight_names for n in row}
    names.update(n for layer in sc.layers if layer.train_bias for n in layer.bias_names)
    return names


def seen_by(trace: Trace, n: int) -> Mapping[str, float]:
    """The parameters sample n (0-based) of iteration 1 saw: per_sample updates move them."""
    if trace.scenario.update == "per_sample" and n > 0:
        return trace.iterations[0].samples[n - 1].new
    return trace.parameters


def recorded_nets(sc: Scenario, net: Mapping[str, float]) -> list[list[float]]:
    return [[net[u] for u in layer.units] for layer in sc.layers]


def assume_conditioned(sc: Scenario, rec: SampleRecord) -> None:
    """Reject a sample whose numbers (after per_sample updates) sit at a kink or an ill-conditioned log."""
    assume(kink_free(sc, recorded_nets(sc, rec.net)))
    assume(probabilities_conditioned(sc, [rec.out[o] for o in sc.outputs]))


def traced(sc: Scenario) -> Trace:
    """run(sc), rejecting an example that overflows only after the numbers under test moved:
    in the final pass, or at a later sample of a per_sample sweep (the strategy vouches for the
    initial parameters only). An overflow at the initial parameters is a failure."""
    try:
        return run(sc)
    except ComputeError as err:
        moved = err.iteration is None or (sc.update == "per_sample" and (err.sample or 1) > 1)
        assume(not moved)
        raise


def check_deltas(sc: Scenario, trace: Trace) -> None:
    it = trace.iterations[0]
    for n, rec in enumerate(it.samples):
        params = seen_by(trace, n)
        assert nudged_net_loss(sc, params, n, 0, 0, 0.0) == rec.loss
        for l, layer in enumerate(sc.layers):
            for u, unit in enumerate(layer.units):
                fd, scale = central_difference(
                    lambda z, l=l, u=u: nudged_net_loss(sc, params, n, l, u, z - rec.net[unit]), rec.net[unit]
                )
                assert_close(rec.delta[unit], fd, scale, f"delta.{unit} of sample {n + 1}")


# --- finite differences -----------------------------------------------------------------------

@PROPERTY
@given(scenarios(update="batch"))
def test_batch_grad_matches_finite_difference(sc: Scenario) -> None:
    trace = traced(sc)
    it = trace.iterations[0]
    params = trace.parameters
    assert set(it.grad) == set(sc.parameter_names()) == set(it.new)
    assert it.total_loss == total_loss(sc, params)
    lr, train_set = sc.learning_rate, trained(sc)
    for name, p in params.items():
        fd, scale = central_difference(lambda v: total_loss(sc, {**params, name: v}), p)
        assert_close(it.grad[name], fd, scale, f"grad.{name}")
        assert it.new[name] == (p - lr * it.grad[name] if name in train_set else p), f"new.{name}"
    if len(sc.samples) > 1:
        # with update: batch a sample's own grad is the derivative of its own loss, unscaled
        for n, rec in enumerate(it.samples):
            assert rec.new is None
            for name, p in params.items():
                fd, scale = central_difference(lambda v: sample_loss(sc, {**params, name: v}, n), p)
                assert_close(rec.grad[name], fd, scale, f"grad.{name} of sample {n + 1}")


@PROPERTY
@given(scenarios())
def test_delta_matches_finite_difference_of_net(sc: Scenario) -> None:
    trace = traced(sc)
    for n, rec in enumerate(trace.iterations[0].samples):
        assume_conditioned(sc, rec)
    check_deltas(sc, trace)


@PROPERTY
@given(scenarios(update="per_sample", min_samples=1))
def test_per_sample_grad_and_update(sc: Scenario) -> None:
    trace = traced(sc)
    it = trace.iterations[0]
    assert it.grad is None
    lr, train_set = sc.learning_rate, trained(sc)
    for n, rec in enumerate(it.samples):
        assume_conditioned(sc, rec)
    for n, rec in enumerate(it.samples):
        params = seen_by(trace, n)
        assert rec.loss == sample_loss(sc, params, n)
        assert set(rec.grad) == set(rec.new) == set(sc.parameter_names())
        for name, p in params.items():
            fd, scale = central_difference(lambda v: sample_loss(sc, {**params, name: v}, n), p)
            assert_close(rec.grad[name], fd, scale, f"grad.{name} of sample {n + 1}")
            want = p - lr * rec.grad[name] if name in train_set else p
            assert rec.new[name] == want, f"new.{name} of sample {n + 1}"
    assert dict(it.new) == dict(it.samples[-1].new)
    assert it.total_loss == engine.reduce_values([rec.loss for rec in it.samples], sc.reduction)


# --- the trainer and the tracer agree ---------------------------------------------------------

@PROPERTY
@given(scenarios(conditioned=False), st.integers(1, 3))
def test_train_equals_run_bit_for_bit(sc: Scenario, iterations: int) -> None:
    try:
        trace = run(sc, iterations)
    except ComputeError as err:
        with pytest.raises(ComputeError) as caught:
            train(sc, iterations)
        assert (caught.value.quantity, caught.value.iteration, caught.value.sample) == (
            err.quantity, err.iteration, err.sample)
        return
    result = train(sc, iterations)
    assert result.losses == tuple(it.total_loss for it in trace.iterations)
    assert result.final_loss == trace.final.total_loss
    assert dict(result.parameters) == dict(trace.iterations[-1].new)
    assert list(result.parameters) == list(sc.parameter_names())
    outputs = tuple(tuple(rec.out[o] for o in sc.outputs) for rec in trace.final.samples)
    assert result.final_outputs == outputs


@PROPERTY
@given(scenarios(conditioned=False, max_layers=2, max_units=3), st.integers(1, 3))
def test_each_snapshot_has_the_loss_at_its_own_parameters(sc: Scenario, iterations: int) -> None:
    # the loss at the parameters after k iterations is the final pass of a k-iteration trace;
    # at the start, the first forward pass of a batch iteration
    try:
        after = [run(replace(sc, update="batch"), 1).iterations[0].total_loss] + [
            run(sc, k).final.total_loss for k in range(1, iterations + 1)]
        trace = run(sc, iterations)
    except ComputeError:
        assume(False)
    result = train(sc, iterations, every=1)
    assert [s.iteration for s in result.snapshots] == list(range(iterations + 1))
    assert [s.loss for s in result.snapshots] == after
    assert result.snapshots[-1].loss == result.final_loss
    assert dict(result.snapshots[0].parameters) == dict(trace.parameters)
    assert [dict(s.parameters) for s in result.snapshots[1:]] == [dict(it.new) for it in trace.iterations]
    if sc.update == "batch":
        assert [s.loss for s in result.snapshots[:-1]] == list(result.losses)


# --- every Step agrees with its operands ------------------------------------------------------

def _product(values: list[float]) -> float:
    return reduce(mul, values)  # ((a * b) * c), the engine's order


def expected_value(step: Step, sc: Scenario) -> float | None:
    """The value a step's rule gives from its operands, computed as the engine computes it."""
    rule, ops = step.rule, step.operands
    v = [op.value for op in ops]
    kind, _, arg = rule.partition(":")
    if rule in ("intro", "summary"):
        return None
    if rule == "net":
        terms = [v[i] * v[i + 1] for i in range(0, len(v) - 1, 2)]
        if len(v) % 2:
            terms.append(v[-1])     # the bias (times the constant 1)
        return fsum(terms)
    if kind == "act":
        unit = step.subject
        entry = ACTIVATIONS[arg]
        if entry.layer_wise:
            return entry.outs(v, 0.0)[[op.name for op in ops].index(f"net.{unit}")]
        assert len(v) == (2 if entry.param else 1), f"{step.id}: operands {[op.name for op in ops]}"
        return entry.outs([v[0]], v[1] if entry.param else 0.0)[0]
    if kind in ("error", "dE_dout"):
        loss = LOSSES[arg]
        assert len(v) == (3 if loss.per_output_count else 2)
        k = int(v[2]) if loss.per_output_count else len(sc.outputs)
        return loss.term(v[0], v[1], k) if kind == "error" else loss.d(v[1], v[0], k)
    if kind == "dact":
        entry = ACTIVATIONS[arg]
        # the operands: the quantity f' is written with (none for identity), then the parameter
        names = [op.name.partition(".")[0] for op in ops]
        written = [entry.written_with] if entry.written_with else []
        assert names == written + ([entry.param.operand] if entry.param else [])
        out = v[0] if entry.written_with == "out" else None
        net = v[0] if entry.written_with == "net" else None
        return entry.df(net, out, v[-1] if entry.param else 0.0)
    if rule in ("chain", "delta", "path"):
        return _product(v)
    if rule in ("loss", "paths", "bias:shared", "total:sum", "reduce:sum"):
        return fsum(v)
    if rule in ("total:mean", "reduce:mean"):
        return fsum(v) / len(v)
    if kind == "delta" and arg:   # delta:<f> of a layer-wise f
        half = len(v) // 2
        g, o = v[:half], v[half:]
        k = [op.name for op in ops[half:]].index(f"out.{step.subject}")
        return fsum([gj * ACTIVATIONS[arg].jacobian(o, j, k) for j, gj in enumerate(g)])
    if rule == "update":
        p, lr, grad = v
        return p - lr * grad
    if rule == "keep":
        return v[0]
    raise AssertionError(f"step {step.index} has a rule the catalogue does not list: {rule!r}")


def source_names(quantity: str) -> set[str]:
    """The operand names that may refer to a step computing `quantity`."""
    names = {quantity}
    if quantity.startswith("new."):
        names.add(quantity.removeprefix("new."))      # the parameter's value after an update
    if quantity in ("total_loss", "loss"):
        names.add("final.total_loss")                 # the summary's operand (one sample: the loss)
    return names


def sample_of(step: Step, sc: Scenario) -> int:
    """The 0-based sample a step's inputs and targets belong to (a single sample's grad steps
    are the iteration's, with no sample)."""
    if step.sample is None:
        assert len(sc.samples) == 1, f"{step.id} uses a sample's numbers but names no sample"
        return 0
    return step.sample - 1


@PROPERTY
@given(scenarios(conditioned=False), st.integers(1, 2))
def test_steps_agree_with_their_operands(sc: Scenario, iterations: int) -> None:
    try:
        trace = run(sc, iterations)
    except ComputeError:
        return
    steps = trace.steps
    params = sc.parameters()
    inputs = set(sc.inputs)
    for i, step in enumerate(steps):
        assert step.index == i
        want = expected_value(step, sc)
        if want is None:
            assert step.value is None or step.rule in ("intro", "summary")
        else:
            assert step.value == want, f"step {i} {step.id} ({step.rule}): {step.value!r} != {want!r}"
        for op in step.operands:
            if op.source is not None:
                assert 0 <= op.source < i, f"step {i} {step.id}: operand {op.name} points forward"
                src = steps[op.source]
                assert op.name in source_names(src.quantity), (
                    f"step {i} {step.id}: operand {op.name} points to {src.id}")
                if op.name == "final.total_loss" and src.quantity == "loss":
                    assert len(sc.samples) == 1
                assert src.value == op.value, f"step {i} {step.id}: operand {op.name} != {src.id}"
            elif op.name in params:
                # a parameter given, not updated yet: the scenario's own value
                assert step.iteration in (1, None) and op.value == params[op.name], f"{step.id}: {op.name}"
            elif op.name.startswith("out.") and op.name[4:] in inputs:
                sample = sc.samples[sample_of(step, sc)]
                assert op.value == sample.inputs[sc.inputs.index(op.name[4:])]
            elif op.name.startswith("target."):
                sample = sc.samples[sample_of(step, sc)]
                assert op.value == sample.targets[sc.outputs.index(op.name[7:])]
            elif op.name == "lr":
                assert op.value == sc.learning_rate
            else:
                assert op.name in ("K", "slope", "1", "total_loss"), f"{step.id}: given operand {op.name}"


# --- sympy ---------------------------------------------------------------------------------

def _sym_activation(name: str, zs: list, slope: float) -> list:
    if name == "identity":
        return zs
    if name == "sigmoid":
        return [1 / (1 + sympy.exp(-z)) for z in zs]
    if name == "tanh":
        return [sympy.tanh(z) for z in zs]
    if name == "relu":
        return [sympy.Piecewise((z, z > 0), (0, True)) for z in zs]
    if name == "leaky_relu":
        return [sympy.Piecewise((z, z > 0), (sympy.Rational(slope) * z, True)) for z in zs]
    if name == "softplus":
        return [sympy.log(1 + sympy.exp(z)) for z in zs]
    if name == "elu":
        return [sympy.Piecewise((z, z > 0), (sympy.exp(z) - 1, True)) for z in zs]
    if name == "silu":
        return [z / (1 + sympy.exp(-z)) for z in zs]
    if name == "gelu":
        return [z * (1 + sympy.erf(z / sympy.sqrt(2))) / 2 for z in zs]
    if name == "softmax":
        exps = [sympy.exp(z) for z in zs]
        return [e / sum(exps) for e in exps]
    raise ValueError(name)


def _sym_loss(loss: str, ts: tuple[float, ...], os: list):
    k = len(os)
    terms = []
    for t, o in zip(ts, os):
        t = sympy.Rational(t)
        if loss == "half_sse":
            terms.append((t - o) ** 2 / 2)
        elif loss == "sse":
            terms.append((t - o) ** 2)
        elif loss == "mse":
            terms.append((t - o) ** 2 / k)
        elif loss == "cross_entropy":
            terms.append(-t * sympy.log(o))
        else:
            terms.append(-(t * sympy.log(o) + (1 - t) * sympy.log(1 - o)))
    return sum(terms)


def fixed_net(hidden: str, output: str, loss: str, reduction: str = "mean") -> Scenario:
    """2-2-1 (2-2-2 for softmax): hidden layer with a shared bias, output with per-unit biases,
    two samples; numbers chosen so that no net is near a relu kink."""
    k = 2 if output == "softmax" else 1
    out_w = ((0.4, -0.45), (0.5, 0.55))[:k]
    # the targets of sample 1 and of sample 2, one per output unit
    targets = {
        "binary_cross_entropy": ((0.25, 0.75), (1.0, 0.0)),
        "cross_entropy": ((0.0, 1.0), (0.7, 0.3)),
    }.get(loss, ((0.01, 0.99), (0.8, -0.3)))
    return Scenario(
        title="fixed",
        inputs=("x1", "x2"),
        layers=(
            Layer(("h1", "h2"), hidden, ((0.15, 0.2), (-0.25, 0.3)), (("w1", "w2"), ("w3", "w4")),
                  bias="shared", biases=(0.35,), bias_names=("b1",), leaky_slope=0.125),
            Layer(tuple(f"o{u + 1}" for u in range(k)), output, out_w,
                  (("w5", "w6"), ("w7", "w8"))[:k], bias="per_unit", biases=(0.6, -0.1)[:k],
                  bias_names=("b2_1", "b2_2")[:k], train_bias=False, leaky_slope=0.125),
        ),
        samples=(
            Sample((0.05, 0.1), targets[0][:k]),
            Sample((0.9, -0.4), targets[1][:k]),
        ),
        learning_rate=0.5,
        loss=loss,
        reduction=reduction,
    )


# (hidden, output, loss, reduction): every activation in both layers, every loss, both reductions
SYMPY_CASES = [
    ("identity", "identity", "half_sse", "sum"),
    ("sigmoid", "sigmoid", "half_sse", "mean"),
    ("tanh", "tanh", "half_sse", "sum"),
    ("relu", "relu", "half_sse", "mean"),
    ("leaky_relu", "leaky_relu", "half_sse", "sum"),
    ("softplus", "softplus", "half_sse", "mean"),
    ("tanh", "identity", "sse", "mean"),
    ("relu", "softplus", "mse", "sum"),
    ("leaky_relu", "sigmoid", "binary_cross_entropy", "mean"),
    ("softplus", "sigmoid", "cross_entropy", "sum"),
    ("sigmoid", "softmax", "cross_entropy", "mean"),
    ("tanh", "softmax", "binary_cross_entropy", "sum"),
    ("identity", "softmax", "mse", "mean"),
    ("elu", "elu", "half_sse", "sum"),
    ("silu", "silu", "half_sse", "mean"),
    ("gelu", "gelu", "half_sse", "sum"),
    ("gelu", "sigmoid", "binary_cross_entropy", "mean"),
    ("silu", "softmax", "cross_entropy", "sum"),
    ("elu", "identity", "mse", "mean"),
]


def test_the_sympy_cases_cover_every_activation_and_loss() -> None:
    assert {case[0] for case in SYMPY_CASES} | {case[1] for case in SYMPY_CASES} == set(ACTIVATIONS)
    assert {case[2] for case in SYMPY_CASES} == set(LOSSES)


@pytest.mark.parametrize("hidden, output, loss, reduction", SYMPY_CASES)
def test_grad_matches_sympy(hidden: str, output: str, loss: str, reduction: str) -> None:
    sc = fixed_net(hidden, output, loss, reduction)
    symbols = {name: sympy.Symbol(name) for name in sc.parameter_names()}
    losses = []
    for s in sc.samples:
        outs = [sympy.Float(x, 40) for x in s.inputs]
        for layer in sc.layers:
            zs = []
            for u, names in enumerate(layer.weight_names):
                z = sum(symbols[w] * o for w, o in zip(names, outs))
                bi = layer.bias_index(u)
                if bi is not None:
                    z += symbols[layer.bias_names[bi]]
                zs.append(z)
            outs = _sym_activation(layer.activation, zs, layer.leaky_slope)
        losses.append(_sym_loss(sc.loss, s.targets, outs))
    total = sum(losses) / (len(losses) if reduction == "mean" else 1)
    # 40-digit Floats (exact copies of the doubles): sympy folds them at once, where exact
    # Rationals inside exp and log make evalf crawl
    values = {symbols[n]: sympy.Float(v, 40) for n, v in sc.parameters().items()}
    trace = run(sc)
    it = trace.iterations[0]
    assert it.total_loss == pytest.approx(float(total.xreplace(values).evalf(30)), rel=1e-13, abs=1e-15)
    for name, sym in symbols.items():
        # the other parameters become numbers first: a one-variable derivative is much quicker
        alone = total.xreplace({other: value for other, value in values.items() if other != sym})
        want = float(sympy.diff(alone, sym).xreplace({sym: values[sym]}).evalf(30))
        assert it.grad[name] == pytest.approx(want, rel=1e-11, abs=1e-14), f"grad.{name}"


# --- numerical stability and overflow ---------------------------------------------------------

@pytest.mark.parametrize("net", [1000.0, -1000.0, 745.2, -745.2, 1e308, -1e308])
def test_sigmoid_is_stable(net: float) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = ACTIVATIONS["sigmoid"].f(net)
        slope = ACTIVATIONS["sigmoid"].df(net, out, 0.0)
        soft = ACTIVATIONS["softplus"].f(net)
    assert 0.0 <= out <= 1.0
    assert out == (1.0 if net > 0 else 0.0) or abs(net) < 746
    assert slope == 0.0 or abs(net) < 746
    assert math.isfinite(soft)


@pytest.mark.parametrize("nets", [[1000.0, -1000.0], [-1000.0, 1000.0, 0.0], [1000.0, 1000.0], [-1000.0, -1000.0],
                                  [1e308, -1e308, 3.0]])
def test_softmax_is_stable(nets: list[float]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        outs = softmax(nets)
    assert all(0.0 <= o <= 1.0 for o in outs)
    assert fsum(outs) == pytest.approx(1.0, abs=1e-15)


def _saturated(output: str) -> Scenario:
    """Nets of ±1000 at every unit of both layers."""
    return Scenario(
        title="saturated",
        inputs=("x1",),
        layers=(
            Layer(("h1", "h2"), "sigmoid", ((500.0,), (-500.0,)), (("w1",), ("w2",))),
            Layer(("o1", "o2"), output, ((1000.0, 0.0), (0.0, 1000.0)), (("w3", "w4"), ("w5", "w6")),
                  bias="shared", biases=(-1000.0,), bias_names=("b2",)),
        ),
        samples=(Sample((2.0,), (1.0, 0.0)),),
        learning_rate=0.5,
    )


@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
def test_saturated_network_runs_without_warnings(output: str) -> None:
    sc = _saturated(output)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trace = run(sc, 2)
        result = train(sc, 2)
    rec = trace.iterations[0].samples[0]
    assert (rec.net["h1"], rec.net["h2"]) == (1000.0, -1000.0)
    assert all(0.0 <= rec.out[u] <= 1.0 for u in ("h1", "h2", "o1", "o2"))
    assert result.final_loss == trace.final.total_loss


def _identity_net(weights: tuple[float, ...], inputs: tuple[tuple[float, ...], ...], lr: float) -> Scenario:
    """One identity output unit, half_sse, target 0 for every sample."""
    return Scenario(
        title="overflow",
        inputs=tuple(f"x{j + 1}" for j in range(len(weights))),
        layers=(Layer(("o1",), "identity", (weights,), (tuple(f"w{j + 1}" for j in range(len(weights))),)),),
        samples=tuple(Sample(x, (0.0,)) for x in inputs),
        learning_rate=lr,
    )


def _diverging_softmax_bce() -> Scenario:
    """Found by hypothesis: per_sample updates drive a softmax output to exactly 1 and another to 0,
    so that sample 3's dLoss/dout holds +inf and -inf and math.fsum raised ValueError."""
    w = ((0.0, 0.0, 0.0), (0.0, 0.0, 1.0), (0.0, 0.0, 1.0), (0.0, 0.0, 1.0))
    return Scenario(
        title="diverging",
        inputs=("x1",),
        layers=(
            Layer(("h1",), "identity", ((0.0,),), (("w1",),), bias="shared", biases=(1.0,), bias_names=("b1",),
                  train_bias=False),
            Layer(("h2", "h3", "h4"), "leaky_relu", ((0.0,), (0.0,), (-1.0,)), (("w2",), ("w3",), ("w4",)),
                  bias="shared", biases=(-2.0,), bias_names=("b2",), leaky_slope=0.875),
            Layer(("o1", "o2", "o3", "o4"), "softmax", w,
                  tuple(tuple(f"w{5 + 3 * u + j}" for j in range(3)) for u in range(4))),
        ),
        samples=(Sample((0.0,), (0.0, 0.0, 0.0, 1.0)), Sample((0.0,), (0.0,) * 4), Sample((0.0,), (0.0,) * 4)),
        learning_rate=1.0,
        loss="binary_cross_entropy",
        update="per_sample",
    )


def _per_sample_final_overflow() -> Scenario:
    """Iteration 1 ends with w1 = -1e120; the final pass overflows at sample 2 (x = 1e160), but a
    per_sample retrace from there first updates w1 with sample 1 (back to ~0), and never overflows."""
    return Scenario(
        title="final pass, per_sample",
        inputs=("x1",),
        layers=(Layer(("o1",), "identity", ((0.0,),), (("w1",),)),),
        samples=(Sample((1.0,), (1e-200,)), Sample((1e160,), (0.0,))),
        learning_rate=1.0,
        update="per_sample",
    )

OVERFLOWS = [
    # (1e200)^2 / 2 overflows in the first error term
    ("first error", _identity_net((1e200,), ((1.0,), (2.0,)), 0.5), 1, ("error.o1", 1, 1)),
    # the first update throws w1 to ~ -1e220, whose square overflows in iteration 2
    ("after an update", _identity_net((1e100,), ((1.0,), (2.0,)), 1e120), 3, ("error.o1", 2, 1)),
    # 1e308 + 1e308: math.fsum raised OverflowError (a crash) before mathfns.fsum caught it
    ("net sum", _identity_net((1e308, 1e308), ((1.0, 1.0),), 0.1), 1, ("net.o1", 1, 1)),
    # +inf + -inf in a softmax delta: math.fsum raised ValueError before mathfns.fsum caught it
    ("inf - inf", _diverging_softmax_bce(), 1, ("error.o1", 1, 3)),
    # the update leaves w1 ~ -1e220 and the final forward pass overflows
    ("final pass", _identity_net((1e100,), ((1.0,),), 1e120), 1, ("final.error.o1", None, 1)),
    ("final pass, per_sample", _per_sample_final_overflow(), 1, ("final.error.o1", None, 2)),
]


@pytest.mark.parametrize(
    "compute",
    [run, train],
    ids=["run", "train"],
)
@pytest.mark.parametrize("case", [pytest.param(c, id=c[0]) for c in OVERFLOWS])
def test_overflow_raises_compute_error(case, compute) -> None:
    _, sc, iterations, where = case
    with pytest.raises(ComputeError) as caught:
        compute(sc, iterations)
    err = caught.value
    assert (err.quantity, err.iteration, err.sample) == where
    message = str(err)
    place = "the final forward pass" if where[1] is None else f"iteration {where[1]}"
    assert message.startswith(f"{where[0]} is not a finite number") and place in message
    assert f"sample {where[2]}" in message


@pytest.mark.parametrize("values", [[math.inf, -math.inf], [1e308, 1e308], [-1e308, -1e308, 1.0], [math.nan, 1.0]])
def test_engine_sums_never_raise(values: list[float]) -> None:
    # math.fsum raises on these; the engine's sums must give a non-finite number instead
    assert not math.isfinite(fsum(values))
    assert not math.isfinite(fsum(iter(values)))
    assert not math.isfinite(engine.reduce_values(values, "mean"))


# --- Mazur's printed numbers ------------------------------------------------------------------

def mazur() -> Scenario:
    return Scenario(
        title="Mazur's 2-2-2 sigmoid network",
        inputs=("i1", "i2"),
        layers=(
            Layer(("h1", "h2"), "sigmoid", ((0.15, 0.20), (0.25, 0.30)), (("w1", "w2"), ("w3", "w4")),
                  bias="shared", biases=(0.35,), bias_names=("b1",), train_bias=False),
            Layer(("o1", "o2"), "sigmoid", ((0.40, 0.45), (0.50, 0.55)), (("w5", "w6"), ("w7", "w8")),
                  bias="shared", biases=(0.60,), bias_names=("b2",), train_bias=False),
        ),
        samples=(Sample((0.05, 0.10), (0.01, 0.99)),),
        learning_rate=0.5,
    )


def test_mazur_numbers() -> None:
    trace = run(mazur())
    want = {
        "net.o1": 1.10590596705977,
        "out.o1": 0.7513650695523157,
        "total_loss": 0.2983711087600027,
        "loss": 0.2983711087600027,
        "grad.w1": 0.000438567734474347,
        "grad.b1": 0.01872560939470413,
        "new.w1": 0.1497807161327628,
        "new.b1": 0.35,
        "final.total_loss": 0.29102777369359933,
    }
    for key, value in want.items():
        assert trace.value(key) == pytest.approx(value, rel=1e-12, abs=0.0), key
    assert train(mazur(), 1).final_loss == trace.final.total_loss
