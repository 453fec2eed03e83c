"""ELU, SiLU (swish) and exact GELU: their numbers against math written here, and their reach.

Each is one entry of `bpwalk.ops.activations`; everything else (validation, schema, `bpwalk
new`, the three display styles, the exports, the gradient strategies) finds it in the
registry, so `tests/test_ops.py` and `tests/test_ops_everywhere.py` check it with every other
entry. This file pins what is particular to each: values from independent formulas and known
constants, accuracy where a naive formula loses digits, and that it reaches every list.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import find, settings
from typer.testing import CliRunner

from bpwalk.cli import app
from bpwalk.engine.trace import run
from bpwalk.errors import ScenarioError
from bpwalk.ops import ACTIVATION_ALIASES, ACTIVATIONS
from bpwalk.read.newfile import HIDDEN, NewOptions, new_scenario_text
from bpwalk.read.schema import json_schema
from bpwalk.read.validate import scenario_from_text

try:
    from strategies import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, scenarios
except ImportError:  # tests/ imported as a package
    from tests.strategies import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, scenarios

NEW = ("elu", "silu", "gelu")
XS = [-6.0, -3.5, -1.0, -0.25, -1e-3, 1e-3, 0.25, 0.5, 1.0, 2.0, 4.5]
runner = CliRunner()


def f(name: str, x: float) -> float:
    return ACTIVATIONS[name].outs([x], 0.0)[0]


def df(name: str, x: float) -> float:
    entry = ACTIVATIONS[name]
    assert entry.df is not None
    return entry.df(x, f(name, x), 0.0)


def central(name: str, x: float) -> float:
    h = 1e-6
    return (f(name, x + h) - f(name, x - h)) / (2 * h)


# -- independent math ------------------------------------------------------------------------

def elu_by_hand(x: float) -> float:
    return x if x > 0 else math.exp(x) - 1


def sigma_by_hand(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def phi_cdf_by_hand(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def phi_pdf_by_hand(x: float) -> float:
    return math.exp(-x * x / 2) / math.sqrt(2 * math.pi)


@pytest.mark.parametrize("x", XS)
def test_elu(x: float) -> None:
    assert f("elu", x) == pytest.approx(elu_by_hand(x), rel=1e-12, abs=1e-15)
    assert df("elu", x) == pytest.approx(1.0 if x > 0 else math.exp(x), rel=1e-15)
    assert df("elu", x) == pytest.approx(central("elu", x), rel=1e-7, abs=1e-9)
    if x <= 0:
        assert df("elu", x) == pytest.approx(f("elu", x) + 1.0, rel=1e-12)   # e^x = out + 1


def test_elu_keeps_its_digits_near_zero_and_far_below() -> None:
    # e^x - 1 for x = -1e-10 by exp loses 7 digits; expm1 keeps them: x + x^2/2 + ...
    x = -1e-10
    assert f("elu", x) == pytest.approx(x + x * x / 2, rel=1e-15)
    assert abs(elu_by_hand(x) - (x + x * x / 2)) > 1e-18
    # far below, f' is e^x, not out + 1 (which would round to 0)
    assert df("elu", -40.0) == pytest.approx(4.248354255291589e-18, rel=1e-14)
    assert f("elu", -40.0) + 1.0 == 0.0
    assert f("elu", 0.0) == 0.0 and df("elu", 0.0) == 1.0


@pytest.mark.parametrize("x", XS)
def test_silu(x: float) -> None:
    s = sigma_by_hand(x)
    assert f("silu", x) == pytest.approx(x * s, rel=1e-14, abs=1e-300)
    assert df("silu", x) == pytest.approx(s * (1 + x * (1 - s)), rel=1e-13)
    assert df("silu", x) == pytest.approx(central("silu", x), rel=1e-7, abs=1e-9)


def test_silu_saturates_like_relu() -> None:
    assert f("silu", 800.0) == 800.0 and df("silu", 800.0) == 1.0
    assert f("silu", -800.0) == 0.0 and df("silu", -800.0) == 0.0
    # its minimum: f'(x) = 0 at x = -1.2784645..., f = -0.2784645...
    assert df("silu", -1.278464542761074) == pytest.approx(0.0, abs=1e-15)
    assert f("silu", -1.278464542761074) == pytest.approx(-0.2784645427610738, rel=1e-14)


@pytest.mark.parametrize("x", XS)
def test_gelu(x: float) -> None:
    # the naive 1 + erf(...) loses relative digits below 0, so compare it at its own accuracy
    rel = 1e-14 if x > -1 else 1e-9
    assert f("gelu", x) == pytest.approx(x * phi_cdf_by_hand(x), rel=rel)
    assert df("gelu", x) == pytest.approx(phi_cdf_by_hand(x) + x * phi_pdf_by_hand(x), rel=rel, abs=1e-16)
    assert df("gelu", x) == pytest.approx(central("gelu", x), rel=1e-7, abs=1e-9)


def test_gelu_known_values_and_its_left_tail() -> None:
    # Phi(1) = 0.8413447460685429, Phi(-1) = 0.15865525393145707 (standard normal tables)
    assert f("gelu", 1.0) == pytest.approx(0.8413447460685429, rel=1e-15)
    assert f("gelu", -1.0) == pytest.approx(-0.15865525393145707, rel=1e-15)
    assert f("gelu", 0.0) == 0.0 and df("gelu", 0.0) == 0.5
    # Phi(-10) = 7.619853024160527e-24: 1 + erf(-10/sqrt 2) is 0 in doubles, erfc keeps it
    assert f("gelu", -10.0) == pytest.approx(-10 * 7.619853024160527e-24, rel=1e-13)
    assert -10.0 * phi_cdf_by_hand(-10.0) == 0.0


def test_the_derivatives_are_written_with_net() -> None:
    for name in NEW:
        assert ACTIVATIONS[name].written_with == "net" and ACTIVATIONS[name].param is None
        assert not ACTIVATIONS[name].kinked and not ACTIVATIONS[name].output_only


# -- they reach every list -----------------------------------------------------------------------

def test_they_are_registered_and_swish_is_silu() -> None:
    assert set(NEW) <= set(ACTIVATIONS)
    assert ACTIVATION_ALIASES["swish"] == "silu"
    assert set(NEW) <= set(HIDDEN) and set(NEW) <= set(HIDDEN_ACTIVATIONS) and set(NEW) <= set(OUTPUT_ACTIVATIONS)
    layer = json_schema()["properties"]["network"]["properties"]["layers"]["items"]["properties"]["activation"]
    assert {*NEW, "swish"} <= set(layer["enum"])


def test_validate_names_them_and_takes_swish() -> None:
    text = new_scenario_text(NewOptions((2, 2, 1), "sigmoid", "identity", "half_sse", 1, 2, "none"))
    with pytest.raises(ScenarioError) as caught:
        scenario_from_text(text.replace("activation: sigmoid", "activation: gelux", 1))
    message = str(caught.value)
    assert "| elu | silu | gelu |" in message and "did you mean 'gelu'?" in message
    with pytest.raises(ScenarioError, match="did you mean 'swish'?"):
        scenario_from_text(text.replace("activation: sigmoid", "activation: swih", 1))
    assert scenario_from_text(text.replace("activation: sigmoid", "activation: swish", 1)).layers[0].activation == "silu"


@pytest.mark.parametrize("name", NEW)
def test_new_run_and_export_with_each(name: str) -> None:
    result = runner.invoke(app, ["new", "--layers", "2,3,1", "--activation", name])
    assert result.exit_code == 0, result.output
    sc = scenario_from_text(result.stdout)
    assert sc.layers[0].activation == name
    trace = run(sc)
    h1 = trace.iterations[0].samples[0]
    assert h1.out["h1"] == f(name, h1.net["h1"])
    assert h1.dout_dnet["h1"] == df(name, h1.net["h1"])
    rules = {step.rule for step in trace.steps}
    assert {f"act:{name}", f"dact:{name}"} <= rules
    dact = next(step for step in trace.steps if step.rule == f"dact:{name}")
    assert [op.name for op in dact.operands] == [f"net.{dact.subject}"]


@pytest.mark.parametrize("name", NEW)
def test_the_gradient_strategies_draw_each(name: str) -> None:
    found = find(scenarios(max_layers=2), lambda sc: sc.layers[0].activation == name,
                 settings=settings(max_examples=2000, database=None, deadline=None))
    assert found.layers[0].activation == name
