"""display.input_gradients: the steps dLoss/dx of each input, in the walk-through and in JSON.

The numbers are checked against central finite differences of the engine's own loss with
respect to the inputs (random networks, every activation and loss); the key adds `dinput`
and its steps and changes no other number; every style and every output shows the steps.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any, Mapping, Sequence

import pytest
from hypothesis import assume, given

import bpwalk.engine.passes as engine
from bpwalk.engine.trace import run
from bpwalk.export import FORMATS, render
from bpwalk.export.json_ import to_dict
from bpwalk.ops import ACTIVATIONS, LOSSES
from bpwalk.read import load_scenario
from bpwalk.read.newfile import NewOptions, new_scenario_text
from bpwalk.read.validate import scenario_from_text
from bpwalk.scenario import Scenario
from bpwalk.walk.frames import FrameKind
from bpwalk.walk.pages import page
from bpwalk.walk.styles import frames_for

try:
    from strategies import kink_free, scenarios
    from test_gradients import PROPERTY, assert_close, assume_conditioned, central_difference, seen_by, traced
except ImportError:  # tests/ imported as a package
    from tests.strategies import kink_free, scenarios
    from tests.test_gradients import PROPERTY, assert_close, assume_conditioned, central_difference, seen_by, traced

STYLES = ("scalar", "matrix", "delta")


def _holds(condition: bool) -> None:
    assert condition, "a fixed example at a kink"


def with_input_gradients(sc: Scenario, on: bool = True) -> Scenario:
    return replace(sc, display=replace(sc.display, input_gradients=on))


def loss_at_inputs(sc: Scenario, params: Mapping[str, float], n: int, inputs: Sequence[float]) -> float:
    """Sample n's (0-based) loss with its inputs replaced, by the engine's own forward pass."""
    sc = sc.with_parameters(dict(params))
    W, B = engine.initial_parameters(sc)
    return engine.sample_pass(engine.Shape.of(sc), W, B, list(inputs), sc.samples[n].targets).loss


def nets_at_inputs(sc: Scenario, params: Mapping[str, float], n: int, inputs: Sequence[float]) -> list[list[float]]:
    sc = sc.with_parameters(dict(params))
    W, B = engine.initial_parameters(sc)
    return engine.sample_pass(engine.Shape.of(sc), W, B, list(inputs), sc.samples[n].targets).nets


def check_against_finite_differences(sc: Scenario, drawn: bool = True) -> None:
    """`drawn`: a random example, rejected where it sits at a kink; a fixed one must not."""
    require = assume if drawn else _holds
    trace = traced(sc) if drawn else run(sc)
    for n, rec in enumerate(trace.iterations[0].samples):
        if drawn:
            assume_conditioned(sc, rec)
        params = seen_by(trace, n)
        x = list(sc.samples[n].inputs)
        assert rec.dinput is not None and list(rec.dinput) == list(sc.inputs)
        for i, name in enumerate(sc.inputs):
            def f(v: float, i: int = i) -> float:
                return loss_at_inputs(sc, params, n, [*x[:i], v, *x[i + 1:]])
            h = 1e-6 * max(1.0, abs(x[i]))
            # a relu kink within the step would make the difference meaningless
            require(all(kink_free(sc, nets_at_inputs(sc, params, n, [*x[:i], v, *x[i + 1:]]))
                       for v in (x[i] - h, x[i] + h)))
            fd, scale = central_difference(f, x[i])
            assert_close(rec.dinput[name], fd, scale, f"dinput.{name} of sample {n + 1}")


@PROPERTY
@given(scenarios())
def test_dinput_matches_finite_differences_of_the_loss(sc: Scenario) -> None:
    check_against_finite_differences(with_input_gradients(sc))


def _scenario_text(activation: str, loss: str) -> str:
    entry = ACTIVATIONS[activation]
    if entry.output_only:
        return new_scenario_text(NewOptions((3, 2, 2), "tanh", activation, loss, 1, 5, "shared"))
    return new_scenario_text(NewOptions((3, 2, 2), activation, "sigmoid", loss, 1, 5, "per_unit"))


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_dinput_of_every_activation(activation: str) -> None:
    loss = "cross_entropy" if ACTIVATIONS[activation].output_only else "half_sse"
    sc = scenario_from_text(_scenario_text(activation, loss), f"{activation}.yaml")
    check_against_finite_differences(with_input_gradients(sc), drawn=False)


@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_dinput_of_every_loss(loss: str) -> None:
    sc = scenario_from_text(_scenario_text("tanh", loss), f"{loss}.yaml")
    check_against_finite_differences(with_input_gradients(sc), drawn=False)


# -- the CS231n neuron ---------------------------------------------------------------------------

def test_cs231n_neuron_reproduces_the_notes() -> None:
    sc = load_scenario("cs231n-neuron")
    assert sc.display.input_gradients
    trace = run(sc)
    rec = trace.iterations[0].samples[0]
    assert rec.dE_dout["f"] == 1.0, "the target makes dL/df exactly 1, where the notes start"
    assert [round(rec.dinput[x], 2) for x in ("x0", "x1")] == [0.39, -0.59]
    assert [round(trace.iterations[0].grad[p], 2) for p in ("w0", "w1", "w2")] == [-0.20, -0.39, 0.20]
    keys = {e.key for e in sc.expect}
    assert {"dinput.x0", "dinput.x1", "grad.w0", "grad.w1", "grad.w2"} <= keys


# -- the steps -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["mazur", "delta-two-samples", "xor-tanh", "cs231n-neuron"])
def test_each_step_reads_the_first_layer_deltas_and_weights(name: str) -> None:
    sc = with_input_gradients(load_scenario(name))
    trace = run(sc)
    first = sc.layers[0]
    steps = [s for s in trace.steps if s.rule == "dinput"]
    assert len(steps) == len(sc.inputs) * len(sc.samples) * sc.iterations
    for step in steps:
        assert step.phase == "backward" and step.key == step.quantity == f"dinput.{step.subject}"
        i = sc.inputs.index(step.subject)
        weights, deltas = step.operands[0::2], step.operands[1::2]
        assert [w.name for w in weights] == [row[i] for row in first.weight_names]
        assert [d.name for d in deltas] == [f"delta.{u}" for u in first.units]
        for d in deltas:   # a back-link to the step that computed that sample's δ
            source = trace.steps[d.source]
            assert (source.quantity, source.sample, source.iteration) == (d.name, step.sample, step.iteration)
        for w in weights:   # the weight as given, or as the previous update left it
            assert w.source is None or trace.steps[w.source].quantity == f"new.{w.name}"
        record = trace.iterations[step.iteration - 1].samples[step.sample - 1]
        assert step.value == record.dinput[step.subject] == trace.value(step.key, step.iteration, step.sample)


def _without_dinput(data: dict[str, Any]) -> dict[str, Any]:
    data = json.loads(json.dumps(data))
    data.pop("steps")
    for it in data["iterations"]:
        for s in it["samples"]:
            s.pop("dinput")
    return data


@pytest.mark.parametrize("name", ["mazur", "delta-two-samples", "xor-tanh", "softmax-3class", "deep-relu",
                                  "l2-mazur", "adam-mazur", "minibatch-xor", "linear-2-2-1-fit"])
def test_the_key_changes_no_other_number(name: str) -> None:
    sc = load_scenario(name)
    off, on = run(with_input_gradients(sc, False)), run(with_input_gradients(sc))
    plain, added = to_dict(off, formulas=False), to_dict(on, formulas=False)
    assert not any("dinput" in s for it in plain["iterations"] for s in it["samples"])
    assert all(set(s["dinput"]) == set(sc.inputs) for it in added["iterations"] for s in it["samples"])
    assert not any("dinput" in s for s in added["final"]["samples"])
    plain.pop("steps")
    assert _without_dinput(added) == plain
    # the steps are the same ones, bit for bit, with the inputs' gradients among them
    assert [(s.quantity, s.value) for s in on.steps if s.rule != "dinput"] == [(s.quantity, s.value) for s in off.steps]


def test_the_key_changes_no_number_of_a_rounded_run() -> None:
    sc = load_scenario("mazur")
    off, on = run(sc, rounding=4), run(with_input_gradients(sc), rounding=4)
    assert [s.value for s in on.steps if s.rule != "dinput"] == [s.value for s in off.steps]
    assert all(round(v, 4) == v for v in on.iterations[0].samples[0].dinput.values())


# -- every style, every output -------------------------------------------------------------------

@pytest.mark.parametrize("name", ["mazur", "delta-two-samples", "cs231n-neuron"])
@pytest.mark.parametrize("style", STYLES)
def test_every_style_shows_every_input_gradient_once(name: str, style: str) -> None:
    trace = run(with_input_gradients(load_scenario(name)))
    frames = frames_for(trace, style)
    shown = [i for f in frames for i in f.steps]
    assert sorted(shown) == list(range(len(trace.steps))), "every step in exactly one frame"
    wanted = {"scalar": FrameKind.STEP, "matrix": FrameKind.MATRIX_DINPUT, "delta": FrameKind.DELTA_INPUT}[style]
    dinput = [f for f in frames if any(trace.steps[i].rule == "dinput" for i in f.steps)]
    assert dinput and all(f.kind is wanted for f in dinput)
    per_frame = 1 if style != "matrix" else len(trace.scenario.inputs)
    assert all(len(f.steps) == per_frame for f in dinput)
    for f in dinput:
        for lang in ("en", "zh"):
            assert page(trace, f, lang).blocks


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "pytorch"])
@pytest.mark.parametrize("style", STYLES)
def test_every_output_shows_the_input_gradients(fmt: str, style: str) -> None:
    trace = run(load_scenario("cs231n-neuron"))
    off = run(with_input_gradients(trace.scenario, False))
    text, plain = render(trace, fmt, style=style), render(off, fmt, style=style)
    assert text != plain
    # the value of dL/dx1 (-0.5898 at the scenario's 4 digits) is written, and its symbol x₁ or x_{1}
    assert "0.5898" in text and "0.5898" not in plain
    if fmt != "json":
        assert any(mark in text for mark in ("∂x₁", "x_{1}", "x<sub>1</sub>", "<mi>x</mi><mn>1</mn>", "x1"))
