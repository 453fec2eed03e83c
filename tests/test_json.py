"""The JSON transcript follows shared/spec/trace-json.md."""

from __future__ import annotations

import json

import pytest

from bpwalk.read.builtin import resolve
from bpwalk.export.json_ import to_dict, to_json
from bpwalk.read import load_scenario
from bpwalk.engine.trace import run

SPEC_PHASES = {"intro", "forward", "loss", "backward", "update", "summary"}


@pytest.fixture(scope="module")
def mazur() -> dict:
    return json.loads(to_json(run(load_scenario(resolve("mazur")))))


def test_top_level(mazur: dict) -> None:
    assert mazur["bpwalk"] == 1
    assert mazur["title"] == "Mazur's 2-2-2 sigmoid network"
    assert mazur["parameters"] == {"w1": 0.15, "w2": 0.2, "w3": 0.25, "w4": 0.3, "b1": 0.35,
                                   "w5": 0.4, "w6": 0.45, "w7": 0.5, "w8": 0.55, "b2": 0.6}


def test_the_specs_example_numbers(mazur: dict) -> None:
    """The numbers printed in trace-json.md, to the last bit where they are exactly determined."""
    s = mazur["iterations"][0]["samples"][0]
    assert s["net"]["h1"] == 0.3775
    assert s["net"]["o1"] == 1.10590596705977
    assert s["out"]["i1"] == 0.05
    assert s["out"]["h1"] == 0.5932699921071872
    assert s["out"]["o1"] == 0.7513650695523157
    assert s["error"] == {"o1": 0.274811083176155, "o2": 0.023560025583847746}
    assert s["loss"] == 0.2983711087600027
    assert s["delta"]["h1"] == pytest.approx(0.008771354689486933, rel=1e-14)
    assert s["delta"]["o1"] == pytest.approx(0.13849856162855695, rel=1e-14)
    it = mazur["iterations"][0]
    assert it["total_loss"] == 0.2983711087600027
    assert it["grad"]["w1"] == pytest.approx(0.0004385677344743467, rel=1e-14)
    assert it["grad"]["b1"] == pytest.approx(0.01872560939470413, rel=1e-14)
    assert it["new"]["w1"] == 0.1497807161327628
    assert it["new"]["b1"] == 0.35          # not trained: keeps its value
    assert mazur["final"]["total_loss"] == 0.29102777369359933
    assert mazur["final"]["samples"][0]["loss"] == 0.29102777369359933


def test_grad_and_new_list_every_parameter(mazur: dict) -> None:
    it = mazur["iterations"][0]
    assert set(it["grad"]) == set(mazur["parameters"]) == set(it["new"])


def test_final_includes_inputs(mazur: dict) -> None:
    final = mazur["final"]["samples"][0]
    assert final["sample"] == 1
    assert final["out"]["i1"] == 0.05 and final["out"]["i2"] == 0.1
    assert set(final) >= {"net", "out", "error", "loss"}


def test_steps(mazur: dict) -> None:
    steps = mazur["steps"]
    assert [s["index"] for s in steps] == list(range(1, len(steps) + 1))
    assert len({s["id"] for s in steps}) == len(steps)
    assert {s["phase"] for s in steps} == SPEC_PHASES
    first = steps[1]
    assert first["id"] == "it1.s1.forward.net.h1"
    assert first["key"] == "net.h1" and first["iteration"] == 1 and first["sample"] == 1
    assert first["latex"] == "\\mathrm{net}_{\\mathrm{h1}} = w_{1} i_{1} + w_{2} i_{2} + b_{1}"
    assert first["substituted"] == "0.15 \\cdot 0.05 + 0.2 \\cdot 0.1 + 0.35 \\cdot 1"
    assert first["value"] == 0.3775
    keys = {s["key"] for s in steps if s["key"]}
    assert {"net.o1", "out.o1", "error.o1", "loss", "delta.o1", "delta.h1", "grad.w5", "grad.w1",
            "grad.b1", "new.w5", "new.b1", "final.net.h1", "final.out.o1", "final.error.o1",
            "final.loss"} <= keys
    for s in steps:
        if s["key"] is None:
            continue
        kind = s["key"].removeprefix("final.").split(".")[0]
        assert kind in {"net", "out", "error", "loss", "total_loss", "delta", "grad", "new"}


def test_step_values_match_the_tables(mazur: dict) -> None:
    sample = mazur["iterations"][0]["samples"][0]
    it = mazur["iterations"][0]
    for s in mazur["steps"]:
        key = s["key"]
        if not key or key.startswith("final.") or s["iteration"] != 1:
            continue
        kind, _, name = key.partition(".")
        if kind in ("grad", "new"):
            assert s["value"] == it[kind][name]
        elif kind in ("loss", "total_loss"):
            assert s["value"] == (sample["loss"] if kind == "loss" else it["total_loss"])
        else:
            assert s["value"] == sample[kind][name]


def test_per_sample_update(write_scenario) -> None:
    path = write_scenario("""\
        title: SGD
        network:
          inputs: [x1]
          layers: [{units: [o1], activation: sigmoid, weights: [[0.5]], bias: shared, biases: 0.1}]
        learning_rate: 0.5
        update: per_sample
        reduction: mean
        samples:
          - {inputs: [1.0], targets: [1.0]}
          - {inputs: [-1.0], targets: [0.0]}
        """)
    data = to_dict(run(load_scenario(path)))
    it = data["iterations"][0]
    assert "grad" not in it
    s1, s2 = it["samples"]
    assert set(s1) >= {"grad", "new"} and set(s2) >= {"grad", "new"}
    # each update uses that sample's own gradient, never divided by the sample count
    assert s1["new"]["w1"] == 0.5 - 0.5 * s1["grad"]["w1"]
    assert s2["new"]["w1"] == s1["new"]["w1"] - 0.5 * s2["grad"]["w1"]
    assert it["new"] == s2["new"]
    assert it["total_loss"] == (s1["loss"] + s2["loss"]) / 2


def test_batch_mean_over_samples(write_scenario) -> None:
    path = write_scenario("""\
        title: batch mean
        network:
          inputs: [x1]
          layers: [{units: [o1], activation: tanh, weights: [[0.5]]}]
        learning_rate: 0.5
        reduction: mean
        samples:
          - {inputs: [1.0], targets: [1.0]}
          - {inputs: [-1.0], targets: [0.0]}
        """)
    data = to_dict(run(load_scenario(path)))
    it = data["iterations"][0]
    g1, g2 = (s["grad"]["w1"] for s in it["samples"])
    assert it["grad"]["w1"] == pytest.approx((g1 + g2) / 2, rel=1e-15)
    assert it["new"]["w1"] == 0.5 - 0.5 * it["grad"]["w1"]


def test_full_precision_round_trip() -> None:
    trace = run(load_scenario(resolve("xor-tanh")))
    data = json.loads(to_json(trace))
    assert data["final"]["total_loss"] == trace.final.total_loss
    for rec, js in zip(trace.iterations[0].samples, data["iterations"][0]["samples"]):
        assert js["delta"] == dict(rec.delta)
