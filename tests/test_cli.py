"""The command line: exit codes, messages, and that arguments reach the library."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bpwalk.cli import app

runner = CliRunner()
COMMANDS = ["run", "list", "validate", "schema", "export", "train", "new", "check", "quiz"]


def invoke(*args: str):
    return runner.invoke(app, list(args))


def assert_user_error(result, code: int = 2, *fragments: str) -> None:
    out = result.output
    assert result.exit_code == code, out
    assert "Traceback" not in out
    for fragment in fragments:
        assert fragment in out, out


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert "Usage" in result.output and len(result.output.splitlines()) > 3


def test_top_level_help_lists_commands() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    for command in COMMANDS:
        assert command in result.output


def test_list_names_every_builtin() -> None:
    result = invoke("list")
    assert result.exit_code == 0
    for name in ["mazur", "mazur-matrix", "linear-2-2-1", "linear-2-2-1-fit", "delta-two-samples",
                 "xor-tanh", "softmax-3class", "deep-relu"]:
        assert f"\n{name} " in "\n" + result.output


def test_run_defaults_to_mazur_and_prints_every_step_when_not_a_terminal() -> None:
    result = invoke("run")
    assert result.exit_code == 0, result.output
    assert "0.75136507" in result.output      # out_o1
    assert "0.291027774" in result.output     # the loss after one update
    assert "[60/60]" in result.output


def test_run_by_unique_prefix_and_start() -> None:
    result = invoke("run", "linear-2-2-1-f", "--all", "--start", "5")
    assert result.exit_code == 0, result.output
    assert "[4/" not in result.output and "[5/" in result.output


def test_run_iterations_override() -> None:
    one = invoke("run", "mazur", "--all").output
    two = invoke("run", "mazur", "--all", "--iterations", "2").output
    assert "iteration 2" not in one and "iteration 2" in two


def test_ambiguous_prefix_is_a_clear_error() -> None:
    assert_user_error(invoke("run", "linear"), 2, "linear-2-2-1", "linear-2-2-1-fit")


def test_unknown_scenario_lists_the_builtins() -> None:
    assert_user_error(invoke("run", "nosuch"), 2, "nosuch", "mazur")


def test_missing_file() -> None:
    assert_user_error(invoke("run", "missing.yaml"), 2, "missing.yaml")


def test_validate_good_and_bad(tiny_scenario: Path, write_scenario) -> None:
    result = invoke("validate", str(tiny_scenario))
    assert result.exit_code == 0 and "ok" in result.output
    bad = write_scenario("title: x\nnetwork: {inputs: [x1], layers: []}\nlearning_rate: 0\nsamples: []\n", "bad.yaml")
    result = invoke("validate", str(tiny_scenario), str(bad))
    assert_user_error(result, 2, "bad.yaml:")


def test_schema_is_json_and_accepts_the_builtins() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    from bpwalk.read.builtin import builtin_paths

    result = invoke("schema")
    assert result.exit_code == 0
    schema = json.loads(result.output)
    for path in builtin_paths():
        jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schema)


def test_export_json_to_stdout_and_file(tmp_path: Path) -> None:
    result = invoke("export", "mazur", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["bpwalk"] == 1 and data["final"]["total_loss"] == 0.29102777369359933
    target = tmp_path / "t.json"
    result = invoke("export", "mazur", "-o", str(target))   # format from the extension
    assert result.exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8")) == data


def test_export_precision_changes_formulas_not_numbers() -> None:
    low = json.loads(invoke("export", "mazur", "--precision", "3").stdout)
    high = json.loads(invoke("export", "mazur").stdout)
    assert low["steps"][2]["value"] == high["steps"][2]["value"]
    assert low["steps"][5]["substituted"] != high["steps"][5]["substituted"]


def test_export_to_missing_folder_is_an_error(tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "t.json"
    assert_user_error(invoke("export", "mazur", "-o", str(target)), 2, "does not exist")
    assert not target.exists()


def test_export_keeps_the_old_file_when_the_scenario_is_bad(tmp_path: Path, write_scenario) -> None:
    target = tmp_path / "t.json"
    target.write_text("precious", encoding="utf-8")
    bad = write_scenario("title: [\n", "bad.yaml")
    assert_user_error(invoke("export", str(bad), "-o", str(target)), 2, "bad.yaml")
    assert target.read_text(encoding="utf-8") == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml", "t.json"]


def test_unknown_export_format() -> None:
    assert_user_error(invoke("export", "mazur", "--format", "pdf"), 2)


def test_overflow_exits_1_naming_the_quantity(write_scenario) -> None:
    path = write_scenario("""\
        title: overflow
        network:
          inputs: [x1]
          layers:
            - {units: [h1], activation: identity, weights: [[1.0e200]]}
            - {units: [o1], activation: identity, weights: [[1.0e200]]}
        learning_rate: 0.1
        samples: [{inputs: [1.0e10], targets: [0.0]}]
        """)
    result = invoke("export", str(path))
    assert_user_error(result, 1, "net.o1", "iteration 1", "sample 1")


def test_too_many_steps_points_to_train(write_scenario) -> None:
    path = write_scenario("""\
        title: long
        network:
          inputs: [x1]
          layers: [{units: [o1], activation: sigmoid, weights: [[0.5]]}]
        learning_rate: 0.1
        iterations: 1000000
        samples: [{inputs: [1.0], targets: [1.0]}]
        """)
    assert_user_error(invoke("run", str(path), "--all"), 2, "2,000,000", "train")


def test_python_dash_m_works() -> None:
    result = subprocess.run([sys.executable, "-m", "bpwalk", "list"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "mazur" in result.stdout


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0 and "bpwalk" in result.output
