"""The browser player (`export --format web`) in a real Chromium: keys, buttons, highlights, links, print.

The keys are sent as a person types them (selenium's key events); what the page shows is read
from its DOM. Set BPWALK_SCREENSHOTS to a folder to keep the screenshots for a look.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bpwalk.cli import app
from bpwalk.engine.trace import run
from bpwalk.export import render
from bpwalk.read import load_scenario
from bpwalk.read.builtin import builtin_paths, resolve
from bpwalk.scenario import STYLES
from bpwalk.walk.page import marks
from bpwalk.walk.styles import frames_for
from test_html_browser import OVERFLOW, open_page

SHOWN = """
const hl = (c) => [...new Set([...document.querySelectorAll('#net .' + c)].map(e => e.dataset.n))].sort();
return [Number(document.body.dataset.frame), hl('hl-r'), hl('hl-o'), location.hash,
        document.querySelector('#status').textContent, document.querySelector('#frame .where').textContent];
"""


@pytest.fixture(scope="module")
def mazur():
    return run(load_scenario(resolve("mazur")))


@pytest.fixture(scope="module")
def mazur_web(mazur) -> str:
    return render(mazur, "web")


def test_one_file_that_fetches_nothing(mazur_web: str) -> None:
    assert len(mazur_web.encode("utf-8")) <= 300_000
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", mazur_web)
    assert "@import" not in mazur_web and "url(http" not in mazur_web and "<script src" not in mazur_web
    assert "fetch(" not in mazur_web and "XMLHttpRequest" not in mazur_web


def test_the_cli_writes_it(tmp_path: Path, mazur_web: str) -> None:
    target = tmp_path / "walk.html"
    result = CliRunner().invoke(app, ["export", "mazur", "--format", "web", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == mazur_web


def press(browser, *keys: str) -> list:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(browser).send_keys(*keys).perform()
    return browser.execute_script(SHOWN)


def drawn(html: str) -> set[str]:
    """The names the network picture can mark (units, weights and biases it draws)."""
    svg = html[html.index("<svg"):]
    return set(re.findall(r'data-n=\\?"([^"\\]+)', svg[: svg.index("</svg>")]))


def walk_every_frame(browser, trace, style: str, phone: bool = False) -> int:
    """Press → through every frame of a style; each shows its own number and marks its operands."""
    from selenium.webdriver.common.keys import Keys

    frames = frames_for(trace, style)
    names = drawn(browser.execute_script("return document.querySelector('#net').innerHTML"))
    shown = press(browser, "g")
    for f in frames:
        m = marks(trace, f.steps)
        assert shown[0] == f.index + 1, shown
        assert shown[1] == sorted(m.result & names) and shown[2] == sorted(m.operands & names), (style, f.index, shown)
        if phone:
            extra, culprits = browser.execute_script(OVERFLOW)
            assert extra <= 0 and not culprits, (style, f.index, culprits)
        shown = press(browser, Keys.ARROW_RIGHT)
    assert shown[0] == len(frames) and shown[4]           # the last frame says so
    return len(frames)


def address(browser) -> str:
    """The page's fragment, once the player has written it (it waits for the moves to settle)."""
    import time

    time.sleep(0.3)
    return browser.execute_script("return location.hash")


def choose(browser, selector: str) -> None:
    browser.find_element("css selector", selector).click()


@pytest.mark.parametrize("path", builtin_paths(), ids=lambda p: p.stem)
def test_every_step_of_every_builtin_is_reachable_and_marks_its_operands(browser, tmp_path: Path, path: Path) -> None:
    trace = run(load_scenario(path))
    open_page(browser, tmp_path, render(trace, "web"))
    for style in STYLES:
        choose(browser, f'[data-style="{style}"]')
        assert walk_every_frame(browser, trace, style) == len(frames_for(trace, style))


def test_marks_of_a_chain_rule(browser, tmp_path: Path, mazur, mazur_web: str) -> None:
    # ∂E/∂w5 (step 16): w5 is computed, from the units its factors belong to (o1 and h1)
    open_page(browser, tmp_path, mazur_web)
    assert mazur.steps[15].quantity == "grad.w5"
    shown = press(browser, "16", "\n")
    assert shown[:3] == [16, ["w5"], ["h1", "o1"]]
    assert browser.execute_script("return document.querySelector('#net line[data-n=\"w5\"]').classList.contains('hl-r')")


# each line: the keys as bpwalk.walk.navigate takes them, then as a person types them in the browser
KEYS = [
    ("space",), ("enter",), ("l", "j"), ("backspace",), ("left", "k"), ("G",), ("right",), ("g",), ("left",),
    ("]",), ("]",), ("]",), ("]",), ("[",), ("[",), ("]", "right", "["), ("1", "6", "enter"), ("9", "9", "enter"),
    ("/", *"w5", "enter"), ("n",), ("n",), ("N",), ("/", *"w99", "enter"), ("n",), ("/", "enter"), ("end",),
    ("home",), ("x",), ("3", "right"), ("esc",), ("n",), ("esc",), ("down",), ("up",),
]


def test_the_keys_do_what_they_do_in_the_terminal(browser, tmp_path: Path, mazur, mazur_web: str) -> None:
    from selenium.webdriver.common.keys import Keys

    from bpwalk.walk.navigate import Navigator

    typed = {"space": " ", "enter": Keys.ENTER, "backspace": Keys.BACKSPACE, "left": Keys.ARROW_LEFT,
             "right": Keys.ARROW_RIGHT, "up": Keys.ARROW_UP, "down": Keys.ARROW_DOWN, "esc": Keys.ESCAPE,
             "home": Keys.HOME, "end": Keys.END}
    terminal = Navigator(frames_for(mazur, "scalar"))
    open_page(browser, tmp_path, mazur_web)
    for keys in KEYS:
        for key in keys:
            state = terminal.handle(" " if key == "space" else key)
        shown = press(browser, *(typed.get(k, k) for k in keys))
        # Esc with nothing open: the terminal adds "q quits", which a page has no use for
        message = state.message.replace(" · q quits", "")
        assert (shown[0], shown[4]) == (state.index + 1, message), keys
    assert terminal.state.index > 0


def test_help_opens_and_any_key_closes_it(browser, tmp_path: Path, mazur_web: str) -> None:
    from selenium.webdriver.common.keys import Keys

    open_page(browser, tmp_path, mazur_web)
    hidden = "return document.getElementById('help').hidden"
    press(browser, "?")
    assert not browser.execute_script(hidden) and "Keys" in browser.find_element("id", "help").text
    assert press(browser, Keys.ESCAPE)[0] == 1 and browser.execute_script(hidden)
    choose(browser, "#help-button")
    assert not browser.execute_script(hidden)
    assert press(browser, "j")[0] == 1 and browser.execute_script(hidden)     # closing is all the key does


def test_the_buttons_styles_and_languages(browser, tmp_path: Path, mazur, mazur_web: str) -> None:
    open_page(browser, tmp_path, mazur_web + "")
    browser.execute_script("window.notReloaded = true")
    for selector, frame in (('[data-key="right"]', 2), ('[data-key="G"]', 60), ('[data-key="left"]', 59),
                            ('[data-key="g"]', 1), ('[data-key="]"]', 2), ('[data-key="["]', 1)):
        choose(browser, selector)
        assert browser.execute_script(SHOWN)[0] == frame, selector
    press(browser, "2", "1", "\n")                        # scalar step 21, in matrix: the frame that holds it
    choose(browser, '[data-style="matrix"]')
    matrix = frames_for(mazur, "matrix")
    shown = browser.execute_script(SHOWN)
    assert 20 in matrix[shown[0] - 1].steps and address(browser) == f"#step-{shown[0]}&style=matrix"
    choose(browser, '[data-lang="zh"]')
    shown = browser.execute_script(SHOWN)
    assert "反向传播" in shown[5] and address(browser).endswith("&style=matrix&lang=zh")
    assert browser.execute_script("return document.documentElement.lang") == "zh-CN"
    assert browser.execute_script("return window.notReloaded === true")
    choose(browser, '[data-style="scalar"]')
    choose(browser, '[data-lang="en"]')
    assert browser.execute_script(SHOWN)[0] == 21


def test_a_link_per_step(browser, tmp_path: Path, mazur_web: str) -> None:
    page = tmp_path / "walk.html"
    page.write_text(mazur_web, encoding="utf-8")
    browser.get(page.as_uri() + "#step-21")
    assert browser.execute_script(SHOWN)[0] == 21
    choose(browser, '#frame a[href="#s18"]')            # an operand's link: the step it came from
    assert browser.execute_script(SHOWN)[0] == 18 and address(browser) == "#step-18"
    press(browser, "]")
    assert address(browser) == "#step-39"          # the update, after the backward pass
    browser.get(page.as_uri() + "#step-5&style=delta&lang=zh")
    assert browser.execute_script("return [document.body.dataset.frame, document.querySelector('[data-style=delta]')"
                                  ".getAttribute('aria-pressed'), document.documentElement.lang]") == ["5", "true", "zh-CN"]


def test_print_shows_every_step(browser, tmp_path: Path, mazur_web: str) -> None:
    open_page(browser, tmp_path, mazur_web)
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        from selenium.webdriver.support.ui import WebDriverWait

        count = "return document.querySelectorAll('#print section.frame').length"
        WebDriverWait(browser, 5).until(lambda b: b.execute_script(count))   # the media change is an event
        sections, player = browser.execute_script(
            "return [document.querySelectorAll('#print section.frame').length,"
            " getComputedStyle(document.getElementById('player')).display]")
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert sections == 60 and player == "none"


@pytest.mark.parametrize("width,height", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_screenshots_and_nothing_overflows(browser, tmp_path: Path, mazur, mazur_web: str, width: int, height: int) -> None:
    phone = width < 500
    if phone:   # a phone's viewport: its width, its pixel ratio, scroll bars that take no room
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                {"width": width, "height": height, "deviceScaleFactor": 2, "mobile": True})
    try:
        open_page(browser, tmp_path, mazur_web, 1280, 800)
        assert browser.execute_script("return window.innerWidth") == width
        _shoot(browser, tmp_path, mazur, width)
    finally:
        if phone:
            browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def _shoot(browser, tmp_path: Path, mazur, width: int) -> None:
    keep = Path(os.environ.get("BPWALK_SCREENSHOTS") or tmp_path)
    keep.mkdir(parents=True, exist_ok=True)
    for style in STYLES:
        choose(browser, f'[data-style="{style}"]')
        walk_every_frame(browser, mazur, style, phone=True)
        press(browser, "1", "6", "\n")
        shot = keep / f"web-{style}-{width}.png"
        assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000


def test_a_printed_copy_has_every_step(browser, tmp_path: Path, mazur_web: str) -> None:
    import base64

    open_page(browser, tmp_path, mazur_web)
    pdf = base64.b64decode(browser.print_page())
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages >= 10, pages          # the screen shows one step; paper gets all 60
