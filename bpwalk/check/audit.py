"""`bpwalk check`: every number a document printed, against the computed one, with a cause.

A printed number agrees when |computed − printed| ≤ ½·10⁻ᵈ (+1e-12), d the decimals as
written (`Expect.agrees`). One that does not is explained, where a cause can be found, by
recomputing the scenario under models of the mistakes people make by hand (`bpwalk.check.mistakes`).
"""

from __future__ import annotations

from dataclasses import dataclass

from bpwalk.check.mistakes import explain
from bpwalk.check.recompute import Context
from bpwalk.scenario import Scenario


@dataclass(frozen=True)
class Verdict:
    """One printed number, checked.

    `iteration` is None for the final forward pass (final.* keys); `sample` is None for the
    quantities of an iteration as a whole (total_loss, and grad/new with update: batch).
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

    def as_dict(self) -> dict[str, object]:
        """The verdict for JSON (`bpwalk check --json`)."""
        return {
            "key": self.key, "iteration": self.iteration, "sample": self.sample,
            # + 0.0: -0.0 as 0.0, as everything bpwalk prints (bpwalk.formula.numbers)
            "document": self.document + 0.0, "document_text": self.document_text, "computed": self.computed + 0.0,
            "agrees": self.agrees, "cause": self.cause, "erratum": self.erratum,
        }


def check(scenario: Scenario, rounding: int | None = None, lang: str = "en") -> tuple[Verdict, ...]:
    """Check every `expect` entry of a scenario, and explain the ones that do not agree.

    Args:
        scenario: a validated scenario; its `expect` entries are the printed numbers.
        rounding: compute with every intermediate rounded to this many decimals
            (`engine.decimal_rounder`), as a textbook does; None for full precision.
        lang: the language the causes are written in ("en" or "zh").

    Returns:
        One Verdict per entry, in the order of the file.

    Raises:
        ComputeError: the scenario itself overflows.
        TooManySteps: the walk-through is too long to trace.
    """
    ctx = Context.build(scenario, rounding, lang)
    verdicts = []
    for p in ctx.printed:
        entry = p.expect
        verdicts.append(Verdict(
            key=entry.key,
            iteration=None if p.final else entry.iteration,
            sample=entry.sample,
            document_text=entry.text,
            document=entry.value,
            computed=p.exact,
            agrees=p.agrees,
            cause=None if p.agrees else explain(ctx, p),
            erratum=entry.erratum,
        ))
    return tuple(verdicts)
