"""Pure math on plain floats: activations, losses and their derivatives.

Nothing here raises on overflow: a result that does not fit a double comes back as inf or
nan, and the engine reports the first such quantity by name. That is why `x * x` is used
instead of `x ** 2` (which raises OverflowError) and why `exp` and `log` are wrapped.
Every sum is `math.fsum` (correctly rounded), so results do not depend on the order in
which a layer is added up, nor on the Python version.
"""

from __future__ import annotations

import math
from typing import Callable, Iterable, Sequence

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


# --- activations: f(net) -----------------------------------------------------------------

def sigmoid(x: float) -> float:
    # 1/(1+e^-x), written so that exp never overflows: for x < 0 use e^x/(1+e^x)
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    if x != x:
        return x
    e = math.exp(x)
    return e / (1.0 + e)


def identity(x: float) -> float:
    return x


def tanh(x: float) -> float:
    return math.tanh(x)


def relu(x: float) -> float:
    return x if x > 0.0 else 0.0


def softplus(x: float) -> float:
    # ln(1 + e^x) = max(x, 0) + ln(1 + e^-|x|): no overflow for large |x|
    if x != x:
        return x
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def leaky_relu(x: float, slope: float) -> float:
    return x if x > 0.0 else slope * x


def softmax(nets: Sequence[float]) -> list[float]:
    """e^net_k / sum_j e^net_j, shifted by the largest net so that no exp overflows."""
    top = max(nets)
    if not math.isfinite(top):
        return [math.nan] * len(nets)
    exps = [math.exp(z - top) for z in nets]
    total = fsum(exps)
    return [e / total for e in exps]


# --- activation derivatives: dout/dnet, from the net and the out it produced ---------------

def d_identity(net: float, out: float, slope: float) -> float:
    return 1.0  # identity' = 1


def d_sigmoid(net: float, out: float, slope: float) -> float:
    return out * (1.0 - out)  # sigmoid' = out (1 - out)


def d_tanh(net: float, out: float, slope: float) -> float:
    return 1.0 - out * out  # tanh' = 1 - out^2


def d_relu(net: float, out: float, slope: float) -> float:
    return 1.0 if net > 0.0 else 0.0  # relu'(0) = 0 by convention


def d_leaky_relu(net: float, out: float, slope: float) -> float:
    return 1.0 if net > 0.0 else slope  # leaky_relu'(0) = slope by convention


def d_softplus(net: float, out: float, slope: float) -> float:
    return sigmoid(net)  # softplus' = sigmoid


ELEMENTWISE: dict[str, Callable[[float], float]] = {
    "identity": identity,
    "sigmoid": sigmoid,
    "tanh": tanh,
    "relu": relu,
    "softplus": softplus,
}

DERIVATIVES: dict[str, Callable[[float, float, float], float]] = {
    "identity": d_identity,
    "sigmoid": d_sigmoid,
    "tanh": d_tanh,
    "relu": d_relu,
    "leaky_relu": d_leaky_relu,
    "softplus": d_softplus,
}


def activate(name: str, nets: Sequence[float], slope: float = 0.01) -> list[float]:
    """The outs of a whole layer."""
    if name == "softmax":
        return softmax(nets)
    if name == "leaky_relu":
        return [leaky_relu(z, slope) for z in nets]
    f = ELEMENTWISE[name]
    return [f(z) for z in nets]


def softmax_jacobian(outs: Sequence[float], j: int, k: int) -> float:
    """dout_j/dnet_k of a softmax layer: out_j (1[j = k] - out_k)."""
    return outs[j] * ((1.0 if j == k else 0.0) - outs[k])


# --- losses: one output unit's term of the sample loss, and dLoss/dout ---------------------
# Each takes (t, o, K): target, out, and the number of output units.

def _half_sse(t: float, o: float, k: int) -> float:
    d = t - o
    return 0.5 * (d * d)


def _sse(t: float, o: float, k: int) -> float:
    d = t - o
    return d * d


def _mse(t: float, o: float, k: int) -> float:
    d = t - o
    return (d * d) / k


def _cross_entropy(t: float, o: float, k: int) -> float:
    return 0.0 if t == 0.0 else -(t * log(o))  # 0 ln 0 = 0


def _binary_cross_entropy(t: float, o: float, k: int) -> float:
    a = 0.0 if t == 0.0 else t * log(o)
    b = 0.0 if t == 1.0 else (1.0 - t) * log(1.0 - o)
    return -(a + b)


def _d_half_sse(t: float, o: float, k: int) -> float:
    return o - t  # d/do 1/2 (t - o)^2 = -(t - o)


def _d_sse(t: float, o: float, k: int) -> float:
    return 2.0 * (o - t)


def _d_mse(t: float, o: float, k: int) -> float:
    return 2.0 * (o - t) / k


def _d_cross_entropy(t: float, o: float, k: int) -> float:
    if t == 0.0:
        return 0.0
    return -t / o if o != 0.0 else -INF  # d/do -t ln o = -t/o


def _d_binary_cross_entropy(t: float, o: float, k: int) -> float:
    # d/do -[t ln o + (1-t) ln(1-o)] = -t/o + (1-t)/(1-o); a zero coefficient drops its term
    a = 0.0 if t == 0.0 else (t / o if o != 0.0 else INF)
    b = 0.0 if t == 1.0 else ((1.0 - t) / (1.0 - o) if o != 1.0 else INF)
    return b - a


ERROR_TERMS: dict[str, Callable[[float, float, int], float]] = {
    "half_sse": _half_sse,
    "sse": _sse,
    "mse": _mse,
    "cross_entropy": _cross_entropy,
    "binary_cross_entropy": _binary_cross_entropy,
}

ERROR_DERIVATIVES: dict[str, Callable[[float, float, int], float]] = {
    "half_sse": _d_half_sse,
    "sse": _d_sse,
    "mse": _d_mse,
    "cross_entropy": _d_cross_entropy,
    "binary_cross_entropy": _d_binary_cross_entropy,
}


def error_term(loss: str, t: float, o: float, k_count: int) -> float:
    """The term of the output unit with target t and out o; the terms sum to the sample loss."""
    return ERROR_TERMS[loss](t, o, k_count)


def d_error(loss: str, t: float, o: float, k_count: int) -> float:
    """dLoss/dout of one output unit."""
    return ERROR_DERIVATIVES[loss](t, o, k_count)
