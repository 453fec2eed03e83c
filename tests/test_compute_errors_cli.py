"""A computation that overflows, through every command that computes: one line that starts with
the scenario's file, exit status 1, no traceback (docs/scenario-format.md, "A computation that
produces a non-finite number ... exit status 1")."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bpwalk.read.builtin import resolve
from bpwalk.cli import app
from bpwalk.errors import ComputeError
from bpwalk.read import load_scenario
from bpwalk.engine.trace import run
from bpwalk.engine.train import train

runner = CliRunner()

# every weight 1e308: net.h1 = 1e308 + 1e308 overflows in the first forward pass
IDENTITY_1E308 = """\
bpwalk: 1
title: Identity network, every weight 1e308
network:
  inputs: [x1, x2]
  layers:
    - {units: [h1, h2], activation: identity, weights: [[1e308, 1e308], [1e308, 1e308]]}
    - {units: [y], activation: identity, weights: [[1e308, 1e308]]}
learning_rate: 0.1
samples:
  - {inputs: [1.0, 1.0], targets: [0.5]}
"""


def _big_learning_rate() -> str:
    """The built-in linear 2-2-1 network with learning_rate 1e300 over 3 iterations (overflows in iteration 2)."""
    text = resolve("linear-2-2-1").read_text(encoding="utf-8")
    text = text.replace("learning_rate: 0.1\n", "learning_rate: 1e300\n").replace("iterations: 1\n", "iterations: 3\n")
    assert "learning_rate: 1e300" in text and "iterations: 3" in text
    return text.split("\nexpect:")[0] + "\n"   # its printed numbers would not agree; check still computes


CASES = {
    "identity-1e308": (IDENTITY_1E308, "net.h1 is not a finite number (nan) in iteration 1, sample 1"),
    "learning-rate-1e300": (_big_learning_rate(), "net.y is not a finite number (inf) in iteration 2, sample 1"),
}
COMMANDS = [
    ["run", "--all"], ["run"], ["export", "-f", "json"], ["export", "-f", "md"], ["export", "-f", "html"],
    ["export", "-f", "txt"], ["export", "-f", "svg"], ["train"], ["check"], ["check", "--json"], ["quiz"],
]


@pytest.mark.parametrize("case", CASES, ids=str)
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_overflow_names_the_file(case: str, command: list[str], write_scenario) -> None:
    text, message = CASES[case]
    path = write_scenario(text, f"{case}.yaml")
    result = runner.invoke(app, [*command, str(path)], input="")
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"bpwalk: error: {path}: {message}: ")


@pytest.mark.parametrize("case", CASES, ids=str)
@pytest.mark.parametrize("compute", [run, train], ids=["run", "train"])
def test_the_error_carries_the_path(case: str, compute, write_scenario) -> None:
    path = write_scenario(CASES[case][0], f"{case}.yaml")
    with pytest.raises(ComputeError) as caught:
        compute(load_scenario(path))
    assert caught.value.path == str(path)
    assert str(caught.value).startswith(f"{path}: {CASES[case][1]}: ")


def test_a_builtin_named_by_name_is_named_by_its_file() -> None:
    # the one computation error a built-in meets: a walk-through too long to show
    result = runner.invoke(app, ["run", "mazur", "--all", "--iterations", "1000000"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"bpwalk: error: {resolve('mazur')}: this walk-through would have ")


def test_interactive_run_names_the_file(write_scenario) -> None:
    pexpect = pytest.importorskip("pexpect")
    from pty_session import ANSI, ROOT, TIMEOUT, environment

    path = write_scenario(IDENTITY_1E308, "identity-1e308.yaml")
    child = pexpect.spawn(sys.executable, ["-m", "bpwalk", "run", str(path)], env=environment(), cwd=str(ROOT),
                          timeout=TIMEOUT, encoding="utf-8")
    output = ANSI.sub("", child.read())
    child.close()
    assert child.exitstatus == 1, output
    assert output.strip().splitlines() == [
        f"bpwalk: error: {path}: {CASES['identity-1e308'][1]}: "
        "the computation overflowed; try a smaller learning rate or smaller weights"
    ]
    assert Path(path).exists()
