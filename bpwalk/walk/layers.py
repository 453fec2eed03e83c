"""The grouped styles' vocabulary: which layer a unit or parameter is in, and how vectors are named.

The matrix style writes each layer's quantities as one vector or matrix, as seed document
002 does for its 2-2-2 network:

    X                the input vector (always)
    W₁, W₂, ...      layer l's weight matrix, row u = the weights into unit u
    b⁽¹⁾, b⁽²⁾, ...  layer l's biases (a vector; one number with bias: shared)
    H, A             the hidden layer's pre-activation and activation (two layers)
    h, a             the output layer's (one or two layers)
    Z⁽ˡ⁾, A⁽ˡ⁾       pre-activation and activation of layer l in deeper networks; the letters
                     follow display.symbols when they are single letters (net/out, longer
                     names or empty ones, fall back to Z and A)
    δ(l)             ∂J/∂(pre-activation of layer l), with the scenario's delta symbol
    t                the target vector (display.symbols.target, when set)

The forms below write one equation of a layer in vector notation (⊗: element by element,
⊘: element-wise division). Each takes its vectors as opaque pieces and returns the equation
as a list of strings and pieces, so that the same form prints once with names (the general
formula) and once with bracketed numbers (the substituted one). Names are `Sym`s, spelled for
text and for LaTeX. Nothing here imports rich.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence, TypeVar

from bpwalk.engine.steps import ref
from bpwalk.formula.notation import Notation, latex_letters
from bpwalk.ops import ACTIVATIONS, LOSSES
from bpwalk.scenario import Scenario
from bpwalk.walk.page import Sym

P = TypeVar("P")
Form = list  # a list of str and pieces, read left to right

SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def superscript(n: int) -> str:
    return str(n).translate(SUPERSCRIPT)


def subscript(n: int) -> str:
    return str(n).translate(SUBSCRIPT)


@dataclass(frozen=True)
class LayerIndex:
    """Which layer (0-based) each unit and parameter belongs to."""

    unit_layer: dict[str, int]
    param_layer: dict[str, int]
    biases: frozenset[str]
    inputs: tuple[str, ...] = ()     # "layer -1", in order: their dLoss/dx (display.input_gradients)

    @classmethod
    def of(cls, scenario: Scenario) -> "LayerIndex":
        units: dict[str, int] = {}
        params: dict[str, int] = {}
        biases: set[str] = set()
        for l, layer in enumerate(scenario.layers):
            units.update((u, l) for u in layer.units)
            for row in layer.weight_names:
                params.update((w, l) for w in row)
            params.update((b, l) for b in layer.bias_names)
            biases.update(layer.bias_names)
        return cls(units, params, frozenset(biases), tuple(scenario.inputs))

    def of_step(self, quantity: str) -> int:
        """The layer a step's quantity is about: its unit's, or its parameter's (-1 for an input's)."""
        name = ref(quantity).unit
        if name in self.inputs:
            return -1
        if name in self.unit_layer:
            return self.unit_layer[name]
        return self.param_layer[name]


@dataclass(frozen=True)
class MatrixNames:
    """Names of the vectors and matrices of a network with `layers` layers (l is 0-based here)."""

    layers: int
    pre_symbol: str
    act_symbol: str
    delta_symbol: str
    target_symbol: str

    @classmethod
    def of(cls, scenario: Scenario, notation: Notation) -> "MatrixNames":
        pre, act = notation.sym("pre_activation"), notation.sym("activation")
        return cls(
            layers=len(scenario.layers),
            pre_symbol=pre.upper() if len(pre) == 1 else "Z",
            act_symbol=act.upper() if len(act) == 1 else "A",
            delta_symbol=notation.sym("delta") or "δ",
            target_symbol=scenario.display.symbol("target", "t") or "t",
        )

    @property
    def document(self) -> bool:
        """Two layers or fewer: the document's X, H, A, h, a."""
        return self.layers <= 2

    def _layer(self, letter: str, l: int) -> Sym:
        return Sym(f"{letter}⁽{superscript(l + 1)}⁾", f"{latex_letters(letter)}^{{({l + 1})}}")

    def pre(self, l: int) -> Sym:
        if self.document:
            return _plain("h" if l == self.layers - 1 else "H")
        return self._layer(self.pre_symbol, l)

    def act(self, l: int) -> Sym:
        """The activation vector of layer l; layer -1 is the input X."""
        if l < 0:
            return _plain("X")
        if self.document:
            return _plain("a" if l == self.layers - 1 else "A")
        return self._layer(self.act_symbol, l)

    def weights(self, l: int) -> Sym:
        return Sym(f"W{subscript(l + 1)}", f"W_{{{l + 1}}}")

    def bias(self, l: int) -> Sym:
        return Sym(f"b⁽{superscript(l + 1)}⁾", f"b^{{({l + 1})}}")

    def delta(self, l: int) -> Sym:
        return Sym(f"{self.delta_symbol}({l + 1})", f"{latex_letters(self.delta_symbol)}^{{({l + 1})}}")

    def target(self) -> Sym:
        return _plain(self.target_symbol)


def _plain(letters: str) -> Sym:
    return Sym(letters, latex_letters(letters))


# -- vector forms: each activation's and loss's own, from its registry entry -----------------

def _param_symbol(act: str) -> str:
    p = ACTIVATIONS[act].param
    return p.symbol if p is not None else ""


def activation_form(act: str, z: P, p: P | str | None = None) -> Form:
    """a = f(z) for a whole layer (p: the value of its parameter, if it takes one; default its symbol)."""
    return ACTIVATIONS[act].form(z, _param_symbol(act) if p is None else p)


def derivative_form(act: str, a: P, z: P, p: P | str | None = None) -> tuple[Form, bool]:
    """f′(z) for a whole layer, written with a where the derivative uses the output.

    Returns:
        The form, and whether it needs parentheses as a factor of a ⊗ product.
    """
    d_form = ACTIVATIONS[act].d_form
    if d_form is None:
        raise ValueError(f"{act} has no element-wise derivative")
    return d_form(a, z, _param_symbol(act) if p is None else p)


def layer_delta_form(act: str, a: P, g: P) -> Form:
    """δ of a layer-wise activation (softmax: its Jacobian diag(a) − a·aᵀ times ∂J/∂a)."""
    delta_form = ACTIVATIONS[act].delta_form
    if delta_form is None:
        raise ValueError(f"{act} is element-wise: δ = ∂J/∂a ⊗ f′(z)")
    return delta_form(a, g)


def loss_derivative_form(loss: str, a: P, t: P, k: P | str = "K", error: bool = False) -> Form:
    """∂J/∂a for the output vector; `error`: −∂J/∂a, as the error convention writes it (t − a)."""
    entry = LOSSES[loss]
    if not error:
        return entry.d_form(a, t, k)
    return entry.error_form(a, t, k) if entry.error_form is not None else ["−(", *entry.d_form(a, t, k), ")"]


def loss_form(loss: str, a: P, t: P, k: P | str = "K") -> Form:
    """The loss of one sample as a sum over the output vector."""
    return LOSSES[loss].form(a, t, k)


def symbol(act: str) -> str:
    """The activation's name in f(z) and f′(z): σ for the logistic function, as the documents write it."""
    return ACTIVATIONS[act].symbol


def parenthesized(form: Form, needed: bool) -> Form:
    return ["(", *form, ")"] if needed else form


def needs_parentheses(form: Sequence[object]) -> bool:
    """Whether a form is more than one term or factor (so a product must bracket it)."""
    return len(form) > 1 or (bool(form) and isinstance(form[0], str) and form[0].startswith("−"))
