"""Numbers as people write them: significant digits, no float noise, a real minus sign.

Light on purpose (no sympy): the terminal's first screen formats numbers before any formula
is built.
"""

from __future__ import annotations

import math


def format_number(x: float, digits: int) -> str:
    """`digits` significant digits, without float noise: 0.29, not 0.29000000000000004."""
    if x == 0:
        return "0"
    if not math.isfinite(x):
        return str(x)
    text = f"{x:.{digits}g}"
    if "e" in text:
        mantissa, _, exponent = text.partition("e")
        return f"{mantissa}e{int(exponent)}"
    return text


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
