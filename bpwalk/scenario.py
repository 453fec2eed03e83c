"""A scenario: the network, its parameters, the samples and how to train, as frozen data.

`load_scenario(path)` reads and validates a YAML file (see docs/scenario-format.md); every
rule lives in `bpwalk.read.validate`, so that a `Scenario` that exists is always a valid one.
Indices are 0-based everywhere in code.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

BiasMode = Literal["none", "shared", "per_unit"]

# The activations and losses are the registries of bpwalk.ops (Layer.activation and
# Scenario.loss hold their names).
BIAS_MODES: tuple[str, ...] = ("none", "shared", "per_unit")
REDUCTIONS: tuple[str, ...] = ("sum", "mean")
UPDATES: tuple[str, ...] = ("batch", "per_sample", "minibatch")
STYLES: tuple[str, ...] = ("scalar", "matrix", "delta")
LANGS: tuple[str, ...] = ("en", "zh")
# display.convention: how δ and the update are written. gradient: δ = ∂E/∂net (the spec's
# delta, as Mazur); error: δ = −∂E/∂net = (t − o)·f′(net) and Δw = η·δ·x (as Mitchell)
CONVENTIONS: tuple[str, ...] = ("gradient", "error")
SYMBOL_KEYS: tuple[str, ...] = (
    "input", "pre_activation", "activation", "target", "error", "loss", "total_loss", "delta",
    "learning_rate",
)

MAX_PARAMETERS = 100_000
MAX_SAMPLES = 10_000
MAX_ITERATIONS = 1_000_000
MAX_STEPS = 2_000_000


@dataclass(frozen=True)
class Layer:
    """One layer of units, fully connected to the previous layer (or the inputs).

    `weights[u][j]` connects unit u of this layer to unit j of the previous one, and is named
    `weight_names[u][j]`. `biases` has 0 entries (bias none), 1 (shared) or one per unit.
    """

    units: tuple[str, ...]
    activation: str
    weights: tuple[tuple[float, ...], ...]
    weight_names: tuple[tuple[str, ...], ...]
    bias: str = "none"
    biases: tuple[float, ...] = ()
    bias_names: tuple[str, ...] = ()
    train_bias: bool = True
    leaky_slope: float = 0.01   # leaky_relu's parameter (bpwalk.ops.activations.SLOPE); its default elsewhere

    def bias_index(self, u: int) -> int | None:
        """Index into `biases` of the bias that unit u adds, or None."""
        if self.bias == "none":
            return None
        return 0 if self.bias == "shared" else u


@dataclass(frozen=True)
class Sample:
    inputs: tuple[float, ...]
    targets: tuple[float, ...]


@dataclass(frozen=True)
class Display:
    style: str = "scalar"
    precision: int = 9
    lang: str = "en"
    symbols: tuple[tuple[str, str], ...] = ()
    # bpwalk's addition: the backward pass goes on to dLoss/dx of each input (`dinput.X`)
    input_gradients: bool = False
    convention: str = "gradient"

    def symbol(self, name: str, default: str) -> str:
        return dict(self.symbols).get(name, default)


@dataclass(frozen=True)
class OptimizerSettings:
    """`optimizer:` (Addition A): a name of bpwalk.ops.OPTIMIZERS and every option it takes, defaults filled in."""

    name: str = "sgd"
    options: tuple[tuple[str, float], ...] = ()

    def option(self, key: str) -> float:
        return dict(self.options)[key]


@dataclass(frozen=True)
class Regularization:
    """`regularization:` (Addition A): the L2 penalty (λ/2)·Σ p², over the weights and optionally the trained biases."""

    l2: float
    biases: bool = False


@dataclass(frozen=True)
class Expect:
    """A number the source document printed, with the text it was printed as."""

    key: str
    value: float
    text: str                 # the scalar as written ("0.5110"): its decimals set the tolerance
    iteration: int = 1
    sample: int | None = None
    note: str = ""
    line: int = 0             # where the entry stands in the file, 1-based (0: unknown)
    erratum: str = ""         # extension: why the document's number is wrong
    correct: float | None = None   # extension: the right value, at the precision of correct_text
    correct_text: str = ""
    batch: int | None = None  # with update: minibatch, the batch of an update key (1-based)

    @property
    def kind(self) -> str:
        """The kind of quantity the key names: `grad` for grad.w5, `final` for final.out.o1, the
        whole key for loss and total_loss (the scenario format's grammar of keys)."""
        return self.key.partition(".")[0]

    @property
    def name(self) -> str:
        """The unit or parameter the key is about: w5 for grad.w5 ("" for loss, total_loss, final.*)."""
        kind, _, name = self.key.partition(".")
        return name if kind != "final" else ""

    @property
    def decimals(self) -> int:
        """Decimals as written: `0.5110` -> 4, `1.5e-3` -> 4, `4` -> 0."""
        return decimals_of(self.text)

    @property
    def tolerance(self) -> float:
        return tolerance_of(self.text)

    def agrees(self, computed: float) -> bool:
        """Whether the printed value agrees with `computed` at the precision it was printed."""
        return abs(computed - self.value) <= self.tolerance

    def correct_agrees(self, computed: float) -> bool:
        """Whether the stated correction agrees with `computed` at the precision it was written."""
        return self.correct is not None and abs(computed - self.correct) <= tolerance_of(self.correct_text)


def decimals_of(text: str) -> int:
    """Decimals of a number as written: `0.5110` -> 4, `1.5e-3` -> 4, `4` -> 0."""
    text = text.strip().lower().lstrip("+-")
    mantissa, _, exponent = text.partition("e")
    _, _, frac = mantissa.partition(".")
    return max(0, len(frac) - (int(exponent) if exponent else 0))


def tolerance_of(text: str) -> float:
    """Half a unit of the last decimal written (plus 1e-12 for binary rounding)."""
    return 0.5 * 10.0 ** (-decimals_of(text)) + 1e-12


@dataclass(frozen=True)
class Scenario:
    title: str
    inputs: tuple[str, ...]
    layers: tuple[Layer, ...]
    samples: tuple[Sample, ...]
    learning_rate: float
    loss: str = "half_sse"
    reduction: str = "sum"
    update: str = "batch"
    iterations: int = 1
    description: str = ""
    source: str = ""
    display: Display = field(default_factory=Display)
    expect: tuple[Expect, ...] = ()
    path: str = ""            # the file it was read from ("" when built in code)
    # Addition A: None where the file does not give them (plain gradient descent, no penalty)
    batch_size: int | None = None
    optimizer: OptimizerSettings | None = None
    regularization: Regularization | None = None

    @property
    def extended(self) -> bool:
        """Whether the file uses any key of Addition A (optimizer, regularization, minibatch)."""
        return self.optimizer is not None or self.regularization is not None or self.update == "minibatch"

    @property
    def optimizer_settings(self) -> OptimizerSettings:
        return self.optimizer or OptimizerSettings()

    def batches(self) -> tuple[tuple[int, ...], ...]:
        """The samples of each update of an iteration, 0-based, in file order."""
        n = len(self.samples)
        if self.update == "batch":
            return (tuple(range(n)),)
        size = 1 if self.update == "per_sample" else (self.batch_size or n)
        return tuple(tuple(range(i, min(i + size, n))) for i in range(0, n, size))

    def penalised_parameters(self) -> frozenset[str]:
        """The parameters in the L2 penalty: every weight, and the trained biases with `biases: true`."""
        if self.regularization is None:
            return frozenset()
        names: set[str] = set()
        for layer in self.layers:
            for row in layer.weight_names:
                names.update(row)
            if layer.train_bias and self.regularization.biases:
                names.update(layer.bias_names)
        return frozenset(names)

    @property
    def outputs(self) -> tuple[str, ...]:
        return self.layers[-1].units

    def parameter_names(self) -> tuple[str, ...]:
        """Every weight and bias name, layer by layer: weights row by row, then biases."""
        names: list[str] = []
        for layer in self.layers:
            for row in layer.weight_names:
                names.extend(row)
            names.extend(layer.bias_names)
        return tuple(names)

    def parameters(self) -> dict[str, float]:
        """Every weight and bias by name, in `parameter_names()` order."""
        values: dict[str, float] = {}
        for layer in self.layers:
            for names, row in zip(layer.weight_names, layer.weights):
                values.update(zip(names, row))
            values.update(zip(layer.bias_names, layer.biases))
        return values

    def trained_parameters(self) -> frozenset[str]:
        """The names the update step changes: every weight, and the biases of layers with train_bias."""
        names: set[str] = set()
        for layer in self.layers:
            for row in layer.weight_names:
                names.update(row)
            if layer.train_bias:
                names.update(layer.bias_names)
        return frozenset(names)

    def parameter_count(self) -> int:
        return sum(len(row) for layer in self.layers for row in layer.weights) + sum(
            len(layer.biases) for layer in self.layers
        )

    def with_iterations(self, iterations: int) -> "Scenario":
        return replace(self, iterations=iterations)

    def with_parameters(self, values: dict[str, float]) -> "Scenario":
        """The same scenario with some weights and biases replaced by name."""
        layers = []
        for layer in self.layers:
            weights = tuple(
                tuple(values.get(n, w) for n, w in zip(names, row))
                for names, row in zip(layer.weight_names, layer.weights)
            )
            biases = tuple(values.get(n, b) for n, b in zip(layer.bias_names, layer.biases))
            layers.append(replace(layer, weights=weights, biases=biases))
        return replace(self, layers=tuple(layers))
