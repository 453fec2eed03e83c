"""Time the interactive walk-through: launch to first screen, and one keypress's redraw.

    python benchmarks/bench_run.py            # the table
    python benchmarks/bench_run.py --runs 10  # more launches (best of N)

Rows:
  a. `bpwalk run mazur` in a pseudo-terminal (80x24): from spawn to the first status line,
     best of 15; target < 0.25 s. Row a0 is `python -c pass` the same way, for scale. Row a'
     is the peer, `python -c "import rich, typer"` spawned the same way to its exit, and the
     ratio first screen / peer; target <= 1.5 (what bpwalk adds on top of its two libraries).
     Row a" is the floor of that ratio: the peer importing also rich.console, rich.table and
     yaml, which no first screen can do without. The commands are interleaved, so that a busy
     machine slows them alike. The rows a1.. break a launch down in-process (fresh
     interpreters, best of 5 each), with whether sympy was imported before the first screen.
  b. One keypress's redraw on a 1,000-step trace (mazur, 21 iterations), 80x24: rendering a
     frame not seen before (random frames, the cache cleared each time; median, p95 and max),
     redrawing a frame already cached, and in a pseudo-terminal from the Enter of a typed
     step number to its status line (median and max of random jumps); target < 0.05 s.

Needs pexpect for the pseudo-terminal rows (they are skipped without it). Exit status 1 when
a row misses its target.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
try:
    import bpwalk  # noqa: F401
except ImportError:  # not installed: run from a checkout
    sys.path.insert(0, str(ROOT))

FIRST_SCREEN_TARGET = 0.25
STARTUP_RATIO_TARGET = 1.5   # the first screen within 1.5x the peer's start-up
PEER = ["-c", "import rich, typer"]   # what any rich + typer CLI pays before its own code runs
# What no first screen can do without: a console, tables and a YAML reader, on top of the peer.
LIBRARIES = ["-c", "import rich, typer, rich.console, rich.table, yaml"]
LAUNCHES: dict[str, tuple[list[str], re.Pattern[str] | None]] = {
    "launch": (["-m", "bpwalk", "run", "mazur"], re.compile(r"\[1/60\]")),
    "peer": (PEER, None),
    "libraries": (LIBRARIES, None),
    "bare": (["-c", "pass"], None),
}
KEYPRESS_TARGET = 0.05
BIG_ITERATIONS = 21          # mazur with 21 iterations has exactly 1,000 steps
COUNTER = re.compile(r"\[(\d+)/(\d+)\]")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


# Children read compiled bytecode, as an installed bpwalk does (pip compiles it): with
# PYTHONDONTWRITEBYTECODE set, bpwalk alone would be compiled from source at every launch while
# rich and typer are not. The cache is a temporary folder, so the checkout stays clean.
PYCACHE = tempfile.mkdtemp(prefix="bpwalk-bench-pyc-")
atexit.register(shutil.rmtree, PYCACHE, ignore_errors=True)


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("NO_COLOR", "COLUMNS", "LINES", "PYTHONDONTWRITEBYTECODE")}
    env.update(TERM="xterm-256color", PYTHONPATH=str(ROOT), PYTHONPYCACHEPREFIX=PYCACHE)
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


def spawn_time(args: list[str], until: re.Pattern[str] | None = None) -> tuple[float, float | None]:
    """Spawn `python ARGS` in an 80x24 pseudo-terminal: (wall, CPU) seconds until `until` is shown (None: exit).

    The load disturbs the CPU time less than the wall time: the process's own to its exit (from
    getrusage once it is reaped), or its main thread's until `until` is shown (from /proc; None
    where there is no /proc).
    """
    import resource

    import pexpect

    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    child = pexpect.spawn(sys.executable, args, env=child_env(), cwd=str(ROOT), dimensions=(24, 80),
                          encoding="utf-8")
    if until is None:
        child.expect(pexpect.EOF, timeout=20)
        seconds = time.perf_counter() - started
        child.close()
        now = resource.getrusage(resource.RUSAGE_CHILDREN)
        return seconds, now.ru_utime + now.ru_stime - used.ru_utime - used.ru_stime
    shown, _ = wait_for(child, until)
    seconds = shown - started
    try:
        cpu: float | None = int(Path(f"/proc/{child.pid}/schedstat").read_text().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        cpu = None
    child.send("q")
    child.expect(pexpect.EOF, timeout=20)
    child.close()
    return seconds, cpu


def first_screen(runs: int) -> dict[str, list[tuple[float, float | None]]]:
    """Spawn each command of LAUNCHES `runs` times: (wall, CPU) seconds of each, in rounds.

    Each round runs every command once, so that a busy machine slows them alike. One untimed
    round first fills the bytecode cache and the file system's.
    """
    for args, until in LAUNCHES.values():
        spawn_time(args, until)
    times: dict[str, list[tuple[float, float | None]]] = {name: [] for name in LAUNCHES}
    for _ in range(runs):
        for name, (args, until) in LAUNCHES.items():
            times[name].append(spawn_time(args, until))
    return times


def median_ratio(runs: list[tuple[float, float | None]], peers: list[tuple[float, float | None]]) -> float:
    """The median of the rounds' wall-time ratios: a burst of load can favour one command's best run."""
    return statistics.median(run[0] / peer[0] for run, peer in zip(runs, peers))


BREAKDOWN = r"""
import json, sys, time
from io import StringIO
t = [time.perf_counter()]
import rich, typer; t.append(time.perf_counter())
import bpwalk.cli; t.append(time.perf_counter())
sc = bpwalk.cli.load("mazur"); t.append(time.perf_counter())
from bpwalk.engine.trace import run; trace = run(sc); t.append(time.perf_counter())
from rich.console import Console
from bpwalk.tui.app import WalkSession
from bpwalk.tui.loop import Painter
from bpwalk.walk.styles import frames_for
from bpwalk.render.views import Settings
t.append(time.perf_counter())
frames = frames_for(trace, sc.display.style); t.append(time.perf_counter())
console = Console(file=StringIO(), width=80, height=24, force_terminal=True, emoji=False)   # as bpwalk run makes it
Painter(console).paint(WalkSession(trace, frames, Settings())); t.append(time.perf_counter())
names = ["import rich, typer (the peer)", "import bpwalk.cli (on top)", "load mazur.yaml", "trace", "import render",
         "frames", "first paint"]
print(json.dumps({"parts": dict(zip(names, [b - a for a, b in zip(t, t[1:])])), "sympy": "sympy" in sys.modules}))
"""


def breakdown(runs: int = 5) -> dict:
    """Where a launch's time goes, each part the best of `runs` fresh interpreters."""
    results = [json.loads(subprocess.run([sys.executable, "-c", BREAKDOWN], env=child_env(), cwd=str(ROOT),
                                         capture_output=True, text=True, check=True).stdout) for _ in range(runs)]
    parts = {name: min(r["parts"][name] for r in results) for name in results[0]["parts"]}
    return {"parts": parts, "sympy": any(r["sympy"] for r in results)}


def render_times(samples: int) -> tuple[list[float], float, int]:
    """(uncached paint times of random frames, best cached repaint, frame count) at 80x24."""
    import bpwalk.formula.equations  # noqa: F401  (the app imports it in the background after the first screen)
    from rich.console import Console

    from bpwalk.read.builtin import resolve
    from bpwalk.tui.app import WalkSession
    from bpwalk.tui.loop import Painter
    from bpwalk.walk.styles import frames_for
    from bpwalk.walk.navigate import NavState
    from bpwalk.render.views import Settings
    from bpwalk.read import load_scenario
    from bpwalk.engine.trace import run

    sc = load_scenario(resolve("mazur"))
    trace = run(sc, BIG_ITERATIONS)
    frames = frames_for(trace, sc.display.style)
    console = Console(file=StringIO(), width=80, height=24, force_terminal=True, color_system="truecolor",
                      emoji=False)
    session = WalkSession(trace, frames, Settings(digits=sc.display.precision))
    painter = Painter(console)
    rng = random.Random(7)
    times = []
    for _ in range(samples):
        session.navigator.state = NavState(rng.randrange(len(frames)))
        painter.cache.clear()
        started = time.perf_counter()
        painter.paint(session)
        times.append(time.perf_counter() - started)
        console.file.seek(0)
        console.file.truncate()
    cached = []
    for _ in range(20):
        started = time.perf_counter()
        painter.paint(session)
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
    parser.add_argument("--runs", type=int, default=15,
                        help="rounds of launches for the rows a, a0, a' and a\" (best of N each)")
    parser.add_argument("--samples", type=int, default=200, help="random frames rendered for row b")
    parser.add_argument("--jumps", type=int, default=30, help="keypresses timed in the pseudo-terminal")
    args = parser.parse_args()

    try:
        import pexpect  # noqa: F401
        have_pty = True
    except ImportError:
        have_pty = False

    rows: list[tuple[str, float, float | None, str]] = []
    if have_pty:
        times = first_screen(args.runs)
        best = {name: min(wall for wall, _ in seen) for name, seen in times.items()}
        launch, peer = best["launch"], best["peer"]
        cpu = {name: min((c for _, c in seen if c is not None), default=None) for name, seen in times.items()}
        rows.append((f"a. bpwalk run mazur: launch to first screen (pty, best of {args.runs})", launch,
                     FIRST_SCREEN_TARGET, "s"))
        rows.append(("a0. python -c pass: launch to exit, for scale", best["bare"], None, "s"))
        rows.append(("a'. python -c 'import rich, typer': launch to exit (the peer)", peer, None, "s"))
        rows.append((f"a'. first screen / peer (best of {args.runs} / best of {args.runs})", launch / peer,
                     STARTUP_RATIO_TARGET, "x"))
        rows.append(("a'. first screen / peer, median of the rounds' ratios",
                     median_ratio(times["launch"], times["peer"]), None, "x"))
        if cpu["launch"] is not None:
            rows.append(("a'. first screen / peer in CPU time (best of each)", cpu["launch"] / cpu["peer"], None, "x"))
        rows.append(("a\". peer + rich.console, rich.table, yaml / peer, median of the rounds' ratios",
                     median_ratio(times["libraries"], times["peer"]), None, "x"))
        rows.append(("a\". the same in CPU time (best of each)", cpu["libraries"] / cpu["peer"], None, "x"))
    parts = breakdown()
    for i, (name, seconds) in enumerate(parts["parts"].items(), 1):
        rows.append((f"a{i}. first screen, in-process: {name}", seconds, None, "s"))
    times, cached, count = render_times(args.samples)
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    rows.append((f"b. keypress, new frame ({count:,} frames, 80x24): median", statistics.median(times), None, "s"))
    rows.append(("b. keypress, new frame: p95", p95, None, "s"))
    rows.append(("b. keypress, new frame: max", times[-1], KEYPRESS_TARGET, "s"))
    rows.append(("b. keypress, cached frame", cached, KEYPRESS_TARGET, "s"))
    if have_pty:
        keys = sorted(pty_keypresses(args.jumps))
        rows.append((f"b. keypress in a pty, jump to a random step: median of {args.jumps}", statistics.median(keys),
                     None, "s"))
        rows.append(("b. keypress in a pty: max", keys[-1], KEYPRESS_TARGET, "s"))

    missed = False
    width = max(len(r[0]) for r in rows)
    print(f"{'benchmark':<{width}}  {'value':>9}  {'target':>8}  verdict")
    for name, value, target, unit in rows:
        verdict = "" if target is None else ("ok" if value <= target else "MISS")
        missed |= verdict == "MISS"
        shown = f"{value:.4f} s" if unit == "s" else f"{value:.2f} x"
        aim = "" if target is None else (f"{target:.2f} s" if unit == "s" else f"{target:.2f} x")
        print(f"{name:<{width}}  {shown:>9}  {aim:>8}  {verdict}")
    print(f"sympy imported before the first screen: {'yes' if parts['sympy'] else 'no'}")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
