"""Start-up stays light: the first screen of `bpwalk run` needs no sympy, and typer brings no pydantic."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FIRST_SCREEN = """
import json, sys
from io import StringIO
from rich.console import Console
import bpwalk.cli
from bpwalk.tui.app import Painter
from bpwalk.walk.styles import frames_for
from bpwalk.walk.navigate import NavState
from bpwalk.render.views import Settings
from bpwalk.engine.trace import run
sc = bpwalk.cli.load("mazur")
trace = run(sc)
console = Console(file=StringIO(), width=80, height=24, force_terminal=True)
Painter(trace, frames_for(trace, sc.display.style), Settings(), console).paint(NavState(0))
print(json.dumps({name: name in sys.modules for name in ("sympy", "pydantic", "rich.markdown", "latex2mathml")}))
"""


def test_the_first_screen_imports_nothing_slow() -> None:
    out = subprocess.run([sys.executable, "-c", FIRST_SCREEN], capture_output=True, text=True, timeout=60,
                         cwd=str(ROOT))
    assert out.returncode == 0, out.stderr
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    assert loaded == {"sympy": False, "pydantic": False, "rich.markdown": False, "latex2mathml": False}


@pytest.mark.parametrize("extra", [[], ["--every", "10"], ["--json"], ["--csv"]])
def test_train_imports_no_sympy(extra: list[str]) -> None:
    code = ("import sys; from typer.testing import CliRunner; from bpwalk.cli import app; "
            f"r = CliRunner().invoke(app, ['train', 'mazur', '-n', '100', *{extra!r}]); "
            "assert r.exit_code == 0, r.output; print('sympy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=str(ROOT))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "False"
