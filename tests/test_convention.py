"""display.convention: error (Mitchell's sign): δ = −∂E/∂net, Δw = η·δ·x, as presentation only.

The JSON keeps the scenario format's numbers bit for bit; every view writes δ and −∂E/∂out with
the other sign; `expect` and `bpwalk check` read δ in the sign the file declares.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
import sympy
from typer.testing import CliRunner

import bpwalk.formula.symbolic as S
from bpwalk.check.audit import check
from bpwalk.cli import app
from bpwalk.engine.trace import run
from bpwalk.export import Options
from bpwalk.export import beamer as beamer_export
from bpwalk.export import latex as latex_export
from bpwalk.export import markdown as markdown_export
from bpwalk.export.json_ import to_json
from bpwalk.ops import LOSSES
from bpwalk.read import load_scenario
from bpwalk.read.builtin import resolve
from bpwalk.read.reference import reference
from bpwalk.read.scenario_yaml import to_yaml
from bpwalk.read.schema import json_schema
from bpwalk.scenario import Scenario

runner = CliRunner()
BUILTIN = "mitchell-error-convention"
SIGN_CONVENTION = "the other sign convention"


def in_convention(sc: Scenario, convention: str = "error") -> Scenario:
    return replace(sc, display=replace(sc.display, convention=convention))


def mazur(convention: str = "error", style: str = "scalar") -> Scenario:
    sc = load_scenario(resolve("mazur"))
    return replace(sc, display=replace(sc.display, convention=convention, style=style))


def transcript(sc: Scenario, fmt: str = "txt", lang: str = "en", style: str | None = None) -> str:
    args = ["export", str(sc.path), "--format", fmt, "--lang", lang] + (["--style", style] if style else [])
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return result.output


def written(tmp_path: Path, sc: Scenario) -> Scenario:
    """The scenario as a file (the CLI reads files), read back."""
    path = tmp_path / "scenario.yaml"
    path.write_text(to_yaml(sc), encoding="utf-8")
    return load_scenario(path)


# -- the key ----------------------------------------------------------------------------------

def test_the_key_is_read_written_and_described(tmp_path: Path) -> None:
    sc = written(tmp_path, mazur())
    assert sc.display.convention == "error"
    assert load_scenario(resolve("mazur")).display.convention == "gradient"
    display = json_schema()["properties"]["display"]["properties"]
    assert display["convention"]["enum"] == ["gradient", "error"]
    assert "convention: one of gradient | error; default gradient" in reference("scenario")


@pytest.mark.parametrize("value,message", [
    ("eror", "display.convention: expected one of gradient | error, found a string \"eror\"; did you mean 'error'?"),
    ("Error", "display.convention: expected one of gradient | error, found a string \"Error\""),
])
def test_a_bad_convention_is_refused(tmp_path: Path, value: str, message: str) -> None:
    text = (Path(resolve("mazur")).read_text(encoding="utf-8")
            .replace("display:\n", f"display:\n  convention: {value}\n", 1))
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index(f"  convention: {value}") + 1
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert f"{path}:{line}:15: {message}" in result.output
    assert "Traceback" not in result.output


# -- the JSON: the spec's numbers, bit for bit --------------------------------------------------

@pytest.mark.parametrize("name", ["mazur", "delta-two-samples", "softmax-3class", "adam-mazur", "minibatch-xor",
                                  BUILTIN])
def test_the_json_is_the_same_bit_for_bit(name: str) -> None:
    sc = load_scenario(resolve(name))
    gradient = to_json(run(in_convention(sc, "gradient")))
    error = to_json(run(in_convention(sc, "error")))
    assert '"convention": "error"' in error and '"convention"' not in gradient
    assert error.replace(' "convention": "error",\n', "") == gradient
    assert json.loads(error)["convention"] == "error"


def test_the_steps_show_the_other_sign_and_the_records_keep_the_spec() -> None:
    gradient, error = run(mazur("gradient")), run(mazur("error"))
    for a, b in zip(gradient.steps, error.steps):
        kind = a.ref.kind
        if kind in ("delta", "dE_dout") and a.value is not None:
            assert b.value == -a.value
        else:
            assert b.value == a.value
    assert error.value("delta.o1") == gradient.value("delta.o1") > 0   # Trace.value: the format's keys


# -- the walk-through ---------------------------------------------------------------------------

def test_the_scalar_walk_through_reads_as_mitchell(tmp_path: Path) -> None:
    text = transcript(written(tmp_path, mazur()))
    assert "−∂E_total/∂out_o1 = target_o1 − out_o1" in text
    assert "= 0.01 − 0.75136507\n" in text.replace(" " * 18, "")
    assert "δ_o1 = −∂E_total/∂net_o1 = (target_o1 − out_o1)·∂out_o1/∂net_o1" in text
    assert "     = (−0.74136507)·0.186815602\n     = -0.138498562" in text      # δ_o1 = −0.138 (gradient: +0.138)
    assert "δ_h1 = −∂E_total/∂net_h1 = (−∂E_total/∂out_h1)·∂out_h1/∂net_h1" in text
    assert "−∂E_total/∂out_h1 = δ_o1·∂net_o1/∂out_h1 + δ_o2·∂net_o2/∂out_h1" in text
    # ∂E/∂w keeps its sign, written −δ·x; the update adds Δw = −η·∂E/∂w
    assert "∂E_total/∂w₅ = −(−∂E_total/∂out_o1)·∂out_o1/∂net_o1·∂net_o1/∂w₅" in text
    assert "= 0.0821670406" in text
    assert "w₅⁺ = w₅ + η·(−∂E_total/∂w₅)" in text and "= 0.4 + 0.5·(−0.0821670406)" in text
    assert "Δw₅ = η·δ_o1·out_h1 = 0.5·(−0.138498562)·0.593269992 = -0.0410835203" in text
    assert "δ 0.1385" not in text and "δ -0.1385" in text        # the network picture too
    assert "in the error convention" in text


def test_the_gradient_walk_through_is_unchanged(tmp_path: Path) -> None:
    text = transcript(written(tmp_path, mazur("gradient")))
    assert "δ_o1 = ∂E_total/∂out_o1·∂out_o1/∂net_o1" in text and "= 0.138498562" in text
    assert "−∂E" not in text and "Δw₅" not in text


def test_chinese_words(tmp_path: Path) -> None:
    text = transcript(written(tmp_path, mazur()), lang="zh")
    assert "误差约定" in text and "误差信号" in text
    assert "δ_o1 = −∂E_total/∂net_o1 = (target_o1 − out_o1)·∂out_o1/∂net_o1" in text


def test_markdown_and_latex(tmp_path: Path) -> None:
    trace = run(mazur())
    minus_dnet = r"-\frac{\partial E_{\mathrm{total}}}{\partial \mathrm{net}_{\mathrm{o1}}}"
    for text in (markdown_export.export(trace, Options()), latex_export.export(trace, Options()),
                 beamer_export.export(trace, Options())):
        assert minus_dnet in text
        assert r"\mathrm{target}_{\mathrm{o1}} - \mathrm{out}_{\mathrm{o1}}" in text
        assert r"\left(-\frac{\partial E_{\mathrm{total}}}{\partial \mathrm{out}_{\mathrm{o1}}}\right)" in text
        assert "-0.138498562" in text and r"\Delta w_{5}" in text


@pytest.mark.parametrize("style,expected", [
    ("delta", ["−∂E_total/∂net_o1 = σ′(net_o1)·(−∂E_total/∂out_o1)",
               "−∂E_total/∂net_o1 = 0.186815602·(−0.74136507) = -0.138498562",
               "∂E_total/∂w = −∂net_o1/∂w · (−∂E_total/∂net_o1)", "·(−1) =  0.0821670406",
               "w⁺ = w + η·(−∂E_total/∂w)"]),
    ("matrix", ["δ(2) = −∂E_total/∂h = (−∂E_total/∂a) ⊗ ∂a/∂h = (target − a) ⊗ a ⊗ (1 − a)",
                "δ(1) = −∂E_total/∂H = (W₂ᵀ·δ(2)) ⊗ A ⊗ (1 − A)",
                "⎡-0.138498562⎤", "∂E_total/∂W₂ = −δ(2)·Aᵀ", "⎡ 0.0821670406   0.0826676278⎤",
                "∂E_total/∂b⁽²⁾ = −Σᵤ δ(2)ᵤ"]),
])
def test_the_grouped_styles(tmp_path: Path, style: str, expected: list[str]) -> None:
    text = transcript(written(tmp_path, mazur()), style=style)
    for line in expected:
        assert line in text, line


def test_the_web_player_and_html(tmp_path: Path) -> None:
    sc = written(tmp_path, mazur())
    for fmt in ("html", "web"):
        text = transcript(sc, fmt).replace("<\\/", "</")   # the player holds its pages as JSON strings
        assert "<mn>-0.138498562</mn>" in text and "<mn>0.138498562</mn></math>" not in text, fmt
        assert "Δ" in text


# -- every loss: −∂E/∂out as its own form ---------------------------------------------------------

@pytest.mark.parametrize("name", sorted(LOSSES))
def test_each_loss_error_form_is_minus_its_derivative(name: str) -> None:
    t, o, k = sympy.symbols("t o K", positive=True)
    entry = LOSSES[name]
    if entry.error_template is not None:
        total = entry.error_template(S, t, o, k) + entry.d_template(S, t, o, k)
        assert sympy.simplify(total.doit()) == 0


@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_each_loss_in_the_walk_through(tmp_path: Path, loss: str) -> None:
    sc = replace(load_scenario(resolve("mazur")), loss=loss, display=replace(mazur().display))
    trace = run(sc)
    step = next(s for s in trace.steps if s.quantity == "dE_dout.o1")
    assert step.value == -trace.iterations[0].samples[0].dE_dout["o1"]
    text = transcript(written(tmp_path, sc))
    assert "−∂E_total/∂out_o1 = " in text
    assert "δ_o1 = −∂E_total/∂net_o1 = " in text


def test_softmax_with_cross_entropy_gives_t_minus_o() -> None:
    trace = run(in_convention(load_scenario(resolve("softmax-3class"))))
    sample = trace.iterations[0].samples[0]
    targets = trace.scenario.samples[0].targets
    for k, unit in enumerate(trace.scenario.outputs):
        step = next(s for s in trace.steps if s.quantity == f"delta.{unit}" and s.sample in (None, 1))
        assert step.value == pytest.approx(targets[k] - sample.out[unit], rel=1e-12)


# -- expect and check ---------------------------------------------------------------------------

def test_the_builtin_scenario_agrees_everywhere() -> None:
    sc = load_scenario(resolve(BUILTIN))
    assert sc.display.convention == "error"
    kinds = {e.kind for e in sc.expect}
    assert {"out", "delta", "change", "new"} <= kinds
    verdicts = check(sc)
    assert all(v.agrees for v in verdicts), [(v.key, v.document, v.computed) for v in verdicts if not v.agrees]
    deltas = [v for v in verdicts if v.key.startswith("delta.")]
    assert deltas and all(v.computed < 0 and v.document < 0 for v in deltas)   # Mitchell's sign, reported so
    result = runner.invoke(app, ["check", BUILTIN])
    assert result.exit_code == 0, result.output


def test_change_is_eta_delta_x_and_new_minus_old() -> None:
    trace = run(load_scenario(resolve(BUILTIN)))
    it = trace.iterations[0]
    delta = -it.samples[0].delta["o1"]                      # the error convention's δ_o1
    h1 = it.samples[0].out["h1"]
    change = trace.value("change.w5")
    assert change == pytest.approx(0.5 * delta * h1, rel=1e-13)
    assert change == it.new["w5"] - trace.parameters["w5"]


def test_the_same_numbers_in_the_gradient_convention_fail_on_the_deltas() -> None:
    sc = load_scenario(resolve(BUILTIN))
    verdicts = check(in_convention(sc, "gradient"))
    wrong = {v.key for v in verdicts if not v.agrees}
    assert wrong == {"delta.o1", "delta.h1", "delta.h2"}
    assert all(v.cause is not None and (v.cause.startswith(SIGN_CONVENTION) or "same mistake" in v.cause)
               for v in verdicts if not v.agrees)


def test_a_declared_convention_is_not_a_mistake() -> None:
    """The Mitchell-signed δ of seed 001 agree once the file declares the convention; the
    gradient-signed ones then disagree, without the sign-convention cause."""
    sc = load_scenario(resolve("mazur"))
    trace = run(sc)
    d1, d2 = trace.value("delta.o1"), trace.value("delta.o2")
    entries = tuple(replace(e, key=k, value=v, text=f"{v:.8f}", erratum="", correct=None, correct_text="")
                    for e, (k, v) in zip(sc.expect, [("delta.o1", -d1), ("delta.o2", -d2)]))
    mitchell = replace(in_convention(sc), expect=entries)
    assert all(v.agrees for v in check(mitchell))
    plain = check(replace(sc, expect=entries))               # no key: the existing model names it
    assert all(v.cause and (v.cause.startswith(SIGN_CONVENTION) or "same mistake" in v.cause) for v in plain)
    flipped = tuple(replace(e, value=-e.value, text=f"{-e.value:.8f}") for e in entries)
    verdicts = check(replace(mitchell, expect=flipped))
    assert not any(v.agrees for v in verdicts)
    assert not any(v.cause and v.cause.startswith(SIGN_CONVENTION) for v in verdicts)


def test_causes_quote_the_documents_own_sign() -> None:
    """A declared error-convention document that printed δ with the gradient's sign: the causes say
    so in its own sign (the value is −0.0411277; carried from the 0.041127703 it printed)."""
    sc = load_scenario(resolve(BUILTIN))
    entries = tuple(replace(e, value=-e.value, text=f"{-e.value:.9f}") if e.kind == "delta" else e
                    for e in sc.expect)
    causes = {(v.key, v.iteration): v.cause for v in check(replace(sc, expect=entries)) if not v.agrees}
    assert causes[("delta.o1", 1)] == "sign flipped: the value is -0.0411277"
    assert causes[("delta.h1", 1)] == "carried from delta.o1 = 0.041127703 (itself wrong)"
    assert not any(c and c.startswith(SIGN_CONVENTION) for c in causes.values())


def test_input_gradients_in_the_error_convention_are_minus_de_dx_from_its_deltas() -> None:
    # Σ w·δ read with the error convention's δ = −∂E/∂net is −∂E/∂x: the step showed +∂E/∂x
    # beside operands that multiply to its negative
    from dataclasses import replace

    from bpwalk.engine.convention import FLIPPED_KINDS
    from bpwalk.formula.notation import Notation

    sc = load_scenario(resolve("cs231n-neuron"))
    sc = replace(sc, display=replace(sc.display, convention="error"))
    trace = run(sc)
    steps = [s for s in trace.steps if s.ref.kind == "dinput"]
    assert steps
    for step in steps:
        w, delta = (op.value for op in step.operands)
        assert step.value == w * delta
        assert step.value == -trace.value(step.quantity, 1, 1)
    assert Notation.of(sc).text("dinput.x0", None).startswith("−")
    entries = tuple(replace(e, value=-e.value, text=e.text[1:] if e.text.startswith("-") else "-" + e.text)
                    if e.kind in FLIPPED_KINDS else e for e in sc.expect)
    assert any(e.kind == "dinput" for e in entries)
    verdicts = check(replace(sc, expect=entries))                      # expect reads −∂E/∂x too
    assert all(v.agrees for v in verdicts), [(v.key, v.document, v.computed) for v in verdicts if not v.agrees]
