"""Each operation defined once: the registries of activations, losses and optimizers.

`ACTIVATIONS` and `LOSSES` map each name to its entry, in the order every list shows them
(validation's "expected one of", the JSON Schema, `bpwalk new`); `ACTIVATION_ALIASES` maps
another accepted name to its entry's name. Entries are frozen: engine-speed math on floats,
sympy templates built only when asked (this package never imports sympy), vector forms,
names and words. `OPTIMIZERS` is the third registry of the same kind, each entry an
`init`/`update` pair in the manner of optax (bpwalk.ops.optimizers); nothing here assumes that
a quantity belongs to a unit of a layer beyond what an activation is.
"""

from __future__ import annotations

from typing import Sequence

from bpwalk.ops.activations import ACTIVATION_ALIASES, ACTIVATIONS, Activation, Param
from bpwalk.ops.losses import LOSSES, Loss, TargetRange
from bpwalk.ops.optimizers import L2, OPTIMIZERS, OPTIONS, STATE_NAMES, Optimizer, Option, takers_of

__all__ = [
    "ACTIVATIONS", "ACTIVATION_ALIASES", "LAYER_PARAMETERS", "LOSSES", "PARAMETERS", "Activation", "Loss", "Param",
    "TargetRange", "activation", "either", "probability_outputs", "takers",
    "L2", "OPTIMIZERS", "OPTIONS", "STATE_NAMES", "Optimizer", "Option", "takers_of",
]

# every activation parameter by its operand name ("slope"), for the printers and the operand tables,
# and by its key in a layer of the scenario file ("leaky_slope"), for validation and the schema
PARAMETERS: dict[str, Param] = {a.param.operand: a.param for a in ACTIVATIONS.values() if a.param is not None}
LAYER_PARAMETERS: dict[str, Param] = {p.key: p for p in PARAMETERS.values()}


def takers(param: Param) -> tuple[str, ...]:
    """The activations that take this parameter."""
    return tuple(a.name for a in ACTIVATIONS.values() if a.param is not None and a.param.key == param.key)


def activation(name: str) -> Activation:
    """The entry of an activation name or alias (KeyError if it is neither)."""
    return ACTIVATIONS[ACTIVATION_ALIASES.get(name, name)]


def probability_outputs() -> tuple[str, ...]:
    """The activations whose outputs lie in (0, 1): what a loss with `needs_probability` accepts."""
    return tuple(a.name for a in ACTIVATIONS.values() if a.probability)


def either(names: Sequence[str]) -> str:
    """`a`, `a or b`, `a, b or c`: names as a sentence lists the choices."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
