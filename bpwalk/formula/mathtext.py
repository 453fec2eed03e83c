"""The plain notation of the text printer, spelled in LaTeX: `σ(`, ` ⊗ (1 − `, `Σₙ ∂C⁽ⁿ⁾`.

The vector forms of the operation registry (`bpwalk.ops`) and the grouped styles' pages write
operators and function names the way the terminal shows them. This is their LaTeX printer:
it maps each mark to its command (⊗ to \\odot, ½ to \\tfrac{1}{2}, a superscript to ^{...})
and sets function names upright (tanh, ln, softmax), so one form prints in both.
"""

from __future__ import annotations

import re

from bpwalk.formula.notation import GREEK

# functions LaTeX knows by name; any other word of two letters or more is set upright
FUNCTIONS = {"tanh": "\\tanh", "ln": "\\ln", "exp": "\\exp", "max": "\\max", "min": "\\min", "log": "\\log"}
MARKS = {
    "⊗": "\\odot ", "⊘": "\\oslash ", "·": "\\cdot ", "×": "\\times ", "−": "-", "≤": "\\le ", "≥": "\\ge ",
    "½": "\\tfrac{1}{2}", "∂": "\\partial ", "⋯": "\\cdots ", "⋮": "\\vdots ", "…": "\\ldots ", "′": "'",
    "*": "^{*}", "ᵀ": "^{\\top}", "⁺": "^{+}", "{": "\\{", "}": "\\}", "_": "\\_", "%": "\\%", "#": "\\#",
    "&": "\\&", "$": "\\$", "√": "\\sqrt", "Φ": "\\Phi ", "∈": "\\in ", "→": "\\to ",
}
SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾ⁿᵗ⁻", "0123456789()nt-"))
SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉ₙᵤₖᵢⱼ", "0123456789nukij"))
_TOKEN = re.compile(r"1\[|[A-Za-z]{2,}|[⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾ⁿᵗ⁻]+|[₀₁₂₃₄₅₆₇₈₉ₙᵤₖᵢⱼ]+|.", re.S)


def latex(text: str) -> str:
    """The LaTeX of a run of the text notation (operators, function names, digits, brackets)."""
    out: list[str] = []
    for token in _TOKEN.findall(text):
        if token == "1[":
            out.append("\\mathbf{1}[")                         # an indicator 1[z > 0]
        elif len(token) > 1 and token.isalpha() and token.isascii():
            out.append(FUNCTIONS.get(token, f"\\operatorname{{{token}}}"))
        elif token[0] in SUPERSCRIPTS:
            out.append("^{" + "".join(SUPERSCRIPTS[c] for c in token) + "}")
        elif token[0] in SUBSCRIPTS:
            out.append("_{" + "".join(SUBSCRIPTS[c] for c in token) + "}")
        elif token == "Σ":
            out.append("\\sum ")
        elif token in GREEK:
            out.append(f"\\{GREEK[token]} ")
        else:
            out.append(MARKS.get(token, token))
    return "".join(out)
