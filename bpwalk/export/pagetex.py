"""The walk-through model (`bpwalk.walk.page`) in LaTeX: what Markdown, HTML, LaTeX and beamer share.

Each writer turns a page's blocks into its own document structure (a Markdown table, an HTML
table, a tabular), but the mathematics is written here once: equations as `aligned` rows with
vectors and matrices as `bmatrix`, names from their `Sym` spelling, operators through
`bpwalk.formula.mathtext`. Long vectors and wide matrices are elided around \\vdots and \\cdots
as on screen.

`document(trace, frames, lang)` walks the frames of a grouped style under the same headings as
the scalar transcript: an iteration, then a phase (of a sample), then one section per frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Sequence

import bpwalk.formula.equations as formula
from bpwalk.engine.steps import Trace
from bpwalk.formula import mathtext
from bpwalk.formula.notation import Notation
from bpwalk.formula.numbers import format_latex_value, latex_number
from bpwalk.walk import page as model
from bpwalk.walk.frames import Frame
from bpwalk.walk.pages import headed, page
from bpwalk.words import cases

MAX_ROWS = 10           # a longer vector shows HEAD_ROWS entries, a \vdots and TAIL_ROWS entries
HEAD_ROWS, TAIL_ROWS = 4, 3
MAX_COLUMNS = 6         # a wider matrix shows its first columns, a \cdots and its last


@dataclass(frozen=True)
class Section:
    """A frame with the headings that open before it (None: no new heading)."""

    opens: str | None           # an iteration, or the pass after training
    phase: str | None           # a phase, of a sample where there are several
    page: model.Page


def document(trace: Trace, frames: Sequence[Frame], lang: str) -> Iterator[Section]:
    """The pages of a walk-through's frames (intro and summary left out: each writer has its own)."""
    for opens, phase, frame in headed(trace, frames, lang):
        yield Section(opens, phase, page(trace, frame, lang))


def number(x: float, digits: int, term: bool) -> str:
    return latex_number(x, digits) if term else format_latex_value(x, digits)


def _kept(count: int, limit: int, head: int, tail: int) -> list[int | None]:
    if count <= limit:
        return list(range(count))
    return [*range(head), None, *range(count - tail, count)]


def matrix(rows: Sequence[Sequence[float]], digits: int) -> str:
    """A bmatrix, its middle rows and columns elided when there are many."""
    ncols = len(rows[0]) if rows else 0
    columns = _kept(ncols, MAX_COLUMNS, (MAX_COLUMNS - 1 + 1) // 2, (MAX_COLUMNS - 1) // 2)
    lines = []
    for r in _kept(len(rows), MAX_ROWS, HEAD_ROWS, TAIL_ROWS):
        if r is None:
            lines.append(" & ".join("\\vdots" if c is not None else "\\ddots" for c in columns))
        else:
            lines.append(" & ".join(format_latex_value(rows[r][c], digits) if c is not None else "\\cdots"
                                    for c in columns))
    return "\\begin{bmatrix}" + " \\\\ ".join(lines) + "\\end{bmatrix}"


def atom(a: model.Atom, digits: int) -> str:
    if isinstance(a, str):
        return mathtext.latex(a)
    if isinstance(a, model.Sym):
        return a.latex
    if isinstance(a, model.Num):
        return number(a.value, digits, a.term)
    if isinstance(a, model.Vec):
        return matrix([[x] for x in a.values], digits)
    return matrix(a.rows, digits)


def expr(e: model.Expr, digits: int) -> str:
    return "".join(atom(a, digits) for a in e).strip()


class Writer:
    """LaTeX of the blocks of one walk-through (its notation, precision and language)."""

    def __init__(self, trace: Trace, digits: int, lang: str) -> None:
        self.trace = trace
        self.digits = digits
        self.lang = lang
        self.notation = Notation.of(trace.scenario)

    def rows(self, block: model.Math | model.StepBlock) -> list[str]:
        """An equation as the rows of an `aligned`: `lhs &= side`, then `&= side` for each further side."""
        if isinstance(block, model.StepBlock):
            return self.step_rows(block)
        sides = [expr(s, self.digits) for s in block.sides]
        relation = "&\\leftarrow" if block.arrow else "&="
        return [f"{expr(block.lhs, self.digits)} {relation} {sides[0]}", *(f"&= {s}" for s in sides[1:])]

    def step_rows(self, block: model.StepBlock) -> list[str]:
        step = self.trace.steps[block.step]
        parts = formula.latex(step, self.notation, self.digits, cases(self.lang))
        if parts is None:
            return []
        general, substituted, value = parts
        lhs, _, rhs = general.partition(" = ")
        if block.lhs is not None:
            lhs = block.lhs.latex
        rows = [f"{lhs} &= {rhs}"]
        if substituted not in (rhs, value):
            rows.append(f"&= {substituted}")
        if value != rhs:
            rows.append(f"&= {value}")
        return rows

    def aligned(self, block: model.Math | model.StepBlock) -> str:
        return "\\begin{aligned}\n" + " \\\\\n".join(self.rows(block)) + "\n\\end{aligned}"

    def cell(self, cell: model.Cell) -> str:
        """A table cell as inline LaTeX (no $): a name, a number, or `name = value`."""
        if isinstance(cell, model.Sym):
            return cell.latex
        if isinstance(cell, model.Num):
            return format_latex_value(cell.value, self.digits)
        if isinstance(cell, model.Named):
            value = format_latex_value(cell.value, self.digits)
            return f"{cell.name.latex} = {value}" if cell.name is not None else value
        return mathtext.latex(cell)

    def stage(self, stage: model.Stage) -> str:
        body = "".join(number(a.value, self.digits, False) if isinstance(a, model.Num) else atom(a, self.digits)
                       for a in stage.expr).strip()
        return f"\\boxed{{{body}}}" if stage.boxed else body

    def fan_in(self, block: model.FanIn) -> list[str]:
        """The reversed network as equations: each source along its weight, then the unit's stages."""
        lines = []
        for s in block.sources:
            if s is None:
                continue
            along = f" \\xrightarrow{{{s.edge.latex} = {format_latex_value(s.edge_value, self.digits)}}}" \
                if s.edge is not None and s.edge_value is not None else " \\longrightarrow"
            lines.append(f"{s.name.latex} = {format_latex_value(s.value, self.digits)}{along}")
        chain = " \\longrightarrow ".join(self.stage(st) for st in block.stages)
        return lines + [chain]
