"""The walk-through as one self-contained HTML file: MathML equations, a table of contents by
phase, the network as SVG, and print styles. No script, no font, no network access needed.

The equations are the Markdown transcript's LaTeX, turned into presentation MathML (which
browsers render natively) by latex2mathml, so both documents show the same formulas.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING
from html import escape

import bpwalk.formula.equations as formula
from bpwalk.export import Options
from bpwalk.export.markdown import _t, sections, settings_line
from bpwalk.export.mathml import compact
from bpwalk.export.netsvg import loss_svg, network_svg
from bpwalk.formula.notation import Notation
from bpwalk.formula.numbers import at_most, format_number, shown_digits
from bpwalk.words.prose import describe, rounding_note
from bpwalk.engine.steps import Step, Trace, factor_name, operand_sample, shows_factors
from bpwalk.words import cases, say

if TYPE_CHECKING:  # pragma: no cover
    from bpwalk.export.pagetex import Writer
    from bpwalk.walk import page as model

CSS = """
:root { --ink: #102a43; --soft: #627d98; --line: #d9e2ec; --accent: #2680c2;
        --math: "Latin Modern Math", "STIX Two Math", "Cambria Math", math, serif; }
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans", "PingFang SC", sans-serif;
       color: var(--ink); margin: 0; display: grid; grid-template-columns: 16rem minmax(0, 1fr); }
nav { position: sticky; top: 0; height: 100vh; overflow: auto; padding: 1rem; border-right: 1px solid var(--line);
      font-size: 14px; background: #f8fafc; }
nav ul { list-style: none; padding-left: 0.8rem; margin: 0.2rem 0; }
nav a { color: var(--accent); text-decoration: none; }
main { padding: 1.5rem 2.5rem; max-width: 60rem; min-width: 0; }
h1 { margin-top: 0; } h2 { border-bottom: 2px solid var(--line); padding-bottom: .2rem; margin-top: 2.5rem; }
.source { color: var(--soft); font-style: italic; }
table.data { border-collapse: collapse; margin: .5rem 0 1rem; }
table.data th, table.data td { border-bottom: 1px solid var(--line); padding: .15rem .7rem; text-align: right; }
table.data th:first-child, table.data td:first-child { text-align: left; }
.step { border-left: 3px solid var(--line); padding: .3rem 0 .3rem 1rem; margin: 1rem 0; page-break-inside: avoid; }
.step h4 { margin: 0; font-weight: 600; }
.step .n { color: var(--soft); font-weight: normal; font-size: 13px; margin-right: .5rem; }
.step p { margin: .2rem 0; color: #334e68; }
table.eq { border-collapse: collapse; margin: .3rem 0; }
table.eq td { padding: .1rem .3rem; vertical-align: middle; }
table.eq math[display="block"] { display: inline-block; margin: 0; math-style: normal; }
table.eq td.lhs { text-align: right; } table.eq tr.result { font-weight: bold; }
ul.factors { margin: .2rem 0; padding-left: 1.2rem; color: #334e68; }
ul.factors li { margin: .15rem 0; }
ul.factors math, p.note math, .step h4 math, table.grid th math { math-style: normal; }
ul.factors a { color: var(--accent); }
figure { margin: 1rem 0; } svg.network, svg.loss { max-width: 100%; height: auto; }
.scroll { overflow-x: auto; max-width: 100%; }
p.note { color: var(--soft); font-size: 14px; margin: .2rem 0; }
table.grid td.result { font-weight: bold; color: #1f7a4d; }
svg.fanin .wire { stroke: #9fb3c8; stroke-width: 1.4; fill: none; }
svg.fanin .edge { fill: var(--accent); font-size: 12px; }
svg.fanin .hub { fill: #627d98; }
svg.fanin rect.stage { fill: #f0f4f8; stroke: #bcccdc; }
svg.fanin rect.gain { fill: #fff7e6; stroke: #e8a33d; stroke-width: 1.5; }
svg.fanin rect.result { fill: #e3f9ee; stroke: #1f7a4d; stroke-width: 1.5; }
svg.fanin text { fill: var(--ink); }
math, .num { font-family: var(--math); }
math { font-size: 1.05em; }
.num { font-size: 1.05em; white-space: nowrap; }
@media print {
  body { display: block; font-size: 11pt; } nav { display: none; }
  main { max-width: none; padding: 0; } h2 { page-break-after: avoid; } a { color: inherit; }
}
@media (max-width: 50rem) { body { display: block; } nav { position: static; height: auto; } }
"""


# latex2mathml (3.81) writes a one-letter \mathrm{h} as <mi>h</mi>, which MathML sets in
# italic; \mathrm{{h}} gets mathvariant="normal", as longer names do
_ONE_LETTER_UPRIGHT = re.compile(r"\\mathrm\{([A-Za-z])\}")


@lru_cache(maxsize=4096)
def mathml(latex: str, display: str = "inline") -> str:
    """Presentation MathML for a LaTeX fragment (cached: formulas repeat across iterations)."""
    from latex2mathml.converter import convert

    return convert(_ONE_LETTER_UPRIGHT.sub(r"\\mathrm{{\1}}", latex), display=display)


def _inner(math: str) -> str:
    """The content of a <math><mrow>...</mrow></math> element, to compose it into another."""
    return math[math.index("<mrow>") + 6: math.rindex("</mrow>")]


_SLOT = re.compile(r"<mtext>@(\d+)@</mtext>")


@lru_cache(maxsize=4096)
def _substituted_template(parts: tuple[str, ...]) -> tuple[str, ...]:
    """The substituted formula's MathML, converted once per shape, split where the numbers go.

    The LaTeX template's slots become `\\text{@i@}`, which latex2mathml keeps as
    `<mtext>@i@</mtext>`; filling them is then string work (as `formula.Compiled` does for LaTeX).
    """
    tokens = "".join(part if i % 2 == 0 else f"\\text{{@{part}@}}" for i, part in enumerate(parts))
    return tuple(_SLOT.split(mathml(tokens, "block")))


MATH = '<math xmlns="http://www.w3.org/1998/Math/MathML" display="{}"><mrow>{}</mrow></math>'


def number_mathml(x: float, digits: int) -> str:
    """A number inside a formula: negatives and powers of ten in parentheses, as in the LaTeX."""
    text = format_number(abs(x), digits)
    mantissa, _, exponent = text.partition("e")
    body = f"<mn>{mantissa}</mn>"
    if exponent:
        sign = "<mo>&#x02212;</mo>" if exponent.startswith("-") else ""
        body += f"<mo>&#x000D7;</mo><msup><mn>10</mn><mrow>{sign}<mn>{exponent.lstrip('+-')}</mn></mrow></msup>"
    if x < 0:
        body = "<mo>&#x02212;</mo>" + body
    return f"<mrow><mo>(</mo>{body}<mo>)</mo></mrow>" if x < 0 or exponent else body


def num_html(x: float, digits: int) -> str:
    """A number in running text or a table, as printed, set in the formulas' font."""
    return f'<span class="num">{escape(format_number(x, digits))}</span>'


def value_mathml(x: float, digits: int) -> str:
    """A result standing alone: the value as printed (`numfmt.format_number`), so that what is
    copied from the page is what float() reads, not U+2212 and ×10ⁿ."""
    return f"<mn>{escape(format_number(x, digits))}</mn>"


def _equation(step: Step, notation: Notation, digits: int, lang: str) -> str:
    parts = formula.latex(step, notation, digits, cases(lang))
    compiled = formula.latex_template(step, notation, cases(lang))
    if parts is None or compiled is None:
        return ""
    general, substituted, value = parts
    lhs, _, rhs = general.partition(" = ")
    rows = [(mathml(lhs, "block"), mathml(rhs, "block"), "")]
    if substituted not in (rhs, value):
        pieces = list(_substituted_template(compiled.substituted))
        for i in range(1, len(pieces), 2):
            pieces[i] = number_mathml(step.operands[int(pieces[i])].value, digits)
        rows.append(("", "".join(pieces), ""))
    rows.append(("", MATH.format("block", value_mathml(step.value or 0.0, digits)), "result"))
    body = "".join(f'<tr{_class(cls)}><td class="lhs">{left}</td><td>=</td><td>{right}</td></tr>'
                   for left, right, cls in rows)
    return f'<div class="scroll"><table class="eq">{body}</table></div>'


def _class(name: str) -> str:
    return f' class="{name}"' if name else ""


def _factors(step: Step, notation: Notation, digits: int, lang: str) -> str:
    if not shows_factors(step):
        return ""
    items = []
    for i, op in enumerate(step.operands):
        name = factor_name(step, i)
        symbol = _inner(mathml(notation.latex(name, operand_sample(step, i))))
        math = MATH.format("inline", symbol)
        where = (f'<a href="#s{op.source + 1}">{escape(_t(lang, "step", n=op.source + 1))}</a>'
                 if op.source is not None else escape(say(lang, "origin.given")))
        # the value as text beside the symbol: a value to copy, not part of a formula
        items.append(f"<li>{math} = {num_html(op.value, digits)} ({where})</li>")
    return f'<ul class="factors">{"".join(items)}</ul>'


ARROW = "&\\leftarrow "


def _aligned(writer: "Writer", block: object, pasted: bool = False) -> str:
    """An equation of a grouped page as the table the scalar steps use: lhs, =, each side.

    `pasted`: a result that is one number is written as the scalar steps write theirs, to copy
    as printed (ASCII minus)."""
    from bpwalk.walk import page as model

    rows = writer.rows(block)  # type: ignore[arg-type]
    last = block.sides[-1] if isinstance(block, model.Math) else ()
    lone = last[0] if pasted and len(last) == 1 and isinstance(last[0], model.Num) else None
    cells = []
    for k, row in enumerate(rows):
        arrow = k == 0 and ARROW in row     # lhs ← side: a state updated from its own previous value
        left, _, right = row.partition(ARROW if arrow else "&= ")
        cls = "result" if k == len(rows) - 1 and k else ""
        rhs = MATH.format("block", value_mathml(lone.value, writer.digits)) if cls and lone is not None \
            else mathml(right, "block")
        cells.append(f'<tr{_class(cls)}><td class="lhs">{mathml(left.strip(), "block") if left.strip() else ""}'
                     f'</td><td>{"←" if arrow else "="}</td><td>{rhs}</td></tr>')
    return f'<div class="scroll"><table class="eq">{"".join(cells)}</table></div>'


def _page_block(writer: "Writer", block: object, key: str, pasted: bool = False) -> str:
    from bpwalk.export.fansvg import fan_in_svg
    from bpwalk.walk import page as model

    inline = lambda latex: MATH.format("inline", _inner(mathml(latex))) if latex else ""  # noqa: E731
    if isinstance(block, (model.Math, model.StepBlock)):
        return _aligned(writer, block, pasted)
    if isinstance(block, model.Note):
        about = f"{inline(block.about.latex)}: " if block.about else ""
        return f'<p class="note">{about}{escape(block.text)}</p>'
    if isinstance(block, model.Grid):
        def cell(c: model.Cell) -> str:
            # a number as text, to copy as printed (ASCII minus); a name as math
            if isinstance(c, model.Num):
                return num_html(c.value, writer.digits)
            if isinstance(c, model.Named):
                value = num_html(c.value, writer.digits)
                return f"{inline(c.name.latex)} = {value}" if c.name is not None else value
            return inline(writer.cell(c))

        head = "".join(f"<th>{cell(h)}</th>" for h in block.headers)
        rows = "".join("<tr>" + "".join(
            f'<td{" class=result" if i == block.result else ""}>{cell(c)}</td>' for i, c in enumerate(r))
            + "</tr>" if r is not None else f'<tr><td colspan="{len(block.headers)}">⋮</td></tr>' for r in block.rows)
        return f'<div class="scroll"><table class="data grid"><tr>{head}</tr>{rows}</table></div>'
    assert isinstance(block, model.FanIn)
    num = lambda x: format_number(x, writer.digits)  # noqa: E731
    return f'<figure class="scroll">{fan_in_svg(block, num, key)}</figure>'


def _grouped(trace: Trace, options: Options, digits: int, lang: str, body: list[str], toc: list[str]) -> None:
    """The frames of a grouped style (matrix, delta), each a section under the transcript's headings."""
    from bpwalk.export.pagetex import Writer, document

    writer = Writer(trace, digits, lang)
    for section in document(trace, options.shown(trace), lang):
        frame = section.page.frame
        if section.opens:
            anchor = "final" if frame.iteration is None else f"it{frame.iteration}"
            body.append(f'<h2 id="{anchor}">{escape(section.opens)}</h2>')
            if toc[-1] != "</ul></li>" and len(toc) > 1:
                toc.append("</ul></li>")
            toc.append(f'<li><a href="#{anchor}">{escape(section.opens)}</a><ul>')
        if section.phase:
            anchor = f"f{frame.index + 1}-{frame.phase}"
            body.append(f'<h3 id="{anchor}">{escape(section.phase)}</h3>')
            toc.append(f'<li><a href="#{anchor}">{escape(section.phase)}</a></li>')
        blocks = "".join(page_blocks(writer, section.page))
        ids = "".join(f'<a id="s{i + 1}"></a>' for i in frame.steps)   # a step's link lands on its frame
        body.append(f'<section class="step" id="f{frame.index + 1}">{ids}<h4><span class="n">{frame.index + 1}</span>'
                    f"{mathml(section.page.label.latex)}</h4>{blocks}</section>")


def page_blocks(writer: "Writer", page: "model.Page") -> list[str]:
    """The blocks of a grouped page, each as HTML (ids unique in a document: by frame and block)."""
    return [_page_block(writer, b, f"{page.frame.index}-{k}") for k, b in enumerate(page.blocks)]


def step_body(step: Step, notation: Notation, digits: int, lang: str) -> str:
    """A scalar step under its heading: its sentence, its equation, its operands."""
    sentence = describe(step, notation, lang)
    return ((f"<p>{escape(sentence)}</p>" if sentence else "") + _equation(step, notation, digits, lang)
            + _factors(step, notation, digits, lang))


def _state(trace: Trace, step: Step, digits: int, lang: str) -> str:
    """After the last step of an update, the optimizer's state per parameter (bpwalk.walk.optstate)."""
    from bpwalk.walk.convention import closing_blocks

    blocks = closing_blocks(trace, step.index, lang)
    if not blocks:
        return ""
    from bpwalk.export.pagetex import Writer

    writer = Writer(trace, digits, lang)
    return "".join(_page_block(writer, b, f"state-{step.index}-{k}", pasted=True) for k, b in enumerate(blocks))


def about_html(trace: Trace, lang: str) -> list[str]:
    """The scenario's title, source and description (and the rounding that the trace used)."""
    sc = trace.scenario
    body: list[str] = [f"<h1>{escape(sc.title)}</h1>"]
    if sc.source:
        body.append(f'<p class="source">{escape(sc.source)}</p>')
    for para in sc.description.strip().split("\n\n") if sc.description else []:
        body.append(f"<p>{escape(para)}</p>")
    if trace.settings.rounding is not None:
        body.append(f'<p class="source"><strong>{escape(rounding_note(trace.settings.rounding, lang))}</strong></p>')
    return body


def summary_html(trace: Trace, digits: int, lang: str) -> str:
    """The loss before and after training (and its curve, over several iterations)."""
    figure = ""
    if len(trace.iterations) > 1:
        losses = [it.total_loss for it in trace.iterations] + [trace.final.total_loss]
        figure = f"<figure>{loss_svg(losses, at_most(digits, 4), lang)}</figure>"
    return figure + (
        f'<table class="data"><tr><th>{escape(_t(lang, "before"))}</th><th>{escape(_t(lang, "loss_after"))}</th></tr>'
        f"<tr><td>{num_html(trace.iterations[0].total_loss, digits)}</td>"
        f"<td>{num_html(trace.final.total_loss, digits)}</td></tr></table>")


def tables_html(trace: Trace, digits: int, lang: str) -> str:
    """The parameters (before and after training), the samples and the settings."""
    sc = trace.scenario
    num = lambda x: num_html(x, digits)  # noqa: E731
    final = trace.iterations[-1].new
    rows = "".join(f"<tr><td>{escape(n)}</td><td>{num(v)}</td><td>{num(final[n])}</td></tr>"
                   for n, v in trace.parameters.items())
    params = (f'<h3>{escape(_t(lang, "parameters"))}</h3><div class="scroll"><table class="data"><tr><th>'
              f'{escape(_t(lang, "name"))}</th><th>{escape(_t(lang, "value"))}</th><th>{escape(_t(lang, "after"))}</th></tr>'
              f'{rows}</table></div>')
    head = "".join(f"<th>{escape(x)}</th>" for x in ["#", *sc.inputs, *(f"{_t(lang, 'targets')} {o}" for o in sc.outputs)])
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in [str(n), *map(num, s.inputs), *map(num, s.targets)]) + "</tr>"
                   for n, s in enumerate(sc.samples, 1))
    samples = f'<h3>{escape(_t(lang, "samples"))}</h3><div class="scroll"><table class="data"><tr>{head}</tr>{body}</table></div>'
    settings = escape(settings_line(sc, lang, formula.format_number(sc.learning_rate, digits)))
    return params + samples + f"<p>{settings}</p>"


def to_html(trace: Trace, digits: int | None = None, lang: str | None = None, style: str | None = None,
            frames: int | None = None) -> str:
    """The whole walk-through as a self-contained HTML page.

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
    first = trace.iterations[0].samples[0]
    body = about_html(trace, lang)
    body.append(f'<h2 id="network">{escape(_t(lang, "network"))}</h2>')
    body.append(f"<figure>{network_svg(sc, dict(first.out), at_most(digits, 4), lang)}</figure>")
    body.append(tables_html(trace, digits, lang))
    toc: list[str] = [f'<li><a href="#network">{escape(_t(lang, "network"))}</a></li>']
    style = style or sc.display.style
    if style != "scalar":
        _grouped(trace, Options(style=style, frames=frames), digits, lang, body, toc)
    for opens, phase, step in sections(trace, lang) if style == "scalar" else ():
        if opens:
            anchor = "final" if step.iteration is None else f"it{step.iteration}"
            body.append(f'<h2 id="{anchor}">{escape(opens)}</h2>')
            if toc[-1] != "</ul></li>" and len(toc) > 1:
                toc.append("</ul></li>")
            toc.append(f'<li><a href="#{anchor}">{escape(opens)}</a><ul>')
        if phase:
            anchor = f"s{step.index + 1}-{step.phase}"
            body.append(f'<h3 id="{anchor}">{escape(phase)}</h3>')
            toc.append(f'<li><a href="#{anchor}">{escape(phase)}</a></li>')
        body.append(
            f'<section class="step" id="s{step.index + 1}"><h4><span class="n">{step.index + 1}</span>'
            f"{mathml(notation.latex(step.quantity, step.sample))}</h4>"
            + step_body(step, notation, digits, lang) + _state(trace, step, digits, lang) + "</section>"
        )
    if len(toc) > 1:
        toc.append("</ul></li>")
    summary = escape(say(lang, "phase.summary"))
    body.append(f'<h2 id="summary">{summary}</h2>')
    body.append(summary_html(trace, digits, lang))
    toc.append(f'<li><a href="#summary">{summary}</a></li>')
    html_lang = "zh-CN" if lang == "zh" else "en"
    return compact(
        f'<!DOCTYPE html>\n<html lang="{html_lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(sc.title)} — bpwalk</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f'<nav aria-label="{escape(_t(lang, "contents"))}"><strong>{escape(sc.title)}</strong><ul>{"".join(toc)}</ul></nav>\n'
        f"<main>\n{chr(10).join(body)}\n</main>\n</body>\n</html>\n"
    )


def export(trace: Trace, options: Options) -> str:
    """The registry's entry point (`bpwalk.export.REGISTRY`)."""
    return to_html(trace, options.digits, options.lang, options.style, options.frames)
