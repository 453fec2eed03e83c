"""The speed of `bpwalk train` with an optimizer, against a PyTorch process doing the same.

Each row times two whole processes from spawn to exit, side by side in every round (one after
the other, so that a busy machine slows both alike), and keeps the best of N rounds of each:

    bpwalk:  python -m bpwalk train adam-mazur -n 10000   (its report, written to a pipe)
    torch:   python -c SCRIPT   (Mazur's 2-2-2 sigmoid network in float64, torch.optim.Adam)

and the same with plain SGD (`bpwalk train mazur`, torch.optim.SGD). Before timing, each pair's
final losses must agree to 1e-9 relative (bpwalk's from one untimed run with --json), so that
both do the same work. The target: bpwalk's
best time at most 1/10 of torch's. Usage (from the repository root, bpwalk installed or not):

    python benchmarks/bench_optim.py [--rounds 5] [--iterations 10000]

Needs torch (a benchmark-only dependency: pip install torch). Exit status 1 when a row misses.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 0.1

# Mazur's network as bpwalk's mazur.yaml has it: the biases are given, not trained
TORCH = """
import sys, torch
torch.set_num_threads(1)
n, opt_name, lr = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
d = torch.float64
x = torch.tensor([0.05, 0.1], dtype=d)
t = torch.tensor([0.01, 0.99], dtype=d)
W1 = torch.tensor([[0.15, 0.2], [0.25, 0.3]], dtype=d, requires_grad=True)
W2 = torch.tensor([[0.4, 0.45], [0.5, 0.55]], dtype=d, requires_grad=True)
b1, b2 = torch.tensor(0.35, dtype=d), torch.tensor(0.6, dtype=d)
opt = (torch.optim.Adam if opt_name == "adam" else torch.optim.SGD)([W1, W2], lr=lr)
def loss():
    o = torch.sigmoid(W2 @ torch.sigmoid(W1 @ x + b1) + b2)
    return 0.5 * ((t - o) ** 2).sum()
for _ in range(n):
    opt.zero_grad()
    loss().backward()
    opt.step()
with torch.no_grad():
    print(repr(loss().item()))
"""

ROWS = (
    ("a", "Adam", ["train", "adam-mazur"], "adam", 0.01),
    ("b", "SGD", ["train", "mazur"], "sgd", 0.5),
)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return env


def _timed(cmd: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=_env(), check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])}... failed:\n{done.stderr}")
    return seconds, done.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--iterations", type=int, default=10_000)
    args = parser.parse_args()
    try:
        import torch  # noqa: F401
    except ImportError:
        print("torch is not installed: pip install torch")
        return 1
    n = str(args.iterations)
    missed = False
    print(f"{'row':<4}{'optimizer':<10}{'bpwalk s':>10}{'torch s':>10}{'ratio':>8}  target <= {TARGET}  final loss")
    for row, label, bp_args, opt, lr in ROWS:
        bp_cmd = [sys.executable, "-m", "bpwalk", *bp_args, "-n", n]
        torch_cmd = [sys.executable, "-c", TORCH, n, opt, repr(lr)]
        bp_loss = json.loads(_timed([*bp_cmd, "--json"])[1])["final_loss"]
        bp_best = torch_best = float("inf")
        for _ in range(args.rounds):
            seconds, out = _timed(bp_cmd)
            bp_best = min(bp_best, seconds)
            seconds, out = _timed(torch_cmd)
            torch_best = min(torch_best, seconds)
            torch_loss = float(out)
            if abs(bp_loss - torch_loss) > 1e-9 * max(abs(torch_loss), 1e-300):
                raise SystemExit(f"row {row}: bpwalk's final loss {bp_loss!r} is not torch's {torch_loss!r}")
        ratio = bp_best / torch_best
        ok = ratio <= TARGET
        missed |= not ok
        print(f"{row:<4}{label:<10}{bp_best:>10.3f}{torch_best:>10.3f}{ratio:>8.3f}  {'met' if ok else 'MISSED':<13}"
              f"{bp_loss:.6g}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
