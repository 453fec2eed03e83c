"""`bpwalk check SCENARIO --document DOC`: the numbers a worked example prints, found in its own text.

Each chain of equations (`bpwalk.check.docparse`) gives its result, the last number (or vector,
or matrix) after an `=`, the name of its left-hand side (`bpwalk.check.docnames`). A name
narrows the computed quantities it can be, over every iteration and sample the scenario has;
the printed value then picks among them (the one that agrees at the printed precision, else
the closest: a wrong number keeps the key its name gives). A vector or matrix is read element
by element, in the layout that agrees best (rows are units; a weight matrix may be transposed
or carry the biases as a column). Where the text names nothing bpwalk knows, the value itself
is matched: it must agree, at its precision, with one quantity only. Given values (inputs,
targets, initial parameters, η) are not results. The matches are `expect` entries, checked by
`bpwalk.check.audit.check` like any others, each with its line in the document.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bpwalk.check.docentries import (UNIT_KINDS, Candidate, DocumentError, Match, candidates,  # noqa: F401 (the API)
                                     draft_expect, read_document)
from bpwalk.check.docnames import Name, Vocabulary
from bpwalk.check.docparse import Chain, Num, Part, parse
from bpwalk.scenario import Scenario, tolerance_of

RANK = {"total_loss": 0, "loss": 1, "error": 2, "delta": 0, "dE_dout": 1, "dout_dnet": 2, "grad": 0, "new": 0}
# words that put the text after an update: the next iteration's forward pass (or the final one)
AFTER = re.compile(r"after (?:the |one |this |each |an |the first |this first )?(?:update|round|iteration|step)"
                   r"|(?:updated|new) (?:weights|parameters)|final (?:forward )?pass|更新后|更新得到|(?:一|第一)轮.{0,12}后", re.I)
ITERATION = re.compile(r"(?:iteration|epoch|round)\s+(\d+)|第\s*([一二三四五六七八九十\d]+)\s*(?:次|轮)", re.I)
CHINESE = {c: i + 1 for i, c in enumerate("一二三四五六七八九十")}


def find(scenario: Scenario, text: str) -> list[Match]:
    """The printed results of a document and which quantity each one is, in the order of the text."""
    named = [int(m.group(1) or m.group(2)) for m in ITERATION.finditer(text)
             if (m.group(1) or m.group(2) or "").isdigit()]
    return _Finder(scenario, named).run(text)


def check_document(scenario: Scenario, text: str, rounding: int | None = None, lang: str = "en"):
    """The matches, and audit's verdicts on them (each verdict's line is the document's)."""
    from bpwalk.check.audit import check

    matches = find(scenario, text)
    if not matches:
        return matches, ()
    return matches, check(replace(scenario, expect=tuple(m.expect() for m in matches)), rounding, lang)


class _Finder:
    def __init__(self, scenario: Scenario, named: list[int]) -> None:
        self.scenario = scenario
        self.words = Vocabulary.of(scenario)
        self.pool = candidates(scenario, named)
        self.given = [*(x for s in scenario.samples for x in (*s.inputs, *s.targets)),
                      *scenario.parameters().values(), scenario.learning_rate]
        self.initial = scenario.parameters()
        self.at = 1.0               # where the text is: an iteration (last + 0.5: the final pass)
        self.sample = 1
        self.pinned: float | None = None   # where the words put the text ("after 10,000 iterations")
        self.found: list[Match] = []

    # -- where in the run the text is -----------------------------------------------------

    def order(self, c: Candidate) -> float:
        return self.scenario.iterations + 0.5 if c.iteration is None else float(c.iteration)

    def distance(self, c: Candidate) -> float:
        d = self.order(c) - (self.at if self.pinned is None else self.pinned)
        return (d if d >= 0 else 1000 - d) + (0 if c.sample in (None, self.sample) else 0.25)

    def markers(self, text: str) -> None:
        m = re.search(r"(?:sample|example|样本)\s*#?\s*(\d+)|第\s*([一二三四五六七八九十\d]+)\s*个?\s*样本", text, re.I)
        if m:
            n = m.group(1) or m.group(2)
            self.sample = int(n) if n.isdigit() else CHINESE.get(n, 1)
        last = self.scenario.iterations + 0.5
        m = ITERATION.search(text)
        if m:
            n = m.group(1) or m.group(2)
            self.at = min(float(int(n) if n.isdigit() else CHINESE.get(n, 1)), last)
            self.pinned = last if self.at == last else None
        m = re.search(r"(\d[\d,]*)\s*(?:iterations|epochs|rounds|times|steps)|(\d[\d,]*)\s*(?:次迭代|次|轮)", text, re.I)
        if m and int((m.group(1) or m.group(2)).replace(",", "")) >= self.scenario.iterations:
            self.at = self.pinned = last
        if AFTER.search(text):
            self.at = min(float(int(self.at)) + 1, last)
            self.pinned = last if self.at == last else None

    # -- the run over the text ------------------------------------------------------------

    def run(self, text: str) -> list[Match]:
        chains: list[Chain] = []
        for chain in parse(text):
            if chain.continues and chains:
                host = next((c for c in reversed(chains[-3:]) if not self._closed(c)), chains[-1])
                host.parts.extend(chain.parts)
                if host is not chains[-1]:
                    chains.remove(host)
                    chains.append(host)
                continue
            chains.append(chain)
        for chain in sorted(chains, key=lambda c: c.line):
            if chain.prose or chain.before:
                self.markers(chain.before + " " + " ".join(p.text for p in chain.parts))
            self.chain(chain)
        seen, out = set(), []
        for m in sorted(self.found, key=lambda m: m.line):
            ident = (m.key, m.iteration, m.sample, m.batch, m.text)
            if ident not in seen:
                seen.add(ident)
                out.append(m)
        return out

    def _closed(self, chain: Chain) -> bool:
        """A chain that `= ...` cannot go on: no equation, one with its result, or a given value (η = 0.1)."""
        name = self.words.name(chain.parts[0].text) if chain.parts else None
        return (name is not None and name.given) or any(p.grid for p in chain.parts[1:]) or len(chain.parts) < 2

    def chain(self, chain: Chain) -> None:
        parts = chain.parts
        result = max((i for i, p in enumerate(parts) if i > 0 and p.grid), default=None)
        name: Name | None = None
        names_part: Part | None = None
        for i, part in enumerate(parts):
            if i == result or (part.grid and i > 0):
                continue
            if part.names is not None:
                names_part = names_part or part
                continue
            got = self.words.name(part.text)
            if got is None and i == 0 and chain.prose and len(parts) > 1 and re.search(r"[:：]\s*\S+\s*$", part.text):
                got = self.words.name(re.split(r"[:：]", part.text)[-1])     # "… the forward pass: prediction = 0.26"
            if got is not None:
                name = got
                break
        for i, part in enumerate(parts):
            if i != result:
                at = 0
                for num in part.numbers:
                    at = max(part.text.find(num.text.lstrip("-"), at), at)
                    if part.grid is not None and i > 0:
                        continue
                    if len(parts) == 1 and self.hinted(chain.before + " " + part.text[:at], num):
                        continue      # the words before it say what it is
                    self.by_value(num, chain.prose)
        if name is not None and name.kind == "delta":
            for i, part in enumerate(parts):
                if i not in (0, result) and part.grid is None:
                    self.factors(name, part)
        if result is None:
            return
        grid = parts[result].grid
        assert grid is not None
        flat = [n for row in grid for n in row]
        if name is not None and name.kind == "unit" and len(parts) == 2 and all(self._given(n) for n in flat):
            return
        if name is not None and name.kind == "param" and name.group and not all(self._given(n) for n in flat):
            name = Name("new", (), name.layers, name.part)     # W := W - α ∂J/∂W, printed after the update
        if name is not None and (name.kind == "keyless" or name.given and not self._changed(name, flat)):
            return
        if name is not None and name.given:
            name = Name("new", name.subjects, name.layers, name.part)
        if name is not None and name.group:
            if self.group(name, grid):
                return
        elif name is not None and len(flat) == 1:
            if self.named(name, flat[0]) is None:     # a name this scenario has no such quantity for
                self.by_value(flat[0], chain.prose)
            return
        if names_part is not None and names_part.names is not None:
            cells = [c for row in names_part.names for c in row]
            if len(cells) == len(flat):
                matched = [self.named(own, n) if (own := self.words.name(c)) is not None and not own.given
                           else self.by_value(n) for c, n in zip(cells, flat)]
                self.learn(parts[0].text, matched)
                return
        matched = [self.by_value(n, chain.prose) for n in flat]
        self.learn(parts[0].text, matched)

    def factors(self, name: Name, part: Part) -> None:
        """δ = ∂E/∂out ⊗ ∂out/∂net written out with numbers: when the first factor is ∂E/∂out, the
        second is ∂out/∂net, whatever its value (a wrong σ′ is a mistake of that factor)."""
        if not re.fullmatch(r"\s*(\\begin\{(\w)?matrix\}.*?\\end\{\2?matrix\}|[-−]?[\d.]+)\s*(?:\\otimes|\\odot|\\circ|\\cdot|\\times|\*|×|·)\s*"
                            r"(\\begin\{(\w)?matrix\}.*?\\end\{\4?matrix\}|[-−]?[\d.]+)\s*", part.text, re.S):
            return
        half = len(part.numbers) // 2
        first, second = part.numbers[:half], part.numbers[half:]
        groups = [list(name.subjects)] if name.subjects else [list(self.scenario.layers[l].units) for l in name.layers]
        for units in groups:
            if len(units) != half or len(second) != half:
                continue
            if all(any(c.kind == "dE_dout" and c.subject == u and abs(c.value - n.value) <= tolerance_of(n.text)
                       for c in self.pool) for u, n in zip(units, first)):
                for u, n in zip(units, second):
                    self.named(Name("dout_dnet", (u,)), n)
                return

    def _given(self, num: Num) -> bool:
        return any(abs(g - num.value) <= tolerance_of(num.text) for g in self.given)

    def _changed(self, name: Name, flat: list[Num]) -> bool:
        """A parameter printed with a value other than its initial one: the value after an update."""
        if name.kind != "param" or not name.subjects:
            return False
        first = self.initial.get(name.subjects[0])
        return first is not None and len(flat) == 1 and abs(first - flat[0].value) > tolerance_of(flat[0].text)

    def learn(self, lhs: str, matched: list[Candidate | None]) -> None:
        """A document's own symbol for a layer's vector (H = (h1, h2) = ...): remembered by what it matched."""
        symbol = re.sub(r"\\mathbf|\\boldsymbol|[{}\s$&]", "", lhs)
        if not re.fullmatch(r"[A-Za-z]\w?'?", symbol) or not matched or any(m is None for m in matched):
            return
        kinds = {m.kind for m in matched if m is not None}
        layers = {self.words.units[m.subject][0] for m in matched if m is not None and m.subject in self.words.units}
        if len(kinds) == 1 and len(layers) == 1 and kinds <= set(UNIT_KINDS):
            self.words.aliases[symbol] = Name(kinds.pop(), (), (layers.pop(),))

    # -- one number -----------------------------------------------------------------------

    def options(self, name: Name) -> list[Candidate]:
        kinds = {"unit": ("net", "out"), "dloss": ("delta", "dE_dout"), "loss": ("total_loss", "loss")}.get(
            name.kind, (name.kind,))
        return [c for c in self.pool if c.kind in kinds and (not name.subjects or c.subject in name.subjects)]

    def rank(self, c: Candidate) -> int:
        if c.kind in ("net", "out"):
            output = c.subject in self.scenario.outputs
            return 0 if (c.kind == "out") == output else 1
        return RANK.get(c.kind, 3)

    def named(self, name: Name, num: Num) -> Candidate | None:
        options = self.options(name)
        if not options:
            return None
        tol = tolerance_of(num.text)
        agree = [c for c in options if abs(c.value - num.value) <= tol]
        if agree:
            best = min(agree, key=lambda c: (self.distance(c), self.rank(c)))
        else:
            # a wrong number: the quantity it is closest to, then where the text is
            gap = {c: abs(c.value - num.value) for c in options}
            least = min(gap.values())
            near = [c for c in options if gap[c] <= 3 * least + 100 * tol]
            best = min(near, key=lambda c: (self.distance(c), gap[c], self.rank(c)))
        return self.take(best, num, True, bool(agree))

    def by_value(self, num: Num, prose: bool = False) -> Candidate | None:
        """The one quantity a number with no name agrees with, if there is exactly one.

        It needs a decimal point and two significant digits (three in prose, where numbers
        of every other kind stand: dates, sizes, counts).
        """
        digits = num.text.lstrip("-").replace(".", "").lstrip("0")
        if "." not in num.text or len(digits) < (3 if prose else 2):
            return None
        tol = tolerance_of(num.text)
        if self._given(num):
            return None
        agree = [c for c in self.pool if abs(c.value - num.value) <= tol]
        if not agree:
            return None
        near = min(self.distance(c) for c in agree)
        agree = [c for c in agree if self.distance(c) == near]
        things = {("loss",) if c.kind in ("loss", "total_loss", "error") and len(self.scenario.outputs) == 1
                  else ("unit", c.subject) if c.kind in UNIT_KINDS else (c.kind, c.subject) for c in agree}
        if len(things) != 1:
            return None
        best = min(agree, key=self.rank)
        if self.pinned is not None and self.pinned - 1 <= self.order(best) != self.pinned:
            # the words say where ("after 10,000 iterations"): that pass's number, even if it disagrees
            there = [c for c in self.pool if (c.kind, c.subject, c.sample) == (best.kind, best.subject, best.sample)
                     and self.order(c) == self.pinned]
            if there:
                return self.take(there[0], num, False, False)
        return self.take(best, num, False, True)

    def hinted(self, before: str, num: Num) -> bool:
        """A number in prose with no name of its own: the quantity the words before it name, if any."""
        if "." not in num.text or len(num.text.lstrip("-0.")) < 2 or self._given(num):
            return False
        words = re.findall(r"[A-Za-z]+|[\u4e00-\u9fff]{2}", before[-80:])
        for word in reversed(words[-8:]):
            w = word.lower()
            if w in ("error", "loss", "cost") or word in ("误差", "损失"):
                return self.named(Name("loss"), num) is not None
            if w in ("output", "outputs", "prediction", "predictions") or word in ("输出", "预测"):
                return self.named(Name("out", self.scenario.outputs), num) is not None
        return False

    def take(self, c: Candidate, num: Num, named: bool, agrees: bool) -> Candidate:
        if agrees:
            self.at = self.order(c)
            self.sample = c.sample or self.sample
        if c.keyable:
            self.found.append(Match(c.key, c.iteration, c.sample, c.batch, num.line, num.text, num.value, named))
        return c

    # -- a vector or a matrix -------------------------------------------------------------

    def group(self, name: Name, grid: list[list[Num]]) -> bool:
        best: tuple[int, float, list[tuple[Name, Num]]] | None = None
        for layout in self.layouts(name, grid):
            score, miss = 0, 0.0
            for n, num in layout:
                options = self.options(n)
                if not options:
                    continue
                gap = min(abs(c.value - num.value) for c in options)
                score += gap <= tolerance_of(num.text)
                miss += gap
            if best is None or (score, -miss) > (best[0], -best[1]):
                best = (score, miss, layout)
        if best is None:
            return False
        for n, num in best[2]:
            self.named(n, num)
        return True

    def layouts(self, name: Name, grid: list[list[Num]]):
        """Each way the elements may be laid out: (element's name, number) pairs."""
        rows, cols = len(grid), len(grid[0])
        for l in name.layers:
            layer = self.scenario.layers[l]
            if name.part == "weights":
                names = [list(r) for r in layer.weight_names]
                bias = [layer.bias_names[layer.bias_index(u)] if layer.bias_index(u) is not None else None
                        for u in range(len(layer.units))]
                shapes = [names, [[b, *r] for b, r in zip(bias, names)], [[*r, b] for b, r in zip(bias, names)]]
                for shape in shapes:
                    for m in (shape, [list(c) for c in zip(*shape)]):
                        if len(m) == rows and all(len(r) == cols for r in m) and all(x for r in m for x in r):
                            yield [(Name(name.kind, (p,)), grid[i][j]) for i, r in enumerate(m) for j, p in enumerate(r)]
            else:
                flat = [n for row in grid for n in row]
                subjects = list(layer.bias_names) if name.part == "biases" else list(layer.units)
                if len(flat) == len(subjects) + 1 and flat[0].value == 1 and name.part != "biases":
                    flat = flat[1:]
                if len(flat) == len(subjects) and (rows == 1 or cols == 1):
                    yield [(Name(name.kind, (s,)), n) for s, n in zip(subjects, flat)]
