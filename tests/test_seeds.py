"""The seed documents' printed numbers, checked against the engine at the precision printed.

Each seed scenario keeps, under `expect:`, every number its document prints. Where the
document is wrong, the entry says so (`erratum`) and gives the right value (`correct`): the
test then asserts that the printed number does NOT agree and the correction does.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from bpwalk.read.builtin import builtin_paths, resolve
from bpwalk.read import load_scenario
from bpwalk.engine.trace import run

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
SEED_SCENARIOS = {
    "000": "linear-2-2-1",
    "001": "mazur",
    "002": "mazur-matrix",
    "003": "linear-2-2-1-fit",
    "004": "delta-two-samples",
}
# how each scenario's `source:` names its document (004 has no title: it is named by its subject)
DOCUMENT_NAMES = {
    "000": "构建一个只有一层的神经网络",
    "001": "实例理解反向传播",
    "002": "手撕推导神经网络的前向传播与反向传播过程",
    "003": "为什么要求梯度",
    "004": "Backpropagation",
}


def seed_text(number: str) -> str:
    matches = sorted(SEEDS.glob(f"{number}_*.txt"))
    if not matches:
        pytest.skip(f"the seed documents are not beside this checkout ({SEEDS})")
    return matches[0].read_text(encoding="utf-8")


def entries():
    for number, name in SEED_SCENARIOS.items():
        sc = load_scenario(resolve(name))
        for i, entry in enumerate(sc.expect):
            yield pytest.param(name, i, id=f"{name}[{i}]:{entry.key}={entry.text}")


@pytest.fixture(scope="module")
def traces():
    return {name: run(load_scenario(resolve(name))) for name in SEED_SCENARIOS.values()}


@pytest.mark.parametrize("name,index", list(entries()))
def test_printed_number(traces, name: str, index: int) -> None:
    trace = traces[name]
    entry = trace.scenario.expect[index]
    computed = trace.value(entry.key, entry.iteration, entry.sample)
    if entry.erratum:
        assert not entry.agrees(computed), f"{entry.key}: the document's {entry.text} is right after all ({computed})"
        assert entry.correct_agrees(computed), f"{entry.key}: the correction {entry.correct_text} is wrong ({computed})"
    else:
        assert entry.agrees(computed), f"{entry.key}: printed {entry.text}, computed {computed!r}"


@pytest.mark.parametrize("number,name", SEED_SCENARIOS.items())
def test_printed_numbers_are_in_the_document(number: str, name: str) -> None:
    """Guards the expect lists against typos of our own: each printed number is in the document."""
    text = seed_text(number)
    sc = load_scenario(resolve(name))
    assert DOCUMENT_NAMES[number] in sc.source and DOCUMENT_NAMES[number] in text, "the source names its document"
    numbers = set(re.findall(r"-?\d+\.\d+|-?\d+", text))
    for entry in sc.expect:
        assert entry.text in numbers or entry.text.lstrip("-") in numbers, f"{entry.key}: {entry.text} not in seed {number}"


@pytest.mark.parametrize("name", ["mazur", "mazur-matrix", "linear-2-2-1-fit"])
def test_documents_with_errors_have_errata(name: str) -> None:
    sc = load_scenario(resolve(name))
    if name == "mazur":
        assert {e.key for e in sc.expect if e.erratum} == {"out.o1"}
    else:
        assert any(e.erratum for e in sc.expect)
    for entry in sc.expect:
        if entry.erratum:
            assert entry.correct is not None and entry.correct_text


def test_seed_004_shows_the_loss_summed_over_samples(traces) -> None:
    trace = traces["delta-two-samples"]
    it = trace.iterations[0]
    assert trace.scenario.reduction == "sum" and len(it.samples) == 2
    assert it.total_loss == math.fsum(s.loss for s in it.samples)
    for name, value in it.grad.items():
        assert value == math.fsum(s.grad[name] for s in it.samples)
    # dC/dz of the hidden unit = sigma'(z) (w3 dC/dz' + w4 dC/dz''), for each sample
    sc = trace.scenario
    w3, w4 = sc.layers[1].weights[0][0], sc.layers[1].weights[1][0]
    for s in it.samples:
        a = s.out["h"]
        expected = a * (1 - a) * (w3 * s.delta["y1"] + w4 * s.delta["y2"])
        assert s.delta["h"] == pytest.approx(expected, rel=1e-14)


def test_every_builtin_scenario_traces() -> None:
    paths = builtin_paths()
    assert len(paths) >= 8
    for path in paths:
        trace = run(load_scenario(path))
        assert trace.steps[0].phase == "intro" and trace.steps[-1].phase == "summary"
        assert math.isfinite(trace.final.total_loss)
