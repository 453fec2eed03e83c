"""The delta style's reversed network as an SVG picture, for the HTML document.

The gradients of the next layer stand on the left; each flows along its weight (labelled with
its value) into the unit's junction, then through the unit's stages (Σ, the boxed gain
σ′(z), the unit's ∂C/∂z), left to right, as in seed 004's drawing of the backward pass.
"""

from __future__ import annotations

from html import escape
from typing import Callable

from bpwalk.walk import page as model

CHAR = 7.4              # the width of one character of the picture's 13px font, about
ROW = 30                # the height of one source's row
GAP = 26                # the room an arrow between two stages takes
WIRE = 130               # the length of the wires from the sources to the junction
MAX_SOURCES = 7         # more sources show their first two, a ⋮ and the last


def _width(text: str) -> float:
    return len(text) * CHAR + 12


def _stage_text(stage: model.Stage, num: Callable[[float], str]) -> str:
    return "".join(num(a.value) if isinstance(a, model.Num) else a.text if isinstance(a, model.Sym) else str(a)
                   for a in stage.expr)


def fan_in_svg(block: model.FanIn, num: Callable[[float], str], key: str) -> str:
    """The picture of one unit's reversed network; `num` writes a number as the page does, and
    `key` makes its arrow's id unique in the document."""
    sources: list[model.Source | None] = list(block.sources)
    if len(sources) > MAX_SOURCES:
        sources = [sources[0], sources[1], None, sources[-1]]
    labels = [f"{s.name.text} = {num(s.value)}" if s is not None else "⋮" for s in sources]
    left = max(_width(t) for t in labels)
    height = max(len(sources), 1) * ROW + 10
    mid = height / 2
    hub = left + WIRE
    parts: list[str] = []
    for i, (s, label) in enumerate(zip(sources, labels)):
        y = 5 + ROW * i + ROW / 2
        parts.append(f'<text x="{left - 6:.0f}" y="{y + 4:.0f}" text-anchor="end">{escape(label)}</text>')
        if s is None:
            continue
        parts.append(f'<line x1="{left:.0f}" y1="{y:.0f}" x2="{hub:.0f}" y2="{mid:.0f}" class="wire"/>')
        if s.edge is not None and s.edge_value is not None:
            tx, ty = left + WIRE * 0.3, y + (mid - y) * 0.3 - 5
            parts.append(f'<text x="{tx:.0f}" y="{ty:.0f}" class="edge" text-anchor="middle">'
                         f'{escape(s.edge.text)} = {escape(num(s.edge_value))}</text>')
    parts.append(f'<circle cx="{hub:.0f}" cy="{mid:.0f}" r="3" class="hub"/>')
    x = hub
    for stage in block.stages:
        text = _stage_text(stage, num)
        w = _width(text)
        parts.append(f'<line x1="{x:.0f}" y1="{mid:.0f}" x2="{x + GAP - 4:.0f}" y2="{mid:.0f}" class="wire" '
                     f'marker-end="url(#arrow-{key})"/>')
        x += GAP
        result = any(isinstance(a, model.Num) and a.result for a in stage.expr)
        cls = "gain" if stage.boxed else "result" if result else "stage"
        parts.append(f'<rect x="{x:.0f}" y="{mid - 12:.0f}" width="{w:.0f}" height="24" rx="4" class="{cls}"/>')
        parts.append(f'<text x="{x + w / 2:.0f}" y="{mid + 4:.0f}" text-anchor="middle">{escape(text)}</text>')
        x += w
    width = x + 8
    return (f'<svg class="fanin" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'width="{width:.0f}" height="{height:.0f}" role="img" font-size="13" font-family="inherit">'
            f'<defs><marker id="arrow-{key}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
            'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#627d98"/></marker></defs>'
            + "".join(parts) + "</svg>")
