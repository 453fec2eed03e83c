"""The engine's arithmetic helpers: sums, exp and log that never raise.

Nothing here raises on overflow: a result that does not fit a double comes back as inf or
nan, and the engine reports the first such quantity by name. That is why the activations and
losses write `x * x` instead of `x ** 2` (which raises OverflowError) and why `exp` and `log`
are wrapped. Every sum is `math.fsum` (correctly rounded), so results do not depend on the
order in which a layer is added up, nor on the Python version.
"""

from __future__ import annotations

import math
from typing import Iterable

INF = math.inf
_fsum = math.fsum


def fsum(values: Iterable[float]) -> float:
    """math.fsum, but nan instead of an exception: math.fsum raises ValueError for inf + -inf
    and OverflowError when the sum leaves the doubles, and either would escape as a crash
    instead of the engine's ComputeError naming the quantity."""
    try:
        return _fsum(values)
    except (ValueError, OverflowError):
        return math.nan


def exp(x: float) -> float:
    """e**x, inf instead of OverflowError."""
    try:
        return math.exp(x)
    except OverflowError:
        return INF


def log(x: float) -> float:
    """ln x, with ln 0 = -inf and ln of a negative number = nan (instead of ValueError)."""
    if x > 0.0:
        return math.log(x)
    return -INF if x == 0.0 else math.nan
