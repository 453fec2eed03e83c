"""Time the quiz's diagnosis of a wrong answer against computing the walk-through, in the same run.

    python benchmarks/bench_quiz.py              # the table (about half a minute)
    python benchmarks/bench_quiz.py --runs 5     # best of 5 of each

A wrong answer that no mistake model explains is the slowest case: every model is tried.
For each built-in scenario named below, one question in ten (and the last three) gets such an
answer; the row shows the worst diagnosis and its ratio over a floor measured in the same run:
a fixed piece of pure-Python arithmetic (a million float multiply-adds, about 0.03 s on an idle
core), so that a busy or slow machine slows both alike. Target: worst <= 10 floors (about a
third of a second here): an answer never waits noticeably longer than a keypress.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
try:
    import bpwalk  # noqa: F401
except ImportError:  # not installed: run from a checkout
    sys.path.insert(0, str(ROOT))

from bpwalk.engine.trace import run
from bpwalk.read import load_scenario
from bpwalk.read.builtin import resolve
from bpwalk.walk.quiz import Quiz

SCENARIOS = ("mazur", "deep-relu", "minibatch-xor", "adam-mazur")
TARGET = 10.0


def best(seconds: list[float]) -> float:
    return min(seconds)


def floor(runs: int) -> float:
    """A million float multiply-adds in pure Python: the unit the diagnosis is measured in."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        x = 0.0
        for i in range(1_000_000):
            x = x * 0.999999 + 1.0
        times.append(time.perf_counter() - start)
        assert x > 0.0
    return best(times)


def worst_diagnosis(name: str, runs: int) -> tuple[float, int]:
    """The slowest unexplained wrong answer (best of `runs` per question), and how many were asked."""
    trace = run(load_scenario(resolve(name)))
    asked = sorted(Quiz(trace).questions)
    picked = asked[::10] + asked[-3:]
    worst = 0.0
    for step in picked:
        times = []
        for _ in range(runs):
            quiz = Quiz(trace)
            quiz.skip_to(step)
            wrong = f"{quiz.current.value * 1.37 + 0.1234567:.9g}"   # no mistake model gives this
            start = time.perf_counter()
            grade = quiz.answer(wrong)
            times.append(time.perf_counter() - start)
            assert grade.verdict == "wrong", (name, step, wrong, grade.verdict)
        worst = max(worst, best(times))
    return worst, len(picked)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    failed = False
    print(f"{'scenario':<16}{'questions':>10}{'floor s':>10}{'worst s':>10}{'ratio':>8}  target <= {TARGET:g}")
    for name in SCENARIOS:
        unit = floor(args.runs)
        worst, count = worst_diagnosis(name, args.runs)
        ratio = worst / unit
        failed |= ratio > TARGET
        print(f"{name:<16}{count:>10}{unit:>10.3f}{worst:>10.3f}{ratio:>8.1f}  {'ok' if ratio <= TARGET else 'MISS'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
