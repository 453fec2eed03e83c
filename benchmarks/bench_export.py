"""Time the transcripts: Mazur's example, 100 iterations, to Markdown (target < 2 s), and the others.

Run from the repository root: `python benchmarks/bench_export.py`. Prints a table; exits 1
when the Markdown row misses its target. Each row includes tracing and, for the first row,
importing sympy (a fresh process would pay that too).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

try:
    import bpwalk  # noqa: F401
except ImportError:  # running from a checkout without installing
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bpwalk.read.builtin import resolve
from bpwalk.export import render
from bpwalk.read import load_scenario
from bpwalk.engine.trace import run

ROWS = [
    ("Mazur, 100 iterations -> Markdown", "md", 100, 2.0),
    ("Mazur, 100 iterations -> JSON", "json", 100, None),
    ("Mazur, 100 iterations -> HTML", "html", 100, None),
    ("Mazur, 1 iteration -> text", "txt", 1, None),
    ("Mazur, 1 iteration -> SVG", "svg", 1, None),
]


def main() -> int:
    scenario = load_scenario(resolve("mazur"))
    print(f"Python {sys.version.split()[0]}")
    print(f"{'benchmark':<40} {'seconds':>8} {'target':>7}  verdict")
    failed = False
    for i, (name, fmt, iterations, target) in enumerate(ROWS):
        start = time.perf_counter()
        text = render(run(scenario, iterations), fmt)
        seconds = time.perf_counter() - start
        assert len(text) > 1000
        verdict = "-" if target is None else ("ok" if seconds < target else "MISSED")
        failed |= verdict == "MISSED"
        note = " (includes importing sympy)" if i == 0 else ""
        print(f"{name:<40} {seconds:>8.3f} {('< %g' % target) if target else '':>7}  {verdict}{note}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
