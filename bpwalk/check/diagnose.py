"""The quiz's diagnosis: a wrong answer run through `bpwalk check`'s mistake models.

A typed answer is a printed number like any other: `diagnose` makes it an `expect` entry of the
scenario, with the student's earlier answers before it (a number carried from one of them, or
from one rounded to the digits typed, is their own mistake), and asks the models of
`bpwalk.check.mistakes` in check's order. The first that reproduces the answer at the
precision typed (|computed − typed| ≤ ½·10⁻ᵈ, check's rule) is the diagnosis, said as check
says it but without the value asked (`Context.conceal`: the student is about to try again).

Only single mistakes are diagnosed: a combination of two is a guess to a student, and the
document-wide sign convention needs a document. Every model replays at most the one iteration
of a quiz's scenario, or the scenario's own run (the updated weights); on the built-in
scenarios a diagnosis takes milliseconds (tests/test_quiz_diagnose.py measures mazur and
deep-relu).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

from bpwalk.check.mistakes import (
    LITERAL,
    MODELS,
    Model,
    carried_from_two_mismatches,
    mistyped_wrong_derivative,
    slip_on_carried_value,
)
from bpwalk.check.mistakes_writing import sign_convention
from bpwalk.check.recompute import Context
from bpwalk.engine.steps import Step, Trace
from bpwalk.errors import BpwalkError
from bpwalk.scenario import Expect, Scenario

# the models a single answer can be explained by: not the combinations of two mistakes, nor the
# sign convention of a whole document
QUIZ_MODELS: tuple[Model, ...] = tuple(m for m in MODELS if m not in (
    sign_convention, carried_from_two_mismatches, slip_on_carried_value, mistyped_wrong_derivative))
# earlier answers taken into account, nearest first: a number is computed from the few before it,
# and each one costs a replay of the iteration
EARLIER = 12
# an intermediate the student did not type, rounded and carried forward, is looked for among the
# steps this many links back along the operands: rounding each of deep-relu's ~290 steps in turn
# took up to 4 s a wrong answer, these few take milliseconds
DEPTH = 2


@dataclass(frozen=True)
class Answer:
    """A number the student typed for a quantity: the key (`out.h1`, `final.loss`, `dE_dout.o1`),
    where it is (iteration: 1 for the final pass, whose keys say final.), and the text typed."""

    key: str
    iteration: int
    sample: int | None
    text: str
    batch: int | None = None

    def entry(self) -> Expect | None:
        """The answer as an `expect` entry, or None when the text is not a plain number."""
        try:
            value = float(self.text)
        except ValueError:
            return None
        return Expect(self.key, value, self.text, self.iteration, self.sample, batch=self.batch)


@dataclass(frozen=True)
class Diagnosis:
    """The mistake that reproduces a wrong answer: check's cause, and the model's name."""

    cause: str
    model: str
    literal: bool       # a slip in writing the number (sign, digits), not in computing it


def diagnose(scenario: Scenario, answer: Answer, earlier: Sequence[Answer] = (),
             lang: str = "en", step: Step | None = None, trace: Trace | None = None,
             rounding: int | None = None) -> Diagnosis | None:
    """The simplest single mistake that gives `answer`, or None (right, or no model gives it).

    Args:
        scenario: the quiz's scenario (its own `expect` entries are not used).
        answer: the wrong answer, its text with an ASCII minus.
        earlier: the student's answers to earlier questions, in the order asked (the last
            `EARLIER` are used).
        lang: the language of the cause.
        step, trace: the step asked, in the quiz's trace of the scenario's run: an unprinted
            intermediate is then looked for among the steps it is computed from (`DEPTH`
            links back), not among every earlier step.
        rounding: the quiz's --round N (every intermediate rounded to N decimals), or None.
    """
    entry = answer.entry()
    if entry is None:
        return None
    before = [e for e in (a.entry() for a in earlier[-EARLIER:]) if e is not None and e.key != entry.key]
    try:
        ctx = _context(scenario, tuple(before) + (entry,), lang, rounding)
    except (KeyError, IndexError):
        try:        # an earlier answer names a quantity check cannot look up: without them
            ctx = _context(scenario, (entry,), lang, rounding)
        except (KeyError, IndexError):
            return None     # a quantity the check's keys do not name
    if step is not None and trace is not None:
        ctx = replace(ctx, sources=sources(trace, step))
    p = ctx.printed[-1]
    if p.agrees or (step is not None and step.value != p.exact):
        # a key that names another number than the step asked (a per-sample gradient with
        # update: minibatch reads as the batch's): no diagnosis rather than a wrong one
        return None
    for model in QUIZ_MODELS:
        try:
            cause = model(ctx, p)
        except (BpwalkError, ArithmeticError, ValueError, KeyError, IndexError):
            cause = None        # a model that cannot replay this scenario explains nothing here
        if cause is not None:
            return Diagnosis(str(cause), model.__name__, model in LITERAL)
    return None


def sources(trace: Trace, step: Step, depth: int = DEPTH) -> frozenset[str]:
    """The ids of the steps `step` is computed from, up to `depth` links back along its operands."""
    found: set[str] = set()
    level = [step]
    for _ in range(depth):
        level = [trace.steps[o.source] for s in level for o in s.operands if o.source is not None]
        found.update(s.id for s in level)
    return frozenset(found)


def _context(scenario: Scenario, entries: tuple[Expect, ...], lang: str, rounding: int | None) -> Context:
    return replace(Context.build(replace(scenario, expect=entries), rounding, lang), conceal=True)
