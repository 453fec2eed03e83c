"""The library API of bpwalk/__init__.py: `from bpwalk import load_scenario, run, train` works in any
order of imports, stays lazy, and finds the built-in scenarios by name as the CLI does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bpwalk.read.builtin import resolve
from bpwalk.errors import LookupFailed, ScenarioError
from bpwalk.read import load_scenario

ROOT = Path(__file__).resolve().parent.parent


def fresh(code: str, cwd: Path) -> str:
    """Run `code` in a new interpreter (nothing of bpwalk imported yet) and return its last line."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=str(cwd),
                          env={"PYTHONPATH": str(ROOT), "PATH": ""})
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize("first", [
    "",
    "import bpwalk.engine.train",                       # the submodule first: it must not hide the function
    "from bpwalk.engine.train import TrainResult",
    "import bpwalk.cli",
    "from bpwalk import train as t; t(load_scenario('mazur'), 1)",
])
def test_train_is_the_function(first: str, tmp_path: Path) -> None:
    code = (f"from bpwalk.read import load_scenario\n{first}\n"
            "from bpwalk import load_scenario, run, train\n"
            "import bpwalk\n"
            "result = train(load_scenario('mazur'), iterations=10)\n"
            "print(callable(train), bpwalk.train is train, type(result).__name__)")
    assert fresh(code, tmp_path) == "True True TrainResult"


def test_the_submodule_stays_importable(tmp_path: Path) -> None:
    code = ("from bpwalk import train\nfrom bpwalk.engine.train import CHECK_EVERY, TrainResult\nimport sys\n"
            "print(sys.modules['bpwalk.engine.train'].TrainResult is TrainResult, callable(train))")
    assert fresh(code, tmp_path) == "True True"


def test_import_bpwalk_imports_nothing_else(tmp_path: Path) -> None:
    code = "import sys, json, bpwalk\nprint(json.dumps(sorted(m for m in sys.modules if m.startswith('bpwalk'))))"
    assert json.loads(fresh(code, tmp_path)) == ["bpwalk"]


def test_every_name_of_the_api_is_there() -> None:
    import bpwalk

    for name in bpwalk.__all__:
        assert getattr(bpwalk, name).__name__ == name


def test_load_scenario_finds_a_builtin_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    sc = load_scenario("mazur")
    assert sc == load_scenario(resolve("mazur"))
    assert sc.path == str(resolve("mazur"))
    assert load_scenario("mazur-m").title == load_scenario(resolve("mazur-matrix")).title   # a unique prefix


def test_a_file_wins_over_a_builtin_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiny_scenario: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mazur").write_text(tiny_scenario.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_scenario("mazur").title == "One sigmoid unit"


def test_load_scenario_names_what_it_cannot_find(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(LookupFailed, match="'nothing' is neither a file nor a built-in scenario"):
        load_scenario("nothing")
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario("nothing.yaml")
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario(Path("mazur"))          # a Path is a file, never a name
