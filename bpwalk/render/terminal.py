"""Rich view of one step in the scalar style: heading, the equation three ways, its operands.

    out_o1 = 1/(1 + e^(−net_o1))        the general formula, in the document's term order
           = 1/(1 + e^(−1.10590597))    every symbol replaced by its number
           = 0.75136507                 the result

Chain rules list each factor with its value and the step that computed it.
"""

from __future__ import annotations

from typing import Callable

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from bpwalk.formula.notation import Notation
from bpwalk.ops import L2, OPTIONS, PARAMETERS, STATE_NAMES
from bpwalk.render.blocks import UNLIMITED, Atom, Equation, text
from bpwalk.words import after_training, cases, say
from bpwalk.words.prose import batch_words, describe
from bpwalk.formula.numbers import format_number
from bpwalk.engine.steps import Operand, Step, Trace, factor_name, operand_sample

def phase_name(lang: str, phase: str) -> str:
    """`Forward pass`, `正向传播`: a phase as headings and the status line name it."""
    return say(lang, f"phase.{phase}")


def where_in(lang: str, iteration: int | None, sample: int | None = None, notation: Notation | None = None) -> list[str]:
    """`iteration 1`, `sample 2` (or `after the update`): the parts of a heading after the phase."""
    final = after_training(lang, notation.iterations, notation.updates) if notation else say(lang, "at.after_update")
    parts = [final if iteration is None else say(lang, "at.iteration", n=iteration)]
    if sample is not None:
        parts.append(say(lang, "at.sample", n=sample))
    return parts


# what an operand that no step computed is, by its name
GIVEN = {"lr": "learning_rate", "K": "count", "1": "constant", "t": "update_count"}


def heading(step: Step, notation: Notation, lang: str = "en") -> str:
    """`Forward pass · iteration 1 · sample 1 · out_h1`."""
    parts = [phase_name(lang, step.phase)]
    if step.phase not in ("intro", "summary"):
        parts += where_in(lang, step.iteration, step.sample if notation.multi_sample else None, notation)
        if step.batch is not None:   # a batch's loss, gradient or update: which samples it is of
            parts.append(batch_words(notation.batches, step.batch, None, lang) or say(lang, "at.batch_short", n=step.batch))
        parts.append(notation.text(step.quantity, step.sample))
    return " · ".join(parts)


def origin(op: Operand, trace: Trace, lang: str, number: Callable[[int], int] | None = None) -> str:
    """Where an operand's value came from: a step, or given (input, target, parameter, ...).

    `number` gives the number a reader goes to for a step index (default: the step's own,
    index + 1; the quiz in a grouped style names the frame that shows it).
    """
    if op.source is not None:
        source = trace.steps[op.source]
        n = number(op.source) if number is not None else op.source + 1
        return say(lang, "origin.updated" if source.phase == "update" else "origin.from", n=n)
    kind = op.ref.kind
    if op.name in PARAMETERS:   # an activation's parameter: its registry entry's words
        words = PARAMETERS[op.name].words
        return words.get(lang, words["en"])
    if op.name in OPTIONS or op.name == L2.key:   # an optimizer's option, the penalty's λ
        words = (OPTIONS.get(op.name) or L2).words
        return words.get(lang, words["en"])
    if kind in STATE_NAMES:   # an optimizer's state before its first update
        return say(lang, "origin.zero")
    given = {"out": "input", "target": "target"}.get(kind) or GIVEN.get(op.name, "parameter")
    return say(lang, f"origin.{given}")


class StepView:
    """One step of the scalar style: the equation three ways, then where each operand came from."""

    def __init__(self, trace: Trace, step: Step, digits: int, lang: str = "en", operands: bool = True,
                 number: Callable[[int], int] | None = None) -> None:
        self.trace = trace
        self.step = step
        self.digits = digits
        self.lang = lang
        self.operands = operands
        self.number = number                 # see `origin`
        self.notation = Notation.of(trace.scenario)

    def equation(self, width: int = UNLIMITED) -> list[Text]:
        """The equation three ways, one `=` a line; a line wider than `width` wraps at an operator."""
        import bpwalk.formula.equations as formula

        parts = formula.text(self.step, self.notation, self.digits, cases(self.lang))
        if parts is None:
            return []
        lhs, general, substituted, value = parts
        sides: list[list[Atom]] = [[general]]
        if substituted not in (general, value):
            sides.append([substituted])
        sides.append([text(value, "bold green")])
        lines = Equation([lhs], sides, stacked=True).lines(width)
        if self.step.rule == "keep":
            pad = " " * cell_len(lhs)
            lines.append(Text(f"{pad}   ({say(self.lang, 'step.not_trained')})", style="dim"))
        return lines

    def operand_table(self) -> Table | None:
        step = self.step
        if not step.operands or step.rule in ("keep",):
            return None
        table = Table.grid(padding=(0, 2))
        table.add_column(style="cyan")
        table.add_column(justify="right")
        table.add_column(style="dim")
        seen = set()
        for i, op in enumerate(step.operands):
            sample = operand_sample(step, i)
            # an operand listed once however often the formula uses it; two samples' are two
            if (op.name, sample) in seen:
                continue
            seen.add((op.name, sample))
            label = self.notation.text(op.name, sample)
            name = factor_name(step, i)
            if name != op.name:
                # dnet/dp of a chain rule: it equals the input of the weight (1 for a bias)
                dnet = self.notation.text(name, sample)
                label = f"{dnet} = {label}" if op.name != "1" else dnet
            table.add_row(label, format_number(op.value, self.digits),
                          origin(op, self.trace, self.lang, self.number))
        return table

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Text(heading(self.step, self.notation, self.lang), style="bold")
        sentence = describe(self.step, self.notation, self.lang)
        if sentence:
            yield Text(sentence, style="italic dim")
        yield from self.equation(options.max_width)
        if self.operands:
            table = self.operand_table()
            if table is not None:
                yield Text(say(self.lang, "step.where"), style="dim")
                yield table
