"""bpwalk in Jupyter: a real kernel (ipykernel, driven by nbclient) runs a small notebook; a Trace
and a Step display themselves, and `bpwalk.show` puts the browser player in the output."""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

CELLS = [
    "import bpwalk\ntrace = bpwalk.run(bpwalk.load_scenario('mazur'))\ntrace",
    "trace.steps[15]",
    "bpwalk.show('mazur')",
    "bpwalk.show(trace, style='matrix', lang='zh')",
]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    folder = tmp_path_factory.mktemp("notebook")
    NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    result = []
    for cell in notebook.cells:
        assert not [o for o in cell.outputs if o.output_type == "error"], cell.outputs
        [shown] = [o for o in cell.outputs if o.output_type == "execute_result"]
        result.append(shown["data"])
    return result


def test_a_trace_shows_its_network_and_its_losses(outputs: list[dict]) -> None:
    data = outputs[0]
    assert "Mazur" in data["text/html"] and "<svg" in data["text/html"] and "0.291027774" in data["text/html"]
    assert "| 0.298371109 | 0.291027774 |" in data["text/markdown"]


def test_a_step_shows_its_equation(outputs: list[dict]) -> None:
    data = outputs[1]
    assert "<math" in data["text/html"] and "The chain rule for w5" in data["text/html"]
    assert "0.0821670406" in data["text/html"]
    latex = data["text/latex"]
    assert latex.startswith("$$\\begin{aligned}\\frac{\\partial E_{\\mathrm{total}}}{\\partial w_{5}} &=")
    assert latex.endswith("&= 0.0821670406\\end{aligned}$$")


def player_page(output: dict) -> str:
    frame = re.fullmatch(r'<iframe srcdoc="([^"]*)" sandbox="allow-scripts".*</iframe>', output["text/html"], re.S)
    assert frame, output["text/html"][:200]
    return html.unescape(frame.group(1))


def test_show_embeds_the_player(outputs: list[dict]) -> None:
    from bpwalk.engine.trace import run
    from bpwalk.export.web import to_web
    from bpwalk.read import load_scenario

    trace = run(load_scenario("mazur"))
    assert player_page(outputs[2]) == to_web(trace)                   # the same HTML as --format web
    assert player_page(outputs[3]) == to_web(trace, style="matrix", lang="zh")


def test_the_embedded_player_plays(browser, tmp_path: Path, outputs: list[dict]) -> None:
    # the cell's output as a notebook page holds it: the player inside its frame, keys and all
    page = tmp_path / "output.html"
    page.write_text(f"<!DOCTYPE html><html><body>{outputs[3]['text/html']}</body></html>", encoding="utf-8")
    browser.set_window_size(1280, 800)
    browser.get(page.as_uri())
    browser.switch_to.frame(browser.find_element("tag name", "iframe"))
    try:
        browser.find_element("css selector", '[data-key="right"]').click()
        assert browser.execute_script("return [document.body.dataset.frame, document.documentElement.lang,"
                                      " document.querySelector('[data-style=matrix]').getAttribute('aria-pressed')]"
                                      ) == ["2", "zh-CN", "true"]
    finally:
        browser.switch_to.default_content()
