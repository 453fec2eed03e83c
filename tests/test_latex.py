"""The LaTeX article and the Beamer slides: structure, escaping, the registry, and a real TeX engine.

The compile tests skip when pdflatex/xelatex are missing, unless BPWALK_REQUIRE_TEX is set
(CI installs TeX Live and sets it, so they never silently skip there).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bpwalk.cli import options
from bpwalk.cli import app
from bpwalk.engine.trace import run
from bpwalk.export import EXTENSIONS, FORMATS, REGISTRY, SUFFIX, render
from bpwalk.export.beamer import BEGIN, END, network
from bpwalk.export.markdown import sections
from bpwalk.export.tex import escape, markdown, terms, width
from bpwalk.formula.notation import Notation
from bpwalk.read import load_scenario
from bpwalk.read.builtin import resolve
from bpwalk.walk.highlight import highlight

runner = CliRunner()
REQUIRE_TEX = bool(os.environ.get("BPWALK_REQUIRE_TEX"))


@pytest.fixture(scope="module")
def mazur():
    return run(load_scenario(resolve("mazur")))


@pytest.fixture(scope="module")
def softmax():
    return run(load_scenario(resolve("softmax-3class")))


# -- the registry ----------------------------------------------------------------------------

def test_the_registry_is_the_one_list_of_formats() -> None:
    assert "latex" in FORMATS and "beamer" in FORMATS
    assert [f.value for f in options.Format] == list(FORMATS)
    assert EXTENSIONS[".tex"] == "latex" and SUFFIX["beamer"] == ".tex"
    result = runner.invoke(app, ["export", "--help"])
    assert "latex|beamer" in result.output.replace(" ", "")
    for fmt in REGISTRY:
        assert callable(fmt.load()), fmt.name


def test_tex_extension_writes_the_article(tmp_path: Path, mazur) -> None:
    target = tmp_path / "notes.tex"
    result = runner.invoke(app, ["export", "mazur", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == render(mazur, "latex")


def test_fragment_is_refused_for_other_formats() -> None:
    result = runner.invoke(app, ["export", "mazur", "--format", "md", "--fragment"])
    assert result.exit_code == 2 and "--fragment" in result.output and "Traceback" not in result.output


# -- the article -----------------------------------------------------------------------------

def test_article_has_a_heading_per_iteration_and_phase(mazur) -> None:
    tex = render(mazur, "latex")
    phases = [phase for _, phase, _ in sections(mazur, "en") if phase]
    iterations = [opens for opens, _, _ in sections(mazur, "en") if opens]
    assert re.findall(r"\\subsection\{([^}]*)\}", tex) == phases
    # the network, each iteration (and the pass after training), the summary
    assert re.findall(r"\\section\{([^}]*)\}", tex) == ["The network", *iterations, "Summary"]
    assert tex.startswith("% bpwalk: ") and "\\documentclass[11pt,a4paper]{article}" in tex
    assert tex.rstrip().endswith("\\end{document}")


def test_article_equations_and_back_references(mazur) -> None:
    tex = render(mazur, "latex")
    assert "\\mathrm{net}_{\\mathrm{h1}} &= w_{1} i_{1} + w_{2} i_{2} + b_{1} \\\\\n&= 0.15 \\cdot 0.05 + 0.2 \\cdot 0.1 + 0.35 \\cdot 1" in tex
    targets = set(re.findall(r"\\hypertarget\{([^}]*)\}", tex))
    links = re.findall(r"\\hyperlink\{([^}]*)\}\{step (\d+)\}", tex)
    assert links and all(name in targets and name.endswith(f"-s{n}") for name, n in links)
    # w5's chain rule: its last factor, out_h1, was computed by step 3
    chain = tex[tex.index("The chain rule for w5"):]
    assert "\\frac{\\partial \\mathrm{net}_{\\mathrm{o1}}}{\\partial w_{5}} = 0.593269992$ (\\hyperlink{bpwalk-mazur-s3}{step 3})" in chain
    steps = [s for s in mazur.steps if s.phase not in ("intro", "summary")]
    assert len(targets) == len(steps)


def test_rounding_note_when_rounded() -> None:
    trace = run(load_scenario(resolve("mazur")), rounding=4)
    assert "every intermediate rounded to 4 decimals" in render(trace, "latex")
    assert "rounded to" not in render(run(load_scenario(resolve("mazur"))), "latex")


def test_chinese_needs_xelatex_and_english_does_not(mazur, softmax) -> None:
    zh = render(mazur, "latex", lang="zh")
    assert "\\RequireXeTeX" in zh and "\\usepackage{xeCJK}" in zh and "\\section{第 1 轮}" in zh
    en = render(softmax, "latex")
    assert "\\RequireXeTeX" not in en and "xeCJK" not in en and "Compile with pdflatex" in en
    # Mazur's source has a Chinese title: xelatex prints it, pdflatex puts [...] in its place
    assert "\\bpwalkunicode{实例理解反向传播}" in render(mazur, "latex")


def test_long_sums_are_broken_over_lines() -> None:
    tex = " + ".join(f"w_{{{i}}} \\cdot 0.123456789" for i in range(12))
    assert len(terms(tex)) == 12 and width(tex) > 150
    assert terms("a - \\left(b + c\\right) + e^{- x + y}") == ["a", "- \\left(b + c\\right)", "+ e^{- x + y}"]


# -- escaping --------------------------------------------------------------------------------

NASTY = "Costs_2 & 50% of #1 {x} $y ~z^2 \\ <a|b>"


def test_escaping_of_special_characters() -> None:
    assert escape(NASTY) == (r"Costs\_2 \& 50\% of \#1 \{x\} \$y \textasciitilde{}z\^{}2 \textbackslash{} "
                             r"\textless{}a\textbar{}b\textgreater{}")
    assert escape("δ of o1 − η·∂E") == (r"\ensuremath{\delta} of o1 \ensuremath{-} \ensuremath{\eta}"
                                        r"\ensuremath{\cdot}\ensuremath{\partial}E")
    assert escape("损失 loss") == r"\bpwalkunicode{损失} loss"
    assert markdown("Some **bold_1** and `a%b`.\n\n- one & two\n- *three*") == (
        "Some \\textbf{bold\\_1} and \\texttt{a\\%b}.\n\n"
        "\\begin{itemize}\n\\item one \\& two\n\\item \\emph{three}\n\\end{itemize}")


@pytest.fixture
def nasty(write_scenario) -> Path:
    return write_scenario(f"""\
        title: '{NASTY.replace("'", "''")}'
        source: 'a_b & c # 100%'
        description: |
          A **bold** claim about `x_1` & y.

          - first_item
          - second % item
        network:
          inputs: [x1]
          layers:
            - {{units: [o1], activation: sigmoid, weights: [[0.5]]}}
        learning_rate: 0.1
        samples:
          - {{inputs: [1.0], targets: [1.0]}}
        """, "costs_50%.yaml")


def test_title_with_special_characters(nasty: Path) -> None:
    trace = run(load_scenario(nasty))
    for fmt in ("latex", "beamer"):
        tex = render(trace, fmt)
        assert escape(NASTY) in tex
        assert "\\textbf{bold} claim about \\texttt{x\\_1} \\& y." in tex or fmt == "beamer"
        # outside comments, no raw % (it would swallow the rest of the line)
        for line in tex.splitlines():
            if not line.lstrip().startswith("%"):
                assert re.search(r"(?<!\\)%", line) is None or line.rstrip().endswith("{%"), line


# -- the slides ------------------------------------------------------------------------------

def test_one_frame_per_step(mazur, softmax) -> None:
    for trace in (mazur, softmax):
        frames = render(trace, "beamer", fragment=True)
        assert frames.count("\\begin{frame}") == len(trace.steps)
        labels = re.findall(r"\\begin\{frame\}\[label=([^,\]]+)", frames)
        assert len(set(labels)) == len(trace.steps)


def test_the_deck_wraps_exactly_the_fragment(mazur) -> None:
    deck = render(mazur, "beamer")
    fragment = render(mazur, "beamer", fragment=True)
    inside = deck[deck.index(BEGIN) + len(BEGIN) + 1: deck.index(END)]
    assert fragment.endswith(inside) and "\\documentclass" not in fragment
    assert "\\documentclass[11pt,aspectratio=169]{beamer}" in deck and "\\titlepage" in deck


def test_highlights_of_a_chain_rule_step(mazur) -> None:
    step = next(s for s in mazur.steps if s.quantity == "grad.w5")
    marks = highlight(step, mazur.scenario)
    assert marks.result == {"w5"} and marks.operands == {"o1", "h1"}
    picture = network(mazur.scenario, marks, Notation.of(mazur.scenario))
    assert "\\draw[bpwalk result edge] (bp-h1) -- node[bpwalk label] {$w_{5}$} (bp-o1);" in picture
    marked = set(re.findall(r"\\node\[bpwalk unit, bpwalk (?:result|operand)[^\]]*\] \(bp-(\w+)\)", picture))
    assert marked == {"o1", "h1"}
    assert "bpwalk result, " not in picture.replace("bpwalk result edge", "")


def test_highlights_of_forward_and_path_steps(mazur) -> None:
    by = {s.quantity: s for s in mazur.steps if s.iteration == 1}
    net = highlight(by["net.h1"], mazur.scenario)
    assert net.result == {"h1"} and net.operands == {"w1", "w2", "i1", "i2", "b1"}
    path = highlight(by["dE_dout.h1@o1"], mazur.scenario)
    assert path.result == {"h1"} and path.operands == {"o1", "w5"}
    assert highlight(mazur.steps[0], mazur.scenario).names == frozenset()


def test_frame_of_the_chain_rule(mazur) -> None:
    frames = render(mazur, "beamer", fragment=True).split("\\begin{frame}")
    frame = next(f for f in frames if "The chain rule for w5" in f)
    assert "\\hyperlink{bpwalk-mazur-s3}{step 3}" in frame
    assert "(bp-h1) -- node[bpwalk label] {$w_{5}$} (bp-o1)" in frame


# -- a real TeX engine -----------------------------------------------------------------------

def _engine(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if REQUIRE_TEX:
            pytest.fail(f"BPWALK_REQUIRE_TEX is set but {name} is not installed")
        pytest.skip(f"{name} is not installed")
    return path


def compile_tex(tmp_path: Path, text: str, engine: str, name: str = "doc") -> str:
    """Compile once; return the log after asserting a PDF and no error."""
    source = tmp_path / f"{name}.tex"
    source.write_text(text, encoding="utf-8")
    done = subprocess.run([_engine(engine), "-interaction=nonstopmode", "-halt-on-error", source.name],
                          cwd=tmp_path, capture_output=True, text=True, encoding="utf-8", errors="replace",
                          timeout=300, stdin=subprocess.DEVNULL)
    log = (tmp_path / f"{name}.log").read_text(encoding="utf-8", errors="replace")
    assert done.returncode == 0, log[-3000:]
    assert (tmp_path / f"{name}.pdf").stat().st_size > 1000
    assert "Undefined control sequence" not in log and "\n! " not in log
    assert "Missing character" not in log
    too_wide = [float(x) for x in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide", log)]
    assert all(x < 1.0 for x in too_wide), too_wide
    return log


CASES = [("mazur", "latex", "en", "pdflatex"), ("softmax-3class", "latex", "en", "pdflatex"),
         ("mazur", "beamer", "en", "pdflatex"), ("softmax-3class", "beamer", "en", "pdflatex"),
         ("mazur", "latex", "zh", "xelatex"), ("mazur", "beamer", "zh", "xelatex")]


@pytest.mark.parametrize("scenario,fmt,lang,engine", CASES, ids=["-".join(c) for c in CASES])
def test_compiles(tmp_path: Path, scenario: str, fmt: str, lang: str, engine: str) -> None:
    trace = run(load_scenario(resolve(scenario)))
    compile_tex(tmp_path, render(trace, fmt, lang=lang), engine)


GROUPED_CASES = [("mazur", "latex", "matrix"), ("softmax-3class", "latex", "delta"), ("deep-relu", "latex", "matrix"),
                 ("mazur", "beamer", "delta"), ("softmax-3class", "beamer", "matrix")]


@pytest.mark.parametrize("scenario,fmt,style", GROUPED_CASES, ids=["-".join(c) for c in GROUPED_CASES])
def test_grouped_styles_compile(tmp_path: Path, scenario: str, fmt: str, style: str) -> None:
    """The matrix and delta styles' pages (vectors, matrices, the reversed network) typeset."""
    trace = run(load_scenario(resolve(scenario)))
    text = render(trace, fmt, style=style)
    assert ("\\begin{bmatrix}" in text) == (style == "matrix")
    compile_tex(tmp_path, text, "pdflatex")


def test_compiles_with_special_characters(tmp_path: Path, nasty: Path) -> None:
    trace = run(load_scenario(nasty))
    compile_tex(tmp_path, render(trace, "latex"), "pdflatex", "article")
    compile_tex(tmp_path, render(trace, "beamer"), "pdflatex", "slides")


def test_fragments_can_be_input(tmp_path: Path, mazur) -> None:
    (tmp_path / "notes.tex").write_text(render(mazur, "latex", fragment=True), encoding="utf-8")
    (tmp_path / "frames.tex").write_text(render(mazur, "beamer", fragment=True), encoding="utf-8")
    # a teacher's own documents, with only the packages the fragments' first lines ask for
    compile_tex(tmp_path, "\\documentclass{article}\\usepackage{amsmath,graphicx,array,longtable,booktabs}\n"
                          "\\begin{document}\\section{My notes}\\input{notes}\\end{document}\n", "pdflatex", "mine")
    log = compile_tex(tmp_path, "\\documentclass{beamer}\\usepackage{tikz}\n\\begin{document}\n"
                                "\\begin{frame}{My lecture}Backpropagation\\end{frame}\n\\input{frames}\n"
                                "\\end{document}\n", "pdflatex", "deck")
    # TeX wraps its log at 79 characters, in the middle of a word if need be
    assert f"deck.pdf ({len(mazur.steps) + 1} pages" in log.replace("\n", "")
