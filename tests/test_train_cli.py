"""`bpwalk train`: the numbers-only path from the command line, and the loss curve."""

from __future__ import annotations

import csv
import io
import json
from io import StringIO
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from bpwalk.read.builtin import resolve
from bpwalk.cli import app
from bpwalk.formula.numbers import format_number
from bpwalk.render.plot import LossCurve
from bpwalk.read import load_scenario
from bpwalk.engine.train import train

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


# --- snapshots: each row's loss is the loss at that row's parameters ---------------------------

def plain(text: str) -> str:
    """The output with either minus sign read as ASCII (numbers compare by their digits)."""
    return text.replace("−", "-")


def shown(x: float, digits: int = 6) -> str:
    return plain(format_number(x, digits))


def snapshot_rows(output: str) -> dict[str, dict[str, str]]:
    """Every snapshot row of the report by its label, as {column heading: cell}, across all blocks."""
    lines = plain(output).split("\nsnapshots\n", 1)[1].splitlines()
    rows: dict[str, dict[str, str]] = {}
    heads: list[str] | None = None
    for line in lines:
        words = line.split()
        if not words:
            heads = None
            continue
        if words[0] == "…":               # the row standing for the snapshots left out, or a note
            continue
        if words[0] == "iteration":       # the last heading line names the columns
            heads = ["after iteration"] + (["loss"] if words[1] == "parameters" else []) + [
                w for w in words[1:] if w != "parameters"]
        elif heads is not None:
            rows.setdefault(words[0], {}).update(zip(heads[1:], words[1:]))
    return rows


def invoke_at(width: int, *args: str):
    return runner.invoke(app, ["train", *args], env={"COLUMNS": str(width)})


def test_one_iteration_shows_the_loss_beside_the_parameters_it_was_computed_with() -> None:
    # the reproduction: the row of iteration 1 showed 0.298371 (the loss before its update)
    # beside the parameters after it
    from bpwalk.engine.trace import run

    result = invoke_at(80, "mazur", "-n", "1", "--every", "1")
    assert result.exit_code == 0, result.output
    trace = run(load_scenario(resolve("mazur")), 1)
    rows = snapshot_rows(result.output)
    assert set(rows) == {"start", "1"}
    assert rows["start"]["loss"] == shown(trace.iterations[0].total_loss)
    assert rows["1"]["loss"] == shown(trace.final.total_loss) == "0.291028"
    assert rows["1"]["w1"] == shown(trace.iterations[0].new["w1"]) == "0.149781"
    assert all(rows["start"][n] == shown(v) for n, v in trace.parameters.items())
    assert all(rows["1"][n] == shown(v) for n, v in trace.iterations[0].new.items())
    headline = plain(result.output).splitlines()[1]
    assert f"{rows['start']['loss']} → {rows['1']['loss']}" in headline
    heading = [line.split() for line in result.output.splitlines() if "with these" in line][0]
    assert heading == ["after", "with", "these"]   # under "total loss", above "iteration parameters w1 …"


def test_the_last_snapshot_has_the_final_loss_bit_for_bit() -> None:
    sc = load_scenario(resolve("delta-two"))
    result = train(sc, 7, every=3)
    assert [s.iteration for s in result.snapshots] == [0, 3, 6, 7]
    assert result.snapshots[-1].loss.hex() == result.final_loss.hex()
    assert [s.loss for s in result.snapshots[:-1]] == [result.losses[k] for k in (0, 3, 6)]


@pytest.mark.parametrize("width", [80, 60])
def test_every_mazur_parameter_is_in_the_snapshots(width: int) -> None:
    result = invoke_at(width, "mazur", "-n", "1000", "--every", "250")
    assert result.exit_code == 0, result.output
    expected = train(load_scenario(resolve("mazur")), 1000, every=250)
    rows = snapshot_rows(result.output)
    assert list(rows) == ["start", "250", "500", "750", "1,000"]
    for snap, row in zip(expected.snapshots, rows.values()):
        assert row == {"loss": shown(snap.loss), **{n: shown(v) for n, v in snap.parameters.items()}}
    assert "more parameters" not in result.output
    assert max(map(len, result.output.splitlines())) <= width


def big_network(write_scenario):
    from bpwalk.read.newfile import NewOptions, new_scenario_text

    return write_scenario(new_scenario_text(NewOptions(layers=(4, 8, 8, 2))), "big.yaml")


def test_a_big_network_says_how_many_parameters_are_hidden(write_scenario) -> None:
    path = big_network(write_scenario)
    result = invoke_at(80, str(path), "-n", "20", "--every", "10")
    assert result.exit_code == 0, result.output
    names = list(load_scenario(path).parameters())
    rows = snapshot_rows(result.output)
    visible = [n for n in rows["start"] if n != "loss"]
    assert visible == names[:len(visible)] and len(visible) >= 12
    assert f"… {len(names) - len(visible)} more parameters: use --json or --csv" in result.output
    assert max(map(len, result.output.splitlines())) <= 80


def test_many_snapshots_keep_the_last_and_say_how_many_are_hidden() -> None:
    result = invoke_at(80, "mazur", "-n", "300", "--every", "1")
    assert result.exit_code == 0, result.output
    rows = snapshot_rows(result.output)
    assert len(rows) == 200 and "300" in rows and "299" not in rows
    assert "… 101 more snapshots: use --json or --csv" in result.output


def test_per_sample_snapshots_say_what_their_loss_is(write_scenario) -> None:
    text = (Path(resolve("delta-two")).read_text(encoding="utf-8")
            .replace("\nbpwalk: 1\n", "\nbpwalk: 1\nupdate: per_sample\n"))
    path = write_scenario(text, "ps.yaml")
    result = invoke_at(80, str(path), "-n", "4", "--every", "2")
    assert result.exit_code == 0, result.output
    assert "one forward pass of every sample" in result.output
    expected = train(load_scenario(path), 4, every=2)
    rows = snapshot_rows(result.output)
    assert [rows[k]["loss"] for k in ("start", "2", "4")] == [shown(s.loss) for s in expected.snapshots]


# --- --json and --csv -------------------------------------------------------------------------

def test_json_holds_every_loss_and_snapshot_at_full_precision() -> None:
    result = runner.invoke(app, ["train", "mazur", "-n", "5", "--every", "2", "--json"])
    assert result.exit_code == 0, result.output
    assert "−" not in result.output
    data = json.loads(result.output)
    sc = load_scenario(resolve("mazur"))
    expected = train(sc, 5, every=2)
    assert list(data) == ["bpwalk", "title", "update", "iterations", "every", "loss", "final_loss", "snapshots",
                          "initial_parameters", "final_parameters", "final_outputs"]
    assert (data["bpwalk"], data["title"], data["update"], data["iterations"], data["every"]) == (
        1, sc.title, "batch", 5, 2)
    assert data["loss"] == list(expected.losses) and data["final_loss"] == expected.final_loss
    assert data["snapshots"] == [{"after_iteration": s.iteration, "loss": s.loss, "parameters": dict(s.parameters)}
                                 for s in expected.snapshots]
    assert [s["after_iteration"] for s in data["snapshots"]] == [0, 2, 4, 5]
    assert data["initial_parameters"] == sc.parameters()
    assert data["final_parameters"] == dict(expected.parameters)
    assert data["final_outputs"] == [{"sample": 1, "outputs": {"o1": expected.final_outputs[0][0],
                                                               "o2": expected.final_outputs[0][1]},
                                      "targets": {"o1": 0.01, "o2": 0.99}}]


def test_json_without_every_has_the_start_and_the_end() -> None:
    data = json.loads(runner.invoke(app, ["train", "mazur", "-n", "3", "--json"]).output)
    assert data["every"] is None
    assert [(s["after_iteration"], s["loss"]) for s in data["snapshots"]] == [
        (0, data["loss"][0]), (3, data["final_loss"])]


def test_csv_has_a_row_after_each_iteration_and_the_parameters_at_snapshots() -> None:
    result = runner.invoke(app, ["train", "mazur", "-n", "5", "--every", "2", "--csv"])
    assert result.exit_code == 0, result.output
    assert "−" not in result.output
    sc = load_scenario(resolve("mazur"))
    expected = train(sc, 5, every=2)
    rows = list(csv.reader(io.StringIO(result.output)))
    names = list(sc.parameter_names())
    assert rows[0] == ["after_iteration", "loss", *names]
    assert [int(r[0]) for r in rows[1:]] == [0, 1, 2, 3, 4, 5]
    assert [float(r[1]) for r in rows[1:]] == [*expected.losses, expected.final_loss]
    snaps = {s.iteration: s for s in expected.snapshots}
    for row in rows[1:]:
        snap = snaps.get(int(row[0]))
        if snap is None:
            assert row[2:] == [""] * len(names)
        else:
            assert float(row[1]) == snap.loss
            assert [float(v) for v in row[2:]] == [snap.parameters[n] for n in names]


def test_per_sample_csv_leaves_the_loss_empty_where_none_was_computed_with_those_parameters(write_scenario) -> None:
    text = (Path(resolve("delta-two")).read_text(encoding="utf-8")
            .replace("\nbpwalk: 1\n", "\nbpwalk: 1\nupdate: per_sample\n"))
    path = write_scenario(text, "ps.yaml")
    result = runner.invoke(app, ["train", str(path), "-n", "3", "--every", "2", "--csv"])
    assert result.exit_code == 0, result.output
    expected = train(load_scenario(path), 3, every=2)
    rows = list(csv.reader(io.StringIO(result.output)))[1:]
    assert [r[1] for r in rows] == [repr(expected.snapshots[0].loss), "", repr(expected.snapshots[1].loss),
                                    repr(expected.final_loss)]


def test_output_file_takes_the_format_from_its_name(tmp_path: Path) -> None:
    target = tmp_path / "run.csv"
    result = runner.invoke(app, ["train", "mazur", "-n", "4", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == runner.invoke(app, ["train", "mazur", "-n", "4", "--csv"]).output
    assert [p.name for p in tmp_path.iterdir()] == ["run.csv"]


@pytest.mark.parametrize("args, fragment", [
    (["--json", "--csv"], "--json and --csv: choose one"),
    (["-o", "run.txt"], "run.txt: give --json or --csv"),
    (["--json", "-o", "nowhere/run.json"], "does not exist"),
])
def test_bad_output_options_are_one_line_errors(args: list[str], fragment: str, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["train", "mazur", "-n", "2", *args])
    assert result.exit_code == 2, result.output
    assert result.output.strip().splitlines() == [result.output.strip()]
    assert result.output.startswith("bpwalk: error: ") and fragment in result.output
    assert list(tmp_path.iterdir()) == []
