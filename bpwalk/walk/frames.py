"""What one keypress shows: a Frame groups the trace's steps the way a display style reads.

`scalar` (Mazur's documents): one step a frame. `matrix` and `delta` group steps into
vectors and per-unit frames (`bpwalk.walk.styles`, which also has `frames_for`). Frames only point into
the trace; they compute nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from bpwalk.formula.notation import Notation
from bpwalk.engine.steps import Step, Trace


class FrameKind(Enum):
    """How a view draws a frame: STEP (each step on its own), or one drawer of a grouped style.

    The value is (style, part); `str()` writes it as "matrix:net" (the style tests' listings).
    """

    STEP = ("", "step")
    MATRIX_NET = ("matrix", "net")
    MATRIX_ACT = ("matrix", "act")
    MATRIX_LOSS = ("matrix", "loss")
    MATRIX_TOTAL = ("matrix", "total")
    MATRIX_DELTA_OUT = ("matrix", "delta_out")
    MATRIX_DELTA_HIDDEN = ("matrix", "delta_hidden")
    MATRIX_GRAD_W = ("matrix", "grad_w")
    MATRIX_GRAD_B = ("matrix", "grad_b")
    MATRIX_DINPUT = ("matrix", "dinput")        # ∂J/∂X = W₁ᵀ·δ(1) (display.input_gradients)
    MATRIX_REDUCE = ("matrix", "reduce")
    MATRIX_UPDATE_W = ("matrix", "update_w")
    MATRIX_UPDATE_B = ("matrix", "update_b")
    # Addition A's updates (bpwalk.walk.optframes): G + λ·W, each optimizer state, the step, ΔW
    MATRIX_OPT_GRAD = ("matrix", "opt_grad")
    MATRIX_OPT_STATE = ("matrix", "opt_state")
    MATRIX_OPT_STEP = ("matrix", "opt_step")
    MATRIX_OPT_CHANGE = ("matrix", "opt_change")
    DELTA_FORWARD = ("delta", "forward")
    DELTA_LOSS = ("delta", "loss")
    DELTA_TOTAL = ("delta", "total")
    DELTA_DE_DOUT = ("delta", "dE_dout")
    DELTA_UNIT = ("delta", "unit")
    DELTA_INPUT = ("delta", "input")            # ∂C/∂x of one input (display.input_gradients)
    DELTA_GRAD = ("delta", "grad")
    DELTA_BIAS = ("delta", "bias")
    DELTA_SUM = ("delta", "sum")
    DELTA_UPDATE = ("delta", "update")
    DELTA_OPT_GRAD = ("delta", "opt_grad")
    DELTA_OPT_STATE = ("delta", "opt_state")
    DELTA_OPT_STEP = ("delta", "opt_step")
    DELTA_OPT_CHANGE = ("delta", "opt_change")

    @property
    def style(self) -> str:
        """The grouped style the kind belongs to ("matrix", "delta"), or "" for STEP."""
        return self.value[0]

    def __str__(self) -> str:
        style, part = self.value
        return f"{style}:{part}" if style else part


@dataclass(frozen=True)
class Frame:
    index: int                      # 0-based position among the frames
    phase: str                      # intro | forward | loss | backward | update | summary
    iteration: int | None
    sample: int | None
    steps: tuple[int, ...]          # indices into Trace.steps shown on this frame, in order
    label: str                      # short text for the heading and status line: "out_h1", "δ(2)"
    terms: frozenset[str]           # normalized names a search matches ("w5", "outo1", "delta", "o1")
    kind: FrameKind = FrameKind.STEP    # how a view draws it
    latex: str = ""                 # the label in LaTeX, where it is not one step's name
    # what is known when the frame is shown: every step before `segment` (the first step of its
    # run of one phase and sample), and `seen`, the steps of that run shown so far, its own included
    segment: int = 0
    seen: tuple[int, ...] = ()

    def known(self, index: int) -> bool:
        """Whether step `index` has been shown when this frame is (grouped frames skip around)."""
        return index < self.segment or index in self.seen

    @property
    def first(self) -> int:
        return self.steps[0]


def normalize(text: str) -> str:
    """Search form of a name: lower case, no separators or subscripts: `out_o1` -> `outo1`, `w₅` -> `w5`."""
    text = text.translate(str.maketrans("₀₁₂₃₄₅₆₇₈₉⁰¹²³⁴⁵⁶⁷⁸⁹", "01234567890123456789"))
    return re.sub(r"[\s_.{}\\^()⁺+]", "", text.lower())


def step_terms(step: Step, notation: Notation) -> set[str]:
    """Every name a search for this step may use."""
    q = step.ref
    terms = {step.quantity, step.subject, q.kind or step.quantity, notation.text(step.quantity, step.sample), q.via}
    if step.key:
        terms.add(step.key)
    return {normalize(t) for t in terms if t}


def scalar_frames(trace: Trace) -> tuple[Frame, ...]:
    notation = Notation.of(trace.scenario)
    return tuple(
        Frame(i, s.phase, s.iteration, s.sample, (i,), notation.text(s.quantity, s.sample)
              if s.phase not in ("intro", "summary") else s.phase, frozenset(step_terms(s, notation)),
              segment=i, seen=(i,))
        for i, s in enumerate(trace.steps)
    )
