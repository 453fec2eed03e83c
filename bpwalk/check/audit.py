"""`bpwalk check`: every number a document printed, against the computed one, with a cause.

A printed number agrees when |computed − printed| ≤ ½·10⁻ᵈ (+1e-12), d the decimals as
written (a whole number among numbers with decimals is judged at their precision:
`recompute.judged`). One that does not is explained, where a cause can be found, by
recomputing the scenario under models of the mistakes people make by hand
(`bpwalk.check.mistakes`); the wrong numbers that follow from one mistake are grouped under
it, its root (`grouped`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

from bpwalk.check.mistakes import Cause, explain
from bpwalk.check.recompute import Context
from bpwalk.engine.convention import FLIPPED_KINDS
from bpwalk.scenario import Expect, Scenario


@dataclass(frozen=True)
class Where:
    """Which printed number: its key, iteration (None: final pass), sample, and line in the file."""

    key: str
    iteration: int | None
    sample: int | None
    line: int

    def as_dict(self) -> dict[str, object]:
        return {"key": self.key, "iteration": self.iteration, "sample": self.sample, "line": self.line}


@dataclass(frozen=True)
class Verdict:
    """One printed number, checked.

    `iteration` is None for the final forward pass (final.* keys); `sample` is None for the
    quantities of an iteration as a whole (total_loss, and grad/new with update: batch).
    `root` is the printed number whose mistake this one follows from (itself when the mistake
    is its own; None when it agrees), and `root_cause` that number's cause.
    """

    key: str
    iteration: int | None
    sample: int | None
    document_text: str        # as written in the scenario: its decimals set the precision
    document: float
    computed: float
    agrees: bool
    cause: str | None         # None when it agrees; else what reproduces it, or "cause unknown"
    erratum: str              # the scenario's own note on the error ("" when it has none)
    line: int = 0             # the entry's line in the scenario file (0: unknown)
    root: Where | None = None
    root_cause: str | None = None
    batch: int | None = None  # with update: minibatch, the batch of an update key

    @property
    def where(self) -> Where:
        return Where(self.key, self.iteration, self.sample, self.line)

    @property
    def is_root(self) -> bool:
        return self.root is not None and self.root == self.where

    def as_dict(self) -> dict[str, object]:
        """The verdict for JSON (`bpwalk check --json`; docs/check.md gives the shape)."""
        out: dict[str, object] = {
            "key": self.key, "iteration": self.iteration, "sample": self.sample, "line": self.line,
            # + 0.0: -0.0 as 0.0, as everything bpwalk prints (bpwalk.formula.numbers)
            "document": self.document + 0.0, "document_text": self.document_text, "computed": self.computed + 0.0,
            "agrees": self.agrees, "cause": self.cause,
            "root": None if self.root is None else self.root.as_dict(), "root_cause": self.root_cause,
            "erratum": self.erratum,
        }
        if self.batch is not None:   # update: minibatch only
            out["batch"] = self.batch
        return out


def check(scenario: Scenario, rounding: int | None = None, lang: str = "en") -> tuple[Verdict, ...]:
    """Check every `expect` entry of a scenario, and explain the ones that do not agree.

    Args:
        scenario: a validated scenario; its `expect` entries are the printed numbers.
        rounding: compute with every intermediate rounded to this many decimals
            (`engine.decimal_rounder`), as a textbook does; None for full precision.
        lang: the language the causes are written in ("en" or "zh").

    Returns:
        One Verdict per entry, in the order of the file (`grouped` orders them by root cause).

    Raises:
        ComputeError: the scenario itself overflows.
        TooManySteps: one iteration is too long to trace.
    """
    # a document in the error convention (display.convention: error) printed δ = −∂E/∂net: it is
    # checked in the scenario format's signs, and reported in its own
    ctx = Context.build(in_spec_signs(scenario), rounding, lang, scenario.display.convention)
    causes: list[Cause | None] = [None if p.agrees else explain(ctx, p) for p in ctx.printed]
    roots = _roots(ctx, causes)
    verdicts = []
    for i, (p, cause, entry) in enumerate(zip(ctx.printed, causes, scenario.expect)):
        sign = -1.0 if ctx.convention == "error" and entry.kind in FLIPPED_KINDS else 1.0
        verdicts.append(Verdict(
            key=entry.key,
            iteration=None if p.final else entry.iteration,
            sample=entry.sample,
            document_text=entry.text,
            document=entry.value,
            computed=sign * p.exact,
            agrees=p.agrees,
            cause=None if cause is None else str(cause),
            erratum=entry.erratum,
            line=entry.line,
            batch=entry.batch,
        ))
    return tuple(v if roots[i] is None else replace(v, root=verdicts[roots[i]].where, root_cause=verdicts[roots[i]].cause)
                 for i, v in enumerate(verdicts))


def in_spec_signs(scenario: Scenario) -> Scenario:
    """The scenario with its printed δ and ∂E/∂out read as the scenario format's (∂E/∂net, ∂E/∂out):
    negated where the file declares the error convention. Every other number (∂E/∂w, new, and
    change = new − old = η·δ·x with plain gradient descent) reads the same in both conventions."""
    if scenario.display.convention != "error":
        return scenario
    entries = tuple(_negated(e) if e.kind in FLIPPED_KINDS else e for e in scenario.expect)
    return replace(scenario, expect=entries, display=replace(scenario.display, convention="gradient"))


def _negated(entry: Expect) -> Expect:
    def text(t: str) -> str:
        t = t.strip()
        return t[1:] if t.startswith("-") else f"-{t.removeprefix('+')}"

    correct = None if entry.correct is None else -entry.correct
    return replace(entry, value=-entry.value, text=text(entry.text), correct=correct,
                   correct_text=text(entry.correct_text) if entry.correct_text else "")


def _roots(ctx: Context, causes: Sequence[Cause | None]) -> list[int | None]:
    """For each entry, the index of the entry whose mistake it follows from (None: it agrees).

    A number carried from an earlier wrong one has that one's root; a number whose cause is
    the same mistake, in the same words, as an earlier number's own has that number as root
    (the ½ dropped shows in every number after it); any other wrong number is its own root.
    """
    index = {id(p): i for i, p in enumerate(ctx.printed)}
    roots: list[int | None] = [None] * len(causes)
    own: dict[str, int] = {}

    def root_of(i: int, depth: int = 0) -> int:
        cause = causes[i]
        assert cause is not None
        source = cause.source
        if source is not None and id(source) in index and depth < len(causes):
            j = index[id(source)]
            if causes[j] is not None:
                return root_of(j, depth + 1)
        if not cause.literal and source is None:
            return own.setdefault(str(cause), i)
        return i

    for i in sorted(range(len(causes)), key=lambda i: ctx.printed[i].position):
        if causes[i] is not None:
            roots[i] = root_of(i)
    return roots


def grouped(verdicts: Sequence[Verdict]) -> list[Verdict]:
    """The verdicts with each root cause's consequences right after it, agreeing ones in file order.

    A group stands where its first number stands in the file; within it the root comes first,
    then its consequences in file order.
    """
    members: dict[Where, list[Verdict]] = {}
    for v in verdicts:
        if v.root is not None:
            members.setdefault(v.root, []).append(v)
    order: list[Verdict] = []
    done: set[Where] = set()
    for v in verdicts:
        if v.root is None:
            order.append(v)
        elif v.root not in done:
            done.add(v.root)
            group = members[v.root]
            order += sorted(group, key=lambda u: not u.is_root)
    return order
