"""Text and SVG transcripts: what the terminal shows, every frame in order.

Text is the terminal's output with colours stripped; SVG is rich's picture of it, in a light
theme (or the terminal's dark one), in the fonts at hand.
"""

from __future__ import annotations

from io import StringIO

from rich.console import Console

from bpwalk.export import Options
from bpwalk.formula.numbers import shown_digits
from bpwalk.walk.styles import frames_for
from bpwalk.render.views import FrameView, Settings
from bpwalk.engine.steps import Trace

WIDTH = 100


def record(trace: Trace, settings: Settings, width: int = WIDTH, color: bool = True,
           shown: int | None = None) -> Console:
    """A console that has printed every frame (numbered [i/N]) and kept what it printed."""
    console = Console(record=True, file=StringIO(), width=width, color_system="truecolor" if color else None,
                      force_terminal=color, legacy_windows=False, emoji=False)   # as `bpwalk run` prints
    frames = frames_for(trace, settings.style)
    for frame in frames[:shown]:
        console.print(f"[{frame.index + 1}/{len(frames)}]", style="dim", markup=False, highlight=False)
        console.print(FrameView(trace, frame, settings))
        console.print()
    return console


def to_text(trace: Trace, settings: Settings, width: int = WIDTH, shown: int | None = None) -> str:
    """Every frame (or the first `shown`) as plain text."""
    return record(trace, settings, width, color=False, shown=shown).export_text()


def to_svg(trace: Trace, settings: Settings, width: int = WIDTH, shown: int | None = None, theme: str = "light") -> str:
    """Every frame (or the first `shown`) as one SVG picture of the terminal, to scroll through
    (`bpwalk.export.slides` makes one 16:9 picture per frame); no font is fetched."""
    from bpwalk.export.slides import picture

    return picture(record(trace, settings, width, shown=shown), f"bpwalk · {trace.scenario.title}", theme, "bpwalk")


def _settings(trace: Trace, options: Options) -> Settings:
    display = trace.scenario.display
    return Settings(digits=shown_digits(options.digits or display.precision, trace.settings.rounding),
                    lang=options.lang or display.lang,
                    style=options.style or display.style)


def export_text(trace: Trace, options: Options) -> str:
    """The registry's entry point for txt."""
    return to_text(trace, _settings(trace, options), shown=options.frames)


def export_svg(trace: Trace, options: Options) -> str:
    """The registry's entry point for svg."""
    return to_svg(trace, _settings(trace, options), shown=options.frames, theme=options.theme)
