"""The network as an SVG picture: units as circles in columns, weights as labelled lines.

Used by the HTML transcript. Small layers get every weight's name on its line; large ones
show their first units and a ⋮, and no labels (they would be unreadable).
"""

from __future__ import annotations

from html import escape

from bpwalk.formula.numbers import format_number
from bpwalk.scenario import Scenario
from bpwalk.words import say

R = 20            # unit radius
DX = 170          # distance between layers
DY = 64           # distance between units
MAX_SHOWN = 8     # units drawn per layer
LABEL_LIMIT = 16  # label weights when a layer pair has at most this many connections
PLACES = (0.3, 0.22, 0.38, 0.15, 0.46, 0.54, 0.62, 0.7)   # where along its line a label may go


def _shown(units: tuple[str, ...]) -> list[str | None]:
    if len(units) <= MAX_SHOWN:
        return list(units)
    return list(units[: MAX_SHOWN - 2]) + [None] + [units[-1]]


def network_svg(scenario: Scenario, values: dict[str, float] | None = None, digits: int = 4,
                lang: str = "en") -> str:
    """An SVG drawing of the network.

    Args:
        scenario: the network to draw.
        values: optional out values by unit name, written under each unit.
        digits: significant digits of those values.
        lang: the language of its headings and its description for screen readers.
    """
    values = values or {}
    columns = [scenario.inputs] + [layer.units for layer in scenario.layers]
    shown = [_shown(units) for units in columns]
    height = max(len(s) for s in shown) * DY + 40
    width = (len(columns) - 1) * DX + 2 * (R + 60)
    pos: dict[str, tuple[float, float]] = {}
    for c, units in enumerate(shown):
        top = (height - len(units) * DY) / 2 + DY / 2
        for r, unit in enumerate(units):
            if unit is not None:
                pos[unit] = (R + 60 + c * DX, top + r * DY)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-label="{escape(say(lang, "doc.diagram"))}" class="network">',
        "<style>.w{stroke:#9aa5b1;stroke-width:1.2}.u{fill:#fff;stroke:#334e68;stroke-width:2}"
        ".in{fill:#f0f4f8}.t{font:13px sans-serif;text-anchor:middle;dominant-baseline:central}"
        ".v{font:11px sans-serif;fill:#486581;text-anchor:middle}.wl{font:11px sans-serif;fill:#627d98;paint-order:stroke;stroke:#fff;stroke-width:3px}"
        ".h{font:bold 12px sans-serif;fill:#334e68;text-anchor:middle}</style>",
    ]
    labels: list[tuple[float, float, float, float]] = [
        (x - R, y - R, x + R, y + R) for x, y in pos.values()]       # what a label must not cover
    for l, layer in enumerate(scenario.layers):
        prev = columns[l]
        label = sum(1 for _ in prev) * len(layer.units) <= LABEL_LIMIT
        for j, src in enumerate(prev):
            for u, unit in enumerate(layer.units):
                if unit not in pos or src not in pos:
                    continue
                name = escape(layer.weight_names[u][j])
                (x1, y1), (x2, y2) = pos[src], pos[unit]
                parts.append(f'<line class="w" data-n="{name}" x1="{x1 + R:.1f}" y1="{y1:.1f}" '
                             f'x2="{x2 - R:.1f}" y2="{y2:.1f}"><title>{name}</title></line>')
                spot = _free_spot(labels, name, (x1 + R, y1), (x2 - R, y2)) if label else None
                if spot is not None:
                    parts.append(f'<text class="wl" data-n="{name}" x="{spot[0]:.1f}" y="{spot[1]:.1f}">{name}</text>')
    headings = [say(lang, "diagram.inputs")] + [f"{layer.activation}" for layer in scenario.layers]
    for c, units in enumerate(shown):
        x = R + 60 + c * DX
        parts.append(f'<text class="h" x="{x}" y="14">{escape(headings[c])}</text>')
        for r, unit in enumerate(units):
            if unit is None:
                top = (height - len(units) * DY) / 2 + DY / 2
                parts.append(f'<text class="t" x="{x}" y="{top + r * DY:.1f}">⋮</text>')
                continue
            x, y = pos[unit]
            cls = "u in" if c == 0 else "u"
            parts.append(f'<circle class="{cls}" data-n="{escape(unit)}" cx="{x}" cy="{y:.1f}" r="{R}"/>')
            parts.append(f'<text class="t" x="{x}" y="{y:.1f}">{escape(unit)}</text>')
            if unit in values:
                parts.append(f'<text class="v" x="{x}" y="{y + R + 12:.1f}">{format_number(values[unit], digits)}</text>')
    for l, layer in enumerate(scenario.layers):
        if layer.bias != "none":
            x = R + 60 + (l + 1) * DX
            names = ", ".join(f'<tspan data-n="{escape(b)}">{escape(b)}</tspan>' for b in layer.bias_names[:3])
            more = "…" if len(layer.bias_names) > 3 else ""
            parts.append(f'<text class="v" x="{x}" y="{height - 6}">+ {names}{more}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _free_spot(taken: list[tuple[float, float, float, float]], name: str, start: tuple[float, float],
               end: tuple[float, float]) -> tuple[float, float] | None:
    """Where along a weight's line its label covers no other label and no unit (None: nowhere).

    On a deep network many lines cross between two layers; the first free place along the line,
    near its source where lines into one unit are apart, keeps every label readable.
    """
    width, height = len(name) * 6.4 + 2, 12
    for t in PLACES:
        x = start[0] + (end[0] - start[0]) * t
        y = start[1] + (end[1] - start[1]) * t - 3
        box = (x - width / 2, y - height + 2, x + width / 2, y + 2)
        if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in taken):
            taken.append(box)
            return x - width / 2, y
    return None


def loss_svg(losses: list[float], digits: int = 4, lang: str = "en") -> str:
    """The loss after 0, 1, ..., n updates as an SVG line chart (log scale over two decades)."""
    import math

    label = say(lang, "doc.loss_curve")
    width, height, left, bottom = 560, 220, 70, 30
    low, high = min(losses), max(losses)
    log = low > 0 and high / low > 100
    ys = [math.log10(v) for v in losses] if log else list(losses)
    lo, hi = min(ys), max(ys)
    span = (hi - lo) or 1.0
    n = len(losses) - 1 or 1
    points = " ".join(
        f"{left + (width - left - 10) * i / n:.1f},{10 + (height - bottom - 20) * (hi - y) / span:.1f}"
        for i, y in enumerate(ys)
    )
    scale = say(lang, "plot.log") if log else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(label)}" class="loss">'
        f'<style>.ax{{stroke:#9aa5b1}}.ln{{fill:none;stroke:#2680c2;stroke-width:2}}'
        f'.lb{{font:11px sans-serif;fill:#486581}}</style>'
        f'<line class="ax" x1="{left}" y1="10" x2="{left}" y2="{height - bottom}"/>'
        f'<line class="ax" x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}"/>'
        f'<polyline class="ln" points="{points}"/>'
        f'<text class="lb" x="{left - 6}" y="16" text-anchor="end">{format_number(high, digits)}</text>'
        f'<text class="lb" x="{left - 6}" y="{height - bottom}" text-anchor="end">{format_number(low, digits)}</text>'
        f'<text class="lb" x="{left}" y="{height - 10}">0</text>'
        f'<text class="lb" x="{width - 10}" y="{height - 10}" text-anchor="end">{n}</text>'
        f'<text class="lb" x="{(width + left) / 2:.0f}" y="{height - 10}" text-anchor="middle">'
        f"{escape(label)}{scale}</text></svg>"
    )
