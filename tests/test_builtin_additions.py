"""Built-in scenarios of issue 11 whose `expect` numbers come from outside bpwalk (torch, CS231n).

Each one's `bpwalk check` must exit 0, and its entries must test what the scenario is about: with
the L2 penalty taken away, the numbers it enters no longer agree.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from typer.testing import CliRunner

from bpwalk.cli import app
from bpwalk.engine.trace import run
from bpwalk.read import load_scenario
from bpwalk.scenario import Regularization

runner = CliRunner()


@pytest.mark.parametrize("name", ["l2-mazur", "cs231n-neuron"])
def test_check_agrees_with_every_printed_number(name: str) -> None:
    result = runner.invoke(app, ["check", name])
    assert result.exit_code == 0, result.output
    assert "all agree" in result.output


def test_l2_mazur_expects_test_the_penalty() -> None:
    sc = load_scenario("l2-mazur")
    assert sc.regularization is not None and sc.regularization.l2 == 0.01
    keys = {e.key for e in sc.expect}
    assert {"penalty", "data_loss", "total_loss", "grad.w5", "new.w5", "final.total_loss"} <= keys
    exact = run(sc)
    assert all(e.agrees(exact.value(e.key, e.iteration, e.sample)) for e in sc.expect)
    # the same run with λ = 0: every number the penalty enters disagrees; only the first data
    # loss (taken before any update) is the same
    unpenalised = run(replace(sc, regularization=Regularization(0.0)))
    disagree = [e for e in sc.expect if not e.agrees(unpenalised.value(e.key, e.iteration, e.sample))]
    assert [(e.key, e.iteration) for e in sc.expect if e not in disagree] == [("data_loss", 1)]
