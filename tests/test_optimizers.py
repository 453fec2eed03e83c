"""Addition A's numbers: the penalty's gradient, each optimizer's step, mini-batches, trace = train.

Property tests draw random scenarios with an optimizer, maybe an L2 penalty and an update mode
(`strategies.trained_scenarios`). The penalised gradient is checked against central differences
of the penalised total loss; each optimizer's step against a second, plain implementation of its
formula written here from the scenario format's text; minibatch with B = N against batch and with
B = 1 against per_sample, bit for bit; and the trainer against the tracer, bit for bit.
"""

from __future__ import annotations

import math
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bpwalk.engine.trace import run
from bpwalk.engine.train import train
from bpwalk.ops import OPTIMIZERS
from bpwalk.scenario import OptimizerSettings, Regularization

try:
    from strategies import scenarios, trained_scenarios
    from test_gradients import assert_close, central_difference
except ImportError:  # tests/ imported as a package
    from tests.strategies import scenarios, trained_scenarios
    from tests.test_gradients import assert_close, central_difference

PROPERTY = settings(max_examples=80, deadline=None, database=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@PROPERTY
@given(scenarios(update="batch"), st.floats(0.0, 0.5), st.booleans())
def test_penalised_gradient_is_the_derivative_of_the_penalised_loss(sc, lam, biases) -> None:
    sc = replace(sc, regularization=Regularization(lam, biases), iterations=1)
    trace = run(sc)
    start = dict(trace.parameters)
    for name, value in start.items():
        def total(x: float, name: str = name) -> float:
            return run(sc.with_parameters({**start, name: x})).iterations[0].total_loss
        want, scale = central_difference(total, value)
        got = trace.iterations[0].grad[name]
        assert_close(got, want, scale, f"grad.{name}")


def plain_step(name: str, o: dict, p: float, g: float, state: dict, t: int, lr: float) -> tuple[float, dict]:
    """The scenario format's formulas, written out once more."""
    if name == "sgd":
        return p - lr * g, {}
    if name in ("momentum", "nesterov"):
        v = o["momentum"] * state.get("velocity", 0.0) + g
        step = v if name == "momentum" else g + o["momentum"] * v
        return p - lr * step, {"velocity": v}
    if name == "rmsprop":
        s = o["alpha"] * state.get("sq_avg", 0.0) + (1 - o["alpha"]) * g ** 2
        return p - lr * g / (math.sqrt(s) + o["eps"]), {"sq_avg": s}
    m = o["beta1"] * state.get("m", 0.0) + (1 - o["beta1"]) * g
    v = o["beta2"] * state.get("v", 0.0) + (1 - o["beta2"]) * g ** 2
    m_hat, v_hat = m / (1 - o["beta1"] ** t), v / (1 - o["beta2"] ** t)
    if name == "adamw":
        p = p * (1 - lr * o["weight_decay"])
    return p - lr * m_hat / (math.sqrt(v_hat) + o["eps"]), {"m": m, "v": v, "m_hat": m_hat, "v_hat": v_hat}


def near(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b)) + 1e-12


@PROPERTY
@given(trained_scenarios(max_samples=3))
def test_every_optimizer_step_is_its_formula(sc) -> None:
    trace = run(sc)
    o = dict(sc.optimizer.options)
    state: dict[str, dict] = {}
    before = dict(trace.parameters)
    t = 0
    for it in trace.iterations:
        for update in it.updates:
            t += 1
            for name in update.change:
                new, st_ = plain_step(sc.optimizer.name, o, before[name], update.grad[name], state.get(name, {}),
                                      t, sc.learning_rate)
                state[name] = st_
                assert near(update.new[name], new), (name, update.new[name], new)
                assert update.change[name] == update.new[name] - before[name]
                for key, value in st_.items():
                    assert near(update.state[key][name], value), (key, name)
            untrained = set(update.new) - set(update.change)
            assert all(update.new[n] == before[n] for n in untrained)
            before = dict(update.new)


def _numbers(trace):
    return ([it.total_loss for it in trace.iterations], [dict(it.new) for it in trace.iterations],
            trace.final.total_loss, [dict(u.new) for it in trace.iterations for u in it.updates])


@PROPERTY
@given(trained_scenarios(update="batch", min_samples=1, max_samples=4))
def test_minibatch_of_all_samples_is_batch_and_of_one_is_per_sample(sc) -> None:
    n = len(sc.samples)
    assert _numbers(run(replace(sc, update="minibatch", batch_size=n))) == _numbers(run(sc))
    per_sample = replace(sc, update="per_sample")
    assert _numbers(run(replace(sc, update="minibatch", batch_size=1))) == _numbers(run(per_sample))


@PROPERTY
@given(trained_scenarios(max_samples=3))
def test_train_equals_trace_bit_for_bit(sc) -> None:
    trace, result = run(sc), train(sc)
    assert list(result.losses) == [it.total_loss for it in trace.iterations]
    assert result.final_loss == trace.final.total_loss
    assert dict(result.parameters) == dict(trace.iterations[-1].new)


def test_every_optimizer_is_drawn_and_explicit_sgd_is_plain_gradient_descent() -> None:
    from bpwalk.read import load_scenario

    sc = load_scenario("mazur")
    plain = run(sc)
    explicit = run(replace(sc, optimizer=OptimizerSettings("sgd")))
    assert dict(plain.iterations[0].new) == dict(explicit.iterations[0].new)
    assert explicit.value("change.w5") == plain.value("change.w5") == plain.value("new.w5") - 0.40
    assert set(OPTIMIZERS) == {"sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw"}


def test_new_and_the_schema_read_the_registry() -> None:
    from bpwalk.read.newfile import NewOptions, new_scenario_text
    from bpwalk.read.schema import json_schema

    text = new_scenario_text(NewOptions())
    schema = json_schema()["properties"]["optimizer"]
    assert schema["properties"]["name"]["enum"] == list(OPTIMIZERS)
    for name, entry in OPTIMIZERS.items():
        assert f"{{name: {name}" in text
        for option in entry.options:
            assert f"{option.key}: {option.default:g}" in text
            assert schema["properties"][option.key]["default"] == option.default


def test_check_reads_expect_entries_of_a_batch() -> None:
    """A printed number of batch 2 is compared with batch 2's update, and a wrong one is caught."""
    from bpwalk.check.audit import check
    from bpwalk.read import load_scenario

    sc = load_scenario("minibatch-xor")
    verdicts = check(sc)
    assert all(v.agrees for v in verdicts) and any(v.batch == 2 for v in verdicts)
    trace = run(sc)
    assert trace.value("penalty", 1, None, 2) != trace.value("penalty", 1, None, 1)
    wrong = replace(sc, expect=tuple(replace(e, value=trace.value(e.key, e.iteration, e.sample, 1))
                                     for e in sc.expect if e.key == "penalty" and e.batch == 2))
    assert [v.agrees for v in check(wrong)] == [False]


def test_a_squared_gradient_is_written_with_its_parentheses() -> None:
    """`v = β₂·v + (1 − β₂)·∂E_total/∂w₁²` squared only the w₁: the gradient is the base."""
    from bpwalk.engine.trace import run as trace_run
    from bpwalk.export import render
    from bpwalk.read import load_scenario as load

    trace = trace_run(load("adam-mazur"))
    text = render(trace, "txt")
    assert "(1 − β₂)·(∂E_total/∂w₁)²" in text and "∂w₁²" not in text
    assert "\\left(\\frac{\\partial E_{\\mathrm{total}}}{\\partial w_{1}}\\right)^{2}" in render(trace, "md")
