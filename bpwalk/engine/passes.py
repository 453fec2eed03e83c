"""The numbers of backpropagation on plain lists, shared by the tracer and the trainer.

One forward and backward pass of one sample is `sample_pass`; its parameter gradients are
`sample_grads`. Both the step-recording tracer (`bpwalk.engine.trace`) and the numbers-only trainer
(`bpwalk.engine.train`) call these, so the walk-through and a 10,000-iteration run compute every
number the same way, bit for bit.

Layout: `W[l][u][j]` is the weight from unit j of layer l-1 (or input j) to unit u of layer
l; `B[l]` holds layer l's bias values (none: [], shared: [b], per_unit: one per unit).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from operator import mul
from typing import Callable, NamedTuple, Sequence

from bpwalk.ops import ACTIVATIONS, LOSSES, Activation
from bpwalk.ops.mathfns import fsum
from bpwalk.scenario import Scenario

Matrix = list[list[float]]


class Kind(Enum):
    """What an intermediate handed to the rounder hook is; the values are the trace's key prefixes."""

    NET = "net"
    OUT = "out"
    ERROR = "error"
    LOSS = "loss"
    DE_DOUT = "dE_dout"       # dLoss/dout of a unit
    PATH = "path"             # delta_k * w_kh, one path back into a hidden unit
    DOUT_DNET = "dout_dnet"
    DELTA = "delta"
    GRAD = "grad"             # unit: the column j for a weight
    TOTAL = "total"           # every reduction over samples (layer -1, unit 0)
    NEW = "new"


# Looked up once: an attribute of an Enum class costs more than a global in the rounded loops.
NET, OUT, ERROR, LOSS, DE_DOUT, PATH, DOUT_DNET, DELTA, GRAD, TOTAL, NEW = Kind

# (quantity kind, layer index, unit index, value) -> the value as a hand calculation would carry it
Rounder = Callable[[Kind, int, int, float], float]


@dataclass(frozen=True)
class Shape:
    """What the engine needs to know of a network besides its parameter values."""

    activations: tuple[str, ...]
    slopes: tuple[float, ...]
    bias_modes: tuple[str, ...]
    train_bias: tuple[bool, ...]
    loss: str
    reduction: str
    update: str
    rounder: "Rounder | None" = None   # textbook rounding of every intermediate (None: full precision)

    @classmethod
    def of(cls, scenario: Scenario, rounder: "Rounder | None" = None) -> "Shape":
        layers = scenario.layers
        return cls(
            rounder=rounder,
            activations=tuple(layer.activation for layer in layers),
            slopes=tuple(layer.leaky_slope for layer in layers),
            bias_modes=tuple(layer.bias for layer in layers),
            train_bias=tuple(layer.train_bias for layer in layers),
            loss=scenario.loss,
            reduction=scenario.reduction,
            update=scenario.update,
        )

    @cached_property
    def layer_fns(self) -> tuple[tuple[Activation, Callable | None, Callable | None, float, str, int], ...]:
        """Per layer: (activation, f, f', slope, bias mode, index of the next layer or -1), looked up once."""
        count = len(self.activations)
        entries = [ACTIVATIONS[act] for act in self.activations]
        return tuple(
            (entry, entry.f, entry.df, slope, mode, l + 1 if l + 1 < count else -1)
            for l, (entry, slope, mode) in enumerate(zip(entries, self.slopes, self.bias_modes))
        )


def initial_parameters(scenario: Scenario) -> tuple[list[Matrix], list[list[float]]]:
    """Fresh mutable copies of the scenario's weights and biases."""
    W = [[list(row) for row in layer.weights] for layer in scenario.layers]
    B = [list(layer.biases) for layer in scenario.layers]
    return W, B


def named(scenario: Scenario, W: list[Matrix], B: list[list[float]]) -> dict[str, float]:
    """The values of W and B (parameters, gradients) by the scenario's names, in `parameter_names()` order."""
    values: dict[str, float] = {}
    for layer, lw, lb in zip(scenario.layers, W, B):
        for names, row in zip(layer.weight_names, lw):
            values.update(zip(names, row))
        values.update(zip(layer.bias_names, lb))
    return values


class SamplePass(NamedTuple):
    """Every intermediate of one sample's forward and backward pass, layer by layer.

    `outs[0]` are the inputs, `outs[l + 1]` and `nets[l]` belong to layer l. `d_out[l][u]`
    is dLoss/dout: for the output layer the loss derivative, for a hidden layer the sum over
    the paths back from layer l + 1. `d_act[l][u]` is dout/dnet (None for softmax, whose
    Jacobian is not diagonal), and `deltas[l][u]` is dLoss/dnet.
    """

    nets: list[list[float]]
    outs: list[list[float]]
    errors: list[float]
    loss: float
    d_out: list[list[float]]
    d_act: list[list[float] | None]
    deltas: list[list[float]]


def layer_nets(row_weights: Matrix, prev: Sequence[float], mode: str, biases: Sequence[float]) -> list[float]:
    """net_u = sum_j w_uj out_j + b_u, each as one correctly rounded sum."""
    if mode == "none":
        return [fsum(map(mul, row, prev)) for row in row_weights]
    if mode == "shared":
        b = biases[0]
        return [fsum([*map(mul, row, prev), b]) for row in row_weights]
    return [fsum([*map(mul, row, prev), b]) for row, b in zip(row_weights, biases)]


def _rounded(r: "Rounder", kind: Kind, layer: int, values: list[float]) -> list[float]:
    return [r(kind, layer, i, v) for i, v in enumerate(values)]


def sample_pass(shape: Shape, W: list[Matrix], B: list[list[float]], x: Sequence[float], t: Sequence[float],
                back: list[Matrix] | None = None) -> SamplePass:
    """Forward pass, loss and every delta of one sample.

    `back` replaces W in the backward pass only (a mistake model of `bpwalk check`: hidden
    gradients computed with the already-updated weights). With `shape.rounder` every
    intermediate is rounded before it is used, as a hand calculation does.
    """
    r = shape.rounder
    # forward, inlined: this is the inner loop of `bpwalk train`
    outs = [x]
    nets = []
    prev = x
    fns = shape.layer_fns
    for l, ((entry, f, _, slope, mode, _), Wl, Bl) in enumerate(zip(fns, W, B)):
        net = layer_nets(Wl, prev, mode, Bl)
        if r is not None:
            net = _rounded(r, NET, l, net)
        nets.append(net)
        prev = [f(z) for z in net] if f is not None else entry.outs(net, slope)
        if r is not None:
            prev = _rounded(r, OUT, l, prev)
        outs.append(prev)
    k_count = len(prev)
    top = len(nets) - 1
    loss_entry = LOSSES[shape.loss]
    term, d_term = loss_entry.term, loss_entry.d
    pairs = tuple(zip(t, prev))
    errors = [term(tk, ok, k_count) for tk, ok in pairs]
    count = len(nets)
    d_out: list[list[float]] = [None] * count  # type: ignore[list-item]
    d_act: list[list[float] | None] = [None] * count
    deltas: list[list[float]] = [None] * count  # type: ignore[list-item]
    d_out[-1] = [d_term(tk, ok, k_count) for tk, ok in pairs]
    if r is not None:
        errors = _rounded(r, ERROR, top, errors)
        d_out[-1] = _rounded(r, DE_DOUT, top, d_out[-1])
    Wb = W if back is None else back
    for l in range(count - 1, -1, -1):
        entry, _, deriv, slope, _, nxt = fns[l]
        if nxt >= 0:
            # dLoss/dout_h = sum over the units k of the next layer of delta_k * w_kh
            dn, Wn = deltas[nxt], Wb[nxt]
            if r is None:
                d_out[l] = [fsum([dk * row[h] for dk, row in zip(dn, Wn)]) for h in range(len(nets[l]))]
            else:
                d_out[l] = [r(DE_DOUT, l, h, fsum([r(PATH, l, h, dk * row[h]) for dk, row in zip(dn, Wn)]))
                            for h in range(len(nets[l]))]
        if deriv is None:
            # a layer-wise f (softmax): delta_k = sum_j dLoss/dout_j * dout_j/dnet_k (the Jacobian is full)
            o, g = outs[l + 1], d_out[l]
            jac = entry.jacobian
            deltas[l] = [fsum([gj * jac(o, j, k) for j, gj in enumerate(g)]) for k in range(len(o))]
        else:
            da = [deriv(z, a, slope) for z, a in zip(nets[l], outs[l + 1])]
            if r is not None:
                da = _rounded(r, DOUT_DNET, l, da)
            d_act[l] = da
            deltas[l] = [go * d for go, d in zip(d_out[l], da)]
        if r is not None:
            deltas[l] = _rounded(r, DELTA, l, deltas[l])
    loss = fsum(errors) if r is None else r(LOSS, top, 0, fsum(errors))
    return SamplePass(nets, outs, errors, loss, d_out, d_act, deltas)


def sample_grads(shape: Shape, sp: SamplePass) -> tuple[list[Matrix], list[list[float]]]:
    """dLoss/dw = delta_u * out_j for every weight; dLoss/db = delta_u (shared: summed over the layer)."""
    r = shape.rounder
    gW = [[[du * oj for oj in prev] for du in deltas] for deltas, prev in zip(sp.deltas, sp.outs)]
    if r is not None:
        gW = [[_rounded(r, GRAD, l, row) for row in layer] for l, layer in enumerate(gW)]
    gB: list[list[float]] = []
    for l, (mode, deltas) in enumerate(zip(shape.bias_modes, sp.deltas)):
        if mode == "none":
            gB.append([])
        elif mode == "shared":
            gB.append([fsum(deltas) if r is None else r(GRAD, l, 0, fsum(deltas))])
        else:
            gB.append(list(deltas))
    return gW, gB


def input_grads(W: list[Matrix], sp: SamplePass, rounder: "Rounder | None" = None) -> list[float]:
    """dLoss/dx_i = sum_u w_ui delta_u over the first layer's units u, for each input i.

    Nothing else reads these: they exist for the walk-through (display.input_gradients), so the
    trainer never computes them and every other number stays the same. The rounder hook is told
    them as dLoss/dout of the input "layer" -1 (out.x being the input's value).
    """
    first, deltas = W[0], sp.deltas[0]
    values = [fsum([row[i] * du for row, du in zip(first, deltas)]) for i in range(len(sp.outs[0]))]
    return values if rounder is None else _rounded(rounder, DE_DOUT, -1, values)


def reduce_values(values: Sequence[float], reduction: str, rounder: "Rounder | None" = None) -> float:
    """Total over samples: sum, or mean."""
    total = fsum(values)
    total = total / len(values) if reduction == "mean" else total
    return total if rounder is None else rounder(TOTAL, -1, 0, total)


def reduce_grads(per_sample: Sequence[tuple[list[Matrix], list[list[float]]]], reduction: str,
                 rounder: "Rounder | None" = None) -> tuple[list[Matrix], list[list[float]]]:
    """The iteration's gradient from each sample's own: their sum, or their mean."""
    if len(per_sample) == 1 and reduction == "sum":
        return per_sample[0]
    first_W, first_B = per_sample[0]
    gW = [
        [
            [reduce_values([s[0][l][u][j] for s in per_sample], reduction, rounder) for j in range(len(row))]
            for u, row in enumerate(layer)
        ]
        for l, layer in enumerate(first_W)
    ]
    gB = [
        [reduce_values([s[1][l][i] for s in per_sample], reduction, rounder) for i in range(len(layer))]
        for l, layer in enumerate(first_B)
    ]
    return gW, gB


def apply_update(shape: Shape, W: list[Matrix], B: list[list[float]], gW: list[Matrix], gB: list[list[float]], lr: float) -> tuple[list[Matrix], list[list[float]]]:
    """p - lr * dTotal/dp for every weight, and for the biases of layers that train them."""
    newW = [[[w - lr * g for w, g in zip(row, grow)] for row, grow in zip(layer, glayer)] for layer, glayer in zip(W, gW)]
    newB = [
        [b - lr * g for b, g in zip(bl, gl)] if train else list(bl)
        for bl, gl, train in zip(B, gB, shape.train_bias)
    ]
    r = shape.rounder
    if r is not None:
        newW = [[_rounded(r, NEW, l, row) for row in layer] for l, layer in enumerate(newW)]
        newB = [_rounded(r, NEW, l, bl) for l, bl in enumerate(newB)]
    return newW, newB


def apply_sample_update(shape: Shape, W: list[Matrix], B: list[list[float]], sp: SamplePass, lr: float) -> tuple[list[Matrix], list[list[float]]]:
    """`apply_update` with one sample's own gradient, without building the gradient lists.

    Bit for bit the same as apply_update(..., *sample_grads(shape, sp), lr): each weight
    still becomes w - lr * (delta_u * out_j). The trainer uses it when an update follows
    from a single sample's loss (one sample, or update: per_sample).
    """
    newW = [
        [[w - lr * (du * oj) for w, oj in zip(row, prev)] for row, du in zip(layer, deltas)]
        for layer, deltas, prev in zip(W, sp.deltas, sp.outs)
    ]
    newB: list[list[float]] = []
    for bl, deltas, mode, train in zip(B, sp.deltas, shape.bias_modes, shape.train_bias):
        if not train or mode == "none":
            newB.append(list(bl))
        elif mode == "shared":
            newB.append([bl[0] - lr * fsum(deltas)])
        else:
            newB.append([b - lr * du for b, du in zip(bl, deltas)])
    return newW, newB


def decimal_round(decimals: int) -> Callable[[float], float]:
    """Round a number to `decimals` decimals, half up, as written by hand.

    The number is rounded as its shortest decimal form reads (0.40865 -> 0.4087), not as its
    binary value (which may be 0.408649999...).
    """
    from decimal import ROUND_HALF_UP, Context, Decimal

    quantum = Decimal(1).scaleb(-decimals)
    # The default 28 digits cannot hold 1e20 to 15 decimals (quantize raises InvalidOperation);
    # 309 integer digits (the largest double) plus the decimals always fit.
    context = Context(prec=309 + max(decimals, 0))

    def rnd(value: float) -> float:
        if value != value or value in (math.inf, -math.inf):
            return value
        return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP, context=context))

    return rnd


def decimal_rounder(decimals: int) -> Rounder:
    """The rounder hook that rounds every intermediate, whatever its kind, as `decimal_round` does."""
    rnd = decimal_round(decimals)
    return lambda kind, layer, unit, value: rnd(value)
