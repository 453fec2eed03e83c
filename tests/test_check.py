"""`bpwalk check`: verdicts on the seed scenarios, each mistake model on a small case, the CLI.

The synthetic documents below are Mazur's network with one mistake made on purpose; their
wrong numbers are computed here by hand (math.exp, not the engine), so that a model passes
only if it really reproduces the mistake.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace

import pytest
from typer.testing import CliRunner

from bpwalk.read.builtin import resolve
from bpwalk.check.audit import Verdict, check
from bpwalk.cli import app
from bpwalk.check.mistakes import UNKNOWN
from bpwalk.read import load_scenario
from bpwalk.scenario import Expect
from bpwalk.read.validate import scenario_from_text

runner = CliRunner()
SEEDS = ("mazur", "mazur-matrix", "linear-2-2-1", "linear-2-2-1-fit", "delta-two-samples")


# -- Mazur's numbers by hand -------------------------------------------------------------------

def sig(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


T1, T2, LR = 0.01, 0.99, 0.5
NET_H1 = 0.15 * 0.05 + 0.20 * 0.10 + 0.35
NET_H2 = 0.25 * 0.05 + 0.30 * 0.10 + 0.35
H1, H2 = sig(NET_H1), sig(NET_H2)
NET_O1 = 0.40 * H1 + 0.45 * H2 + 0.60
NET_O2 = 0.50 * H1 + 0.55 * H2 + 0.60
O1, O2 = sig(NET_O1), sig(NET_O2)
D_O1 = (O1 - T1) * O1 * (1 - O1)          # delta.o1
D_O2 = (O2 - T2) * O2 * (1 - O2)          # delta.o2

MAZUR = """\
title: Mazur with one mistake
network:
  inputs: [i1, i2]
  layers:
    - {units: [h1, h2], activation: sigmoid, weights: [[0.15, 0.20], [0.25, 0.30]],
       bias: shared, biases: 0.35, train_bias: false}
    - {units: [o1, o2], activation: sigmoid, weights: [[0.40, 0.45], [0.50, 0.55]],
       bias: shared, biases: 0.60, train_bias: false}
learning_rate: 0.5
{extra}
samples:
  - {{inputs: [0.05, 0.10], targets: [0.01, 0.99]}}
expect:
"""


def mazur(*entries: tuple[str, str], extra: str = "") -> tuple[Verdict, ...]:
    """Check Mazur's network with these (key, printed text) entries."""
    lines = "".join(f"  - {{key: {key}, value: {text}}}\n" for key, text in entries)
    return check(scenario_from_text(MAZUR.replace("{extra}", extra).replace("{{", "{").replace("}}", "}") + lines))


def causes(verdicts: tuple[Verdict, ...]) -> dict[str, str | None]:
    return {v.key: v.cause for v in verdicts}


def f(x: float, decimals: int = 6) -> str:
    return f"{x:.{decimals}f}"


# -- the seed scenarios ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed_verdicts() -> dict[str, tuple[Verdict, ...]]:
    return {name: check(load_scenario(resolve(name))) for name in SEEDS}


@pytest.mark.parametrize("name", SEEDS)
def test_check_flags_exactly_the_errata(seed_verdicts, name: str) -> None:
    """It finds every error in the documents, and nothing that is not one."""
    sc = load_scenario(resolve(name))
    verdicts = seed_verdicts[name]
    assert len(verdicts) == len(sc.expect)
    flagged = [i for i, v in enumerate(verdicts) if not v.agrees]
    assert flagged == [i for i, e in enumerate(sc.expect) if e.erratum]
    for verdict, entry in zip(verdicts, sc.expect):
        assert (verdict.key, verdict.document_text, verdict.erratum) == (entry.key, entry.text, entry.erratum)
        assert (verdict.cause is None) == verdict.agrees


MAZUR_MATRIX_CAUSES = {
    ("dout_dnet.o1", "0.249"): "σ′ applied to the wrong value: 1 − out instead of out·(1 − out), in layer 2 (o1, o2)",
    ("dout_dnet.o2", "0.127"): "two mistakes: σ′ applied to the wrong value: 1 − out instead of out·(1 − out), in layer 2 "
                               "(o1, o2); then a digit mistyped: 2 written 1 (the value is 0.227)",
    ("delta.o1", "0.1386"): "out.o1 rounded to 0.751 (3 decimals) and carried forward",
    ("delta.o2", "-0.0386"): "a digit mistyped: 1 written 6 (the value is -0.0381)",
    ("delta.h1", "0.0087"): "carried from delta.o2 = -0.0386 (itself wrong)",
    ("delta.h2", "0.0099"): "carried from delta.o2 = -0.0386 (itself wrong)",
    ("grad.w41", "-0.0229"): "carried from delta.o2 = -0.0386 (itself wrong)",
    ("new.w32", "0.4086"): "carried from delta.o1 = 0.1386 (itself wrong)",
    ("new.w41", "0.5115"): "carried from grad.w41 = -0.0229 (itself wrong)",
    ("new.w42", "0.5615"): "carried from delta.o2 = -0.0386 (itself wrong)",
    ("grad.b2_1", "0.1386"): "carried from delta.o1 = 0.1386 (itself wrong)",
    ("grad.b2_2", "-0.0386"): "carried from delta.o2 = -0.0386 (itself wrong)",
    ("new.b2_1", "0.5307"): "carried from delta.o1 = 0.1386 (itself wrong)",
    ("new.b2_2", "0.6193"): "carried from delta.o2 = -0.0386 (itself wrong)",
    ("grad.w11", "0.00435"): "two mistakes: decimal point slipped (ten times too large) on 0.000435, "
                             "carried from delta.h1 = 0.0087 (itself wrong)",
    ("grad.w12", "0.0087"): "two mistakes: decimal point slipped (ten times too large) on 0.00087, "
                            "carried from delta.h1 = 0.0087 (itself wrong)",
    ("grad.w21", "0.00495"): "two mistakes: decimal point slipped (ten times too large) on 0.000495, "
                             "carried from delta.h2 = 0.0099 (itself wrong)",
    ("grad.w22", "0.0099"): "two mistakes: decimal point slipped (ten times too large) on 0.00099, "
                            "carried from delta.h2 = 0.0099 (itself wrong)",
    ("grad.b1_1", "0.0087"): "carried from delta.h1 = 0.0087 (itself wrong)",
    ("grad.b1_2", "0.0099"): "carried from delta.h2 = 0.0099 (itself wrong)",
}


def test_mazur_matrix_causes(seed_verdicts) -> None:
    found = {(v.key, v.document_text): v.cause for v in seed_verdicts["mazur-matrix"] if not v.agrees}
    assert found == MAZUR_MATRIX_CAUSES


def test_other_seed_causes(seed_verdicts) -> None:
    assert [(v.key, v.document_text, v.cause) for v in seed_verdicts["mazur"] if not v.agrees] == [
        ("out.o1", "0.75136079", UNKNOWN)]
    assert [(v.key, v.cause) for v in seed_verdicts["linear-2-2-1-fit"] if not v.agrees] == [
        ("delta.y", "sign flipped: the value is 1.05")]
    assert all(v.agrees for v in seed_verdicts["linear-2-2-1"])


def test_verdict_fields(seed_verdicts) -> None:
    v = next(v for v in seed_verdicts["mazur-matrix"] if v.key == "delta.o1")
    assert (v.iteration, v.sample, v.document, v.agrees) == (1, 1, 0.1386, False)
    assert v.computed == pytest.approx(0.138498562, abs=1e-9)
    assert "0.741 * 0.751 * 0.249" in v.erratum
    grad = next(v for v in seed_verdicts["mazur-matrix"] if v.key == "grad.w31")
    assert grad.sample is None and grad.cause is None     # the iteration's gradient


def test_round_makes_more_of_a_rounding_document_agree(seed_verdicts) -> None:
    exact = sum(v.agrees for v in seed_verdicts["mazur-matrix"])
    rounded = check(load_scenario(resolve("mazur-matrix")), rounding=4)
    assert sum(v.agrees for v in rounded) > exact
    # computed with every intermediate at 4 decimals, as the document does
    assert next(v for v in rounded if v.key == "new.b2_1").agrees
    assert next(v for v in rounded if v.key == "delta.h2").agrees


# -- each mistake model on a small case --------------------------------------------------------

def test_half_of_the_squared_error_dropped() -> None:
    error = (T1 - O1) ** 2                      # E = (t - o)^2 instead of 1/2 (t - o)^2
    delta = 2 * (O1 - T1) * O1 * (1 - O1)
    found = causes(mazur(("out.o1", f(O1)), ("error.o1", f(error)), ("delta.o1", f(delta))))
    assert found["out.o1"] is None
    assert found["error.o1"].startswith("the ½ of the squared error dropped")
    assert found["delta.o1"].startswith("the ½ of the squared error dropped")


def test_factor_two_of_the_derivative_dropped() -> None:
    delta = 0.5 * (O1 - T1) * O1 * (1 - O1)     # d/do 1/2 (t - o)^2 taken as 1/2 (o - t)
    assert causes(mazur(("delta.o1", f(delta))))["delta.o1"].startswith("the factor 2 of the derivative dropped")


def test_factor_two_dropped_with_sse() -> None:
    delta = (O1 - T1) * O1 * (1 - O1)           # the loss is (t - o)^2, so dE/do = 2 (o - t)
    found = causes(mazur(("delta.o1", f(delta)), extra="loss: sse"))
    assert found["delta.o1"].startswith("the factor 2 of the derivative dropped: ∂E/∂o = o − t")


def test_sigma_prime_applied_to_net() -> None:
    d_act = NET_O1 * (1 - NET_O1)               # net (1 - net) where out (1 - out) belongs
    found = causes(mazur(("dout_dnet.o1", f(d_act))))
    assert found["dout_dnet.o1"] == ("σ′ applied to the wrong value: net·(1 − net) instead of out·(1 − out), "
                                     "in layer 2 (o1, o2)")
    delta = (O1 - T1) * d_act
    assert "net·(1 − net)" in causes(mazur(("delta.o1", f(delta))))["delta.o1"]


def test_sigma_prime_taken_at_out() -> None:
    d_act = sig(O2) * (1 - sig(O2))             # sigma'(out) instead of sigma'(net)
    found = causes(mazur(("dout_dnet.o2", f(d_act))))
    assert "σ′ taken at out instead of net" in found["dout_dnet.o2"]


def test_sigma_prime_wrong_in_every_layer() -> None:
    # 1 - out in both layers: the hidden delta needs both wrong factors
    d_o1, d_o2 = (O1 - T1) * (1 - O1), (O2 - T2) * (1 - O2)
    delta_h1 = (d_o1 * 0.40 + d_o2 * 0.50) * (1 - H1)
    found = causes(mazur(("delta.h1", f(delta_h1, 8))))
    assert found["delta.h1"] == ("σ′ applied to the wrong value: 1 − out instead of out·(1 − out), "
                                 "in every sigmoid layer")


def _hidden_with_updated_weights() -> tuple[float, float]:
    w5 = 0.40 - LR * D_O1 * H1                  # the output weights after the update
    w7 = 0.50 - LR * D_O2 * H1
    d_out = D_O1 * w5 + D_O2 * w7               # dE/dout_h1 through the updated weights
    return d_out, d_out * H1 * (1 - H1) * 0.05  # and grad.w1


def test_hidden_gradients_with_updated_weights() -> None:
    d_out, grad = _hidden_with_updated_weights()
    cause = "hidden-layer gradients computed with the already-updated weights of the next layer"
    assert causes(mazur(("grad.w1", f(grad, 9))))["grad.w1"] == cause
    found = causes(mazur(("dE_dout.h1", f(d_out, 12)), ("grad.w1", f(grad, 9))))
    assert found["dE_dout.h1"] == cause
    assert found["grad.w1"] == f"carried from dE_dout.h1 = {f(d_out, 12)} (itself wrong)"


def test_hidden_gradients_with_updated_weights_per_sample() -> None:
    _, grad = _hidden_with_updated_weights()
    found = causes(mazur(("grad.w1", f(grad, 9)), extra="update: per_sample"))
    assert found["grad.w1"].startswith("hidden-layer gradients computed with the already-updated")


def test_swapped_weight_indices() -> None:
    net_h1 = 0.15 * 0.05 + 0.25 * 0.10 + 0.35    # w3 used where w2 belongs
    assert causes(mazur(("net.h1", f(net_h1, 4))))["net.h1"] == "swapped weight indices: w2 and w3 exchanged"
    grad_w7 = D_O2 * H1                          # grad.w6 printed as grad.w7's value
    assert causes(mazur(("grad.w6", f(grad_w7, 8))))["grad.w6"] == (
        "swapped weight indices: the value of grad.w7, not grad.w6")


def test_literal_slips() -> None:
    found = causes(mazur(("delta.o1", f(-D_O1, 8)), ("grad.w5", f(10 * D_O1 * H1, 8)),
                         ("error.o1", f(O1 - T1, 6))))
    assert found["delta.o1"] == f"sign flipped: the value is {D_O1:.6g}"
    assert found["grad.w5"].startswith("decimal point slipped: ten times too large")
    assert found["error.o1"].startswith("the value of dE_dout.o1 (0.741365) instead")


def test_digit_mistyped_and_swapped() -> None:
    right = f(O2, 6)                             # 0.772928
    typo = right[:5] + "3" + right[6:]           # 0.772328
    swapped = right[:5] + right[6] + right[5] + right[7:]    # 0.772298
    found = mazur(("out.o2", typo), ("out.o1", "0.75317"))
    assert found[0].cause == f"a digit mistyped: 9 written 3 (the value is {right})"
    assert found[1].cause == "two digits swapped (the value is 0.75137)"
    assert mazur(("out.o2", swapped))[0].cause == f"two digits swapped (the value is {right})"


def test_old_value_for_the_new_one() -> None:
    assert causes(mazur(("new.w5", "0.40000")))["new.w5"] == "the value of w5 before the update (0.4) instead"


def test_rounded_printed_number_carried_forward() -> None:
    net_o1 = 0.40 * 0.593 + 0.45 * H2 + 0.60    # out.h1 printed as 0.593, and used so
    found = causes(mazur(("out.h1", "0.593"), ("net.o1", f(net_o1))))
    assert found["out.h1"] is None
    assert found["net.o1"] == "out.h1 rounded to 0.593 (3 decimals) and carried forward"


def test_rounded_unprinted_number_carried_forward() -> None:
    net_o1 = 0.40 * 0.593 + 0.45 * H2 + 0.60    # out.h1 not printed; 3 decimals as the document prints
    found = causes(mazur(("net.o1", f(net_o1)), ("out.o2", "0.773")))
    assert found["net.o1"] == "out.h1 rounded to 0.593 (3 decimals) and carried forward"


def test_every_intermediate_rounded() -> None:
    # every number rounded to 3 decimals: 0.299; the exact total is 0.29837
    assert causes(mazur(("total_loss", "0.299")))["total_loss"] == "every intermediate rounded to 3 decimals"


def test_carried_from_an_earlier_mismatch_and_unknown() -> None:
    found = causes(mazur(("delta.o1", "0.1400"), ("grad.w5", f(0.14 * H1))))
    assert found["delta.o1"] == UNKNOWN
    assert found["grad.w5"] == "carried from delta.o1 = 0.1400 (itself wrong)"
    assert causes(mazur(("out.o1", "0.123456")))["out.o1"] == UNKNOWN


def test_carried_through_a_gradient_summed_over_samples() -> None:
    sc = load_scenario(resolve("delta-two-samples"))
    exact = check(replace(sc, expect=(Expect("grad.w1", 0.0, "0.0"),)))[0].computed
    wrong = round(exact + 0.01, 6)
    entries = (Expect("grad.w1", wrong, f(wrong)), Expect("new.w1", 0.3 - 0.5 * wrong, f(0.3 - 0.5 * wrong)))
    verdicts = check(replace(sc, expect=entries))
    assert [v.agrees for v in verdicts] == [False, False]
    assert verdicts[1].cause == f"carried from grad.w1 = {f(wrong)} (itself wrong)"


def test_check_with_rounding_agrees_with_a_rounded_document() -> None:
    verdicts = check(scenario_from_text(MAZUR.replace("{extra}", "").replace("{{", "{").replace("}}", "}")
                                        + "  - {key: total_loss, value: 0.299}\n"), rounding=3)
    assert verdicts[0].agrees and verdicts[0].computed == 0.299


# -- the command -------------------------------------------------------------------------------

def test_cli_exit_status_and_table() -> None:
    result = runner.invoke(app, ["check", "linear-2-2-1"])
    assert result.exit_code == 0, result.output
    assert "16 numbers: all agree" in result.output
    result = runner.invoke(app, ["check", "mazur-matrix"])
    assert result.exit_code == 1
    assert "42 numbers: 22 agree, 20 do not" in result.output
    assert "✗" in result.output and "carried from" in result.output
    result = runner.invoke(app, ["check", "mazur"])
    assert result.exit_code == 1 and "cause unknown" in result.output


def test_cli_bad_input(write_scenario) -> None:
    result = runner.invoke(app, ["check", "no-such-scenario.yaml"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    path = write_scenario("title: x\nnetwork: [\n")
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 2 and f"{path}:" in result.output


def test_cli_json() -> None:
    result = runner.invoke(app, ["check", "linear-2-2-1-fit", "--json"])
    assert result.exit_code == 1
    rows = json.loads(result.output)
    assert len(rows) == 18
    assert {"key", "iteration", "sample", "document", "computed", "agrees", "cause"} <= set(rows[0])
    wrong = [r for r in rows if not r["agrees"]]
    root = {"key": "delta.y", "iteration": 1, "sample": 1, "line": wrong[0]["line"]}
    assert wrong == [{"key": "delta.y", "iteration": 1, "sample": 1, "line": root["line"], "document": -1.05,
                      "document_text": "-1.05", "computed": pytest.approx(1.05), "agrees": False,
                      "cause": "sign flipped: the value is 1.05", "root": root,
                      "root_cause": "sign flipped: the value is 1.05", "erratum": wrong[0]["erratum"]}]
    assert root["line"] > 0
    assert "sign error" in wrong[0]["erratum"]
    final = next(r for r in rows if r["key"] == "final.total_loss")
    assert final["iteration"] is None and final["sample"] is None and final["cause"] is None


def test_cli_round_option() -> None:
    exact = json.loads(runner.invoke(app, ["check", "mazur-matrix", "--json"]).output)
    rounded = json.loads(runner.invoke(app, ["check", "mazur-matrix", "--json", "--round", "4"]).output)
    assert sum(r["agrees"] for r in rounded) > sum(r["agrees"] for r in exact)
    assert runner.invoke(app, ["check", "mazur-matrix", "--round", "-1"]).exit_code == 2


def test_cli_help() -> None:
    result = runner.invoke(app, ["check", "--help"])
    assert result.exit_code == 0 and "--json" in result.output and "--round" in result.output


# -- the simplest cause, grouped by root cause ------------------------------------------------

def test_a_root_cause_and_its_consequences(seed_verdicts) -> None:
    """Seed 002 (mazur-matrix): δ_o2 written −0.0386 carries into w7*, w8* and b2*."""
    verdicts = seed_verdicts["mazur-matrix"]
    root = next(v for v in verdicts if v.key == "delta.o2")
    assert root.is_root and root.root_cause == "a digit mistyped: 1 written 6 (the value is -0.0381)"
    for key in ("new.w41", "new.w42", "new.b2_2", "grad.w41", "delta.h1", "grad.w11"):
        v = next(v for v in verdicts if v.key == key)
        assert v.root == root.where and not v.is_root and v.root_cause == root.cause, key
    roots = {v.root.key for v in verdicts if v.root is not None}
    assert roots == {"dout_dnet.o1", "dout_dnet.o2", "delta.o1", "delta.o2"}


def test_grouped_rows_stand_under_their_root(seed_verdicts) -> None:
    from bpwalk.check.audit import grouped

    rows = grouped(seed_verdicts["mazur-matrix"])
    assert sorted(map(id, rows)) == sorted(map(id, seed_verdicts["mazur-matrix"]))
    keys = [v.key for v in rows]
    start = keys.index("delta.o2")
    group = [v for v in rows if v.root is not None and v.root.key == "delta.o2"]
    assert keys[start:start + len(group)] == [v.key for v in group] and group[0].is_root


def test_cli_table_and_json_group_by_root() -> None:
    result = runner.invoke(app, ["check", "mazur-matrix"])
    assert "└ new.w42" in result.output and "(4 root causes)" in result.output
    rows = json.loads(runner.invoke(app, ["check", "mazur-matrix", "--json"]).output)
    keys = [r["key"] for r in rows]
    assert keys.index("new.b2_1") < keys.index("delta.o2") < keys.index("new.w41") < keys.index("grad.w31")
    wrong = [r for r in rows if not r["agrees"]]
    assert all(r["root"]["line"] > 0 and r["root_cause"] for r in wrong)
    assert all(r["root"] is None and r["root_cause"] is None for r in rows if r["agrees"])


def test_one_mistake_shared_by_several_numbers_is_one_root() -> None:
    error = (T1 - O1) ** 2                      # the ½ dropped: every number after it follows
    verdicts = mazur(("error.o1", f(error)), ("delta.o1", f(2 * (O1 - T1) * O1 * (1 - O1))))
    assert verdicts[0].is_root and verdicts[1].root == verdicts[0].where
    assert verdicts[1].cause == verdicts[0].cause


def test_a_whole_number_among_decimals_is_judged_at_their_precision() -> None:
    """`1` for out.h1 = 0.5933 passed with ±0.5; the document prints its other numbers to 4 decimals."""
    verdicts = mazur(("net.h1", "0.3775"), ("out.h1", "1"))
    assert verdicts[0].agrees and not verdicts[1].agrees
    assert verdicts[1].cause == ("printed as the whole number 1, but the value is 0.59327 "
                                 "(the document prints its other numbers with decimals)")
    assert mazur(("out.h1", "1"))[0].agrees           # alone, the spec's rule: ±0.5
    from bpwalk.check.recompute import judged

    entries = (Expect("x", 1.0, "1"), Expect("y", 0.5, "0.5000"), Expect("z", 0.25, "0.25"))
    assert judged(entries[0], entries) == pytest.approx(0.005)     # the coarsest of the others: 2 decimals
    assert judged(entries[1], entries) == pytest.approx(0.00005)


def test_json_rows_have_exactly_the_documented_keys() -> None:
    """The row shape of docs/check.md's table is what --json prints: other tools read it."""
    import re
    from pathlib import Path

    text = (Path(__file__).parent.parent / "docs" / "check.md").read_text(encoding="utf-8")
    table = text.split("### `--json`", 1)[1].split("\n\n")[2]
    documented = re.findall(r"^\| `(\w+)` \|", table, flags=re.M)
    rows = json.loads(runner.invoke(app, ["check", "mazur-matrix", "--json"]).output)
    assert documented and all(list(r) == documented for r in rows)
    assert all(set(r["root"]) == {"key", "iteration", "sample", "line"} for r in rows if r["root"])
