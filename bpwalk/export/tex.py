"""LaTeX pieces the article (`latex`) and the slides (`beamer`) share.

Text escaping (the ten special characters, math symbols, Chinese), a description's Markdown
subset, the preamble's engine-dependent fonts, and each step's equation and factor list.

Engines: a document without Chinese compiles with pdflatex (or xelatex). Chinese needs
xelatex: the preamble loads xeCJK with Noto CJK (or TeX Live's own Fandol fonts), and a
Chinese document stops with a clear message under any other engine; Chinese words in an
English document (a source's title) print as [...] under pdflatex, with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable

import bpwalk.formula.equations as formula
from bpwalk.engine.steps import Step, Trace, factor_name, operand_sample, shows_factors
from bpwalk.export.markdown import _t
from bpwalk.export.pagetex import Writer
from bpwalk.walk import page as model
from bpwalk.formula.notation import Notation
from bpwalk.formula.numbers import shown_digits
from bpwalk.words import cases, say

if TYPE_CHECKING:  # pragma: no cover
    from bpwalk.export import Options

ARTICLE_WIDTH = 80.0     # the text width in half-ems of 11 pt type (A4, 2.5 cm margins)

# -- text ------------------------------------------------------------------------------------

SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
           "^": r"\^{}", "_": r"\_", "%": r"\%", "~": r"\textasciitilde{}", "<": r"\textless{}",
           ">": r"\textgreater{}", "|": r"\textbar{}"}
UNICODE = {"−": r"\ensuremath{-}", "×": r"\ensuremath{\times}", "·": r"\ensuremath{\cdot}",
           "→": r"\ensuremath{\to}", "←": r"\ensuremath{\leftarrow}", "⊗": r"\ensuremath{\otimes}",
           "⊘": r"\ensuremath{\oslash}", "≈": r"\ensuremath{\approx}", "≤": r"\ensuremath{\le}",
           "≥": r"\ensuremath{\ge}", "≠": r"\ensuremath{\neq}", "∂": r"\ensuremath{\partial}",
           "∑": r"\ensuremath{\sum}", "Σ": r"\ensuremath{\Sigma}", "∞": r"\ensuremath{\infty}",
           "′": r"\ensuremath{'}", "½": r"\ensuremath{\tfrac{1}{2}}", "ℓ": r"\ensuremath{\ell}",
           "…": r"\dots{}", "—": "---", "–": "--", "“": "``", "”": "''", "‘": "`", "’": "'",
           "⋮": r"\ensuremath{\vdots}", "ᵀ": r"\ensuremath{^{\mathsf{T}}}", "\u00a0": "~"}
GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "η": "eta", "θ": "theta",
         "λ": "lambda", "μ": "mu", "σ": "sigma", "τ": "tau", "φ": "phi", "ω": "omega", "Δ": "Delta"}
UNICODE.update({c: rf"\ensuremath{{\{name}}}" for c, name in GREEK.items()})
UNICODE.update({c: rf"\textsubscript{{{d}}}" for c, d in zip("₀₁₂₃₄₅₆₇₈₉₊₋₍₎", "0123456789+-()")})
UNICODE.update({c: rf"\textsuperscript{{{d}}}" for c, d in zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾", "0123456789+-()")})

# what T1-less pdflatex typesets from UTF-8 input: ASCII and the Latin letters; anything else
# (Chinese above all) goes into \bpwalkunicode, which xelatex prints and pdflatex replaces
_NEEDS_UNICODE = re.compile(r"[^\x00-\u017f" + re.escape("".join(UNICODE)) + r"]+")


def escape(text: str) -> str:
    """Plain text as LaTeX: the ten special characters, math symbols, Chinese in \\bpwalkunicode."""
    out: list[str] = []
    pos = 0
    for m in _NEEDS_UNICODE.finditer(text):
        out.append(_escape_plain(text[pos:m.start()]))
        out.append(f"\\bpwalkunicode{{{m.group(0)}}}")
        pos = m.end()
    out.append(_escape_plain(text[pos:]))
    return "".join(out)


def _escape_plain(text: str) -> str:
    return "".join(SPECIAL.get(c) or UNICODE.get(c) or c for c in text)


def plain_chinese(tex: str) -> str:
    """A Chinese document (xelatex only) without the \\bpwalkunicode wrappers: easier to edit."""
    return re.sub(r"\\bpwalkunicode\{([^{}]*)\}", r"\1", tex)


def needs_unicode(text: str) -> bool:
    """Whether a document has text that only a Unicode engine (xelatex) typesets."""
    return _NEEDS_UNICODE.search(text) is not None


_INLINE = re.compile(r"\*\*(.+?)\*\*|`(.+?)`|(?<![\w*])[*_](.+?)[*_](?![\w*])")


def markdown(source: str) -> str:
    """A description's Markdown subset (paragraphs, bullets, **bold**, *italic*, `code`) as LaTeX."""
    paragraphs = []
    for block in (b for b in re.split(r"\n\s*\n", source.strip()) if b.strip()):
        lines = [line.strip() for line in block.splitlines()]
        items = [line[2:] for line in lines if line[:2] in ("- ", "* ")]
        if items and len(items) == len(lines):
            paragraphs.append("\\begin{itemize}\n" + "\n".join(f"\\item {_inline(i)}" for i in items)
                              + "\n\\end{itemize}")
        else:
            paragraphs.append(_inline(" ".join(lines)))
    return "\n\n".join(paragraphs)


def _inline(text: str) -> str:
    out, pos = [], 0
    for m in _INLINE.finditer(text):
        out.append(escape(text[pos:m.start()]))
        bold, code, italic = m.groups()
        macro = "textbf" if bold else "texttt" if code else "emph"
        out.append(f"\\{macro}{{{escape(bold or code or italic)}}}")
        pos = m.end()
    return "".join(out) + escape(text[pos:])


def number(x: float, digits: int) -> str:
    """A number standing alone in text: `$-0.038$`, `$1.2 \\times 10^{-5}$`."""
    return f"${formula.format_latex_value(x, digits)}$"


# -- preamble --------------------------------------------------------------------------------

def comment(text: str) -> str:
    """Text for a % comment line: a line break in a title would end the comment and run as TeX."""
    return " ".join(text.split())


def engine_comment(lang: str, unicode: bool) -> str:
    return say(lang, "tex.engine_zh" if lang == "zh" else "tex.engine_unicode" if unicode else "tex.engine")


def fonts(lang: str, unicode: bool, bullets: bool = False) -> str:
    """The engine-dependent part of a preamble: fonts, Chinese, the \\bpwalkunicode fallback."""
    cjk = ("  \\usepackage{xeCJK}\n"
           "  \\IfFontExistsTF{Noto Serif CJK SC}\n"
           "    {\\setCJKmainfont{Noto Serif CJK SC}\\setCJKsansfont{Noto Sans CJK SC}"
           "\\setCJKmonofont{Noto Sans Mono CJK SC}}\n"
           "    {\\setCJKmainfont{FandolSong-Regular.otf}\\setCJKsansfont{FandolHei-Regular.otf}"
           "\\setCJKmonofont{FandolFang-Regular.otf}}\n") if unicode or lang == "zh" else ""
    lines = ["\\usepackage{iftex}"]
    if lang == "zh":
        lines.append("\\RequireXeTeX")
    lines += ["\\ifXeTeX", "  \\usepackage{fontspec}", cjk + "  \\newcommand{\\bpwalkunicode}[1]{#1}", "\\else",
              "  \\usepackage[utf8]{inputenc}",
              # the default bullet is a TS1 glyph that only exists as a bitmap in a base TeX Live
              *(["  \\AtBeginDocument{\\renewcommand{\\labelitemi}{$\\bullet$}}"] if bullets else []),
              "  \\newcommand{\\bpwalkunicode}[1]{[\\dots]\\PackageWarning{bpwalk}{text omitted: "
              "compile with xelatex to print it}}",
              "\\fi"]
    return "\n".join(lines)


FRAGMENT_PRELUDE = r"""% Defaults for what a document that \inputs this may lack (\providecommand keeps its own):
\providecommand{\bpwalkunicode}[1]{\ifdefined\XeTeXrevision#1\else[\dots]\fi}
\providecommand{\hypertarget}[2]{#2}
\providecommand{\hyperlink}[2]{#2}
\providecommand{\toprule}{\hline}
\providecommand{\midrule}{\hline}
\providecommand{\bottomrule}{\hline}"""


@dataclass(frozen=True)
class Setup:
    """What both TeX writers read from a trace and the options: digits, language, notation, links."""

    digits: int
    lang: str
    notation: Notation
    prefix: str

    @classmethod
    def of(cls, trace: Trace, options: "Options") -> "Setup":
        display = trace.scenario.display
        return cls(shown_digits(options.digits or display.precision, trace.settings.rounding),
                   options.lang or display.lang,
                   Notation.of(trace.scenario), anchor_prefix(trace))

    def link(self, index: int) -> str:
        """The link target of the step at `index` (0-based)."""
        return f"{self.prefix}-s{index + 1}"


def anchor_prefix(trace: Trace) -> str:
    """Link targets are named after the scenario, so that two \\input walk-throughs never clash."""
    stem = trace.scenario.path.rsplit("/", 1)[-1].rsplit(".", 1)[0] if trace.scenario.path else "bpwalk"
    return "bpwalk-" + (re.sub(r"[^A-Za-z0-9]+", "-", stem).strip("-") or "walk")


# -- equations -------------------------------------------------------------------------------

_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|.", re.DOTALL)
_WIDE = {"cdot": 1.5, "times": 2.0, "quad": 2.0, "qquad": 4.0, "left": 0.0, "right": 0.0, ",": 0.3}


def width(tex: str) -> float:
    """A LaTeX formula's width in half-ems, about (enough to decide where to break a line)."""
    tokens = _TOKEN.findall(tex)
    total, _ = _width(tokens, 0)
    return total


def _group(tokens: list[str], i: int) -> tuple[float, int]:
    """Width of the group or single token at i, and the index after it."""
    if i < len(tokens) and tokens[i] == "{":
        return _width(tokens, i + 1, closing=True)
    if i < len(tokens):
        return _width(tokens[i:i + 1], 0)[0], i + 1
    return 0.0, i


def _width(tokens: list[str], i: int, closing: bool = False) -> tuple[float, int]:
    total = 0.0
    while i < len(tokens):
        tok = tokens[i]
        i += 1
        if tok == "}" and closing:
            break
        if tok == "\\frac":
            num, i = _group(tokens, i)
            den, i = _group(tokens, i)
            total += max(num, den) + 0.6
        elif tok in ("_", "^"):
            sub, i = _group(tokens, i)
            total += 0.7 * sub
        elif tok == "{":
            inner, i = _width(tokens, i, closing=True)
            total += inner
        elif tok.startswith("\\") and len(tok) > 2:
            name = tok[1:]
            total += _WIDE.get(name, len(name) + 0.3 if name in ("ln", "log", "tanh", "max", "exp") else 1.1)
        elif tok in "+-=":
            total += 2.4
        elif tok in " &":
            continue
        elif tok in ".,;":
            total += 0.6
        else:
            total += 1.0
    return total, i


def terms(tex: str) -> list[str]:
    """A formula cut before each top-level + and − (outside braces and \\left...\\right)."""
    out, depth, start, i = [], 0, 0, 0
    while i < len(tex):
        if tex.startswith("\\left", i):
            depth += 1
            i += 5
            continue
        if tex.startswith("\\right", i):
            depth -= 1
            i += 6
            continue
        c = tex[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif depth == 0 and i > 0 and tex[i - 1] == " " and c in "+-" and tex[i + 1:i + 2] == " ":
            out.append(tex[start:i].strip())
            start = i
        i += 1
    out.append(tex[start:].strip())
    return [t for t in out if t]


def _packed(tex: str, room: float) -> list[str]:
    """A sum cut into lines of whole terms that fit in `room` (a term wider than that stands alone)."""
    return _pack(terms(tex), room)


def _pack(parts: Iterable[str], room: float) -> list[str]:
    """Terms joined into as few lines as fit in `room`, in order (a term wider than that stands alone)."""
    lines: list[str] = []
    current = ""
    for term in parts:
        joined = f"{current} {term}".strip()
        if current and width(joined) > room:
            lines.append(current)
            current = term
        else:
            current = joined
    return lines + [current]


def _fraction(tex: str) -> tuple[str, str] | None:
    """(numerator, denominator) of a formula that is one \\frac{...}{...}, else None."""
    if not tex.startswith("\\frac{"):
        return None
    groups, depth, start = [], 0, 5
    for i in range(5, len(tex)):
        if tex[i] == "{":
            depth += 1
            if depth == 1:
                start = i + 1
        elif tex[i] == "}":
            depth -= 1
            if depth == 0:
                groups.append(tex[start:i])
                if len(groups) == 2:
                    return (groups[0], groups[1]) if i == len(tex) - 1 else None
    return None


def _fitted(term: str, room: float) -> str:
    """A fraction too wide for a line, with its numerator and denominator on lines of their own."""
    parts = _fraction(term) if width(term) > room else None
    if parts is None:
        return term
    stacked = []
    for part in parts:
        lines = _packed(part, room)
        stacked.append(part if len(lines) == 1 else "\\begin{gathered}" + " \\\\ ".join(lines) + "\\end{gathered}")
    return f"\\frac{{{stacked[0]}}}{{{stacked[1]}}}"


def _broken(lhs: str, rhs: str, room: float) -> list[str]:
    """`rhs` as the lines of an aligned block after `lhs &= `: as many terms a line as fit in `room`."""
    lines = _pack((_fitted(t, room) for t in terms(rhs)), room)
    first = f"{lhs} &= {lines[0]}".lstrip()
    return [first] + [f"&\\quad {line}" for line in lines[1:]]


def equation(step: Step, notation: Notation, digits: int, lang: str, line_width: float = ARTICLE_WIDTH) -> str:
    """The step's display equation: general = with numbers = result, or "" when it has none.

    A side that does not fit on a line is broken before a top-level + or −; what still does
    not fit (one very long fraction) is scaled down to the line's width, never cut off.
    """
    parts = formula.latex(step, notation, digits, cases(lang))
    if parts is None:
        return ""
    general, substituted, value = parts
    lhs, _, rhs = general.partition(" = ")
    room = line_width - width(lhs) - 5.0
    rows = _broken(lhs, rhs, room)
    if substituted not in (rhs, value):
        rows += _broken("", substituted, room)
    rows.append(f"&= {value}")
    body = " \\\\\n".join(rows)
    return ("\\[\\resizebox{\\ifdim\\width>\\linewidth\\linewidth\\else\\width\\fi}{!}{$\\displaystyle\n"
            f"\\begin{{aligned}}\n{body}\n\\end{{aligned}}$}}\\]")


def factors(step: Step, notation: Notation, digits: int, lang: str, link: Callable[[int], str]) -> str:
    """Where a chain rule's factors (and a sum's terms) came from, each linked to its step."""
    if not shows_factors(step):
        return ""
    items = []
    for i, op in enumerate(step.operands):
        symbol = notation.latex(factor_name(step, i), operand_sample(step, i))
        where = (f"\\hyperlink{{{link(op.source)}}}{{{escape(_t(lang, 'step', n=op.source + 1))}}}"
                 if op.source is not None else escape(say(lang, "origin.given")))
        items.append(f"  \\item $\\displaystyle {symbol} = {formula.latex_number(op.value, digits)}$ ({where})")
    return (f"{escape(say(lang, 'step.where'))}:\n\\begin{{itemize}}\\setlength{{\\itemsep}}{{0pt}}\n"
            + "\n".join(items) + "\n\\end{itemize}")


# -- the walk-through model's pages in a LaTeX document (the article and the slides) ----------

def page_block(writer: Writer, block: model.Block) -> str:
    """One block of a page in a LaTeX document; a block wider than the line is scaled down to it."""
    if isinstance(block, (model.Math, model.StepBlock)):
        return fit(f"$\\displaystyle {writer.aligned(block)}$")
    if isinstance(block, model.Note):
        about = f"${block.about.latex}$: " if block.about else ""
        return f"{{\\small\\itshape {about}{escape(block.text)}}}\\par"
    if isinstance(block, model.Grid):
        def cells(row: tuple[model.Cell, ...]) -> str:
            return " & ".join(f"${writer.cell(c)}$" if writer.cell(c) else "" for c in row)

        body = [cells(r) if r is not None else "\\vdots" for r in block.rows]
        spec = "l" + "r" * (len(block.headers) - 1)
        return fit(f"\\begin{{tabular}}{{{spec}}}\n{cells(block.headers)} \\\\ \\hline\n"
                   + " \\\\\n".join(body) + "\n\\end{tabular}")
    assert isinstance(block, model.FanIn)
    return fit("$\\displaystyle \\begin{gathered}" + " \\\\\n".join(writer.fan_in(block)) + "\\end{gathered}$")


def page_tex(writer: Writer, p: model.Page) -> str:
    """A page: its label, then its blocks."""
    return "\n".join([f"\\par\\medskip\\noindent $\\displaystyle {p.label.latex}$\\par",
                      *(page_block(writer, b) for b in p.blocks)])


def fit(box: str) -> str:
    """A centred box, scaled down to the line's width when it is wider (graphicx)."""
    return ("\\begin{center}\\resizebox{\\ifdim\\width>\\linewidth\\linewidth\\else\\width\\fi}{!}{"
            f"{box}}}\\end{{center}}")
