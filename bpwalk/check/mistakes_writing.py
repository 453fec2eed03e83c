"""Mistake models of what was written down, rather than computed: a number truncated, a digit
left out, a value copied from the pass or iteration before, the loss one iteration off, a
number carried from two wrong ones, and the other sign convention of a whole document.

All but the last two compare numbers the check already has (the window traces the
neighbouring iterations of every one it names); see `bpwalk.check.mistakes` for the order
they are tried in.
"""

from __future__ import annotations

import math
from itertools import combinations, islice

from bpwalk.check.recompute import Context, Printed, label
from bpwalk.formula.numbers import format_fixed, format_number

PAIRS_FROM = 6        # carried from two: pairs among this many nearest earlier wrong numbers
SIGNED = ("delta", "grad")          # what the other sign convention changes: every δ and Δw
ALSO_SIGNED = ("dE_dout",)          # and, when printed, ∂E/∂out (error = t − y)


def num(x: float) -> str:
    return format_number(x, 6)


def truncated(ctx: Context, p: Printed) -> str | None:
    """The digits past the printed ones cut off instead of rounded (0.7513650695 written 0.751365069)."""
    d = p.expect.decimals
    if "e" in p.expect.text.lower() or d > 15:
        return None
    scale = 10.0 ** d
    cut = math.trunc(p.exact * scale) / scale
    if cut != p.exact and f"{abs(cut):.{d}f}" == p.expect.text.strip().lstrip("+-") and (cut < 0) == (p.expect.value < 0):
        return ctx.say("truncated", value=format_number(p.exact, 12), decimals=d, rounded=format_fixed(p.exact, d))
    return None


def digit_dropped(ctx: Context, p: Printed) -> str | None:
    """One digit of the value left out: the printed digits are the value's with one missing.

    Not the last digit (leaving that out is rounding), and only with three or more significant
    digits printed (fewer match too much by chance).
    """
    text = p.expect.text.strip()
    if "e" in text.lower() or text.startswith("-") != (p.exact < 0):
        return None
    printed = text.lstrip("+-")
    right = f"{abs(p.exact):.{p.expect.decimals + 1}f}"
    if len(printed.replace(".", "").lstrip("0")) < 3:
        return None
    for i, digit in enumerate(right[:-1]):
        if digit != "." and right[:i] + right[i + 1:] == printed:
            return ctx.say("digit_dropped", digit=digit, value=("-" if p.exact < 0 else "") + right)
    return None


def _neighbour(ctx: Context, key: str, iteration: int, sample: int | None) -> float | None:
    try:
        return ctx.trace.value(key, iteration, sample)
    except (KeyError, IndexError):
        return None


def off_by_one(ctx: Context, p: Printed) -> str | None:
    """A number of the pass or iteration next to the one meant.

    A final.* number that is the last iteration's own (its forward pass, before the last
    update: "the error after 10,000 iterations"); a loss that is the next iteration's (after
    this one's update); any number that is the iteration's before, or the sample's before.
    """
    e, lang = p.expect, ctx.lang
    if p.final:
        key, last = e.key.removeprefix("final."), ctx.trace.last
        value = _neighbour(ctx, key, last, e.sample)
        if value is not None and p.matches(value):
            return ctx.say("before_last_update", label=label(key, last, e.sample, lang), value=num(value))
        return None
    if e.kind in ("loss", "total_loss"):
        value = _neighbour(ctx, e.key, e.iteration + 1, e.sample)
        if value is None and e.iteration == ctx.trace.last:
            value = _neighbour(ctx, f"final.{e.key}", 1, e.sample)
        if value is not None and p.matches(value):
            return ctx.say("after_update", value=num(value))
    if e.iteration > 1:
        value = _neighbour(ctx, e.key, e.iteration - 1, e.sample)
        if value is not None and p.matches(value):
            return ctx.say("copied_iteration", label=label(e.key, e.iteration - 1, e.sample, lang), value=num(value))
    if e.sample is not None and e.sample > 1:
        value = _neighbour(ctx, e.key, e.iteration, e.sample - 1)
        if value is not None and p.matches(value):
            return ctx.say("copied_sample", label=label(e.key, e.iteration, e.sample - 1, lang), value=num(value))
    return None


def carried_from_two(ctx: Context, p: Printed) -> tuple[str, Printed] | None:
    """Two earlier printed numbers were wrong, and this one was computed from both.

    Returns the cause and the nearer of the two (its root is this number's).
    """
    wrong = list(islice(ctx.earlier_printed(p, agreeing=False), PAIRS_FROM))
    for a, b in combinations(wrong, 2):
        pairs = ((a.target, a.expect.value, ctx.iteration_of(a)), (b.target, b.expect.value, ctx.iteration_of(b)))
        value = ctx.forced_each(pairs, p)  # type: ignore[arg-type]
        if value is not None and p.matches(value):
            return ctx.say("carried_two", a=a.label(ctx.lang), ta=ctx.written(a), b=b.label(ctx.lang),
                           tb=ctx.written(b)), a
    return None


def opposite_sign_convention(ctx: Context) -> bool:
    """Every δ and gradient the document prints has the other sign (δ = −∂E/∂net, error = t − y).

    At least two of them must be wrong (numbers that round to 0 agree either way).
    """
    rows = [p for p in ctx.printed if p.expect.kind in SIGNED]
    return (len([p for p in rows if not p.agrees]) >= 2
            and all(p.matches(-p.exact) for p in rows))


def sign_convention(ctx: Context, p: Printed) -> str | None:
    """The other sign convention, once for the whole document: every δ and Δw with the other sign."""
    key = "sign convention"
    if ctx.convention == "error":   # declared (display.convention): not a mistake, and already read so
        return None
    if key not in ctx.replays:
        ctx.replays[key] = opposite_sign_convention(ctx)  # type: ignore[assignment]
    if ctx.replays[key] and p.expect.kind in SIGNED + ALSO_SIGNED and p.matches(-p.exact):
        return ctx.say("sign_convention")
    return None
