"""Every activation, each defined once: its numbers, its formulas, its names and its words.

An `Activation` holds what every part of bpwalk needs to know of one f: the engine's f and f′
on plain floats, which quantity the derivative is written with, its extra parameter, the
facts validation checks, the sympy template of out = f(net) and of f′, its vector form for
the matrix style, its symbol, and the words of the step sentences in English and Chinese.
Nothing else lists the activations: adding one is one entry in `ACTIVATIONS` below.

The templates take `bpwalk.formula.symbolic` as their first argument (`s`), so this module never
imports sympy. The vector forms return a list of strings and opaque pieces (a vector's name,
or a bracketed column of numbers), read left to right; ⊗ multiplies element by element.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from bpwalk.ops.mathfns import fsum

Form = list   # strings and pieces, read left to right
Template = Callable[..., Any]   # (bpwalk.formula.symbolic, atoms...) -> a sympy expression


@dataclass(frozen=True)
class Param:
    """An extra number an activation takes besides the net: one per layer, from the scenario."""

    key: str                    # the layer's key in the scenario file and its `Layer` field
    operand: str                # its name as a step's operand
    symbol: str                 # how the formulas write it
    default: float
    meaning: str                # what it is, for messages and the schema
    words: Mapping[str, str]    # what the operand table calls it, by language


@dataclass(frozen=True, eq=False)
class Activation:
    """One activation function f, out = f(net), and everything shown or checked about it."""

    name: str
    symbol: str                         # f in the grouped styles' f(z) and f′(z)
    words: Mapping[str, str]            # by language: what "the {f} of its weighted sum" says
    template: Template                  # (s, net[, parameter]) -> out; layer-wise: (s, nets, u) -> out_u
    form: Callable[[Any, Any], Form]    # (z, parameter) -> a = f(z) for a whole layer
    # the engine's numbers: exactly one of f, f_param and layer is given
    f: Callable[[float], float] | None = None                    # out of one unit
    f_param: Callable[[float, float], float] | None = None       # out of one unit, given the parameter
    layer: Callable[[Sequence[float]], list[float]] | None = None   # outs of a whole layer at once
    # dout/dnet from (net, out, parameter), reading only the quantity in `written_with`;
    # None for a layer-wise activation, whose Jacobian is full
    df: Callable[[float, float, float], float] | None = None
    written_with: str = "net"           # the operand of the derivative's step: "out", "net" or "" (none)
    d_template: Template | None = None  # (s[, out or net][, parameter]) -> f′
    d_form: Callable[[Any, Any, Any], tuple[Form, bool]] | None = None   # (a, z, parameter) -> f′, bracket it?
    df_text: str = ""                   # f′ in one line, as `bpwalk check` quotes it
    jacobian: Callable[[Sequence[float], int, int], float] | None = None   # dout_j/dnet_k from the outs
    delta_template: Template | None = None   # (s, dE/dout list, out list, u) -> δ_u
    delta_form: Callable[[Any, Any], Form] | None = None   # (a, ∂J/∂a) -> δ of the layer
    param: Param | None = None
    aliases: tuple[str, ...] = ()
    output_only: bool = False           # allowed on the output layer only
    probability: bool = False           # outputs in (0, 1), as the cross-entropies need
    kinked: bool = False                # f′ jumps at net = 0
    sentences: Mapping[str, Mapping[str, str]] = field(default_factory=dict)   # lang -> step kind -> sentence

    @property
    def layer_wise(self) -> bool:
        """Whether a unit's out depends on every net of its layer (its steps need the whole layer)."""
        return self.layer is not None

    def outs(self, nets: Sequence[float], p: float) -> list[float]:
        """The outs of a whole layer; p is the layer's parameter (ignored by an f that takes none)."""
        if self.f is not None:
            f = self.f
            return [f(z) for z in nets]
        if self.f_param is not None:
            g = self.f_param
            return [g(z, p) for z in nets]
        assert self.layer is not None
        return self.layer(nets)


# -- the math -----------------------------------------------------------------------------

def sigmoid(x: float) -> float:
    # 1/(1+e^-x), written so that exp never overflows: for x < 0 use e^x/(1+e^x)
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    if x != x:
        return x
    e = math.exp(x)
    return e / (1.0 + e)


def softplus(x: float) -> float:
    # ln(1 + e^x) = max(x, 0) + ln(1 + e^-|x|): no overflow for large |x|
    if x != x:
        return x
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def elu(x: float) -> float:
    # x if x > 0, else e^x - 1 (alpha = 1); expm1 keeps the digits of e^x - 1 near 0
    return x if x > 0.0 else math.expm1(x)


def silu(x: float) -> float:
    # x sigmoid(x)
    return x * sigmoid(x)


def d_silu(net: float, out: float, p: float) -> float:
    # silu' = sigmoid(x) (1 + x (1 - sigmoid(x)))
    s = sigmoid(net)
    return s * (1.0 + net * (1.0 - s))


_SQRT2 = math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def normal_cdf(x: float) -> float:
    # Phi(x) = 1/2 (1 + erf(x/sqrt 2)), the standard normal distribution function, computed as
    # 1/2 erfc(-x/sqrt 2): the same function, but 1 + erf(...) loses digits as x falls below 0
    # (every digit by x = -8.3), where erfc keeps them
    return 0.5 * math.erfc(-x / _SQRT2)


def gelu(x: float) -> float:
    # x Phi(x)
    return x * normal_cdf(x)


def d_gelu(net: float, out: float, p: float) -> float:
    # gelu' = Phi(x) + x phi(x), phi(x) = e^(-x^2/2) / sqrt(2 pi)
    return normal_cdf(net) + net * (math.exp(-0.5 * (net * net)) * _INV_SQRT_2PI)


def softmax(nets: Sequence[float]) -> list[float]:
    """e^net_k / sum_j e^net_j, shifted by the largest net so that no exp overflows."""
    top = max(nets)
    if not math.isfinite(top):
        return [math.nan] * len(nets)
    exps = [math.exp(z - top) for z in nets]
    total = fsum(exps)
    return [e / total for e in exps]


def softmax_jacobian(outs: Sequence[float], j: int, k: int) -> float:
    """dout_j/dnet_k of a softmax layer: out_j (1[j = k] - out_k)."""
    return outs[j] * ((1.0 if j == k else 0.0) - outs[k])


def _softmax_delta(s: Any, g: Sequence[Any], o: Sequence[Any], u: int) -> Any:
    # delta_u = sum_k dE/dout_k dout_k/dnet_u, with dout_k/dnet_u = out_u (1 - out_u) if k == u, else -out_k out_u
    return s.total([s.times(g[k], s.times(o[u], s.minus(1, o[u])) if k == u else s.neg(s.times(o[k], o[u])))
                    for k in range(len(g))])


SLOPE = Param("leaky_slope", "slope", "α", 0.01, "the slope for net < 0", {"en": "leaky slope", "zh": "泄漏斜率"})


def _same(name: str) -> dict[str, str]:
    return {"en": name, "zh": name}


# -- the entries, in the order every list shows them ------------------------------------------

IDENTITY = Activation(
    "identity", "id", _same("identity"), aliases=("linear",),
    f=lambda x: x,
    df=lambda net, out, p: 1.0,   # identity' = 1
    written_with="", df_text="1",
    template=lambda s, z: z, d_template=lambda s: s.num(1),
    form=lambda z, p: [z], d_form=lambda a, z, p: (["1"], False),
)

SIGMOID = Activation(
    "sigmoid", "σ", _same("sigmoid"), aliases=("logistic",), probability=True,
    f=sigmoid,
    df=lambda net, out, p: out * (1.0 - out),   # sigmoid' = out (1 - out)
    written_with="out", df_text="out·(1 − out)",
    template=lambda s, z: s.sigmoid(z), d_template=lambda s, out: s.times(out, s.minus(1, out)),
    form=lambda z, p: ["σ(", z, ")"], d_form=lambda a, z, p: ([a, " ⊗ (1 − ", a, ")"], False),
)

TANH = Activation(
    "tanh", "tanh", _same("tanh"),
    f=math.tanh,
    df=lambda net, out, p: 1.0 - out * out,   # tanh' = 1 - out^2
    written_with="out", df_text="1 − out²",
    template=lambda s, z: s.tanh(z), d_template=lambda s, out: s.minus(1, s.power(out, 2)),
    form=lambda z, p: ["tanh(", z, ")"], d_form=lambda a, z, p: (["1 − ", a, " ⊗ ", a], True),
)

RELU = Activation(
    "relu", "ReLU", _same("relu"), kinked=True,
    f=lambda x: x if x > 0.0 else 0.0,
    df=lambda net, out, p: 1.0 if net > 0.0 else 0.0,   # relu'(0) = 0 by convention
    df_text="1 if net > 0, else 0",
    template=lambda s, z: s.maximum(0, z), d_template=lambda s, z: s.positive(z, 1, 0),
    form=lambda z, p: ["max(0, ", z, ")"], d_form=lambda a, z, p: (["1[", z, " > 0]"], False),
)

LEAKY_RELU = Activation(
    "leaky_relu", "LReLU", _same("leaky_relu"), kinked=True, param=SLOPE,
    f_param=lambda x, slope: x if x > 0.0 else slope * x,
    df=lambda net, out, slope: 1.0 if net > 0.0 else slope,   # leaky_relu'(0) = slope by convention
    df_text="1 if net > 0, else α",
    # as cases, not max(α·z, z): that is leaky ReLU only for α <= 1, and the format bounds no slope
    template=lambda s, z, slope: s.positive(z, z, s.times(slope, z)),
    d_template=lambda s, z, slope: s.positive(z, 1, slope),
    form=lambda z, slope: [z, " ⊗ (1[", z, " > 0] + ", slope, "·1[", z, " ≤ 0])"],
    d_form=lambda a, z, slope: (["1[", z, " > 0] + ", slope, "·1[", z, " ≤ 0]"], True),
)

SOFTPLUS = Activation(
    "softplus", "softplus", _same("softplus"),
    f=softplus,
    df=lambda net, out, p: sigmoid(net),   # softplus' = sigmoid
    df_text="σ(net)",
    template=lambda s, z: s.log(s.plus(1, s.exp(z))), d_template=lambda s, z: s.sigmoid(z),
    form=lambda z, p: ["ln(1 + exp(", z, "))"], d_form=lambda a, z, p: (["σ(", z, ")"], False),
)


def _phi_template(s: Any, z: Any) -> Any:
    # Phi(z) = 1/2 (1 + erf(z/sqrt 2))
    return s.times(s.half, s.plus(1, s.erf(s.over(z, s.sqrt(2)))))


ELU = Activation(
    "elu", "ELU", _same("ELU"),
    f=elu,
    # elu' = 1 if net > 0, else e^net (= out + 1). Written with net, like relu's: e^net keeps its
    # digits where out + 1 does not (for net << 0, out = e^net - 1 rounds to -1 and out + 1 to 0)
    df=lambda net, out, p: 1.0 if net > 0.0 else math.exp(net),
    df_text="1 if net > 0, else e^net",
    template=lambda s, z: s.positive(z, z, s.minus(s.exp(z), 1)),
    d_template=lambda s, z: s.positive(z, 1, s.exp(z)),
    form=lambda z, p: ["ELU(", z, ")"],
    d_form=lambda a, z, p: (["1[", z, " > 0] + exp(", z, ") ⊗ 1[", z, " ≤ 0]"], True),
)

SILU = Activation(
    "silu", "SiLU", _same("SiLU"), aliases=("swish",),
    f=silu, df=d_silu, df_text="σ(net)·(1 + net·(1 − σ(net)))",
    # x sigmoid(x) = x / (1 + e^-x); its derivative as one fraction: (1 + e^-x + x e^-x) / (1 + e^-x)^2
    template=lambda s, z: s.over(z, s.plus(1, s.exp(s.neg(z)))),
    d_template=lambda s, z: s.over(s.plus(1, s.exp(s.neg(z)), s.times(z, s.exp(s.neg(z)))),
                                   s.power(s.plus(1, s.exp(s.neg(z))), 2)),
    form=lambda z, p: [z, " ⊗ σ(", z, ")"],
    d_form=lambda a, z, p: (["σ(", z, ") ⊗ (1 + ", z, " ⊗ (1 − σ(", z, ")))"], False),
)

GELU = Activation(
    "gelu", "GELU", _same("GELU"),
    f=gelu, df=d_gelu, df_text="Φ(net) + net·φ(net)",
    template=lambda s, z: s.times(s.half, z, s.plus(1, s.erf(s.over(z, s.sqrt(2))))),   # z Phi(z)
    d_template=lambda s, z: s.plus(_phi_template(s, z), s.over(s.times(z, s.exp(s.neg(s.over(s.power(z, 2), 2)))),
                                                               s.sqrt(s.times(2, s.pi)))),
    form=lambda z, p: [z, " ⊗ Φ(", z, ")"],
    d_form=lambda a, z, p: (["Φ(", z, ") + ", z, " ⊗ φ(", z, ")"], True),
    sentences={
        "en": {"act": "The output of {unit}: its weighted sum times Φ of it, the standard normal distribution "
                      "function (GELU).",
               "dact": "The derivative of the GELU at {unit}: Φ plus the weighted sum times the normal density φ."},
        "zh": {"act": "{unit} 的输出：加权和乘以它的 Φ（标准正态分布函数），即 GELU。",
               "dact": "GELU 在 {unit} 处的导数：Φ 加上加权和乘以正态密度 φ。"},
    },
)

SOFTMAX = Activation(
    "softmax", "softmax", _same("softmax"), output_only=True, probability=True,
    layer=softmax, jacobian=softmax_jacobian, written_with="",
    template=lambda s, zs, u: s.over(s.exp(zs[u]), s.total([s.exp(z) for z in zs])),
    delta_template=_softmax_delta,
    form=lambda z, p: ["softmax(", z, ")"],
    delta_form=lambda a, g: ["(diag(", a, ") − ", a, "·", a, "ᵀ)·", g],   # the Jacobian diag(a) − a·aᵀ
    sentences={
        "en": {"act": "The output of {unit}: the softmax over the weighted sums of its layer.",
               "delta": "δ of {unit}: a softmax output depends on every weighted sum of its layer."},
        "zh": {"act": "{unit} 的输出：对本层所有加权和取 softmax。",
               "delta": "{unit} 的 δ：softmax 输出依赖本层所有加权和。"},
    },
)

ACTIVATIONS: dict[str, Activation] = {
    a.name: a for a in (IDENTITY, SIGMOID, TANH, RELU, LEAKY_RELU, SOFTPLUS, ELU, SILU, GELU, SOFTMAX)
}
ACTIVATION_ALIASES: dict[str, str] = {alias: a.name for a in ACTIVATIONS.values() for alias in a.aliases}
