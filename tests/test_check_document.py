"""`bpwalk check SCENARIO --document DOC`: a worked example's printed results, found in its own text.

The seed scenarios' `expect:` lists hold every number their documents print as a result, with
the right key: they are the reference. On each seed document at least 90% of them must be
found with the right key and value, and at most 1 in 20 of the numbers reported may be
wrong (a key and value no expect entry has). The other documents here are written in other
notations (plain text, English, CS231n's z/a/δ with layer superscripts, two samples).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bpwalk.check.docnames import Name, Vocabulary
from bpwalk.check.document import Match, check_document, draft_expect, find
from bpwalk.cli import app
from bpwalk.read import load_scenario
from bpwalk.read.builtin import resolve
from bpwalk.read.validate import scenario_from_text

try:
    from test_seeds import SEED_SCENARIOS, seed_text
except ImportError:  # tests/ imported as a package
    from tests.test_seeds import SEED_SCENARIOS, seed_text

runner = CliRunner()


def scenario(name: str):
    return load_scenario(resolve(name))


def bare(name: str):
    """A built-in scenario without its expect: entries (the document gives them)."""
    return replace(scenario(name), expect=())


def ident(sc, key: str, iteration: int | None, sample: int | None) -> tuple[str, int | None, int | None]:
    """An entry's quantity as the scenario means it: final.* has no iteration, one sample is sample 1."""
    final = key.startswith("final.")
    one = len(sc.samples) == 1
    return key, None if final else (iteration or 1), None if key.endswith("total_loss") or (one and sample in (None, 1)) else sample


def score(number: str) -> tuple[float, float, list, list]:
    """(found with the right key, reported wrong, what is missing, what is wrong) on one seed."""
    sc = scenario(SEED_SCENARIOS[number])
    matches = find(bare(SEED_SCENARIOS[number]), seed_text(number))
    reference = {(ident(sc, e.key, e.iteration, e.sample), e.value) for e in sc.expect}
    reported = {(ident(sc, m.key, m.iteration, m.sample), m.value) for m in matches}
    missing = sorted(reference - reported, key=str)
    wrong = [m for m in matches if (ident(sc, m.key, m.iteration, m.sample), m.value) not in reference]
    found = 1.0 if not reference else 1 - len(missing) / len(reference)
    return found, (len(wrong) / len(matches) if matches else 0.0), missing, wrong


@pytest.mark.parametrize("number", sorted(SEED_SCENARIOS))
def test_seed_document_score(number: str) -> None:
    found, wrong, missing, wrong_rows = score(number)
    assert found >= 0.90, f"seed {number}: {found:.0%} found; missing {missing}"
    assert wrong <= 0.05, f"seed {number}: {wrong:.0%} wrong: {wrong_rows}"


def test_seed_004_prints_no_results() -> None:
    """Seed 004 is all formulas (its scenario's numbers are our own): nothing in it is a result."""
    assert find(bare("delta-two-samples"), seed_text("004")) == []


def golden_text(matches: list[Match]) -> str:
    rows = []
    for m in matches:
        where = "final" if m.iteration is None else f"it {m.iteration}"
        sample = "" if m.sample is None else f" s {m.sample}"
        rows.append(f"{m.line:>4}  {m.key:<16} {where}{sample:<5} {m.text:<14} {'named' if m.named else 'by value'}")
    return "\n".join(rows) + "\n"


@pytest.mark.parametrize("number", sorted(SEED_SCENARIOS))
def test_seed_document_golden(number: str, golden) -> None:
    name = SEED_SCENARIOS[number]
    golden(f"check-document.{name}.txt", golden_text(find(bare(name), seed_text(number))))


def test_seed_lines_are_the_documents() -> None:
    """Each match's line holds its number as printed."""
    for number, name in SEED_SCENARIOS.items():
        lines = seed_text(number).splitlines()
        for m in find(bare(name), seed_text(number)):
            assert m.text.lstrip("-") in lines[m.line - 1], (number, m)


def test_seed_errata_keep_their_key() -> None:
    """A wrong printed number is found by its name, not lost: Mazur's out_o1 = 0.75136079, δ(2) in 002."""
    keys = {(m.key, m.text) for m in find(bare("mazur"), seed_text("001"))}
    assert ("out.o1", "0.75136079") in keys and ("out.o1", "0.75136507") in keys
    keys = {(m.key, m.text) for m in find(bare("mazur-matrix"), seed_text("002"))}
    assert {("delta.o2", "-0.0386"), ("grad.w11", "0.00435"), ("new.b2_2", "0.6193")} <= keys
    keys = {(m.key, m.text) for m in find(bare("linear-2-2-1-fit"), seed_text("003"))}
    assert ("delta.y", "-1.05") in keys


# -- the left-hand side ---------------------------------------------------------------------

@pytest.mark.parametrize("text,kind,subjects", [
    (r"net_{h1}", "net", ("h1",)), ("neth1", "net", ("h1",)), ("net o1", "net", ("o1",)),
    (r"out_{o1}", "out", ("o1",)), ("out_h2", "out", ("h2",)), ("outo2", "out", ("o2",)),
    (r"E_{o1}", "error", ("o1",)), ("Eo2", "error", ("o2",)), (r"E_{total}", "loss", ()), ("Etotal", "loss", ()),
    (r"\frac{\partial E_{total}}{\partial w_5}", "grad", ("w5",)), ("∂E/∂w5", "grad", ("w5",)),
    (r"\partial E / \partial w_{5}", "grad", ("w5",)), ("dE/dw6", "grad", ("w6",)),
    (r"\frac{\partial E_{total}}{\partial out_{o1}}", "dE_dout", ("o1",)),
    (r"\frac{\partial out_{o1}}{\partial net_{o1}}", "dout_dnet", ("o1",)),
    (r"\frac{\partial E_{o1}}{\partial net_{o1}}", "delta", ("o1",)),
    (r"\frac{\partial E_{total}}{\partial net_{h1}}", "delta", ("h1",)),
    (r"\delta_{o1}", "delta", ("o1",)), ("δo2", "delta", ("o2",)), ("delta_h1", "delta", ("h1",)),
    (r"w_5^{+}", "new", ("w5",)), (r"w_5^{(update)}", "new", ("w5",)), ("w5'", "new", ("w5",)),
    ("new w5", "new", ("w5",)), ("updated w6", "new", ("w6",)), ("w7_new", "new", ("w7",)), ("w8*", "new", ("w8",)),
    (r"\boxed{w_1^+}", "new", ("w1",)), ("w1", "param", ("w1",)), ("i1", "input", ()), (r"\eta", "lr", ()),
    (r"target_{o1}", "target", ("o1",)), ("o1", "unit", ("o1",)),
    ("h1_out", "out", ("h1",)), ("o1net", "net", ("o1",)), ("E_2", "error", ("o2",)), ("Total Error", "loss", ()),
    ("总误差", "loss", ()), ("dw5", "grad", ("w5",)), ("grad_w6", "grad", ("w6",)), (r"\nabla_{w_7}", "grad", ("w7",)), (r"\frac{\partial E}{\partial o1}", "dloss", ("o1",)),
    (r"\frac{\partial net_{o1}}{\partial w_5}", "keyless", ()), (r"\frac{\partial E_{o1}}{\partial out_{h1}}", "keyless", ()),
])
def test_names_in_mazurs_notation(text: str, kind: str, subjects: tuple[str, ...]) -> None:
    name = Vocabulary.of(scenario("mazur")).name(text)
    assert name is not None and (name.kind, name.subjects) == (kind, subjects), name


def test_names_in_a_matrix_notation() -> None:
    """z and a (the scenario's symbols), layer superscripts, W and b of a layer, J_总."""
    words = Vocabulary.of(scenario("mazur-matrix"))
    assert words.name(r"\delta^{(2)}") == Name("delta", (), (1, 0))        # δ(2): the output layer, or Ng's hidden one
    assert words.name(r"\delta(1)") == Name("delta", (), (0,))
    assert words.name(r"z^{(3)}") == Name("net", (), (1,))
    assert words.name(r"W_2^*") == Name("new", (), (1,), "weights")
    assert words.name(r"b^{(1)*}") == Name("new", (), (0,), "biases")
    assert words.name(r"\frac{\partial J_{\text{总}}}{\partial W_1}") == Name("grad", (), (0,), "weights")
    assert words.name(r"\frac{\partial J}{\partial b^{(2)}}") == Name("grad", (), (1,), "biases")
    assert words.name(r"w_{31}") == Name("param", ("w31",))
    assert words.name("dW2") == Name("grad", (), (1,), "weights") and words.name("db^{(1)}") == Name("grad", (), (0,), "biases")
    assert words.name("a_3").kind == "out" and "o1" in words.name("a_3").subjects   # the 3rd unit, counting all
    assert words.name(r"J_{\text{总}}") == Name("loss")
    assert words.name(r"\alpha") == Name("lr")
    assert words.name(r"W_2 A + b^{(2)}") is None                            # an expression, no name


def test_names_when_units_have_bare_names() -> None:
    """linear-2-2-1 names its units h1, h2, y: ∂δ/∂y' (its δ is the loss) is ∂E/∂y."""
    words = Vocabulary.of(scenario("linear-2-2-1"))
    assert words.name("y'") == Name("unit", ("y",))
    assert words.name(r"h_1^{(1)}") == Name("unit", ("h1",))
    assert words.name(r"\frac{\partial \delta}{\partial y'}") == Name("dloss", ("y",))
    assert words.name(r"\frac{\partial y'}{\partial w_5}").kind == "keyless"


# -- documents in other notations -----------------------------------------------------------

PLAIN = """\
Forward pass
net h1 = 0.15*0.05 + 0.2*0.1 + 0.35 = 0.3775
out_h1 = 1/(1+e^-0.3775) = 0.593269992
The output of o1 is 0.75136507 and the output of o2 is 0.772928465.
Etotal = 0.298371109
∂Etotal/∂outo1 = 0.74136507
δo1 = 0.138498562
∂E/∂w5 = 0.082167041
w5+ = 0.35891648
new w6 = 0.408666186
w7' = 0.511301270
∂E/∂w1 = 0.000438568
After this first round of backpropagation, the total error is now down to 0.291027924.
"""


def keys_of(matches: list[Match]) -> list[tuple[str, str]]:
    return [(m.key, m.text) for m in matches]


def test_plain_text_in_english() -> None:
    matches = find(bare("mazur"), PLAIN)
    assert keys_of(matches) == [
        ("net.h1", "0.3775"), ("out.h1", "0.593269992"), ("out.o1", "0.75136507"), ("out.o2", "0.772928465"),
        ("total_loss", "0.298371109"), ("dE_dout.o1", "0.74136507"), ("delta.o1", "0.138498562"),
        ("grad.w5", "0.082167041"), ("new.w5", "0.35891648"), ("new.w6", "0.408666186"), ("new.w7", "0.511301270"),
        ("grad.w1", "0.000438568"), ("final.total_loss", "0.291027924")]
    assert [m.line for m in matches][:3] == [2, 3, 4]
    assert [m.named for m in matches][2:4] == [True, True]            # the outputs: by the words before them


NG = r"""
$$z^{(2)} = W^{(1)} x + b^{(1)} = \begin{bmatrix} 0.3775 \\ 0.3925 \end{bmatrix}$$
$$a^{(3)} = [0.7514, 0.7729]$$
$$\delta^{(3)} = (a^{(3)} - y) \odot \sigma'(z^{(3)}) = \begin{bmatrix} 0.1385 \\ -0.0381 \end{bmatrix}$$
$$\frac{\partial J}{\partial W^{(1)}} = \begin{bmatrix} 0.00044 & 0.00050 \\ 0.00088 & 0.00100 \end{bmatrix}$$
$$W^{(2)} := W^{(2)} - \alpha \frac{\partial J}{\partial W^{(2)}} = \begin{bmatrix} 0.3589 & 0.4087 \\ 0.5113 & 0.5614 \end{bmatrix}$$
"""


def test_vectors_and_matrices_element_by_element() -> None:
    """Layer superscripts counted from the inputs (CS231n, Ng), a transposed gradient matrix."""
    matches = find(bare("mazur-matrix"), NG)
    assert keys_of(matches) == [
        ("net.h1", "0.3775"), ("net.h2", "0.3925"), ("out.o1", "0.7514"), ("out.o2", "0.7729"),
        ("delta.o1", "0.1385"), ("delta.o2", "-0.0381"),
        ("grad.w11", "0.00044"), ("grad.w21", "0.00050"), ("grad.w12", "0.00088"), ("grad.w22", "0.00100"),
        ("new.w31", "0.3589"), ("new.w32", "0.4087"), ("new.w41", "0.5113"), ("new.w42", "0.5614")]


TWO = """\
第一个样本：$x_1 = 1.0, x_2 = 0.5$，目标 $t = [1, 0]$

$$y_1 = 0.6195, \\quad y_2 = 0.4183$$

$$C^1 = 0.1599$$

第二个样本：

$$y_1 = 0.6032, \\quad y_2 = 0.4316$$

$$L = C^1 + C^2 = 0.5033$$

$$\\frac{\\partial L}{\\partial w_3} = 0.0117$$
"""


def test_two_samples_and_given_values() -> None:
    matches = find(bare("delta-two-samples"), TWO)
    assert [(m.key, m.sample, m.text) for m in matches] == [
        ("out.y1", 1, "0.6195"), ("out.y2", 1, "0.4183"), ("loss", 1, "0.1599"),
        ("out.y1", 2, "0.6032"), ("out.y2", 2, "0.4316"), ("total_loss", None, "0.5033"), ("grad.w3", None, "0.0117")]


def test_given_values_are_not_results() -> None:
    """Inputs, targets, initial weights and η, by name or by value, are the scenario's, not results."""
    text = "i1 = 0.05, i2 = 0.10\ntargets: o1 = 0.01, o2 = 0.99\nw1 = 0.15, w5 = 0.40\nη = 0.5\n" \
           "we feed 0.05 and 0.10 in, with the weights 0.15 0.20 0.25 0.30 and the biases 0.35 0.60\n"
    assert find(bare("mazur"), text) == []


def test_the_value_itself() -> None:
    """A number with no name is the one quantity it agrees with; one that agrees with several is left out."""
    sc = bare("linear-2-2-1-fit")
    matches = find(sc, "we get 5.05, then 0.55125, then 1.05 and 3.1768\n")
    assert keys_of(matches) == [("out.y", "5.05"), ("total_loss", "0.55125"), ("final.out.y", "3.1768")]
    # 1.05 is δ_y, ∂E/∂w1 and ∂E/∂w3 at once: no way to tell which
    assert find(sc, "the factor 1.05 appears") == []
    # a number with one significant digit, or a heading's number, is never matched by value
    assert find(bare("mazur-matrix"), "1.1 用矩阵计算前向传播\n1.2 反向传播\n") == []


def test_after_many_iterations_means_the_final_pass() -> None:
    sc = replace(bare("mazur"), iterations=20)
    final = find(sc, "After 20 iterations the outputs are $[0.56, 0.85]$ and the error is 0.0012345.\n")
    assert [m.iteration for m in final] == [None, None, None]
    assert [m.key for m in final] == ["final.out.o1", "final.out.o2", "final.total_loss"]


# -- the command ------------------------------------------------------------------------------

@pytest.fixture
def seed_001(tmp_path: Path) -> Path:
    path = tmp_path / "mazur.md"
    path.write_text(seed_text("001"), encoding="utf-8")
    return path


def test_cli_document_table_and_exit(seed_001: Path) -> None:
    result = runner.invoke(app, ["check", "mazur", "--document", str(seed_001)], env={"COLUMNS": "160"})
    assert result.exit_code == 1, result.output                     # out_o1 = 0.75136079 is wrong
    assert "line" in result.output and "10 numbers: 9 agree, 1 does not" in result.output
    row = next(r for r in result.output.splitlines() if "0.75136079" in r)
    assert row.split()[0] == "86" and "✗" in row


def test_cli_document_json_has_lines(seed_001: Path) -> None:
    result = runner.invoke(app, ["check", "mazur", "--document", str(seed_001), "--json"])
    rows = json.loads(result.output)
    assert {(r["key"], r["line"], r["agrees"]) for r in rows} >= {("out.o1", 86, False), ("total_loss", 113, True)}
    assert all(isinstance(r["line"], int) and r["line"] > 0 for r in rows)


def test_cli_draft_expect_pastes_into_the_scenario(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text(seed_text("002"), encoding="utf-8")
    result = runner.invoke(app, ["check", "mazur-matrix", "--document", str(doc), "--draft-expect"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("expect:\n") and 'note: "document line 56"' in result.output
    own = Path(resolve("mazur-matrix")).read_text(encoding="utf-8")
    pasted = own[: own.index("\nexpect:")] + "\n" + result.output
    sc = scenario_from_text(pasted, "pasted.yaml")
    matches = find(bare("mazur-matrix"), seed_text("002"))
    assert [(e.key, e.text, e.line) for e in sc.expect][:3] == [(m.key, m.text, sc.expect[i].line)
                                                                for i, m in enumerate(matches[:3])]
    assert len(sc.expect) == len(matches) and sc.expect[12].note == f"document line {matches[12].line}"


def test_cli_bad_documents(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.md"
    result = runner.invoke(app, ["check", "mazur", "--document", str(missing)])
    assert result.exit_code == 2 and str(missing) in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("out_h1 = 0.593269992 café".encode("latin-1"))
    result = runner.invoke(app, ["check", "mazur", "--document", str(latin)])
    assert result.exit_code == 2 and str(latin) in result.output and "UTF-8" in result.output
    result = runner.invoke(app, ["check", "mazur", "--document", str(tmp_path)])
    assert result.exit_code == 2 and str(tmp_path) in result.output
    result = runner.invoke(app, ["check", "mazur", "--draft-expect"])
    assert result.exit_code == 2 and "--document" in result.output


def test_cli_document_without_results(tmp_path: Path) -> None:
    doc = tmp_path / "prose.md"
    doc.write_text("Backpropagation is the chain rule, applied from the outputs back. See 2 neurons.\n",
                   encoding="utf-8")
    result = runner.invoke(app, ["check", "mazur", "--document", str(doc)])
    assert result.exit_code == 1 and "no printed results found in" in result.output
    result = runner.invoke(app, ["check", "mazur", "--document", str(doc), "--lang", "zh"])
    assert "没有找到印出的结果" in result.output


def test_draft_expect_text() -> None:
    sc = bare("delta-two-samples")
    text = draft_expect(sc, find(sc, TWO))
    assert "{key: out.y1, value: 0.6032, sample: 2, note: \"document line 9\"}" in text
    assert "{key: total_loss, value: 0.5033, note: \"document line 11\"}" in text


@pytest.mark.parametrize("name,suffix", [("mazur", "md"), ("mazur-matrix", "md"), ("delta-two-samples", "txt"),
                                         ("momentum-mazur", "txt")])
def test_bpwalks_own_walk_through_read_back(name: str, suffix: str, tmp_path: Path) -> None:
    """bpwalk's own Markdown or text walk-through is a worked example in another notation: every
    number it prints is found, and every one agrees (none is taken for another quantity)."""
    path = tmp_path / f"{name}.{suffix}"
    assert runner.invoke(app, ["export", name, "-o", str(path)]).exit_code == 0
    result = runner.invoke(app, ["check", name, "--document", str(path), "--json"])
    rows = json.loads(result.output)
    assert result.exit_code == 0 and len(rows) >= 45, [r for r in rows if not r["agrees"]]
    assert {r["key"] for r in rows} >= {"total_loss", "final.total_loss", "grad.w1" if name != "mazur-matrix" else "grad.w11"}


NOTATIONS = r"""
∂C⁽¹⁾/∂a_y1 = a_y1 − target_y1 = 0.619452 − 1 = -0.380548
σ′(z_y1) = a_y1·(1 − a_y1) = 0.619452·(1 − 0.619452) = 0.235731
∂C⁽¹⁾/∂a_y1 = -0.380548 ──▶ [ σ′(z_y1) = 0.235731 ] ──▶ ∂C⁽¹⁾/∂z_y1 = -0.0897072
$$\sigma'(z_{y2}) = 0.243324$$
"""


def test_unicode_superscripts_arrows_and_sigma_prime() -> None:
    matches = find(bare("delta-two-samples"), NOTATIONS)
    assert keys_of(matches) == [("out.y1", "0.619452"), ("dE_dout.y1", "-0.380548"), ("dout_dnet.y1", "0.235731"),
                                ("delta.y1", "-0.0897072"), ("dout_dnet.y2", "0.243324")]


HMK_SCENARIO = """\
bpwalk: 1
title: A 2-2-1 linear network, worked in plain text
network:
  inputs: [i1, i2]
  layers:
    - {units: [h1, h2], activation: identity, weights: [[0.11, 0.21], [0.12, 0.08]]}
    - {units: [out], activation: identity, weights: [[0.14, 0.15]]}
loss: half_sse
learning_rate: 0.05
samples:
  - {inputs: [2, 3], targets: [1]}
"""

HMK = """\
h1 = i1*w1 + i2*w2 = 2*0.11 + 3*0.21 = 0.85
out = h1*w5 + h2*w6 = 0.85*0.14 + 0.48*0.15 = 0.191
Error = ½(0.191 − 1)² = 0.327
Δ = prediction − actual = 0.191 − 1 = −0.809
w6 = w6 − a(h2·Δ) = 0.15 − 0.05(0.48 × −0.809) = 0.17
w4 = 0.08 − 0.05(3 × 0.15 × −0.809) = 0.0988
Now, using the new weights we will repeat the forward pass: prediction = 0.26
"""


def test_a_plain_text_example_of_a_one_output_network() -> None:
    """`out` and `prediction` are the one output; a weight printed with a new value is the updated
    one (0.0988 is a slip for 0.098: it keeps its key, and check flags it)."""
    sc = scenario_from_text(HMK_SCENARIO, "hmk.yaml")
    matches = find(sc, HMK)
    assert keys_of(matches) == [("net.h1", "0.85"), ("out.out", "0.191"), ("total_loss", "0.327"),
                                ("delta.out", "-0.809"), ("new.w6", "0.17"), ("new.w4", "0.0988"),
                                ("final.out.out", "0.26")]


def test_scientific_notation_and_indexed_weights() -> None:
    sc = replace(bare("mazur"), iterations=10000)
    matches = find(sc, "After 10,000 iterations, $E_{total} = 3.51 \\times 10^{-5}$\n")
    assert keys_of(matches) == [("final.total_loss", "3.51e-5")]
    # w_{jk}^{(l)}: row j, column k of layer l's weights (or column j, row k: whichever agrees)
    text = r"$$w_{12}^{(2)+} = 0.408666186$$" + "\n" + r"$$w_{21}^{(1)} = 0.25$$" + "\n"
    assert keys_of(find(bare("mazur"), text)) == [("new.w6", "0.408666186")]


def test_markdown_tables() -> None:
    """A row's first cell names it under plain headers (before, after); under headers that name
    quantities of their own (∂z/∂w, m, v), each cell stands on its own and only its value can say."""
    sc = bare("mazur")
    text = ("| weight | before | after |\n|---|---|---|\n| $w_5$ | 0.40 | 0.35891648 |\n| w6 | 0.45 | 0.4087 |\n\n"
            "| | $m$ | $\\frac{\\partial E}{\\partial w}$ |\n|---|---|---|\n| $w_5$ | 0.0082167041 | 0.082167041 |\n")
    assert [(m.key, m.text, m.line) for m in find(sc, text)] == [
        ("new.w5", "0.35891648", 3), ("new.w6", "0.4087", 4), ("grad.w5", "0.082167041", 8)]


def test_an_iteration_the_text_names() -> None:
    """`Iteration 7` puts the text there: that iteration is traced, and a wrong number is its own."""
    sc = replace(bare("mazur"), iterations=10)
    matches = find(sc, "Iteration 7: E_total = 0.252569\nIteration 8: E_total = 0.2\n")
    assert [(m.key, m.iteration, m.text) for m in matches] == [("total_loss", 7, "0.252569"), ("total_loss", 8, "0.2")]


def test_how_numbers_are_read() -> None:
    """A leading-dot number, a minus that is a sign after a word, one that subtracts, a heading's
    number, the digits of names and subscripts."""
    from bpwalk.check.docparse import numbers_in

    text = "1.2.1 w_{31} = .5933 and -.25, the delta is -0.809, target - 0.7, x_2 - 0.3, h1 e^{-0.3775}"
    assert [n.text for n in numbers_in(text, 0, text)] == ["0.5933", "-0.25", "-0.809", "0.7", "0.3", "-0.3775"]


# Mazur's post as he writes it (abridged): its iteration-1 numbers are right (he fixed them), its
# closing paragraph, wrapped in the source, prints what his first script gave
MAZUR_POST = r"""
$$out_{o1} = \frac{1}{1+e^{-1.105905967}} = 0.75136507$$

$$E_{total} = E_{o1} + E_{o2} = 0.274811083 + 0.023560026 = 0.298371109$$

$$\frac{\partial E_{total}}{\partial w_{5}} = 0.74136507 * 0.186815602 * 0.593269992 = 0.082167041$$

$$w_5^{+} = 0.4 - 0.5 * 0.082167041 = 0.35891648$$

$$w_6^{+} = 0.408666186$$

$$w_7^{+} = 0.511301270$$

$$w_8^{+} = 0.561370121$$

$$\frac{\partial E_{total}}{\partial w_{1}} = 0.036350306 * 0.241300709 * 0.05 = 0.000438568$$

$$w_1^{+} = 0.149780716$$

$$w_2^{+} = 0.19956143$$

$$w_3^{+} = 0.24975114$$

$$w_4^{+} = 0.29950229$$

When we fed forward the 0.05 and 0.1 inputs originally, the error on the network was
0.298371109. After this first round of backpropagation, the total error is now down to
0.291027924. It might not seem like much, but after repeating this process 10,000 times, for
example, the error plummets to 0.0000351085. At this point, when we feed forward 0.05 and 0.1,
the two outputs neurons generate 0.015912196 (vs 0.01 target) and 0.984065734 (vs 0.99 target).
"""


def test_a_wrapped_paragraph_and_a_long_run_get_the_known_cause() -> None:
    """The words before a number on the line above still name it (a wrapped line's first number
    was taken for a section's number and dropped), and with a dozen numbers printed before them
    the run's figures still get the already-updated weights (the replays of rounding each printed
    number used up the budget first: "cause unknown ... too long")."""
    sc = replace(bare("mazur"), iterations=10_000)
    matches, verdicts = check_document(sc, MAZUR_POST)
    found = {(m.key, m.iteration): m for m in matches}
    assert found[("total_loss", 2)].text == "0.291027924" and found[("total_loss", 2)].line == 28
    wrong = {v.key: v for v in verdicts if not v.agrees}
    assert set(wrong) == {"total_loss", "final.out.o1", "final.out.o2"}, set(wrong)
    assert all(v.root_cause is None or "already-updated" in v.root_cause for v in wrong.values())
    assert all("already-updated" in v.cause for v in wrong.values() if v.root is None), \
        [v.cause for v in wrong.values()]
