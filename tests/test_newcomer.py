"""Issue 13: the first five minutes of a newcomer, without surprises."""

from __future__ import annotations

import os
import re
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


def test_a_newcomers_first_session(tmp_path: Path) -> None:
    """Issue 13's "done when": `bpwalk`, `bpwalk run` (five steps, `?`, q), `bpwalk quiz --phases
    backward` (two answers, `]`, q), `bpwalk new x.yaml`, `bpwalk validate x.yaml`, each screen
    free of the surprises the issue lists."""
    pytest.importorskip("pexpect")
    from pty_session import ANSI, RIGHT, Session

    screens: list[str] = [bpwalk().stdout]
    run = Session("run")                                   # the default scenario
    screens.append(ANSI.sub("", run.read_until("[1/60]")))
    for n in range(2, 7):
        screens.append(ANSI.sub("", run.press(RIGHT, f"[{n}/60]")))
    help_screen = ANSI.sub("", run.press("?", "q"))
    assert "quit" in help_screen and "Esc" in help_screen
    screens.append(help_screen)
    run.child.send("\x1b")                                 # Esc closes the overlay ...
    run.child.send("q")                                    # ... and q quits
    assert run.finish() == 0
    quiz = Session("quiz", "--phases", "backward")
    screens.append(ANSI.sub("", quiz.read_until("[1/60]")))
    screens.append(ANSI.sub("", quiz.press("\t", "[13/60]")))     # straight to the first question asked
    screens.append(ANSI.sub("", quiz.press("0.7414\r", "right")))
    screens.append(ANSI.sub("", quiz.press("\r", "[14/60]")))
    screens.append(ANSI.sub("", quiz.press("0.1868\r", "right")))
    screens.append(ANSI.sub("", quiz.press("]", "[39/60]")))
    quiz.child.send("q")
    assert quiz.finish() == 0
    target = tmp_path / "x.yaml"
    made = bpwalk("new", str(target))
    assert made.returncode == 0 and target.exists()
    checked = bpwalk("validate", str(target))
    assert checked.returncode == 0 and "ok" in checked.stdout
    screens += [made.stdout + made.stderr, checked.stdout + checked.stderr, target.read_text(encoding="utf-8")]
    for screen in screens:
        assert "Missing command" not in screen and "Traceback" not in screen
        assert "no key" not in screen and "after training" not in screen
        assert "docs/scenario-format.md" not in screen
        assert not re.search(r"\d…", screen), screen       # no number cut with an ellipsis
