"""The optimizer's state after an update, per parameter: the table that closes the update.

After the last step of an update (its steps are one run of `update` steps of one iteration,
sample and batch), `state_grid` gives a `Grid` with a row per trained parameter and a column
per state name of the optimizer (velocity; sq_avg; m, v, m̂, v̂), read from the steps that
computed them, so that a student sees at a glance what the next update starts from. Plain
gradient descent has no state, and gets no table.
"""

from __future__ import annotations

from bpwalk.engine.steps import Step, Trace
from bpwalk.formula.notation import STATE_SYMBOLS, Notation
from bpwalk.ops import OPTIMIZERS
from bpwalk.walk.page import Block, Grid, Note, Num, Sym
from bpwalk.words import say


def _same_update(a: Step, b: Step) -> bool:
    return b.phase == "update" and (a.iteration, a.sample, a.batch) == (b.iteration, b.sample, b.batch)


def ends_update(trace: Trace, index: int) -> bool:
    """Whether step `index` is the last step of an update."""
    steps = trace.steps
    step = steps[index]
    return step.phase == "update" and (index + 1 == len(steps) or not _same_update(step, steps[index + 1]))


def state_grid(trace: Trace, index: int, lang: str) -> Grid | None:
    """The optimizer's state after the update that step `index` ends, or None (not an update's end, no state)."""
    sc = trace.scenario
    if not sc.extended or not ends_update(trace, index):
        return None
    names = OPTIMIZERS[sc.optimizer_settings.name].state
    if not names:
        return None
    steps = trace.steps
    last = steps[index]
    first = index
    while first > 0 and _same_update(last, steps[first - 1]):
        first -= 1
    values: dict[str, dict[str, float]] = {}
    for step in steps[first:index + 1]:
        kind, _, param = step.quantity.partition(".")
        if kind in names and step.value is not None:
            values.setdefault(param, {})[kind] = step.value
    if not values:
        return None
    notation = Notation.of(sc)
    headers = ["",   # the parameters' column, as the other tables of a page leave it
               *(Sym(STATE_SYMBOLS[n][1], STATE_SYMBOLS[n][0]) for n in names)]
    rows = tuple((Sym(notation.name_text(p), notation.name_latex(p)), *(Num(values[p][n]) for n in names))
                 for p in sc.parameter_names() if p in values)
    return Grid(tuple(headers), rows, len(headers) - 1)


def state_title(trace: Trace, lang: str) -> str:
    """`the state of Adam after this update`, above the table."""
    entry = OPTIMIZERS[trace.scenario.optimizer_settings.name]
    return say(lang, "optstate.title", optimizer=entry.words.get(lang, entry.words["en"]))


def state_blocks(trace: Trace, index: int, lang: str) -> list[Block]:
    """The title and the table of `state_grid`, or nothing."""
    grid = state_grid(trace, index, lang)
    return [] if grid is None else [Note(state_title(trace, lang)), grid]
