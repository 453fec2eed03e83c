"""Mitchell's delta rule on the page of an update, in the error sign convention.

With `display.convention: error` the walk-through writes δ = −∂E/∂net, so that a weight's
change reads Δw = η·δ·x and its update w⁺ = w + Δw (Mitchell's *Machine Learning*, Table 4.2).
After each plain gradient-descent update whose gradient is one sample's (one sample, or
`update: per_sample`), `delta_rule` adds that line with the numbers: η, the δ of the unit the
weight feeds (read from its δ step) and the weight's input (the chain rule's last factor); its
value is the change the trace recorded (new − old, the format's `change.P`), so that no number
on the page is computed here. A gradient summed over several samples, an optimizer with a
state, or a penalty make Δw something else, and get no line.

`closing_blocks` is what follows a step on its page: that line, then the optimizer's state.
"""

from __future__ import annotations

from bpwalk.engine.steps import Step, Trace, named
from bpwalk.formula.notation import Notation
from bpwalk.walk.optstate import state_blocks
from bpwalk.walk.page import Block, Math, Num, Sym


def _delta_of(trace: Trace, chain: Step) -> Step | None:
    """The δ step of the unit a chain rule's weight feeds, in the same sample's backward pass."""
    unit = chain.operands[0].ref.unit
    wanted = named("delta", unit)
    for j in range(chain.index - 1, -1, -1):
        step = trace.steps[j]
        # one sample's gradient in a batch update is the iteration's (no sample); its δ is sample 1's
        if step.quantity == wanted and chain.sample in (None, step.sample) and step.iteration == chain.iteration:
            return step
        if step.phase != "backward":
            return None
    return None


def delta_rule(trace: Trace, index: int) -> list[Block]:
    """Δw = η·δ·x with the numbers, after a plain update in the error convention; else nothing."""
    sc = trace.scenario
    step = trace.steps[index]
    if sc.display.convention != "error" or step.rule != "update" or sc.regularization is not None \
            or sc.optimizer_settings.name != "sgd":
        return []
    lr, grad = step.operands[1], step.operands[2]
    chain = trace.steps[grad.source] if grad.source is not None else None
    if chain is None or chain.rule != "chain":
        return []
    delta = _delta_of(trace, chain)
    x = chain.operands[-1]
    if delta is None or delta.value is None:
        return []
    try:
        change = trace.value(named("change", step.subject), step.iteration or 1, step.sample, step.batch)
    except KeyError:
        return []
    notation = Notation.of(sc)
    param, sample = step.subject, delta.sample

    def q(name: str) -> Sym:
        return Sym(notation.text(name, sample), notation.latex(name, sample))

    lhs = Sym(f"Δ{notation.name_text(param)}", f"\\Delta {notation.name_latex(param)}")
    general: list[object] = [q("lr"), "·", q(delta.quantity)]
    numbers: list[object] = [Num(lr.value, term=True), "·", Num(delta.value, term=True)]
    if x.name != "1":   # a per-unit bias: Δb = η·δ
        general += ["·", q(x.name)]
        numbers += ["·", Num(x.value, term=True)]
    return [Math((lhs,), (tuple(general), tuple(numbers), (Num(change, result=True),)))]   # type: ignore[arg-type]


def closing_blocks(trace: Trace, index: int, lang: str) -> list[Block]:
    """What follows step `index` on its page: Mitchell's Δw (error convention), the optimizer's state."""
    return delta_rule(trace, index) + state_blocks(trace, index, lang)
