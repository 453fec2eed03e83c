"""`bpwalk train`: the numbers-only path from the command line, and the loss curve."""

from __future__ import annotations

from io import StringIO

from rich.console import Console
from typer.testing import CliRunner

from bpwalk.builtin import resolve
from bpwalk.cli import app
from bpwalk.numfmt import format_number
from bpwalk.render.plot import LossCurve
from bpwalk.scenario import load_scenario
from bpwalk.train import train

runner = CliRunner()


def test_train_prints_the_loss_and_outputs_it_reaches() -> None:
    result = runner.invoke(app, ["train", "mazur", "--iterations", "10000"])
    assert result.exit_code == 0, result.output
    expected = train(load_scenario(resolve("mazur")), 10_000)
    assert format_number(expected.final_loss, 6) in result.output
    assert format_number(expected.final_outputs[0][0], 6) in result.output
    assert "10,000 iterations" in result.output and "total loss per iteration" in result.output


def test_every_k_gives_snapshots() -> None:
    result = runner.invoke(app, ["train", "xor-tanh", "-n", "300", "--every", "100"])
    assert result.exit_code == 0, result.output
    assert "snapshots" in result.output
    for it in ("100", "200", "300"):
        assert f"\n {it:>9}" in "\n" + result.output or f" {it} " in result.output


def test_train_bad_scenario(write_scenario) -> None:
    path = write_scenario("title: x\nlearning_rate: -1\n")
    result = runner.invoke(app, ["train", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_loss_curve_draws_every_iteration_in_range() -> None:
    losses = [1.0 / (i + 1) for i in range(200)]
    console = Console(file=StringIO(), width=60, color_system=None)
    console.print(LossCurve(losses, height=6))
    text = console.file.getvalue()
    lines = text.splitlines()
    assert "(log scale)" in lines[0]
    body = [line.split("┤", 1)[1] for line in lines[1:7]]
    assert all(len(row) == len(body[0]) for row in body)
    # the curve falls: its first dot is in the top row, its last in the bottom row
    assert body[0][0] != "⠀" and body[-1][-1] != "⠀"
    assert "199" in text
