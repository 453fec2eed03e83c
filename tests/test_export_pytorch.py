"""`bpwalk export --format pytorch`: the generated script, run with torch, prints bpwalk's numbers again.

Every built-in scenario's script runs in a subprocess with this interpreter (torch is a test
dependency); each printed number must equal bpwalk's to 1e-12. bpwalk's side is read back
through `Trace.value` and the update records, not through the exporter's own table.
"""

from __future__ import annotations

import contextlib
import io
import math
import runpy
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bpwalk.cli import app
from bpwalk.engine.steps import Trace
from bpwalk.engine.trace import run
from bpwalk.export import render
from bpwalk.ops import ACTIVATIONS, LOSSES, OPTIMIZERS
from bpwalk.read import load_scenario
from bpwalk.read.builtin import builtin_paths
from bpwalk.scenario import OptimizerSettings, Regularization

pytestmark = pytest.mark.filterwarnings("ignore:Failed to initialize NumPy")
runner = CliRunner()
TOLERANCE = 1e-12


def parse(stdout: str) -> dict[str, tuple[float, float, float]]:
    """The script's lines as its docstring describes them: KEY BPWALK TORCH DIFFERENCE, # comments."""
    rows: dict[str, tuple[float, float, float]] = {}
    for line in stdout.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        key, ours, theirs, diff = line.split()
        assert key not in rows, key
        rows[key] = (float(ours), float(theirs), float(diff))
    return rows


def from_trace(trace: Trace, key: str) -> float:
    """bpwalk's number for one of the script's keys, through the library's own API."""
    head, _, rest = key.partition(".")
    where, _, quantity = rest.partition(".")
    if head == "final":
        if where.startswith("sample"):
            return trace.value(f"final.{quantity}", sample=int(where[6:]))
        return trace.value(key)
    i = int(head[2:])
    if where.startswith("sample"):
        return trace.value(quantity, i, int(where[6:]))
    if where.startswith("update"):
        update = trace.iterations[i - 1].updates[int(where[6:]) - 1]
        kind, _, name = quantity.partition(".")
        return update.penalty if kind == "penalty" else getattr(update, kind)[name]
    return trace.value(rest, i)


def expected_keys(trace: Trace) -> set[str]:
    """What the script must print: every output, loss, trained parameter's gradient and new value."""
    sc = trace.scenario
    trained = sc.trained_parameters()
    keys = {"final.total_loss"}
    for it in trace.iterations:
        keys.add(f"it{it.iteration}.total_loss")
        for n in range(1, len(sc.samples) + 1):
            keys.add(f"it{it.iteration}.sample{n}.loss")
            keys.update(f"it{it.iteration}.sample{n}.out.{u}" for u in sc.outputs)
        for u in range(1, len(it.updates) + 1):
            keys.update(f"it{it.iteration}.update{u}.{kind}.{p}" for kind in ("grad", "new") for p in trained)
            if sc.regularization is not None:
                keys.add(f"it{it.iteration}.update{u}.penalty")
        if sc.regularization is not None:
            keys.add(f"it{it.iteration}.data_loss")
    for n in range(1, len(sc.samples) + 1):
        keys.add(f"final.sample{n}.loss")
        keys.update(f"final.sample{n}.out.{u}" for u in sc.outputs)
    if sc.regularization is not None:
        keys.add("final.data_loss")
    return keys


def agree(trace: Trace, stdout: str) -> None:
    rows = parse(stdout)
    assert set(rows) == expected_keys(trace)
    for key, (ours, theirs, diff) in rows.items():
        want = from_trace(trace, key)
        assert ours == want or (math.isnan(ours) and math.isnan(want)), (key, ours, want)   # embedded exactly
        assert abs(theirs - want) <= TOLERANCE, (key, theirs, want)
        assert abs(diff) <= TOLERANCE and math.isclose(diff, theirs - ours, rel_tol=0.1, abs_tol=1e-300), key
    assert stdout.splitlines()[-1].startswith("# largest difference: ")


@pytest.mark.parametrize("path", builtin_paths(), ids=lambda p: p.stem)
def test_every_builtin_script_prints_bpwalks_numbers(path: Path, tmp_path: Path) -> None:
    trace = run(load_scenario(path))
    script = tmp_path / "walk.py"
    script.write_text(render(trace, "pytorch"), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    agree(trace, done.stdout)


def run_in_process(text: str, tmp_path: Path) -> str:
    """The script's output, run here (torch is imported once for all the variations below)."""
    import torch

    script = tmp_path / "walk.py"
    script.write_text(text, encoding="utf-8")
    dtype = torch.get_default_dtype()
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            runpy.run_path(str(script), run_name="__main__")
    finally:
        torch.set_default_dtype(dtype)   # the script sets float64 for itself
    return out.getvalue()


def variations():
    """Every activation, loss and optimizer in the registries, every update mode, the penalty with and
    without biases, shared and per-unit biases, trained and not."""
    base = load_scenario("mazur")
    base = replace(base, samples=base.samples * 3, expect=(), iterations=2)
    matrix = replace(load_scenario("mazur-matrix"), samples=base.samples, expect=(), iterations=2)
    for name in ACTIVATIONS:
        if name == "softmax":
            continue   # output only: with cross_entropy below
        layers = (replace(base.layers[0], activation=name, leaky_slope=0.2), base.layers[1])
        yield f"hidden-{name}", replace(base, layers=layers)
    for loss in LOSSES:
        out = "softmax" if loss == "cross_entropy" else "sigmoid"
        layers = (matrix.layers[0], replace(matrix.layers[1], activation=out))
        yield f"loss-{loss}", replace(matrix, layers=layers, loss=loss, reduction="mean")
    for name, entry in OPTIMIZERS.items():
        for update, size in (("batch", None), ("per_sample", None), ("minibatch", 2)):
            for reg, sc in ((None, base), (Regularization(0.01), matrix), (Regularization(0.02, True), matrix)):
                yield (f"{name}-{update}-{'l2' if reg else 'plain'}{'-biases' if reg and reg.biases else ''}",
                       replace(sc, optimizer=OptimizerSettings(name, tuple(entry.defaults().items())),
                               update=update, batch_size=size, regularization=reg, learning_rate=0.1))
    yield "nesterov-without-momentum", replace(base, optimizer=OptimizerSettings("nesterov", (("momentum", 0.0),)))
    layers = (replace(matrix.layers[0], train_bias=False), matrix.layers[1])
    yield "untrained-per-unit-bias", replace(matrix, layers=layers, regularization=Regularization(0.01, True))
    layers = (base.layers[0], replace(base.layers[1], train_bias=True))
    yield "trained-shared-bias", replace(base, layers=layers, regularization=Regularization(0.01, True))


def test_every_activation_loss_optimizer_and_mode(tmp_path: Path) -> None:
    seen = 0
    for label, sc in variations():
        trace = run(sc)
        try:
            agree(trace, run_in_process(render(trace, "pytorch"), tmp_path))
        except AssertionError as err:
            raise AssertionError(f"{label}: {err}") from None
        seen += 1
    assert seen > 50


def test_the_script_reads_like_pytorch() -> None:
    text = render(run(load_scenario("mazur")), "pytorch")
    assert "torch.set_default_dtype(torch.float64)" in text
    assert "layer1 = nn.Linear(2, 2, bias=False)" in text
    # a shared bias is a parameter of its own; an untrained one takes no gradient
    assert "bias1 = nn.Parameter(torch.tensor([0.35]), requires_grad=False)" in text
    assert "a = torch.sigmoid(layer1(a) + bias1)" in text
    assert "optimizer = torch.optim.SGD(params, lr=0.5)" in text
    assert "'it1.update1.grad.w5': 0.08216704056423078," in text   # full precision
    adam = render(run(load_scenario("adam-mazur")), "pytorch")
    assert "torch.optim.Adam(params, lr=0.01, betas=(0.9, 0.999), eps=1e-08)" in adam
    minibatch = render(run(load_scenario("minibatch-xor")), "pytorch")
    assert "BATCHES = [[0, 1], [2, 3]]" in minibatch and "L2 = 0.001" in minibatch
    assert "layer1.bias = nn.Parameter(torch.tensor([0.1, -0.2]))" in minibatch


def test_cli_writes_the_script_from_its_extension(tmp_path: Path) -> None:
    target = tmp_path / "walk.py"
    result = runner.invoke(app, ["export", "mazur", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == render(run(load_scenario("mazur")), "pytorch")
    result = runner.invoke(app, ["export", "mazur", "--format", "pytorch", "--iterations", "2"])
    assert result.exit_code == 0 and "ITERATIONS = 2" in result.stdout


def test_an_activation_without_torch_code_is_refused_by_name(monkeypatch, tmp_path: Path) -> None:
    from bpwalk.export import pytorch

    monkeypatch.delitem(pytorch.ACTIVATIONS, "tanh")
    result = runner.invoke(app, ["export", "xor-tanh", "--format", "pytorch", "-o", str(tmp_path / "walk.py")])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "'tanh'" in lines[0] and "Traceback" not in result.output
    assert not (tmp_path / "walk.py").exists()


def test_a_rounded_trace_is_refused() -> None:
    result = runner.invoke(app, ["export", "mazur", "--format", "pytorch", "--round", "4"])
    assert result.exit_code == 2 and "--round" in result.output
