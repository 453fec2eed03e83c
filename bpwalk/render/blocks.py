"""Text blocks for equations with column vectors and matrices, laid out to the terminal's width.

                 ⎡0.4   0.45⎤   ⎡0.5933⎤   ⎡0.6⎤   ⎡1.106⎤
    h = W₂·A + b = ⎣0.5   0.55⎦ · ⎣0.5969⎦ + ⎣0.6⎦ = ⎣1.225⎦

A Block is a few lines of rich Text with a baseline: the row that lines up with its
neighbours' (the middle row of a vector, the only row of plain text). `hcat` puts blocks side
by side; `Equation.lines(width)` writes `lhs = side = side ...`, starting a new row (aligned
under the first `=`) when the next side does not fit, and splitting a side that is wider
than the whole line between its pieces. Long vectors show their first and last entries
around a ⋮, wide matrices their first and last columns around a ⋯.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence, Union

from rich.text import Text

MAX_ROWS = 10           # a longer vector shows HEAD_ROWS entries, a ⋮ and TAIL_ROWS entries
HEAD_ROWS, TAIL_ROWS = 4, 3
MAX_COLUMNS = 6         # a wider matrix shows its first columns, a ⋯ and its last
COLUMN_GAP = "  "


@dataclass(frozen=True)
class Block:
    lines: tuple[Text, ...]
    baseline: int = 0

    @property
    def width(self) -> int:
        return max((line.cell_len for line in self.lines), default=0)

    @property
    def height(self) -> int:
        return len(self.lines)


@dataclass(frozen=True)
class Fit:
    """A block drawn for the room it gets (a wide matrix elides columns to fit)."""

    draw: Callable[[int], Block]


Atom = Union[Block, Fit, str]
UNLIMITED = 10_000


def text(content: str, style: str = "") -> Block:
    return Block((Text(content, style=style),), 0)


def as_block(atom: Atom, room: int = UNLIMITED) -> Block:
    if isinstance(atom, Fit):
        return atom.draw(room)
    return atom if isinstance(atom, Block) else text(atom)


def hcat(atoms: Sequence[Atom]) -> Block:
    """Blocks side by side, their baselines on one row."""
    blocks = [as_block(a) for a in atoms]
    if not blocks:
        return text("")
    above = max(b.baseline for b in blocks)
    below = max(b.height - b.baseline - 1 for b in blocks)
    rows = [Text() for _ in range(above + below + 1)]
    for block in blocks:
        width = block.width
        offset = above - block.baseline
        for r, row in enumerate(rows):
            i = r - offset
            line = block.lines[i] if 0 <= i < block.height else Text()
            row.append_text(line)
            row.append(" " * (width - line.cell_len))
    return Block(tuple(rows), above)


def _elide(items: Sequence[str], limit: int, head: int, tail: int, gap: str) -> list[str]:
    if len(items) <= limit:
        return list(items)
    return [*items[:head], gap, *items[len(items) - tail:]]


def _bracketed(rows: list[Text], style: str = "") -> Block:
    """Rows between tall brackets: [ ] for one row, ⎡⎢⎣ ⎤⎥⎦ for more."""
    width = max((r.cell_len for r in rows), default=0)
    lines = []
    for i, row in enumerate(rows):
        if len(rows) == 1:
            left, right = "[", "]"
        elif i == 0:
            left, right = "⎡", "⎤"
        elif i == len(rows) - 1:
            left, right = "⎣", "⎦"
        else:
            left, right = "⎢", "⎥"
        line = Text(left)
        line.append(" " * (width - row.cell_len))
        line.append_text(row)
        line.append(right)
        lines.append(line)
    return Block(tuple(lines), (len(lines) - 1) // 2)


def column(values: Sequence[str], style: str = "") -> Block:
    """A column vector of formatted numbers."""
    return matrix([[v] for v in values], style)


def row_vector(values: Sequence[str], style: str = "") -> Block:
    """A row vector (a transposed column), on one line."""
    return matrix([list(values)], style)


def matrix(cells: Sequence[Sequence[str]], style: str = "", max_width: int | None = None) -> Block:
    """A matrix of formatted numbers, right-aligned in columns, elided to fit `max_width`.

    Args:
        cells: rows of formatted numbers, all of one length.
        style: rich style of the numbers (the brackets stay plain).
        max_width: the widest the block should be; columns are elided until it fits, down
            to the first and the last column around a ⋯.
    """
    rows = [list(r) for r in cells]
    if not rows or not rows[0]:
        return text("[ ]")
    ncols = len(rows[0])
    shown = ncols if ncols <= MAX_COLUMNS else MAX_COLUMNS - 1
    while True:
        block = _matrix_block(rows, ncols, shown, style)
        if max_width is None or block.width <= max_width or shown <= 2:
            return block
        shown = min(shown, ncols) - 1


def fitted(cells: Sequence[Sequence[str]], style: str = "") -> Fit:
    """A matrix that elides its columns to the room it is given when an equation places it."""
    return Fit(lambda room: matrix(cells, style, max_width=room))


def _matrix_block(rows: list[list[str]], ncols: int, shown: int, style: str) -> Block:
    """The matrix with `shown` of its columns (the first and last ones, around a ⋯ if fewer than all)."""
    if shown < ncols:
        head = (shown + 1) // 2
        columns = list(range(head)) + [-1] + list(range(ncols - (shown - head), ncols))
    else:
        columns = list(range(ncols))
    shown = _elide([str(i) for i in range(len(rows))], MAX_ROWS, HEAD_ROWS, TAIL_ROWS, "gap")
    table = [[("⋯" if c < 0 else rows[int(r)][c]) if r != "gap" else "⋮" for c in columns] for r in shown]
    widths = [max(len(row[j]) for row in table) for j in range(len(columns))]
    lines = []
    for row in table:
        line = Text()
        for j, cell in enumerate(row):
            if j:
                line.append(COLUMN_GAP)
            if cell in ("⋮", "⋯"):
                line.append(cell.center(widths[j]), style="dim")
            else:
                line.append(cell.rjust(widths[j]), style=style)
        lines.append(line)
    return _bracketed(lines)


@dataclass(frozen=True)
class Equation:
    """`lhs = side = side ...`: each side a list of atoms (strings and blocks)."""

    lhs: Sequence[Atom]
    sides: Sequence[Sequence[Atom]]
    lhs_style: str = "bold cyan"
    stacked: bool = False       # each side on a row of its own (the scalar style), not only when it must
    relation: str = " = "       # between the lhs and the first side (" ← ": an update of a state)

    def lines(self, width: int) -> list[Text]:
        """The equation as lines of at most `width` cells where it can be (a block wider stays whole).

        Every "=" after the first stands under the first one; a side that wraps continues
        under its first term.
        """
        lhs = hcat([text(a, self.lhs_style) if isinstance(a, str) else a for a in self.lhs])
        pad = lhs.width if lhs.width + 1 <= width // 2 else 1
        rows: list[list[Atom]] = [[lhs]]
        used = lhs.width
        wrapped = False
        for k, side in enumerate(self.sides):
            total = 3 + sum(as_block(a).width for a in side)
            if k > 0 and (self.stacked or wrapped or used + total > width):
                # a side that had to wrap is followed by a fresh row, so each "=" starts a line
                rows.append([" " * pad])
                used = pad
            rows[-1].append(self.relation if k == 0 else " = ")
            used += 3
            first_row = len(rows)
            for atom in _words(side, width - pad - 3):
                block = as_block(atom)
                if used + block.width > width:
                    if used > pad + 3:
                        rows.append([" " * (pad + 3)])
                        used = pad + 3
                        atom = atom.lstrip() if isinstance(atom, str) else atom
                    block = as_block(atom, width - used)     # a matrix elides columns to fit
                rows[-1].append(block)
                used += block.width
            wrapped = len(rows) > first_row
        out: list[Text] = []
        for row in rows:
            block = hcat(row)
            out.extend(_rstripped(block.lines))
        return out


def top_level_terms(expression: str, level: int = 0) -> list[str]:
    """Cut a one-line formula before each + − ⊗ ⊘ inside `level` brackets (0: outside all)."""
    terms, depth, start = [], 0, 0
    for i, ch in enumerate(expression):
        if ch in "([{⎡":
            depth += 1
        elif ch in ")]}⎤":
            depth -= 1
        elif depth == level and i > start and ch in "+−⊗⊘" and expression[i - 1] == " " \
                and expression[i + 1:i + 2] == " ":
            terms.append(expression[start:i - 1])
            start = i - 1
    terms.append(expression[start:])
    return [t for t in terms if t]


def _words(side: Sequence[Atom], room: int) -> list[Atom]:
    """A side's atoms, with long strings cut before each + − ⊗ ⊘ (and at spaces where a term is
    still wider than the room), so a long formula wraps between its terms."""
    out: list[Atom] = []
    for atom in side:
        if isinstance(atom, str) and len(atom) > min(12, room):
            for term in top_level_terms(atom):
                inner = top_level_terms(term, 1) if len(term) > room else [term]     # (a + b): inside the brackets
                words = [w for part in inner
                         for w in (re.split(r"(?<=[ ,])(?=\S)", part) if len(part) > room else [part])]
                for word in words:
                    # a product wider than the line breaks after its ·
                    out.extend(re.split(r"(?<=·)", word) if len(word) > room else [word])
        else:
            out.append(atom)
    return out


def _rstripped(lines: Sequence[Text]) -> list[Text]:
    result = []
    for line in lines:
        copy = line.copy()
        copy.rstrip()
        result.append(copy)
    return result


def block_lines(block: Block) -> list[Text]:
    """A block's lines without trailing blanks (for printing)."""
    return _rstripped(block.lines)
