"""Recomputing a scenario under a hand-calculation mistake, for the causes `bpwalk check` gives.

A mistake is replayed through the engine's rounder hook (`bpwalk.check.modifiers`), over only
the iterations it needs (`bpwalk.check.window`). `Context` holds the exact computation of the
iterations the check names, the printed numbers resolved against it, and a memo of the
replays (each mistake is replayed once per check, whichever printed numbers it is tried on).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterator, Mapping, Sequence

import bpwalk.engine.passes as engine
from bpwalk.engine.passes import Kind
from bpwalk.errors import BpwalkError
from bpwalk.scenario import Expect, Scenario
from bpwalk.engine.convention import FLIPPED_KINDS
from bpwalk.engine.steps import Step, ref
from bpwalk.check.modifiers import Force, ForceEach, Modifier, Target, compose
from bpwalk.check.modifiers import RoundEverything, Scale, WrongDerivative, WrongFormula  # noqa: F401 (re-exported)
from bpwalk.check.window import Window, trace_window
from bpwalk.words import say, table

MAX_RERUNS = 4000   # recomputations per check, so that a large scenario stays quick; then "cause unknown"
# iterations replayed per check, all replays together: a mistake made in every iteration of a
# 10,000-iteration run is replayed over all of them, but a million-iteration run cannot be
# replayed for every model (the models that would need it are not tried, and the cause says so)
MAX_REPLAYED = 400_000
# the quantity key's prefix -> the kind the hook is told, for the quantities hooked per unit
UNIT_KINDS: Mapping[str, Kind] = {k.value: k for k in (Kind.NET, Kind.OUT, Kind.ERROR, Kind.DE_DOUT,
                                                        Kind.DOUT_DNET, Kind.DELTA)}
PARAMETER_KINDS: Mapping[str, Kind] = {k.value: k for k in (Kind.GRAD, Kind.NEW)}


# -- where every unit and parameter sits ---------------------------------------------------------

@dataclass(frozen=True)
class Locations:
    """Unit and parameter positions, and how the hook names the quantities of a scenario."""

    units: Mapping[str, tuple[int, int]]            # unit -> (layer, index); inputs are not here
    weights: Mapping[str, tuple[int, int, int]]     # weight -> (layer, u, j)
    biases: Mapping[str, tuple[int, int]]           # bias -> (layer, index in biases)
    per_unit_bias: frozenset[str]
    top: int
    summed_grads: bool     # batch with several samples: the iteration's gradients come from `total`

    @classmethod
    def of(cls, scenario: Scenario) -> "Locations":
        units, weights, biases, per_unit = {}, {}, {}, set()
        for l, layer in enumerate(scenario.layers):
            units.update({name: (l, u) for u, name in enumerate(layer.units)})
            for u, names in enumerate(layer.weight_names):
                weights.update({name: (l, u, j) for j, name in enumerate(names)})
            biases.update({name: (l, i) for i, name in enumerate(layer.bias_names)})
            if layer.bias == "per_unit":
                per_unit.update(layer.bias_names)
        summed = scenario.update == "batch" and len(scenario.samples) > 1
        return cls(units, weights, biases, frozenset(per_unit), len(scenario.layers) - 1, summed)

    def target(self, quantity: str, sample_level: bool, value: float) -> Target | None:
        """How the hook sees a quantity ("delta.o1", "grad.w5", "dE_dout.h1@o2"), or None if it never does."""
        if quantity.startswith("final."):
            quantity = quantity[len("final."):]
        if quantity == "loss":
            return Target(Kind.LOSS, self.top, 0, value)
        if quantity == "total_loss":
            return Target(Kind.TOTAL, -1, None, value)
        q = ref(quantity)
        prefix, name = q.kind, q.unit
        if prefix == "dE_dout" and q.via:
            kind = Kind.PATH    # delta_K * w_KU, one path back into U
        else:
            kind = UNIT_KINDS.get(prefix) or PARAMETER_KINDS.get(prefix)
        if kind is None:
            return None
        if prefix in UNIT_KINDS:
            if name not in self.units:
                return None                             # an input: given, never computed
            l, u = self.units[name]
            return Target(kind, l, u, value)
        if kind is Kind.GRAD and not sample_level and self.summed_grads:
            return Target(Kind.TOTAL, -1, None, value)
        if name in self.weights:
            l, _, j = self.weights[name]
            return Target(kind, l, j, value)
        if name in self.biases:
            if kind is Kind.GRAD and name in self.per_unit_bias:
                return None                             # a per-unit bias's gradient is its delta, not hooked
            l, i = self.biases[name]
            return Target(kind, l, i, value)
        return None


# -- printed numbers, resolved against the exact trace ----------------------------------------

@dataclass(frozen=True)
class Printed:
    """An `expect` entry with what the exact computation says about it."""

    expect: Expect
    position: float           # the step that computes it (its index in the trace): what "earlier" means
    exact: float
    agrees: bool
    target: Target | None     # how to force it in a replay (None: it cannot be)
    tolerance: float = 0.0    # how far from the printed number a value agrees (`judged`)

    def matches(self, value: float) -> bool:
        """Whether a value, computed or replayed, comes out as printed at the precision judged."""
        return abs(value - self.expect.value) <= self.tolerance

    @property
    def whole(self) -> bool:
        """Printed as a whole number in a document that prints its other numbers with decimals."""
        return self.tolerance < self.expect.tolerance

    @property
    def final(self) -> bool:
        return self.expect.key.startswith("final.")

    def label(self, lang: str = "en") -> str:
        """The key, with the iteration and sample when they are not the first."""
        return label(self.expect.key, None if self.final else self.expect.iteration, self.expect.sample, lang)


def label(key: str, iteration: int | None, sample: int | None, lang: str = "en") -> str:
    """`grad.w5 (iteration 2, sample 2)`: a quantity as a cause names it."""
    where = []
    if iteration not in (None, 1):
        where.append(say(lang, "at.iteration", n=iteration))
    if sample not in (None, 1):
        where.append(say(lang, "at.sample", n=sample))
    return say(lang, "check.label", key=key, where=say(lang, "check.label_sep").join(where)) if where else key


def step_label(step: Step, lang: str = "en") -> str:
    name = step.key or step.quantity
    if step.iteration is None and not name.startswith("final."):
        name = f"final.{name}"
    return label(name, step.iteration, step.sample, lang)


def _positions(trace: Window) -> dict[tuple[str, int | None, int | None], int]:
    """Step index by (key with final., iteration, sample), for the steps that hold a number."""
    found: dict[tuple[str, int | None, int | None], int] = {}
    for step in trace.steps:
        if step.value is None:
            continue
        name = f"final.{step.quantity}" if step.iteration is None else step.quantity
        found.setdefault((name, step.iteration, step.sample), step.index)
    return found


def _position(found: Mapping[tuple[str, int | None, int | None], int], entry: Expect, count: int) -> float:
    final = entry.key.startswith("final.")
    it = None if final else entry.iteration
    for key, sample in ((entry.key, entry.sample), (entry.key, None), (entry.key, 1)):
        if (key, it, sample) in found:
            return float(found[(key, it, sample)])
    loss = "final.loss" if final else "loss"
    if entry.key.endswith("total_loss") and (loss, it, 1) in found:
        return found[(loss, it, 1)] + 0.5     # one sample: the total is that sample's loss, just after it
    return float(count)


# -- the context the mistake models work in ----------------------------------------------------

def judged(entry: Expect, entries: Sequence[Expect]) -> float:
    """The tolerance a printed number is judged with: ½·10⁻ᵈ (+1e-12), d its decimals as written.

    A whole number (`1`) in a document that prints its other numbers with decimals is not a
    number rounded to units (±0.5 would let 0.5646 pass as 1): it is judged at the precision
    of the coarsest of those others.
    """
    if entry.decimals > 0 or any(c in entry.text.lower() for c in ".e"):
        return entry.tolerance
    others = [e.decimals for e in entries if e.decimals > 0]
    return min(entry.tolerance, 0.5 * 10.0 ** -min(others) + 1e-12) if others else entry.tolerance


def wanted_iterations(scenario: Scenario) -> set[int]:
    """The iterations a check traces: those its entries name, their neighbours (a number copied
    from the iteration before or after), and the last for a final.* key."""
    named = {scenario.iterations if e.key.startswith("final.") else e.iteration for e in scenario.expect}
    return {k + d for k in named for d in (-1, 0, 1) if 1 <= k + d <= scenario.iterations} or {1}


@dataclass(frozen=True)
class Context:
    """The scenario, its exact window of iterations and printed numbers, and a memo of replays.

    `replays` is a cache only: a replay is a pure function of its name, so filling it in does
    not change what any method returns. `spent` counts the iterations replayed (MAX_REPLAYED).
    """

    scenario: Scenario
    base: engine.Rounder | None     # --round N, or None
    rounding: int | None            # that N
    trace: Window                   # the exact computation, of the iterations the check names
    printed: tuple[Printed, ...]
    locations: Locations
    iterations: int                 # the last iteration a replay needs to run
    lang: str = "en"                # the language the causes are written in
    # the quiz: causes said without the value asked (`cause.<key>.concealed` where the words
    # table has one), since the student is about to try again
    conceal: bool = False
    # the quiz: the only steps (by Step.id) `earlier_steps` offers, the ones the answer is
    # computed from, since rounding every earlier step of a large network is a replay each
    sources: frozenset[str] | None = None
    convention: str = "gradient"    # the sign convention the document declares (its δ read back to the spec's)
    replays: dict[str, Window | None] = field(default_factory=dict, compare=False, repr=False)
    spent: list[int] = field(default_factory=lambda: [0, 0], compare=False, repr=False)   # replayed, refused
    # while the models that try one replay per candidate number run (`mistakes.explain`), the
    # iterations and replays kept back for the whole-run models after them (updated weights, ...)
    held: list[int] = field(default_factory=lambda: [0, 0], compare=False, repr=False)

    @classmethod
    def build(cls, scenario: Scenario, rounding: int | None = None, lang: str = "en",
              convention: str = "gradient") -> "Context":
        base = None if rounding is None else engine.decimal_rounder(rounding)
        trace = trace_window(scenario, wanted_iterations(scenario), base, between=base)
        locations = Locations.of(scenario)
        found = _positions(trace)
        printed = []
        for entry in scenario.expect:
            exact = trace.value(entry.key, entry.iteration, entry.sample, entry.batch)
            sample_level = entry.sample is not None
            tolerance = judged(entry, scenario.expect)
            printed.append(Printed(entry, _position(found, entry, len(trace.steps)), exact,
                                   abs(exact - entry.value) <= tolerance,
                                   locations.target(entry.key, sample_level, exact), tolerance))
        wrong = [p for p in printed if not p.agrees]
        needed = scenario.iterations if any(p.final for p in wrong) else max(
            (p.expect.iteration for p in wrong), default=1)
        return cls(scenario, base, rounding, trace, tuple(printed), locations, needed, lang, convention=convention)

    def shown(self, p: "Printed", value: float) -> float:
        """A value of p's quantity as its document writes it: the error convention's δ negated."""
        return -value if self.convention == "error" and p.expect.kind in FLIPPED_KINDS else value

    def written(self, p: "Printed") -> str:
        """p's number as its document wrote it (the check reads an error-convention δ negated)."""
        text = p.expect.text.strip()
        if self.convention != "error" or p.expect.kind not in FLIPPED_KINDS:
            return text
        return text[1:] if text.startswith("-") else f"-{text.removeprefix('+')}"

    def say(self, key: str, /, **fields: object) -> str:
        """A cause, in the check's language (`cause.<key>` of the words tables)."""
        if self.conceal and f"cause.{key}.concealed" in table(self.lang):
            return say(self.lang, f"cause.{key}.concealed", **fields)
        return say(self.lang, f"cause.{key}", **fields)

    # -- replays ----------------------------------------------------------------------------

    def replay(self, name: str, make: Callable[[], Modifier] | None = None,
               scenario: Scenario | None = None, first: int = 1, persistent: bool = True) -> Window | None:
        """The computation under a mistake (memoised by name); None if it changed nothing or failed.

        A mistake made once, in iteration `first` (`persistent` False), is replayed from the
        exact parameters before it; one made in every iteration (a hook that always applies, or
        a changed scenario) from the start, with the hook in the iterations between the traced
        ones too. Only the iterations up to the last one a wrong number needs are run.
        """
        if name in self.replays:
            return self.replays[name]
        if len(self.replays) >= MAX_RERUNS - self.held[1] or not self.spend(self.iterations - first + 1):
            return None
        modifier = make() if make is not None else None
        rounder = self.base if modifier is None else compose(self.base, modifier)
        wanted = [k for k in self.trace.traces if k <= self.iterations]
        sc = scenario or self.scenario
        try:
            trace: Window | None = trace_window(
                sc, wanted, rounder,
                between=rounder if persistent else self.base, first=first,
                start=None if first <= 1 else self.trace.parameters_before(first),
                reuse=self.trace if scenario is None else None)
        except (BpwalkError, ArithmeticError, ValueError):
            trace = None      # the mistake overflows: it cannot have produced a printed number
        if modifier is not None and not modifier.fired:
            trace = None
        self.replays[name] = trace
        return trace

    def spend(self, iterations: int) -> bool:
        """Whether a replay of that many iterations is within MAX_REPLAYED (and count it if so)."""
        if self.spent[0] + iterations > MAX_REPLAYED - self.held[0]:
            self.spent[1] += 1
            return False
        self.spent[0] += iterations
        return True

    def value_in(self, trace: Window | None, p: Printed) -> float | None:
        """The printed number's quantity in another computation."""
        if trace is None:
            return None
        try:
            return trace.value(p.expect.key, p.expect.iteration, p.expect.sample, p.expect.batch)
        except (KeyError, IndexError):
            return None

    def forced(self, target: Target, replacement: float, p: Printed, first: int = 1) -> float | None:
        """p's quantity when one earlier intermediate, of iteration `first`, is replaced by `replacement`."""
        name = f"force {target} at {first} -> {replacement!r}"
        return self.value_in(self.replay(name, lambda: Force(target, replacement), first=first, persistent=False), p)

    def forced_each(self, pairs: tuple[tuple[Target, float, int], ...], p: Printed) -> float | None:
        """p's quantity when several earlier intermediates (target, replacement, iteration) are replaced."""
        name = "force each " + "; ".join(f"{t} at {k} -> {r!r}" for t, r, k in pairs)
        first = min(k for _, _, k in pairs)
        make = lambda: ForceEach(tuple((t, r) for t, r, _ in pairs))   # noqa: E731
        return self.value_in(self.replay(name, make, first=first, persistent=False), p)

    def iteration_of(self, q: "Printed | Step") -> int:
        """The iteration a printed number or a step belongs to (the last for the final pass)."""
        if isinstance(q, Printed):
            return self.trace.last if q.final else q.expect.iteration
        return self.trace.last if q.iteration is None else q.iteration

    # -- what came before a printed number ------------------------------------------------

    def earlier_printed(self, p: Printed, agreeing: bool) -> Iterator[Printed]:
        """Printed numbers the trace computes before p, nearest first, each quantity once."""
        seen = set()
        for q in sorted(self.printed, key=lambda q: -q.position):
            if q.position >= p.position or q.agrees != agreeing or q.target is None:
                continue
            ident = (q.target, q.expect.value)
            if ident not in seen:
                seen.add(ident)
                yield q

    def earlier_steps(self, p: Printed) -> Iterator[tuple[Step, Target]]:
        """Steps of p's iteration (and the final pass, for a final.* key) before p, nearest first."""
        last = self.trace.last
        wanted = {None, last} if p.final else {p.expect.iteration}
        for step in reversed(self.trace.steps[: int(p.position)]):
            if step.value is None or step.iteration not in wanted:
                continue
            if self.sources is not None and step.id not in self.sources:
                continue
            target = self.locations.target(step.quantity, step.sample is not None, step.value)
            if target is not None:
                yield step, target

    def same_pass_steps(self, p: Printed) -> list[Step]:
        """Steps of p's iteration and sample (or of the iteration as a whole), nearest to p first."""
        it = None if p.final else p.expect.iteration
        steps = [s for s in self.trace.steps
                 if s.value is not None and s.iteration == it and s.sample in (None, p.expect.sample or 1)
                 and s.index != int(p.position)]
        return sorted(steps, key=lambda s: abs(s.index - p.position))

    def parameters_before(self, iteration: int) -> Mapping[str, float]:
        """Every parameter at the start of an iteration the check names."""
        return self.trace.parameters_before(iteration)

    def document_decimals(self) -> list[int]:
        """The decimals the document prints numbers with, finest first."""
        return sorted({p.expect.decimals for p in self.printed if 0 < p.expect.decimals <= 12}, reverse=True)
