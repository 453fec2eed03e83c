"""How quantities are written: `net.h1` -> net_{h1}, `grad.w5` -> dE_total/dw_5, in LaTeX and plain Unicode.

Follows `display.symbols` (z/a/C for the delta style, net/out/E for Mazur's). Light on
purpose (no sympy): the terminal's headings use it before any formula is built.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bpwalk.ops import PARAMETERS
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
}

GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "η": "eta", "θ": "theta",
    "λ": "lambda", "μ": "mu", "σ": "sigma", "τ": "tau", "φ": "phi", "ω": "omega", "Δ": "Delta",
    "Σ": "Sigma", "ℓ": "ell",
}
SUBSCRIPT_DIGITS = str.maketrans("0123456789,", "₀₁₂₃₄₅₆₇₈₉‚")
_INDEXED = re.compile(r"^([A-Za-z]+?)_?([0-9][0-9_]*)$")


def _latex_base(text: str) -> str:
    """A user symbol in LaTeX: Greek letters as commands, `E_total` as E_{total}."""
    out = "".join(f"\\{GREEK[c]} " if c in GREEK else c for c in text).strip()
    base, sep, sub = out.partition("_")
    return f"{base}_{{{sub}}}" if sep and sub else out


def _unicode_base(text: str) -> str:
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

    @classmethod
    def of(cls, scenario: Scenario) -> "Notation":
        merged = {**DEFAULT_SYMBOLS, **dict(scenario.display.symbols)}
        return cls(tuple(merged.items()), frozenset(scenario.inputs), len(scenario.samples) > 1)

    def sym(self, key: str) -> str:
        return dict(self.symbols)[key]

    # -- LaTeX -----------------------------------------------------------------------------

    def name_latex(self, name: str) -> str:
        """A parameter, input or unit name as a LaTeX symbol: w5 -> w_{5}, b1_2 -> b_{1,2}."""
        base, index = split_index(name)
        return f"{base}_{{{index}}}" if index else base

    def unit_latex(self, kind: str, unit: str) -> str:
        if kind == "out" and unit in self.inputs:
            sym = self.sym("input")
            return f"{_latex_base(sym)}_{{{unit}}}" if sym else self.name_latex(unit)
        sym = self.sym({"net": "pre_activation", "out": "activation", "target": "target", "error": "error",
                        "delta": "delta"}[kind])
        # an empty symbol writes the unit by its own name (h1 -> h_{1}), as the linear examples do
        return f"{_latex_base(sym)}_{{{unit}}}" if sym else self.name_latex(unit)

    def loss_latex(self, sample: int | None) -> str:
        """The loss being differentiated: the total, or one sample's C^(n) when there are several."""
        if sample is None or not self.multi_sample:
            return _latex_base(self.sym("total_loss"))
        return f"{_latex_base(self.sym('loss'))}^{{({sample})}}"

    def latex(self, name: str, sample: int | None = None) -> str:
        """LaTeX for a quantity or operand name (see bpwalk.engine.steps), in the context of a sample."""
        if name == "lr":
            return _latex_base(self.sym("learning_rate"))
        if name in PARAMETERS:
            return _latex_base(PARAMETERS[name].symbol)
        if name in ("K", "1"):
            return name
        if name == "loss":
            return self.loss_latex(sample if self.multi_sample else None)
        if name == "total_loss":
            return _latex_base(self.sym("total_loss"))
        kind, dot, rest = name.partition(".")
        if not dot:
            return self.name_latex(name)
        E = self.loss_latex(sample)
        if kind in ("net", "out", "target", "error", "delta"):
            return self.unit_latex(kind, rest)
        if kind == "dE_dout":
            unit, at, via = rest.partition("@")
            if at:
                return f"\\frac{{\\partial {_latex_base(self.sym('error'))}_{{{via}}}}}{{\\partial {self.unit_latex('out', unit)}}}"
            return f"\\frac{{\\partial {E}}}{{\\partial {self.unit_latex('out', unit)}}}"
        if kind == "dout_dnet":
            return f"\\frac{{\\partial {self.unit_latex('out', rest)}}}{{\\partial {self.unit_latex('net', rest)}}}"
        if kind == "grad":
            return f"\\frac{{\\partial {E}}}{{\\partial {self.name_latex(rest)}}}"
        if kind == "new":
            return f"{self.name_latex(rest)}^{{+}}"
        if kind == "dnet_dp":   # dnet_U/dP, written as "dnet_dp.U.P"
            unit, _, param = rest.partition(".")
            return f"\\frac{{\\partial {self.unit_latex('net', unit)}}}{{\\partial {self.name_latex(param)}}}"
        return self.name_latex(name)

    # -- plain Unicode (headings, search, diagrams) -----------------------------------------

    def name_text(self, name: str) -> str:
        base, index = split_index(name)
        return f"{base}{index.translate(SUBSCRIPT_DIGITS)}" if index else base

    def text(self, name: str, sample: int | None = None) -> str:
        """A short Unicode label: out_h1, ∂E_total/∂w5, w5⁺, δ_o1."""
        if name == "lr":
            return self.sym("learning_rate")
        if name == "loss":
            return self._loss_text(sample if self.multi_sample else None)
        if name == "total_loss":
            return _unicode_base(self.sym("total_loss"))
        kind, dot, rest = name.partition(".")
        if not dot:
            if name in PARAMETERS:
                return PARAMETERS[name].symbol
            return self.name_text(name) if name not in ("K", "1") else name
        E = self._loss_text(sample)
        names = {"net": "pre_activation", "out": "activation", "target": "target", "error": "error", "delta": "delta"}
        if kind in names:
            if kind == "out" and rest in self.inputs:
                sym = self.sym("input")
                return f"{sym}_{rest}" if sym else self.name_text(rest)
            sym = self.sym(names[kind])
            return f"{_unicode_base(sym)}_{rest}" if sym else self.name_text(rest)
        if kind == "dE_dout":
            unit, at, via = rest.partition("@")
            if at:
                return f"∂{self.sym('error')}_{via}/∂{self.text('out.' + unit)}"
            return f"∂{E}/∂{self.text('out.' + unit)}"
        if kind == "dout_dnet":
            return f"∂{self.text('out.' + rest)}/∂{self.text('net.' + rest)}"
        if kind == "grad":
            return f"∂{E}/∂{self.name_text(rest)}"
        if kind == "new":
            return f"{self.name_text(rest)}⁺"
        if kind == "dnet_dp":
            unit, _, param = rest.partition(".")
            return f"∂{self.text('net.' + unit)}/∂{self.name_text(param)}"
        return name

    def _loss_text(self, sample: int | None) -> str:
        if sample is None or not self.multi_sample:
            return _unicode_base(self.sym("total_loss"))
        return f"{self.sym('loss')}⁽{sample}⁾".translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
