"""`bpwalk gradcheck`: backpropagation's gradients beside central differences, as CS231n teaches."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from typer.testing import CliRunner

import bpwalk.engine.passes as passes
from bpwalk.cli import app
from bpwalk.engine.gradcheck import THRESHOLD, gradcheck, relative_error
from bpwalk.engine.trace import run
from bpwalk.read import load_scenario
from bpwalk.read.builtin import resolve
from bpwalk.scenario import Regularization

runner = CliRunner()


def test_relative_error_is_cs231n_s() -> None:
    assert relative_error(1.0, 1.1) == pytest.approx(0.1 / 1.1)
    assert relative_error(-2.0, -1.0) == pytest.approx(0.5)
    assert relative_error(0.0, 0.0) == 0.0


@pytest.mark.parametrize("name", ["mazur", "xor-tanh", "softmax-3class", "deep-relu", "minibatch-xor"])
def test_the_analytic_gradient_is_the_walk_throughs_and_agrees_with_the_difference(name: str) -> None:
    sc = replace(load_scenario(resolve(name)), update="batch", iterations=1)
    result = gradcheck(sc)
    grads = run(sc).iterations[0].grad
    assert [r.name for r in result.rows] == list(sc.parameter_names())
    for row in result.rows:
        if row.name in grads:
            assert row.analytic == pytest.approx(grads[row.name], rel=1e-12, abs=1e-15)
        assert row.relative_error <= THRESHOLD and not row.flagged
    assert result.loss == pytest.approx(run(sc).iterations[0].total_loss, rel=1e-12)


def test_the_penalty_enters_both_gradients() -> None:
    sc = replace(load_scenario(resolve("mazur")), regularization=Regularization(0.3, True))
    plain = {r.name: r for r in gradcheck(load_scenario(resolve("mazur"))).rows}
    assert "w1" in sc.penalised_parameters()
    for row in gradcheck(sc).rows:
        p = sc.parameters()[row.name] if row.name in sc.penalised_parameters() else 0.0   # untrained biases: out
        assert row.analytic == pytest.approx(plain[row.name].analytic + 0.3 * p, rel=1e-12)
        assert not row.flagged


def test_a_wrong_gradient_is_flagged(monkeypatch: pytest.MonkeyPatch) -> None:
    real = passes.sample_grads

    def wrong(shape, sp):   # the first weight's gradient off by 1%: the mistake gradcheck exists to find
        gW, gB = real(shape, sp)
        gW[0][0][0] *= 1.01
        return gW, gB

    monkeypatch.setattr(passes, "sample_grads", wrong)
    result = gradcheck(load_scenario(resolve("mazur")))
    assert [r.name for r in result.flagged] == ["w1"]
    cli = runner.invoke(app, ["gradcheck", "mazur"])
    assert cli.exit_code == 1 and "1 of 10 above 1e-07: w1" in cli.output


def test_the_step_matters() -> None:
    # truncation error grows with h²: a coarse step flags what the default does not
    assert not gradcheck(load_scenario(resolve("mazur"))).flagged
    assert gradcheck(load_scenario(resolve("mazur")), 1e-3).flagged
    cli = runner.invoke(app, ["gradcheck", "mazur", "--h", "1e-3"])
    assert cli.exit_code == 1 and "h = 0.001" in cli.output


def test_cli_table_fits_80_columns_in_both_languages() -> None:
    for lang, words in (("en", "all 10 gradients agree"), ("zh", "全部 10 个梯度一致")):
        result = runner.invoke(app, ["gradcheck", "mazur", "--lang", lang], env={"COLUMNS": "80"})
        assert result.exit_code == 0, result.output
        assert words in result.output and "|a − n| / max(|a|, |n|)" in result.output
        assert max(len(line) for line in result.output.splitlines()) <= 80
        assert "0.0821670405642" in result.output    # ∂E/∂w5, Mazur's 0.082167041


def test_cli_json() -> None:
    result = runner.invoke(app, ["gradcheck", "mazur", "--json", "--h", "2e-5"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["h"] == 2e-5 and data["threshold"] == 1e-7 and data["flagged"] == []
    w5 = next(p for p in data["parameters"] if p["name"] == "w5")
    assert w5["analytic"] == pytest.approx(0.08216704056423078, rel=1e-12)
    assert set(w5) == {"name", "analytic", "numeric", "relative_error", "flagged"}


def test_cli_bad_input_exits_2() -> None:
    result = runner.invoke(app, ["gradcheck", "no-such-scenario"])
    assert result.exit_code == 2 and "bpwalk: error:" in result.output and "Traceback" not in result.output
