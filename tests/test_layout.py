"""80 columns is the normal terminal, 60 a narrow one: nothing a student reads is cut.

Every frame of every built-in scenario, in every style, is rendered at 80 and at 60 columns.
A number or a unit name that rich had to cut ends in "…"; the only "…" a frame may show is in
its own label (`w₁⁺, w₂⁺, w₃⁺, …` lists a group of steps). Deliberate elisions use ⋮ and ⋯.
"""

from __future__ import annotations

import re
from io import StringIO

import pytest
from rich.cells import cell_len
from rich.console import Console

from bpwalk.engine.steps import Step, Trace
from bpwalk.engine.trace import run
from bpwalk.read import load_scenario
from bpwalk.read.builtin import builtin_paths, resolve
from bpwalk.render.blocks import Equation, column
from bpwalk.render import diagram as network
from bpwalk.render.terminal import StepView
from bpwalk.render.views import FrameView, Settings
from bpwalk.scenario import Scenario
from bpwalk.tui.app import walk
from bpwalk.walk.frames import Frame, FrameKind
from bpwalk.walk.styles import frames_for
from bpwalk.words import cases

SCENARIOS = [p.stem for p in builtin_paths()]
STYLES = ("scalar", "matrix", "delta")
RULE = "────────"

_traces: dict[str, Trace] = {}


def trace_of(name: str) -> Trace:
    if name not in _traces:
        _traces[name] = run(load_scenario(resolve(name)))
    return _traces[name]


def render(trace: Trace, frame: Frame, style: str, width: int) -> str:
    console = Console(file=StringIO(), width=width, color_system=None, legacy_windows=False)
    console.print(FrameView(trace, frame, Settings(digits=trace.scenario.display.precision, style=style)))
    return console.file.getvalue()


def unit_of(scenario: Scenario, step: Step) -> str | None:
    """The unit a step is about: its subject, or the unit a weight or bias feeds (None: the loss)."""
    units = set(scenario.inputs) | {u for layer in scenario.layers for u in layer.units}
    if step.subject in units:
        return step.subject
    for layer in scenario.layers:
        for u, names in enumerate(layer.weight_names):
            bias = layer.bias_index(u)
            if step.subject in names or (bias is not None and layer.bias_names[bias] == step.subject):
                return layer.units[u]
    return None


def diagram_part(text: str) -> str:
    """What follows the rule above the network diagram."""
    assert RULE in text
    return text.rsplit(RULE, 1)[1]


def shows_name(text: str, name: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", text) is not None


def check_frames(trace: Trace, style: str, width: int) -> None:
    for frame in frames_for(trace, style):
        text = render(trace, frame, style, width)
        lines = text.replace(frame.label, "").splitlines()
        cut = [line for line in lines if "…" in line]
        assert not cut, (frame.index + 1, frame.label, cut)
        wide = [line for line in text.splitlines() if cell_len(line) > width]
        assert not wide, (frame.index + 1, frame.label, wide)
        step = trace.steps[frame.steps[-1]]
        if step.phase in ("intro", "summary"):
            continue
        unit = unit_of(trace.scenario, step)
        if unit is not None:
            assert shows_name(diagram_part(text), unit), (frame.index + 1, frame.label, unit, text)


@pytest.mark.parametrize("width", (80, 60))
@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("name", SCENARIOS)
def test_no_number_or_name_is_cut(name: str, style: str, width: int) -> None:
    check_frames(trace_of(name), style, width)


def render_all(name: str, style: str, width: int) -> str:
    trace = trace_of(name)
    frames = frames_for(trace, style)
    return "".join(f"--- frame {f.index + 1}/{len(frames)}\n" + render(trace, f, style, width) for f in frames)


@pytest.mark.parametrize(("name", "style", "width"), [
    ("mazur", "scalar", 60), ("mazur", "matrix", 60), ("mazur", "delta", 60),
    ("softmax-3class", "scalar", 80), ("deep-relu", "scalar", 80),
])
def test_layout_golden(golden, name: str, style: str, width: int) -> None:
    golden(f"{name}.{style}.{width}.txt", render_all(name, style, width))


def test_the_reported_cuts_are_gone() -> None:
    trace = trace_of("mazur")
    text = render(trace, frames_for(trace, "scalar")[43], "scalar", 80)
    assert "δ -0.0381" in diagram_part(text)
    trace = trace_of("softmax-3class")
    diagram = diagram_part(render(trace, frames_for(trace, "scalar")[20], "scalar", 80))
    assert "inputs" in diagram and "softmax" in diagram and "δ 0.3278" in diagram
    trace = trace_of("deep-relu")
    diagram = diagram_part(render(trace, frames_for(trace, "scalar")[4], "scalar", 80))
    assert "inputs" in diagram and re.search(r"^x1 1 ", diagram, re.M)


WIDE = """\
title: A hidden layer of twelve units
network:
  inputs: [x1, x2]
  layers:
    - units: [h1, h2, h3, h4, h5, h6, h7, h8, h9, h10, h11, h12]
      activation: sigmoid
      weights: [[0.1, 0.2], [0.2, 0.1], [0.3, -0.1], [-0.2, 0.4], [0.1, 0.1], [0.5, -0.3],
                [0.05, 0.25], [0.2, 0.2], [-0.1, 0.3], [0.4, 0.1], [0.3, 0.3], [-0.3, 0.2]]
    - units: [o1, o2]
      activation: sigmoid
      weights: [[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2],
                [-0.1, -0.2, -0.3, -0.4, -0.5, -0.6, -0.7, -0.8, -0.9, -1.0, -1.1, -1.2]]
learning_rate: 0.5
samples:
  - {inputs: [0.05, 0.1], targets: [0.01, 0.99]}
"""


@pytest.fixture(scope="module")
def wide(tmp_path_factory) -> Trace:
    path = tmp_path_factory.mktemp("wide") / "wide.yaml"
    path.write_text(WIDE, encoding="utf-8")
    return run(load_scenario(path))


def test_a_long_layer_keeps_the_unit_of_the_step(wide: Trace) -> None:
    frames = frames_for(wide, "scalar")
    index = next(i for i, s in enumerate(wide.steps) if s.quantity == "out.h7")
    diagram = diagram_part(render(wide, frames[index], "scalar", 80))
    value = format(wide.steps[index].value, ".4g")
    assert re.search(rf"(?<!\w)h7 {value}", diagram)
    assert "⋮ (+" in diagram                       # the layer is still elided around h7
    assert len(diagram.strip("\n").splitlines()) <= 8


@pytest.mark.parametrize("width", (80, 60))
@pytest.mark.parametrize("style", STYLES)
def test_a_long_layer_shows_every_step_unit(wide: Trace, style: str, width: int) -> None:
    check_frames(wide, style, width)


def test_shown_rows_elide_around_the_kept_ones() -> None:
    assert network.shown_rows(4) == [0, 1, 2, 3]
    assert network.shown_rows(12) == [0, 1, 2, 3, None, 11]
    assert network.shown_rows(12, [6]) == [0, 1, None, 6, None, 11]
    assert network.shown_rows(12, [10]) == [0, 1, 2, None, 10, 11]
    assert network.shown_rows(12, [3, 7, 9]) == [0, None, 3, None, 7, None, 9, None, 11]


def test_the_diagram_steps_down_to_fit() -> None:
    trace = trace_of("deep-relu")
    step = next(s for s in trace.steps if s.quantity == "delta.h6")
    diagram = network.NetworkDiagram(trace, step.index, 4)
    for width in (200, 80, 60, 40):
        columns = diagram.fitted(width)
        used = sum(c.width for c in columns) + 2 * (len(columns) - 1)
        assert used <= width or width == 40
        assert any(shows_name(c.cell.plain, "h6") for c in columns)
    assert any("←" in c.cell.plain for c in diagram.fitted(200))      # room for every weight name


# -- equations ------------------------------------------------------------------------------

def equation_lines(trace: Trace, step: Step, width: int) -> list[str]:
    """The lines of a scalar step's equation as the terminal shows them (None: the step has none)."""
    import bpwalk.formula.equations as formula
    from bpwalk.formula.notation import Notation

    digits = trace.scenario.display.precision
    parts = formula.text(step, Notation.of(trace.scenario), digits, cases("en"))
    if parts is None:
        return []
    console = Console(file=StringIO(), width=width, color_system=None, legacy_windows=False)
    console.print(StepView(trace, step, digits))
    lines = [line.rstrip() for line in console.file.getvalue().splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{parts[0]} = "))
    end = lines.index("where") if "where" in lines else len(lines)
    return lines[start:end]


def test_a_long_equation_wraps_at_an_operator_under_its_first_term() -> None:
    trace = trace_of("softmax-3class")
    step = trace.steps[20]
    assert step.quantity == "delta.cat"
    lines = equation_lines(trace, step, 80)
    lhs = "δ_cat"
    assert lines[0].startswith(f"{lhs} = ")
    assert len(lines) > 3                             # the general and substituted lines wrapped
    for line in lines[1:]:
        assert cell_len(line) <= 80
        body = line.lstrip(" ")
        indent = cell_len(line) - cell_len(body)
        if body.startswith("= "):
            assert indent == cell_len(lhs) + 1, line          # under the first "="
        else:
            assert indent == cell_len(lhs) + 3, line          # under the first term after "= "
            assert body[0] in "+−", line                      # cut before an operator


@pytest.mark.parametrize("width", (80, 60))
@pytest.mark.parametrize("name", SCENARIOS)
def test_scalar_equations_keep_their_alignment(name: str, width: int) -> None:
    trace = trace_of(name)
    for step in trace.steps:
        lines = equation_lines(trace, step, width)
        if not lines:
            continue
        eq = lines[0].index(" = ") + 1
        for line in lines[1:]:
            assert cell_len(line) <= width, (step.id, line)
            body = line.lstrip(" ")
            if body.startswith("("):          # the "(not trained)" note of a kept bias
                continue
            assert cell_len(line) - cell_len(body) in (eq, eq + 2), (step.id, lines)


def test_continuation_equals_signs_line_up() -> None:
    eq = Equation(["E_total"], [["Σ ½(t − a)²"], ["0.123456789 + 0.987654321"], ["1.11111111"]])
    lines = [line.plain for line in eq.lines(30)]
    assert lines[0].index("=") == len("E_total ")
    assert all(line.index("=") == lines[0].index("=") for line in lines if line.lstrip().startswith("="))
    assert len(lines) >= 3
    blocks = Equation(["a"], [["σ(", column(["0.5", "0.25"]), ")"], [column(["0.62246", "0.56218"])]])
    rows = [line.plain for line in blocks.lines(14)]
    equals = [line.index("=") for line in rows if "=" in line]
    assert len(equals) == 2 and equals[0] == equals[1] == 2


def test_the_matrix_style_aligns_wrapped_sides() -> None:
    trace = trace_of("mazur")
    frame = next(f for f in frames_for(trace, "matrix") if f.kind == FrameKind.MATRIX_LOSS)
    lines = render(trace, frame, "matrix", 60).splitlines()
    first = next(line for line in lines if line.startswith("E_total = "))
    later = [line for line in lines if line.lstrip().startswith("= ")]
    assert later and all(line.index("=") == first.index("=") for line in later)


# -- the help overlay -----------------------------------------------------------------------

def painted(width: int, height: int, *keys: str) -> list[str]:
    trace = trace_of("mazur")
    console = Console(file=StringIO(), width=width, height=height, force_terminal=True, color_system=None,
                      legacy_windows=False)
    it = iter(keys)
    walk(trace, frames_for(trace, "scalar"), Settings(), console, read_key=lambda: next(it))
    ansi = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
    return [ansi.sub("", part) for part in console.file.getvalue().split("\x1b[H")[1:] if part.strip()]


@pytest.mark.parametrize(("width", "height"), [(80, 24), (60, 20), (60, 12)])
def test_the_help_overlay_always_shows_how_to_quit(width: int, height: int) -> None:
    shown = painted(width, height, "?", "q", "q")
    help_screen = next(screen for screen in shown if "any key closes this" in screen)
    lines = help_screen.split("\n")
    assert len(lines) == height and "Keys" in lines[0]
    assert any(re.match(r"^\s*q\s+Ctrl-C\s+quit\s*$", line) for line in lines), help_screen
    assert any(re.match(r"^\s*Esc\s+close the help, a prompt or a search\s*$", line)
               for line in lines), help_screen
    assert all(cell_len(line) <= width for line in lines)
