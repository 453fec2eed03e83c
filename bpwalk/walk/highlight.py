"""What a picture of the network marks for one step: the name it computes and the names it reads.

Names are the scenario's own (units, weights, biases), so a drawer decides how each looks:
a unit is a node, a weight an edge, a bias its own node or edge. Quantities that are no part
of the network (the loss, the learning rate, a target) mark nothing themselves; a target
marks its output unit, since that is where the number meets the network.
"""

from __future__ import annotations

from dataclasses import dataclass

from bpwalk.engine.steps import Step, ref
from bpwalk.scenario import Scenario


@dataclass(frozen=True)
class Highlight:
    result: frozenset[str]      # the unit or parameter the step computes (a gradient: its parameter)
    operands: frozenset[str]    # the units and parameters its operands belong to, result excluded

    @property
    def names(self) -> frozenset[str]:
        return self.result | self.operands


def _network_names(scenario: Scenario) -> frozenset[str]:
    return frozenset(scenario.inputs) | frozenset(scenario.parameter_names()) | frozenset(
        unit for layer in scenario.layers for unit in layer.units)


def name_of(quantity: str) -> str:
    """The unit or parameter a quantity is about: out.h1 -> h1, grad.w5 -> w5, dE_dout.h1@o1 -> h1, w5 -> w5."""
    return ref(quantity).unit


def highlight(step: Step, scenario: Scenario) -> Highlight:
    """The names a drawing marks for a step (none for the intro and the summary).

    A path term (dE_dout.h1@o1 = δ_o1 · w5) marks h1 as its result and reads o1 and w5; a
    chain rule (grad.w5) marks w5 and reads the units of its factors (o1 and h1).
    """
    if step.phase in ("intro", "summary"):
        return Highlight(frozenset(), frozenset())
    known = _network_names(scenario)
    result = {name_of(step.quantity)} & known
    operands = {name_of(op.name) for op in step.operands} & known
    return Highlight(frozenset(result), frozenset(operands - result))
