"""The grouped styles' views (`matrix`, `delta`): a frame's heading, then its kind's drawer.

`view(trace, frame, settings)` is what `FrameView` shows for a frame whose kind is not
"step". The drawers live in `matrix_views` and `delta_views`, on top of the shared pieces of
`style_views`.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult

from bpwalk.engine.steps import Trace
from bpwalk.render import delta_views, matrix_views
from bpwalk.render.style_views import Drawer, ViewContext, ViewSettings, heading
from bpwalk.walk.frames import Frame, FrameKind

DRAWERS: dict[FrameKind, Drawer] = {**matrix_views.DRAWERS, **delta_views.DRAWERS}


class StyleView:
    """One frame of the matrix or delta style."""

    def __init__(self, trace: Trace, frame: Frame, settings: ViewSettings) -> None:
        self.ctx = ViewContext(trace, frame, settings.digits, settings.lang)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from heading(self.ctx, options.max_width)
        yield from _drawer(self.ctx.frame.kind)(self.ctx, options.max_width)


def _drawer(kind: FrameKind) -> Drawer:
    if kind not in DRAWERS:
        raise ValueError(f"no view for frames of kind {kind}")
    return DRAWERS[kind]


def view(trace: Trace, frame: Frame, settings: ViewSettings) -> RenderableType:
    """The rich renderable for a grouped style's frame.

    Args:
        trace: the trace the frame points into.
        frame: a frame from `bpwalk.walk.styles.frames` (a kind of the matrix or delta style).
        settings: has `.digits` (significant digits) and `.lang` ("en" or "zh").

    Returns:
        A renderable that lays itself out to the console's width.
    """
    return StyleView(trace, frame, settings)
