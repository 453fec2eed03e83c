"""The walk-through as a LaTeX article (amsmath): the Markdown transcript's content, typeset.

A section per iteration, a subsection per phase, a paragraph per step: its sentence, its
equation (general = with numbers = result, long sums broken over lines) and, for chain
rules and sums, where each factor came from, linked to the step that computed it. The
first lines of the file say which engine to use (see `bpwalk.export.tex`): pdflatex, or
xelatex for Chinese.

`--fragment` writes only the body, for `\\input` into a teacher's own document; its first
lines list the packages that document needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

import bpwalk.formula.equations as formula
from bpwalk.engine.steps import Step, Trace
from bpwalk.export import Options
from bpwalk.export.markdown import _t, sections, settings_line
from bpwalk.export.tex import (
    Setup, FRAGMENT_PRELUDE, comment, engine_comment, equation, escape, factors, fonts, markdown,
    needs_unicode, number, page_block, page_tex, plain_chinese,
)
from bpwalk.export.pagetex import Writer, document
from bpwalk.formula.notation import Notation
from bpwalk.walk.convention import delta_rule
from bpwalk.walk.page import Page
from bpwalk.words import name_of, say
from bpwalk.words.prose import describe, rounding_note

# -- the document: a style is a way of building its blocks ----------------------------------

@dataclass(frozen=True)
class Heading:
    level: int                  # 1: \section, 2: \subsection
    title: str                  # plain text


@dataclass(frozen=True)
class Steps:
    steps: tuple[int, ...]      # indices into Trace.steps, shown in this order
    label: str = ""             # a group's own heading (plain text); "" for a single step


@dataclass(frozen=True)
class PageBlock:
    page: Page                  # a frame of a grouped style (bpwalk.walk.page)


Block = Heading | Steps | PageBlock
Builder = Callable[[Trace, str, Options], Iterator[Block]]


def scalar_blocks(trace: Trace, lang: str, options: Options) -> Iterator[Block]:
    """One step at a time under the Markdown transcript's headings (`markdown.sections`)."""
    for opens, phase, step in sections(trace, lang):
        if opens:
            yield Heading(1, opens)
        if phase:
            yield Heading(2, phase)
        yield Steps((step.index,))


def grouped_blocks(trace: Trace, lang: str, options: Options) -> Iterator[Block]:
    """The frames of a grouped style (matrix, delta), under the same headings."""
    for section in document(trace, options.shown(trace), lang):
        if section.opens:
            yield Heading(1, section.opens)
        if section.phase:
            yield Heading(2, section.phase)
        yield PageBlock(section.page)


BUILDERS: dict[str, Builder] = {"scalar": scalar_blocks, "matrix": grouped_blocks, "delta": grouped_blocks}


def _table(spec: str, header: list[str], rows: list[list[str]]) -> str:
    """A longtable (it breaks across pages: a deep network's parameters do not fit on one)."""
    head = " & ".join(f"\\textbf{{{h}}}" for h in header)
    body = "\n".join(" & ".join(row) + " \\\\" for row in rows)
    return (f"\\begin{{longtable}}{{{spec}}}\n\\toprule\n{head} \\\\\n\\midrule\n\\endhead\n"
            f"{body}\n\\bottomrule\n\\end{{longtable}}")


MAX_NAMES = 8       # a layer's units or weights, listed in full up to this many
MAX_COLUMNS = 8     # a table of samples with more numbers a row lists them in two columns instead


def _vectors(left: tuple[str, ...], right: tuple[str, ...], rows: list[tuple[int, object, object]],
             digits: int, left_title: str, right_title: str) -> str:
    """Samples (or outputs) and their targets: a column per number, or two lists when too many."""
    nums = lambda xs: [number(x, digits) for x in xs]  # noqa: E731
    if 1 + len(left) + len(right) <= MAX_COLUMNS:
        return _table("r" * (1 + len(left) + len(right)),
                      ["\\#", *map(escape, left), *(f"{right_title} {escape(o)}" for o in right)],
                      [[str(n), *nums(a), *nums(b)] for n, a, b in rows])
    return _table("rp{0.45\\linewidth}p{0.4\\linewidth}",
                  ["\\#", f"{left_title} ({escape(', '.join(left))})", f"{right_title} ({escape(', '.join(right))})"],
                  [[str(n), ", ".join(nums(a)), ", ".join(nums(b))] for n, a, b in rows])


def _overview(trace: Trace, notation: Notation, digits: int, lang: str) -> list[str]:
    sc = trace.scenario
    t = lambda key, *a, **k: escape(_t(lang, key, *a, **k))  # noqa: E731
    def names(ns: list[str] | tuple[str, ...]) -> str:
        shown = [f"${notation.name_latex(n)}$" for n in ns]
        # a layer of 120 weights reads better as its first names and its last one
        return ", ".join(shown if len(shown) <= MAX_NAMES else [*shown[:3], "\\dots", shown[-1]])

    rows = [[t("inputs"), names(sc.inputs), "", "", ""]]
    for l, layer in enumerate(sc.layers, 1):
        bias = t("none") if layer.bias == "none" else \
            _t(lang, "bias_mode", names=names(layer.bias_names), mode=escape(name_of(lang, "bias", layer.bias)))
        rows.append([str(l), names(layer.units), escape(layer.activation),
                     names([n for row in layer.weight_names for n in row]), bias])
    out = [f"\\section{{{t('network')}}}",
           _table("l{0}l{1}{2}".format(*(f">{{\\raggedright\\arraybackslash}}p{{{w}\\linewidth}}" for w in (0.15, 0.3, 0.15))),
                  [t("layer"), t("units"), t("activation"), t("weights"), t("bias")], rows)]
    trained, final = sc.trained_parameters(), trace.iterations[-1].new
    out += [f"\\subsection*{{{t('parameters')}}}",
            _table("lrrl", [t("name"), t("value"), t("after"), t("trained")],
                   [[f"${notation.name_latex(name)}$", number(value, digits), number(final[name], digits),
                     t("yes") if name in trained else t("no")] for name, value in trace.parameters.items()])]
    out += [f"\\subsection*{{{t('samples')}}}",
            _vectors(sc.inputs, sc.outputs, [(n, s.inputs, s.targets) for n, s in enumerate(sc.samples, 1)],
                     digits, t("inputs"), t("targets")),
            escape(settings_line(sc, lang, formula.format_number(sc.learning_rate, digits)))]
    return out


def _step(step: Step, notation: Notation, digits: int, lang: str, link: Callable[[int], str]) -> str:
    label = notation.latex(step.quantity, step.sample)
    sentence = describe(step, notation, lang)
    head = (f"\\par\\medskip\\noindent\\hypertarget{{{link(step.index)}}}{{\\textbf{{{step.index + 1}}}}}"
            f"\\quad $\\displaystyle {label}$" + (f" --- {escape(sentence)}" if sentence else ""))
    return "\n".join(part for part in (head, equation(step, notation, digits, lang),
                                       factors(step, notation, digits, lang, link)) if part)


def _summary(trace: Trace, digits: int, lang: str) -> list[str]:
    sc = trace.scenario
    t = lambda key: escape(_t(lang, key))  # noqa: E731
    return [f"\\section{{{escape(say(lang, 'phase.summary'))}}}",
            _table("rr", [t("before"), t("loss_after")],
                   [[number(trace.iterations[0].total_loss, digits), number(trace.final.total_loss, digits)]]),
            f"\\subsection*{{{t('outputs')}}}",
            _vectors(sc.outputs, sc.outputs, [(rec.sample, [rec.out[o] for o in sc.outputs], s.targets)
                                              for rec, s in zip(trace.final.samples, sc.samples)],
                     digits, t("outputs"), t("targets"))]


def body(trace: Trace, options: Options) -> str:
    """Everything after \\maketitle: what `--fragment` writes, and what the article wraps."""
    sc = trace.scenario
    setup = Setup.of(trace, options)
    digits, lang, notation, link = setup.digits, setup.lang, setup.notation, setup.link
    out: list[str] = []
    if sc.source:
        out.append(f"\\begin{{center}}\\itshape {escape(sc.source)}\\end{{center}}")
    if sc.description:
        out.append(markdown(sc.description))
    if trace.settings.rounding is not None:
        out.append(f"\\begin{{quote}}\\bfseries {escape(rounding_note(trace.settings.rounding, lang))}\\end{{quote}}")
    out += _overview(trace, notation, digits, lang)
    build = BUILDERS.get(options.style or sc.display.style, scalar_blocks)
    writer = Writer(trace, digits, lang)
    for block in build(trace, lang, options):
        if isinstance(block, Heading):
            out.append(f"\\{'sub' * (block.level - 1)}section{{{escape(block.title)}}}")
            continue
        if isinstance(block, PageBlock):
            out.append(page_tex(writer, block.page))
            continue
        for i in block.steps:   # each step, and Mitchell's Δw = η·δ·x after an update (the error convention)
            out.append(_step(trace.steps[i], notation, digits, lang, link))
            out += [page_block(writer, b) for b in delta_rule(trace, i)]
    out += _summary(trace, digits, lang)
    return "\n\n".join(out) + "\n"


PACKAGES = ("amsmath", "graphicx", "array", "longtable", "booktabs")


def export(trace: Trace, options: Options) -> str:
    """The registry's entry point: a standalone article, or with `options.fragment` its body only."""
    sc = trace.scenario
    lang = options.lang or sc.display.lang
    text = body(trace, options)
    unicode = needs_unicode(sc.title + text)
    if lang == "zh":
        text = plain_chinese(text)
    if options.fragment:
        needs = say(lang, "tex.article_needs", packages=f"\\usepackage{{{','.join(PACKAGES)}}}")
        return (f"% bpwalk: {comment(sc.title)} {say(lang, 'tex.article_fragment', input=chr(92) + 'input')}\n"
                f"{needs}\n"
                f"{engine_comment(lang, unicode)}\n{FRAGMENT_PRELUDE}\n\n{text}")
    title = plain_chinese(escape(sc.title)) if lang == "zh" else escape(sc.title)
    return (f"% bpwalk: {comment(sc.title)}\n{engine_comment(lang, unicode)}\n"
            "\\documentclass[11pt,a4paper]{article}\n"
            f"{fonts(lang, unicode, bullets=True)}\n"
            "\\usepackage[margin=2.5cm]{geometry}\n"
            f"\\usepackage{{{','.join(PACKAGES)}}}\n"
            "\\usepackage[hidelinks]{hyperref}\n"
            "\\setlength{\\parindent}{0pt}\n"
            f"\\title{{{title}}}\n\\date{{}}\n\n"
            "\\begin{document}\n\\maketitle\n\n"
            f"{text}\n\\end{{document}}\n")
