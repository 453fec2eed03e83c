"""The walk-through as Beamer slides: one frame per step, the network drawn in TikZ on each.
A frame with more than fits (a mean over many samples) is shrunk to fit (beamer's
`shrink=0`: only as much as needed, with a warning in the log).

The picture marks what the step computes (orange: a unit, or a weight's edge for a gradient
or an update) and what it reads (blue), as `bpwalk.walk.highlight` says. Beside it the
step's sentence and where its factors came from (linked to their frames); below, the
equation as in the LaTeX article.

For a lecture, the frames stand between two marked lines of the standalone document; with
`--fragment` they are the whole file, ready for `\\input{...}` in any beamer deck that loads
TikZ (see README). Frame labels are named after the scenario, so two walk-throughs can share
one deck. Engines as for the article: pdflatex, or xelatex for Chinese.
"""

from __future__ import annotations

from typing import Callable

from bpwalk.engine.steps import Step, Trace
from bpwalk.export import Options
from bpwalk.export.tex import (
    Setup, comment, engine_comment, equation, escape, factors, fonts, needs_unicode, number, page_block,
    plain_chinese,
)
from bpwalk.export.markdown import _t, sections, settings_line
from bpwalk.formula.notation import Notation
from bpwalk.scenario import Scenario
from bpwalk.export.pagetex import Section, Writer, document
from bpwalk.walk.convention import delta_rule
from bpwalk.walk.highlight import Highlight, highlight
from bpwalk.words import say
from bpwalk.words.prose import describe

SLIDE_WIDTH = 74.0      # a 16:9 frame's text width in half-ems of \small type
MAX_SHOWN = 8           # units drawn per layer: the first ones, a ⋮, the last one
MAX_LISTED = 24         # parameters listed on the opening frame
BEGIN = "% ======== bpwalk frames: begin ========"
LECTURE_COMMAND = "bpwalk export ... --format beamer --fragment -o frames.tex"
END = "% ======== bpwalk frames: end ========"

PRELUDE = r"""\providecommand{\bpwalkunicode}[1]{\ifdefined\XeTeXrevision#1\else[\dots]\fi}
\providecolor{bpwalkresult}{RGB}{217,95,2}
\providecolor{bpwalkoperand}{RGB}{38,128,194}
\tikzset{
  bpwalk unit/.style={circle, draw=black!60, fill=white, inner sep=0pt, font=\scriptsize},
  bpwalk bias/.style={rectangle, draw=black!40, fill=black!5, inner sep=1.5pt, font=\scriptsize},
  bpwalk edge/.style={draw=black!25},
  bpwalk bias edge/.style={draw=black!20, dashed},
  bpwalk result/.style={draw=bpwalkresult, fill=bpwalkresult!25, line width=1.2pt},
  bpwalk operand/.style={draw=bpwalkoperand, fill=bpwalkoperand!18, line width=1pt},
  bpwalk result edge/.style={draw=bpwalkresult, line width=1.6pt},
  bpwalk operand edge/.style={draw=bpwalkoperand, line width=1.2pt},
  bpwalk label/.style={font=\tiny, fill=white, inner sep=1pt, pos=0.35},
}"""


def _shown(units: tuple[str, ...]) -> list[str | None]:
    if len(units) <= MAX_SHOWN:
        return list(units)
    return list(units[: MAX_SHOWN - 2]) + [None] + [units[-1]]


def _node(name: str) -> str:
    """A TikZ node name for a unit: its own name, with anything TikZ could misread replaced."""
    return "bp-" + "".join(c if c.isalnum() else "-" for c in name)


def network(scenario: Scenario, marks: Highlight, notation: Notation, width: float = 4.9,
            height: float = 3.4) -> str:
    """The network as a tikzpicture: units in columns, weights as edges, each bias as a node."""
    columns = [scenario.inputs] + [layer.units for layer in scenario.layers]
    shown = [_shown(units) for units in columns]
    rows = max(len(s) for s in shown)
    dx = min(2.6, width / max(1, len(columns) - 1))
    dy = min(1.1, height / rows)
    size = min(6.5, dy * 8.5)
    style = lambda name, base: base + (", bpwalk result" if name in marks.result  # noqa: E731
                                       else ", bpwalk operand" if name in marks.operands else "")
    nodes, edges, marked = [], [], []
    pos: dict[str, tuple[float, float]] = {}
    for c, units in enumerate(shown):
        for r, unit in enumerate(units):
            x, y = c * dx, ((len(units) - 1) / 2 - r) * dy
            if unit is None:
                nodes.append(f"\\node at ({x:.2f},{y:.2f}) {{$\\vdots$}};")
                continue
            pos[unit] = (x, y)
            nodes.append(f"\\node[{style(unit, 'bpwalk unit')}, minimum size={size:.1f}mm] ({_node(unit)}) "
                         f"at ({x:.2f},{y:.2f}) {{${notation.name_latex(unit)}$}};")
    top = (rows - 1) / 2 * dy + 0.75 * dy
    for l, layer in enumerate(scenario.layers):
        for u, unit in enumerate(layer.units):
            for j, src in enumerate(scenario.inputs if l == 0 else scenario.layers[l - 1].units):
                if unit in pos and src in pos:
                    edges.append(_edge(_node(src), _node(unit), layer.weight_names[u][j], marks, notation,
                                       "bpwalk edge", marked))
        if layer.bias == "none":
            continue
        bias = f"bp-bias{l + 1}"
        shared = layer.bias == "shared"
        name = layer.bias_names[0]
        label = f"${notation.name_latex(name)}$" if shared else "$1$"
        nodes.append(f"\\node[{style(name, 'bpwalk bias') if shared else 'bpwalk bias'}] ({bias}) "
                     f"at ({(l + 0.45) * dx:.2f},{top:.2f}) {{{label}}};")
        for u, unit in enumerate(layer.units):
            if unit in pos:
                param = layer.bias_names[0 if shared else u]
                edges.append(_edge(bias, _node(unit), "" if shared else param, marks, notation,
                                   "bpwalk bias edge", marked))
    # never wider than its column, whatever the deck's frame size
    return ("\\resizebox{\\ifdim\\width>\\linewidth\\linewidth\\else\\width\\fi}{!}{%\n"
            "\\begin{tikzpicture}[x=1cm, y=1cm]\n" + "\n".join(nodes + edges + marked)
            + "\n\\end{tikzpicture}}")


def _edge(src: str, dst: str, param: str, marks: Highlight, notation: Notation, base: str,
          marked: list[str]) -> str:
    """An edge; a marked one is also drawn again over the nodes, with its weight's name."""
    if param and param in marks.names:
        kind = "result" if param in marks.result else "operand"
        marked.append(f"\\draw[bpwalk {kind} edge] ({src}) -- node[bpwalk label] "
                      f"{{${notation.name_latex(param)}$}} ({dst});")
        return f"% {param}: marked below"
    return f"\\draw[{base}] ({src}) -- ({dst});"


def _titles(trace: Trace, lang: str) -> dict[int, tuple[str, str]]:
    """The iteration and the phase each step belongs to, as the article's headings name them."""
    out: dict[int, tuple[str, str]] = {}
    iteration = phase = ""
    for opens, title, step in sections(trace, lang):
        iteration = opens or iteration
        phase = title or phase
        out[step.index] = (iteration, phase)
    return out


def _step_frame(trace: Trace, step: Step, titles: tuple[str, str], notation: Notation, digits: int,
                lang: str, link: Callable[[int], str]) -> str:
    iteration, phase = titles
    label = notation.latex(step.quantity, step.sample)
    sentence = describe(step, notation, lang)
    where = factors(step, notation, digits, lang, link)
    side = [f"{{\\large $\\displaystyle {label}$}}\\par\\medskip"]
    if sentence:
        side.append(f"{{\\small {escape(sentence)}}}\\par\\smallskip")
    if where:
        side.append(f"{{\\scriptsize {where}}}")
    picture = network(trace.scenario, highlight(step, trace.scenario), notation)
    eq = equation(step, notation, digits, lang, SLIDE_WIDTH)
    rule = delta_rule(trace, step.index)   # Mitchell's Δw = η·δ·x after an update (the error convention)
    if rule:
        writer = Writer(trace, digits, lang)
        eq = "\n".join([eq, *(page_block(writer, b) for b in rule)])
    return (f"\\begin{{frame}}[label={link(step.index)},shrink=0]{{{escape(phase)}}}\n"
            f"\\framesubtitle{{{escape(iteration)} $\\cdot$ {step.index + 1}/{len(trace.steps)}}}\n"
            "\\begin{columns}[T]\n\\begin{column}{0.42\\textwidth}\n\\centering\n"
            f"{picture}\n\\end{{column}}\n\\begin{{column}}{{0.56\\textwidth}}\n" + "\n".join(side)
            + "\n\\end{column}\n\\end{columns}\n" + (f"\\medskip{{\\small\n{eq}}}\n" if eq else "") + "\\end{frame}")


def _intro_frame(trace: Trace, step: Step, notation: Notation, digits: int, lang: str,
                 link: Callable[[int], str]) -> str:
    sc = trace.scenario
    params = [f"${notation.name_latex(n)} = {number(v, digits)[1:-1]}$" for n, v in trace.parameters.items()]
    if len(params) > MAX_LISTED:
        params = params[:MAX_LISTED] + ["\\dots"]
    settings = escape(settings_line(sc, lang, number(sc.learning_rate, digits)[1:-1]))
    return (f"\\begin{{frame}}[label={link(step.index)},shrink=0]{{{escape(_t(lang, 'network'))}}}\n"
            f"\\framesubtitle{{{step.index + 1}/{len(trace.steps)}}}\n\\centering\n"
            f"{network(sc, highlight(step, sc), notation, 9.0, 4.0)}\n\\par\\medskip\\raggedright\n"
            f"{{\\scriptsize\\textbf{{{escape(_t(lang, 'parameters'))}}}: {', '.join(params)}\\par\\smallskip\n"
            f"{settings}\\par}}\n\\end{{frame}}")


def _summary_frame(trace: Trace, step: Step, digits: int, lang: str, link: Callable[[int], str]) -> str:
    sc = trace.scenario
    rows = [f"{rec.sample} & " + ", ".join(number(rec.out[o], digits) for o in sc.outputs) + " & "
            + ", ".join(number(t, digits) for t in s.targets) + " \\\\"
            for rec, s in list(zip(trace.final.samples, sc.samples))[:8]]
    return (f"\\begin{{frame}}[label={link(step.index)},shrink=0]{{{escape(say(lang, 'phase.summary'))}}}\n"
            f"\\framesubtitle{{{step.index + 1}/{len(trace.steps)}}}\n"
            f"{escape(_t(lang, 'before'))}: {number(trace.iterations[0].total_loss, digits)}\\par\n"
            f"{escape(_t(lang, 'loss_after'))}: {number(trace.final.total_loss, digits)}\\par\\medskip\n"
            f"{escape(_t(lang, 'outputs'))}:\\par\\smallskip\n{{\\small\\begin{{tabular}}{{rll}}\n"
            f"\\# & {escape(', '.join(sc.outputs))} & {escape(_t(lang, 'targets'))} \\\\ \\hline\n"
            + "\n".join(rows) + "\n\\end{tabular}}\n\\end{frame}")


# a grouped page can be taller than a slide: its blocks shrink to the room, as a picture would
FIT_PRELUDE = r"""\ifdefined\bpwalkbox\else\newsavebox{\bpwalkbox}\fi
\providecommand{\bpwalkfit}[2]{\savebox{\bpwalkbox}{\parbox[t]{\linewidth}{#2}}%
\ifdim\dimexpr\ht\bpwalkbox+\dp\bpwalkbox\relax>#1\resizebox*{!}{#1}{\usebox{\bpwalkbox}}%
\else\usebox{\bpwalkbox}\fi}"""


def _page_frame(trace: Trace, section: Section, count: int, writer: Writer, link: Callable[[int], str]) -> str:
    """One frame of a grouped style: the network marking every quantity of the page, then its blocks."""
    p = section.page
    picture = network(trace.scenario, p.marks, writer.notation)
    blocks = "\n".join(page_block(writer, b) for b in p.blocks)
    return (f"\\begin{{frame}}[label={link(p.frame.first)},shrink=0]{{{escape(section.phase)}}}\n"
            f"\\framesubtitle{{{escape(section.opens)} $\\cdot$ {p.frame.index + 1}/{count}}}\n"
            "\\begin{columns}[T]\n\\begin{column}{0.34\\textwidth}\n\\centering\n"
            f"{picture}\n\\end{{column}}\n\\begin{{column}}{{0.64\\textwidth}}\n"
            f"{{\\large $\\displaystyle {p.label.latex}$}}\\par\\smallskip\n"
            f"\\bpwalkfit{{0.7\\textheight}}{{\\small\n{blocks}}}\n"
            "\\end{column}\n\\end{columns}\n\\end{frame}")


def _grouped(trace: Trace, options: Options, setup: Setup) -> list[str]:
    frames = options.shown(trace)
    writer = Writer(trace, setup.digits, setup.lang)
    out = [_intro_frame(trace, trace.steps[0], setup.notation, setup.digits, setup.lang, setup.link)]
    titles = ("", "")
    for section in document(trace, frames, setup.lang):
        titles = (section.opens or titles[0], section.phase or titles[1])
        out.append(_page_frame(trace, Section(*titles, section.page), len(frames), writer, setup.link))
    if options.frames is None:
        out.append(_summary_frame(trace, trace.steps[-1], setup.digits, setup.lang, setup.link))
    return out


def frames(trace: Trace, options: Options) -> str:
    """Every step's frame, in order: the part of the slides a lecture can \\input."""
    setup = Setup.of(trace, options)
    digits, lang, notation, link = setup.digits, setup.lang, setup.notation, setup.link
    style = options.style or trace.scenario.display.style
    if style != "scalar":
        return PRELUDE + "\n" + FIT_PRELUDE + "\n\n" + "\n\n".join(_grouped(trace, options, setup)) + "\n"
    titles = _titles(trace, lang)
    out = []
    for step in trace.steps:
        if step.phase == "intro":
            out.append(_intro_frame(trace, step, notation, digits, lang, link))
        elif step.phase == "summary":
            out.append(_summary_frame(trace, step, digits, lang, link))
        else:
            out.append(_step_frame(trace, step, titles[step.index], notation, digits, lang, link))
    return PRELUDE + "\n\n" + "\n\n".join(out) + "\n"


def export(trace: Trace, options: Options) -> str:
    """The registry's entry point: a standalone deck, or with `options.fragment` its frames only."""
    sc = trace.scenario
    lang = options.lang or sc.display.lang
    text = frames(trace, options)
    unicode = needs_unicode(sc.title + sc.source + text)
    if lang == "zh":
        text = plain_chinese(text)
    if options.fragment:
        return (f"% bpwalk: {comment(sc.title)} {say(lang, 'tex.beamer_fragment', input=chr(92) + 'input')}\n"
                f"{say(lang, 'tex.beamer_needs', tikz=chr(92) + 'usepackage{tikz}')}\n"
                f"{engine_comment(lang, unicode)}\n{text}")
    subtitle = f"\\subtitle{{{escape(sc.source)}}}\n" if sc.source else ""
    title = f"\\title{{{escape(sc.title)}}}\n{subtitle}"
    if lang == "zh":
        title = plain_chinese(title)
    return (f"% bpwalk: {comment(sc.title)}\n{engine_comment(lang, unicode)}\n"
            f"{say(lang, 'tex.beamer_lecture', command=LECTURE_COMMAND, input=chr(92) + 'input{frames}')}\n"
            "\\documentclass[11pt,aspectratio=169]{beamer}\n"
            f"{fonts(lang, unicode)}\n"
            "\\usepackage{tikz}\n\\setbeamertemplate{navigation symbols}{}\n"
            f"{title}\\date{{}}\n\n"
            "\\begin{document}\n\\begin{frame}\n\\titlepage\n\\end{frame}\n\n"
            f"{BEGIN}\n{text}{END}\n\\end{{document}}\n")
