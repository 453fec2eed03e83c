"""`bpwalk check` on long runs: it computes what the entries name, not a recording of the run.

The window of traced iterations must give the numbers of the full trace bit for bit, and a
check of a long run must stay small in memory (measured with tracemalloc, never timed).
"""

from __future__ import annotations

import math
import tracemalloc
from dataclasses import replace

import pytest

from bpwalk.check.audit import check
from bpwalk.check.window import trace_window
from bpwalk.engine.passes import decimal_rounder
from bpwalk.engine.trace import run
from bpwalk.engine.train import train
from bpwalk.read import load_scenario
from bpwalk.read.builtin import resolve
from bpwalk.scenario import Expect


def _values(trace, iteration: int) -> list[tuple[str, int | None, float]]:
    return [(s.quantity, s.sample, s.value) for s in trace.steps if s.iteration == iteration and s.value is not None]


@pytest.mark.parametrize("name, update, rounding", [
    ("mazur", "batch", None), ("delta-two-samples", "batch", None), ("delta-two-samples", "per_sample", None),
    ("mazur-matrix", "batch", 4), ("softmax-3class", "batch", None),
])
def test_window_is_the_full_trace_bit_for_bit(name: str, update: str, rounding: int | None) -> None:
    sc = replace(load_scenario(resolve(name)), update=update).with_iterations(6)
    rounder = None if rounding is None else decimal_rounder(rounding)
    full = run(sc, rounder=rounder)
    window = trace_window(sc, {2, 5, 6}, rounder, between=rounder)
    for k in (2, 5, 6):
        assert _values(window, k) == _values(full, k)
    assert _values(window, None) == _values(full, None)        # the final pass
    assert window.parameters_before(5) == full.iterations[3].new
    assert window.value("final.total_loss") == full.final.total_loss
    with pytest.raises(KeyError):
        window.value("out.o1", 3)


def _long_mazur(iterations: int) -> tuple:
    sc = load_scenario(resolve("mazur")).with_iterations(iterations)
    result = train(sc)
    (o1, o2), = result.final_outputs
    entries = (Expect("final.out.o1", round(o1, 9), f"{o1:.9f}"), Expect("final.out.o2", round(o2, 9), f"{o2:.9f}"),
               Expect("final.total_loss", result.final_loss, repr(result.final_loss)))
    return replace(sc, expect=entries), result


def test_a_long_check_stays_small() -> None:
    """20,000 iterations: a full trace would hold about 2.5 million steps (it used to need gigabytes)."""
    sc, result = _long_mazur(20_000)
    tracemalloc.start()
    try:
        verdicts = check(sc)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert all(v.agrees for v in verdicts)
    assert verdicts[2].computed == result.final_loss
    assert peak < 12_000_000, peak     # the loss curve of the stretch (20,000 floats) and three traced iterations


# -- the already-updated weights, in every iteration --------------------------------------------

UPDATED = "hidden-layer gradients computed with the already-updated weights of the next layer"


def _mazur_with(entries: tuple[tuple[str, str, int], ...], iterations: int):
    sc = load_scenario(resolve("mazur")).with_iterations(iterations)
    return replace(sc, expect=tuple(Expect(k, float(v), v, iteration=it) for k, v, it in entries))


def _sig(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _mazur_first_script(iterations: int) -> list[tuple[float, float]]:
    """Mazur's first script, by hand: the hidden deltas through w5..w8 already updated.

    Returns out_o1, out_o2 of the forward pass of each iteration, and of the final pass.
    """
    w1, w2, w3, w4, w5, w6, w7, w8 = 0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55
    x1, x2, t1, t2, lr = 0.05, 0.10, 0.01, 0.99, 0.5
    outs = []
    for _ in range(iterations + 1):
        h1, h2 = _sig(w1 * x1 + w2 * x2 + 0.35), _sig(w3 * x1 + w4 * x2 + 0.35)
        o1, o2 = _sig(w5 * h1 + w6 * h2 + 0.6), _sig(w7 * h1 + w8 * h2 + 0.6)
        outs.append((o1, o2))
        d1, d2 = (o1 - t1) * o1 * (1 - o1), (o2 - t2) * o2 * (1 - o2)
        w5, w6, w7, w8 = w5 - lr * d1 * h1, w6 - lr * d1 * h2, w7 - lr * d2 * h1, w8 - lr * d2 * h2
        e1 = (d1 * w5 + d2 * w7) * h1 * (1 - h1)       # through the updated w5, w7
        e2 = (d1 * w6 + d2 * w8) * h2 * (1 - h2)
        w1, w2, w3, w4 = w1 - lr * e1 * x1, w2 - lr * e1 * x2, w3 - lr * e2 * x1, w4 - lr * e2 * x2
    return outs


def test_mazur_erratum_after_one_update_has_its_true_cause() -> None:
    """0.291027924 (true 0.291027774): one mistake, not σ′ wrong and then a digit mistyped."""
    verdicts = check(_mazur_with((("final.total_loss", "0.291027924", 1),), 1))
    assert not verdicts[0].agrees and verdicts[0].cause == UPDATED


def test_mazur_figures_after_10000_iterations() -> None:
    sc = _mazur_with((("final.out.o1", "0.015912196", 1), ("final.out.o2", "0.984065734", 1),
                      ("final.out.o1", "0.0159136204", 1), ("final.out.o2", "0.9840642735", 1)), 10_000)
    verdicts = check(sc)
    assert [v.agrees for v in verdicts] == [False, False, True, True]
    assert [v.cause for v in verdicts[:2]] == [UPDATED, UPDATED]
    by_hand = _mazur_first_script(10_000)[-1]
    assert f"{by_hand[0]:.9f}" == "0.015912196" and f"{by_hand[1]:.9f}" == "0.984065734"


def test_updated_weights_at_a_later_iteration() -> None:
    o1, _ = _mazur_first_script(3)[2]          # the forward pass of iteration 3
    verdicts = check(_mazur_with((("out.o1", f"{o1:.9f}", 3),), 5))
    assert not verdicts[0].agrees and verdicts[0].cause == UPDATED


def test_a_run_too_long_to_replay_says_so(monkeypatch) -> None:
    import bpwalk.check.recompute as recompute

    monkeypatch.setattr(recompute, "MAX_REPLAYED", 100)
    verdicts = check(_mazur_with((("final.out.o1", "0.015912196", 1),), 10_000))
    assert verdicts[0].cause == ("cause unknown: the mistakes made in every iteration were not replayed "
                                 "over 10,000 iterations (too long)")


@pytest.mark.parametrize("name", ["adam-mazur", "momentum-mazur", "minibatch-xor"])
def test_a_stateful_optimizer_is_checked_from_its_own_state(name: str) -> None:
    """Restarting a traced iteration from the parameters alone lost momentum's and Adam's state
    (and Adam's step count): 3 of adam-mazur's 8 numbers, 6 of momentum-mazur's, seemed wrong."""
    from bpwalk.check.audit import check
    from bpwalk.read import load_scenario

    verdicts = check(load_scenario(name))
    assert verdicts and all(v.agrees for v in verdicts), [v for v in verdicts if not v.agrees]
