"""The HTML document in a real Chromium (selenium): it fits a phone, its `where` fractions are
full size, its numbers share the formulas' font, and no weight label covers another."""

from __future__ import annotations

from pathlib import Path

import pytest

from bpwalk.engine.trace import run
from bpwalk.export import render
from bpwalk.read import load_scenario
from bpwalk.read.builtin import builtin_paths, resolve
from bpwalk.scenario import STYLES

# the widest element that sticks out of the page and is not inside a box that scrolls
OVERFLOW = """
const width = document.documentElement.clientWidth, out = [];
for (const e of document.querySelectorAll('body *')) {
  if (e.getBoundingClientRect().right <= width + 0.5) continue;
  let p = e.parentElement, scrolls = false;
  while (p) { if (getComputedStyle(p).overflowX !== 'visible') { scrolls = true; break; } p = p.parentElement; }
  if (!scrolls) out.push(e.tagName + '.' + e.className);
}
return [document.documentElement.scrollWidth - width, out.slice(0, 5)];
"""


def open_page(browser, tmp_path: Path, html: str, width: int = 1280, height: int = 800, name: str = "page.html") -> None:
    page = tmp_path / name
    page.write_text(html, encoding="utf-8")
    browser.set_window_size(width, height)
    browser.get(page.as_uri())


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("path", builtin_paths(), ids=lambda p: p.stem)
def test_nothing_overflows_a_phone(browser, tmp_path: Path, path: Path, style: str) -> None:
    # long equations and wide tables scroll in their own box; the page itself never does
    open_page(browser, tmp_path, render(run(load_scenario(path)), "html", style=style), width=390)
    extra, culprits = browser.execute_script(OVERFLOW)
    assert extra <= 0 and not culprits, culprits


def test_a_long_equation_scrolls_in_its_own_box(browser, tmp_path: Path) -> None:
    open_page(browser, tmp_path, render(run(load_scenario(resolve("softmax-3class"))), "html", style="matrix"), width=390)
    wide = browser.execute_script(
        "return [...document.querySelectorAll('table.eq')].filter(t => t.scrollWidth > t.parentElement.clientWidth)"
        ".map(t => getComputedStyle(t.parentElement).overflowX)")
    assert wide and set(wide) == {"auto"}


@pytest.fixture(scope="module")
def mazur_html() -> str:
    return render(run(load_scenario(resolve("mazur"))), "html")


def test_where_fractions_are_as_large_as_the_equations(browser, tmp_path: Path, mazur_html: str) -> None:
    # step 21's operands: ∂E_total/∂out_o2 under "where" and the same fraction in its equation
    open_page(browser, tmp_path, mazur_html)
    where, equation = browser.execute_script(
        "const s = document.getElementById('s21');"
        "const h = (e) => e.getBoundingClientRect().height;"
        "return [h(s.querySelector('ul.factors mfrac')), h(s.querySelectorAll('table.eq mfrac')[1])];")
    assert where >= 0.9 * equation > 0


def _font(browser, selector: str) -> str:
    node = browser.execute_cdp_cmd("DOM.querySelector", {
        "nodeId": browser.execute_cdp_cmd("DOM.getDocument", {})["root"]["nodeId"], "selector": selector})
    fonts = browser.execute_cdp_cmd("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
    return max(fonts, key=lambda f: f["glyphCount"])["familyName"]


def test_numbers_are_set_in_the_formulas_font(browser, tmp_path: Path, mazur_html: str) -> None:
    open_page(browser, tmp_path, mazur_html)
    browser.execute_cdp_cmd("DOM.enable", {})
    browser.execute_cdp_cmd("CSS.enable", {})
    in_formula = _font(browser, "#s21 table.eq tr.result mn")
    assert _font(browser, "#s21 ul.factors .num") == in_formula      # an operand's value
    assert _font(browser, "table.data td .num") == in_formula        # a parameter in the tables


@pytest.mark.parametrize("path", builtin_paths(), ids=lambda p: p.stem)
def test_weight_labels_never_cover_each_other(browser, tmp_path: Path, path: Path) -> None:
    open_page(browser, tmp_path, render(run(load_scenario(path)), "html"))
    boxes = browser.execute_script(
        "return [...document.querySelectorAll('svg.network text.wl, svg.network circle')].map(e => {"
        "const b = e.getBBox(); return [e.tagName, b.x, b.y, b.x + b.width, b.y + b.height]; });")
    labels = [b for b in boxes if b[0] == "text"]
    for i, a in enumerate(labels):
        for b in boxes:
            if b is a or (b[0] == "text" and boxes.index(b) <= boxes.index(a)):
                continue
            overlap_x = min(a[3], b[3]) - max(a[1], b[1])
            overlap_y = min(a[4], b[4]) - max(a[2], b[2])
            assert overlap_x <= 0.5 or overlap_y <= 0.5, (path.stem, a, b)
