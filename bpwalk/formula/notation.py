"""How quantities are written: `net.h1` -> net_{h1}, `grad.w5` -> dE_total/dw_5, in LaTeX and plain Unicode.

Follows `display.symbols` (z/a/C for the delta style, net/out/E for Mazur's). Light on
purpose (no sympy): the terminal's headings use it before any formula is built.

A name is first described as typed data (`Notation.label`: a Quantity, a Derivative of one
quantity with respect to another, or a Product of derivatives), and only then printed, so
that what a label claims can be checked against the trace (tests/test_notation.py): the path
term δ_K·w_KU is δ_K·∂net_K/∂out_U (δ_K being ∂E/∂net_K), not a derivative of some E_K; a
sample's loss carries the sample's index in a run of several samples (E⁽¹⁾, ∂E⁽²⁾/∂w₁).

LaTeX sets names of more than one letter upright (\\mathrm{net}_{\\mathrm{h1}}, E_{\\mathrm{total}}):
italic would read as a product of letters. Unit names in subscripts are labels, so upright
too; a single-letter symbol (w_{5}, z, E) stays italic, as a variable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

from bpwalk.engine.steps import named, ref
from bpwalk.ops import L2, OPTIONS, PARAMETERS
from bpwalk.scenario import Scenario

DEFAULT_SYMBOLS: dict[str, str] = {
    "input": "",              # empty: an input is written by its own name (i1 -> i_1)
    "pre_activation": "net",
    "activation": "out",
    "target": "target",
    "error": "E",
    "loss": "E",
    "total_loss": "E_total",
    "delta": "δ",
    "learning_rate": "η",
    # Addition A (not overridable in display.symbols): the penalty, the loss without it, a batch's loss
    "penalty": "Ω",
    "data_loss": "E_data",
    "batch_loss": "E_batch",
}

GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "η": "eta", "θ": "theta",
    "λ": "lambda", "μ": "mu", "σ": "sigma", "τ": "tau", "φ": "phi", "ω": "omega", "Δ": "Delta",
    "Σ": "Sigma", "Ω": "Omega", "ℓ": "ell",
}
SUBSCRIPT_DIGITS = str.maketrans("0123456789,", "₀₁₂₃₄₅₆₇₈₉‚")
SUPERSCRIPT_DIGITS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_INDEXED = re.compile(r"^([A-Za-z]+?)_?([0-9][0-9_]*)$")
_TOKENS = re.compile(r"[A-Za-z]{2,}|.", re.S)
# Addition A: a parameter's optimizer state and its change (LaTeX, Unicode), written before its name
STATE_SYMBOLS = {"velocity": ("v", "v"), "sq_avg": ("s", "s"), "m": ("m", "m"), "v": ("v", "v"),
                 "m_hat": ("\\hat{m}", "mˆ"), "v_hat": ("\\hat{v}", "vˆ"), "change": ("\\Delta", "Δ")}
# the losses of Addition A, written with their DEFAULT_SYMBOLS
LOSS_PARTS = ("penalty", "data_loss", "batch_loss")
UNIT_KINDS = {"net": "pre_activation", "out": "activation", "target": "target", "error": "error", "delta": "delta"}


# -- what a label says -------------------------------------------------------------------------

@dataclass(frozen=True)
class Quantity:
    """One quantity as a label names it.

    `name` is a quantity or operand name of bpwalk.engine.steps (net.h1, out.x1, target.o1,
    error.o1, delta.o1, loss, total_loss, new.w5, w5, lr, slope, K, 1); `sample` is the
    1-based sample it belongs to, None for parameters, constants and the iteration's total.
    """

    name: str
    sample: int | None = None


@dataclass(frozen=True)
class Derivative:
    """∂of/∂wrt, or −∂of/∂wrt (`negated`: the error convention's −∂E/∂out, −∂E/∂net)."""

    of: Quantity
    wrt: Quantity
    negated: bool = False


@dataclass(frozen=True)
class Product:
    """A product, written as such: δ_K·∂net_K/∂out_U."""

    factors: tuple[Union[Quantity, Derivative], ...]


Label = Union[Quantity, Derivative, Product]


# -- LaTeX pieces ------------------------------------------------------------------------------

def latex_letters(text: str) -> str:
    """A symbol's letters in LaTeX: Greek as commands, a run of two or more letters upright."""
    pieces: list[str] = []
    for token in _TOKENS.findall(text):
        if len(token) > 1:
            piece = f"\\mathrm{{{token}}}"
        elif token in GREEK:
            piece = f"\\{GREEK[token]}"
        else:
            piece = token
        if pieces and pieces[-1][-1].isalpha() and pieces[-1].startswith("\\") and piece[0].isalpha():
            pieces[-1] += " "     # \delta x, not \deltax
        pieces.append(piece)
    return "".join(pieces)


def _latex_label(text: str) -> str:
    """A subscript that names something (a unit, `total`): upright; an index of digits as it is."""
    if re.fullmatch(r"[0-9,]+", text):
        return text
    if re.fullmatch(r"[A-Za-z0-9_]+", text):
        return "\\mathrm{" + text.replace("_", "\\_") + "}"
    return latex_letters(text)


def _latex_symbol(text: str) -> str:
    """A user symbol in LaTeX: `E_total` -> E_{\\mathrm{total}}, `net` -> \\mathrm{net}, `δ` -> \\delta."""
    base, sep, sub = text.partition("_")
    return f"{latex_letters(base)}_{{{_latex_label(sub)}}}" if sep and sub else latex_letters(text)


def _unicode_symbol(text: str) -> str:
    base, sep, sub = text.partition("_")
    return f"{base}_{sub}" if sep and sub else text


def split_index(name: str) -> tuple[str, str]:
    """`w5` -> ("w", "5"), `b1_2` -> ("b", "1,2"), `h1` -> ("h", "1"), `bias` -> ("bias", "")."""
    m = _INDEXED.match(name)
    if not m:
        return name, ""
    return m.group(1), m.group(2).strip("_").replace("_", ",")


@dataclass(frozen=True)
class Notation:
    """Names of the symbols of one scenario's walk-through."""

    symbols: tuple[tuple[str, str], ...]
    inputs: frozenset[str]
    multi_sample: bool
    iterations: int = 1             # how the pass after training is named (`words.after_training`)
    updates: int = 1                # updates an iteration makes
    untrained: frozenset[str] = frozenset()     # parameters the updates keep (a bias with train_bias: false)
    regularized: bool = False       # a penalty joins the loss: E_total is no longer the one sample's loss
    penalised: frozenset[str] = frozenset()     # the parameters whose gradient gains λ·p
    convention: str = "gradient"    # display.convention: error writes δ = −∂E/∂net and −∂E/∂out
    outputs: frozenset[str] = frozenset()       # the output units (their −∂E/∂out is the loss's own form)
    loss_name: str = "half_sse"
    batches: tuple[tuple[int, ...], ...] = ()   # with update: minibatch, each batch's samples (0-based)

    @classmethod
    def of(cls, scenario: Scenario, convention: str | None = None) -> "Notation":
        """The scenario's notation; `convention` overrides display.convention (the JSON writes gradients)."""
        merged = {**DEFAULT_SYMBOLS, **dict(scenario.display.symbols)}
        return cls(tuple(merged.items()), frozenset(scenario.inputs), len(scenario.samples) > 1,
                   scenario.iterations, len(scenario.batches()),
                   frozenset(scenario.parameter_names()) - scenario.trained_parameters(),
                   scenario.regularization is not None,
                   scenario.penalised_parameters() if scenario.regularization is not None else frozenset(),
                   convention or scenario.display.convention, frozenset(scenario.outputs), scenario.loss,
                   scenario.batches() if scenario.update == "minibatch" else ())

    @property
    def error(self) -> bool:
        """Whether δ and ∂E/∂out are written with the error convention's sign (as Mitchell)."""
        return self.convention == "error"

    def sym(self, key: str) -> str:
        return dict(self.symbols)[key]

    # -- the typed description -------------------------------------------------------------

    def loss(self, sample: int | None) -> Quantity:
        """The loss being differentiated: one sample's when there are several, else the total (with a
        penalty and one sample, the data loss: the backward pass differentiates that sample's loss)."""
        if not self.multi_sample and self.regularized:
            return Quantity("data_loss")
        if sample is None or not self.multi_sample:
            return Quantity("total_loss")
        return Quantity("loss", sample)

    def label(self, name: str, sample: int | None = None) -> Label:
        """What the label of a quantity or operand name (see bpwalk.engine.steps) says, in the
        context of a sample (the sample the quantity belongs to; None: the iteration as a whole).

        Besides the trace's names: `dnet_dp.U@P`, ∂net_U/∂P (the last factor of a chain rule).
        With a single sample, no quantity has a sample (there is nothing to tell apart).
        """
        sample = sample if self.multi_sample else None
        q = ref(name)
        kind, rest, via = q.kind, q.unit, q.via
        if not kind:
            if name == "loss":
                return self.loss(sample)
            return Quantity(name)            # total_loss, a parameter, lr, slope, K, 1
        if kind in UNIT_KINDS:
            return Quantity(name, sample)
        if kind == "new" or kind in STATE_SYMBOLS:
            return Quantity(name)
        if kind == "grad_data":
            # the data loss's gradient, before the penalty's λ·p joins it
            return Derivative(Quantity("data_loss"), Quantity(rest))
        E = self.loss(sample)
        if kind == "dE_dout":
            out = Quantity(named("out", rest), sample)
            if not via:
                return Derivative(E, out, self.error)
            # the path through unit `via` of the next layer: δ_via·w, and w = ∂net_via/∂out_unit
            # (δ rather than ∂E/∂net_via keeps the label short enough for a 60-column screen)
            net = Quantity(named("net", via), sample)
            return Product((Quantity(named("delta", via), sample), Derivative(net, out)))
        if kind == "dout_dnet":
            return Derivative(Quantity(named("out", rest), sample), Quantity(named("net", rest), sample))
        if kind == "grad":
            # a penalised parameter's gradient of the update is the penalised total's (λ·p included)
            return Derivative(Quantity("total_loss") if sample is None and rest in self.penalised else E, Quantity(rest))
        if kind == "dE_dnet":
            # what δ stands for: ∂E/∂net, or in the error convention −∂E/∂net (the delta step's definition)
            return Derivative(E, Quantity(named("net", rest), sample), self.error)
        if kind == "dinput":
            # Σ w·δ: −∂E/∂x in the error convention, whose δ is −∂E/∂net
            return Derivative(E, Quantity(named("out", rest), sample), self.error)
        if kind == "dnet_dp":
            return Derivative(Quantity(named("net", rest), sample), Quantity(via))
        return Quantity(name, sample)

    # -- LaTeX -----------------------------------------------------------------------------

    def name_latex(self, name: str) -> str:
        """A parameter, input or unit name as a LaTeX symbol: w5 -> w_{5}, b1_2 -> b_{1,2}."""
        base, index = split_index(name)
        if index:
            return f"{latex_letters(base)}_{{{index}}}"
        head, sep, sub = name.partition("_")
        return f"{latex_letters(head)}_{{{_latex_label(sub)}}}" if sep and sub and head else latex_letters(name)

    def unit_latex(self, kind: str, unit: str) -> str:
        if kind == "out" and unit in self.inputs:
            sym = self.sym("input")
        else:
            sym = self.sym(UNIT_KINDS[kind])
        # an empty symbol writes the unit by its own name (h1 -> h_{1}), as the linear examples do
        return f"{_latex_symbol(sym)}_{{{_latex_label(unit)}}}" if sym else self.name_latex(unit)

    def quantity_latex(self, q: Quantity) -> str:
        name = q.name
        if name == "lr":
            return _latex_symbol(self.sym("learning_rate"))
        if name in PARAMETERS:
            return _latex_symbol(PARAMETERS[name].symbol)
        if name in OPTIONS or name == L2.key:
            return _latex_symbol((OPTIONS.get(name) or L2).symbol)
        if name == "t":
            return "t"
        if name in LOSS_PARTS:
            return _latex_symbol(self.sym(name))
        if name in ("K", "1"):
            return name
        if name == "loss" and q.sample is not None and self.multi_sample:
            return f"{_latex_symbol(self.sym('loss'))}^{{({q.sample})}}"
        if name in ("loss", "total_loss"):
            return _latex_symbol(self.sym("total_loss"))
        q = ref(name)
        if q.kind in UNIT_KINDS:
            return self.unit_latex(q.kind, q.unit)
        if q.kind == "new":
            return f"{self.name_latex(q.unit)}^{{+}}"
        if q.kind in STATE_SYMBOLS:
            sym = STATE_SYMBOLS[q.kind][0]
            return f"{sym} {self.name_latex(q.unit)}" if q.kind == "change" else f"{sym}_{{{_latex_label(q.unit)}}}"
        return self.name_latex(name)

    def label_latex(self, label: Label) -> str:
        if isinstance(label, Quantity):
            return self.quantity_latex(label)
        if isinstance(label, Derivative):
            sign = "-" if label.negated else ""
            return f"{sign}\\frac{{\\partial {self.quantity_latex(label.of)}}}{{\\partial {self.quantity_latex(label.wrt)}}}"
        return " ".join(self.label_latex(d) for d in label.factors)

    def latex(self, name: str, sample: int | None = None) -> str:
        """LaTeX for a quantity or operand name (see bpwalk.engine.steps), in the context of a sample."""
        return self.label_latex(self.label(name, sample))

    # -- plain Unicode (headings, search, diagrams) -----------------------------------------

    def name_text(self, name: str) -> str:
        base, index = split_index(name)
        return f"{base}{index.translate(SUBSCRIPT_DIGITS)}" if index else base

    def quantity_text(self, q: Quantity) -> str:
        name = q.name
        if name == "lr":
            return self.sym("learning_rate")
        if name in PARAMETERS:
            return PARAMETERS[name].symbol
        if name in OPTIONS or name == L2.key:
            return (OPTIONS.get(name) or L2).symbol.replace("_1", "₁").replace("_2", "₂")
        if name in ("K", "1", "t"):
            return name
        if name in LOSS_PARTS:
            return _unicode_symbol(self.sym(name))
        if name == "loss" and q.sample is not None and self.multi_sample:
            return f"{self.sym('loss')}⁽{str(q.sample).translate(SUPERSCRIPT_DIGITS)}⁾"
        if name in ("loss", "total_loss"):
            return _unicode_symbol(self.sym("total_loss"))
        q = ref(name)
        if q.kind in UNIT_KINDS:
            sym = self.sym("input") if q.kind == "out" and q.unit in self.inputs else self.sym(UNIT_KINDS[q.kind])
            return f"{_unicode_symbol(sym)}_{q.unit}" if sym else self.name_text(q.unit)
        if q.kind == "new":
            return f"{self.name_text(q.unit)}⁺"
        if q.kind in STATE_SYMBOLS:
            sym = STATE_SYMBOLS[q.kind][1]
            return f"{sym}{self.name_text(q.unit)}" if q.kind == "change" else f"{sym}_{self.name_text(q.unit)}"
        return self.name_text(name) if not q.kind else name

    def label_text(self, label: Label) -> str:
        if isinstance(label, Quantity):
            return self.quantity_text(label)
        if isinstance(label, Derivative):
            sign = "−" if label.negated else ""
            return f"{sign}∂{self.quantity_text(label.of)}/∂{self.quantity_text(label.wrt)}"
        return "·".join(self.label_text(d) for d in label.factors)

    def text(self, name: str, sample: int | None = None) -> str:
        """A short Unicode label: out_h1, ∂E_total/∂w5, w5⁺, δ_o1."""
        return self.label_text(self.label(name, sample))
