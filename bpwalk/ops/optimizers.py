"""Every optimizer, each defined once: its options, its state, its update and its formulas.

An `Optimizer` is shaped as optax shapes a gradient transformation: `init(count)` gives the
state (zero before the first update, one list per state name), and `update(params, grads,
state, t, lr, options)` gives the new parameters, the new state and the change actually taken,
all on plain lists of floats (one entry per trained parameter, in the scenario's order). The
definitions are torch.optim's with its default flags (no dampening, no amsgrad, not centered);
the defaults are torch's except momentum's μ = 0.9 (torch: 0).

Besides the numbers, each entry says how the walk-through shows one update: `formulas` lists
the steps in order, each a state name (or `new`) with its operands' roles and a sympy template
(taking `bpwalk.formula.symbolic` as `s`, so that this module never imports sympy). A role is
`P` (the parameter before the update), `g` (its gradient), `lr`, `t`, an option's key, a state
name (its value after this update) or `prev.<state>` (its value after the previous update).
A template calls only `s.plus`, `minus`, `times`, `over`, `power`, `raised`, `sqrt` and `total`:
the grouped styles hand it `bpwalk.walk.optpages.FORMS`, which builds the same formula of
matrices and vectors for a whole layer.
Nothing else lists the optimizers: adding one is one entry in `OPTIMIZERS` below.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from bpwalk.ops.mathfns import fsum

Template = Callable[..., Any]   # (bpwalk.formula.symbolic, atoms...) -> a sympy expression
State = dict[str, list[float]]
Update = Callable[[Sequence[float], Sequence[float], Mapping[str, Sequence[float]], int, float, Mapping[str, float]],
                  tuple[list[float], State]]


@dataclass(frozen=True)
class Option:
    """A number an optimizer takes besides the learning rate, from `optimizer:` in the scenario."""

    key: str                    # its key under `optimizer:`, and its operand name in a step
    symbol: str                 # how the formulas write it
    default: float
    low: float                  # low <= x (or low < x when low_open)
    high: float | None          # x < high, when given
    low_open: bool = False
    words: Mapping[str, str] = field(default_factory=dict)   # what the operand table calls it, by language

    def admits(self, x: float) -> bool:
        above = x > self.low if self.low_open else x >= self.low
        return above and (self.high is None or x < self.high)

    @property
    def range_text(self) -> str:
        """As messages say it: `0 <= x < 1`, `> 0`, `>= 0`."""
        low = f"{'>' if self.low_open else '>='} {_plain(self.low)}"
        if self.high is None:
            return low
        return f"{_plain(self.low)} {'<' if self.low_open else '<='} {self.key} < {_plain(self.high)}"


def _plain(x: float) -> str:
    return str(int(x)) if x == int(x) else repr(x)


@dataclass(frozen=True)
class Formula:
    """One step of an update as the walk-through shows it: the quantity, its operands, its formula."""

    quantity: str               # a state name, or "new" (the parameter after the update)
    roles: tuple[str, ...]      # the operands, in the template's order (see the module's docstring)
    template: Template


@dataclass(frozen=True, eq=False)
class Optimizer:
    """One optimizer: what it takes, what it remembers, how it steps, and how that is shown."""

    name: str
    options: tuple[Option, ...]
    state: tuple[str, ...]              # recorded after every update, in this order (velocity; m, v, m_hat, v_hat)
    update: Update
    formulas: tuple[Formula, ...]       # the steps of one parameter's update, in order; the last is "new"
    words: Mapping[str, str]            # by language: its name in a sentence
    prose: Mapping[str, str]            # by language: one sentence on what it does
    torch: str = ""                     # the torch.optim class with the same definition

    def init(self, count: int) -> State:
        """The state before the first update: zero for each of `count` trained parameters."""
        return {name: [0.0] * count for name in self.state}

    def defaults(self) -> dict[str, float]:
        return {o.key: o.default for o in self.options}


# -- the math: p is a parameter, g its gradient, η the learning rate, t the update's number (from 1) --

def _sgd(params, grads, state, t, lr, o):
    # p <- p - η g
    return [p - lr * g for p, g in zip(params, grads)], {}


def _momentum(params, grads, state, t, lr, o):
    # v <- μ v + g;  p <- p - η v
    mu = o["momentum"]
    v = [mu * vp + g for vp, g in zip(state["velocity"], grads)]
    return [p - lr * vi for p, vi in zip(params, v)], {"velocity": v}


def _nesterov(params, grads, state, t, lr, o):
    # v <- μ v + g;  p <- p - η (g + μ v)
    mu = o["momentum"]
    v = [mu * vp + g for vp, g in zip(state["velocity"], grads)]
    return [p - lr * (g + mu * vi) for p, g, vi in zip(params, grads, v)], {"velocity": v}


def _rmsprop(params, grads, state, t, lr, o):
    # s <- α s + (1 - α) g²;  p <- p - η g / (√s + ε)
    # (each operation in torch's order: s·α + ((1 − α)·g)·g, then p + (−η·g)/(√s + ε))
    a, eps = o["alpha"], o["eps"]
    w = 1.0 - a
    s = [sp * a + (w * g) * g for sp, g in zip(state["sq_avg"], grads)]
    return [p + (-lr * g) / (math.sqrt(si) + eps) for p, g, si in zip(params, grads, s)], {"sq_avg": s}


def _adam_moments(grads, state, t, o):
    # m <- β1 m + (1 - β1) g;  v <- β2 v + (1 - β2) g²;  mˆ = m / (1 - β1^t);  vˆ = v / (1 - β2^t)
    # (m as torch's lerp from m towards g, v as torch's v·β2 + ((1 − β2)·g)·g)
    b1, b2 = o["beta1"], o["beta2"]
    w1, w2 = 1.0 - b1, 1.0 - b2
    # torch.lerp(m, g, 1 − β1), from the nearer end: m + w·(g − m), or g − (g − m)·(1 − w)
    if abs(w1) < 0.5:
        m = [mp + w1 * (g - mp) for mp, g in zip(state["m"], grads)]
    else:
        m = [g - (g - mp) * (1.0 - w1) for mp, g in zip(state["m"], grads)]
    v = [vp * b2 + (w2 * g) * g for vp, g in zip(state["v"], grads)]
    c1, c2 = 1.0 - b1 ** t, 1.0 - b2 ** t
    return {"m": m, "v": v, "m_hat": [mi / c1 for mi in m], "v_hat": [vi / c2 for vi in v]}, c1, c2


def _adam_step(params, state, lr, c1, c2, eps):
    # p <- p - η mˆ / (√vˆ + ε), in torch's order: p + (−(η/(1 − β1^t))·m) / (√v/√(1 − β2^t) + ε)
    size, root = lr / c1, math.sqrt(c2)
    return [p + (-size * m) / (math.sqrt(v) / root + eps) for p, m, v in zip(params, state["m"], state["v"])]


def _adam(params, grads, state, t, lr, o):
    new, c1, c2 = _adam_moments(grads, state, t, o)
    return _adam_step(params, new, lr, c1, c2, o["eps"]), new


def _adamw(params, grads, state, t, lr, o):
    # p <- p (1 - η λ) first (decoupled: λ is not added to g), then adam's step with the same g
    new, c1, c2 = _adam_moments(grads, state, t, o)
    keep = 1.0 - lr * o["weight_decay"]
    return _adam_step([p * keep for p in params], new, lr, c1, c2, o["eps"]), new


# -- the options ----------------------------------------------------------------------------

MOMENTUM = Option("momentum", "μ", 0.9, 0.0, 1.0, words={"en": "momentum", "zh": "动量系数"})
ALPHA = Option("alpha", "α", 0.99, 0.0, 1.0, words={"en": "decay of the squared-gradient average",
                                                   "zh": "平方梯度均值的衰减率"})
BETA1 = Option("beta1", "β_1", 0.9, 0.0, 1.0, words={"en": "decay of the first moment", "zh": "一阶矩衰减率"})
BETA2 = Option("beta2", "β_2", 0.999, 0.0, 1.0, words={"en": "decay of the second moment", "zh": "二阶矩衰减率"})
EPS = Option("eps", "ε", 1e-8, 0.0, None, low_open=True, words={"en": "a small number against division by 0",
                                                                "zh": "防止除以零的小数"})
WEIGHT_DECAY = Option("weight_decay", "λ_wd", 0.01, 0.0, None, words={"en": "decoupled weight decay",
                                                                      "zh": "解耦权重衰减"})


# -- the templates: s is bpwalk.formula.symbolic ----------------------------------------------

def _avg(s, decay, prev, x):
    # decay·prev + (1 − decay)·x
    return s.plus(s.times(decay, prev), s.times(s.minus(1, decay), x))


def _corrected(s, x, decay, t):
    # x / (1 − decay^t)
    return s.over(x, s.minus(1, s.raised(decay, t)))


def _step(s, p, lr, num, den_sq, eps):
    # p − η·num/(√den + ε)
    return s.minus(p, s.times(lr, s.over(num, s.plus(s.sqrt(den_sq), eps))))


VELOCITY = Formula("velocity", ("momentum", "prev.velocity", "g"),
                   lambda s, mu, v, g: s.plus(s.times(mu, v), g))
M = Formula("m", ("beta1", "prev.m", "g"), lambda s, b, m, g: _avg(s, b, m, g))
V = Formula("v", ("beta2", "prev.v", "g"), lambda s, b, v, g: _avg(s, b, v, s.power(g, 2)))
M_HAT = Formula("m_hat", ("m", "beta1", "t"), _corrected)
V_HAT = Formula("v_hat", ("v", "beta2", "t"), _corrected)

SGD = Optimizer(
    "sgd", (), (), _sgd,
    (Formula("new", ("P", "lr", "g"), lambda s, p, lr, g: s.minus(p, s.times(lr, g))),),
    words={"en": "gradient descent", "zh": "梯度下降"},
    prose={"en": "Plain gradient descent: each parameter takes a step of η times its gradient, downhill.",
           "zh": "普通梯度下降：每个参数沿梯度反方向走 η 乘以梯度的一步。"},
    torch="SGD",
)

MOMENTUM_SGD = Optimizer(
    "momentum", (MOMENTUM,), ("velocity",), _momentum,
    (VELOCITY, Formula("new", ("P", "lr", "velocity"), lambda s, p, lr, v: s.minus(p, s.times(lr, v)))),
    words={"en": "gradient descent with momentum", "zh": "动量梯度下降"},
    prose={"en": "Momentum: a velocity v remembers the past gradients (v ← μ·v + g), and the step follows v.",
           "zh": "动量法：速度 v 记住以往的梯度（v ← μ·v + g），参数沿 v 的方向走一步。"},
    torch="SGD(momentum=μ)",
)

NESTEROV = Optimizer(
    "nesterov", (MOMENTUM,), ("velocity",), _nesterov,
    (VELOCITY, Formula("new", ("P", "lr", "g", "momentum", "velocity"),
                       lambda s, p, lr, g, mu, v: s.minus(p, s.times(lr, s.plus(g, s.times(mu, v)))))),
    words={"en": "Nesterov momentum", "zh": "Nesterov 动量法"},
    prose={"en": "Nesterov momentum: the velocity as with momentum, but the step is g + μ·v, a look ahead.",
           "zh": "Nesterov 动量法：速度与动量法相同，但这一步是 g + μ·v，向前多看一步。"},
    torch="SGD(momentum=μ, nesterov=True)",
)

RMSPROP = Optimizer(
    "rmsprop", (ALPHA, EPS), ("sq_avg",), _rmsprop,
    (Formula("sq_avg", ("alpha", "prev.sq_avg", "g"), lambda s, a, sq, g: _avg(s, a, sq, s.power(g, 2))),
     Formula("new", ("P", "lr", "g", "sq_avg", "eps"), _step)),
    words={"en": "RMSprop", "zh": "RMSprop"},
    prose={"en": "RMSprop: a running average s of the squared gradients scales each parameter's step by 1/(√s + ε).",
           "zh": "RMSprop：平方梯度的滑动平均 s 把每个参数的步长缩放为 1/(√s + ε)。"},
    torch="RMSprop",
)

ADAM = Optimizer(
    "adam", (BETA1, BETA2, EPS), ("m", "v", "m_hat", "v_hat"), _adam,
    (M, V, M_HAT, V_HAT, Formula("new", ("P", "lr", "m_hat", "v_hat", "eps"), _step)),
    words={"en": "Adam", "zh": "Adam"},
    prose={"en": "Adam: running averages of the gradient (m) and of its square (v), corrected for their start at "
                 "zero (mˆ, vˆ), give the step η·mˆ/(√vˆ + ε).",
           "zh": "Adam：梯度的滑动平均 m 与梯度平方的滑动平均 v，经过从零开始的偏差修正（mˆ、vˆ），"
                 "给出步长 η·mˆ/(√vˆ + ε)。"},
    torch="Adam",
)

ADAMW = Optimizer(
    "adamw", (BETA1, BETA2, EPS, WEIGHT_DECAY), ("m", "v", "m_hat", "v_hat"), _adamw,
    (M, V, M_HAT, V_HAT,
     Formula("new", ("P", "lr", "weight_decay", "m_hat", "v_hat", "eps"),
             lambda s, p, lr, wd, mh, vh, eps: _step(s, s.times(p, s.minus(1, s.times(lr, wd))), lr, mh, vh, eps))),
    words={"en": "AdamW", "zh": "AdamW"},
    prose={"en": "AdamW: Adam's step, after shrinking each parameter by the factor 1 − η·λ (decoupled weight decay).",
           "zh": "AdamW：先把每个参数乘以 1 − η·λ（解耦权重衰减），再走 Adam 的一步。"},
    torch="AdamW",
)

OPTIMIZERS: dict[str, Optimizer] = {o.name: o for o in (SGD, MOMENTUM_SGD, NESTEROV, RMSPROP, ADAM, ADAMW)}
# every option by its key, for the printers and the operand tables
OPTIONS: dict[str, Option] = {o.key: o for opt in OPTIMIZERS.values() for o in opt.options}
# every state name, in the order the JSON and the tables list them
STATE_NAMES: tuple[str, ...] = tuple(dict.fromkeys(s for opt in OPTIMIZERS.values() for s in opt.state))


def takers_of(key: str) -> tuple[str, ...]:
    """The optimizers that take an option."""
    return tuple(opt.name for opt in OPTIMIZERS.values() if any(o.key == key for o in opt.options))


# -- the L2 penalty (regularization: l2), which every optimizer descends with the data loss -------

def l2_penalty(values: Sequence[float], lam: float) -> float:
    # (λ/2)·Σ p² over the penalised parameters
    return (lam / 2.0) * fsum([p * p for p in values])


def l2_grad(g: float, p: float, lam: float) -> float:
    # d/dp (λ/2)·p² = λ·p, added to the data loss's gradient
    return g + lam * p


def penalty_template(s: Any, lam: Any, *params: Any) -> Any:
    """(λ/2)·(p₁² + p₂² + ...)."""
    return s.times(s.over(lam, 2), s.total([s.power(p, 2) for p in params]))


def l2_grad_template(s: Any, g: Any, lam: Any, p: Any) -> Any:
    """g + λ·p."""
    return s.plus(g, s.times(lam, p))


L2 = Option("l2", "λ", 0.0, 0.0, None, words={"en": "L2 penalty", "zh": "L2 惩罚系数"})
