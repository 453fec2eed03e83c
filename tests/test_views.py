"""Rendered steps of the scalar style: golden files and the details a student relies on."""

from __future__ import annotations

from io import StringIO

import pytest
from rich.console import Console

from bpwalk.read.builtin import builtin_paths, resolve
from bpwalk.walk.styles import frames_for
from bpwalk.render.views import FrameView, Settings
from bpwalk.read import load_scenario
from bpwalk.engine.trace import run


def render(trace, frame, settings: Settings, width: int = 80) -> str:
    console = Console(file=StringIO(), width=width, color_system=None, legacy_windows=False)
    console.print(FrameView(trace, frame, settings))
    return console.file.getvalue()


def render_all(name: str, style: str, lang: str = "en", width: int = 80) -> str:
    trace = run(load_scenario(resolve(name)))
    settings = Settings(digits=trace.scenario.display.precision, lang=lang, style=style)
    frames = frames_for(trace, style)
    return "".join(f"--- frame {f.index + 1}/{len(frames)}\n" + render(trace, f, settings, width) for f in frames)


def test_mazur_scalar_golden(golden) -> None:
    golden("mazur.scalar.txt", render_all("mazur", "scalar"))


def test_mazur_scalar_chinese_golden(golden) -> None:
    golden("mazur.scalar.zh.txt", render_all("mazur", "scalar", lang="zh"))


# Addition A: the optimizer's steps and its state table (Adam), mini-batches with the penalty
@pytest.mark.parametrize(("name", "style"), [("adam-mazur", "scalar"), ("adam-mazur", "matrix"),
                                           ("minibatch-xor", "scalar")])
def test_addition_a_terminal_golden(golden, name: str, style: str) -> None:
    golden(f"{name}.{style}.txt", render_all(name, style))


@pytest.fixture(scope="module")
def mazur():
    trace = run(load_scenario(resolve("mazur")))
    return trace, frames_for(trace, "scalar")


def frame_text(mazur, quantity: str, **settings) -> str:
    trace, frames = mazur
    index = next(i for i, s in enumerate(trace.steps) if s.quantity == quantity and s.iteration == 1)
    return render(trace, frames[index], Settings(**settings))


def test_the_equation_three_ways(mazur) -> None:
    text = frame_text(mazur, "net.h1")
    assert "net_h1 = w₁·i₁ + w₂·i₂ + b₁" in text
    assert "= 0.15·0.05 + 0.2·0.1 + 0.35·1" in text
    assert "= 0.3775" in text


def test_chain_rule_lists_each_factor_and_its_step(mazur) -> None:
    text = frame_text(mazur, "grad.w5")
    assert "∂E_total/∂w₅ = ∂E_total/∂out_o1·∂out_o1/∂net_o1·∂net_o1/∂w₅" in text
    assert "= 0.74136507·0.186815602·0.593269992" in text
    assert "0.0821670406" in text
    assert "from step 13" in text and "from step 14" in text and "from step 3" in text


def test_hidden_weight_shows_the_sum_over_paths(mazur) -> None:
    text = frame_text(mazur, "dE_dout.h1")
    # each path term is δ_K·w_Kh1 = δ_K·∂net_K/∂out_h1 (E_total depends on out_h1 through both)
    assert "∂E_total/∂out_h1 = δ_o1·∂net_o1/∂out_h1 + δ_o2·∂net_o2/∂out_h1" in text
    assert "= 0.0553994247 + (−0.0190491183)" in text
    assert "0.0363503064" in text


def test_update_with_numbers(mazur) -> None:
    text = frame_text(mazur, "new.w5")
    assert "w₅⁺ = w₅ − η·∂E_total/∂w₅" in text
    assert "= 0.4 − 0.5·0.0821670406" in text
    assert "0.35891648" in text


def test_precision_and_no_float_noise(mazur) -> None:
    text = frame_text(mazur, "net.h2", digits=4)
    assert "0.3925" in text and "0.39249999" not in text


def test_diagram_highlights_and_shows_known_values(mazur) -> None:
    trace, frames = mazur
    index = next(i for i, s in enumerate(trace.steps) if s.quantity == "grad.w5")
    console = Console(file=StringIO(), width=80, color_system="truecolor", legacy_windows=False)
    console.print(FrameView(trace, frames[index], Settings()))
    out = console.file.getvalue()
    assert "\x1b[1;7mw5" in out          # bold reverse: the weight of this step
    plain = render(trace, frames[index], Settings())
    assert "h1 0.5933" in plain and "o1 0.7514" in plain


def test_intro_shows_the_whole_scenario(mazur) -> None:
    trace, frames = mazur
    text = render(trace, frames[0], Settings())
    for fragment in ["Mazur's 2-2-2 sigmoid network", "w8", "0.55", "learning rate η", "0.5", "half_sse",
                     "0.01", "0.99", "h1 ← w1 w2"]:
        assert fragment in text


def test_chinese_labels(mazur) -> None:
    text = frame_text(mazur, "net.h1", lang="zh")
    assert "正向传播" in text and "第 1 轮" in text
    trace, frames = mazur
    assert "学习率" in render(trace, frames[0], Settings(lang="zh"))


@pytest.mark.parametrize("path", builtin_paths(), ids=lambda p: p.stem)
@pytest.mark.parametrize("width", [60, 80])
def test_every_builtin_renders_in_narrow_terminals(path, width: int) -> None:
    trace = run(load_scenario(path))
    frames = frames_for(trace, "scalar")
    for frame in frames:
        text = render(trace, frame, Settings(digits=trace.scenario.display.precision), width)
        assert max(len(line) for line in text.splitlines()) <= width


def test_the_diagram_writes_a_rounded_trace_with_its_decimals() -> None:
    # bpwalk run mazur --round 4: the equations write 0.0500; the diagram wrote 0.05 beside them
    from bpwalk.formula.numbers import shown_digits
    from bpwalk.render.diagram import NetworkDiagram

    trace = run(load_scenario(resolve("mazur")), rounding=4)
    index = next(i for i, s in enumerate(trace.steps) if s.quantity == "grad.w5")
    console = Console(file=StringIO(), width=80, color_system=None, legacy_windows=False)
    console.print(NetworkDiagram(trace, index, shown_digits(9, 4)))
    plain = console.file.getvalue()
    assert "0.0500" in plain and "0.5933" in plain, plain


def test_a_mini_batchs_steps_say_which_samples_it_is_of() -> None:
    # a mini-batch is its own section, "batch 2 of 2: samples 3, 4": the terminal said "batch 2"
    text = render_all("minibatch-xor", "scalar")
    assert "Loss · iteration 1 · batch 2 of 2: samples 3, 4 · E_batch" in text
    assert "· batch 2 ·" not in text
    matrix = render_all("minibatch-xor", "matrix")
    assert "batch 1 of 2: samples 1, 2" in matrix and "· batch 1 ·" not in matrix
