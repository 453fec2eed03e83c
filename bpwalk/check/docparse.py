"""A worked example's text as chains of equations: `LHS = ... = result`, with every number's line.

The text is Markdown with LaTeX (`$...$`, `$$...$$`, `\\[...\\]`) or plain text. Each math span,
and each line of prose outside math, is cut into segments at the top level (`\\\\`, `\\quad`,
`,`, `;`), each segment into parts at its `=` (and `≈`). A segment that starts with `=` (an
`aligned` row `&= ...`, or a `$$= ...$$` block of its own) continues the chain before it.
A part is a number, a vector or matrix of numbers, a vector or matrix of names, or an
expression; the numbers inside expressions are kept too (what "the value itself" matches).
Offsets are kept, not rewritten text, so that every number knows its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

NUMBER = re.compile(r"(?<![A-Za-z_\d.])[-−]?\s?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?(?![\d.]*[A-Za-z_\d])(?!\.\d)")
SCIENTIFIC = re.compile(r"([-−]?\s?\d+(?:\.\d+)?)\s*(?:\\times|×|\\cdot|·|\*)\s*10\s*\^\s*\{?\s*([-−+]?\d+)\s*\}?")
# words after which a minus is a sign ("the delta is -0.809"), not a subtraction
SIGN_AFTER = frozenset("is are was were be becomes become equals gives get gets got and or to of as at from by "
                       "then so thus hence yields makes".split())
MATH = re.compile(r"\$\$(.+?)\$\$|\\\[(.+?)\\\]|(?<!\\)\$(.+?)(?<!\\)\$", re.S)
MATRIX_ENVS = ("pmatrix", "bmatrix", "Bmatrix", "vmatrix", "Vmatrix", "matrix", "smallmatrix", "array")
ENV = re.compile(r"\\(begin|end)\{(\w+\*?)\}(?:\{[^}]*\})?")
# what a subscript or a name's digits look like: never a printed number
SUBSCRIPT = re.compile(r"_\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}|_[A-Za-z0-9]|\^\{\([^)]*\)\}|\^\(\d+\)|\\text\{[^}]*\}")
EQUALS = re.compile(r"(?:=|＝|≈|\\approx|\\simeq|:=)\s*&?")
HEADING = re.compile(r"^\s*(?:#+\s*)?\d+(?:\.\d+)*[.、)）:]?(?=\s|[\u4e00-\u9fff])")
PLAIN_HEADER = re.compile(r"(?i)\s*(?:|values?|before|after|new|old|initial|updated?|result|值|数值|初始值?|更新前|更新后|"
                          r"新值|旧值|计算值|结果)\s*")
TABLE_ROW = re.compile(r"^[ \t]*\|.*\|[ \t]*$", re.M)
SPLIT = re.compile(r"[─—-]*[▶→⟶⇒]|\\(?:to|rightarrow|Rightarrow|longrightarrow)(?![a-zA-Z])|\\\\|\\q?quad|\\;|,(?!\d{3}(?!\d))|[;，；、。]|\.(?=\s)")


@dataclass(frozen=True)
class Num:
    text: str        # as printed, with an ASCII minus
    value: float
    line: int        # 1-based


@dataclass
class Part:
    text: str
    numbers: list[Num]
    grid: list[list[Num]] | None = None      # the part is a number, or a vector or matrix of numbers
    names: list[list[str]] | None = None     # the part is a vector or matrix of names


@dataclass
class Chain:
    parts: list[Part]
    line: int
    continues: bool                          # starts with `=`: the chain before it goes on
    prose: bool                              # outside math
    before: str = ""                         # the prose before it on its line (for "sample 2")
    extra: list[Part] = field(default_factory=list)


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def masked(text: str) -> str:
    """The text with subscripts and \\text{} blanked (same length), so their digits are no numbers."""
    return SUBSCRIPT.sub(lambda m: " " * len(m.group(0)), text)


def numbers_in(text: str, start: int, source: str) -> list[Num]:
    out = []
    mask = masked(text)
    for m in SCIENTIFIC.finditer(mask):     # 3.51 × 10^{-5}: one number, not 3.51 and 10
        mantissa, exponent = (g.replace("−", "-").replace(" ", "") for g in m.groups())
        out.append(Num(f"{mantissa}e{exponent}", float(f"{mantissa}e{exponent}"), line_of(source, start + m.start())))
    mask = SCIENTIFIC.sub(lambda m: " " * len(m.group(0)), mask)
    for m in NUMBER.finditer(mask):
        raw = m.group(0).replace("−", "-").replace(" ", "")
        before = text[: m.start()].rstrip()
        word = re.search(r"([A-Za-z]+)$", before)
        if raw.startswith("-") and before and (before[-1].isalnum() or before[-1] in ")}]") and not (
                word and word.group(1).lower() in SIGN_AFTER):
            raw = raw[1:]     # a minus between two terms, not a sign
        raw = re.sub(r"^(-?)\.", r"\g<1>0.", raw)      # .5933 as 0.5933 (the same decimals)
        try:
            value = float(raw)
        except ValueError:
            continue
        out.append(Num(raw, value, line_of(source, start + m.start())))
    return sorted(out, key=lambda n: (n.line, text.find(n.text.split("e")[0])))


def _top_level(text: str, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """Spans of `text` between matches of `pattern` outside brackets and matrix environments."""
    depth, cuts, i = 0, [], 0
    mask = masked(text)
    while i < len(text):
        env = ENV.match(text, i)
        if env:
            if env.group(2) in MATRIX_ENVS:
                depth += 1 if env.group(1) == "begin" else -1
            i = env.end()
            continue
        c = text[i]
        if c in "{([":
            depth += 1
        elif c in "})]":
            depth = max(0, depth - 1)
        elif depth == 0:
            m = pattern.match(mask, i)
            if m and m.end() > i:
                cuts.append((m.start(), m.end()))
                i = m.end()
                continue
        i += 1
    spans, at = [], 0
    for a, b in cuts:
        spans.append((at, a))
        at = b
    spans.append((at, len(text)))
    return spans


def _grid(text: str, start: int, source: str) -> tuple[list[list[Num]] | None, list[list[str]] | None]:
    """A part that is one number, one matrix or a bracketed list: its numbers or names, by row."""
    body = re.sub(r"\\left|\\right|\\,|\\!|\\mathbf|\\boldsymbol|\\begin\{(?:aligned|split)\}|&|\s", "", text)
    body = re.sub(r"\^\{?T\}?$|\^\{?\\top\}?$", "", body)
    scalar = NUMBER.fullmatch(body.replace("{", "").replace("}", "").rstrip(".").strip("()"))
    if scalar:
        nums = numbers_in(text, start, source)
        return ([nums[:1]] if nums else None), None
    m = re.search(r"\\begin\{(\w+)\}(.*)\\end\{\1\}", text, re.S)
    if m and m.group(1) in MATRIX_ENVS:
        inner, offset = m.group(2), start + m.start(2)
        outside = (text[: m.start()] + text[m.end():]).strip()
        if re.sub(r"\\left|\\right|[()\[\]{}^T\s]|\\top", "", outside):
            return None, None
        rows = [r for r in _pieces(inner, r"\\\\") if inner[r[0]:r[1]].strip()]
        cells = [[(offset + a + c, inner[a:b][c:d]) for c, d in _pieces(inner[a:b], "&")] for a, b in rows]
        return _cells(cells, source)
    m = re.fullmatch(r"\s*(?:\\left)?\s*[\[(]\s*(.+?)\s*(?:\\right)?\s*[\])]\s*(\^\{?T\}?)?\s*", text, re.S)
    if m and "," in m.group(1):
        inner, offset = m.group(1), start + m.start(1)
        cells = [[(offset + a, inner[a:b]) for a, b in _pieces(inner, ",")]]
        return _cells(cells, source)
    return None, None


def _pieces(text: str, sep: str) -> list[tuple[int, int]]:
    out, at = [], 0
    for m in re.finditer(sep, text):
        out.append((at, m.start()))
        at = m.end()
    out.append((at, len(text)))
    return out


def _cells(cells: list[list[tuple[int, str]]], source: str):
    nums: list[list[Num]] = []
    names: list[list[str]] = []
    for row in cells:
        nrow, srow = [], []
        for offset, cell in row:
            found = numbers_in(cell, offset, source)
            bare = re.sub(r"\\left|\\right|[{}\s]", "", cell)
            if len(found) == 1 and NUMBER.fullmatch(bare.replace("−", "-")):
                nrow.append(found[0])
            else:
                srow.append(cell.strip())
        if nrow and srow:
            return None, None
        nums.append(nrow) if nrow else names.append(srow)
    if nums and not names and all(nums):
        return nums, None
    if names and not nums:
        return None, names
    return None, None


def parse(source: str) -> list[Chain]:
    """Every chain of equations of a document, in order."""
    chains: list[Chain] = []
    header: list[str] | None = None
    last_end = -2
    for m in TABLE_ROW.finditer(source):
        cells = [c.replace("$", "").strip() for c in m.group(0).strip().strip("|").split("|")]
        if m.start() != last_end + 1:
            header = None                       # a new table: its first row is the header
        last_end = m.end()
        if header is None:
            header = cells
        chains += _row(m.group(0), m.start(), source, all(PLAIN_HEADER.fullmatch(h) for h in header[1:]))
    source = TABLE_ROW.sub(lambda m: " " * len(m.group(0)), source)     # the rows are read: blank them
    pieces: list[tuple[int, int, bool]] = []
    at = 0
    for m in MATH.finditer(source):
        pieces += [(a, b, True) for a, b in _lines(source, at, m.start())]
        group = next(g for g in (1, 2, 3) if m.group(g) is not None)
        pieces.append((m.start(group), m.end(group), False))
        at = m.end()
    pieces += [(a, b, True) for a, b in _lines(source, at, len(source))]
    for a, b, prose in pieces:
        text = ENV.sub(lambda m: m.group(0) if m.group(2) in MATRIX_ENVS else " " * len(m.group(0)), source[a:b])
        if prose:   # a heading's or a list item's number ("1.2.1 计算", "2. 隐含层") is no result
            text = HEADING.sub(lambda m: " " * len(m.group(0)), text)
        before = source[source.rfind("\n", 0, a) + 1:a]
        for s, e in _top_level(text, SPLIT):
            seg = text[s:e]
            if not seg.strip():
                continue
            chain = _chain(seg, a + s, source, prose, before)
            if chain is not None:
                chains.append(chain)
    return chains


def _row(row: str, start: int, source: str, named: bool) -> list[Chain]:
    """A Markdown table's row: with a plain header (before, after, value), one chain whose name is
    the first cell and whose result is the last number (`| w5 | 0.40 | 0.35891648 |`); under
    headers that name quantities of their own (m, v, ∂z/∂w), each cell on its own."""
    if re.fullmatch(r"[\s|:\-]*", row):
        return []
    parts = []
    for m in re.finditer(r"(?<=\|)([^|]*)(?=\|)", row):
        cell = m.group(1).replace("$", " ")
        offset = start + m.start(1)
        grid, names = _grid(cell, offset, source)
        parts.append(Part(cell.strip(), numbers_in(cell, offset, source), grid, names))
    if not named:
        return [Chain([p], line_of(source, start), False, True) for p in parts if p.numbers]
    if not any(p.numbers for p in parts):
        return []
    return [Chain(parts, line_of(source, start), False, True)]


# a line that starts a block of its own: a heading, a list item, a quote, a table row
# (a section's number, "1.2 反向传播", is short and starts with no 0: "0.291027924." is a number)
BLOCK_START = re.compile(r"\s*(?:#|[-*+>|]\s|[1-9]\d?(?:\.\d{1,2})*[.、)）:]?(?=\s|[\u4e00-\u9fff])|$)")


# what prose has not: columns (two spaces inside a line), drawings, arrows
NOT_PROSE = re.compile(r"\S {2,}\S|[─│┐┘┌└├┤▶←→⟶⇒]")


def _wrapped(paragraph: str, line: str) -> bool:
    """Whether `line` goes on the prose before it: both are prose (no block, no equation, since
    plain-text documents write one equation a line, no columns or drawings), and the text
    before breaks off in the middle of a sentence, after a word."""
    last = paragraph.rstrip()[-1:]
    return (last.isalpha() or last == ",") and not any(
        BLOCK_START.match(t) or EQUALS.search(t) or NOT_PROSE.search(t) for t in (paragraph, line))


def _lines(source: str, a: int, b: int) -> list[tuple[int, int]]:
    """The prose between a and b, a line at a time, a line wrapped in the source going on the
    line before it ("the total error is now down to" / "0.291027924."), so that the words
    that say what a number is reach it, and a wrapped line's first number is not a list's."""
    out, at = [], a
    while at < b:
        end = source.find("\n", at, b)
        end = b if end < 0 else end
        if out and at > a and end > at and _wrapped(source[out[-1][0]:out[-1][1]], source[at:end]):
            out[-1] = (out[-1][0], end)
        else:
            out.append((at, end))
        at = end + 1
    return out


def _chain(seg: str, start: int, source: str, prose: bool, before: str) -> Chain | None:
    spans = _top_level(seg, EQUALS)
    parts = []
    for a, b in spans:
        text = seg[a:b]
        grid, names = _grid(text, start + a, source)
        parts.append(Part(text.strip(), numbers_in(text, start + a, source), grid, names))
    if not any(p.numbers for p in parts) and len(parts) < 2:
        return None
    stripped = re.sub(r"\\begin\{\w+\*?\}|\\end\{\w+\*?\}|\s|&", "", seg)
    continues = len(parts) > 1 and not parts[0].text.replace("&", "").strip() and stripped.startswith(("=", "≈", "\\approx"))
    if continues:
        parts = parts[1:]
    first = re.search(r"\S", seg)
    return Chain(parts, line_of(source, start + (first.start() if first else 0)), continues, prose, before)
