"""The mistake models added for issue 10, each on a real case or a document built to show it.

The wrong numbers are made here by hand (math.exp and the printed digits), not by the engine,
so that a model passes only if it really reproduces the mistake.
"""

from __future__ import annotations

from dataclasses import replace

from bpwalk.check.audit import check
from bpwalk.engine.train import train
from bpwalk.read import load_scenario
from bpwalk.read.builtin import resolve
from bpwalk.scenario import Expect
try:
    from test_check import D_O1, D_O2, H1, O1, O2, f, mazur
except ImportError:  # tests/ imported as a package
    from tests.test_check import D_O1, D_O2, H1, O1, O2, f, mazur


def _mazur_run(iterations: int, *entries: tuple[str, str, int]):
    sc = load_scenario(resolve("mazur")).with_iterations(iterations)
    return check(replace(sc, expect=tuple(Expect(k, float(v), v, iteration=it) for k, v, it in entries)))


def test_truncated_instead_of_rounded() -> None:
    assert f"{O1:.10f}" == "0.7513650696"
    v = mazur(("out.o1", "0.751365069"))[0]
    assert not v.agrees
    assert v.cause == "truncated instead of rounded: 0.751365069552 to 9 decimals is 0.751365070"


def test_a_value_copied_from_the_iteration_before() -> None:
    v = _mazur_run(3, ("out.o1", f(O1, 9), 2))[0]
    assert v.cause == f"the value of out.o1 ({O1:.6g}) copied from the iteration before"


def test_a_value_copied_from_the_sample_before() -> None:
    sc = load_scenario(resolve("delta-two-samples"))
    first = check(replace(sc, expect=(Expect("out.h", 0.0, "0", sample=1),)))[0].computed
    v = check(replace(sc, expect=(Expect("out.h", round(first, 6), f(first), sample=2),)))[0]
    assert not v.agrees and v.cause.startswith("the value of out.h (") and v.cause.endswith("copied from the sample before")


def test_carried_from_two_earlier_wrong_numbers() -> None:
    d_out = 0.14 * 0.40 + (-0.04) * 0.50        # dE/dout_h1 = delta_o1 w5 + delta_o2 w7, both deltas wrong
    found = mazur(("delta.o1", "0.1400"), ("delta.o2", "-0.0400"), ("dE_dout.h1", f(d_out, 6)))
    assert found[2].cause == "carried from delta.o2 = -0.0400 and delta.o1 = 0.1400 (both wrong)"
    assert found[2].root == found[1].root      # grouped under the nearer one's root


def test_the_loss_from_before_the_last_update() -> None:
    """Mazur's "the error plummets to 0.0000351085" after 10,000 iterations is the 10,000th
    iteration's own loss, computed before its update (after it: 0.0000351019)."""
    sc = load_scenario(resolve("mazur")).with_iterations(10_000)
    result = train(sc)
    assert f"{result.losses[-1]:.10f}" == "0.0000351085" and f"{result.final_loss:.10f}" == "0.0000351019"
    v = check(replace(sc, expect=(Expect("final.total_loss", 0.0000351085, "0.0000351085"),)))[0]
    assert v.cause == ("off by one iteration: the value of total_loss (iteration 10000) before the last update "
                       "(3.51085e-5), not after it")


def test_the_loss_after_the_update() -> None:
    sc = load_scenario(resolve("mazur")).with_iterations(2)
    second = train(sc).losses[1]
    v = check(replace(sc, expect=(Expect("total_loss", round(second, 9), f(second, 9)),)))[0]
    assert v.cause == f"off by one iteration: the loss after this iteration's update ({second:.6g}), the next iteration's"


def test_a_digit_dropped_and_the_decimal_point_shifted() -> None:
    right = f(O2, 9)                             # 0.772928465
    dropped = right[:5] + right[6:]              # 0.77228465: the 9 left out
    found = mazur(("out.o2", dropped), ("grad.w5", f(100 * D_O1 * H1, 6)))
    assert found[0].cause == f"a digit dropped: the 9 left out (the value is {right})"
    assert found[1].cause.startswith("decimal point slipped: a hundred times too large")


def test_the_other_sign_convention_is_one_cause() -> None:
    """δ = −∂E/∂net and error = t − y (Mitchell): every δ and Δw has the other sign, the weights agree."""
    new_w5 = 0.40 - 0.5 * D_O1 * H1
    found = mazur(("delta.o1", f(-D_O1, 8)), ("delta.o2", f(-D_O2, 8)), ("grad.w5", f(-D_O1 * H1, 8)),
                  ("new.w5", f(new_w5, 8)))
    convention = ("the other sign convention: every δ and gradient has the opposite sign "
                  "(δ = −∂E/∂net, error = t − y, as in Mitchell's Machine Learning)")
    assert [v.cause for v in found] == [convention, convention, convention, None]
    assert {v.root for v in found[:3]} == {found[0].where}
    # one sign slip is not a convention
    assert mazur(("delta.o1", f(-D_O1, 8)), ("delta.o2", f(D_O2, 8)))[0].cause.startswith("sign flipped")
