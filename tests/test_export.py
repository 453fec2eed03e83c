"""Transcripts in every format: golden files for Mazur, every built-in in every format, files on disk."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html import escape
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bpwalk.read.builtin import builtin_paths, resolve
from bpwalk.cli import app
from bpwalk.export import FORMATS, render
from bpwalk.read import load_scenario
from bpwalk.engine.trace import run

runner = CliRunner()


@pytest.fixture(scope="module")
def mazur():
    return run(load_scenario(resolve("mazur")))


# the browser player is the HTML document's fragments and a script: tested in a browser (test_web.py)
@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "web"])
def test_mazur_golden(mazur, golden, fmt: str) -> None:
    golden(f"mazur.export.{fmt}", render(mazur, fmt))


@pytest.mark.parametrize("name", ["adam-mazur", "minibatch-xor"])
def test_addition_a_markdown_golden(golden, name: str) -> None:
    """Adam's steps and state table, and the mini-batches' sections, as a document reads them."""
    golden(f"{name}.export.md", render(run(load_scenario(resolve(name))), "md"))


@pytest.mark.parametrize("path", builtin_paths(), ids=lambda p: p.stem)
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_builtin_exports_in_every_format(path: Path, fmt: str) -> None:
    trace = run(load_scenario(path))
    text = render(trace, fmt)
    title = trace.scenario.title.split()[-1]
    assert title in (escape(text) if fmt != "html" else text) or title in text or fmt == "svg"
    if fmt == "json":
        assert json.loads(text)["final"]["total_loss"] == trace.final.total_loss
    if fmt == "svg":
        assert ET.fromstring(text).tag.endswith("svg")


def test_markdown_reads_like_the_documents(mazur) -> None:
    md = render(mazur, "md")
    assert "## Iteration 1" in md and "### Forward pass" in md and "### Backward pass" in md
    assert "\\mathrm{net}_{\\mathrm{h1}} &= w_{1} i_{1} + w_{2} i_{2} + b_{1} \\\\" in md
    assert "&= 0.15 \\cdot 0.05 + 0.2 \\cdot 0.1 + 0.35 \\cdot 1 \\\\" in md
    # the chain rule for w5, every factor and where it came from
    E, out, net = "E_{\\mathrm{total}}", "\\mathrm{out}_{\\mathrm{o1}}", "\\mathrm{net}_{\\mathrm{o1}}"
    assert (f"\\frac{{\\partial {E}}}{{\\partial w_{{5}}}} &= \\frac{{\\partial {E}}}{{\\partial {out}}} "
            f"\\frac{{\\partial {out}}}{{\\partial {net}}} \\frac{{\\partial {net}}}{{\\partial w_{{5}}}}") in md
    assert f"- $\\frac{{\\partial {net}}}{{\\partial w_{{5}}}}$ = 0.593269992 (step 3)" in md
    # display math only, and no macros GitHub/KaTeX lack
    assert md.count("$$") % 2 == 0
    for macro in re.findall(r"\\([A-Za-z]+)", md):
        assert macro in {"begin", "end", "frac", "partial", "cdot", "left", "right", "ln", "tanh", "max",
                         "eta", "delta", "alpha", "times", "text", "cases", "log", "sigma", "mathrm"}, macro


def test_html_is_self_contained_with_mathml(mazur) -> None:
    html = render(mazur, "html")
    assert html.startswith("<!DOCTYPE html>")
    assert "<math" in html and "<mfrac>" in html
    assert "<svg" in html and "<nav" in html and "@media print" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)   # nothing fetched from the network
    assert "<script" not in html


def test_chinese_markdown(mazur) -> None:
    md = render(mazur, "md", lang="zh")
    assert "## 第 1 轮" in md and "### 正向传播" in md and "### 反向传播" in md


def test_text_is_the_terminal_without_colour(mazur) -> None:
    text = render(mazur, "txt")
    assert "\x1b[" not in text
    assert "[60/60]" in text and "∂E_total/∂w₅" in text


@pytest.mark.parametrize("suffix,fmt", [(".md", "md"), (".html", "html"), (".txt", "txt"), (".svg", "svg"), (".json", "json"),
                                        (".tex", "latex")])
def test_format_from_the_extension(tmp_path: Path, suffix: str, fmt: str) -> None:
    target = tmp_path / f"mazur{suffix}"
    result = runner.invoke(app, ["export", "mazur", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == render(run(load_scenario(resolve("mazur"))), fmt)


def test_unknown_extension_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "mazur", "-o", str(tmp_path / "m.pdf")])
    assert result.exit_code == 2 and "--format" in result.output and "Traceback" not in result.output


def test_options_reach_the_transcript() -> None:
    result = runner.invoke(app, ["export", "mazur", "--format", "md", "--lang", "zh", "--precision", "4",
                                 "--iterations", "2"])
    assert result.exit_code == 0
    assert "## 第 2 轮" in result.stdout and "0.5933" in result.stdout and "0.593269992" not in result.stdout


def test_unwritable_path(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    result = runner.invoke(app, ["export", "mazur", "-o", str(folder)])   # a directory
    assert result.exit_code == 2 and "directory" in result.output


def test_interrupted_write_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bpwalk.export import files

    target = tmp_path / "t.md"
    target.write_text("old", encoding="utf-8")

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        files.write_atomic(target, "new text")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["t.md"]


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.mark.skipif(chromium() is None and not os.environ.get("BPWALK_REQUIRE_BROWSER"),
                    reason="no headless browser installed")
def test_html_in_a_real_browser(mazur, tmp_path: Path) -> None:
    browser = chromium()
    assert browser, "BPWALK_REQUIRE_BROWSER is set but no chromium is installed"
    html = render(mazur, "html")
    # a probe for this test only: does the first equation lay out as math (a box with a height)?
    probe = ("<script>window.addEventListener('load',()=>{const m=document.querySelector('math');"
             "const r=m.getBoundingClientRect();document.body.setAttribute('data-probe',"
             "m.constructor.name+':'+Math.round(r.height)+':'+document.querySelectorAll('math').length);});</script>")
    page = tmp_path / "mazur.html"
    page.write_text(html.replace("</body>", probe + "</body>"), encoding="utf-8")
    result = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0",
         "--virtual-time-budget=3000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    probe_value = re.search(r'data-probe="([^"]+)"', result.stdout)
    assert probe_value, result.stderr[-2000:]
    kind, height, count = probe_value.group(1).split(":")
    assert kind == "MathMLElement" and int(height) > 0 and int(count) > 50
    assert "Uncaught" not in result.stderr and "CONSOLE(" not in result.stderr


def test_mathml_is_compacted_without_changing_what_it_shows() -> None:
    from bpwalk.export.html import mathml
    from bpwalk.export.mathml import compact

    # \mathrm{net}_{\mathrm{o1}}: a name of three letters and a subscript name, in one node each
    assert compact(mathml(r"\mathrm{net}_{\mathrm{o1}}")) == "<math><msub><mi>net</mi><mi>o1</mi></msub></math>"
    # a base that is a name keeps its subscript: msub needs its two children
    assert compact(mathml(r"\mathrm{out}_2")) == "<math><msub><mi>out</mi><mn>2</mn></msub></math>"
    # italic letters stay apart (w x is a product), and δ is written as itself
    assert compact(mathml(r"w x + \delta")) == "<math><mrow><mi>w</mi><mi>x</mi><mo>+</mo><mi>δ</mi></mrow></math>"
