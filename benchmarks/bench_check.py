"""Time `bpwalk check` on long runs against `bpwalk train` on the same scenario, in the same run.

    python benchmarks/bench_check.py              # the table (about a minute: two 1,000,000-iteration runs)
    python benchmarks/bench_check.py --runs 3     # best of 3 launches of each command

Rows (each command is launched as `python -m bpwalk`, so start-up counts on both sides):
  a. Mazur's network, 10,000 iterations, the three final.* numbers as Mazur printed them (all
     wrong: check replays mistake models over the 10,000 iterations to explain them); no target.
  a'. the same with the three numbers as computed (all agree); check / train <= 3.
  b. 1,000,000 iterations, three final.* numbers that agree: check / train <= 3, and check's
     peak memory (max RSS) <= 300 MB.

The ratio is over the peer measured in the same run, `bpwalk train` on the same file, so a
busy machine slows both alike. Each round launches train then check; each keeps its best.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
try:
    import bpwalk  # noqa: F401
except ImportError:  # not installed: run from a checkout
    sys.path.insert(0, str(ROOT))

from bpwalk.engine.train import train
from bpwalk.read import load_scenario

MAZUR_PRINTED = ("0.015912196", "0.984065734", "0.0000351085")   # his figures after 10,000 iterations


def scenario_text(iterations: int, printed: tuple[str, str, str]) -> str:
    base = (ROOT / "scenarios" / "mazur.yaml").read_text(encoding="utf-8")
    base = base.split("\nexpect:", 1)[0].replace("\niterations: 1\n", f"\niterations: {iterations}\n")
    keys = ("final.out.o1", "final.out.o2", "final.total_loss")
    return base + "\nexpect:\n" + "".join(f"  - {{key: {k}, value: {v}}}\n" for k, v in zip(keys, printed))


def computed(path: Path) -> tuple[str, str, str]:
    """The three final numbers as computed, printed so that they agree."""
    result = train(load_scenario(path))
    (o1, o2), = result.final_outputs
    return f"{o1:.9f}", f"{o2:.9f}", f"{result.final_loss:.6e}"


def launch(args: list[str]) -> tuple[float, int, int]:
    """(wall seconds, exit status, max RSS in bytes) of `python -m bpwalk ARGS`."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "bpwalk", *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return seconds, proc.returncode, usage.ru_maxrss * 1024


def measure(path: Path, runs: int, expect_status: int) -> tuple[float, float, int]:
    """Best train seconds, best check seconds, check's largest max RSS."""
    best_train = best_check = float("inf")
    rss = 0
    for _ in range(runs):
        seconds, status, _ = launch(["train", str(path)])
        assert status == 0, status
        best_train = min(best_train, seconds)
        seconds, status, peak = launch(["check", str(path)])
        assert status == expect_status, (path, status)
        best_check = min(best_check, seconds)
        rss = max(rss, peak)
    return best_train, best_check, rss


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=1, help="launches of each command per row, best kept (default 1)")
    args = parser.parse_args(argv)
    rows: list[tuple[str, ...]] = []
    misses = 0
    with tempfile.TemporaryDirectory() as tmp:
        cases = []
        for label, iterations, printed in (("a. 10,000 iterations, Mazur's printed figures", 10_000, MAZUR_PRINTED),
                                           ("a'. 10,000 iterations, computed figures", 10_000, None),
                                           ("b. 1,000,000 iterations, computed figures", 1_000_000, None)):
            path = Path(tmp) / f"mazur-{iterations}-{len(cases)}.yaml"
            path.write_text(scenario_text(iterations, MAZUR_PRINTED), encoding="utf-8")
            if printed is None:
                path.write_text(scenario_text(iterations, computed(path)), encoding="utf-8")
            cases.append((label, path, printed is None))
        for label, path, agrees in cases:
            t_train, t_check, rss = measure(path, args.runs, 0 if agrees else 1)
            ratio = t_check / t_train
            target = "<= 3, <= 300 MB" if agrees else "-"
            ok = not agrees or (ratio <= 3 and rss <= 300e6)
            misses += not ok
            rows.append((label, f"{t_train:.2f}", f"{t_check:.2f}", f"{ratio:.2f}", f"{rss / 1e6:.0f}", target,
                         ("ok" if ok else "MISS") if agrees else "-"))
    header = ("row", "train s", "check s", "check/train", "check MB", "target", "verdict")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for i, row in enumerate([header, *rows]):
        print("  ".join(c.ljust(w) if n in (0, 5, 6) else c.rjust(w) for n, (c, w) in enumerate(zip(row, widths))).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
