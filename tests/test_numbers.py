"""Numbers people copy must paste: every value printed reads back with float().

A value standing alone (a result line, a table cell, a diagram label, quiz feedback) uses the
ASCII hyphen-minus and Python's e-notation, and never shows a negative zero; only numbers
inside a formula keep the typographic minus U+2212 and ×10^n (`bpwalk.formula.numbers`).
"""

from __future__ import annotations

import html
import json
import math
import re

import pytest
from typer.testing import CliRunner

from bpwalk.read.builtin import builtin_paths
from bpwalk.cli import app
from bpwalk.formula.numbers import format_fixed, format_number, text_number
from bpwalk.walk.quiz import grade, read_number
from bpwalk.render.check_view import computed_text
from bpwalk.walk.styles import frames_for
from bpwalk.walk.navigate import NavState
from bpwalk.render.quiz_views import shown_answer
from bpwalk.render.status import status_line

runner = CliRunner()
SCENARIOS = [p.stem for p in builtin_paths()]
ENV = {"COLUMNS": "100", "NO_COLOR": "1"}

# a number-looking token: optional sign (either minus), digits, optional exponent (not one
# that a table cut short with …)
TOKEN = re.compile(r"(?<![\w.])[−-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][−+-]?\d+)?(?![\w.…])")
# the forms a number takes inside a one-line formula (`numfmt.text_number`): (−0.217),
# (3.51×10^−5), and a negated term, −1·ln(0.43) or −0/0.33; those may keep U+2212
FORMULA_NUMBER = re.compile(r"\(−?\d[\d.]*(?:×10\^−?\d+)?\)")
NEGATED_TERM = re.compile(r"−(?=\d[\d.]*[·/⊗⊘])")


def bad_values(text: str) -> list[str]:
    """Every token printed as a value that float() cannot read, or that is a negative zero.

    Numbers inside formulas (the forms `text_number` writes) are masked first: a U+2212 or a
    ×10^ left after that stands in a value's place.
    """
    masked = NEGATED_TERM.sub("#", FORMULA_NUMBER.sub("(#)", text))
    bad = []
    for line in masked.splitlines():
        if "×10^" in line:
            bad.append(line.strip())
        for token in TOKEN.findall(line):
            try:
                value = float(token)
            except ValueError:
                bad.append(f"{token!r} in {line.strip()!r}")
                continue
            if value == 0 and token.startswith("-"):
                bad.append(f"negative zero {token!r} in {line.strip()!r}")
    return bad


def invoke(*args: str, stdin: str | None = None) -> str:
    result = runner.invoke(app, list(args), env=ENV, input=stdin)
    assert result.exit_code in (0, 1), result.output
    return result.output


# -- the check itself: it finds what was printed before -----------------------------------

def test_the_check_finds_typographic_minus_and_negative_zero_in_values() -> None:
    assert bad_values("       = −0.0380982365")                    # a result line
    assert bad_values("i2 0.1   o2 ← w7 w8  o2 0.7729 δ −0.0381")  # a diagram label
    assert bad_values("∂E_total/∂out_o2  −0.217071535  from step 18")
    assert bad_values("total loss  0.298371 → 3.51019e−5")          # train
    assert bad_values(" delta.y   0.0   -0.0000  ✓")                 # check
    assert bad_values("change  −0.00734 (−2.46 %)")
    assert bad_values("w5   3.5×10^−5")


def test_the_check_leaves_formulas_alone() -> None:
    assert not bad_values("     = (−0.217071535)·0.175510053·0.593269992")
    assert not bad_values("       = 1/(1 + e^(−0.3775))")
    assert not bad_values("      = −1·ln(0.469456)  = 0.0138498562 + (3.51×10^−5)")
    assert not bad_values("E_cat = −target_cat·ln(out_cat) = −0/0.327833 = 0")
    assert not bad_values("       = -0.0380982365   Mazur's 2-2-2 network, seed 001, 10,000 iterations")


# -- every command and output on the built-in scenarios -----------------------------------

@pytest.mark.parametrize("name", SCENARIOS)
def test_run_all_prints_values_that_paste(name: str) -> None:
    for style in ("scalar", "matrix", "delta"):
        for lang in ("en", "zh"):
            out = invoke("run", name, "--all", "--style", style, "--lang", lang)
            assert not bad_values(out), (style, lang, bad_values(out)[:5])


@pytest.mark.parametrize("name", SCENARIOS)
def test_text_markdown_and_html_exports_print_values_that_paste(name: str) -> None:
    txt = invoke("export", name, "-f", "txt")
    assert not bad_values(txt), bad_values(txt)[:5]
    # Markdown: the LaTeX is a formula; the tables and the "where" lists are values
    md = invoke("export", name, "-f", "md", "--style", "scalar")
    prose = re.sub(r"\$\$.*?\$\$", "", md, flags=re.S)
    prose = re.sub(r"\$[^$\n]*\$", "", prose)
    assert not bad_values(prose), bad_values(prose)[:5]
    where = re.findall(r"^- \$.*\$ = (\S+) \(", md, flags=re.M)
    assert where
    for value in where:
        float(value)
    # HTML: the MathML of the formulas keeps its minus; results, tables and lists do not
    page = invoke("export", name, "-f", "html", "--style", "scalar")
    results = re.findall(r'<tr class="result">.*?</tr>', page)
    assert results and all("\u2212" not in html.unescape(r) for r in results)
    for row in results:
        value = html.unescape(re.sub(r"<[^>]+>", "", row)).lstrip("=")
        float(value)
    body = re.sub(r"<style>.*?</style>|<math.*?</math>", " ", page, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", body))
    assert not bad_values(text), bad_values(text)[:5]


@pytest.mark.parametrize("name", SCENARIOS)
def test_json_export_has_no_negative_zero(name: str) -> None:
    data = json.loads(invoke("export", name, "-f", "json"))

    def walk(x: object) -> None:
        if isinstance(x, float):
            assert math.copysign(1.0, x) > 0 or x != 0, "a -0.0 in the JSON"
        elif isinstance(x, dict):
            for value in x.values():
                walk(value)
        elif isinstance(x, list):
            for value in x:
                walk(value)

    walk(data)


def test_json_export_writes_negative_zero_as_zero() -> None:
    # xor-tanh's first gradients are ±0 (an input of 0): JSON gave "w3": -0.0 before
    text = invoke("export", "xor-tanh", "-f", "json")
    assert not re.search(r"-0\.0\b(?!\d)", text)
    assert '"w3": 0.0' in text


@pytest.mark.parametrize("name", SCENARIOS)
def test_train_prints_values_that_paste(name: str) -> None:
    out = invoke("train", name, "-n", "3000", "--every", "1000")
    assert not bad_values(out), bad_values(out)[:5]


def test_train_tiny_loss_is_in_python_e_notation() -> None:
    out = invoke("train", "mazur", "-n", "10000")
    loss = re.search(r"total loss\s+\S+ → (\S+)", out).group(1)
    assert "e-" in loss and float(loss) < 1e-4          # 3.51019e-5, as float() reads it
    assert not bad_values(out), bad_values(out)[:5]


@pytest.mark.parametrize("name", SCENARIOS)
def test_check_prints_values_that_paste(name: str) -> None:
    out = invoke("check", name)
    assert not bad_values(out), bad_values(out)[:5]
    json.loads(invoke("check", name, "--json"))


def test_quiz_feedback_and_answers_paste() -> None:
    # two wrong answers to each question: the feedback echoes them and gives the value
    answers = "\n".join(["−5.00", "‐5.000"] * 100) + "\n"
    out = invoke("quiz", "mazur", "--phases", "backward", stdin=answers)
    assert "✗ -5.00 is not it" in out and "-5.00, then -5.000: the answer is -0.217071535" in out
    assert not bad_values(out), bad_values(out)[:5]


def test_status_line_prints_values_that_paste() -> None:
    from bpwalk.read import load_scenario
    from bpwalk.engine.trace import run

    trace = run(load_scenario(builtin_paths()[0]))
    for style in ("scalar", "matrix", "delta"):
        frames = frames_for(trace, style)
        for frame in frames:
            line = status_line(NavState(frame.index), frame, len(frames), 200, "en", True).plain
            assert not bad_values(line), line


# -- negative zero --------------------------------------------------------------------------

ROUNDS_TO_ZERO = """\
title: A difference that rounds to zero
network:
  inputs: [x]
  layers:
    - {units: [y], activation: identity, weights: [[0.5]]}
learning_rate: 0.1
samples:
  - {inputs: [1.0], targets: [0.5000001]}
expect:
  - {key: delta.y, value: 0.0}
"""


def test_check_prints_a_value_that_rounds_to_zero_without_a_sign(write_scenario) -> None:
    # delta.y = 0.5 - 0.5000001 = -1e-7, shown to 1 + 3 decimals: "-0.0000" before
    path = write_scenario(ROUNDS_TO_ZERO)
    out = invoke("check", str(path))
    row = next(line for line in out.splitlines() if line.strip().startswith("delta.y"))
    assert row.split()[1:4] == ["0.0", "0.0000", "✓"], row
    assert not bad_values(out)


def test_format_functions_never_print_negative_zero() -> None:
    assert format_number(-0.0, 6) == "0"
    assert text_number(-0.0, 6) == "0"
    assert format_fixed(-1e-7, 4) == "0.0000"
    assert format_fixed(-0.4, 0) == "0"
    assert format_fixed(-0.0, 3) == "0.000"
    assert format_fixed(-0.0006, 3) == "-0.001"
    assert format_fixed(float("-inf"), 2) == "-inf"


@pytest.mark.parametrize("x", [-3.51019e-5, -3.89298, 1e-300, -1.5e22, 0.29, -0.0380982365])
def test_format_number_reads_back_with_float(x: float) -> None:
    for digits in (1, 4, 9, 17):
        text = format_number(x, digits)
        assert "−" not in text and float(text) == float(f"{x:.{digits}g}")
    assert format_number(-3.51019e-5, 6) == "-3.51019e-5"


def test_computed_column_of_check_has_no_negative_zero() -> None:
    from bpwalk.check.audit import Verdict

    verdict = Verdict("delta.y", 1, 1, "0.000", 0.0, -2e-8, True, None, "")
    assert computed_text(verdict) == "0.000000"
    assert verdict.as_dict()["computed"] == -2e-8
    zero = Verdict("delta.y", 1, 1, "0.0", 0.0, -0.0, True, None, "")
    assert json.dumps(zero.as_dict()["computed"]) == "0.0"


# -- the quiz reads every minus a student may paste ------------------------------------------

@pytest.mark.parametrize("typed", ["-0.0381", "−0.0381", "‐0.0381", "‑0.0381", "–0.0381", "－0.0381",
                                   " −0.0381 ", "-3.81e-2", "−3.81e−2", "-3.81E-02", "-381e-4"])
def test_quiz_accepts_both_minus_signs_and_e_notation(typed: str) -> None:
    assert read_number(typed) is not None, typed
    assert grade(typed, -0.0380982365).verdict == "right", typed


def test_quiz_shows_a_pasted_answer_with_an_ascii_minus() -> None:
    assert shown_answer(" −0.0381 ") == "-0.0381"
    assert shown_answer("3.5e−5") == "3.5e-5"


def test_interactive_quiz_takes_a_pasted_minus() -> None:
    from bpwalk.tui.quiz_app import ANSWER_CHARS

    assert {"-", "−", "e", "E", "+"} <= ANSWER_CHARS
