"""The walk-through model: what one frame shows, in no output format.

A `Page` is a frame's heading and its blocks, built once from the trace and the display
settings (style, language) by `bpwalk.walk.pages.page(trace, frame, lang)`. Every output renders the same pages:
the terminal, text and SVG through rich (`bpwalk.render.pages`), Markdown, HTML, LaTeX and
beamer through LaTeX (`bpwalk.export.pagetex`). Nothing here knows rich or any output format.

The blocks:

    Math        lhs = side = side ...: each side a row of atoms
    Note        a short remark under the equations ("⊗ multiplies element by element")
    Grid        a table of names and numbers (the delta style's gradients, sums, updates)
    FanIn       the delta style's reversed network: gradients flowing back into one unit
    StepBlock   one step: its sentence, its equation, its operands (the scalar style), or
                its equation alone (the delta style's forward pass)

An atom of an equation is a `Sym` (a name, spelled for text and for LaTeX), a number (`Num`,
`Vec`, `Mat`: values, formatted by the renderer at its precision) or a string: an operator or a
function name in the plain notation of the text printer ("σ(", " ⊗ ", "Σₙ "), which
`bpwalk.formula.mathtext` spells in LaTeX. Numbers stay floats until a renderer writes them,
so the same page prints at any precision.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence, Union

from bpwalk.engine.steps import Trace
from bpwalk.walk.frames import Frame, FrameKind
from bpwalk.walk.highlight import Highlight, highlight

if TYPE_CHECKING:
    from bpwalk.formula.notation import Notation


@dataclass(frozen=True)
class Sym:
    """A name as text (`W₁`, `∂E/∂a`) and as LaTeX (`W_{1}`, `\\frac{\\partial E}{\\partial a}`)."""

    text: str
    latex: str

    def __add__(self, other: "Sym") -> "Sym":
        """Names written one after the other."""
        base = self.latex
        if other.latex.startswith("^") and "^" in base:
            base = f"{{{base}}}"        # b^{(1)} then ^{*}: a double superscript unless braced
        return Sym(self.text + other.text, base + other.latex)


# the marks labels are made of, spelled both ways
TRANSPOSED = Sym("ᵀ", "^{\\top}")
TIMES = Sym("·", " \\cdot ")
EQUALS = Sym(" = ", " = ")
COMMA = Sym(", ", ",\\ ")
UPDATED = Sym("*", "^{*}")
NEW = Sym("⁺", "^{+}")
PLUS = Sym(" + ", " + ")


def joined_syms(items: "list[Sym]", sep: Sym) -> Sym:
    out = items[0]
    for item in items[1:]:
        out = out + sep + item
    return out


def derivative(of: Sym, wrt: Sym) -> Sym:
    """∂of/∂wrt."""
    return Sym(f"∂{of.text}/∂{wrt.text}", f"\\frac{{\\partial {of.latex}}}{{\\partial {wrt.latex}}}")


def negative(sym: Sym, factor: bool = False) -> Sym:
    """−sym (the error convention's −∂C/∂z); `factor`: in parentheses, to stand in a product."""
    if factor:
        return Sym(f"(−{sym.text})", f"\\left(-{sym.latex}\\right)")
    return Sym(f"−{sym.text}", f"-{sym.latex}")


MINUS = Sym("−", "-")


def signed(sym: Sym, error: bool) -> Sym:
    """sym, or −sym where the error convention writes it with the other sign (∂C/∂z, ∂C/∂a)."""
    return negative(sym) if error else sym


def dC_dz(notation: "Notation", unit: str, sample: int | None) -> Sym:
    """δ of a unit as the delta style writes it: ∂C/∂z, the loss of the sample over the unit's
    pre-activation, or −∂C/∂z in the error convention."""
    of, wrt = (Sym(notation.text(n, s), notation.latex(n, s)) for n, s in (("loss", sample), (f"net.{unit}", sample)))
    return signed(derivative(of, wrt), notation.error)


@dataclass(frozen=True)
class Num:
    """One number; `term`: it stands inside an expression (a negative gets parentheses)."""

    value: float
    term: bool = False
    result: bool = False        # the value the equation computes (shown in the result colour)


@dataclass(frozen=True)
class Vec:
    """A column vector of numbers."""

    values: tuple[float, ...]
    result: bool = False


@dataclass(frozen=True)
class Mat:
    """A matrix of numbers, row by row (one row: a row vector)."""

    rows: tuple[tuple[float, ...], ...]
    result: bool = False


Atom = Union[str, Sym, Num, Vec, Mat]
Expr = tuple[Atom, ...]


@dataclass(frozen=True)
class Math:
    """`lhs = side = side ...`; the last side is the result."""

    lhs: Expr
    sides: tuple[Expr, ...]
    arrow: bool = False         # `lhs ← side = ...`: a quantity that its own previous value updates (M ← β₁·M + ...)


@dataclass(frozen=True)
class Note:
    """A remark in words, about a symbol where it names one (`∂z/∂w: from the forward pass`)."""

    text: str
    about: Sym | None = None


@dataclass(frozen=True)
class Named:
    """A table cell that reads `name = value`, or only the value where the room is short."""

    name: Sym | None
    value: float


Cell = Union[str, Sym, Num, Named]


@dataclass(frozen=True)
class Grid:
    """A table: a header row and rows of cells; `result` is the column of computed values.

    A row of None stands for rows left out (drawn ⋮).
    """

    headers: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...] | None, ...]
    result: int
    elidable: tuple[int, int] | None = None     # columns [start, stop) a narrow view may leave out


@dataclass(frozen=True)
class Source:
    """One gradient flowing back into a unit: its name and value, and the weight it flows along."""

    name: Sym
    value: float
    edge: Sym | None = None
    edge_value: float | None = None


@dataclass(frozen=True)
class Stage:
    """What the unit does with what flows in: `Σ = −0.0856`, `[ σ′(z_h) = 0.2445 ]`, `∂C/∂z = −0.0209`."""

    expr: Expr
    boxed: bool = False         # a gain the gradient passes through (drawn in brackets)


@dataclass(frozen=True)
class FanIn:
    """The reversed network at one unit: its sources (None: sources left out), then its stages."""

    sources: tuple[Source | None, ...]
    stages: tuple[Stage, ...]


@dataclass(frozen=True)
class StepBlock:
    """One step; renderers print its equation with `bpwalk.formula.equations`."""

    step: int                   # index into Trace.steps
    lhs: Sym | None = None      # written instead of the step's own name
    alone: bool = False         # the equation only: no heading, sentence or operands


Block = Union[Math, Note, Grid, FanIn, StepBlock]


@dataclass(frozen=True)
class Page:
    """One frame as a person sees it."""

    frame: Frame
    label: Sym                  # what the frame is about: `δ(2)`, `out_h1`
    blocks: tuple[Block, ...]
    marks: Highlight            # what the network picture marks: every step of the frame

    @property
    def grouped(self) -> bool:
        return self.frame.kind is not FrameKind.STEP


def marks(trace: Trace, steps: Sequence[int]) -> Highlight:
    """The names a picture marks for a frame: what each of its steps computes and reads."""
    results: set[str] = set()
    operands: set[str] = set()
    for i in steps:
        h = highlight(trace.steps[i], trace.scenario)
        results |= h.result
        operands |= h.operands
    return Highlight(frozenset(results), frozenset(operands - results))
