"""What the quiz shows: a question, the feedback on an answer, the score, its help and words.

A question is a step without its result:

    Forward pass · iteration 1 · out_h1
    out_h1 = 1/(1 + e^(−net_h1))
           = 1/(1 + e^(−0.3775))        the hint, after a wrong first answer
           = ?
    your answer: 0.59▏
    where
    net_h1  0.3775  from step 2

Views format the quiz's state; they never grade or move it (that is `bpwalk.walk.quiz`).
"""

from __future__ import annotations

from typing import Callable, Collection, Mapping

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from bpwalk.formula.notation import Notation
from bpwalk.words.prose import describe
from bpwalk.walk.quiz import MIN_DIGITS, MINUS_SIGNS, Grade, QuizState, Score
from bpwalk.render.diagram import NetworkDiagram, known_values
from bpwalk.render.terminal import StepView, heading, phase_name, where_in
from bpwalk.formula.numbers import format_number
from bpwalk.walk.frames import Frame
from bpwalk.engine.steps import Step, Trace
from bpwalk import words

# (keys, what they do), as the help overlay lists them (see `bpwalk.render.status.HELP_KEYS`)
HELP_KEYS: tuple[tuple[str, str], ...] = (
    ("0-9  .  -  e", "help.quiz.type"),
    ("Backspace", "help.quiz.delete"),
    ("Enter", "help.quiz.enter"),
    ("Tab", "help.quiz.skip"),
    ("→  {space}  l  j  ↓", "help.quiz.next"),
    ("←  ↑  p  h  k", "help.quiz.back"),
    ("g  Home   /   G  End", "help.quiz.ends"),
    ("]  [   12 Enter", "help.quiz.jump"),
    ("/w5 Enter   n  N", "help.quiz.search"),
    ("PgDn  PgUp", "help.scroll"),
    ("Ctrl-L", "help.redraw"),
    ("?", "help.help"),
    ("Esc", "help.quiz.esc"),
    ("q  Ctrl-C", "help.quiz.quit"),
)
# how a settled question is marked where a frame lists its entries
MARKS = {"first": ("✓", "green"), "second": ("✓", "green"), "missed": ("✗", "red"), "skipped": ("–", "dim")}


def say(lang: str, key: str, /, **fields: object) -> str:
    """One of the quiz's strings in `lang`: `quiz.<key>` of the words tables."""
    return words.say(lang, f"quiz.{key}", **fields)


def shown_answer(text: str) -> str:
    """An answer as typed, its minus sign (U+2212, a dash) written as the values are: `-`."""
    return text.strip().translate(MINUS_SIGNS)


def grade_message(result: Grade, text: str, lang: str) -> str:
    """What to say about an answer that did not count as a try (empty, too short, not a number)."""
    if not text.strip():
        return say(lang, "empty")
    if result.verdict == "too_short":
        return say(lang, "too_short", n=MIN_DIGITS)
    return say(lang, "unreadable", text=text.strip())


def feedback(state: QuizState, value: str, lang: str) -> Text | None:
    """The line about the current question: try again, right, or missed; None before any try."""
    tries = [shown_answer(t) for t in state.tries]
    if not tries:
        return None
    if state.outcome == "first":
        return Text(say(lang, "right", answer=tries[-1]), style="bold green")
    if state.outcome == "second":
        return Text(say(lang, "right_second", answer=tries[-1]), style="bold green")
    if state.outcome == "missed":
        return Text(say(lang, "missed", answers=say(lang, "then").join(tries), value=value), style="bold red")
    return Text(say(lang, "try_again", answer=tries[-1]), style="bold red")


def diagnosis(state: QuizState, lang: str) -> Text | None:
    """The mistake the last wrong answer shows (`bpwalk.check.diagnose`), or None when none does."""
    if state.diagnosis is None:
        return None
    return Text(say(lang, "diagnosis", cause=state.diagnosis), style="yellow")


def diagram_before(trace: Trace, index: int, digits: int, lang: str, later: Collection[int] = ()) -> NetworkDiagram:
    """The network diagram for step `index` without that step's own result.

    The diagram shows every output, δ and updated weight known so far: a question must not
    show the number it asks for, so that one is left out (an updated weight keeps its old value).
    `later` names steps before `index` in the trace that the quiz has not shown yet (a grouped
    style asks a layer's nets before the activations computed between them): those are left out too.
    """
    diagram = NetworkDiagram(trace, index, digits, lang=lang)
    known = diagram.known
    unseen = {i for i in later if i < index}
    for i in sorted(unseen) + [index]:
        q = trace.steps[i].ref
        kind, name = q.kind, q.unit
        if kind == "out":
            known.out.pop(name, None)
        elif kind == "delta":
            known.delta.pop(name, None)
        elif kind == "new":
            before = known_values(trace, i - 1).params if i else dict(trace.parameters)
            if name in before:
                known.params[name] = before[name]
    return diagram


def question_lines(step: Step, notation: Notation, digits: int, hint: bool, lang: str = "en") -> list[str] | None:
    """A question as plain lines: `lhs = general`, the hint (when asked for) and `= ?`.

    None for a step without an equation.
    """
    import bpwalk.formula.equations as formula

    parts = formula.text(step, notation, digits, words.cases(lang))
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
    """One asked step: heading, what it computes, the general formula, `= ?`, the answer typed,
    the operands with their values and where they came from, and the diagram without the result.

    In the matrix and delta styles the heading is the frame's, and the entries of the frame
    already settled are listed first, each with its value and how it ended.

    Args:
        trace: the traced walk-through.
        frame: the frame the question belongs to.
        state: the quiz's state (its step is the one asked).
        buffer: the answer typed so far.
        digits: significant digits of the numbers shown.
        lang: the language.
        diagram: whether to draw the network under the question.
        marks: how each question settled so far ended (by step index).
        number: the number a back-link names for a step index (the frame that shows it).
        later: steps the quiz shows after this one (their results stay out of the diagram).
    """

    def __init__(self, trace: Trace, frame: Frame, state: QuizState, buffer: str, digits: int, lang: str = "en",
                 diagram: bool = True, marks: Mapping[int, str] | None = None,
                 number: Callable[[int], int] | None = None, later: Collection[int] = ()) -> None:
        self.trace = trace
        self.frame = frame
        self.state = state
        self.buffer = buffer
        self.digits = digits
        self.lang = lang
        self.diagram = diagram
        self.marks = marks or {}
        self.number = number
        self.later = later

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        step = self.trace.steps[self.state.step]
        notation = Notation.of(self.trace.scenario)
        if len(self.frame.steps) > 1:
            yield Text(frame_heading(self.frame, notation, self.lang), style="bold")
            done = self._settled(notation, step.index)
            if done.plain:
                yield done
        else:
            yield Text(heading(step, notation, self.lang), style="bold")
        sentence = describe(step, notation, self.lang)
        if sentence:
            yield Text(sentence, style="italic dim")
        hint = self.state.attempt == 2
        # what was wrong with the first try, and the mistake it shows, read before the hint
        said = feedback(self.state, "", self.lang)
        if said is not None:
            yield said
        why = diagnosis(self.state, self.lang)
        if why is not None:
            yield why
        lines = question_lines(step, notation, self.digits, hint, self.lang) or []
        for i, line in enumerate(lines):
            if i == 0:
                lhs, _, rest = line.partition(" = ")
                yield Text.assemble((lhs, "bold cyan"), " = ", rest)
            elif i == len(lines) - 1:
                yield Text.assemble(line[:-1], ("?", "bold yellow"))
            else:
                label = "   ← " + say(self.lang, "hint")
                # a label that would wrap the line is left out: the feedback below says it is the hint
                fits = cell_len(line) + cell_len(label) <= options.max_width
                yield Text.assemble((line, "yellow"), (label if fits else "", "dim"))
        yield Text.assemble((say(self.lang, "your_answer"), "bold"), (self.buffer, "bold"), ("▏", "blink"))
        table = StepView(self.trace, step, self.digits, self.lang, number=self.number).operand_table()
        if table is not None:
            yield Text(words.say(self.lang, "step.where"), style="dim")
            yield table
        if self.diagram:
            yield Rule(style="dim")
            yield diagram_before(self.trace, self.state.step, self.digits, self.lang, self.later)

    def _settled(self, notation: Notation, current: int) -> Text:
        """`net_h1 = 0.3775 ✓   net_h2 = 0.3925 ✗`: the frame's entries before the one asked."""
        parts: list[Text] = []
        for i in self.frame.steps:
            if i == current:
                break
            before = self.trace.steps[i]
            if before.value is None:
                continue
            name = notation.text(before.quantity, before.sample if notation.multi_sample else None)
            mark, style = MARKS.get(self.marks.get(i, ""), ("", ""))
            parts.append(Text.assemble(f"{name} = {format_number(before.value, self.digits)}",
                                       (f" {mark}" if mark else "", style)))
        return Text("   ").join(parts)


def frame_heading(frame: Frame, notation: Notation, lang: str = "en") -> str:
    """`Forward pass · iteration 1 · H = W₁·X + b⁽¹⁾`: a grouped frame's heading."""
    sample = frame.sample if notation.multi_sample else None
    return " · ".join([phase_name(lang, frame.phase), *where_in(lang, frame.iteration, sample, notation), frame.label])


def score_table(state: QuizState, lang: str = "en") -> Table:
    """The score per phase: asked, right at the first try, at the second, missed; and the total."""
    table = Table(title=say(lang, "score"), title_style="bold", title_justify="left")
    table.add_column(say(lang, "phase"))
    skipped = state.total().skipped > 0          # the column only when something was skipped
    for key in ("asked", "first", "second", "missed_col") + (("skipped_col",) if skipped else ()):
        table.add_column(say(lang, key), justify="right")

    def row(name: str, score: Score, style: str = "") -> None:
        counts = (score.asked, score.first, score.second, score.missed) + ((score.skipped,) if skipped else ())
        table.add_row(name, *map(str, counts), style=style)

    for phase, score in state.scores:
        row(phase_name(lang, phase), score)
    if len(state.scores) > 1:
        row(say(lang, "total"), state.total(), "bold")
    return table

