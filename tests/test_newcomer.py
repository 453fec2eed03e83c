"""Issue 13: the first five minutes of a newcomer, without surprises."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bpwalk.cli import app
from bpwalk.read.reference import reference
from bpwalk.read.schema import json_schema

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def bpwalk(*args: str, columns: int = 80) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": str(columns), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "bpwalk", *args], capture_output=True, text=True, env=env,
                          timeout=60, stdin=subprocess.DEVNULL)


def test_bpwalk_alone_says_what_it_is_and_where_to_start() -> None:
    """`bpwalk` with no arguments printed only "Missing command"."""
    done = bpwalk()
    assert done.returncode == 0, done.stderr
    assert "Missing command" not in done.stdout + done.stderr
    assert "backpropagation" in done.stdout
    for command in ("run", "quiz", "export", "new", "check"):
        assert f"\n  {command} " in done.stdout, command
    for example in ("bpwalk run mazur", "bpwalk export mazur -o mazur.html", "bpwalk check my.yaml"):
        assert example in done.stdout
    assert max(len(line) for line in done.stdout.splitlines()) <= 80


def test_help_shows_every_command_whole_on_one_line() -> None:
    """`bpwalk --help` cut the command descriptions with "..."."""
    done = bpwalk("--help")
    commands = done.stdout.split("Commands:", 1)[1].strip("\n").splitlines()
    assert len(commands) >= 10
    for line in commands:
        assert not line.rstrip().endswith("..."), line
        assert len(line) <= 80, line
        assert line.startswith("  ") and len(line.split()) >= 3, line


def test_docs_prints_every_key_of_the_format_within_80_columns() -> None:
    text = reference("scenario")
    for key in json_schema()["properties"]:
        assert f"\n{key}: " in text, key
    for key in ("activation", "weights", "train_bias", "precision", "momentum", "batch"):
        assert f"{key}: " in text, key
    assert max(len(line) for line in text.splitlines()) <= 80
    keys = reference("keys")
    assert "grad.P" in keys and "final.KEY" in keys and max(len(line) for line in keys.splitlines()) <= 80


def test_docs_through_the_cli() -> None:
    result = runner.invoke(app, ["docs"])
    assert result.exit_code == 0 and "learning_rate: a number" in result.output
    assert runner.invoke(app, ["docs", "keys"]).exit_code == 0
    bad = runner.invoke(app, ["docs", "nonsense"])
    assert bad.exit_code == 2 and "scenario, keys" in bad.output


def test_a_new_file_points_to_what_exists(tmp_path: Path) -> None:
    target = tmp_path / "x.yaml"
    assert runner.invoke(app, ["new", str(target)]).exit_code == 0
    text = target.read_text(encoding="utf-8")
    assert "`bpwalk docs`" in text and "docs/scenario-format.md" not in text


@pytest.mark.parametrize("topic", ["scenario", "keys"])
def test_docs_is_in_both_help_and_overview(topic: str) -> None:
    assert "docs" in bpwalk("--help").stdout and "bpwalk docs" in bpwalk().stdout
    assert reference(topic).endswith("\n")


def test_the_pass_after_the_last_update_is_named_for_what_it_follows() -> None:
    """"after training" labelled the final pass even after a single update."""
    one = runner.invoke(app, ["run", "mazur", "--all"]).output
    assert "Forward pass · after the update · net_h1" in one and "after training" not in one
    three = runner.invoke(app, ["run", "mazur", "--iterations", "3", "--all"]).output
    assert "Forward pass · after 3 iterations · net_h1" in three
    zh = runner.invoke(app, ["run", "mazur", "--iterations", "3", "--all", "--lang", "zh"]).output
    assert "3 轮迭代后" in zh
    md = runner.invoke(app, ["export", "mazur", "-f", "md"]).output
    assert "\n## After the update\n" in md


def test_the_gradient_of_a_bias_that_is_not_trained_says_so() -> None:
    out = runner.invoke(app, ["run", "mazur", "--all"]).output
    step = out.split("Backward pass · iteration 1 · ∂E_total/∂b₁", 1)[1].split("[", 1)[0]
    assert "b1 is not trained: its gradient is shown, but no update uses it." in " ".join(step.split())
    # a trained bias says nothing of the kind
    trained = runner.invoke(app, ["run", "mazur-matrix", "--style", "scalar", "--all"]).output
    assert "is not trained: its gradient" not in trained
