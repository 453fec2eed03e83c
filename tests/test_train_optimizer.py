"""`bpwalk train --optimizer ... --beta1 ...` and `--compare a,b,c`: other optimizers from the command line."""

from __future__ import annotations

import json
from dataclasses import replace
from io import StringIO

import pytest
from rich.console import Console
from typer.testing import CliRunner

from bpwalk.cli import app
from bpwalk.engine.train import train
from bpwalk.ops import OPTIMIZERS
from bpwalk.read import load_scenario
from bpwalk.read.builtin import resolve
from bpwalk.render.plot import LossCurves
from bpwalk.scenario import OptimizerSettings

runner = CliRunner()


def _with(name: str, optimizer: str, **options: float):
    sc = load_scenario(resolve(name))
    values = {**OPTIMIZERS[optimizer].defaults(), **options}
    return replace(sc, optimizer=OptimizerSettings(optimizer, tuple((o.key, values[o.key])
                                                                    for o in OPTIMIZERS[optimizer].options)))


def _json(args: list[str]) -> dict:
    result = runner.invoke(app, ["train", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("optimizer, flags, options", [
    ("adam", [], {}),
    ("adam", ["--beta1", "0.8", "--beta2", "0.99", "--eps", "1e-6"], {"beta1": 0.8, "beta2": 0.99, "eps": 1e-6}),
    ("rmsprop", ["--alpha", "0.9"], {"alpha": 0.9}),
    ("adamw", ["--weight-decay", "0.1"], {"weight_decay": 0.1}),
    ("nesterov", ["--momentum", "0.5"], {"momentum": 0.5}),
])
def test_the_optimizer_given_replaces_the_scenarios(optimizer: str, flags: list[str], options: dict) -> None:
    data = _json(["mazur", "-n", "40", "--optimizer", optimizer, *flags])
    want = train(_with("mazur", optimizer, **options), 40)
    assert data["final_parameters"] == dict(want.parameters)
    assert data["final_loss"] == want.final_loss
    assert data["final_parameters"] != _json(["mazur", "-n", "40"])["final_parameters"]


def test_an_option_alone_changes_the_scenarios_own_optimizer_and_keeps_its_other_options() -> None:
    data = _json(["adam-mazur", "-n", "5", "--beta1", "0.5"])
    assert data["final_parameters"] == dict(train(_with("adam-mazur", "adam", beta1=0.5), 5).parameters)
    same = _json(["momentum-mazur", "-n", "5", "--optimizer", "momentum"])
    assert same["final_parameters"] == _json(["momentum-mazur", "-n", "5"])["final_parameters"]


@pytest.mark.parametrize("args, message", [
    (["--optimizer", "adm"], "--optimizer: expected one of sgd, momentum, nesterov, rmsprop, adam, adamw; "
                             "found 'adm'; did you mean 'adam'?"),
    (["--optimizer", "momentum", "--beta1", "0.8"], "--beta1 is not an option of momentum (it belongs to adam or "
                                                    "adamw); momentum takes --momentum"),
    (["--beta1", "0.5"], "--beta1 is not an option of sgd (it belongs to adam or adamw); sgd takes no options"),
    (["--optimizer", "adam", "--beta1", "1.5"], "--beta1: expected a number 0 <= beta1 < 1, found 1.5"),
    (["--optimizer", "adam", "--eps", "0"], "--eps: expected a number > 0, found 0"),
    (["--optimizer", "rmsprop", "--alpha", "nan"], "--alpha: expected a number 0 <= alpha < 1, found nan"),
    (["--compare", "sgd"], "--compare: expected two or more different optimizers"),
    (["--compare", "sgd,adm"], "--compare: expected optimizers among sgd, momentum, nesterov, rmsprop, adam, adamw; "
                               "found 'adm'; did you mean 'adam'?"),
    (["--compare", "sgd,adam", "--alpha", "0.9"], "--alpha is not an option of sgd (it belongs to rmsprop)"),
    (["--compare", "sgd,adam", "--json"], "--compare draws the curves of several optimizers: not with"),
])
def test_bad_overrides_are_one_line_errors_with_exit_2(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["train", "mazur", "-n", "3", *args])
    assert result.exit_code == 2, result.output
    assert f"bpwalk: error: {message}" in result.output and "Traceback" not in result.output


def test_compare_draws_each_curve_labelled_on_one_plot() -> None:
    result = runner.invoke(app, ["train", "xor-tanh", "--compare", "sgd,momentum,adam", "-n", "300"],
                           env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 80
    plot = [line for line in lines if "┤" in line]
    assert len(plot) == 12           # one plot, not three
    for name in ("sgd", "momentum", "adam"):
        assert sum(name in line.split() for line in plot) == 1, name        # labelled where its curve ends
        want = train(_with("xor-tanh", name), 300)
        row = next(line for line in lines if line.split()[:1] == [name])
        assert row.split()[2] == f"{want.final_loss:.6g}"
    assert "━━ sgd  ━━ momentum  ━━ adam" in result.output


def test_curves_labels_stand_at_the_rows_their_curves_end_on() -> None:
    console = Console(file=StringIO(), width=60, color_system=None)
    console.print(LossCurves([("high", [1.0, 0.9, 0.8]), ("low", [1.0, 0.5, 0.1])], height=6))
    rows = [line for line in console.file.getvalue().splitlines() if "┤" in line]
    assert rows[-1].endswith(" low") and not any(r.endswith(" low") for r in rows[:-1])
    assert sum(r.endswith(" high") for r in rows) == 1 and not rows[-1].endswith("high")
