"""Addition A's updates in the matrix and delta styles: each part of an update, per layer, as equations.

The formulas are the optimizer's own (ops/optimizers.py); the numbers are the steps'. Golden
file: tests/golden/adam-mazur.matrix.txt (test_views.py).
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bpwalk.engine.steps import Trace
from bpwalk.engine.trace import run
from bpwalk.export import render as export
from bpwalk.read import load_scenario
from bpwalk.read.builtin import resolve
from bpwalk.scenario import OptimizerSettings
from bpwalk.walk.frames import Frame, FrameKind
from bpwalk.walk.styles import frames

try:
    from strategies import trained_scenarios
    from test_styles import PROPERTY, check_frames, render
except ImportError:  # tests/ imported as a package
    from tests.strategies import trained_scenarios
    from tests.test_styles import PROPERTY, check_frames, render

OPT_KINDS = {k for k in FrameKind if k.value[1].startswith("opt_")}
STATE_TITLE = "Adam: the state after this update"


def trace_of(name: str, optimizer: str | None = None) -> Trace:
    sc = load_scenario(resolve(name))
    if optimizer is not None:
        sc = replace(sc, optimizer=OptimizerSettings(optimizer, ()))
    return run(sc)


def frame_text(trace: Trace, style: str, label: str, iteration: int = 1, width: int = 100) -> str:
    (frame,) = [f for f in frames(trace, style) if f.label == label and f.iteration == iteration]
    return render(trace, frame, style, width)


@PROPERTY
@given(scenario=trained_scenarios(max_samples=3), style=st.sampled_from(("matrix", "delta")))
def test_every_optimizer_mode_and_penalty_in_the_grouped_styles(scenario, style: str) -> None:
    """Each update step in exactly one grouped frame, after its operands' frames, within 60 columns."""
    trace = run(scenario)
    check_frames(trace, style, widths=(60,))
    for f in frames(trace, style):
        if f.phase == "update":
            assert f.kind is not FrameKind.STEP, f.label


def _update_frames(trace: Trace, style: str, iteration: int) -> list[Frame]:
    return [f for f in frames(trace, style) if f.phase == "update" and f.iteration == iteration]


def test_adam_matrix_update_is_a_layer_at_a_time() -> None:
    trace = trace_of("adam-mazur")
    shown = [(str(f.kind), f.label) for f in _update_frames(trace, "matrix", 1)]
    layer2 = [("matrix:opt_state", "M₂"), ("matrix:opt_state", "V₂"), ("matrix:opt_state", "Mˆ₂"),
              ("matrix:opt_state", "Vˆ₂"), ("matrix:opt_step", "W₂*"), ("matrix:opt_change", "ΔW₂"),
              ("matrix:update_b", "b⁽²⁾*")]
    assert shown == layer2 + [(kind, label.replace("₂", "₁").replace("⁽²⁾", "⁽¹⁾")) for kind, label in layer2]


def test_adam_first_moment_as_matrices() -> None:
    trace = trace_of("adam-mazur")
    text = frame_text(trace, "matrix", "M₂")
    assert "M₂ ← β₁·M₂ + (1 − β₁)·G₂" in text
    assert "= 0.9 · ⎡0  0⎤ + (1 − 0.9) · ⎡ 0.0821670406   0.0826676278⎤" in text
    assert "⎡ 0.00821670406   0.00826676278⎤" in text          # m.w5 of the expect list, m.w6
    assert "M₂: right of ←, zero: no update before" in text
    assert "G₂ = ∂E_total/∂W₂: from the backward pass" in text
    later = frame_text(trace, "matrix", "M₂", iteration=2)
    assert "= 0.9 · ⎡ 0.00821670406   0.00826676278⎤" in later     # the state the first update left
    assert "M₂: right of ←, from iteration 1" in later


def test_adam_corrections_and_step() -> None:
    trace = trace_of("adam-mazur")
    assert "Mˆ₂ = M₂/(1 − β₁ᵗ)" in frame_text(trace, "matrix", "Mˆ₂")
    assert "/(1 − 0.999²)" in frame_text(trace, "matrix", "Vˆ₂", iteration=2)
    step = frame_text(trace, "matrix", "W₂*")
    assert "W₂* = W₂ − η·Mˆ₂ ⊘ (√Vˆ₂ + ε)" in step
    assert "⎡0.390000001  0.440000001⎤" in step                     # new.w5 of the expect list
    assert "(√⎡" in step                                             # the root stays with its matrix
    assert "ΔW₂ = W₂* − W₂" in frame_text(trace, "matrix", "ΔW₂")


def test_the_state_table_closes_the_last_frame_of_each_update() -> None:
    """The update's last step in the trace (b2 kept) is shown before layer 1: the table waits for it."""
    trace = trace_of("adam-mazur")
    for style in ("matrix", "delta"):
        for iteration in (1, 2, 3):
            update = _update_frames(trace, style, iteration)
            with_table = [f for f in update if STATE_TITLE in render(trace, f, style, 100)]
            assert with_table == [update[-1]], (style, iteration)


@pytest.mark.parametrize(("optimizer", "shown"), [
    ("momentum", ["V₂ ← μ·V₂ + G₂", "W₂* = W₂ − η·V₂"]),
    ("nesterov", ["V₂ ← μ·V₂ + G₂", "W₂* = W₂ − η·(G₂ + μ·V₂)"]),
    ("rmsprop", ["S₂ ← α·S₂ + (1 − α)·G₂ ⊗ G₂", "W₂* = W₂ − η·G₂ ⊘ (√S₂ + ε)"]),
    ("adamw", ["V₂ ← β₂·V₂ + (1 − β₂)·G₂ ⊗ G₂", "W₂* = W₂·(1 − η·λ_wd) − η·Mˆ₂ ⊘ (√Vˆ₂ + ε)"]),
    ("sgd", ["W₂* = W₂ − η·G₂"]),
])
def test_each_optimizer_shows_its_registry_formulas(optimizer: str, shown: list[str]) -> None:
    trace = trace_of("adam-mazur", optimizer)
    text = "".join(render(trace, f, "matrix", 100) for f in _update_frames(trace, "matrix", 2))
    for formula in shown:
        assert formula in text


def test_momentum_velocity_comes_from_the_previous_iteration() -> None:
    trace = trace_of("momentum-mazur")
    text = frame_text(trace, "matrix", "V₂", iteration=2)
    assert "V₂ ← μ·V₂ + G₂" in text
    assert "V₂: right of ←, from iteration 1" in text


def test_penalty_term_and_batches_in_the_matrix_style() -> None:
    trace = trace_of("minibatch-xor")
    grad = [f for f in frames(trace, "matrix") if f.label == "G₁" and f.iteration == 1]
    assert len(grad) == 2      # one per mini-batch
    first, second = (render(trace, f, "matrix", 100) for f in grad)
    assert "Update · iteration 1 · batch 1 of 2: samples 1, 2 · G₁" in first and "batch 2 of 2: samples 3, 4 · G₁" in second
    assert "G₁ = ∂E_data/∂W₁ + λ·W₁" in first
    assert "+ 0.001 · ⎡0.5  -0.4⎤" in first
    step = [f for f in frames(trace, "matrix") if f.label == "W₂*" and f.iteration == 1][0]
    text = render(trace, step, "matrix", 100)
    assert "W₂* = W₂ − η·G₂" in text
    assert "G₂ = ∂E_total/∂W₂: with the penalty's term, just before" in text


def test_delta_style_writes_one_formula_and_a_row_per_parameter() -> None:
    trace = trace_of("adam-mazur")
    (frame,) = [f for f in _update_frames(trace, "delta", 2) if f.label.startswith("m (w₅")]
    text = render(trace, frame, "delta", 80)
    assert "m = β₁·mₜ₋₁ + (1 − β₁)·g" in text
    assert "β₁ = 0.9" in text
    assert "w₅   0.00821670406   0.0823650565    0.0156315393" in text
    assert "mₜ₋₁: from iteration 1" in text


def test_latex_markdown_and_html_write_the_arrow() -> None:
    trace = trace_of("adam-mazur")
    assert "M_{2} &\\leftarrow \\beta_{1}\\cdot M_{2} + (1 - \\beta_{1})\\cdot G_{2}" in export(trace, "latex", style="matrix")
    assert "M_{2} &\\leftarrow" in export(trace, "md", style="matrix")
    assert "<td>←</td>" in export(trace, "html", style="matrix")


def test_kinds_belong_to_their_styles() -> None:
    assert {k.style for k in OPT_KINDS} == {"matrix", "delta"}
