"""One sentence per step saying what it computes, in English or Chinese.

The terminal shows it under the heading; the Markdown and HTML transcripts read like the
seed documents because of it. An activation's or a loss's step says the words of its registry
entry ({f}), or the entry's own sentence for that kind of step (softmax's, for one).
"""

from __future__ import annotations

from typing import Mapping, Sequence, TypeVar

from bpwalk.engine.steps import Step
from bpwalk.formula.notation import Notation
from bpwalk.ops import ACTIVATIONS, LOSSES, OPTIMIZERS
from bpwalk.scenario import Scenario
from bpwalk.words import TABLES, say, table

# the step kinds whose variant (after the colon) names an activation, or a loss
ACTIVATION_KINDS = ("act", "dact", "delta")
LOSS_KINDS = ("error", "dE_dout")
T = TypeVar("T")

SENTENCES = {lang: {key[len("prose."):]: text for key, text in table(lang).items() if key.startswith("prose.")}
             for lang in TABLES}


def describe(step: Step, notation: Notation, lang: str = "en") -> str:
    """A sentence for the step, or "" for the intro and summary."""
    words = SENTENCES.get(lang, SENTENCES["en"])
    kind, variant = step.rule_kind, step.rule_of
    sentence, f = _own_sentence(kind, variant, lang)
    if kind == "opt":   # an optimizer's step: the words of its quantity, or for the new value the entry's own
        name, quantity = variant, step.rule_part
        sentence = _in(OPTIMIZERS[name].prose, lang) if quantity == "new" else words.get(f"opt.{quantity}")
    elif step.quantity in ("data_loss", "batch_loss"):
        sentence = words[step.quantity]
    if notation.error:   # the error convention's own sentence for the steps it writes otherwise
        sentence = words.get(f"conv_error.{step.rule}", words.get(f"conv_error.{kind}", sentence))
    if sentence is None:
        key = step.rule if step.rule in words else kind
        if key not in words:
            return ""
        sentence = words[key]
    unit = step.subject
    via = step.ref.via
    loss = notation.text("total_loss") if step.sample is None or not notation.multi_sample else notation.text("loss", step.sample)
    if step.ref.kind == "grad" and unit in notation.untrained and step.phase == "backward":
        # the JSON keeps the gradient of a bias that is not trained; the walk-through says why nothing uses it
        sentence += " " + say(lang, "step.grad_not_used", param=unit)
    return sentence.format(
        unit=unit,
        via=via,
        f=f,
        bias=words["net_bias"] if step.rule == "net" and len(step.operands) % 2 else "",
        param=step.subject,
        how=words.get(f"how.{variant}", variant),
        loss=loss,
        t=next((f"{op.value:g}" for op in step.operands if op.name == "t"), ""),
    )


def batch_heading(scenario: Scenario, step: Step, lang: str = "en") -> str | None:
    """`batch 2 of 3: samples 3, 4` for a step of one batch's update with update: minibatch, else None."""
    if scenario.update != "minibatch" or step.iteration is None:
        return None
    return batch_words(scenario.batches(), step.batch, step.sample, lang)


def batch_words(batches: Sequence[Sequence[int]], batch: int | None, sample: int | None,
                lang: str = "en") -> str | None:
    """`batch 2 of 3: samples 3, 4`: the batch a step is of (by its batch, else its sample's), or None."""
    n = batch
    if n is None and sample is not None and batches:
        n = next(b for b, members in enumerate(batches, 1) if sample - 1 in members)
    if n is None or not batches:
        return None
    samples = ", ".join(str(i + 1) for i in batches[n - 1])
    return say(lang, "at.batch", n=n, count=len(batches), samples=samples)


def _own_sentence(kind: str, variant: str, lang: str) -> tuple[str | None, str]:
    """An activation's or loss's own sentence for this kind of step (or None), and its {f} words."""
    if kind in ACTIVATION_KINDS and variant in ACTIVATIONS:
        entry = ACTIVATIONS[variant]
        return _in(entry.sentences, lang).get(kind), _in(entry.words, lang)
    if kind in LOSS_KINDS and variant in LOSSES:
        return _in(LOSSES[variant].sentences, lang).get(kind), variant
    return None, variant


def _in(table: Mapping[str, T], lang: str) -> T:
    """The language's entry of a table by language, or the English one."""
    return table[lang] if lang in table else table.get("en", {})  # type: ignore[return-value]


def rounding_note(decimals: int, lang: str = "en") -> str:
    """What the screen and the transcripts say when --round N is on."""
    return say(lang, "prose.rounding", decimals=decimals)
