"""Numbers as people write them: significant digits, no float noise.

The rule: a value standing alone (a result line, a table or vector cell, a diagram label, a
quoted number) is printed by `format_number` or `format_fixed`, in ASCII that `float()`, a
calculator and a spreadsheet read back (`-0.0381`, `3.51019e-5`, never `−` and never `-0`);
only a number inside a formula (`text_number`, `latex_number`, MathML) may use the
typographic minus U+2212 and `×10^n`.

Light on purpose (no sympy): the terminal's first screen formats numbers before any formula
is built.
"""

from __future__ import annotations

import math


class Digits(int):
    """Significant digits, and for a trace computed with --round N the N decimals every value
    is written with: a hand calculation rounded to 4 decimals writes 0.2910, not 0.291.

    An int, so that every printer that takes `digits` takes it; only `format_number` reads
    `decimals`.
    """

    decimals: int | None

    def __new__(cls, digits: int, decimals: int | None = None) -> "Digits":
        self = super().__new__(cls, digits)
        self.decimals = decimals
        return self


def shown_digits(digits: int, rounding: int | None) -> int:
    """The digits a view of a trace writes with: `digits`, with the trace's --round decimals."""
    return Digits(digits, rounding) if rounding is not None else digits


def at_most(digits: int, n: int) -> int:
    """`digits` capped at n for a cramped view, keeping a --round trace's decimals (capped too)."""
    decimals = getattr(digits, "decimals", None)
    return Digits(min(digits, n), min(decimals, n)) if decimals is not None else min(digits, n)


def format_number(x: float, digits: int) -> str:
    """A value as printed: `digits` significant digits, without float noise, as float() reads it.

    0.29, not 0.29000000000000004; -0.0381 with a hyphen-minus; 3.51019e-5, not 3.51019e-05;
    0 for -0.0.

    Args:
        x: the value.
        digits: significant digits, 1..17.

    Returns:
        Text that `float()` reads back as `x` rounded to `digits` significant digits.
    """
    decimals = getattr(digits, "decimals", None)
    if decimals is not None and math.isfinite(x) and abs(x) < 1e15:
        return format_fixed(x, decimals)
    if x == 0:
        return "0"
    if not math.isfinite(x):
        return str(x)
    text = f"{x:.{digits}g}"
    if "e" in text:
        mantissa, _, exponent = text.partition("e")
        return f"{mantissa}e{int(exponent)}"
    return text


def format_fixed(x: float, decimals: int) -> str:
    """A value as printed with a fixed number of decimals (to line up with a printed number).

    As `format_number`, float() reads it; a value that rounds to zero loses its sign:
    -0.00001 at 3 decimals is 0.000, not -0.000.
    """
    text = f"{x:.{decimals}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


def text_number(x: float, digits: int) -> str:
    """A number inside a one-line formula: Unicode minus; negatives and powers of ten in parentheses."""
    text = format_number(x, digits).replace("-", "−")
    if "e" in text:
        mantissa, _, exponent = text.partition("e")
        text = f"{mantissa}×10^{exponent}"
    return f"({text})" if x < 0 or "×" in text else text


def format_latex_value(x: float, digits: int) -> str:
    text = format_number(x, digits)
    if "e" in text:
        mantissa, _, exponent = text.partition("e")
        return f"{mantissa} \\times 10^{{{exponent}}}"
    return text


def latex_number(x: float, digits: int) -> str:
    """A number inside a LaTeX formula: negatives and powers of ten in parentheses."""
    text = format_latex_value(x, digits)
    return f"\\left({text}\\right)" if x < 0 or "times" in text else text
