"""The rounder hooks that replay one hand-calculation mistake (`bpwalk.check.recompute` runs them).

The engine hands every intermediate to its rounder hook before the number is used, so a hook
that changes one number, or every number of one kind, recomputes everything downstream exactly
as a person who made that mistake would have, and nothing upstream.

The hook sees (kind, layer, unit, value). Its unit is the column j for the `grad` and `new` of
a weight, and the kind `total` serves every reduction over samples; a `Target` therefore also
carries the exact value: upstream of the first changed number every number is bit for bit the
exact one, so the value tells apart the quantities that share a kind, layer and unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import bpwalk.engine.passes as engine
from bpwalk.engine.passes import Kind


@dataclass(frozen=True)
class Target:
    """One intermediate as the engine's rounder hook sees it, with its exact value."""

    kind: Kind
    layer: int
    unit: int | None      # None: any unit (the hook's `total` always says 0)
    value: float

    def matches(self, kind: Kind, layer: int, unit: int, value: float) -> bool:
        return (kind is self.kind and layer == self.layer and (self.unit is None or unit == self.unit)
                and value == self.value)


# -- modifiers: rounder hooks that replay one mistake ------------------------------------------

class Modifier:
    """A rounder hook that knows whether it changed anything (a replay it never touched proves nothing)."""

    def __init__(self) -> None:
        self.fired = False

    def __call__(self, kind: Kind, layer: int, unit: int, value: float) -> float:
        return value


class Force(Modifier):
    """Replace one intermediate by another number (a rounded one, or the document's wrong one), once."""

    def __init__(self, target: Target, replacement: float) -> None:
        super().__init__()
        self.target = target
        self.replacement = replacement

    def __call__(self, kind: Kind, layer: int, unit: int, value: float) -> float:
        if not self.fired and self.target.matches(kind, layer, unit, value):
            self.fired = True
            return self.replacement
        return value


class ForceEach(Modifier):
    """Replace several intermediates, each once (two earlier wrong numbers that one is computed from).

    Fired only when every one of them was replaced: a replay that missed one proves nothing.
    """

    def __init__(self, pairs: tuple[tuple[Target, float], ...]) -> None:
        super().__init__()
        self.forces = [Force(target, replacement) for target, replacement in pairs]

    def __call__(self, kind: Kind, layer: int, unit: int, value: float) -> float:
        for force in self.forces:
            if not force.fired:
                changed = force(kind, layer, unit, value)
                if force.fired:
                    self.fired = all(f.fired for f in self.forces)
                    return changed
        return value


class Scale(Modifier):
    """Multiply every intermediate of one kind in one layer by a factor (a factor 2 dropped or added)."""

    def __init__(self, kind: Kind, layer: int, factor: float) -> None:
        super().__init__()
        self.kind, self.layer, self.factor = kind, layer, factor

    def __call__(self, kind: Kind, layer: int, unit: int, value: float) -> float:
        if kind is self.kind and layer == self.layer:
            self.fired = True
            return value * self.factor
        return value


class RoundEverything(Modifier):
    """Every intermediate rounded, as --round N does (on top of the check's own --round)."""

    def __init__(self, rounder: engine.Rounder) -> None:
        super().__init__()
        self.rounder = rounder
        self.fired = True

    def __call__(self, kind: Kind, layer: int, unit: int, value: float) -> float:
        return self.rounder(kind, layer, unit, value)


# f'(net, out) as someone wrote it by mistake
WrongFormula = Callable[[float, float], float]


class WrongDerivative(Modifier):
    """Replace f' of the units of some layers by a wrong formula of their net and out.

    The forward pass hands each unit's net and out to the hook before the backward pass asks
    for its f', so the hook remembers them and recomputes f' from the very numbers the engine
    uses (rounded ones too, under --round).
    """

    def __init__(self, layers: frozenset[int], formula: WrongFormula) -> None:
        super().__init__()
        self.layers = layers
        self.formula = formula
        self.seen: dict[tuple[Kind, int, int], float] = {}

    def __call__(self, kind: Kind, layer: int, unit: int, value: float) -> float:
        if kind is Kind.NET or kind is Kind.OUT:
            self.seen[(kind, layer, unit)] = value
        elif kind is Kind.DOUT_DNET and layer in self.layers:
            self.fired = True
            return self.formula(self.seen[(Kind.NET, layer, unit)], self.seen[(Kind.OUT, layer, unit)])
        return value


def compose(base: engine.Rounder | None, modifier: Modifier) -> engine.Rounder:
    """The modifier applied after the base rounding (--round N), so it sees what the engine carries."""
    if base is None:
        return modifier
    return lambda kind, layer, unit, value: modifier(kind, layer, unit, base(kind, layer, unit, value))
