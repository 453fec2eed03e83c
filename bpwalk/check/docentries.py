"""What `check --document` finds: the computed numbers a document may print, and its matches.

`candidates` lists every number of the iterations a document is likely to show (the first
two, the last, and the final forward pass) with its key; a `Match` is a printed number with
the candidate it is, an `expect` entry with the document's line (`draft_expect` writes them
as YAML to paste into the scenario).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from bpwalk.check.window import trace_window
from bpwalk.errors import BpwalkError
from bpwalk.scenario import Expect, Scenario

MAX_NAMED = 20        # iterations a document names ("iteration 7") traced besides the first two and the last
UNIT_KINDS = ("net", "out", "error", "delta", "dE_dout", "dout_dnet")


class DocumentError(BpwalkError):
    """The document cannot be read."""


@dataclass(frozen=True)
class Candidate:
    key: str
    kind: str
    subject: str
    iteration: int | None      # None: the final forward pass
    sample: int | None
    batch: int | None
    value: float
    keyable: bool = True       # False: a number the scenario format has no key for (a sample's gradient
                               # with update: minibatch); found, so that it is no other's, but not checked


@dataclass(frozen=True)
class Match:
    """A printed number and the quantity it is: an `expect` entry with its line in the document."""

    key: str
    iteration: int | None
    sample: int | None
    batch: int | None
    line: int
    text: str
    value: float
    named: bool                # found by its left-hand side (False: by its value)

    def expect(self) -> Expect:
        return Expect(key=self.key, value=self.value, text=self.text, iteration=self.iteration or 1,
                      sample=self.sample, note=f"document line {self.line}", line=self.line, batch=self.batch)


def read_document(path: str | Path) -> str:
    """The document's text; a DocumentError naming the file when it cannot be read as UTF-8."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise DocumentError(f"{path}: not UTF-8 text (byte {err.start}); save the document as UTF-8") from None
    except OSError as err:
        raise DocumentError(f"{path}: cannot read the document ({err.strerror or err})") from None


def candidates(scenario: Scenario, named: Iterable[int] = ()) -> list[Candidate]:
    """Every computed number a document may print: of the first two iterations, the last, the final
    pass, and the iterations the text names (`named`, at most MAX_NAMED of them)."""
    wanted = {1, 2, scenario.iterations, *sorted(k for k in set(named) if 1 <= k <= scenario.iterations)[:MAX_NAMED]}
    window = trace_window(scenario, wanted)
    one = len(scenario.samples) == 1
    out = []
    for step in window.steps:
        if step.value is None or step.ref.via:
            continue
        q = step.quantity
        kind, subject = (q, "") if q in ("loss", "total_loss") else (step.ref.kind, step.ref.unit)
        if kind not in (*UNIT_KINDS, "loss", "total_loss", "grad", "new"):
            continue
        sample = step.sample
        if kind == "loss" and one:
            kind, sample = "total_loss", None
        key = kind if not subject else f"{kind}.{subject}"
        if step.iteration is None:
            key = f"final.{key}"
        keyable = not (scenario.update == "minibatch" and kind in ("grad", "new") and sample is not None)
        out.append(Candidate(key, kind, subject, step.iteration, sample, step.batch, step.value, keyable))
    return out


def draft_expect(scenario: Scenario, matches: list[Match]) -> str:
    """The matches as YAML `expect:` entries, to paste into the scenario."""
    lines = ["expect:"]
    for m in matches:
        fields = [f"key: {m.key}", f"value: {m.text}"]
        if m.iteration not in (None, 1):
            fields.append(f"iteration: {m.iteration}")
        if m.sample is not None and (m.sample != 1 or len(scenario.samples) > 1) and not m.key.endswith("total_loss"):
            fields.append(f"sample: {m.sample}")
        if m.batch is not None:
            fields.append(f"batch: {m.batch}")
        fields.append(f'note: "document line {m.line}"')
        lines.append("  - {" + ", ".join(fields) + "}")
    return "\n".join(lines) + "\n"
