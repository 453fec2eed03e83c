"""Textbook rounding (--round N): every intermediate rounded before it is used, as by hand."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bpwalk.read.builtin import resolve
from bpwalk.cli import app
from bpwalk.engine.passes import Kind, decimal_round, decimal_rounder
from bpwalk.read import load_scenario
from bpwalk.engine.trace import run
from bpwalk.engine.train import train

runner = CliRunner()


@pytest.mark.parametrize(("value", "decimals", "expected"), [
    (0.40865, 4, 0.4087),          # half up on the decimal digits, as written by hand
    (0.138498, 4, 0.1385),
    (-0.0380982, 4, -0.0381),
    (2.5, 0, 3.0),
    (1e-9, 4, 0.0),
])
def test_decimal_rounder(value: float, decimals: int, expected: float) -> None:
    assert decimal_rounder(decimals)(Kind.NET, 0, 0, value) == expected
    assert decimal_round(decimals)(value) == expected


@pytest.mark.parametrize(("value", "decimals"), [
    (1e20, 15), (-1.7976931348623157e308, 15), (1e308, 0), (123456789012345678.0, 12),
])
def test_decimal_rounder_keeps_large_numbers(value: float, decimals: int) -> None:
    """Found by tests/test_fuzz.py: quantize ran out of Decimal's 28 digits (InvalidOperation)."""
    assert decimal_rounder(decimals)(Kind.NET, 0, 0, value) == value


def test_export_rounds_a_scenario_with_large_weights(tmp_path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(resolve("mazur").read_text(encoding="utf-8").replace("0.15", "1e20", 1), encoding="utf-8")
    result = runner.invoke(app, ["export", str(path), "--round", "15", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "rounded to 15 decimals" in runner.invoke(app, ["export", str(path), "--round", "15", "-f", "md"]).stdout


@pytest.fixture(scope="module")
def matrix():
    return load_scenario(resolve("mazur-matrix"))


def test_every_recorded_value_is_rounded(matrix) -> None:
    trace = run(matrix, rounder=decimal_rounder(4))
    for step in trace.steps:
        if step.value is not None:
            assert round(step.value, 4) == pytest.approx(step.value, abs=1e-12), step.id


def test_rounding_is_carried_forward(matrix) -> None:
    exact = run(matrix)
    rounded = run(matrix, rounder=decimal_rounder(4))
    # out_h1 = 0.5933 is used, not 0.593269992: net_o1 = 0.4*0.5933 + 0.45*0.5969 + 0.6 = 1.10591 -> 1.1059
    assert rounded.value("out.h1") == 0.5933
    assert rounded.value("net.o1") == 1.1059
    assert exact.value("net.o1") != rounded.value("net.o1")


def test_train_and_run_agree_when_rounding(matrix) -> None:
    rounder = decimal_rounder(3)
    trace = run(matrix, 3, rounder=rounder)
    result = train(matrix, 3, rounder=rounder)
    assert result.final_loss == trace.final.total_loss
    assert dict(result.parameters) == dict(trace.iterations[-1].new)


def test_the_hook_is_told_a_kind_and_every_kind_is_told(matrix) -> None:
    """The hook's first argument is a `Kind`, never a bare string, in the tracer and the trainer alike."""
    for compute in (run, train):
        told: list[object] = []

        def hook(kind: Kind, layer: int, unit: int, value: float) -> float:
            told.append(kind)
            return value

        compute(matrix, 1, rounder=hook)
        assert all(isinstance(kind, Kind) for kind in told), {k for k in told if not isinstance(k, Kind)}
        assert set(told) == set(Kind), set(Kind) - set(told)


def test_the_screen_says_rounding_is_on() -> None:
    result = runner.invoke(app, ["run", "mazur-matrix", "--round", "4", "--all"])
    assert result.exit_code == 0
    assert "every intermediate rounded to 4 decimals" in result.output
    plain = runner.invoke(app, ["run", "mazur-matrix", "--all"]).output
    assert "rounded to" not in plain


def test_export_says_rounding_is_on() -> None:
    result = runner.invoke(app, ["export", "mazur-matrix", "--round", "4", "--format", "md"])
    assert result.exit_code == 0 and "rounded to 4 decimals" in result.stdout


def test_the_trace_carries_the_settings_it_was_made_with(matrix) -> None:
    from bpwalk.engine.steps import RunSettings

    assert run(matrix).settings == RunSettings()
    trace = run(matrix, 2, rounding=4)
    assert trace.settings == RunSettings(iterations=2, rounding=4)
    assert len(trace.iterations) == 2
    assert trace.value("net.h1") == run(matrix, 2, rounder=decimal_rounder(4)).value("net.h1")


@pytest.mark.parametrize("fmt", ["txt", "md", "html"])
def test_rounded_numbers_show_all_their_decimals(fmt: str) -> None:
    """Issue 13: under --round 4 the summary printed `total loss after 0.291`; a hand calculation writes 0.2910."""
    result = CliRunner().invoke(app, ["export", "mazur", "--round", "4", "-f", fmt])
    assert result.exit_code == 0, result.output
    assert "0.2910" in result.output and "0.291 " not in result.output and "0.291<" not in result.output


def test_rounded_numbers_on_the_terminal() -> None:
    result = CliRunner().invoke(app, ["run", "mazur", "--round", "4", "--all"])
    summary = result.output.rsplit("[60/60]", 1)[1]
    assert "total loss after              0.2910" in summary
    assert "0.2984" in summary
    # without --round nothing changes: 9 significant digits, no padding
    plain = CliRunner().invoke(app, ["run", "mazur", "--all"]).output.rsplit("[60/60]", 1)[1]
    assert "0.291027774" in plain
