"""Mistake models that change the mathematics: the loss's factors, f', the weights used.

Each recomputes the scenario as someone who made that mistake would have, and reports the
mistake when the printed number comes out (see `bpwalk.check.mistakes` for the order they are
tried in).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Mapping

from bpwalk.engine.passes import Kind
from bpwalk.ops import ACTIVATIONS
from bpwalk.check.recompute import Context, Printed, Scale, WrongDerivative, WrongFormula

# -- the ½ and the 2 of the squared error ------------------------------------------------------

# per loss: (what changes, how, the cause's key in the words tables). "loss": computed with
# another loss throughout; "scale": only dLoss/dout of the output units multiplied (the loss
# itself printed right).
LOSS_SLIPS: Mapping[str, tuple[tuple[str, object, str], ...]] = {
    "half_sse": (
        ("loss", "sse", "half_dropped"),                       # E = (t − o)², so ∂E/∂o = 2(o − t)
        ("scale", 0.5, "two_dropped_half_sse"),                # ∂E/∂o = ½(o − t)
        ("scale", 2.0, "half_dropped_derivative"),             # ∂E/∂o = 2(o − t)
    ),
    "sse": (
        ("scale", 0.5, "two_dropped_sse"),                     # ∂E/∂o = o − t
        ("loss", "half_sse", "half_added"),                    # E = ½(t − o)²
    ),
    "mse": (
        ("scale", 0.5, "two_dropped_mse"),                     # ∂E/∂o = (o − t)/K
    ),
}


def squared_error_factor(ctx: Context, p: Printed) -> str | None:
    """The ½ or the factor 2 of the squared error dropped (or added), in the loss or its derivative."""
    top = len(ctx.scenario.layers) - 1
    for what, how, cause in LOSS_SLIPS.get(ctx.scenario.loss, ()):
        if what == "loss":
            trace = ctx.replay(f"loss {how}", scenario=replace(ctx.scenario, loss=str(how)))
        else:
            factor = float(how)  # type: ignore[arg-type]
            trace = ctx.replay(f"dE_dout x{factor}", lambda: Scale(Kind.DE_DOUT, top, factor))
        value = ctx.value_in(trace, p)
        if value is not None and p.matches(value):
            return ctx.say(cause)
    return None


# -- f' applied to the wrong value ---------------------------------------------------------------

# the slips known for the activations whose f' is written with out (the registry's f and f' text)
_sigmoid, _tanh = ACTIVATIONS["sigmoid"].f, ACTIVATIONS["tanh"].f
assert _sigmoid is not None and _tanh is not None
# (the wrong f' as a cause writes it, whether it is f' itself taken at out, the formula)
# (MISSING: the factor f' left out of the chain altogether, as if it were 1)
MISSING = ""
WRONG_DERIVATIVES: Mapping[str, tuple[tuple[str, bool, WrongFormula], ...]] = {
    "sigmoid": (
        (MISSING, False, lambda net, out: 1.0),
        ("1 − out", False, lambda net, out: 1.0 - out),
        ("out", False, lambda net, out: out),
        ("net·(1 − net)", False, lambda net, out: net * (1.0 - net)),
        ("σ(out)·(1 − σ(out))", True, lambda net, out: _sigmoid(out) * (1.0 - _sigmoid(out))),
    ),
    "tanh": (
        (MISSING, False, lambda net, out: 1.0),
        ("1 − net²", False, lambda net, out: 1.0 - net * net),
        ("1 − out", False, lambda net, out: 1.0 - out),
        ("1 − tanh(out)²", True, lambda net, out: 1.0 - _tanh(out) ** 2),
    ),
}


def _layer_name(ctx: Context, layers: frozenset[int]) -> str:
    scenario = ctx.scenario
    if len(layers) > 1:
        return ctx.say("every_layer", activation=scenario.layers[min(layers)].activation)
    l = next(iter(layers))
    units = scenario.layers[l].units
    if len(units) <= 4:
        return ctx.say("layer_units", n=l + 1, units=", ".join(units))
    return ctx.say("layer", n=l + 1)


def digit_slip(ctx: Context, text: str, decimals: int, value: float) -> str | None:
    """How the printed `text` differs from `value` by one mistyped digit or two swapped ones.

    None when it does not, when fewer than three significant digits are printed (those match
    too much by chance), or when only the last digit is off by one (a rounding question).
    """
    text = text.strip()
    if "e" in text.lower() or (text.startswith("-") != (value < 0)):
        return None
    printed = text.lstrip("+-")
    right = f"{abs(value):.{decimals}f}"
    if len(printed) != len(right) or len(printed.replace(".", "").lstrip("0")) < 3:
        return None
    diff = [i for i, (a, b) in enumerate(zip(printed, right)) if a != b]
    shown = ("-" if value < 0 else "") + right
    if len(diff) == 1:
        i = diff[0]
        if i == len(printed) - 1 and abs(int(printed[i]) - int(right[i])) == 1:
            return None
        return ctx.say("digit", right=right[i], printed=printed[i], value=shown)
    if (len(diff) == 2 and diff[1] == diff[0] + 1 and printed[diff[0]] == right[diff[1]]
            and printed[diff[1]] == right[diff[0]]):
        return ctx.say("digits_swapped", value=shown)
    return None


def _wrong_derivative_values(ctx: Context, p: Printed):
    """(cause, the printed quantity recomputed with that wrong f') for every wrong f' and scope."""
    sc = ctx.scenario
    for act, slips in WRONG_DERIVATIVES.items():
        layers = [l for l, layer in enumerate(sc.layers) if layer.activation == act]
        scopes = [frozenset([l]) for l in layers] + ([frozenset(layers)] if len(layers) > 1 else [])
        for wrong, at_out, formula in slips:
            for scope in scopes:
                name = f"f' {act} {wrong} in {sorted(scope)}"
                trace = ctx.replay(name, lambda: WrongDerivative(scope, formula))
                value = ctx.value_in(trace, p)
                if value is not None:
                    entry = ACTIVATIONS[act]
                    symbol = f"{entry.symbol}′"
                    if wrong == MISSING:
                        yield ctx.say("derivative_missing", symbol=symbol, right=entry.df_text,
                                      where=_layer_name(ctx, scope)), value
                        continue
                    written = ctx.say("taken_at_out", formula=wrong, symbol=symbol) if at_out else wrong
                    yield ctx.say("wrong_derivative", symbol=symbol, wrong=written, right=entry.df_text,
                                  where=_layer_name(ctx, scope)), value


def derivative_at_wrong_value(ctx: Context, p: Printed) -> str | None:
    """f' left out, or computed from the wrong value: 1 − out or out alone, net where out belongs, f' at out.

    For sigmoid and tanh layers; each wrong formula is tried in one layer at a time, then in
    every layer of that activation at once.
    """
    for cause, value in _wrong_derivative_values(ctx, p):
        if p.matches(value):
            return cause
    return None


def mistyped_wrong_derivative(ctx: Context, p: Printed) -> str | None:
    """Two mistakes: f' applied to the wrong value, and that number then written with a digit slip."""
    for cause, value in _wrong_derivative_values(ctx, p):
        slip = digit_slip(ctx, p.expect.text, p.expect.decimals, value)
        if slip is not None:
            return ctx.say("two", cause=ctx.say("then", cause=cause, slip=slip))
    return None


# -- swapped weight indices --------------------------------------------------------------------

def swapped_indices(ctx: Context, p: Printed) -> str | None:
    """w_uj taken for w_ju: the gradient or update of the index-swapped weight, or a replay with
    one pair of weights exchanged (or a square weight matrix transposed) in a layer."""
    sc = ctx.scenario
    kind, name = p.expect.kind, p.expect.name
    if kind in ("grad", "new") and name in ctx.locations.weights:
        l, u, j = ctx.locations.weights[name]
        names = sc.layers[l].weight_names
        if u != j and j < len(names) and u < len(names[j]):
            other = names[j][u]
            value = ctx.trace.value(f"{kind}.{other}", p.expect.iteration, p.expect.sample, p.expect.batch)
            if p.matches(value):
                return ctx.say("swapped_value", other=f"{kind}.{other}", key=p.expect.key)
    for l, layer in enumerate(sc.layers):
        W, names = layer.weights, layer.weight_names
        pairs = [(u, j) for u in range(len(W)) for j in range(u + 1, len(W[u])) if j < len(W) and u < len(W[j])]
        pairs = [(u, j) for u, j in pairs if W[u][j] != W[j][u]]
        # (the replay's name, the cause, the weights changed)
        variants = [(f"swap {names[u][j]} {names[j][u]}", ctx.say("swapped_pair", a=names[u][j], b=names[j][u]),
                     {names[u][j]: W[j][u], names[j][u]: W[u][j]}) for u, j in pairs]
        if len(pairs) > 1 and len(W) == len(W[0]):
            variants.insert(0, (f"transpose layer {l + 1}", ctx.say("transposed", n=l + 1),
                                {names[u][j]: W[j][u] for u in range(len(W)) for j in range(len(W))}))
        for name, cause, values in variants:
            trace = ctx.replay(name, scenario=sc.with_parameters(values))
            value = ctx.value_in(trace, p)
            if value is not None and p.matches(value):
                return cause
    return None
