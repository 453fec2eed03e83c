"""The options several commands share are defined once, and every command takes those that apply."""

from __future__ import annotations

import pytest
import typer.main
from typer.testing import CliRunner

from bpwalk.cli import app
from bpwalk.export import FORMATS
from bpwalk.scenario import LANGS, STYLES

runner = CliRunner()
COMMAND = typer.main.get_command(app)

# which shared options each command takes (the issue: quiz gets --round, train gets --round)
TAKES = {
    "run": {"--iterations", "--precision", "--style", "--lang", "--round", "--start"},
    "export": {"--iterations", "--precision", "--style", "--lang", "--round"},
    "quiz": {"--iterations", "--precision", "--style", "--lang", "--round", "--start"},
    "train": {"--iterations", "--precision", "--round"},
    "check": {"--round"},
}


def options_of(name: str) -> dict[str, click.Option]:
    command = COMMAND.commands[name]
    return {opt: param for param in command.params if param.param_type_name == "option" for opt in param.opts}


@pytest.mark.parametrize("name", sorted(TAKES))
def test_every_command_takes_the_shared_options_that_apply(name: str) -> None:
    assert TAKES[name] <= set(options_of(name))


def test_a_shared_option_is_the_same_everywhere() -> None:
    for flag in ("--iterations", "--precision", "--round", "--lang", "--style", "--start"):
        seen = [options_of(name)[flag] for name in TAKES if flag in options_of(name)]
        assert len({(p.help, tuple(p.opts), repr(p.type)) for p in seen}) == 1, flag


def test_choices_come_from_the_one_list_of_each_kind() -> None:
    assert list(options_of("run")["--style"].type.choices) == list(STYLES)
    assert list(options_of("export")["--lang"].type.choices) == list(LANGS)
    assert list(options_of("export")["--format"].type.choices) == list(FORMATS)


def test_quiz_rounds_as_a_hand_calculation_does() -> None:
    # net_h1 = 0.3775 exactly; with --round 2 the trace carries 0.38, and 0.38 is the right answer
    rounded = runner.invoke(app, ["quiz", "mazur", "--phases", "forward", "--round", "2"], input="0.38\nq\n")
    assert rounded.exit_code == 0, rounded.output
    assert "textbook rounding" in rounded.output
    assert "right" in rounded.output.lower() or "✓" in rounded.output
    exact = runner.invoke(app, ["quiz", "mazur", "--phases", "forward"], input="0.380\n0.380\nq\n")
    assert "0.3775" in exact.output          # unrounded, 0.380 is wrong and the answer is shown


def test_quiz_style_asks_a_frame_at_a_time_and_start_counts_its_frames() -> None:
    done = runner.invoke(app, ["quiz", "mazur", "--style", "delta", "--phases", "loss", "--start", "6"],
                         input="0.274811083\n0.0235600256\nq\n")
    assert done.exit_code == 0, done.output
    assert "[6/24]" in done.output and done.output.count("✓") >= 2
    too_far = runner.invoke(app, ["quiz", "mazur", "--style", "matrix", "--start", "23"])
    assert too_far.exit_code == 2 and "--start 23: this walk-through has 22 steps" in too_far.output


def test_train_rounds_as_a_hand_calculation_does() -> None:
    from bpwalk.engine.passes import decimal_rounder
    from bpwalk.engine.train import train
    from bpwalk.read import load_scenario

    expected = train(load_scenario("mazur"), 3, rounder=decimal_rounder(4)).final_loss
    done = runner.invoke(app, ["train", "mazur", "-n", "3", "--round", "4", "--json"])
    assert done.exit_code == 0, done.output
    import json

    assert json.loads(done.stdout)["final_loss"] == expected
    plain = json.loads(runner.invoke(app, ["train", "mazur", "-n", "3", "--json"]).stdout)["final_loss"]
    assert plain != expected
