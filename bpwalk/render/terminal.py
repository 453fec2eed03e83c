"""Rich view of one step in the scalar style: heading, the equation three ways, its operands.

    out_o1 = 1/(1 + e^(−net_o1))        the general formula, in the document's term order
           = 1/(1 + e^(−1.10590597))    every symbol replaced by its number
           = 0.75136507                 the result

Chain rules list each factor with its value and the step that computed it.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from bpwalk.formula.notation import Notation
from bpwalk.ops import PARAMETERS
from bpwalk.render.blocks import UNLIMITED, Atom, Equation, text
from bpwalk.words.prose import describe
from bpwalk.formula.numbers import format_number
from bpwalk.engine.steps import Operand, Step, Trace, factor_name, operand_sample

PHASE_NAMES = {
    "en": {"intro": "Scenario", "forward": "Forward pass", "loss": "Loss", "backward": "Backward pass",
           "update": "Update", "summary": "Summary"},
    "zh": {"intro": "场景", "forward": "正向传播", "loss": "误差", "backward": "反向传播",
           "update": "参数更新", "summary": "总结"},
}
WORDS = {
    "en": {"iteration": "iteration {}", "sample": "sample {}", "final": "after training", "step": "step {}",
           "given": "given", "input": "input", "target": "target", "learning_rate": "learning rate",
           "parameter": "parameter", "updated": "updated in step {}", "from": "from step {}",
           "where": "where", "constant": "constant", "outputs": "outputs",
           "count": "number of outputs", "not_trained": "not trained: keeps its value",
           "loss_before": "loss before training", "loss_after": "loss after {} iteration(s)",
           "change": "change"},
    "zh": {"iteration": "第 {} 轮", "sample": "样本 {}", "final": "训练后", "step": "第 {} 步",
           "given": "已知", "input": "输入", "target": "目标值", "learning_rate": "学习率",
           "parameter": "参数", "updated": "第 {} 步更新", "from": "来自第 {} 步",
           "where": "其中", "constant": "常数", "outputs": "输出",
           "count": "输出个数", "not_trained": "不训练：保持原值",
           "loss_before": "训练前误差", "loss_after": "{} 轮后误差", "change": "变化"},
}


def word(lang: str, key: str, *args: object) -> str:
    return WORDS.get(lang, WORDS["en"])[key].format(*args)


def heading(step: Step, notation: Notation, lang: str = "en") -> str:
    """`Forward pass · iteration 1 · sample 1 · out_h1`."""
    parts = [PHASE_NAMES.get(lang, PHASE_NAMES["en"])[step.phase]]
    if step.phase not in ("intro", "summary"):
        parts.append(word(lang, "final") if step.iteration is None else word(lang, "iteration", step.iteration))
        if step.sample is not None and notation.multi_sample:
            parts.append(word(lang, "sample", step.sample))
        parts.append(notation.text(step.quantity, step.sample))
    return " · ".join(parts)


def origin(op: Operand, trace: Trace, lang: str) -> str:
    """Where an operand's value came from: a step, or given (input, target, parameter, ...)."""
    if op.source is not None:
        source = trace.steps[op.source]
        if source.phase == "update":
            return word(lang, "updated", op.source + 1)
        return word(lang, "from", op.source + 1)
    kind = op.name.split(".", 1)[0]
    if kind == "out":
        return word(lang, "input")
    if kind == "target":
        return word(lang, "target")
    if op.name == "lr":
        return word(lang, "learning_rate")
    if op.name in PARAMETERS:   # an activation's parameter: its registry entry's words
        words = PARAMETERS[op.name].words
        return words.get(lang, words["en"])
    if op.name == "K":
        return word(lang, "count")
    if op.name == "1":
        return word(lang, "constant")
    return word(lang, "parameter")


class StepView:
    """One step of the scalar style: the equation three ways, then where each operand came from."""

    def __init__(self, trace: Trace, step: Step, digits: int, lang: str = "en", operands: bool = True) -> None:
        self.trace = trace
        self.step = step
        self.digits = digits
        self.lang = lang
        self.operands = operands
        self.notation = Notation.of(trace.scenario)

    def equation(self, width: int = UNLIMITED) -> list[Text]:
        """The equation three ways, one `=` a line; a line wider than `width` wraps at an operator."""
        import bpwalk.formula.equations as formula

        parts = formula.text(self.step, self.notation, self.digits)
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
            lines.append(Text(f"{pad}   ({word(self.lang, 'not_trained')})", style="dim"))
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
                          origin(op, self.trace, self.lang))
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
                yield Text(word(self.lang, "where"), style="dim")
                yield table
