"""The mistakes people make by hand, as models that try to reproduce a wrong printed number.

Each model takes the check's `Context` (the scenario, its exact trace, the printed numbers)
and one printed number that does not agree, and returns a cause when, recomputed under that
mistake, the number comes out as printed at the precision printed; otherwise None. `explain`
tries them most specific first and reports the first that reproduces the number:

1. carried from an earlier wrong number of the document;
2. an earlier number rounded to the digits printed, and carried forward;
3. the sign flipped;
4. the ½ or the factor 2 of the squared error dropped;
5. f' (σ') left out, or applied to the wrong value;
6. hidden-layer gradients computed with the already-updated weights;
7. swapped weight indices;
8. the decimal point slipped (ten times too large or too small);
9. a digit mistyped;
10. the value of another step;
11. a slip (sign, decimal point) on a number carried from an earlier wrong one;
12. f' applied to the wrong value, and that number then written with a digit slip.

Models 3, 8, 9 and 10 compare numbers, since the mistake is in the writing; every other model
recomputes (see `bpwalk.check.recompute` and `bpwalk.check.mistakes_math`).
"""

from __future__ import annotations

from typing import Callable, Iterator

import bpwalk.engine.passes as engine
from bpwalk.check.mistakes_math import (
    derivative_at_wrong_value,
    digit_slip,
    mistyped_wrong_derivative,
    squared_error_factor,
    swapped_indices,
)
from bpwalk.check.mistakes_updated import updated_weights_in_backward
from bpwalk.check.mistakes_writing import (
    carried_from_two,
    digit_dropped,
    off_by_one,
    sign_convention,
    truncated,
)
from bpwalk.formula.numbers import format_fixed, format_number
from bpwalk.check.recompute import Context, Printed, RoundEverything, step_label
from bpwalk.words import say

Model = Callable[[Context, Printed], "str | None"]


class Cause(str):
    """A cause as reported (the text), and what it rests on, for grouping by root cause.

    `source`: the earlier wrong number it is carried from (None: a mistake of this number's
    own). `literal`: a slip in writing this one number (a sign, a digit), which another
    number's identical text does not make the same mistake; any other cause, given in the
    same words for two numbers, is one mistake with two consequences.
    """

    source: Printed | None
    literal: bool

    def __new__(cls, text: str, source: Printed | None = None, literal: bool = False) -> "Cause":
        self = super().__new__(cls, text)
        self.source, self.literal = source, literal
        return self

UNKNOWN = say("en", "cause.unknown")      # what `explain` says in English when no model reproduces a number
EVERY_INTERMEDIATE_DECIMALS = (5, 4, 3, 2)
DIGITS = 6    # significant digits of the numbers quoted in a cause


def num(x: float) -> str:
    return format_number(x, DIGITS)


def round_to(value: float, decimals: int) -> float:
    """Half up, as the number reads in decimal (engine.decimal_rounder's rule)."""
    return engine.decimal_round(decimals)(value)


def carried_from_mismatch(ctx: Context, p: Printed) -> str | None:
    """An earlier printed number was wrong, and this one was computed from it.

    Replays the scenario with the earlier quantity forced to its printed (wrong) value; the
    nearest earlier wrong number is tried first.
    """
    for q in ctx.earlier_printed(p, agreeing=False):
        value = ctx.forced(q.target, q.expect.value, p, ctx.iteration_of(q))
        if value is not None and p.matches(value):
            return Cause(ctx.say("carried", label=q.label(ctx.lang), text=ctx.written(q)), source=q)
    return None


def carried_from_two_mismatches(ctx: Context, p: Printed) -> Cause | None:
    """Two earlier printed numbers were wrong, and this one was computed from both."""
    found = carried_from_two(ctx, p)
    return None if found is None else Cause(found[0], source=found[1])


def rounding_carried_forward(ctx: Context, p: Printed) -> str | None:
    """An earlier number was rounded to the digits printed, and the rounded number used.

    Tried in turn: each earlier number the document printed (forced to its printed digits);
    every intermediate rounded to d decimals (d = 5, 4, 3, 2); each earlier quantity of the
    trace that the document did not print, rounded to each number of decimals it prints.
    Rounding every intermediate to fewer decimals than this number was printed with is not
    tried: such a document would not print it with more.
    """
    for q in ctx.earlier_printed(p, agreeing=True):
        if q.expect.value == q.exact:
            continue
        value = ctx.forced(q.target, q.expect.value, p, ctx.iteration_of(q))
        if value is not None and p.matches(value):
            return ctx.say("rounded", label=q.label(ctx.lang), text=ctx.written(q), decimals=q.expect.decimals)
    for d in EVERY_INTERMEDIATE_DECIMALS:
        if d < p.expect.decimals:
            continue      # a document that rounds everything to d decimals prints no more than d
        rounder = engine.decimal_rounder(d)
        trace = ctx.replay(f"every intermediate to {d}", lambda: RoundEverything(rounder))
        value = ctx.value_in(trace, p)
        if value is not None and p.matches(value):
            return ctx.say("every_rounded", decimals=d)
    printed = {q.target for q in ctx.printed}
    decimals = ctx.document_decimals()
    for step, target in ctx.earlier_steps(p):
        if target in printed:
            continue
        for d in decimals:
            rounded = round_to(target.value, d)
            if rounded == target.value:
                continue
            value = ctx.forced(target, rounded, p, ctx.iteration_of(step))
            if value is not None and p.matches(value):
                return ctx.say("rounded", label=step_label(step, ctx.lang), text=format_fixed(rounded, d), decimals=d)
    return None


def sign_flip(ctx: Context, p: Printed) -> str | None:
    """The number printed with the opposite sign (a slip in the writing: compared, not replayed)."""
    if p.exact != 0 and p.matches(-p.exact):
        return ctx.say("sign", value=num(ctx.shown(p, p.exact)))
    return None


def decimal_point_slipped(ctx: Context, p: Printed) -> str | None:
    """The number printed ten times too large or too small."""
    for factor, how in ((10.0, "ten_large"), (0.1, "ten_small"), (100.0, "hundred_large"), (0.01, "hundred_small")):
        if p.exact != 0 and p.matches(p.exact * factor):
            return ctx.say("decimal", how=ctx.say(how), value=num(ctx.shown(p, p.exact)))
    return None


def digit_mistyped(ctx: Context, p: Printed) -> str | None:
    """One digit typed wrong, or two neighbouring digits swapped, at the printed precision.

    With --round N coarser than the printed digits, the computed digits past N say nothing.
    """
    if ctx.rounding is not None and ctx.rounding < p.expect.decimals:
        return None
    return digit_slip(ctx, p.expect.text, p.expect.decimals, p.exact)


def value_of_another_step(ctx: Context, p: Printed) -> str | None:
    """The number agrees with another quantity of the same pass: the wrong value was copied.

    Also tries each parameter as it was before the update (the old weight for the new one).
    """
    for step in ctx.same_pass_steps(p):
        if p.matches(step.value):
            return ctx.say("other_step", label=step_label(step, ctx.lang), value=num(step.value))
    if not p.final:
        for name, value in ctx.parameters_before(p.expect.iteration).items():
            if p.matches(value):
                return ctx.say("before_update", name=name, value=num(value))
    return None


def _slips(value: float) -> Iterator[tuple[float, str]]:
    """(the value as written, the slip's key in the words tables)."""
    yield -value, "slip_sign"
    yield value * 10.0, "slip_large"
    yield value * 0.1, "slip_small"


def slip_on_carried_value(ctx: Context, p: Printed) -> str | None:
    """Two mistakes: a number computed from an earlier wrong one, then written with a slip."""
    for q in ctx.earlier_printed(p, agreeing=False):
        carried = ctx.forced(q.target, q.expect.value, p, ctx.iteration_of(q))
        if carried is None or carried == 0:
            continue
        for value, slip in _slips(carried):
            if p.matches(value):
                return Cause(ctx.say("two", cause=ctx.say("slip_on_carried", slip=ctx.say(slip), value=num(ctx.shown(p, carried)),
                                                          label=q.label(ctx.lang), text=ctx.written(q))), source=q)
    return None


MODELS: tuple[Model, ...] = (
    sign_convention,
    carried_from_mismatch,
    carried_from_two_mismatches,
    rounding_carried_forward,
    sign_flip,
    truncated,
    off_by_one,
    updated_weights_in_backward,
    squared_error_factor,
    derivative_at_wrong_value,
    swapped_indices,
    decimal_point_slipped,
    digit_mistyped,
    digit_dropped,
    value_of_another_step,
    slip_on_carried_value,
    mistyped_wrong_derivative,
)


# the models that replay once per candidate (each earlier number, rounded), and the whole runs
# kept back from them for the models after them
PER_CANDIDATE: frozenset[Model] = frozenset({carried_from_mismatch, carried_from_two_mismatches, rounding_carried_forward})
HELD_RUNS = 8

# the models whose causes are slips in writing one number (see `Cause.literal`)
LITERAL: frozenset[Model] = frozenset({sign_flip, truncated, off_by_one, decimal_point_slipped, digit_mistyped,
                                       digit_dropped, value_of_another_step})


def explain(ctx: Context, p: Printed) -> Cause:
    """The first model that reproduces a wrong printed number, or "cause unknown" (in `ctx.lang`).

    Every single mistake is tried before the two combinations at the end of MODELS: the
    simplest cause that reproduces the number wins.
    """
    refused = ctx.spent[1]
    for model in MODELS:
        # a document that prints many numbers gives the models before the whole-run ones a replay
        # per number; over a long run they would use up the budget before the one replay that
        # explains the run's figures (Mazur's, with the already-updated weights) is tried
        ctx.held[:] = (HELD_RUNS * ctx.iterations, HELD_RUNS) if model in PER_CANDIDATE else (0, 0)
        cause = model(ctx, p)
        ctx.held[:] = (0, 0)
        if cause is not None:
            return cause if isinstance(cause, Cause) else Cause(cause, literal=model in LITERAL)
    if p.whole and p.expect.agrees(p.exact):
        # within ±0.5 of a whole number, but the document's other numbers carry decimals
        return Cause(ctx.say("whole", text=ctx.written(p), value=num(ctx.shown(p, p.exact))), literal=True)
    if ctx.spent[1] > refused:
        return Cause(ctx.say("unknown_long", n=f"{ctx.iterations:,}"), literal=True)
    return Cause(ctx.say("unknown"), literal=True)
