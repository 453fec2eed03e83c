"""Which quantity an equation's left-hand side names, in a worked example's own notation.

`Vocabulary.of(scenario)` holds the scenario's names (units, inputs, weights, biases) and its
notation (`display.symbols`: z for net, a for out, C or L or J for the loss), beside the usual
words of other texts. `Vocabulary.name(text)` reads one left-hand side, LaTeX or plain:

    net_{h1}  neth1  z_1  out_{o1}  a_3  E_{o1}  E_{total}  J_{\\text{总}}  δ_{o1}  \\delta^{(2)}
    \\frac{\\partial E_{total}}{\\partial w_5}  ∂E/∂w5  \\frac{\\partial out_{o1}}{\\partial net_{o1}}
    w_5^{+}  w_5^{(update)}  w5'  new w5  W_2^*  b^{(1)*}  ∂J/∂W_2

and says what it is (`Name`): a quantity of one unit or parameter, a layer's (a vector or a
matrix, element by element), a given value (an input, a target, a parameter as given, η), a
factor bpwalk has no key for (∂net/∂w: `keyless`), or None when it cannot tell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from bpwalk.scenario import Scenario

LOSS_WORDS = ("loss", "cost", "error", "Loss", "Cost", "Error", "误差", "损失", "MSE", "SSE", "E", "L", "J", "C", "l")
ONE_OUTPUT_WORDS = ("output", "prediction", "ŷ", "yhat", "输出", "预测")     # the output, when there is one
TOTAL_LOSS_NAMES = frozenset(("totalerror", "totalloss", "totalcost", "errortotal", "losstotal", "总误差", "总损失",
                              "整体误差", "误差总和"))
TOTAL_WORDS = ("total", "tot", "总", "all", "sum")
NET_WORDS = ("net", "z")
OUT_WORDS = ("out", "a", "o", "ŷ", "yhat")
DELTA_WORDS = ("δ", "delta")
NEW_MARKS = ("+", "*", "'", "′", "new", "update", "updated", "新", "更新")
GREEK = {r"\delta": "δ", r"\eta": "η", r"\alpha": "α", r"\partial": "∂", r"\sigma": "σ", r"\theta": "θ",
         r"\Theta": "Θ", r"\Delta": "Δ", r"\nabla": "∇", r"\lambda": "λ", r"\prime": "'"}
DROP = re.compile(r"\\(?:boxed|mathbf|mathrm|mathit|boldsymbol|bm|vec|left|right|displaystyle|textbf|operatorname|"
                  r"text|mathcal|overline|,|;|!)|&|\$")


@dataclass(frozen=True)
class Name:
    """What a left-hand side names.

    kind: net, out, unit (net or out: a unit by its bare name), error, loss, delta, dE_dout,
    dout_dnet, dloss (delta or dE_dout: ∂E/∂ a unit by its bare name), grad, new, and the given
    ones param, input, target, lr; keyless for a factor bpwalk has no key for.
    subjects: the units or parameters it may be about (several when an index is ambiguous).
    layers: for a layer's quantity (a vector or matrix), the layers it may be (0-based).
    part: "weights" or "biases" for a layer's parameters.
    """

    kind: str
    subjects: tuple[str, ...] = ()
    layers: tuple[int, ...] = ()
    part: str = ""

    @property
    def given(self) -> bool:
        return self.kind in ("param", "input", "target", "lr")

    @property
    def group(self) -> bool:
        return bool(self.layers) and not self.subjects


@dataclass
class Vocabulary:
    scenario: Scenario
    units: dict[str, tuple[int, int]]
    params: dict[str, tuple[int, str]]          # name -> (layer, "weights" | "biases")
    inputs: tuple[str, ...]
    aliases: dict[str, Name] = field(default_factory=dict)   # a document's own symbols (H, A, h)

    @classmethod
    def of(cls, scenario: Scenario) -> "Vocabulary":
        units = {u: (l, i) for l, layer in enumerate(scenario.layers) for i, u in enumerate(layer.units)}
        params: dict[str, tuple[int, str]] = {}
        for l, layer in enumerate(scenario.layers):
            params.update({n: (l, "weights") for row in layer.weight_names for n in row})
            params.update({n: (l, "biases") for n in layer.bias_names})
        return cls(scenario, units, params, scenario.inputs)

    # -- words of this scenario's notation ---------------------------------------------------

    def _words(self, key: str, defaults: tuple[str, ...]) -> tuple[str, ...]:
        own = self.scenario.display.symbol(key, "")
        words = ((own,) if own else ()) + defaults
        return tuple(sorted(set(words), key=len, reverse=True))

    def _find(self, name: str, table: Iterable[str]) -> str | None:
        if name in table:
            return name
        low = [n for n in table if n.lower() == name.lower()]
        return low[0] if len(low) == 1 else None

    def _indexed(self, digits: str) -> tuple[str, ...]:
        """Units a number names: the n-th of a layer, or the n-th counting every layer's units."""
        n = int(digits)
        ordered = [u for layer in self.scenario.layers for u in layer.units]
        found = [layer.units[n - 1] for layer in self.scenario.layers if 1 <= n <= len(layer.units)]
        if 1 <= n <= len(ordered):
            found.append(ordered[n - 1])
        return tuple(dict.fromkeys(found))

    # -- reading a left-hand side -----------------------------------------------------------

    def name(self, text: str) -> Name | None:
        s = clean(text)
        if not s:
            return None
        prime = DERIVATIVE_OF.fullmatch(s)
        if prime is not None:
            inner = self._atom(prime.group(1))
            if inner is not None and inner.kind in ("net", "unit"):
                return Name("dout_dnet", inner.subjects, inner.layers)
            return None
        frac = derivative(s)
        if frac is not None:
            return self._derivative(*frac)
        return self._atom(s)

    def _atom(self, s: str) -> Name | None:
        raw = s.strip()
        s, marks, layer = marks_of(s)
        new = any(m in marks for m in NEW_MARKS)
        c = re.sub(r"[_{}\s()\[\]]", "", s)
        if not c or re.search(r"[+\-*/·×=<>|\\^∑σ]", c):
            return None
        if c in ("η", "α", "lr", "learningrate", "学习率"):
            return Name("lr")
        if (p := self._find(c, self.params)) is not None:
            return Name("new" if new else "param", (p,))
        for word in ("grad", "∇", "d"):   # CS231n's dw5, dW2, db1: the gradient
            if c.startswith(word) and len(c) > len(word) and not new:
                inner = self._atom(raw[len(word):]) if raw.startswith(word) else None
                if inner is not None and inner.kind == "param":
                    return Name("grad", inner.subjects, inner.layers, inner.part)
        if (u := self._find(c, self.units)) is not None:
            return Name("unit", (u,))
        if self._find(c, self.inputs) is not None:
            return Name("input")
        if c in self.aliases and not new:
            return self.aliases[c]
        layers = () if layer is None else tuple(l for l in (layer - 1, layer - 2) if 0 <= l < len(self.scenario.layers))
        for kind, words in (("net", self._words("pre_activation", NET_WORDS)), ("out", self._words("activation", OUT_WORDS)),
                            ("delta", self._words("delta", DELTA_WORDS)), ("target", self._words("target", ("target", "t"))),
                            ("loss", self._words("loss", LOSS_WORDS + self._words("total_loss", ()) + self._words("error", ())))):
            for word in words:
                if not c.startswith(word):
                    continue
                rest = c[len(word):]
                if (u := self._find(rest, self.units)) is not None:
                    if kind == "loss":
                        return Name("error", (u,)) if u in self.scenario.outputs else None
                    return Name(kind, (u,))
                if kind == "loss" and (rest == "" or rest in TOTAL_WORDS):
                    return Name("loss")
                if kind == "target":
                    if rest == "" or rest.isdigit():
                        return Name("target")
                    continue
                if rest.isdigit() and kind in ("net", "out", "delta"):
                    return Name(kind, self._indexed(rest)) if self._indexed(rest) else None
                if rest == "" and layers and kind in ("net", "out", "delta"):
                    return Name(kind, (), layers)
                if rest == "" and kind in ("net", "out") and len(self.scenario.outputs) == 1 and word != "a":
                    return Name(kind, self.scenario.outputs)          # `out = 0.191`: the one output
        if c.lower() in TOTAL_LOSS_NAMES:
            return Name("loss")
        for kind, words in (("net", NET_WORDS + ("in", "input")), ("out", OUT_WORDS + ("output",))):
            for word in words:   # h1_out, o1net, h1 output: the unit first
                if c.lower().endswith(word) and (u := self._find(c[: -len(word)], self.units)) is not None:
                    return Name(kind, (u,))
        for word in LOSS_WORDS:   # E_1, E2: the error of the n-th output
            rest = c[len(word):]
            if c.startswith(word) and rest.isdigit() and 1 <= int(rest) <= len(self.scenario.outputs):
                return Name("error", (self.scenario.outputs[int(rest) - 1],))
        if c in ONE_OUTPUT_WORDS and len(self.scenario.outputs) == 1:
            return Name("out", self.scenario.outputs)
        m = re.fullmatch(r"([WwΘθ])(\d)(\d)", c)
        if m and layer is not None and 1 <= layer <= len(self.scenario.layers):
            # w_{jk}^{(l)}: row j, column k of layer l's weights, in either order
            rows = self.scenario.layers[layer - 1].weight_names
            j, k = int(m.group(2)) - 1, int(m.group(3)) - 1
            found = [rows[a][b] for a, b in ((j, k), (k, j)) if a < len(rows) and b < len(rows[a])]
            if found:
                return Name("new" if new else "param", tuple(dict.fromkeys(found)))
        m = re.fullmatch(r"([WwΘθbB])(\d?)", c)
        if m and (layer is not None or m.group(2)):
            k = layer if layer is not None else int(m.group(2))
            part = "biases" if m.group(1) in "bB" else "weights"
            if 1 <= k <= len(self.scenario.layers):
                return Name("new" if new else "param", (), (k - 1,), part)
        return None

    def _derivative(self, top: str, bottom: str) -> Name | None:
        num = self._atom(top) if top else None
        den = self._atom(bottom)
        if den is None:
            return None
        lossy = num is None or num.kind == "loss"
        if den.kind in ("param", "new"):
            return Name("grad", den.subjects, den.layers, den.part) if lossy else Name("keyless")
        if den.given:
            return Name("keyless")
        if den.kind == "out" or (den.kind == "unit" and num is not None and num.kind == "error"):
            if lossy or (num.kind == "error" and num.subjects == den.subjects):
                kind = "dE_dout" if den.kind == "out" else "dloss"
                return Name(kind, den.subjects, den.layers)
            return Name("keyless")
        if den.kind == "net":
            if lossy or (num.kind == "error" and num.subjects == den.subjects):
                return Name("delta", den.subjects, den.layers)
            if num.kind in ("out", "unit") and (num.subjects == den.subjects or num.layers == den.layers):
                return Name("dout_dnet", den.subjects, den.layers)
            return Name("keyless")
        if den.kind == "unit":
            return Name("dloss", den.subjects) if lossy else Name("keyless")
        return Name("keyless")


SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾⁺⁻", "0123456789()+-")
DERIVATIVE_OF = re.compile(r"(?:σ|f|g|φ|act)\s*['′]\s*\((.+)\)")     # σ'(z_U): the activation's derivative


def clean(text: str) -> str:
    """A left-hand side with the LaTeX that does not change what it names taken out."""
    s = re.sub("[⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾⁺⁻]+", lambda m: "^{" + m.group(0).translate(SUPERSCRIPTS) + "}", text)
    for latex, char in GREEK.items():
        s = re.sub(re.escape(latex) + r"(?![A-Za-z])", char, s)
    s = DROP.sub("", s)
    s = re.sub(r"\\hat\{?y\}?", "ŷ", s).strip()
    while s.startswith("{") and s.endswith("}") and _balanced(s[1:-1]):
        s = s[1:-1].strip()
    s = re.sub(r"\\[a-zA-Z]+", "", s) if not s.startswith("\\frac") else s
    return s.strip().strip("&:").strip()


def _balanced(s: str) -> bool:
    depth = 0
    for ch in s:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def derivative(s: str) -> tuple[str, str] | None:
    """The numerator and denominator of ∂A/∂B, dA/dB or \\frac{∂A}{∂B}, without the ∂ or d."""
    if s.startswith(r"\frac"):
        groups, at = [], len(r"\frac")
        for _ in range(2):
            if at >= len(s) or s[at] != "{":
                return None
            depth, start = 0, at
            for i in range(at, len(s)):
                depth += {"{": 1, "}": -1}.get(s[i], 0)
                if depth == 0:
                    groups.append(s[start + 1:i])
                    at = i + 1
                    break
            else:
                return None
        if s[at:].strip():
            return None
        top, bottom = (re.sub(r"\\[a-zA-Z]+", "", clean(g)) for g in groups)
    elif "/" in s and s.count("/") == 1:
        top, bottom = s.split("/")
    else:
        return None
    top, bottom = top.strip(), bottom.strip()
    for mark in ("∂", "d"):
        if top.startswith(mark) and bottom.startswith(mark):
            return top[len(mark):].strip(), bottom[len(mark):].strip()
    return None


def marks_of(s: str) -> tuple[str, tuple[str, ...], int | None]:
    """The atom without its superscripts and markers, the markers (+, *, new...), and a layer index."""
    marks: list[str] = []
    layer: int | None = None
    for word in ("updated", "update", "new", "更新", "新"):
        if word in s:
            marks.append(word)
            s = s.replace(word, " ")
    def sup(m: re.Match[str]) -> str:
        nonlocal layer
        body = (m.group(1) or m.group(2) or "").strip()
        digits = re.search(r"[(\[]?(\d+)[)\]]?", body)
        if digits:
            layer = int(digits.group(1))
        marks.extend(ch for ch in body if ch in "+*'′")
        return ""
    s = re.sub(r"\^\{([^{}]*)\}|\^(\S)", sup, s)
    for ch in "+*'′":
        if ch in s:
            marks.append(ch)
            s = s.replace(ch, "")
    m = re.search(r"[(\[](\d+)[)\]]\s*$", s)
    if m:
        layer = int(m.group(1))
        s = s[: m.start()]
    return s.strip(), tuple(marks), layer
