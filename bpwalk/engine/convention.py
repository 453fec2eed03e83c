"""The error sign convention (`display.convention: error`, as Mitchell's *Machine Learning*): the
steps' numbers with δ = −∂E/∂net and −∂E/∂out, an exact negation of the recorded ones.

`run` records the steps in the scenario's convention, so that every view (the terminal, the
documents, the quiz, the network picture) shows the same signs the notation writes; the JSON
turns them back (`shown_as(trace, "gradient")`), bit for bit, and the records by key keep the
scenario format's numbers in both conventions.
"""

from __future__ import annotations

from dataclasses import replace

from bpwalk.engine.steps import Step, Trace, ref

# The quantities the error convention (display.convention: error, as Mitchell) writes with the
# other sign: δ = −∂E/∂net and −∂E/∂out (its path terms δ_K·w_KU included), and so the inputs'
# Σ w·δ of display.input_gradients, −∂E/∂x. Every other number (∂E/∂w, the update) is the same
# in both conventions.
FLIPPED_KINDS: frozenset[str] = frozenset(("delta", "dE_dout", "dinput"))


def flipped(name: str) -> bool:
    """Whether the error convention writes this quantity or operand with the other sign."""
    return ref(name).kind in FLIPPED_KINDS


def shown_as(trace: Trace, convention: str) -> Trace:
    """The trace with its steps' numbers in a display convention (`RunSettings.convention`).

    Only the steps change, and only by an exact negation of the flipped kinds, so that going back
    to `gradient` gives the recorded numbers bit for bit (the JSON writes those); the records by
    key (`Trace.value`, `iterations`) always hold the scenario format's numbers.
    """
    if trace.settings.convention == convention:
        return trace
    steps = tuple(_flip(step) for step in trace.steps)
    return replace(trace, steps=steps, settings=replace(trace.settings, convention=convention))


def _flip(step: Step) -> Step:
    ops = tuple(op._replace(value=-op.value) if flipped(op.name) else op for op in step.operands)
    value = -step.value if step.value is not None and flipped(step.quantity) else step.value
    if value is step.value and all(a is b for a, b in zip(ops, step.operands)):
        return step
    return replace(step, operands=ops, value=value)
