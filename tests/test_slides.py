"""`export --format svg --steps`: one 16:9 slide per step, light or dark, with no font fetched."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bpwalk.cli import app
from bpwalk.engine.trace import run
from bpwalk.export import render
from bpwalk.read import load_scenario
from bpwalk.read.builtin import resolve

runner = CliRunner()
SVG = "{http://www.w3.org/2000/svg}"


def self_contained(svg: str) -> bool:
    """Nothing to fetch: no web font, no url() but the picture's own ids, no link out."""
    return ("@font-face" not in svg and not re.search(r"url\((?!#)", svg)
            and not re.search(r"""(href|src)\s*=\s*["'](?!#)""", svg))


def test_one_slide_per_step(tmp_path: Path) -> None:
    folder = tmp_path / "slides"
    result = runner.invoke(app, ["export", "mazur", "--steps", "13-16", "--format", "svg", "-o", f"{folder}/"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == ["step-13.svg", "step-14.svg", "step-15.svg", "step-16.svg"]
    for n in range(13, 17):
        svg = (folder / f"step-{n}.svg").read_text(encoding="utf-8")
        root = ET.fromstring(svg)
        assert (root.get("width"), root.get("height")) == ("1920", "1080")           # 16:9
        assert root.find(f"{SVG}rect").get("fill") == "#ffffff"                      # light
        assert f"[{n}/60]" in svg.replace("&#160;", " ") and self_contained(svg)
    # the slide of step 16 is that step: the chain rule for w5
    assert "∂E_total/∂w₅" in (folder / "step-16.svg").read_text(encoding="utf-8").replace("&#160;", " ")


def test_dark_keeps_the_terminal_look(tmp_path: Path) -> None:
    target = tmp_path / "w5.svg"
    result = runner.invoke(app, ["export", "mazur", "--steps", "16", "--theme", "dark", "-f", "svg", "-o", str(target)])
    assert result.exit_code == 0, result.output
    svg = target.read_text(encoding="utf-8")
    assert ET.fromstring(svg).find(f"{SVG}rect").get("fill") == "#292929" and self_contained(svg)


def test_a_grouped_style_makes_a_slide_per_frame(tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "mazur", "--style", "matrix", "-f", "svg", "-o", str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "m").glob("step-*.svg"))) == 22


def test_the_whole_walk_through_is_one_picture_without_fetched_fonts() -> None:
    svg = render(run(load_scenario(resolve("mazur"))), "svg")
    assert self_contained(svg) and "[60/60]" in svg.replace("&#160;", " ")
    dark = render(run(load_scenario(resolve("mazur"))), "svg", theme="dark")
    assert "#292929" in dark and "#292929" not in svg


@pytest.mark.parametrize("args,message", [
    (["--steps", "61", "-o", "d/"], "steps 1–60"),
    (["--steps", "16-13", "-o", "d/"], "a range goes up"),
    (["--steps", "one", "-o", "d/"], "expected step numbers"),
    (["--steps", "13-16", "-o", "one.svg"], "makes 4 slides"),
    (["--steps", "13", "-f", "md"], "are for --format svg"),
    (["--theme", "dark", "-f", "json"], "are for --format svg"),
    (["--steps", "13", "--theme", "blue", "-o", "x.svg"], "unknown theme 'blue'"),
    (["--steps", "13"], "give -o FOLDER"),
])
def test_bad_choices_are_clear_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str],
                                      message: str) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["export", "mazur", *args])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output, result.output
