"""`bpwalk new`: the file it writes validates and runs, for every activation, loss and bias mode."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bpwalk.cli import app
from bpwalk.ops import LOSSES
from bpwalk.read.newfile import HIDDEN, NewOptions, new_scenario_text
from bpwalk.engine.trace import run
from bpwalk.read.validate import scenario_from_text

runner = CliRunner()


@pytest.mark.parametrize("activation", HIDDEN)
@pytest.mark.parametrize("loss", list(LOSSES))
@pytest.mark.parametrize("bias", ["none", "shared", "per_unit"])
def test_every_combination_validates_and_runs(activation: str, loss: str, bias: str) -> None:
    text = new_scenario_text(NewOptions((2, 3, 2), activation, None, loss, 2, 7, bias))
    scenario = scenario_from_text(text)
    trace = run(scenario)
    assert trace.steps[-1].phase == "summary"
    assert text.count("#") > 10          # commented for a teacher to edit


def test_the_issue_example_and_the_seed(tmp_path: Path) -> None:
    target = tmp_path / "new.yaml"
    args = ["new", str(target), "--layers", "2,3,1", "--activation", "sigmoid", "--loss", "half_sse",
            "--samples", "2", "--seed", "1"]
    assert runner.invoke(app, args).exit_code == 0
    first = target.read_text(encoding="utf-8")
    sc = scenario_from_text(first)
    assert [len(layer.units) for layer in sc.layers] == [3, 1] and len(sc.samples) == 2
    assert runner.invoke(app, ["validate", str(target)]).exit_code == 0
    assert runner.invoke(app, ["run", str(target), "--all"]).exit_code == 0
    # the same seed gives the same file; an existing file is not replaced without --force
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "exists" in result.output
    assert runner.invoke(app, args + ["--force"]).exit_code == 0
    assert target.read_text(encoding="utf-8") == first
    other = runner.invoke(app, ["new", "--layers", "2,3,1", "--seed", "2"]).stdout
    assert other != first


@pytest.mark.parametrize("args,fragment", [
    (["--layers", "2"], "--layers"),
    (["--layers", "2,x"], "--layers"),
    (["--activation", "softmax"], "--activation"),
    (["--loss", "hinge"], "--loss"),
    (["--loss", "binary_cross_entropy", "--output", "identity"], "sigmoid or softmax"),
])
def test_bad_options(args: list[str], fragment: str) -> None:
    result = runner.invoke(app, ["new", *args])
    assert result.exit_code == 2 and fragment in result.output and "Traceback" not in result.output


def test_the_title_and_description_say_what_the_file_holds() -> None:
    """`new --loss cross_entropy --layers 2,3,3` was titled "A 2-3-3 sigmoid network" (a softmax network)."""
    text = new_scenario_text(NewOptions(layers=(2, 3, 3), loss="cross_entropy"))
    sc = scenario_from_text(text)
    assert sc.layers[-1].activation == "softmax" and sc.loss == "cross_entropy"
    assert sc.title == "A 2-3-3 network (sigmoid hidden layer, softmax outputs, cross_entropy loss)"
    assert "1 hidden layer of sigmoid units, 3 softmax outputs, cross_entropy loss" in sc.description
    two = scenario_from_text(new_scenario_text(NewOptions(layers=(3, 4, 4, 1), activation="tanh")))
    assert "2 hidden layers of tanh units, 1 identity output, half_sse loss" in two.description
    assert two.title == "A 3-4-4-1 network (tanh hidden layers, identity output, half_sse loss)"


def test_the_comments_stand_in_one_column() -> None:
    text = new_scenario_text(NewOptions(layers=(2, 3, 3), loss="cross_entropy", bias="per_unit"))
    columns = {line.index(" # ") for line in text.splitlines() if " # " in line and not line.lstrip().startswith("#")}
    assert len(columns) == 1, columns


@pytest.mark.parametrize("title", ['Mine: a "test" # 1', "[x] {y}", "plain title, with a comma", "反向传播: 例子"])
def test_any_title_reads_back_as_given(title: str) -> None:
    sc = scenario_from_text(new_scenario_text(NewOptions(layers=(2, 2), title=title)))
    assert sc.title == title


def test_the_new_file_points_to_what_pip_installs() -> None:
    text = new_scenario_text(NewOptions(layers=(2, 2)))
    assert "docs/scenario-format.md" not in text
    assert "`bpwalk docs`" in text and "`bpwalk schema`" in text
