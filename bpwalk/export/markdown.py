"""The walk-through as a Markdown document that reads like the seed documents.

A heading per phase, a sentence per step, and each equation as display LaTeX: the general
formula, the same with numbers, the result (`\\begin{aligned}`, which GitHub, Jupyter and
VS Code all render; no macros they lack). Reads the Trace; shares the sentences with the
terminal (`bpwalk.words.prose`) and the formulas with the JSON export (`bpwalk.formula.equations`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator, Sequence

import bpwalk.formula.equations as formula
from bpwalk.export import Options
from bpwalk.formula.notation import Notation
from bpwalk.formula.numbers import shown_digits
from bpwalk.words.prose import describe, rounding_note
from bpwalk.engine.steps import Step, Trace, factor_name, operand_sample, shows_factors
from bpwalk.scenario import Scenario
from bpwalk.words import cases, name_of, say

if TYPE_CHECKING:  # pragma: no cover
    from bpwalk.export.pagetex import Writer
    from bpwalk.walk.frames import Frame

def _t(lang: str, key: str, /, **fields: object) -> str:
    """A transcript's fixed words: `doc.<key>` of the words tables."""
    return say(lang, f"doc.{key}", **fields)


def settings_line(sc: Scenario, lang: str, lr: str) -> str:
    """`loss: half_sse, over samples: sum, update: batch, learning rate η = 0.5, iterations: 1`."""
    return _t(lang, "settings", loss=name_of(lang, "loss", sc.loss), reduction=name_of(lang, "reduction", sc.reduction),
              update=name_of(lang, "update", sc.update), lr=lr, iterations=sc.iterations)


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
        bias = _t(lang, "none") if layer.bias == "none" else \
            _t(lang, "bias_mode", names=", ".join(layer.bias_names), mode=name_of(lang, "bias", layer.bias))
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
    yield settings_line(sc, lang, _num(sc.learning_rate, digits))
    yield ""


def _equation(step: Step, notation: Notation, digits: int, lang: str) -> list[str]:
    parts = formula.latex(step, notation, digits, cases(lang))
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
    lines = [f"{say(lang, 'step.where')}:", ""]
    for i, op in enumerate(step.operands):
        name = factor_name(step, i)
        where = _t(lang, "step", n=op.source + 1) if op.source is not None else say(lang, "origin.given")
        # the value outside the math: a value to copy (`numfmt`), not part of a formula
        lines.append(f"- ${notation.latex(name, operand_sample(step, i))}$ = {_num(op.value, digits)} ({where})")
    return lines + [""]


def sections(trace: Trace, lang: str) -> Iterator[tuple[str | None, str | None, Step]]:
    """The steps a document shows, with the headings that open before them.

    Yields (iteration title or None, phase title or None, step): a title only where a new
    iteration (or the pass after training) or a new phase (of a new sample) begins.
    """
    from bpwalk.walk.pages import headed

    return headed(trace, trace.steps, lang)


def _cell(writer: "Writer", cell: object) -> str:
    """A table cell: a number as text (to copy as printed), a name as math."""
    from bpwalk.walk import page as model

    if isinstance(cell, model.Num):
        return _num(cell.value, writer.digits)
    if isinstance(cell, model.Named):
        value = _num(cell.value, writer.digits)
        return f"${cell.name.latex}$ = {value}" if cell.name is not None else value
    latex = writer.cell(cell)  # type: ignore[arg-type]
    return f"${latex}$" if latex else ""


def _block(writer: "Writer", block: object) -> list[str]:
    """One block of a grouped page: display math, a table, or a remark."""
    from bpwalk.walk import page as model

    if isinstance(block, (model.Math, model.StepBlock)):
        return ["$$", writer.aligned(block), "$$", ""]
    if isinstance(block, model.Note):
        about = f"${block.about.latex}$: " if block.about else ""
        return [f"*{about}{block.text}*", ""]
    if isinstance(block, model.Grid):
        rows = [[_cell(writer, c) for c in r] if r is not None else ["⋮"] * len(block.headers) for r in block.rows]
        return _table([_cell(writer, h) for h in block.headers], rows)
    assert isinstance(block, model.FanIn)
    return ["$$", "\\begin{gathered}", " \\\\\n".join(writer.fan_in(block)), "\\end{gathered}", "$$", ""]


def _state(trace: Trace, step: Step, digits: int, lang: str) -> list[str]:
    """After the last step of an update, the optimizer's state per parameter (bpwalk.walk.optstate)."""
    from bpwalk.walk.convention import closing_blocks

    blocks = closing_blocks(trace, step.index, lang)
    if not blocks:
        return []
    from bpwalk.export.pagetex import Writer

    writer = Writer(trace, digits, lang)
    return [line for block in blocks for line in _block(writer, block)]


def grouped(trace: Trace, frames: "Sequence[Frame]", digits: int, lang: str) -> list[str]:
    """The walk-through in a grouped style (matrix, delta): a section per frame, as on screen."""
    from bpwalk.export.pagetex import Writer, document

    writer = Writer(trace, digits, lang)
    out: list[str] = []
    for section in document(trace, frames, lang):
        if section.opens:
            out += [f"## {section.opens}", ""]
        if section.phase:
            out += [f"### {section.phase}", ""]
        out += [f"**${section.page.label.latex}$**", ""]
        for block in section.page.blocks:
            out += _block(writer, block)
    return out


def to_markdown(trace: Trace, digits: int | None = None, lang: str | None = None, style: str | None = None,
                frames: int | None = None) -> str:
    """The whole walk-through as Markdown.

    Args:
        trace: what `bpwalk.engine.trace.run` returned.
        digits: significant digits shown (default: the scenario's display.precision).
        lang: "en" or "zh" (default: the scenario's display.lang).
        style: scalar, matrix or delta (default: the scenario's display.style).
        frames: only the style's first frames (what the walk-through has shown).
    """
    sc = trace.scenario
    digits = shown_digits(digits or sc.display.precision, trace.settings.rounding)
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
    style = style or sc.display.style
    for opens, phase, step in sections(trace, lang) if style == "scalar" else ():
        if opens:
            out += [f"## {opens}", ""]
        if phase:
            out += [f"### {phase}", ""]
        label = notation.latex(step.quantity, step.sample)
        sentence = describe(step, notation, lang)
        out += [f"**${label}$** — {sentence}" if sentence else f"**${label}$**", ""]
        out += _equation(step, notation, digits, lang)
        out += _factors(step, trace, notation, digits, lang)
        out += _state(trace, step, digits, lang)
    if style != "scalar":
        out += grouped(trace, Options(style=style, frames=frames).shown(trace), digits, lang)
    out += [f"## {say(lang, 'phase.summary')}", ""]
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
    return to_markdown(trace, options.digits, options.lang, options.style, options.frames)
