"""What the quiz shows: a question, the feedback on an answer, the score, its help and words.

A question is a step without its result:

    Forward pass · iteration 1 · out_h1
    out_h1 = 1/(1 + e^(−net_h1))
           = 1/(1 + e^(−0.3775))        the hint, after a wrong first answer
           = ?
    your answer: 0.59▏

Views format the quiz's state; they never grade or move it (that is `bpwalk.walk.quiz`).
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from bpwalk.formula.notation import Notation
from bpwalk.words.prose import describe
from bpwalk.walk.quiz import MIN_DIGITS, MINUS_SIGNS, Grade, QuizState, Score
from bpwalk.render.diagram import NetworkDiagram, known_values
from bpwalk.render.terminal import PHASE_NAMES, heading
from bpwalk.engine.steps import Step, Trace

WORDS = {
    "en": {"your_answer": "your answer: ", "hint": "hint: the numbers filled in",
           "empty": "type the result first (digits . - e), then Enter",
           "too_short": f"give at least {MIN_DIGITS} significant digits",
           "unreadable": "not a number: {}", "try_again": "✗ {} is not it: try again, with the hint",
           "right": "✓ {}: right", "right_second": "✓ {}: right at the second try",
           "missed": "✗ {}: the answer is {}", "then": ", then ",
           "answer_first": "type the result, then Enter", "next": "→ next step",
           "score": "Score", "phase": "phase", "asked": "asked", "first": "right first try",
           "second": "right second try", "missed_col": "missed", "total": "total",
           "end": "The end of the quiz.", "questions": "{} questions: type each result "
           f"(at least {MIN_DIGITS} significant digits); q quits.",
           "no_key": "no key {}: ? for help", "first_step": "first step"},
    "zh": {"your_answer": "你的答案：", "hint": "提示：代入数值",
           "empty": "先输入结果（数字 . - e），再按 Enter",
           "too_short": f"请至少给出 {MIN_DIGITS} 位有效数字",
           "unreadable": "不是数字：{}", "try_again": "✗ {} 不对：参考提示再试一次",
           "right": "✓ {}：正确", "right_second": "✓ {}：第二次答对",
           "missed": "✗ {}：正确答案是 {}", "then": "，然后 ",
           "answer_first": "输入结果，再按 Enter", "next": "→ 下一步",
           "score": "得分", "phase": "阶段", "asked": "题数", "first": "一次答对",
           "second": "二次答对", "missed_col": "答错", "total": "合计",
           "end": "测验结束。", "questions": f"共 {{}} 题：输入每一步的结果（至少 {MIN_DIGITS} 位有效数字）；q 退出。",
           "no_key": "没有 {} 键：按 ? 查看帮助", "first_step": "已是第一步"},
}

# (keys, what they do), as the help overlay lists them
HELP_KEYS: tuple[tuple[str, str], ...] = (
    ("0-9  .  -  e", "type the result (at least 3 significant digits)"),
    ("Backspace", "delete the last character typed"),
    ("Enter", "check the answer; once it is shown, the next step"),
    ("→  Space  n  l  j  ↓", "next step (once the result is shown)"),
    ("←  ↑  p  h  k", "look back at the steps already done"),
    ("g  Home   /   G  End", "first step / back to the question"),
    ("PgDn  PgUp", "scroll a step taller than the terminal"),
    ("Ctrl-L", "redraw the screen"),
    ("?", "this help (any key closes it)"),
    ("q  Esc  Ctrl-C", "quit and show the score (Esc first clears the answer)"),
)


def say(lang: str, key: str, *args: object) -> str:
    """One of the quiz's words in `lang` (English when there is no such language)."""
    return WORDS.get(lang, WORDS["en"])[key].format(*args)


def shown_answer(text: str) -> str:
    """An answer as typed, its minus sign (U+2212, a dash) written as the values are: `-`."""
    return text.strip().translate(MINUS_SIGNS)


def grade_message(result: Grade, text: str, lang: str) -> str:
    """What to say about an answer that did not count as a try (empty, too short, not a number)."""
    if not text.strip():
        return say(lang, "empty")
    if result.verdict == "too_short":
        return say(lang, "too_short")
    return say(lang, "unreadable", text.strip())


def feedback(state: QuizState, value: str, lang: str) -> Text | None:
    """The line about the current question: try again, right, or missed; None before any try."""
    tries = [shown_answer(t) for t in state.tries]
    if not tries:
        return None
    if state.outcome == "first":
        return Text(say(lang, "right", tries[-1]), style="bold green")
    if state.outcome == "second":
        return Text(say(lang, "right_second", tries[-1]), style="bold green")
    if state.outcome == "missed":
        return Text(say(lang, "missed", say(lang, "then").join(tries), value), style="bold red")
    return Text(say(lang, "try_again", tries[-1]), style="bold red")


def diagram_before(trace: Trace, index: int, digits: int, lang: str) -> NetworkDiagram:
    """The network diagram for step `index` without that step's own result.

    The diagram shows every output, δ and updated weight known so far: a question must not
    show the number it asks for, so that one is left out (an updated weight keeps its old value).
    """
    diagram = NetworkDiagram(trace, index, digits, lang=lang)
    kind, _, name = trace.steps[index].quantity.partition(".")
    known = diagram.known
    if kind == "out":
        known.out.pop(name, None)
    elif kind == "delta":
        known.delta.pop(name, None)
    elif kind == "new":
        before = known_values(trace, index - 1).params if index else dict(trace.parameters)
        if name in before:
            known.params[name] = before[name]
    return diagram


def question_lines(step: Step, notation: Notation, digits: int, hint: bool) -> list[str] | None:
    """A question as plain lines: `lhs = general`, the hint (when asked for) and `= ?`.

    None for a step without an equation.
    """
    import bpwalk.formula.equations as formula

    parts = formula.text(step, notation, digits)
    if parts is None:
        return None
    lhs, general, substituted, _ = parts
    pad = " " * len(lhs)
    lines = [f"{lhs} = {general}"]
    if hint and substituted != general:
        lines.append(f"{pad} = {substituted}")
    lines.append(f"{pad} = ?")
    return lines


class QuestionView:
    """One asked step: heading, what it computes, the general formula, `= ?` and the answer typed."""

    def __init__(self, trace: Trace, state: QuizState, buffer: str, digits: int, lang: str = "en",
                 diagram: bool = True) -> None:
        self.trace = trace
        self.state = state
        self.buffer = buffer
        self.digits = digits
        self.lang = lang
        self.diagram = diagram

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        step = self.trace.steps[self.state.step]
        notation = Notation.of(self.trace.scenario)
        yield Text(heading(step, notation, self.lang), style="bold")
        sentence = describe(step, notation, self.lang)
        if sentence:
            yield Text(sentence, style="italic dim")
        hint = self.state.attempt == 2
        lines = question_lines(step, notation, self.digits, hint) or []
        for i, line in enumerate(lines):
            if i == 0:
                lhs, _, rest = line.partition(" = ")
                yield Text.assemble((lhs, "bold cyan"), " = ", rest)
            elif i == len(lines) - 1:
                yield Text.assemble(line[:-1], ("?", "bold yellow"))
            else:
                yield Text.assemble((line, "yellow"), ("   ← " + say(self.lang, "hint"), "dim"))
        said = feedback(self.state, "", self.lang)
        if said is not None:
            yield said
        yield Text.assemble((say(self.lang, "your_answer"), "bold"), (self.buffer, "bold"), ("▏", "blink"))
        if self.diagram:
            yield Rule(style="dim")
            yield diagram_before(self.trace, self.state.step, self.digits, self.lang)


def phase_name(phase: str, lang: str) -> str:
    return PHASE_NAMES.get(lang, PHASE_NAMES["en"])[phase]


def score_table(state: QuizState, lang: str = "en") -> Table:
    """The score per phase: asked, right at the first try, at the second, missed; and the total."""
    table = Table(title=say(lang, "score"), title_style="bold", title_justify="left")
    table.add_column(say(lang, "phase"))
    for key in ("asked", "first", "second", "missed_col"):
        table.add_column(say(lang, key), justify="right")

    def row(name: str, score: Score, style: str = "") -> None:
        table.add_row(name, str(score.asked), str(score.first), str(score.second), str(score.missed), style=style)

    for phase, score in state.scores:
        row(phase_name(phase, lang), score)
    if len(state.scores) > 1:
        row(say(lang, "total"), state.total(), "bold")
    return table

