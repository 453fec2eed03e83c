"""Rich views of frames: what the walk-through shows for one keypress."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, RenderResult
from rich.rule import Rule
from rich.text import Text

from bpwalk.words.prose import rounding_note
from bpwalk.render.diagram import NetworkDiagram
from bpwalk.walk.frames import Frame, FrameKind
from bpwalk.render.overview import IntroView, SummaryView
from bpwalk.render.terminal import StepView
from bpwalk.engine.steps import Trace


@dataclass(frozen=True)
class Settings:
    digits: int = 9
    lang: str = "en"
    style: str = "scalar"
    diagram: bool = True     # draw the network under each step


class FrameView:
    """One frame: the intro, the summary, a style's grouped view, or its steps with the diagram."""

    def __init__(self, trace: Trace, frame: Frame, settings: Settings) -> None:
        self.trace = trace
        self.frame = frame
        self.settings = settings

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        trace, frame, s = self.trace, self.frame, self.settings
        first = trace.steps[frame.first]
        if trace.settings.rounding is not None:
            yield Text(rounding_note(trace.settings.rounding, s.lang), style="bold yellow")
        if frame.kind is FrameKind.STEP and first.phase == "intro":
            yield IntroView(trace, s.digits, s.lang)
            return
        if frame.kind is FrameKind.STEP and first.phase == "summary":
            yield SummaryView(trace, s.digits, s.lang)
            return
        if frame.kind is not FrameKind.STEP:
            from bpwalk.render.pages import PageView
            from bpwalk.walk.pages import page

            yield PageView(trace, page(trace, frame, s.lang), s.digits, s.lang)
        else:
            for i in frame.steps:
                yield StepView(trace, trace.steps[i], s.digits, s.lang)
                yield from state_view(trace, frame, i, s.digits, s.lang, options.max_width)
        if s.diagram:
            yield Rule(style="dim")
            yield NetworkDiagram(trace, max(frame.steps), s.digits, lang=s.lang,
                                 frame=frame if frame.kind is not FrameKind.STEP else None)


def state_view(trace: Trace, frame: Frame, index: int, digits: int, lang: str, width: int) -> RenderResult:
    """After the last step of an update, the optimizer's state per parameter (bpwalk.walk.optstate)."""
    from bpwalk.walk.convention import closing_blocks

    blocks = closing_blocks(trace, index, lang)
    if not blocks:
        return
    from bpwalk.render.pages import PageView, fitting
    from bpwalk.walk import page as model
    from bpwalk.walk.pages import page

    view = PageView(trace, page(trace, frame, lang), digits, lang)
    yield Text()
    for block in blocks:
        if isinstance(block, model.Math):   # Mitchell's Δw = η·δ·x (the error convention)
            yield from view.math(block, width)
        elif isinstance(block, model.Note):
            yield Text(block.text, style="bold")
        elif isinstance(block, model.Grid):
            for part in fitting(view, block, width):
                yield view.grid(part, width)
