"""One sentence per step saying what it computes, in English or Chinese.

The terminal shows it under the heading; the Markdown and HTML transcripts read like the
seed documents because of it.
"""

from __future__ import annotations

from bpwalk.engine.steps import Step
from bpwalk.formula.notation import Notation
from bpwalk.words import TABLES, say, table

SENTENCES = {lang: {key[len("prose."):]: text for key, text in table(lang).items() if key.startswith("prose.")}
             for lang in TABLES}


def describe(step: Step, notation: Notation, lang: str = "en") -> str:
    """A sentence for the step, or "" for the intro and summary."""
    words = SENTENCES.get(lang, SENTENCES["en"])
    kind, _, variant = step.rule.partition(":")
    key = step.rule if step.rule in words else kind
    if key not in words:
        return ""
    unit = step.subject
    via = step.quantity.split("@", 1)[1] if "@" in step.quantity else ""
    loss = notation.text("total_loss") if step.sample is None or not notation.multi_sample else notation.text("loss", step.sample)
    return words[key].format(
        unit=unit,
        via=via,
        f=variant or "",
        bias=words["net_bias"] if step.rule == "net" and len(step.operands) % 2 else "",
        param=step.subject,
        how=words.get(f"how.{variant}", variant),
        loss=loss,
    )


def rounding_note(decimals: int, lang: str = "en") -> str:
    """What the screen and the transcripts say when --round N is on."""
    return say(lang, "prose.rounding", decimals=decimals)
