"""Time the engine: the numbers-only trainer, the step-recording tracer, and PyTorch for comparison.

    python benchmarks/bench_engine.py              # the table
    python benchmarks/bench_engine.py --profile    # and where the time goes (cProfile)

Rows:
  a. Mazur's 2-2-2 sigmoid network, 10,000 iterations of `train` (no steps), best of 5; target < 0.3 s.
  b. One iteration of `run` (every step recorded) on a 100-100-100-10 sigmoid network with
     seeded random weights and one sample, best of 3; target < 2 s.
  c. The loop of (a) in PyTorch, float64, when torch is importable (the row is skipped otherwise).

The scenarios are built in code, so the script needs no scenario file and no YAML loader.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import math
import platform
import pstats
import random
import sys
import time
from pathlib import Path
from typing import Callable

try:
    import bpwalk  # noqa: F401
except ImportError:  # not installed: run from a checkout
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bpwalk.scenario import Layer, Sample, Scenario
from bpwalk.engine.trace import estimate_steps, run
from bpwalk.engine.train import train

MAZUR_ITERATIONS = 10_000
MAZUR_FINAL_LOSS = 3.510187782978859e-05   # the loss after 10,000 iterations (Mazur reports 0.0000351085)


def mazur() -> Scenario:
    """Mazur's worked example: 2-2-2 sigmoid, shared untrained biases, half_sse, learning rate 0.5."""
    return Scenario(
        title="Mazur's 2-2-2 sigmoid network",
        inputs=("i1", "i2"),
        layers=(
            Layer(("h1", "h2"), "sigmoid", ((0.15, 0.20), (0.25, 0.30)), (("w1", "w2"), ("w3", "w4")),
                  bias="shared", biases=(0.35,), bias_names=("b1",), train_bias=False),
            Layer(("o1", "o2"), "sigmoid", ((0.40, 0.45), (0.50, 0.55)), (("w5", "w6"), ("w7", "w8")),
                  bias="shared", biases=(0.60,), bias_names=("b2",), train_bias=False),
        ),
        samples=(Sample((0.05, 0.10), (0.01, 0.99)),),
        learning_rate=0.5,
    )


def wide(sizes: tuple[int, ...] = (100, 100, 100, 10), seed: int = 20240601) -> Scenario:
    """A sigmoid network of the given sizes (inputs first), per-unit biases, weights ~ U(-1/sqrt(n), 1/sqrt(n))."""
    rng = random.Random(seed)
    inputs = tuple(f"x{j + 1}" for j in range(sizes[0]))
    layers = []
    k = 0
    hidden = 0
    for l, (prev, size) in enumerate(zip(sizes, sizes[1:]), 1):
        last = l == len(sizes) - 1
        units = tuple(f"o{u + 1}" if last else f"h{hidden + u + 1}" for u in range(size))
        hidden += 0 if last else size
        scale = 1.0 / math.sqrt(prev)
        weights = tuple(tuple(rng.uniform(-scale, scale) for _ in range(prev)) for _ in range(size))
        names = []
        for _ in range(size):
            names.append(tuple(f"w{k + j + 1}" for j in range(prev)))
            k += prev
        layers.append(Layer(units, "sigmoid", weights, tuple(names), bias="per_unit",
                            biases=tuple(rng.uniform(-0.1, 0.1) for _ in range(size)),
                            bias_names=tuple(f"b{l}_{u + 1}" for u in range(size))))
    sample = Sample(tuple(rng.uniform(-1.0, 1.0) for _ in range(sizes[0])),
                    tuple(rng.uniform(0.0, 1.0) for _ in range(sizes[-1])))
    return Scenario(title="100-100-100-10", inputs=inputs, layers=tuple(layers), samples=(sample,),
                    learning_rate=0.1)


def best_of(repeat: int, fn: Callable[[], object]) -> tuple[float, object]:
    """The shortest of `repeat` wall-clock timings, and the last result."""
    best, result = math.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def torch_mazur(iterations: int) -> Callable[[], float] | None:
    """Mazur's loop in PyTorch float64 (autograd, plain SGD), or None without torch."""
    try:
        import torch
    except ImportError:
        return None

    def loop() -> float:
        dt = torch.float64
        x = torch.tensor([0.05, 0.10], dtype=dt)
        t = torch.tensor([0.01, 0.99], dtype=dt)
        w1 = torch.tensor([[0.15, 0.20], [0.25, 0.30]], dtype=dt, requires_grad=True)
        w2 = torch.tensor([[0.40, 0.45], [0.50, 0.55]], dtype=dt, requires_grad=True)
        b1, b2 = 0.35, 0.60
        loss = None
        for _ in range(iterations):
            h = torch.sigmoid(w1 @ x + b1)
            o = torch.sigmoid(w2 @ h + b2)
            loss = 0.5 * ((t - o) ** 2).sum()
            loss.backward()
            with torch.no_grad():
                w1 -= 0.5 * w1.grad
                w2 -= 0.5 * w2.grad
                w1.grad.zero_()
                w2.grad.zero_()
        with torch.no_grad():
            o = torch.sigmoid(w2 @ torch.sigmoid(w1 @ x + b1) + b2)
            return float(0.5 * ((t - o) ** 2).sum())

    return loop


def profile(label: str, fn: Callable[[], object], lines: int) -> None:
    prof = cProfile.Profile()
    prof.enable()
    fn()
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(lines)
    print(f"\n--- cProfile: {label} (sorted by own time) ---")
    print(out.getvalue().split("\n", 6)[-1].rstrip())   # drop pstats' header lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--profile", action="store_true", help="also print cProfile tables of (a) and (b)")
    parser.add_argument("--lines", type=int, default=15, help="rows of each cProfile table (default 15)")
    args = parser.parse_args(argv)

    rows: list[tuple[str, str, str, str]] = []
    misses = 0

    sc_a = mazur()
    seconds, result = best_of(5, lambda: train(sc_a, MAZUR_ITERATIONS))
    assert abs(result.final_loss - MAZUR_FINAL_LOSS) < 1e-15, result.final_loss
    ok = seconds < 0.3
    misses += not ok
    rows.append((f"a. train: Mazur 2-2-2, {MAZUR_ITERATIONS:,} iterations (best of 5)",
                 f"{seconds:.3f}", "< 0.3", "ok" if ok else "MISS"))

    sc_b = wide()
    steps = estimate_steps(sc_b, 1)
    seconds, trace = best_of(3, lambda: run(sc_b, 1))
    assert len(trace.steps) == steps, (len(trace.steps), steps)
    ok = seconds < 2.0
    misses += not ok
    rows.append((f"b. run: 100-100-100-10 sigmoid, 1 iteration, {len(trace.steps):,} steps (best of 3)",
                 f"{seconds:.3f}", "< 2", "ok" if ok else "MISS"))

    loop = torch_mazur(MAZUR_ITERATIONS)
    if loop is None:
        rows.append((f"c. PyTorch float64: Mazur, {MAZUR_ITERATIONS:,} iterations", "-", "-", "skipped (no torch)"))
    else:
        seconds, final = best_of(5, loop)
        assert abs(final - result.final_loss) < 1e-12, (final, result.final_loss)
        rows.append((f"c. PyTorch float64: Mazur, {MAZUR_ITERATIONS:,} iterations (best of 5)",
                     f"{seconds:.3f}", "-", "for comparison"))

    header = ("benchmark", "seconds", "target", "verdict")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    print(f"Python {platform.python_version()} on {platform.machine()}, {platform.system()}")
    for i, row in enumerate([header, *rows]):
        cells = [cell.ljust(w) if c in (0, 3) else cell.rjust(w) for c, (cell, w) in enumerate(zip(row, widths))]
        print("  ".join(cells).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))

    if args.profile:
        profile("a. train, Mazur", lambda: train(sc_a, MAZUR_ITERATIONS), args.lines)
        profile("b. run, 100-100-100-10", lambda: run(sc_b, 1), args.lines)
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
