"""Shared fixtures: scenario files written on the fly, and the CLI runner."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest


@pytest.fixture
def write_scenario(tmp_path: Path):
    """Write YAML text (dedented) to a file and return its path."""

    def write(text: str, name: str = "scenario.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


TINY = """\
title: One sigmoid unit
network:
  inputs: [x1]
  layers:
    - {units: [o1], activation: sigmoid, weights: [[0.5]]}
learning_rate: 0.1
samples:
  - {inputs: [1.0], targets: [1.0]}
"""


@pytest.fixture
def tiny_scenario(write_scenario) -> Path:
    return write_scenario(TINY)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite the golden files in tests/golden/ from the current output")


GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def golden(request: pytest.FixtureRequest):
    """Compare text with tests/golden/NAME (or rewrite it with --update-golden)."""

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if request.config.getoption("--update-golden"):
            GOLDEN.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        assert path.exists(), f"{path} is missing: run pytest --update-golden"
        expected = path.read_text(encoding="utf-8")
        assert text == expected, f"{name} differs from the golden file (pytest --update-golden rewrites it)"

    return check


def _browser_missing() -> str | None:
    """Why no real browser can be driven here (None: chromium, chromedriver and selenium are there)."""
    import importlib.util
    import shutil

    if importlib.util.find_spec("selenium") is None:
        return "selenium is not installed"
    if not any(shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")):
        return "no chromium installed"
    if not shutil.which("chromedriver"):
        return "no chromedriver installed (Debian: apt-get install chromium-driver)"
    return None


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium driven by selenium; skipped where there is none, unless CI requires one."""
    import os
    import shutil

    missing = _browser_missing()
    if missing:
        if os.environ.get("BPWALK_REQUIRE_BROWSER"):
            pytest.fail(f"BPWALK_REQUIRE_BROWSER is set but {missing}")
        pytest.skip(missing)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    yield driver
    driver.quit()
