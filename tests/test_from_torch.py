"""`bpwalk.from_torch`: an nn.Sequential becomes a scenario whose run gives torch's numbers, and a file.

Each model is trained here with torch itself (autograd and torch.optim, float64); bpwalk's run of
the scenario built from it must give the same forward outputs, gradients and updated weights to
1e-12, and `to_yaml`'s file must pass `bpwalk validate` and read back as the same scenario.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

import bpwalk
from bpwalk.cli import app
from bpwalk.errors import BpwalkError
from bpwalk.read import load_scenario
from bpwalk.read.builtin import builtin_paths

import torch   # a test dependency (pyproject's [test] extra)
from torch import nn

pytestmark = pytest.mark.filterwarnings("ignore:Failed to initialize NumPy")
runner = CliRunner()
TOLERANCE = 1e-12

X = torch.tensor([[0.05, 0.10], [0.9, -0.4], [-0.3, 0.7]], dtype=torch.float64)
PROBABILITIES = torch.tensor([[0.01, 0.99], [0.7, 0.3], [0.5, 0.5]], dtype=torch.float64)
ONE_HOT = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]], dtype=torch.float64)

LOSSES = {
    "half_sse": lambda o, t: 0.5 * ((t - o) ** 2).sum(),
    "sse": lambda o, t: ((t - o) ** 2).sum(),
    "mse": lambda o, t: ((t - o) ** 2).mean(),
    "cross_entropy": lambda o, t: -torch.xlogy(t, o).sum(),
    "binary_cross_entropy": lambda o, t: -(torch.xlogy(t, o) + torch.xlogy(1 - t, 1 - o)).sum(),
}


def model(*modules: nn.Module, seed: int = 1) -> nn.Sequential:
    torch.manual_seed(seed)
    return nn.Sequential(*modules).double()


def agree(seq: nn.Sequential, targets, loss: str, make_opt, iterations: int = 2, reduction: str = "sum") -> None:
    """Train `seq` with torch for `iterations` batch updates and compare each with bpwalk's run."""
    opt = make_opt(seq) if make_opt else None
    sc = bpwalk.from_torch(seq, X, targets, loss=loss, optimizer=opt, learning_rate=0.5,
                           reduction=reduction, iterations=iterations)
    trace = bpwalk.run(sc)
    opt = opt or torch.optim.SGD(seq.parameters(), lr=0.5)
    names = sc.parameter_names()
    for it in trace.iterations:
        opt.zero_grad()
        outs = [seq(x) for x in X]
        for rec, o in zip(it.samples, outs):
            for unit, value in zip(sc.outputs, o.tolist()):
                assert abs(rec.out[unit] - value) <= TOLERANCE, (it.iteration, unit, rec.out[unit], value)
        losses = [LOSSES[loss](o, t) for o, t in zip(outs, targets)]
        total = sum(losses) / len(losses) if reduction == "mean" else sum(losses)
        total.backward()
        update = it.updates[0]
        # torch.optim adds weight_decay·p to the gradient inside step(); bpwalk's gradient includes it
        decay = {id(p): g["weight_decay"] for g in opt.param_groups for p in g["params"]}
        if isinstance(opt, torch.optim.AdamW):
            decay = {}   # decoupled: not part of the gradient
        grads = [(p.grad + decay.get(id(p), 0.0) * p.detach()).flatten().tolist() if p.requires_grad else None
                 for p in _ordered(seq)]
        opt.step()
        news = [p.detach().flatten().tolist() for p in _ordered(seq)]
        flat_names = iter(names)
        for grad, new in zip(grads, news):
            for k, value in enumerate(new):
                name = next(flat_names)
                assert abs(update.new[name] - value) <= TOLERANCE, (it.iteration, name, update.new[name], value)
                if grad is not None:
                    assert abs(update.grad[name] - grad[k]) <= TOLERANCE, (it.iteration, name)


def _ordered(seq: nn.Sequential) -> list:
    """The model's tensors in bpwalk's parameter order: each layer's weight row by row, then its bias."""
    out = []
    for m in seq:
        if isinstance(m, nn.Linear):
            out.append(m.weight)
            if m.bias is not None:
                out.append(m.bias)
    return out


ACTIVATIONS = [nn.Sigmoid(), nn.Tanh(), nn.ReLU(), nn.LeakyReLU(0.2), nn.Softplus(), nn.ELU(), nn.SiLU(),
               nn.GELU(), nn.Identity()]


@pytest.mark.parametrize("act", ACTIVATIONS, ids=lambda m: type(m).__name__)
def test_every_activation_round_trips(act: nn.Module) -> None:
    agree(model(nn.Linear(2, 3), act, nn.Linear(3, 2), nn.Sigmoid()), PROBABILITIES, "half_sse", None)


@pytest.mark.parametrize("loss", list(LOSSES))
def test_every_loss_round_trips(loss: str) -> None:
    last = nn.Softmax(dim=-1) if loss == "cross_entropy" else nn.Sigmoid()
    targets = ONE_HOT if loss == "cross_entropy" else PROBABILITIES
    agree(model(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 2), last), targets, loss, None, reduction="mean")


OPTIMIZERS = {
    "sgd": lambda m: torch.optim.SGD(m.parameters(), lr=0.3),
    "momentum": lambda m: torch.optim.SGD(m.parameters(), lr=0.3, momentum=0.8),
    "nesterov-l2": lambda m: torch.optim.SGD(m.parameters(), lr=0.3, momentum=0.9, nesterov=True, weight_decay=0.01),
    "rmsprop": lambda m: torch.optim.RMSprop(m.parameters(), lr=0.01, alpha=0.9),
    "adam-l2": lambda m: torch.optim.Adam(m.parameters(), lr=0.01, weight_decay=0.02),
    "adamw": lambda m: torch.optim.AdamW(m.parameters(), lr=0.01, weight_decay=0.1),
    "sgd-l2-weights-only": lambda m: torch.optim.SGD(
        [{"params": [x for n, x in m.named_parameters() if n.endswith("weight")], "weight_decay": 0.05},
         {"params": [x for n, x in m.named_parameters() if n.endswith("bias")], "weight_decay": 0.0}], lr=0.3),
}


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_every_optimizer_round_trips(name: str) -> None:
    agree(model(nn.Linear(2, 2), nn.Sigmoid(), nn.Linear(2, 2), nn.Sigmoid()), PROBABILITIES, "half_sse",
          OPTIMIZERS[name], iterations=3)


def test_untrained_bias_and_no_bias() -> None:
    seq = model(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 2, bias=False))
    seq[0].bias.requires_grad_(False)
    sc = bpwalk.from_torch(seq, X, PROBABILITIES)
    assert sc.layers[0].train_bias is False and sc.layers[1].bias == "none"
    assert sc.layers[-1].activation == "identity"   # a Linear with nothing after it
    agree(seq, PROBABILITIES, "half_sse", None)
    assert sc.inputs == ("x1", "x2") and sc.layers[0].units == ("h1", "h2", "h3") and sc.outputs == ("o1", "o2")


def test_the_settings_reach_the_scenario() -> None:
    seq = model(nn.Linear(2, 2), nn.Sigmoid(), nn.Linear(2, 2), nn.Sigmoid())
    sc = bpwalk.from_torch(seq, X, PROBABILITIES, optimizer=OPTIMIZERS["adam-l2"](seq))
    assert sc.learning_rate == 0.01 and sc.optimizer.name == "adam"
    assert dict(sc.optimizer.options) == {"beta1": 0.9, "beta2": 0.999, "eps": 1e-08}
    assert sc.regularization.l2 == 0.02 and sc.regularization.biases
    sc = bpwalk.from_torch(seq, X, PROBABILITIES, optimizer=OPTIMIZERS["sgd-l2-weights-only"](seq))
    assert sc.optimizer is None and sc.regularization.l2 == 0.05 and not sc.regularization.biases
    sc = bpwalk.from_torch(seq, X, PROBABILITIES, optimizer=OPTIMIZERS["adamw"](seq))
    assert sc.regularization is None and dict(sc.optimizer.options)["weight_decay"] == 0.1


def test_the_yaml_validates_and_reads_back(tmp_path: Path) -> None:
    seq = model(nn.Linear(2, 3), nn.LeakyReLU(0.1), nn.Linear(3, 2), nn.Softmax(dim=-1))
    seq[2].bias.requires_grad_(False)
    opt = torch.optim.SGD(seq.parameters(), lr=0.2, momentum=0.5, weight_decay=0.001)
    sc = bpwalk.from_torch(seq, X, ONE_HOT, loss="cross_entropy", optimizer=opt, iterations=4, title="From torch")
    path = tmp_path / "from-torch.yaml"
    path.write_text(bpwalk.to_yaml(sc), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert replace(load_scenario(str(path)), path="") == sc
    assert bpwalk.run(load_scenario(str(path))).final.total_loss == bpwalk.run(sc).final.total_loss


@pytest.mark.parametrize("path", builtin_paths(), ids=lambda p: p.stem)
def test_to_yaml_reads_back_every_builtin(path: Path) -> None:
    sc = load_scenario(path)
    from bpwalk.read.validate import scenario_from_text

    back = scenario_from_text(bpwalk.to_yaml(sc), str(path))
    assert back == replace(sc, expect=())


@pytest.mark.parametrize("build, message", [
    (lambda: nn.Sequential(nn.Linear(2, 2), nn.Softmax(dim=-1), nn.Linear(2, 2)), "Softmax is allowed as the last"),
    (lambda: nn.Sequential(nn.Linear(2, 2), nn.Hardtanh()), "Hardtanh is not an activation bpwalk knows"),
    (lambda: nn.Sequential(nn.Tanh(), nn.Linear(2, 2)), "model[0]: an activation must follow an nn.Linear"),
    (lambda: nn.Sequential(nn.Linear(2, 2), nn.ELU(alpha=0.5)), "alpha = 1"),
    (lambda: nn.Linear(2, 2), "expected an nn.Sequential"),
])
def test_what_bpwalk_cannot_take_is_refused_by_name(build, message: str) -> None:
    with pytest.raises(BpwalkError, match=message.replace("[", r"\[").replace("]", r"\]")):
        bpwalk.from_torch(build().double(), X, PROBABILITIES)


def test_optimizers_without_an_equivalent_are_refused() -> None:
    seq = model(nn.Linear(2, 2), nn.Sigmoid())
    with pytest.raises(BpwalkError, match="amsgrad"):
        bpwalk.from_torch(seq, X, PROBABILITIES, optimizer=torch.optim.Adam(seq.parameters(), amsgrad=True))
    with pytest.raises(BpwalkError, match="Adagrad"):
        bpwalk.from_torch(seq, X, PROBABILITIES, optimizer=torch.optim.Adagrad(seq.parameters()))
    with pytest.raises(BpwalkError, match="rows of targets"):
        bpwalk.from_torch(seq, X, PROBABILITIES[:2])
    with pytest.raises(BpwalkError, match="one row per sample"):
        bpwalk.from_torch(seq, X[0], PROBABILITIES[0])   # one sample, not as a row


def test_torch_is_imported_only_when_from_torch_is_called() -> None:
    code = ("import sys, bpwalk; f = bpwalk.from_torch; y = bpwalk.to_yaml; "
            "sc = bpwalk.load_scenario('mazur'); y(sc); print('torch' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_torch_is_an_optional_extra_never_a_core_dependency() -> None:
    import re

    text = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text(encoding="utf-8")
    core = re.search(r"^dependencies = \[(.*?)^\]", text, re.M | re.S).group(1)
    assert "torch" not in core
    assert re.search(r'^torch = \["torch>=2\.13\.0,<2\.14"\]', text, re.M)
