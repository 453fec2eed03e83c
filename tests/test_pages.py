"""One walk-through model for every output: the grouped styles' pages in every format.

Before the model, `bpwalk export mazur --style matrix -o x.md` was byte-identical to the scalar
export, LaTeX ignored --style, and the delta style's reversed network existed only on screen.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from latex2mathml.converter import convert
from typer.testing import CliRunner

from bpwalk.cli import app
from bpwalk.engine.trace import run
from bpwalk.export import Options, render, save
from bpwalk.export.pagetex import atom, matrix
from bpwalk.formula import mathtext
from bpwalk.formula.numbers import format_latex_value
from bpwalk.ops import ACTIVATIONS, LOSSES
from bpwalk.read import load_scenario
from bpwalk.read.builtin import builtin_paths, resolve
from bpwalk.walk import page as model
from bpwalk.walk.frames import FrameKind
from bpwalk.walk.pages import page
from bpwalk.walk.styles import frames_for

SCENARIOS = [p.stem for p in builtin_paths()]
GROUPED = ("matrix", "delta")
_traces: dict = {}


def trace_of(name: str):
    if name not in _traces:
        _traces[name] = run(load_scenario(resolve(name)))
    return _traces[name]


def display_math(markdown: str) -> list[str]:
    return re.findall(r"^\$\$\n(.*?)\n\$\$$", markdown, flags=re.S | re.M)


def test_the_matrix_export_is_not_the_scalar_one(tmp_path: Path) -> None:
    """The issue's reproduction: `export mazur --style matrix -o x.md` was the scalar transcript."""
    runner = CliRunner()
    for style in ("scalar", "matrix"):
        result = runner.invoke(app, ["export", "mazur", "--style", style, "-o", str(tmp_path / f"{style}.md")])
        assert result.exit_code == 0, result.output
    scalar, grouped = ((tmp_path / f"{s}.md").read_text(encoding="utf-8") for s in ("scalar", "matrix"))
    assert scalar != grouped
    assert "\\begin{bmatrix}" in grouped and "\\begin{bmatrix}" not in scalar
    # seed 002's first equation, H = W₁·X + b, with W₁ as a matrix of Mazur's weights
    assert "\\begin{bmatrix}0.15 & 0.2 \\\\ 0.25 & 0.3\\end{bmatrix}" in grouped


def test_the_matrix_documents_export_has_matrices() -> None:
    """mazur-matrix is seed 002 (the matrix-form document); its default style is matrix."""
    trace = trace_of("mazur-matrix")
    assert trace.scenario.display.style == "matrix"
    assert render(trace, "md").count("\\begin{bmatrix}") > 20


@pytest.mark.parametrize("style", GROUPED)
@pytest.mark.parametrize("name", SCENARIOS)
def test_every_page_is_in_the_markdown_with_its_numbers(name: str, style: str) -> None:
    """Each frame is a section with its label, and each result a page computes is printed."""
    trace = trace_of(name)
    digits = trace.scenario.display.precision
    text = render(trace, "md", style=style)
    frames = [f for f in frames_for(trace, style) if f.phase not in ("intro", "summary")]
    assert text.count("\n**$") == len(frames)
    for frame in frames:
        p = page(trace, frame, "en")
        assert f"**${p.label.latex}$**" in text
        for block in p.blocks:
            if isinstance(block, model.Math):
                result = block.sides[-1][-1]
                if isinstance(result, (model.Vec, model.Num)):
                    assert atom(result, digits) in text, (frame.label, result)
    for math in display_math(text):
        convert(math)       # every formula is LaTeX that a converter reads


@pytest.mark.parametrize("style", GROUPED)
@pytest.mark.parametrize("fmt", ["md", "html", "latex", "beamer", "txt", "svg"])
def test_every_style_in_every_format(fmt: str, style: str) -> None:
    trace = trace_of("softmax-3class")
    grouped, scalar = render(trace, fmt, style=style), render(trace, fmt, style="scalar")
    assert grouped != scalar


def test_delta_style_draws_the_reversed_network_in_html() -> None:
    trace = trace_of("mazur")
    html = render(trace, "html", style="delta")
    pictures = re.findall(r'<svg class="fanin".*?</svg>', html, flags=re.S)
    units = [f for f in frames_for(trace, "delta") if f.kind is FrameKind.DELTA_UNIT]
    assert len(pictures) == len(units) == 4
    for svg in pictures:
        ET.fromstring(svg)   # well-formed
    # h1's picture: δ_o1 and δ_o2 flow back along w5 and w7 into σ′(net_h1)
    h1 = next(svg for svg in pictures if "σ′(net_h1)" in svg)
    assert "w₅ = 0.4" in h1 and "w₇ = 0.5" in h1
    assert "∂E_total/∂net_o1 = 0.138498562" in h1
    ids = re.findall(r'id="(arrow-[^"]+)"', html)
    assert len(ids) == len(set(ids)) == 4


def test_html_grouped_pages_are_mathml_and_steps_keep_their_anchors() -> None:
    trace = trace_of("mazur")
    html = render(trace, "html", style="matrix")
    assert "<mtable>" in html          # the matrices
    for i in range(1, len(trace.steps) - 1):
        assert f'id="s{i + 1}"' in html, i   # a link to a step lands on the frame that holds it


def test_latex_article_takes_the_style() -> None:
    trace = trace_of("mazur")
    assert render(trace, "latex", style="matrix") != render(trace, "latex", style="scalar")
    assert "\\begin{bmatrix}" in render(trace, "latex", style="matrix")
    assert "\\boxed{" in render(trace, "latex", style="delta")
    assert "\\bpwalkfit" in render(trace, "beamer", style="delta")


def test_the_e_key_writes_what_the_screen_shows(tmp_path: Path) -> None:
    """`e` saves in the screen's style: the frames seen so far, as the grouped style shows them."""
    trace = run(load_scenario(resolve("mazur-matrix")), rounding=4)
    frames = frames_for(trace, "matrix")
    path = save(trace, "md", 4, "en", "matrix", frames=3, folder=tmp_path)
    text = path.read_text(encoding="utf-8")
    labels = [page(trace, f, "en").label.latex for f in frames[1:3]]
    assert all(f"**${label}$**" in text for label in labels)
    assert f"**${page(trace, frames[3], 'en').label.latex}$**" not in text
    assert "\\begin{bmatrix}0.1500 & 0.2000" in text     # --round 4: every value at 4 decimals
    assert "4 decimal" in text       # the rounding note: the trace carries its settings


def test_frames_limit_in_scalar_style_and_json_keeps_the_steps_seen(tmp_path: Path) -> None:
    import json

    trace = trace_of("mazur")
    frames = frames_for(trace, "matrix")
    path = save(trace, "json", None, None, "matrix", frames=3, folder=tmp_path)
    steps = json.loads(path.read_text(encoding="utf-8"))["steps"]
    assert len(steps) == max(max(f.steps) for f in frames[:3]) + 1


def test_pages_know_no_output_format() -> None:
    """The model holds floats and symbols; every renderer writes the numbers itself."""
    trace = trace_of("mazur")
    for frame in frames_for(trace, "matrix"):
        for block in page(trace, frame, "en").blocks:
            if isinstance(block, model.Math):
                for side in block.sides:
                    for a in side:
                        assert not isinstance(a, str) or not re.search(r"\d\.\d", a), a


def test_a_page_marks_every_quantity_of_its_steps() -> None:
    """W₂* marks all four weights it updates, not only the last one (w8)."""
    trace = trace_of("mazur")
    frame = next(f for f in frames_for(trace, "matrix") if f.kind is FrameKind.MATRIX_UPDATE_W and f.label == "W₂*")
    assert page(trace, frame, "en").marks.result == {"w5", "w6", "w7", "w8"}


def test_matrices_are_elided_in_latex_as_on_screen() -> None:
    rows = [[float(r * 10 + c) for c in range(9)] for r in range(12)]
    tex = matrix(rows, 4)
    lines = tex.split(" \\\\ ")
    assert len(lines) == 8 and "\\vdots" in lines[4]          # 4 rows, a ⋮, the last 3
    assert lines[0].count("&") == 5 and "\\cdots" in lines[0]  # 5 of 9 columns around a ⋯
    convert(tex)


@pytest.mark.parametrize("text,latex", [
    ("σ(", "\\sigma ("), (" ⊗ (1 − ", " \\odot  (1 - "), ("Σ ½(", "\\sum  \\tfrac{1}{2}("), (")²", ")^{2}"),
    ("Σₙ ", "\\sum _{n} "), ("1[", "\\mathbf{1}["), ("softmax(", "\\operatorname{softmax}("), ("tanh(", "\\tanh("),
])
def test_the_text_notation_in_latex(text: str, latex: str) -> None:
    assert mathtext.latex(text) == latex


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_every_activations_vector_forms_are_latex(name: str) -> None:
    entry = ACTIVATIONS[name]
    z, a, p = model.Sym("z", "z"), model.Sym("a", "a"), model.Sym("α", "\\alpha")
    forms = [entry.form(z, p)]
    if entry.d_form is not None:
        forms.append(entry.d_form(a, z, p)[0])
    if entry.delta_form is not None:
        forms.append(entry.delta_form(a, z))
    for form in forms:
        convert("".join(atom(x, 4) for x in form))


@pytest.mark.parametrize("name", LOSSES)
def test_every_losss_vector_forms_are_latex(name: str) -> None:
    a, t = model.Sym("a", "a"), model.Sym("t", "t")
    for form in (LOSSES[name].form(a, t, "K"), LOSSES[name].d_form(a, t, "K")):
        convert("".join(atom(x, 4) for x in form))


def test_numbers_in_pages_are_formatted_by_the_renderer() -> None:
    assert atom(model.Num(-0.5, term=True), 3) == "\\left(-0.5\\right)"
    assert atom(model.Num(-0.5), 3) == format_latex_value(-0.5, 3) == "-0.5"
    assert Options(style="matrix", frames=2).shown(trace_of("mazur")) == frames_for(trace_of("mazur"), "matrix")[:2]


def _diagram(trace, frame):
    from bpwalk.render.diagram import NetworkDiagram

    return NetworkDiagram(trace, max(frame.steps), 4, frame=frame)


def test_the_picture_shows_only_what_the_frames_so_far_computed() -> None:
    """`run mazur --style matrix --start 2`: after H = W₁X + b the picture showed h1's activation."""
    trace = trace_of("mazur")
    frames = frames_for(trace, "matrix")
    net, act = frames[1], frames[2]
    assert net.label == "H = W₁·X + b⁽¹⁾" and act.label == "A = σ(H)"
    assert not {"h1", "h2"} & set(_diagram(trace, net).known.out)
    assert {"h1", "h2"} <= set(_diagram(trace, act).known.out)
    # after training, h = W₂·A + b: the outputs of iteration 1 are not this pass's
    final_net = next(f for f in frames if f.iteration is None and f.kind is FrameKind.MATRIX_NET and f.label.startswith("h"))
    known = _diagram(trace, final_net).known.out
    assert "o1" not in known and known["h1"] == trace.final.samples[0].out["h1"]


def test_the_picture_marks_every_entry_the_frame_computes() -> None:
    trace = trace_of("mazur")
    frame = next(f for f in frames_for(trace, "matrix") if f.label == "W₂*")
    assert _diagram(trace, frame).marked == {"w5", "w6", "w7", "w8"}
