"""`bpwalk quiz` without a terminal: each question printed, one answer read a line, then the score.

For standard input or output that is not a terminal (`printf '0.3775\\n' | bpwalk quiz`), so
a quiz can be scripted. It asks the same questions as the key loop (`bpwalk.tui.quiz_app`),
in the same order: in the matrix and delta styles a frame's results in turn, then the frame
whole.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from typing import Callable, Sequence

from rich.console import Console
from rich.text import Text

from bpwalk.engine.steps import Trace
from bpwalk.formula.notation import Notation
from bpwalk.formula.numbers import format_number
from bpwalk.render.quiz_views import feedback, frame_heading, grade_message, question_lines, say, shown_answer
from bpwalk.render.quiz_views import diagnosis, score_table
from bpwalk.render.terminal import StepView, heading
from bpwalk.render.views import FrameView, Settings
from bpwalk.walk.frames import Frame
from bpwalk.walk.quiz import MIN_DIGITS, Quiz
from bpwalk.walk.styles import frames_for
from bpwalk import words


def quiz_lines(trace: Trace, settings: Settings, console: Console, phases: tuple[str, ...], start: int = 0,
               read_line: Callable[[], str | None] | None = None, echo: bool = True,
               frames: Sequence[Frame] | None = None) -> int:
    """The quiz as plain text: each question printed, one answer read per line, then the score.

    Steps that are not asked are printed whole. A question shows its formula and its operands
    with their values and where they came from. An empty line or one that is too short asks
    again without using a try; `q` or the end of the input stops the quiz.

    Args:
        trace: the traced walk-through.
        settings: digits, language and style.
        console: where to print.
        phases: the phases asked.
        start: the frame to open at, 0-based.
        read_line: returns the next line, or None at the end of the input (default: stdin).
        echo: print each answer after its prompt (input from a pipe is not echoed).
        frames: the frames shown (default: those of `settings.style`).

    Returns:
        The exit status: 0.
    """
    if read_line is None:
        def read_line() -> str | None:
            line = sys.stdin.readline()
            return line if line else None

    frames = frames if frames is not None else frames_for(trace, settings.style)
    start = min(max(start, 0), len(frames) - 1)
    frame_of = {step: frame.index for frame in frames for step in frame.steps}
    quiz = Quiz(trace, phases, frames[start].first, [i for f in frames for i in f.steps], settings.lang)
    notation = Notation.of(trace.scenario)
    plain = replace(settings, diagram=False)
    lang = settings.lang

    def out(text: str = "") -> None:
        console.print(text, markup=False, highlight=False, soft_wrap=True)

    out(say(lang, "questions", count=sum(1 for i in quiz.order[quiz.position:] if i in quiz.questions),
            n=MIN_DIGITS))
    out()
    for frame in frames[start:]:
        out(f"[{frame.index + 1}/{len(frames)}]")
        asked = [i for i in frame.steps if i in quiz.questions]
        grouped = len(frame.steps) > 1
        if not asked:
            console.print(FrameView(trace, frame, plain))
            out()
            continue
        if grouped:
            out(frame_heading(frame, notation, lang))
        for step in asked:
            quiz.skip_to(step)              # past the steps of the frame that are not asked
            if not grouped:
                out(heading(quiz.current, notation, lang))
            for line in question_lines(quiz.current, notation, settings.digits, hint=False, lang=lang) or []:
                out(line)
            table = StepView(trace, quiz.current, settings.digits, lang,
                             number=lambda i: frame_of[i] + 1).operand_table()
            if table is not None:
                out(words.say(lang, "step.where"))
                console.print(table)
            if not _ask(quiz, console, lang, read_line, out, echo, notation, settings.digits):
                console.print(score_table(quiz.state, lang))
                return 0
        if grouped:                         # the frame whole, now that its results are settled
            console.print(FrameView(trace, frame, plain))
        out()
    console.print(score_table(quiz.state, lang))
    return 0


def _ask(quiz: Quiz, console: Console, lang: str, read_line: Callable[[], str | None], out: Callable[..., None],
         echo: bool, notation: Notation, digits: int) -> bool:
    """Read answers to the current question until it is settled; False when the input ends or says q."""
    while quiz.state.waiting:
        console.print(say(lang, "your_answer"), end="", markup=False, highlight=False)
        line = read_line()
        if line is None or line.strip().lower() in ("q", "quit"):
            if echo or line is None:
                out(line.strip() if line else "")
            return False
        text = line.strip()
        if echo:                                 # a pipe does not echo: show what was answered
            out(shown_answer(text))
        result = quiz.answer(text)
        if not result.counts:
            out(grade_message(result, text, lang))
            continue
        state = quiz.state
        value = format_number(quiz.current.value or 0.0, digits)
        said: Text | None = feedback(state, value, lang)
        if said is not None:
            out(said.plain)
        why = diagnosis(state, lang)
        if why is not None:                      # before the hint, or the answer when it is missed
            out(why.plain)
        if state.waiting:                        # a second try: the formula with the numbers in
            lines = question_lines(quiz.current, notation, digits, hint=True, lang=lang) or []
            for line in lines[1:-1]:
                out(f"{line}   ← {say(lang, 'hint')}")
        elif state.outcome == "missed":
            lhs = (question_lines(quiz.current, notation, digits, hint=False, lang=lang) or ["?"])[0].split(" = ")[0]
            out(f"{lhs} = {value}")
    return True
