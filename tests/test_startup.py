"""Start-up stays light: the first screen of `bpwalk run` needs no sympy, and typer brings no pydantic.

benchmarks/bench_run.py times the start-up; these tests keep out what made it slow once.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Never imported before the first screen: slow to import, and not needed to draw it.
SLOW = (
    "sympy", "pydantic", "rich.markdown", "latex2mathml",
    "bpwalk.formula.equations",      # sympy's templates: imported in the background afterwards
    "rich._emoji_codes",             # looked up only when a console replaces :emoji: codes
    "rich.syntax", "rich.pretty", "rich.traceback", "typer.rich_utils",
    "json", "importlib.metadata",    # for --json and --version only
    "bpwalk.walk.layers",            # the matrix and delta styles' names
    "bpwalk.export.web", "bpwalk.export.notebook", "bpwalk.export.slides",   # the browser, Jupyter, slides
    "torch", "bpwalk.read.torch_model", "bpwalk.export.pytorch",   # from_torch and the pytorch export
)

FIRST_SCREEN = """
import json, sys
from io import StringIO
from rich.console import Console
import bpwalk.cli
from bpwalk.tui.app import WalkSession
from bpwalk.tui.loop import Painter
from bpwalk.walk.styles import frames_for
from bpwalk.render.views import Settings
from bpwalk.engine.trace import run
sc = bpwalk.cli.load("mazur")
trace = run(sc)
console = Console(file=StringIO(), width=80, height=24, force_terminal=True)
Painter(console).paint(WalkSession(trace, frames_for(trace, sc.display.style), Settings()))
print(json.dumps({name: name in sys.modules for name in ("sympy", "pydantic", "rich.markdown", "latex2mathml")}))
"""

# The real `bpwalk run mazur` on a terminal, stopped right after it has drawn the first screen:
# which modules were loaded by then (json is not imported here, since it is one of SLOW).
PROBE = """
import os, sys
import bpwalk.tui.loop as loop
paint = loop.Painter.paint
def probe(self, session):
    paint(self, session)
    self.console.file.flush()
    sys.__stderr__.write("\\nLOADED " + " ".join(sorted(sys.modules)) + " END\\n")
    sys.__stderr__.flush()
    os._exit(0)
loop.Painter.paint = probe
sys.argv = ["bpwalk", "run", "mazur"]
from bpwalk.cli import main
main()
"""


def test_the_first_screen_imports_nothing_slow() -> None:
    out = subprocess.run([sys.executable, "-c", FIRST_SCREEN], capture_output=True, text=True, timeout=60,
                         cwd=str(ROOT))
    assert out.returncode == 0, out.stderr
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    assert loaded == {"sympy": False, "pydantic": False, "rich.markdown": False, "latex2mathml": False}


def test_bpwalk_run_on_a_terminal_imports_nothing_slow_before_its_first_screen() -> None:
    pexpect = pytest.importorskip("pexpect")
    from pty_session import environment

    child = pexpect.spawn(sys.executable, ["-c", PROBE], env=environment(), cwd=str(ROOT), dimensions=(24, 80),
                          encoding="utf-8", timeout=60)
    try:
        child.expect(r"LOADED (.*?) END")
        loaded = set(child.match.group(1).split())
    finally:
        child.close(force=True)
    assert "bpwalk.tui.app" in loaded and "rich.console" in loaded     # the probe saw a real first screen
    # what rich itself loads for a console and a table is rich's business, not bpwalk's: older
    # rich (13.x) imports its emoji table and rich.pretty on its own
    assert sorted(loaded.intersection(SLOW) - rich_baseline()) == []


def rich_baseline() -> set[str]:
    """The modules that rich alone loads to print a table on a console without emoji."""
    code = ("import io, sys\nfrom rich.console import Console\nfrom rich.table import Table\n"
            "Console(file=io.StringIO(), emoji=False, force_terminal=True).print(Table('a'))\n"
            "print(' '.join(sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    return set(out.stdout.split())


def test_typer_reads_real_annotations() -> None:
    # string annotations (from __future__ import annotations) make typer evaluate every
    # parameter's type from text at each launch, for every command
    from bpwalk.cli import app

    callbacks = [info.callback for info in app.registered_commands] + [app.registered_callback.callback]
    assert len(callbacks) >= 9
    for callback in callbacks:
        strings = {name: a for name, a in callback.__annotations__.items() if isinstance(a, str)}
        assert strings == {}, f"{callback.__module__}.{callback.__name__}"


@pytest.mark.parametrize("extra", [[], ["--every", "10"], ["--json"], ["--csv"]])
def test_train_imports_no_sympy(extra: list[str]) -> None:
    code = ("import sys; from typer.testing import CliRunner; from bpwalk.cli import app; "
            f"r = CliRunner().invoke(app, ['train', 'mazur', '-n', '100', *{extra!r}]); "
            "assert r.exit_code == 0, r.output; print('sympy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=str(ROOT))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "False"
