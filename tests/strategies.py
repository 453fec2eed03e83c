"""Hypothesis strategies that build random, valid `Scenario` objects directly in code.

The networks are small (1-3 layers of 1-4 units, 1-3 inputs, 1-3 samples) and their numbers
moderate (|w|, |b|, |x| <= 2), so that central finite differences are well conditioned. Names
follow the scenario format's defaults: inputs x1.., hidden units h1.. numbered on across the
hidden layers, outputs o1.., weights w1..wk row by row and layer by layer, biases b<layer>
(shared) or b<layer>_<unit> (per_unit), layers and units counted from 1.

Every activation and loss is drawn from the registries of `bpwalk.ops`, so that a new entry
is covered without a change here. `scenarios()` never returns a network that sits on a kink
(an activation whose f′ jumps at 0, relu and leaky_relu): an example whose net is within
`KINK` of 0 at a unit of such a layer is rejected with `assume`; by default it also rejects
cross-entropy examples whose logarithms are ill conditioned (see `probabilities_conditioned`).
"""

from __future__ import annotations

from typing import Sequence

from hypothesis import assume
from hypothesis import strategies as st

import bpwalk.engine.passes as engine
from dataclasses import replace

from bpwalk.ops import ACTIVATIONS, LOSSES, OPTIMIZERS
from bpwalk.scenario import Layer, OptimizerSettings, Regularization, Sample, Scenario

HIDDEN_ACTIVATIONS: tuple[str, ...] = tuple(name for name, a in ACTIVATIONS.items() if not a.output_only)
OUTPUT_ACTIVATIONS: tuple[str, ...] = tuple(ACTIVATIONS)
PLAIN_LOSSES: tuple[str, ...] = tuple(name for name, loss in LOSSES.items() if not loss.needs_probability)
PROBABILITY_LOSSES: tuple[str, ...] = tuple(name for name, loss in LOSSES.items() if loss.needs_probability)
PROBABILITY_OUTPUTS: tuple[str, ...] = tuple(name for name, a in ACTIVATIONS.items() if a.probability)
KINKED: tuple[str, ...] = tuple(name for name, a in ACTIVATIONS.items() if a.kinked)
BIAS_MODES: tuple[str, ...] = ("none", "shared", "per_unit")

KINK = 1e-3          # reject |net| below this at relu / leaky_relu units
PROBABILITY_MARGIN = 1e-4   # reject outputs within this of a pole of the loss at 1 (ln(1 - o))
ZERO_MARGIN = 1e-8          # ... and within this of a pole at 0 (ln o)
LIMIT = 2.0          # |w|, |b|, |x| <= LIMIT
PARAMETER_RANGE = (0.001, 0.9)   # an activation's parameter (leaky_relu's slope) is drawn from here


def numbers(limit: float = LIMIT) -> st.SearchStrategy[float]:
    """A moderate finite double: no nan, no inf, no subnormal."""
    return st.floats(-limit, limit, allow_nan=False, allow_infinity=False, allow_subnormal=False)


def unit_names(sizes: Sequence[int]) -> list[tuple[str, ...]]:
    """Default unit names: hidden units h1.. numbered on across the hidden layers, outputs o1.."""
    names: list[tuple[str, ...]] = []
    hidden = 0
    for l, size in enumerate(sizes):
        if l == len(sizes) - 1:
            names.append(tuple(f"o{u + 1}" for u in range(size)))
        else:
            names.append(tuple(f"h{hidden + u + 1}" for u in range(size)))
            hidden += size
    return names


def weight_names(sizes: Sequence[int], n_inputs: int) -> list[tuple[tuple[str, ...], ...]]:
    """Default weight names: w1..wk over the whole network, row by row, layer by layer."""
    names = []
    k = 0
    prev = n_inputs
    for size in sizes:
        rows = []
        for _ in range(size):
            rows.append(tuple(f"w{k + j + 1}" for j in range(prev)))
            k += prev
        names.append(tuple(rows))
        prev = size
    return names


def bias_names(mode: str, layer: int, size: int) -> tuple[str, ...]:
    """Default bias names of layer `layer` (1-based): b<layer> or b<layer>_<unit>."""
    if mode == "none":
        return ()
    if mode == "shared":
        return (f"b{layer}",)
    return tuple(f"b{layer}_{u + 1}" for u in range(size))


def kink_free(scenario: Scenario, nets: Sequence[Sequence[float]]) -> bool:
    """Whether no net of a relu / leaky_relu layer lies within KINK of 0 (`nets[l][u]`, layer l)."""
    return all(
        abs(z) >= KINK
        for layer, layer_nets in zip(scenario.layers, nets)
        if layer.activation in KINKED
        for z in layer_nets
    )


def probabilities_conditioned(scenario: Scenario, outputs: Sequence[float]) -> bool:
    """Whether a cross-entropy's logarithms are well conditioned at these output values.

    ln(1 - o) near o = 1 loses digits (1 - o is exact, but o was rounded near 1: with
    1 - o = 3e-7 the loss is off by ~4e-10, and a difference quotient with h = 1e-6 by ~4e-4);
    at o = 1 it is infinite. A loss with a pole at 1 (`binary_cross_entropy`) therefore needs
    o <= 1 - 1e-4, and one with a pole at 0 (both cross-entropies) o >= 1e-8, where o itself
    keeps its digits.
    """
    poles = LOSSES[scenario.loss].poles
    return all(abs(o - pole) >= (ZERO_MARGIN if pole == 0.0 else PROBABILITY_MARGIN) for pole in poles for o in outputs)


def initially_conditioned(scenario: Scenario, probabilities: bool = True) -> bool:
    """`kink_free` (and `probabilities_conditioned`) for every sample at the initial parameters."""
    shape = engine.Shape.of(scenario)
    W, B = engine.initial_parameters(scenario)
    for s in scenario.samples:
        sp = engine.sample_pass(shape, W, B, s.inputs, s.targets)
        if not kink_free(scenario, sp.nets):
            return False
        if probabilities and not probabilities_conditioned(scenario, sp.outs[-1]):
            return False
    return True


def targets_for(loss: str, count: int) -> st.SearchStrategy[tuple[float, ...]]:
    """Targets a loss accepts (its registry entry's range: [0, 1] for binary cross-entropy, >= 0
    for cross-entropy), its ends drawn often."""
    accepted = LOSSES[loss].targets
    if accepted is None:
        one = numbers()
    else:
        high = LIMIT if accepted.high is None else accepted.high
        ends = tuple(x for x in (accepted.low, accepted.high) if x is not None)
        one = st.one_of(st.sampled_from(ends), st.floats(accepted.low, high, allow_subnormal=False))
    return st.tuples(*[one] * count)


def _parameter(draw: st.DrawFn, act: str) -> dict[str, float]:
    """The activation's parameter as a Layer field, drawn (empty: the layer keeps the default)."""
    param = ACTIVATIONS[act].param
    return {} if param is None else {param.key: draw(st.floats(*PARAMETER_RANGE))}


@st.composite
def scenarios(
    draw: st.DrawFn,
    update: str | None = None,
    reduction: str | None = None,
    min_samples: int = 1,
    max_samples: int = 3,
    max_layers: int = 3,
    min_layers: int = 1,
    max_units: int = 4,
    max_inputs: int = 3,
    output_activation: str | None = None,
    loss: str | None = None,
    conditioned: bool = True,
) -> Scenario:
    """A random valid scenario; keyword arguments pin a choice that is otherwise drawn.

    Examples at a relu kink are always rejected; with `conditioned` (for finite differences)
    so are those whose cross-entropy logarithms are ill conditioned, which without it are
    kept (some of them overflow: log of 0).
    """
    n_inputs = draw(st.integers(1, max_inputs))
    n_layers = draw(st.integers(min_layers, max_layers))
    sizes = [draw(st.integers(1, max_units)) for _ in range(n_layers)]
    hidden_acts = [draw(st.sampled_from(HIDDEN_ACTIVATIONS)) for _ in range(n_layers - 1)]
    # sigmoid and softmax outputs (the only ones the cross-entropies accept) are drawn more often
    out_act = output_activation or draw(st.sampled_from(PROBABILITY_OUTPUTS + OUTPUT_ACTIVATIONS))
    activations = hidden_acts + [out_act]
    if loss is None:
        if out_act in PROBABILITY_OUTPUTS:
            loss = draw(st.one_of(st.sampled_from(PROBABILITY_LOSSES), st.sampled_from(PLAIN_LOSSES)))
        else:
            loss = draw(st.sampled_from(PLAIN_LOSSES))

    inputs = tuple(f"x{j + 1}" for j in range(n_inputs))
    units = unit_names(sizes)
    wnames = weight_names(sizes, n_inputs)
    layers = []
    prev = n_inputs
    for l, (size, act) in enumerate(zip(sizes, activations)):
        weights = tuple(tuple(draw(numbers()) for _ in range(prev)) for _ in range(size))
        mode = draw(st.sampled_from(BIAS_MODES))
        names = bias_names(mode, l + 1, size)
        biases = tuple(draw(numbers()) for _ in names)
        layers.append(Layer(
            units=units[l],
            activation=act,
            weights=weights,
            weight_names=wnames[l],
            bias=mode,
            biases=biases,
            bias_names=names,
            train_bias=draw(st.booleans()) if mode != "none" else True,
            **_parameter(draw, act),
        ))
        prev = size

    n_samples = draw(st.integers(min_samples, max_samples))
    samples = tuple(
        Sample(
            inputs=tuple(draw(numbers()) for _ in range(n_inputs)),
            targets=draw(targets_for(loss, sizes[-1])),
        )
        for _ in range(n_samples)
    )
    scenario = Scenario(
        title="hypothesis",
        inputs=inputs,
        layers=tuple(layers),
        samples=samples,
        learning_rate=draw(st.floats(0.01, 1.0)),
        loss=loss,
        reduction=reduction or draw(st.sampled_from(("sum", "mean"))),
        update=update or draw(st.sampled_from(("batch", "per_sample"))),
    )
    assume(initially_conditioned(scenario, probabilities=conditioned))
    return scenario


def _option_value(draw: st.DrawFn, key: str) -> float:
    """An option of an optimizer in its allowed range (its end 0 drawn too, where allowed)."""
    if key in ("momentum", "alpha", "beta1"):
        return draw(st.one_of(st.just(0.0), st.floats(0.0, 0.99)))
    if key == "beta2":
        return draw(st.floats(0.5, 0.999))
    if key == "eps":
        return draw(st.floats(1e-8, 1e-3))
    return draw(st.floats(0.0, 0.1))   # weight_decay


@st.composite
def trained_scenarios(draw: st.DrawFn, optimizer: str | None = None, update: str | None = None,
                      regularized: bool | None = None, **kwargs) -> Scenario:
    """A random scenario with Addition A's keys: an optimizer and its options, maybe a penalty, an update mode."""
    sc = draw(scenarios(update="batch", **kwargs))
    name = optimizer or draw(st.sampled_from(tuple(OPTIMIZERS)))
    entry = OPTIMIZERS[name]
    options = tuple((o.key, _option_value(draw, o.key) if draw(st.booleans()) else o.default) for o in entry.options)
    mode = update or draw(st.sampled_from(("batch", "per_sample", "minibatch")))
    batch_size = draw(st.integers(1, len(sc.samples))) if mode == "minibatch" else None
    if regularized is None:
        regularized = draw(st.booleans())
    reg = Regularization(draw(st.floats(0.0, 0.1)), draw(st.booleans())) if regularized else None
    return replace(sc, optimizer=OptimizerSettings(name, options), update=mode, batch_size=batch_size,
                   regularization=reg, iterations=draw(st.integers(1, 3)))
