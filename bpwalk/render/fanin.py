"""The delta style's reversed network, drawn in text: gradients flowing back into one unit.

    ∂C⁽¹⁾/∂z_y1 = -0.0897 ──w₃=0.5──┐
                                    ├─▶ Σ = -0.0856 ─▶ [ σ′(z_h) = 0.2445 ] ─▶ ∂C⁽¹⁾/∂z_h = -0.0209
    ∂C⁽¹⁾/∂z_y2 = 0.1018 ──w₄=-0.4──┘
"""

from __future__ import annotations

from typing import Any, Sequence

from rich.cells import cell_len
from rich.text import Text

MAX_INPUTS = 7          # a unit fed back by more shows its first two, a ⋮ and the last
ARROW = " ──▶ "


def elided(items: Sequence[Any], gap: Any, limit: int) -> list[Any]:
    """The first two items, a gap and the last, when there are more than `limit`."""
    if len(items) <= limit:
        return list(items)
    return [items[0], items[1], gap, items[-1]]


def reversed_network(inputs: Sequence[tuple[str, str, str | None]], right: Sequence[Text], width: int) -> list[Text]:
    """Inputs flowing back into a unit, and what the unit makes of them.

    Args:
        inputs: (name, value, edge) of each incoming gradient; edge is the weight it flows
            along ("w₃=0.5"), or None.
        right: the pieces after the junction, in order (Σ, the σ′ box, ∂C/∂z).
        width: the widest a line should be; pieces that do not fit continue on lines below.
    """
    rows = elided(list(inputs), None, MAX_INPUTS) if len(inputs) > MAX_INPUTS else list(inputs)
    lefts = _fan_in(rows, names=True)
    if max(cell_len(s) for s in lefts) + 5 > width:
        lefts = _fan_in(rows, names=False)   # long numbers: the values and weights only
    left_w = max(cell_len(s) for s in lefts)
    lines: list[Text] = []
    if len(rows) == 1:
        lines.append(Text(lefts[0] + "▶ "))
        hub = 0
    else:
        for i, s in enumerate(lefts):
            corner = "┐" if i == 0 else "┘" if i == len(lefts) - 1 else ("│" if rows[i] is None else "┤")
            fill = " " if rows[i] is None else "─"
            lines.append(Text(s + fill * (left_w - cell_len(s)) + corner))
        hub = (len(rows) - 1) // 2 + 1
        lines.insert(hub, Text(" " * left_w + "├──▶ "))
    pieces = list(right)
    _fill(lines[hub], pieces, width, must=False)
    indent = " " * min(left_w, 4)
    while pieces:
        line = Text(indent + ARROW.lstrip())
        _fill(line, pieces, width, must=True)
        lines.append(line)
    for line in lines:
        line.rstrip()
    return lines


def _fan_in(rows: Sequence[tuple[str, str, str | None] | None], names: bool) -> list[str]:
    """The left side: `name = value ──edge──` for each input, aligned (⋮ for an elided run)."""
    name_w = max(cell_len(r[0]) for r in rows if r is not None) if names else 0
    value_w = max(cell_len(r[1]) for r in rows if r is not None)
    edge_w = max((cell_len(r[2]) for r in rows if r is not None and r[2]), default=0)
    wire_w = edge_w + 4 if edge_w else 2
    lefts = []
    for r in rows:
        if r is None:
            lefts.append("⋮".center(name_w if names else value_w))
            continue
        name, value, edge = r
        wire = f"──{edge}──" if edge else "──"
        wire += "─" * (wire_w - cell_len(wire))
        label = f"{name}{' ' * (name_w - cell_len(name))} = " if names else ""
        lefts.append(f"{label}{value}{' ' * (value_w - cell_len(value))} {wire}")
    return lefts


def _fill(line: Text, pieces: list[Text], width: int, must: bool) -> None:
    """Move pieces onto the line while they fit, with arrows between them (`must`: at least one)."""
    placed = 0
    while pieces:
        sep = ARROW if placed else ""
        if line.cell_len + cell_len(sep) + pieces[0].cell_len > width and (placed or not must):
            break
        line.append(sep)
        line.append_text(pieces.pop(0))
        placed += 1
