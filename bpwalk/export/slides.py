"""SVG pictures of the walk-through as the terminal shows it: one per frame for slides, or one of all.

A slide is one frame (`[13/60]`, its equations, the network), drawn by the terminal's own views
(`bpwalk.render.views.FrameView`) and pictured by rich, in a light theme by default (`--theme
dark` keeps the terminal's colours), centred on a 16:9 page (1920×1080) so that it fills a
slide. No font is fetched: rich's picture names a web font on a CDN, which this leaves out for
the monospace fonts of the machine that shows it.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from functools import lru_cache
from io import StringIO
from typing import TYPE_CHECKING, Sequence

from rich.console import Console
from rich.terminal_theme import SVG_EXPORT_THEME, TerminalTheme

from bpwalk.engine.steps import Trace
from bpwalk.errors import ExportError
from bpwalk.render.views import FrameView, Settings
from bpwalk.walk.frames import Frame

if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path

THEMES = ("light", "dark")
WIDTH = 100                 # columns of a picture (the terminal transcript's width)
PAGE = (1920, 1080)         # a 16:9 slide
MARGIN = 48
MONOSPACE = '"Fira Code", "DejaVu Sans Mono", Menlo, Consolas, "Liberation Mono", "Noto Sans Mono CJK SC", monospace'

# the terminal's ANSI colours, dark enough to read on white (rich's own light theme has a
# yellow and a cyan that vanish on a projector)
LIGHT = TerminalTheme(
    (255, 255, 255), (16, 42, 67),
    [(16, 42, 67), (197, 48, 48), (21, 128, 61), (154, 103, 0), (29, 78, 216), (157, 23, 77), (14, 116, 144),
     (203, 213, 225)],
    [(71, 85, 105), (220, 38, 38), (22, 163, 74), (180, 83, 9), (37, 99, 235), (190, 24, 93), (8, 145, 178),
     (241, 245, 249)],
)
THEME = {"light": LIGHT, "dark": SVG_EXPORT_THEME}


@lru_cache(maxsize=1)
def svg_format() -> str:
    """rich's SVG template without its web fonts: the same picture in the fonts at hand."""
    template: str = inspect.signature(Console.export_svg).parameters["code_format"].default
    template = re.sub(r"@font-face \{\{.*?\}\}\s*", "", template, flags=re.S)
    return template.replace("font-family: Fira Code, monospace;", f"font-family: {MONOSPACE};")


def picture(console: Console, title: str, theme: str, key: str) -> str:
    """What a recording console printed, as a self-contained SVG."""
    if theme not in THEME:
        raise ExportError(f"unknown theme '{theme}'; use one of {', '.join(THEMES)}")
    return console.export_svg(title=title, theme=THEME[theme], code_format=svg_format(), unique_id=key)


def _console() -> Console:
    return Console(record=True, file=StringIO(), width=WIDTH, color_system="truecolor", force_terminal=True,
                   legacy_windows=False, emoji=False)


def on_a_slide(svg: str, theme: str) -> str:
    """A picture centred on a 16:9 page of its own background, scaled to fit."""
    match = re.match(r'<svg class="rich-terminal" viewBox="0 0 ([\d.]+) ([\d.]+)" xmlns="http://www.w3.org/2000/svg">', svg)
    if match is None:                       # pragma: no cover - rich's template changed
        raise ExportError("rich's SVG picture has an unexpected shape")
    width, height = PAGE
    background = "#{:02x}{:02x}{:02x}".format(*THEME[theme].background_color)
    inner = svg[match.end():]
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}">\n'
            f'<rect width="{width}" height="{height}" fill="{background}"/>\n'
            f'<svg class="rich-terminal" x="{MARGIN}" y="{MARGIN}" width="{width - 2 * MARGIN}" '
            f'height="{height - 2 * MARGIN}" viewBox="0 0 {match.group(1)} {match.group(2)}" '
            f'preserveAspectRatio="xMidYMid meet">{inner}</svg>\n')


def slide(trace: Trace, frames: Sequence[Frame], index: int, settings: Settings, theme: str = "light") -> str:
    """Frame `index` (0-based) as a 16:9 SVG slide."""
    console = _console()
    console.print(f"[{index + 1}/{len(frames)}]", style="dim", markup=False, highlight=False)
    console.print(FrameView(trace, frames[index], settings))
    title = f"bpwalk · {trace.scenario.title} · {index + 1}/{len(frames)}"
    return on_a_slide(picture(console, title, theme, f"bpwalk-{index + 1}"), theme)


def parse_steps(text: str, count: int) -> tuple[int, ...]:
    """`13-16`, `5` or `1,3,8-10`: the frames chosen, 0-based, in order.

    Raises:
        ExportError: not numbers and ranges, or a frame the walk-through does not have.
    """
    chosen: list[int] = []
    for part in text.replace(" ", "").split(","):
        match = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if match is None:
            raise ExportError(f"--steps: expected step numbers and ranges such as 13-16 or 1,3,8-10; found '{text}'")
        first, last = int(match.group(1)), int(match.group(2) or match.group(1))
        if not 1 <= first <= last <= count:
            raise ExportError(f"--steps {part}: the walk-through has steps 1–{count}"
                              + ("" if first <= last else f"; a range goes up, as {last}-{first}"))
        chosen.extend(n - 1 for n in range(first, last + 1) if n - 1 not in chosen)
    return tuple(chosen)


@dataclass(frozen=True)
class Slide:
    name: str               # the file name: step-07.svg
    svg: str


def slides(trace: Trace, settings: Settings, steps: str | None = None, theme: str = "light") -> list[Slide]:
    """One SVG slide per frame chosen (`steps` as `parse_steps` reads it; None: every frame)."""
    from bpwalk.walk.styles import frames_for

    frames = frames_for(trace, settings.style)
    chosen = parse_steps(steps, len(frames)) if steps else tuple(range(len(frames)))
    digits = len(str(len(frames)))
    return [Slide(f"step-{i + 1:0{digits}d}.svg", slide(trace, frames, i, settings, theme)) for i in chosen]


def write_slides(trace: Trace, target: "Path | None", steps: str | None, theme: str = "light",
                 digits: int | None = None, lang: str | None = None, style: str | None = None) -> "list[Path]":
    """Write the slides into the folder `target` (made if missing), or one slide into the file `target`.

    Raises:
        ExportError: no target, several slides for one file, or a folder that cannot be made.
    """
    from pathlib import Path

    from bpwalk.export.files import is_folder, write_atomic

    display = trace.scenario.display
    settings = Settings(digits or display.precision, lang or display.lang, style or display.style)
    if target is None or str(target) == "-":
        raise ExportError("slides are files, one per step: give -o FOLDER/")
    made = slides(trace, settings, steps, theme)
    if not is_folder(target):
        if len(made) != 1:
            raise ExportError(f"{target}: --steps {steps} makes {len(made)} slides; -o names a folder for them "
                              "(end it with /)")
        return [write_atomic(target, made[0].svg)]
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ExportError(f"{target}: cannot make the folder ({err.strerror})") from None
    return [write_atomic(Path(target) / s.name, s.svg) for s in made]
