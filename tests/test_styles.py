"""The grouped display styles (matrix, delta): frames cover the trace in order, and render.

Golden files: tests/golden/mazur-matrix.matrix.txt and delta-two-samples.delta.txt
(`pytest --update-golden` rewrites them).
"""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
from rich.console import Console

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from bpwalk.read.builtin import builtin_paths, resolve
from bpwalk.walk.frames import Frame, FrameKind
from bpwalk.walk.styles import frames_for
from bpwalk.render.pages import PageView
from bpwalk.walk.pages import page
from bpwalk.walk.styles import frames
from bpwalk.render.views import Settings
from bpwalk.read import load_scenario
from bpwalk.engine.steps import Trace
from bpwalk.engine.trace import run

try:
    from strategies import scenarios
except ImportError:  # tests/ imported as a package
    from tests.strategies import scenarios

GROUPED = ("matrix", "delta")
# no shrinking: a layout failure prints its (unshrunk) example at once instead of minutes later
PROPERTY = settings(max_examples=40, deadline=None, database=None, derandomize=True,
                    phases=[Phase.explicit, Phase.reuse, Phase.generate],
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
SCENARIOS = [p.stem for p in builtin_paths()]

_traces: dict[str, Trace] = {}


def trace_of(name: str) -> Trace:
    if name not in _traces:
        _traces[name] = run(load_scenario(resolve(name)))
    return _traces[name]


def render(trace: Trace, frame: Frame, style: str, width: int = 80, lang: str = "en", soft_wrap: bool = False) -> str:
    """A frame as plain text; with soft_wrap, rich does not re-wrap lines (so overlong ones show)."""
    console = Console(file=StringIO(), width=width, color_system=None, legacy_windows=False)
    console.print(PageView(trace, page(trace, frame, lang), trace.scenario.display.precision, lang),
                  soft_wrap=soft_wrap)
    return console.file.getvalue()


def check_frames(trace: Trace, style: str, widths: tuple[int, ...] = (60, 80)) -> None:
    """Every step in one frame, dependencies first, and every frame laid out within each width."""
    fs = frames(trace, style)
    assert sorted(i for f in fs for i in f.steps) == list(range(len(trace.steps)))
    where = frame_of(fs)
    for f in fs:
        for i in f.steps:
            assert all(where[op.source] <= f.index for op in trace.steps[i].operands if op.source is not None)
        if f.kind is FrameKind.STEP:
            continue
        for width in widths:
            text = render(trace, f, style, width, soft_wrap=True)
            too_long = [line for line in text.splitlines() if cell_len(line) > width]
            assert not too_long, (f.kind, width, too_long)


def render_all(name: str, style: str, width: int = 80) -> str:
    trace = trace_of(name)
    out = []
    for frame in frames(trace, style):
        body = render(trace, frame, style, width) if frame.kind is not FrameKind.STEP else f"({frame.label})\n"
        out.append(f"--- frame {frame.index + 1} · {frame.kind} · steps {', '.join(str(i + 1) for i in frame.steps)}\n"
                   + body)
    return "".join(out)


def frame_of(frames_: tuple[Frame, ...]) -> dict[int, int]:
    return {step: f.index for f in frames_ for step in f.steps}


@pytest.mark.parametrize("style", GROUPED)
@pytest.mark.parametrize("name", SCENARIOS)
def test_every_step_in_exactly_one_frame(name: str, style: str) -> None:
    trace = trace_of(name)
    fs = frames(trace, style)
    shown = sorted(i for f in fs for i in f.steps)
    assert shown == list(range(len(trace.steps)))
    assert [f.index for f in fs] == list(range(len(fs)))
    assert all(f.steps == tuple(sorted(f.steps)) for f in fs)


@pytest.mark.parametrize("style", GROUPED)
@pytest.mark.parametrize("name", SCENARIOS)
def test_no_frame_shows_a_value_before_its_step(name: str, style: str) -> None:
    trace = trace_of(name)
    fs = frames(trace, style)
    where = frame_of(fs)
    for f in fs:
        for i in f.steps:
            for op in trace.steps[i].operands:
                if op.source is not None:
                    assert where[op.source] <= f.index, (f.kind, f.label, trace.steps[i].id, op.name)


@pytest.mark.parametrize("style", GROUPED)
@pytest.mark.parametrize("name", SCENARIOS)
def test_frames_have_kinds_labels_and_terms(name: str, style: str) -> None:
    trace = trace_of(name)
    fs = frames(trace, style)
    assert fs[0].kind is FrameKind.STEP and trace.steps[fs[0].first].phase == "intro"
    assert fs[-1].kind is FrameKind.STEP and trace.steps[fs[-1].first].phase == "summary"
    for f in fs[1:-1]:
        # Addition A's steps (penalty, optimizer state, change, ...) are frames of their own
        assert f.kind.style == style or (f.kind is FrameKind.STEP and trace.scenario.extended), f.kind
        assert f.label
        assert f.terms
        assert all(trace.steps[i].phase == f.phase for i in f.steps)


def test_every_grouped_kind_has_one_builder() -> None:
    """The page builders are keyed by the kinds themselves: none missing, none for a kind no style makes."""
    from bpwalk.walk.pages import _builders

    builders = _builders()
    assert set(builders) == {kind for kind in FrameKind if kind.style in GROUPED}
    assert all(isinstance(kind, FrameKind) for kind in builders)


@pytest.mark.parametrize("width", (60, 80))
@pytest.mark.parametrize("style", GROUPED)
@pytest.mark.parametrize("name", SCENARIOS)
def test_every_frame_renders(name: str, style: str, width: int) -> None:
    trace = trace_of(name)
    for frame in frames(trace, style):
        if frame.kind is not FrameKind.STEP:
            text = render(trace, frame, style, width)
            assert text.strip()


@pytest.mark.parametrize("style", GROUPED)
@pytest.mark.parametrize("name", SCENARIOS)
def test_every_line_fits_the_width(name: str, style: str) -> None:
    check_frames(trace_of(name), style)


@PROPERTY
@given(scenario=scenarios(conditioned=True), iterations=st.integers(1, 2), style=st.sampled_from(GROUPED))
def test_any_scenario_in_any_style(scenario, iterations: int, style: str) -> None:
    """Every activation (softmax too), bias mode, loss, reduction, batch and per_sample updates."""
    check_frames(run(scenario.with_iterations(iterations)), style, widths=(60,))


@settings(PROPERTY, max_examples=6)
@given(scenario=scenarios(max_units=14, max_inputs=12, max_layers=2, max_samples=6), style=st.sampled_from(GROUPED))
def test_wide_layers_fit(scenario, style: str) -> None:
    check_frames(run(scenario), style)


@pytest.mark.parametrize("style", GROUPED)
def test_chinese_labels(style: str) -> None:
    trace = trace_of("delta-two-samples")
    texts = [render(trace, f, style, lang="zh") for f in frames(trace, style) if f.kind is not FrameKind.STEP]
    assert any("反向传播" in t for t in texts)
    assert any("正向传播" in t for t in texts)
    assert any("对样本求和" in t for t in texts)


def test_frames_for_dispatches_to_the_grouped_styles() -> None:
    trace = trace_of("mazur-matrix")
    assert frames_for(trace) == frames(trace, "matrix")
    assert frames_for(trace, "delta") == frames(trace, "delta")


def test_unknown_style_is_refused() -> None:
    with pytest.raises(ValueError, match="grouped style"):
        frames(trace_of("mazur"), "scalar")


# -- what the seeds show --------------------------------------------------------------------

def kinds(name: str, style: str) -> list[FrameKind]:
    return [f.kind for f in frames(trace_of(name), style)]


def text_of(name: str, style: str, kind: FrameKind, nth: int = 0, width: int = 80) -> str:
    trace = trace_of(name)
    frame = [f for f in frames(trace, style) if f.kind == kind][nth]
    return render(trace, frame, style, width)


def test_matrix_order_follows_the_document() -> None:
    assert kinds("mazur-matrix", "matrix")[:16] == [
        FrameKind.STEP, FrameKind.MATRIX_NET, FrameKind.MATRIX_ACT, FrameKind.MATRIX_NET, FrameKind.MATRIX_ACT,
        FrameKind.MATRIX_LOSS,
        FrameKind.MATRIX_DELTA_OUT, FrameKind.MATRIX_GRAD_W, FrameKind.MATRIX_GRAD_B,
        FrameKind.MATRIX_DELTA_HIDDEN, FrameKind.MATRIX_GRAD_W, FrameKind.MATRIX_GRAD_B,
        FrameKind.MATRIX_UPDATE_W, FrameKind.MATRIX_UPDATE_B, FrameKind.MATRIX_UPDATE_W, FrameKind.MATRIX_UPDATE_B,
    ]


def test_matrix_delta2_has_the_corrected_numbers() -> None:
    text = text_of("mazur-matrix", "matrix", FrameKind.MATRIX_DELTA_OUT)
    assert "δ(2) = ∂J/∂a ⊗ ∂a/∂h = (a − t) ⊗ a ⊗ (1 − a)" in text
    assert "0.1385" in text
    assert "-0.0381" in text
    assert "0.1868" in text and "0.1755" in text       # a(1 − a), not the document's 0.249, 0.127


def test_matrix_hidden_delta_and_gradient() -> None:
    hidden = text_of("mazur-matrix", "matrix", FrameKind.MATRIX_DELTA_HIDDEN)
    assert "δ(1) = (W₂ᵀ·δ(2)) ⊗ A ⊗ (1 − A)" in hidden
    assert "0.008771" in hidden and "0.009954" in hidden
    grad = text_of("mazur-matrix", "matrix", FrameKind.MATRIX_GRAD_W)
    assert "∂J/∂W₂ = δ(2)·Aᵀ" in grad
    assert "[0.5933  0.5969]" in grad


def test_matrix_update_of_W2() -> None:
    text = text_of("mazur-matrix", "matrix", FrameKind.MATRIX_UPDATE_W)
    assert "W₂* = W₂ − α·∂J/∂W₂" in text
    for value in ("0.3589", "0.4087", "0.5113", "0.5614"):
        assert value in text


def test_matrix_shared_bias_sums_the_deltas() -> None:
    text = text_of("mazur", "matrix", FrameKind.MATRIX_GRAD_B)
    assert "Σᵤ δ(2)ᵤ" in text
    assert "0.138498562 + (−0.0380982365) = 0.100400325" in text
    untrained = text_of("mazur", "matrix", FrameKind.MATRIX_UPDATE_B)
    assert "not trained" in untrained


def test_matrix_softmax_uses_its_jacobian() -> None:
    text = text_of("softmax-3class", "matrix", FrameKind.MATRIX_DELTA_OUT)
    assert "δ(2) = (diag(a) − a·aᵀ)·∂E_total/∂a" in text
    assert "−t ⊘ a" in text


def test_matrix_deep_network_names_layers() -> None:
    labels = [f.label for f in frames(trace_of("deep-relu"), "matrix")]
    assert "Z⁽²⁾ = W₂·A⁽¹⁾ + b⁽²⁾" in labels
    assert "δ(3)" in labels


def test_matrix_several_samples_sum_their_gradients() -> None:
    text = text_of("delta-two-samples", "matrix", FrameKind.MATRIX_REDUCE)
    assert "∂L/∂W₂ = Σₙ ∂C⁽ⁿ⁾/∂W₂" in text
    assert "summed over the samples" in text
    mean = text_of("xor-tanh", "matrix", FrameKind.MATRIX_REDUCE)
    assert "(1/4)·Σₙ" in mean


def test_delta_order_units_then_gradients() -> None:
    assert kinds("delta-two-samples", "delta")[9:16] == [
        FrameKind.DELTA_TOTAL, FrameKind.DELTA_UNIT, FrameKind.DELTA_UNIT, FrameKind.DELTA_UNIT,
        FrameKind.DELTA_GRAD, FrameKind.DELTA_GRAD, FrameKind.DELTA_GRAD,
    ]
    labels = [f.label for f in frames(trace_of("delta-two-samples"), "delta") if f.kind == FrameKind.DELTA_UNIT]
    assert labels[:3] == ["∂C⁽¹⁾/∂z_y1", "∂C⁽¹⁾/∂z_y2", "∂C⁽¹⁾/∂z_h"]


def test_delta_hidden_unit_sums_two_paths_through_sigma_prime() -> None:
    trace = trace_of("delta-two-samples")
    hidden = [f for f in frames(trace, "delta") if f.kind == FrameKind.DELTA_UNIT and f.label.endswith("z_h")]
    assert len(hidden) == 2
    for frame in hidden:
        text = render(trace, frame, "delta")
        n = frame.sample
        assert f"∂C⁽{'¹²'[n - 1]}⁾/∂z_h = σ′(z_h)·(w₃·∂C⁽{'¹²'[n - 1]}⁾/∂z_y1 + w₄·∂C⁽{'¹²'[n - 1]}⁾/∂z_y2)" in text
        assert "┐" in text and "┘" in text and "├──▶ Σ =" in text
        assert "[ σ′(z_h) = " in text
    first = render(trace, hidden[0], "delta")
    assert "(−0.0448536) + (−0.0407125)" in first     # the two paths, as the path steps hold them
    assert "Σ = -0.0855661" in first
    assert "σ′(z_h) = 0.244458" in first
    assert "∂C⁽¹⁾/∂z_h = -0.0209173" in first


def test_delta_gradient_is_input_times_dC_dz() -> None:
    text = text_of("delta-two-samples", "delta", FrameKind.DELTA_GRAD)
    assert "∂C⁽¹⁾/∂w = ∂z_y1/∂w · ∂C⁽¹⁾/∂z_y1" in text
    assert re.search(r"w₃\s+a_h = 0\.574443\s+×\s+-0\.0897072\s+=\s+-0\.0515316", text)


def test_delta_sum_over_samples() -> None:
    text = text_of("delta-two-samples", "delta", FrameKind.DELTA_SUM)
    assert "∂L/∂w = Σₙ ∂C⁽ⁿ⁾/∂w" in text
    assert re.search(r"w₃\s+-0\.0515316\s+0\.0632123\s+0\.0116806", text)


def test_wide_layers_are_elided() -> None:
    from bpwalk.render.blocks import column, matrix

    assert column([str(i) for i in range(20)]).height == 8
    wide = matrix([[f"0.{i:04d}" for i in range(12)] for _ in range(2)], max_width=50)
    assert wide.width <= 50 and "⋯" in wide.lines[0].plain


def test_mazur_matrix_golden(golden) -> None:
    golden("mazur-matrix.matrix.txt", render_all("mazur-matrix", "matrix"))


def test_delta_two_samples_golden(golden) -> None:
    golden("delta-two-samples.delta.txt", render_all("delta-two-samples", "delta"))


def test_golden_files_exist() -> None:
    folder = Path(__file__).parent / "golden"
    assert (folder / "mazur-matrix.matrix.txt").exists()
    assert (folder / "delta-two-samples.delta.txt").exists()
