"""The walk-through model (`bpwalk.walk.page`) drawn with rich: the terminal, text and SVG.

`PageView(trace, page, digits, lang)` lays a page out to the console's width: equations as
text blocks with column vectors and matrices (`bpwalk.render.blocks`), tables, and the delta
style's reversed network. Numbers are written here, at `digits` significant digits: a number
standing alone (a vector entry, a result) in ASCII that float() reads, one inside an
expression with a Unicode minus (`bpwalk.formula.numbers`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from bpwalk.engine.steps import Trace
from bpwalk.formula.notation import Notation
from bpwalk.formula.numbers import format_number, text_number
from bpwalk.render.blocks import Atom, Equation, Fit, as_block, column, fitted, hcat, text, top_level_terms
from bpwalk.render.fanin import elided, reversed_network
from bpwalk.render.terminal import StepView, phase_name, where_in
from bpwalk.walk import page as model
from bpwalk.words import cases, say
from bpwalk.words.prose import batch_words

RESULT = "bold green"
MAX_ROWS = 10           # tables longer than this show their first and last rows around a ⋮
MAX_SUM_TERMS = 6       # a longer formula (a softmax δ of many outputs) shows its ends around a ⋯


class PageView:
    """One page of the walk-through: a grouped frame's heading and blocks, or a scalar frame's steps."""

    def __init__(self, trace: Trace, page: model.Page, digits: int, lang: str) -> None:
        self.trace = trace
        self.page = page
        self.digits = digits
        self.lang = lang
        self.notation = Notation.of(trace.scenario)

    # -- numbers ---------------------------------------------------------------------------

    def num(self, x: float) -> str:
        return format_number(x, self.digits)

    def term(self, x: float) -> str:
        return text_number(x, self.digits)

    def atoms(self, expr: model.Expr, lhs: bool = False) -> list[Atom]:
        """An expression as blocks.Atoms: runs of text merged (so a long run wraps at its operators)."""
        out: list[Atom] = []
        for atom in expr:
            piece: Atom
            if isinstance(atom, str):
                piece = atom
            elif isinstance(atom, model.Sym):
                piece = atom.text
            elif isinstance(atom, model.Num):
                if atom.result:
                    piece = text(self.num(atom.value), RESULT)
                elif atom.term:
                    piece = self.term(atom.value)
                else:
                    piece = text(self.num(atom.value))
            elif isinstance(atom, model.Vec):
                piece = column([self.num(x) for x in atom.values], RESULT if atom.result else "")
            else:
                piece = fitted([[self.num(x) for x in row] for row in atom.rows], RESULT if atom.result else "")
            if isinstance(piece, str) and out and isinstance(out[-1], str) and not lhs:
                out[-1] += piece
            elif not isinstance(piece, str) and out and isinstance(out[-1], str) and out[-1].endswith("√"):
                # a root stays with the matrix it is taken of (a line never ends in "(√")
                cut = 2 if out[-1].endswith("(√") else 1
                out[-1], root = out[-1][:-cut], out[-1][-cut:]
                out.append(_rooted(root, piece))
                if not out[-2]:
                    del out[-2]
            else:
                out.append(piece)
        return out

    # -- blocks ----------------------------------------------------------------------------

    def math(self, block: model.Math, width: int) -> list[Text]:
        lhs = ["".join(a.text if isinstance(a, model.Sym) else str(a) for a in block.lhs)] \
            if all(isinstance(a, (str, model.Sym)) for a in block.lhs) else self.atoms(block.lhs, lhs=True)
        return Equation(lhs, [self.atoms(side) for side in block.sides],
                        relation=" ← " if block.arrow else " = ").lines(width)

    def step(self, block: model.StepBlock, width: int) -> list[RenderableType]:
        step = self.trace.steps[block.step]
        if not block.alone:
            return [StepView(self.trace, step, self.digits, self.lang)]
        import bpwalk.formula.equations as formula

        parts = formula.text(step, self.notation, self.digits, cases(self.lang))
        if parts is None:
            return []
        left, general, substituted, value = parts
        sides: list[list[Atom]] = [list(_split(general))]
        if substituted not in (general, value):
            sides.append(list(_split(substituted)))
        if value != general:
            assert step.value is not None
            sides.append([text(self.num(step.value), RESULT)])
        return list(Equation([block.lhs.text if block.lhs else left], sides).lines(width))

    def note(self, block: model.Note) -> Text:
        return Text(f"{block.about.text}: {block.text}" if block.about else block.text, style="dim")

    def cell(self, cell: model.Cell, named: bool = True) -> str:
        if isinstance(cell, model.Sym):
            return cell.text
        if isinstance(cell, model.Num):
            return self.num(cell.value)
        if isinstance(cell, model.Named):
            value = self.num(cell.value)
            return f"{cell.name.text} = {value}" if named and cell.name is not None else value
        return cell

    def grid(self, block: model.Grid, width: int) -> Table:
        named = True
        rows = [[self.cell(c) for c in r] if r is not None else None for r in block.rows]
        headers = [self.cell(h) for h in block.headers]
        if _table_width(headers, rows) > width:     # a narrow terminal: the inputs' values without their names
            named = False
            rows = [[self.cell(c, named) for c in r] if r is not None else None for r in block.rows]
        if block.elidable is not None:
            headers, rows = self._elided_columns(block, headers, rows, width)
        table = Table(box=None, show_header=True, header_style="dim", padding=(0, 1), pad_edge=False)
        for i, h in enumerate(headers):
            table.add_column(h, justify="left" if i == 0 else "right",
                             style=RESULT if i == len(headers) - (len(block.headers) - block.result) else "",
                             no_wrap=True)
        shown = elided(rows, None, MAX_ROWS) if len(rows) > MAX_ROWS else rows
        for r in shown:
            table.add_row(*(r if r is not None else ["⋮"] * len(headers)))
        return table

    def _elided_columns(self, block: model.Grid, headers: list[str], rows: list[list[str] | None],
                        width: int) -> tuple[list[str], list[list[str] | None]]:
        """The sample columns that fit beside the name and the result; the middle ones become ⋯."""
        start, stop = block.elidable or (0, 0)
        count = stop - start
        number_w = max(len(r[k]) for r in rows if r is not None for k in range(start, stop))
        fit = max(2, (width - 24) // (number_w + 1))
        if count <= fit:
            return headers, rows
        keep: list[int | None] = [0, None, count - 1] if fit < 4 else [0, 1, None, count - 1]

        def cut(row: list[str]) -> list[str]:
            return [*row[:start], *(row[start + k] if k is not None else "⋯" for k in keep), *row[stop:]]

        return cut(headers), [cut(r) if r is not None else None for r in rows]

    def fan_in(self, block: model.FanIn, width: int) -> list[Text]:
        inputs = [(s.name.text, self.num(s.value),
                   f"{s.edge.text}={self.num(s.edge_value)}" if s.edge is not None and s.edge_value is not None
                   else None) for s in block.sources if s is not None]
        return reversed_network(inputs, [self.stage(s) for s in block.stages], width)

    def stage(self, stage: model.Stage) -> Text:
        line = Text()
        for atom in stage.expr:
            if isinstance(atom, model.Num):
                line.append(self.num(atom.value), style=RESULT if atom.result else "")
            else:
                line.append(atom.text if isinstance(atom, model.Sym) else str(atom))
        if stage.boxed:
            return Text(f"[ {line.plain} ]", style="bold")
        return line

    def blocks(self, width: int) -> list[RenderableType]:
        out: list[RenderableType] = []
        for block in self.page.blocks:
            if isinstance(block, model.Math):
                out += self.math(block, width)
            elif isinstance(block, model.StepBlock):
                out += self.step(block, width)
            elif isinstance(block, model.Note):
                out.append(self.note(block))
            elif isinstance(block, model.Grid):
                # a table too wide even without its names (the optimizer's state): narrower tables, one under another
                narrow = [[self.cell(c, False) for c in r] if r is not None else None for r in block.rows]
                wide = block.elidable is None and _table_width([self.cell(h) for h in block.headers], narrow) > width
                out += [self.grid(part, width) for part in (fitting(self, block, width) if wide else [block])]
            else:
                out += self.fan_in(block, width)
        return out

    def heading(self, width: int) -> list[Text]:
        """`Backward pass · iteration 1 · sample 2 · δ(2)`; the label on a line of its own if it does not fit."""
        frame = self.page.frame
        sample = frame.sample if self.notation.multi_sample else None
        parts = [phase_name(self.lang, frame.phase), *where_in(self.lang, frame.iteration, sample, self.notation)]
        batch = self.trace.steps[frame.first].batch
        if batch is not None:   # a mini-batch's steps, as the scalar style's headings say it
            parts.append(batch_words(self.notation.batches, batch, None, self.lang)
                         or say(self.lang, "at.batch_short", n=batch))
        where = " · ".join(parts)
        line = Text(f"{where} · {frame.label}", style="bold")
        if line.cell_len <= width:
            return [line]
        return [Text(where, style="bold"), Text(frame.label, style="bold")]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if self.page.grouped:
            yield from self.heading(options.max_width)
        yield from self.blocks(options.max_width)


def fitting(view: PageView, grid: model.Grid, width: int) -> list[model.Grid]:
    """The state's columns in as few tables as fit `width`, each with the parameters' column (m, v | m̂, v̂)."""
    def part(start: int, stop: int):
        keep = [0, *range(start, stop)]
        rows = tuple(None if r is None else tuple(r[i] for i in keep) for r in grid.rows)
        return replace(grid, headers=tuple(grid.headers[i] for i in keep), rows=rows, result=len(keep) - 1)

    def fits(g) -> bool:
        rows = [None if r is None else [view.cell(c) for c in r] for r in g.rows]
        return _table_width([view.cell(h) for h in g.headers], rows) <= width

    columns = len(grid.headers) - 1
    for count in range(1, columns + 1):     # as few tables as fit, their columns shared out evenly
        per = -(-columns // count)
        parts = [part(1 + k, min(1 + k + per, columns + 1)) for k in range(0, columns, per)]
        if all(fits(p) for p in parts):
            return parts
    return [part(1 + k, 2 + k) for k in range(columns)]


def _rooted(root: str, piece: Atom) -> Atom:
    """`√` (or `(√`) and the vector or matrix after it, as one piece."""
    if isinstance(piece, Fit):
        return Fit(lambda room: hcat([text(root), as_block(piece, room - len(root))]))
    return hcat([text(root), piece])


def _split(expression: str) -> list[str]:
    """A one-line formula cut before its top-level + and − (where a long line may wrap); a sum of
    more than MAX_SUM_TERMS terms shows its first two, a ⋯ and its last."""
    terms = top_level_terms(expression)
    if len(terms) > MAX_SUM_TERMS:
        terms = [*terms[:2], " + ⋯", terms[-1]]
    return terms


def _table_width(headers: Sequence[str], rows: Sequence[Sequence[str] | None]) -> int:
    """The cells a table takes: its columns, and a padding of 1 on either side between them."""
    body = [r for r in rows if r is not None]
    widths = [max(cell_len(str(r[i])) for r in [headers, *body]) for i in range(len(headers))]
    return sum(widths) + 2 * (len(widths) - 1)

