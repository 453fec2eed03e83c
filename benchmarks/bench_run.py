"""Time the interactive walk-through: launch to first screen, and one keypress's redraw.

    python benchmarks/bench_run.py            # the table
    python benchmarks/bench_run.py --runs 10  # more launches (best of N)

Rows:
  a. `bpwalk run mazur` in a pseudo-terminal (80x24): from spawn to the first status line,
     best of 5; target < 0.25 s. Row a0 is `python -c pass` the same way, for scale, and the
     rows a1.. break one launch down in-process (a fresh interpreter), with whether sympy was
     imported before the first screen.
  b. One keypress's redraw on a 1,000-step trace (mazur, 21 iterations), 80x24: rendering a
     frame not seen before (random frames, the cache cleared each time; median, p95 and max),
     redrawing a frame already cached, and in a pseudo-terminal from the Enter of a typed
     step number to its status line (median and max of random jumps); target < 0.05 s.

Needs pexpect for the pseudo-terminal rows (they are skipped without it). Exit status 1 when
a row misses its target.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
try:
    import bpwalk  # noqa: F401
except ImportError:  # not installed: run from a checkout
    sys.path.insert(0, str(ROOT))

FIRST_SCREEN_TARGET = 0.25
KEYPRESS_TARGET = 0.05
BIG_ITERATIONS = 21          # mazur with 21 iterations has exactly 1,000 steps
COUNTER = re.compile(r"\[(\d+)/(\d+)\]")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS", "LINES")}
    env.update(TERM="xterm-256color", PYTHONPATH=str(ROOT))
    return env


def wait_for(child, pattern: re.Pattern[str], timeout: float = 20) -> tuple[float, re.Match[str]]:
    """Read until `pattern` matches the new output (escape codes removed); when, and the match."""
    import pexpect

    seen = ""
    deadline = time.perf_counter() + timeout
    while True:
        match = pattern.search(ANSI.sub("", seen))
        if match:
            return time.perf_counter(), match
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{pattern.pattern!r} not shown")
        try:
            seen += child.read_nonblocking(65536, timeout=0.2)
        except pexpect.TIMEOUT:
            pass


def first_screen(runs: int) -> tuple[float, float]:
    """(best launch-to-first-status-line of `bpwalk run mazur`, best `python -c pass` to exit)."""
    import pexpect

    launches = []
    for _ in range(runs):
        started = time.perf_counter()
        child = pexpect.spawn(sys.executable, ["-m", "bpwalk", "run", "mazur"], env=child_env(), cwd=str(ROOT),
                              dimensions=(24, 80), encoding="utf-8")
        shown, _ = wait_for(child, re.compile(r"\[1/60\]"))
        launches.append(shown - started)
        child.send("q")
        child.expect(pexpect.EOF, timeout=20)
        child.close()
    bare = []
    for _ in range(runs):
        started = time.perf_counter()
        child = pexpect.spawn(sys.executable, ["-c", "pass"], env=child_env(), encoding="utf-8")
        child.expect(pexpect.EOF)
        bare.append(time.perf_counter() - started)
        child.close()
    return min(launches), min(bare)


BREAKDOWN = r"""
import json, sys, time
from io import StringIO
t = [time.perf_counter()]
import bpwalk.cli; t.append(time.perf_counter())
sc = bpwalk.cli.load("mazur"); t.append(time.perf_counter())
from bpwalk.engine.trace import run; trace = run(sc); t.append(time.perf_counter())
from rich.console import Console
from bpwalk.tui.app import Painter
from bpwalk.walk.styles import frames_for
from bpwalk.walk.navigate import NavState
from bpwalk.render.views import Settings
t.append(time.perf_counter())
frames = frames_for(trace, sc.display.style); t.append(time.perf_counter())
console = Console(file=StringIO(), width=80, height=24, force_terminal=True)
Painter(trace, frames, Settings(), console).paint(NavState(0)); t.append(time.perf_counter())
names = ["import bpwalk.cli", "load mazur.yaml", "trace", "import render",
         "frames", "first paint"]
print(json.dumps({"parts": dict(zip(names, [b - a for a, b in zip(t, t[1:])])), "sympy": "sympy" in sys.modules}))
"""


def breakdown() -> dict:
    """Where one launch's time goes, measured in a fresh interpreter."""
    out = subprocess.run([sys.executable, "-c", BREAKDOWN], env=child_env(), cwd=str(ROOT), capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout)


def render_times(samples: int) -> tuple[list[float], float, int]:
    """(uncached paint times of random frames, best cached repaint, frame count) at 80x24."""
    import bpwalk.formula.equations  # noqa: F401  (the app imports it in the background after the first screen)
    from rich.console import Console

    from bpwalk.read.builtin import resolve
    from bpwalk.tui.app import Painter
    from bpwalk.walk.styles import frames_for
    from bpwalk.walk.navigate import NavState
    from bpwalk.render.views import Settings
    from bpwalk.read import load_scenario
    from bpwalk.engine.trace import run

    sc = load_scenario(resolve("mazur"))
    trace = run(sc, BIG_ITERATIONS)
    frames = frames_for(trace, sc.display.style)
    console = Console(file=StringIO(), width=80, height=24, force_terminal=True, color_system="truecolor")
    painter = Painter(trace, frames, Settings(digits=sc.display.precision), console)
    rng = random.Random(7)
    times = []
    for _ in range(samples):
        state = NavState(rng.randrange(len(frames)))
        painter.cache.clear()
        started = time.perf_counter()
        painter.paint(state)
        times.append(time.perf_counter() - started)
        console.file.seek(0)
        console.file.truncate()
    cached = []
    for _ in range(20):
        started = time.perf_counter()
        painter.paint(state)
        cached.append(time.perf_counter() - started)
    return times, min(cached), len(frames)


def pty_keypresses(jumps: int) -> list[float]:
    """Seconds from the Enter of a typed step number to its status line, in a real terminal."""
    import pexpect

    child = pexpect.spawn(sys.executable, ["-m", "bpwalk", "run", "mazur", "--iterations", str(BIG_ITERATIONS)],
                          env=child_env(), cwd=str(ROOT), dimensions=(24, 80), encoding="utf-8")
    child.delaybeforesend = None              # pexpect sleeps 50 ms before each send by default
    _, match = wait_for(child, re.compile(r"\[1/(\d+)\]"))
    count = int(match.group(1))
    time.sleep(2)                             # let the background import of sympy finish, as a reader would
    rng = random.Random(11)
    times = []
    for _ in range(jumps):
        target = rng.randrange(2, count + 1)
        child.send(str(target))
        wait_for(child, re.compile(rf"go to step: {target}"))
        started = time.perf_counter()
        child.send("\r")
        shown, _ = wait_for(child, re.compile(rf"\[{target}/{count}\]"))
        times.append(shown - started)
    child.send("q")
    child.expect(pexpect.EOF, timeout=20)
    child.close()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="launches timed for row a (best of N)")
    parser.add_argument("--samples", type=int, default=200, help="random frames rendered for row b")
    parser.add_argument("--jumps", type=int, default=30, help="keypresses timed in the pseudo-terminal")
    args = parser.parse_args()

    try:
        import pexpect  # noqa: F401
        have_pty = True
    except ImportError:
        have_pty = False

    rows: list[tuple[str, float | None, float | None]] = []
    if have_pty:
        launch, bare = first_screen(args.runs)
        rows.append((f"a. bpwalk run mazur: launch to first screen (pty, best of {args.runs})", launch,
                     FIRST_SCREEN_TARGET))
        rows.append(("a0. python -c pass: launch to exit, for scale", bare, None))
    parts = breakdown()
    for i, (name, seconds) in enumerate(parts["parts"].items(), 1):
        rows.append((f"a{i}. first screen, in-process: {name}", seconds, None))
    times, cached, count = render_times(args.samples)
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    rows.append((f"b. keypress, new frame ({count:,} frames, 80x24): median", statistics.median(times), None))
    rows.append(("b. keypress, new frame: p95", p95, None))
    rows.append(("b. keypress, new frame: max", times[-1], KEYPRESS_TARGET))
    rows.append(("b. keypress, cached frame", cached, KEYPRESS_TARGET))
    if have_pty:
        keys = sorted(pty_keypresses(args.jumps))
        rows.append((f"b. keypress in a pty, jump to a random step: median of {args.jumps}", statistics.median(keys),
                     None))
        rows.append(("b. keypress in a pty: max", keys[-1], KEYPRESS_TARGET))

    missed = False
    width = max(len(r[0]) for r in rows)
    print(f"{'benchmark':<{width}}  {'seconds':>8}  {'target':>7}  verdict")
    for name, seconds, target in rows:
        verdict = "" if target is None else ("ok" if seconds <= target else "MISS")
        missed |= verdict == "MISS"
        print(f"{name:<{width}}  {seconds:>8.4f}  {'' if target is None else f'{target:.2f}':>7}  {verdict}")
    print(f"sympy imported before the first screen: {'yes' if parts['sympy'] else 'no'}")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
