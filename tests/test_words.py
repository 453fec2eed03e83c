"""One table per language: the tables agree with each other, and `--lang zh` leaves no English behind.

The second half runs every screen and transcript a user reads (run --all in each style, the
quiz in pipe mode, train, check, export md/html/txt/latex) in Chinese, on every built-in
scenario with its own prose (title, source, description) put into Chinese, and asserts that
no English word is left. What may remain is listed in ALLOWED, each with its reason.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bpwalk.cli import app
from bpwalk.engine.trace import run
from bpwalk.formula.notation import DEFAULT_SYMBOLS
from bpwalk.read import load_scenario
from bpwalk.read.builtin import builtin_paths
from bpwalk.scenario import Scenario
from bpwalk.walk.layers import symbol
from bpwalk.walk.quiz import question_steps
from bpwalk.words import TABLES, cases, name_of, say
from bpwalk.words.en import WORDS as EN
from bpwalk.words.zh import WORDS as ZH

ROOT = Path(__file__).resolve().parent.parent
WORD = re.compile(r"[A-Za-z]{3,}")

# What an English word in a Chinese screen may be, and why:
ALLOWED = {
    # math functions the formulas write by their names, in every language
    "exp", "max", "diag", "tanh", "softplus", "softmax", "sigmoid",
    # key caps: what is printed on the key a message asks for
    "enter", "esc", "tab",
    # the program's own name (the HTML page's <title>)
    "bpwalk",
    # what the user types: the scenario key `expect:` ("nothing to check") and the options
    # `--json`, `--csv` (train's "… N more: use --json or --csv")
    "expect", "json", "csv",
}
# on the status line and in the help overlay, besides: key caps, the formats `e` writes, and
# what a search may be typed as (`delta`)
KEYS = {"backspace", "home", "end", "pgdn", "pgup", "ctrl", "md", "html", "txt", "svg", "markdown", "delta"}


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_language_has_every_key() -> None:
    assert set(TABLES) == {"en", "zh"}
    assert sorted(set(EN) - set(ZH)) == [] and sorted(set(ZH) - set(EN)) == []


@pytest.mark.parametrize("key", sorted(EN))
def test_the_same_fields_and_nothing_empty(key: str) -> None:
    assert fields(EN[key]) == fields(ZH[key]), f"{key}: {EN[key]!r} and {ZH[key]!r} name different fields"
    assert EN[key].strip() and ZH[key].strip(), f"{key} is empty"


def test_every_key_the_code_names_exists() -> None:
    """A literal key in `say(lang, "...")` (or `told`, `ctx.say`, `name_of`) is in the tables."""
    literal = re.compile(r"""\bsay\(\s*[\w.]+\s*,\s*["']([\w.:]+)["']|told\([^,]+,\s*[\w.]+\s*,\s*["']([\w.:]+)["']""")
    named = set()
    for path in (ROOT / "bpwalk").rglob("*.py"):
        for match in literal.finditer(path.read_text(encoding="utf-8")):
            named.add(match.group(1) or match.group(2))
    assert len(named) > 50
    prefixed = {key.partition(".")[2] for key in EN} | set(EN)   # quiz_views and check prefix their keys
    assert sorted(k for k in named if k not in prefixed) == []


def test_lookups() -> None:
    assert say("zh", "origin.from", n=3) == "来自第 3 步"
    assert say("fr", "origin.from", n=3) == "from step 3"          # a language without a table reads as English
    assert name_of("zh", "loss", "half_sse") == ZH["loss.half_sse"] != "half_sse"
    assert name_of("zh", "loss", "a_newer_loss") == "a_newer_loss"
    assert cases("en") == ("{then} if {cond}, else {other}", "for", "otherwise")
    with pytest.raises(KeyError):
        say("en", "origin.from")                                     # a field left out is an error


# -- no English in Chinese -----------------------------------------------------------------------

def chinese_copy(path: Path, folder: Path) -> Path:
    """The scenario with its own prose in Chinese (title, source, description); numbers untouched."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^title: .*$", "title: 一个例子", text)
    text = re.sub(r"(?m)^source: .*$", "source: 某份讲义", text)
    text = re.sub(r"(?m)^description: [|>]-?\n(?:(?:  .*)?\n)*", "description: 一段说明。\n", text)
    copy = folder / path.name
    copy.write_text(text, encoding="utf-8")
    return copy


def names(sc: Scenario) -> set[str]:
    """The scenario's own names and symbols: units, parameters, activations, the notation."""
    texts = [*sc.inputs, *sc.outputs, *(v for _, v in sc.display.symbols), *DEFAULT_SYMBOLS.values(),
             sc.optimizer_settings.name]
    for layer in sc.layers:
        texts += [*layer.units, layer.activation, symbol(layer.activation), *layer.bias_names,
                  *(n for row in layer.weight_names for n in row)]
    return {w.lower() for t in texts for w in WORD.findall(t)}


def english(text: str, allowed: set[str]) -> list[str]:
    return sorted({w for w in WORD.findall(text) if w.lower() not in allowed | ALLOWED})


def html_text(page: str) -> str:
    """What a reader of the page sees (and a screen reader says): text and aria-label values."""
    labels = " ".join(re.findall(r'aria-label="([^"]*)"', page))
    page = re.sub(r"(?s)<style>.*?</style>", " ", page)
    return labels + " " + re.sub(r"&[#\w]+;", " ", re.sub(r"<[^>]*>", " ", page))


def latex_text(source: str) -> str:
    """The words of LaTeX (Markdown's math too): commands, environments and column specs left out."""
    source = re.sub(r"(?m)(?<!\\)%.*$", " ", source)
    source = re.sub(r"\\(?:begin|end)\{\w+\}(?:\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\})?", " ", source)
    source = re.sub(r"\\(?:hypertarget|hyperlink)\{[^{}]*\}", " ", source)
    return re.sub(r"\\[A-Za-z]+", " ", source)


def latex_body(source: str) -> str:
    """A LaTeX article between \\begin{document} and \\end{document}: the preamble names packages and fonts."""
    return latex_text(source[source.index("\\begin{document}"):])


def answers(path: Path) -> str:
    """Lines for `bpwalk quiz` that meet every feedback: not typed, too short, not a number, right,
    right at the second try, missed; then the end of the input stops the quiz."""
    trace = run(load_scenario(path))
    asked = sorted(question_steps(trace))[:3]
    value = [repr(trace.steps[i].value) for i in asked]
    wrong = [repr(trace.steps[i].value + 1.5) for i in asked]
    return "\n".join(["", "12", "1.2.3", value[0], wrong[1], value[1], wrong[2], wrong[2]]) + "\n"


COMMANDS = [
    *(["run", "--all", "--style", style] for style in ("scalar", "matrix", "delta")),
    ["run", "--all", "--round", "4"],
    ["quiz"],
    ["train", "-n", "30", "--every", "10"],
    ["check"],
    *(["export", "--format", fmt, "-o", "-"] for fmt in ("md", "html", "txt", "latex")),
]


# what no built-in scenario has: updates per sample, the mean over samples, a leaky slope, a
# softplus output, mse, per-unit and untrained shared biases
EXTRA = """\
title: 逐样本更新的小网络
network:
  inputs: [x1, x2]
  layers:
    - {units: [h1, h2], activation: leaky_relu, leaky_slope: 0.1, weights: [[0.5, -0.4], [-0.3, 0.2]],
       bias: shared, biases: 0.1, train_bias: false}
    - {units: [o1], activation: softplus, weights: [[0.7, -0.6]], bias: per_unit, biases: [0.05]}
loss: mse
reduction: mean
update: per_sample
learning_rate: 0.1
iterations: 2
samples:
  - {inputs: [1.0, -1.0], targets: [1.0]}
  - {inputs: [-0.5, 0.5], targets: [0.0]}
"""


@pytest.fixture(scope="module")
def copies(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("zh")
    (folder / "extra.yaml").write_text(EXTRA, encoding="utf-8")
    return {path.stem: chinese_copy(path, folder) for path in builtin_paths()} | {"extra": folder / "extra.yaml"}


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:1] + c[2:3] + c[3:4]))
@pytest.mark.parametrize("name", [p.stem for p in builtin_paths()] + ["extra"])
def test_chinese_leaves_no_english(copies, name: str, command: list[str]) -> None:
    path = copies[name]
    sc = load_scenario(path)
    args = [command[0], str(path), *command[1:], "--lang", "zh"]
    result = CliRunner().invoke(app, args, input=answers(path) if command[0] == "quiz" else None)
    assert result.exit_code in (0, 1), result.output          # check: 1 when a printed number is wrong
    out = result.output
    allowed = names(sc)
    if command[0] == "check":
        allowed |= {w.lower() for e in sc.expect for w in WORD.findall(e.key)}   # the keys it checks
    if "html" in command:
        out = html_text(out)
    elif "md" in command:
        out = latex_text(out)
    elif "latex" in command:
        out = latex_body(out)
        allowed |= {w.lower() for w in WORD.findall(path.stem)}   # link targets are named after the file
    assert english(out, allowed) == []


def test_the_check_causes_are_chinese(copies) -> None:
    """mazur-matrix's document has many mistakes: every cause is said in Chinese."""
    from bpwalk.check.audit import check

    sc = load_scenario(copies["mazur-matrix"])
    causes = [v.cause for v in check(sc, lang="zh") if not v.agrees]
    assert len(causes) > 10 and all(re.search(r"[\u4e00-\u9fff]", c) for c in causes)
    allowed = names(sc) | {w.lower() for e in sc.expect for w in WORD.findall(e.key)}
    assert english(" ".join(causes), allowed) == []


# -- the status line, prompts, messages and help of the key loops ------------------------------

def test_the_status_line_and_help_speak_chinese() -> None:
    """Every form of `run`'s bottom line, every message a key gives, and both help overlays."""
    from io import StringIO

    from bpwalk.render.quiz_views import HELP_KEYS as QUIZ_KEYS
    from bpwalk.render.status import help_table, hints, prompt, status_line
    from bpwalk.walk.navigate import NavState, Navigator
    from bpwalk.walk.styles import frames_for
    from rich.console import Console

    sc = load_scenario(ROOT / "scenarios" / "delta-two-samples.yaml")
    trace = run(sc)
    frames = frames_for(trace, "scalar")
    allowed = names(sc) | KEYS
    said = []
    nav = Navigator(frames, lang="zh")
    weight = next(iter(trace.parameters))
    for keys in (["left"], ["n"], ["esc"], ["end", "right"], ["x"], ["9", "9", "9", "enter"],
                 ["/", "w", "9", "9", "enter"], ["/", *weight, "enter", "end", "n"], ["esc"], ["home", "["],
                 ["end", "]"]):
        for key in keys:
            nav.handle(key)
        assert nav.state.message, keys
        said.append(nav.state.message)
    last = len(frames) - 1
    assert Navigator(frames, last).handle("]").message == "last phase"
    assert Navigator(frames, last, "zh").handle("]").message == "已是最后一个阶段"
    states = [NavState(5), NavState(5, search="w5"), NavState(5, mode="number", buffer="1"),
              NavState(5, mode="search", buffer="w"), NavState(5, mode="export"), NavState(5, mode="export", seen_only=True)]
    for state in states:
        for width in (200, 80, 60, 40):
            said.append(status_line(state, frames[state.index], len(frames), width, "zh", True).plain)
        said.append(hints(state, 0, "zh"))
        typed = prompt(state, lang="zh")
        said.append(typed.plain if typed else "")
    console = Console(record=True, width=100, file=StringIO())
    console.print(help_table(lang="zh"), help_table(QUIZ_KEYS, lang="zh"))
    said.append(console.export_text())
    text = "\n".join(said)
    assert "空格" in text and "按任意键关闭" in text and "已从头找起" in text and "导出已看过的步骤" in text
    assert english(text, allowed) == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_failure_is_red_whatever_the_language(lang: str) -> None:
    """The status line tells a failure (not found, no such step or key) by the state, not by its English words."""
    from bpwalk.render.status import status_line
    from bpwalk.walk.navigate import Navigator
    from bpwalk.walk.styles import frames_for

    frames = frames_for(run(load_scenario(ROOT / "scenarios" / "mazur.yaml")), "scalar")

    def style(*keys: str) -> str:
        nav = Navigator(frames, lang=lang)
        for key in keys:
            nav.handle(key)
        line = status_line(nav.state, frames[nav.state.index], len(frames), 120, lang)
        return next(str(span.style) for span in line.spans if nav.state.message in line.plain[span.start:span.end])

    assert style("/", "w", "9", "9", "enter") == style("9", "9", "enter") == style("x") == "bold red"
    assert style("left") == style("/", "w", "5", "enter", "end", "n") == "bold yellow"


def test_check_json_says_its_causes_in_the_language_asked(copies) -> None:
    import json

    path = str(copies["mazur-matrix"])
    zh = json.loads(CliRunner().invoke(app, ["check", path, "--json", "--lang", "zh"]).output)
    en = json.loads(CliRunner().invoke(app, ["check", path, "--json"]).output)
    assert [v["computed"] for v in zh] == [v["computed"] for v in en]
    wrong = [(a["cause"], b["cause"]) for a, b in zip(zh, en) if not a["agrees"]]
    assert wrong and all(re.search(r"[\u4e00-\u9fff]", a) and not re.search(r"[\u4e00-\u9fff]", b) for a, b in wrong)


def test_the_quiz_status_line_speaks_chinese() -> None:
    from bpwalk.render.views import Settings
    from bpwalk.tui.quiz_app import QuizSession

    trace = run(load_scenario(ROOT / "scenarios" / "mazur.yaml"))
    session = QuizSession(trace, Settings(lang="zh"), ("forward",), 1)
    lines = [session.status(width).plain for width in (120, 80, 50)]
    for key in ("x", "tab", "esc", "left", "0"):   # a letter while an answer is due, a skip, a look back
        session.handle(key)
        lines.append(session.status(80).plain)
    session = QuizSession(trace, Settings(lang="zh"), ("backward",), 0)
    lines += [session.status(width).plain for width in (120, 80)]
    session.handle("tab")
    session.handle("G")
    lines.append(session.status(120).plain)
    assert "输入结果" in lines[0] and "退出" in lines[0]
    assert any("跳过了 1 题" in line for line in lines) and any("Tab 下一题" in line for line in lines)
    assert english("\n".join(lines), names(trace.scenario)) == []


def test_scrolling_notes_are_in_the_table() -> None:
    from io import StringIO

    from rich.console import Console

    from bpwalk.render.views import Settings
    from bpwalk.tui.app import WalkSession
    from bpwalk.tui.loop import Painter
    from bpwalk.walk.styles import frames_for

    trace = run(load_scenario(ROOT / "scenarios" / "mazur.yaml"))
    console = Console(file=StringIO(), width=80, height=10, force_terminal=True)
    session = WalkSession(trace, frames_for(trace, "scalar"), Settings(lang="zh"))
    bottom = "".join(s.text for s in Painter(console, "zh").body(session, 80, 9)[-1])
    assert "下面还有" in bottom and "more" not in bottom


# -- the project's own jargon stays out of what users read ---------------------------------------

@pytest.mark.parametrize("path", builtin_paths(), ids=lambda p: p.stem)
def test_built_in_scenarios_name_their_documents(path: Path) -> None:
    sc = load_scenario(path)
    for text in (sc.title, sc.source, sc.description):
        assert not re.search(r"\bseed\b", text, re.I), f"{path.name}: {text!r}"


def test_the_readme_names_the_documents() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert not re.search(r"seed (document )?0\d\d", readme)
    assert "实例理解反向传播" in readme
