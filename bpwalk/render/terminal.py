"""Rich views of steps: a heading, then the equation three ways (formula, numbers, result)."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text

from bpwalk import formula
from bpwalk.notation import Notation
from bpwalk.steps import Step, Trace

PHASE_NAMES = {
    "en": {"intro": "Scenario", "forward": "Forward pass", "loss": "Loss", "backward": "Backward pass",
           "update": "Update", "summary": "Summary"},
    "zh": {"intro": "场景", "forward": "正向传播", "loss": "误差", "backward": "反向传播",
           "update": "参数更新", "summary": "总结"},
}
WORDS = {
    "en": {"iteration": "iteration", "sample": "sample", "final": "after training", "step": "step"},
    "zh": {"iteration": "第{}轮", "sample": "样本", "final": "训练后", "step": "步"},
}


def heading(step: Step, notation: Notation, lang: str = "en") -> str:
    """`Forward pass · iteration 1 · sample 1 · out_h1`."""
    words = WORDS[lang]
    parts = [PHASE_NAMES[lang][step.phase]]
    if step.phase not in ("intro", "summary"):
        if step.iteration is None:
            parts.append(words["final"])
        elif lang == "zh":
            parts.append(words["iteration"].format(step.iteration))
        else:
            parts.append(f"{words['iteration']} {step.iteration}")
        if step.sample is not None:
            parts.append(f"{words['sample']} {step.sample}")
        parts.append(notation.text(step.quantity, step.sample))
    return " · ".join(parts)


class StepView:
    """One step: heading and the equation as formula = numbers = result."""

    def __init__(self, trace: Trace, step: Step, digits: int, lang: str = "en") -> None:
        self.trace = trace
        self.step = step
        self.digits = digits
        self.lang = lang
        self.notation = Notation.of(trace.scenario)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        step = self.step
        yield Text(f"[{step.index + 1}/{len(self.trace.steps)}] {heading(step, self.notation, self.lang)}", style="bold")
        if step.phase == "intro":
            sc = self.trace.scenario
            yield Text(sc.title)
            if sc.source:
                yield Text(f"source: {sc.source}", style="dim")
            return
        if step.phase == "summary":
            first, final = step.operands
            yield Text(f"{self.notation.text('total_loss')}: {formula.format_number(first.value, self.digits)} → "
                       f"{formula.format_number(final.value, self.digits)}")
            return
        parts = formula.text(step, self.notation, self.digits)
        if parts is None:
            return
        lhs, general, substituted, value = parts
        yield Text(f"  {lhs} = {general}")
        pad = " " * (len(lhs) + 2)
        if substituted != general:
            yield Text(f"{pad} = {substituted}")
        yield Text.assemble(f"{pad} = ", (value, "bold green"))
