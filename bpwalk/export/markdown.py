"""The walk-through as a Markdown document that reads like the seed documents.

A heading per phase, a sentence per step, and each equation as display LaTeX: the general
formula, the same with numbers, the result (`\\begin{aligned}`, which GitHub, Jupyter and
VS Code all render; no macros they lack). Reads the Trace; shares the sentences with the
terminal (`bpwalk.words.prose`) and the formulas with the JSON export (`bpwalk.formula.equations`).
"""

from __future__ import annotations

from typing import Iterator

import bpwalk.formula.equations as formula
from bpwalk.export import Options
from bpwalk.formula.notation import Notation
from bpwalk.words.prose import describe, rounding_note
from bpwalk.engine.steps import Step, Trace, factor_name, operand_sample, shows_factors

TITLES = {
    "en": {"network": "The network", "parameters": "Parameters", "samples": "Samples", "training": "Training",
           "iteration": "Iteration {}", "final": "After training", "summary": "Summary",
           "forward": "Forward pass", "loss": "Loss", "backward": "Backward pass", "update": "Update",
           "sample": "sample {}", "layer": "layer", "units": "units", "activation": "activation",
           "weights": "weights", "bias": "bias", "inputs": "inputs", "name": "name", "value": "value",
           "after": "after", "trained": "trained", "yes": "yes", "no": "no", "targets": "targets",
           "where": "where", "step": "step {}", "given": "given", "before": "total loss before",
           "loss_after": "total loss after", "outputs": "outputs after training", "none": "none",
           "settings": "loss: {loss}, over samples: {reduction}, update: {update}, "
                       "learning rate η = {lr}, iterations: {iterations}"},
    "zh": {"network": "网络", "parameters": "参数", "samples": "样本", "training": "训练",
           "iteration": "第 {} 轮", "final": "训练后", "summary": "总结",
           "forward": "正向传播", "loss": "误差", "backward": "反向传播", "update": "参数更新",
           "sample": "样本 {}", "layer": "层", "units": "单元", "activation": "激活函数",
           "weights": "权重", "bias": "偏置", "inputs": "输入", "name": "名称", "value": "值",
           "after": "训练后", "trained": "训练", "yes": "是", "no": "否", "targets": "目标值",
           "where": "其中", "step": "第 {} 步", "given": "已知", "before": "训练前总误差",
           "loss_after": "训练后总误差", "outputs": "训练后的输出", "none": "无",
           "settings": "损失函数：{loss}，样本汇总：{reduction}，更新方式：{update}，"
                       "学习率 η = {lr}，迭代次数：{iterations}"},
}


def _t(lang: str, key: str, *args: object, **kwargs: object) -> str:
    return TITLES.get(lang, TITLES["en"])[key].format(*args, **kwargs)


def _num(x: float, digits: int) -> str:
    return formula.format_number(x, digits)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines + [""]


def _overview(trace: Trace, digits: int, lang: str) -> Iterator[str]:
    sc = trace.scenario
    yield f"## {_t(lang, 'network')}"
    yield ""
    rows = [[_t(lang, "inputs"), ", ".join(sc.inputs), "", "", ""]]
    for l, layer in enumerate(sc.layers, 1):
        weights = " ".join(n for row in layer.weight_names for n in row)
        bias = _t(lang, "none") if layer.bias == "none" else f"{', '.join(layer.bias_names)} ({layer.bias})"
        rows.append([str(l), ", ".join(layer.units), layer.activation, weights, bias])
    yield from _table([_t(lang, "layer"), _t(lang, "units"), _t(lang, "activation"), _t(lang, "weights"),
                       _t(lang, "bias")], rows)
    trained = sc.trained_parameters()
    final = trace.iterations[-1].new
    yield f"### {_t(lang, 'parameters')}"
    yield ""
    yield from _table(
        [_t(lang, "name"), _t(lang, "value"), _t(lang, "after"), _t(lang, "trained")],
        [[f"${Notation.of(sc).name_latex(name)}$", _num(value, digits), _num(final[name], digits),
          _t(lang, "yes") if name in trained else _t(lang, "no")]
         for name, value in trace.parameters.items()],
    )
    yield f"### {_t(lang, 'samples')}"
    yield ""
    yield from _table(
        ["#", *sc.inputs, *(f"{_t(lang, 'targets')} {o}" for o in sc.outputs)],
        [[str(n), *(_num(x, digits) for x in s.inputs), *(_num(t, digits) for t in s.targets)]
         for n, s in enumerate(sc.samples, 1)],
    )
    yield _t(lang, "settings", loss=sc.loss, reduction=sc.reduction, update=sc.update,
             lr=_num(sc.learning_rate, digits), iterations=sc.iterations)
    yield ""


def _equation(step: Step, notation: Notation, digits: int) -> list[str]:
    parts = formula.latex(step, notation, digits)
    if parts is None:
        return []
    general, substituted, value = parts
    lhs, _, rhs = general.partition(" = ")
    lines = [f"{lhs} &= {rhs}"]
    if substituted not in (rhs, value):
        lines.append(f"&= {substituted}")
    lines.append(f"&= {value}")
    return ["$$", "\\begin{aligned}", " \\\\\n".join(lines), "\\end{aligned}", "$$", ""]


def _factors(step: Step, trace: Trace, notation: Notation, digits: int, lang: str) -> list[str]:
    """Where a chain rule's factors (and a sum's terms) came from."""
    if not shows_factors(step):
        return []
    lines = [f"{_t(lang, 'where')}:", ""]
    for i, op in enumerate(step.operands):
        name = factor_name(step, i)
        where = _t(lang, "step", op.source + 1) if op.source is not None else _t(lang, "given")
        # the value outside the math: a value to copy (`numfmt`), not part of a formula
        lines.append(f"- ${notation.latex(name, operand_sample(step, i))}$ = {_num(op.value, digits)} ({where})")
    return lines + [""]


def sections(trace: Trace, lang: str) -> Iterator[tuple[str | None, str | None, Step]]:
    """The steps a document shows, with the headings that open before them.

    Yields (iteration title or None, phase title or None, step): a title only where a new
    iteration (or the pass after training) or a new phase (of a new sample) begins.
    """
    multi = len(trace.scenario.samples) > 1
    iteration: object = object()
    phase = ""
    for step in trace.steps:
        if step.phase in ("intro", "summary"):
            continue
        opens = None
        if step.iteration != iteration:
            iteration = step.iteration
            opens = _t(lang, "final") if step.iteration is None else _t(lang, "iteration", step.iteration)
            phase = ""
        title = _t(lang, step.phase)
        if step.sample is not None and multi:
            title += f" ({_t(lang, 'sample', step.sample)})"
        yield opens, (title if title != phase else None), step
        phase = title


def to_markdown(trace: Trace, digits: int | None = None, lang: str | None = None) -> str:
    """The whole walk-through as Markdown.

    Args:
        trace: what `bpwalk.engine.trace.run` returned.
        digits: significant digits shown (default: the scenario's display.precision).
        lang: "en" or "zh" (default: the scenario's display.lang).
    """
    sc = trace.scenario
    digits = digits or sc.display.precision
    lang = lang or sc.display.lang
    notation = Notation.of(sc)
    out: list[str] = [f"# {sc.title}", ""]
    if sc.source:
        out += [f"*{sc.source}*", ""]
    if sc.description:
        out += [sc.description.strip(), ""]
    if trace.settings.rounding is not None:
        out += [f"> {rounding_note(trace.settings.rounding, lang)}", ""]
    out += list(_overview(trace, digits, lang))
    for opens, phase, step in sections(trace, lang):
        if opens:
            out += [f"## {opens}", ""]
        if phase:
            out += [f"### {phase}", ""]
        label = notation.latex(step.quantity, step.sample)
        sentence = describe(step, notation, lang)
        out += [f"**${label}$** — {sentence}" if sentence else f"**${label}$**", ""]
        out += _equation(step, notation, digits)
        out += _factors(step, trace, notation, digits, lang)
    out += [f"## {_t(lang, 'summary')}", ""]
    out += _table([_t(lang, "before"), _t(lang, "loss_after")],
                  [[_num(trace.iterations[0].total_loss, digits), _num(trace.final.total_loss, digits)]])
    out += [f"### {_t(lang, 'outputs')}", ""]
    out += _table(["#", *sc.outputs, *(f"{_t(lang, 'targets')} {o}" for o in sc.outputs)],
                  [[str(rec.sample), *(_num(rec.out[o], digits) for o in sc.outputs),
                    *(_num(t, digits) for t in s.targets)]
                   for rec, s in zip(trace.final.samples, sc.samples)])
    return "\n".join(out).rstrip() + "\n"


def export(trace: Trace, options: Options) -> str:
    """The registry's entry point (`bpwalk.export.REGISTRY`)."""
    return to_markdown(trace, options.digits, options.lang)
