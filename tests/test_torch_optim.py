"""Addition A against torch.optim: every optimizer, update mode and penalty, in float64.

torch is a test dependency pinned to one build (pyproject's [test] extra); tests/torch_reference.py
writes the network, the losses and the penalty with torch's own functions and autograd, and lets
torch.optim make the updates. bpwalk's JSON numbers must agree to 1e-9 relative (an absolute
floor of 1e-12 for numbers that cancel to near 0: a weight stepped across 0 keeps only the
absolute digits of its terms).
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings

from bpwalk.engine.trace import run
from bpwalk.export.json_ import to_json

try:
    import torch_reference as ref
    from strategies import trained_scenarios
except ImportError:  # tests/ imported as a package
    from tests import torch_reference as ref
    from tests.strategies import trained_scenarios

pytestmark = pytest.mark.filterwarnings("ignore:Failed to initialize NumPy")

PROPERTY = settings(max_examples=60, deadline=None, database=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b)) + 1e-12


def agree(data: dict, expected: dict) -> None:
    sc_update = data["settings"]["update"]
    for it, want in zip(data["iterations"], expected["iterations"]):
        assert close(it["total_loss"], want["total_loss"]), (it["total_loss"], want["total_loss"])
        if "data_loss" in it:
            assert close(it["data_loss"], want["data_loss"])
        if sc_update == "batch":
            got = [it]
        elif sc_update == "per_sample":
            got = it["samples"]
        else:
            got = it["batches"]
        assert len(got) == len(want["updates"])
        for mine, theirs in zip(got, want["updates"]):
            for name, value in theirs["new"].items():
                assert close(mine["new"][name], value), (name, mine["new"][name], value)
            for name, value in theirs["grad"].items():
                assert close(mine["grad"][name], value), (name, mine["grad"][name], value)
            for name, change in mine["change"].items():
                assert name in theirs["grad"]
            if "penalty" in mine:
                assert close(mine["penalty"], theirs["penalty"])
    assert close(data["final"]["total_loss"], expected["final"]["total_loss"])
    if "data_loss" in data["final"]:
        assert close(data["final"]["data_loss"], expected["final"]["data_loss"])


@PROPERTY
@given(trained_scenarios(max_samples=4, max_units=3))
def test_json_agrees_with_torch_optim(sc) -> None:
    data = json.loads(to_json(run(sc), formulas=False))
    agree(data, ref.train(sc))


def test_every_optimizer_mode_and_penalty_on_mazur() -> None:
    from dataclasses import replace

    from bpwalk.ops import OPTIMIZERS
    from bpwalk.read import load_scenario
    from bpwalk.scenario import OptimizerSettings, Regularization

    base = load_scenario("mazur")
    base = replace(base, samples=base.samples * 3, expect=(), iterations=3)
    for name, entry in OPTIMIZERS.items():
        for update, size in (("batch", None), ("per_sample", None), ("minibatch", 2)):
            for reg in (None, Regularization(0.01), Regularization(0.02, True)):
                sc = replace(base, optimizer=OptimizerSettings(name, tuple(entry.defaults().items())),
                             update=update, batch_size=size, regularization=reg, learning_rate=0.1)
                agree(json.loads(to_json(run(sc), formulas=False)), ref.train(sc))
