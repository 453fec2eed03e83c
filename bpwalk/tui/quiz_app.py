"""`bpwalk quiz`: the walk-through with the results left for the student to type.

On a terminal (`quiz_walk`) it is `walk`'s loop (the same alternate screen, cbreak keys,
signal handling and status line conventions, from `bpwalk.tui.app`) over a
`QuizSession`, which turns keys into answers and moves. Without a terminal (`quiz_lines`) it
reads one answer a line from standard input and prints plain text, so it can be scripted.
Both end with the score per phase, printed on the normal screen.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from typing import Callable, Literal

from rich.console import Console, Group
from rich.text import Text

from bpwalk.formula.notation import Notation
from bpwalk.formula.numbers import format_number
from bpwalk.walk.quiz import MIN_DIGITS, MINUS_SIGNS, Quiz
from bpwalk.tui.app import Lines, Painter, full_screen, warm_up
from bpwalk.walk.styles import frames_for
from bpwalk.tui.keys import ReadKey
from bpwalk.walk.navigate import BACK_KEYS, EXIT_INTERRUPT, EXIT_QUIT, FIRST_KEYS, LAST_KEYS, NEXT_KEYS, QUIT_KEYS
from bpwalk.render.quiz_views import (HELP_KEYS, QuestionView, feedback, grade_message, question_lines, say,
                                      score_table, shown_answer)
from bpwalk.render.status import SEPARATOR, position
from bpwalk.render.terminal import heading
from bpwalk.render.views import FrameView, Settings
from bpwalk.engine.steps import Trace
from bpwalk import words

# what a number is typed (or pasted) with: any minus sign that `quiz.read_number` reads
ANSWER_CHARS = frozenset("0123456789.-+eE").union(map(chr, MINUS_SIGNS))
MAX_ANSWER = 40                                   # characters kept in the answer being typed
SCROLL_KEYS = {"pgdn": 1, "pgup": -1}
# while an answer is typed only the arrows look back: letters would be typos in a number
TYPING_BACK_KEYS = frozenset({"left", "up"})
Mode = Literal["quiz", "help", "score"]


@dataclass(frozen=True)
class QuizScreen:
    """What the screen shows besides the quiz's own state."""

    shown: int                        # the step on screen; below the quiz's step: looking back
    buffer: str = ""                  # the answer being typed
    mode: Mode = "quiz"
    message: str = ""                 # one-keypress feedback on the status line
    exit_code: int | None = None      # set when the quiz should end

    @property
    def done(self) -> bool:
        return self.exit_code is not None


class QuizSession:
    """A quiz and its screen state; `handle(key)` applies one key to both.

    Args:
        quiz: the quiz (its state is updated by answers and moves).
        lang: language of the messages.
    """

    def __init__(self, quiz: Quiz, lang: str = "en") -> None:
        self.quiz = quiz
        self.lang = lang
        self.screen = QuizScreen(shown=quiz.state.step)

    def handle(self, key: str) -> QuizScreen:
        """Apply one key and return the new screen state (also kept as `self.screen`)."""
        self.screen = self._route(key)
        return self.screen

    def _route(self, key: str) -> QuizScreen:
        screen = self.screen
        if key == "ctrl-c":
            return replace(screen, exit_code=EXIT_INTERRUPT)
        if key == "resize":
            return screen
        screen = replace(screen, message="")
        if screen.mode == "help":
            return replace(screen, mode="quiz")
        if screen.mode == "score":
            if key in BACK_KEYS:
                return replace(screen, mode="quiz")
            return replace(screen, exit_code=EXIT_QUIT) if key in QUIT_KEYS | NEXT_KEYS else screen
        if key == "?":
            return replace(screen, mode="help")
        state = self.quiz.state
        if screen.shown < state.step:
            return self._looking_back(screen, key)
        if state.waiting:
            return self._typing(screen, key)
        return self._shown(screen, key)

    def _typing(self, screen: QuizScreen, key: str) -> QuizScreen:
        """Keys while the current question waits for its answer."""
        if key in ANSWER_CHARS:
            return replace(screen, buffer=(screen.buffer + key)[:MAX_ANSWER])
        if key == "backspace":
            return replace(screen, buffer=screen.buffer[:-1])
        if key == "enter":
            result = self.quiz.answer(screen.buffer)
            if not result.counts:
                return replace(screen, message=grade_message(result, screen.buffer, self.lang))
            return replace(screen, buffer="")
        if key == "esc" and screen.buffer:
            return replace(screen, buffer="")
        if key in QUIT_KEYS:
            return replace(screen, exit_code=EXIT_QUIT)
        if key in TYPING_BACK_KEYS:
            return self._back(screen)
        if key in NEXT_KEYS or (len(key) == 1 and key.isprintable()):
            return replace(screen, message=say(self.lang, "answer_first"))
        return screen                    # other named keys (tab, pgdn, ...) mean nothing here

    def _shown(self, screen: QuizScreen, key: str) -> QuizScreen:
        """Keys on the current step once its result is shown (answered, or not asked)."""
        if key in NEXT_KEYS or key == "n":
            if not self.quiz.advance():
                return replace(screen, mode="score")
            return replace(screen, shown=self.quiz.state.step)
        if key in QUIT_KEYS:
            return replace(screen, exit_code=EXIT_QUIT)
        if key in BACK_KEYS:
            return self._back(screen)
        if key in FIRST_KEYS:
            return replace(screen, shown=0)
        if key in ANSWER_CHARS:
            return replace(screen, message=say(self.lang, "next"))
        if len(key) == 1 and key.isprintable():
            return replace(screen, message=words.say(self.lang, "nav.no_key", key=repr(key)))
        return screen

    def _looking_back(self, screen: QuizScreen, key: str) -> QuizScreen:
        """Keys on a step already done: move among them; typing goes back to the question."""
        current = self.quiz.state.step
        if key in NEXT_KEYS or key == "n":
            return replace(screen, shown=screen.shown + 1)
        if key in BACK_KEYS:
            return self._back(screen)
        if key in FIRST_KEYS:
            return replace(screen, shown=0)
        if key in LAST_KEYS:
            return replace(screen, shown=current)
        if key in QUIT_KEYS:
            return replace(screen, exit_code=EXIT_QUIT)
        if key in ANSWER_CHARS and self.quiz.state.waiting:
            return replace(screen, shown=current, buffer=(screen.buffer + key)[:MAX_ANSWER])
        return screen

    def _back(self, screen: QuizScreen) -> QuizScreen:
        if screen.shown == 0:
            return replace(screen, message=words.say(self.lang, "nav.first_step"))
        return replace(screen, shown=screen.shown - 1)


class QuizPainter(Painter):
    """`Painter` with the quiz's body (question, feedback, score) and its own status line."""

    def __init__(self, session: QuizSession, trace: Trace, settings: Settings, console: Console) -> None:
        super().__init__(trace, frames_for(trace, "scalar"), settings, console)
        self.session = session

    def body(self, screen: QuizScreen, width: int, rows: int) -> Lines:  # type: ignore[override]
        """Exactly `rows` lines above the status line."""
        state = self.session.quiz.state
        lang = self.settings.lang
        if screen.mode in ("help", "score"):
            if screen.mode == "help":
                return self._fit(self.help_lines(HELP_KEYS, width, rows), width, rows, page=0)
            shown = Group(Text(say(lang, "end"), style="bold"), Text(), score_table(state, lang))
            return self._fit(self._render(shown, width), width, rows, page=0)
        if screen.shown == state.step and state.waiting:
            view = QuestionView(self.trace, state, screen.buffer, self.settings.digits, lang, self.settings.diagram)
            return self._fit(self._render(view, width), width, rows, self.page)
        lines = self.frame_lines(screen.shown, width)
        said = feedback(state, self._value(state.step), lang) if screen.shown == state.step else None
        if said is not None:
            lines = self._render(said, width) + lines
        return self._fit(lines, width, rows, self.page)

    def _value(self, index: int) -> str:
        value = self.trace.steps[index].value
        return "" if value is None else format_number(value, self.settings.digits)

    def status(self, screen: QuizScreen, width: int) -> Text:  # type: ignore[override]
        """Where the quiz is, then what is typed, a message, or the keys that apply now."""
        frame = self.frames[screen.shown]
        count = len(self.frames)
        state = self.session.quiz.state
        score = state.total()
        tally = f"✓{score.first + score.second} ✗{score.missed}"
        lang = self.settings.lang

        def keys(*names: str) -> Text:
            return Text("  ".join(words.say(lang, f"hint.{name}") for name in names), style="dim")

        if screen.message:
            said = [Text(screen.message, style="bold yellow")]
        elif screen.mode == "score":
            said = [keys("quit", "back")]
        elif screen.shown == state.step and state.waiting:
            said = [keys("type", "check", "back", "help", "quit"), keys("check", "help", "quit"),
                    Text("Enter  ?  q", style="dim")]
        else:
            said = [keys("next", "back", "help", "quit"), keys("next", "help", "quit"), Text("→ ← ? q", style="dim")]
        long_where, short_where, counter = (
            Text(position(frame, count, self.settings.lang, self.multi_sample), style="bold"),
            Text(position(frame, count, self.settings.lang, self.multi_sample, short=True), style="bold"),
            Text(f"[{frame.index + 1}/{count}]", style="bold"))
        # shorten the hints before the position, as `run`'s status line does
        forms = [(long_where, extra) for extra in said] + [(short_where, said[-1]), (counter, said[-1])]
        for where, extra in forms:
            line = Text.assemble(where, (f" {tally}", "dim"), (SEPARATOR, "dim"), extra)
            if line.cell_len <= width:
                return line
        line = Text.assemble(counter, (SEPARATOR, "dim"), said[-1])
        line.truncate(width, overflow="ellipsis")
        return line


def quiz_walk(trace: Trace, settings: Settings, console: Console, phases: tuple[str, ...], start: int = 0,
              read_key: ReadKey | None = None) -> int:
    """Run the quiz on the terminal until its end or a quit, then print the score.

    Args:
        trace: the traced walk-through.
        settings: digits, language (the style is always one step a screen).
        console: the terminal's console.
        phases: the phases asked.
        start: the step to open at, 0-based.
        read_key: returns the next key name; by default keys are read from standard input.

    Returns:
        The exit status: 0 after the end, q or Esc; 130 after Ctrl-C or SIGINT.
    """
    session = QuizSession(Quiz(trace, phases, start), settings.lang)
    painter = QuizPainter(session, trace, settings, console)
    code = EXIT_QUIT
    with full_screen(console, read_key) as read_key:
        try:
            painter.paint(session.screen)
            warm_up()
            while True:
                key = read_key()
                screen = session.screen
                if key in SCROLL_KEYS and screen.mode == "quiz":
                    if painter.scroll(SCROLL_KEYS[key]):
                        painter.paint(screen)
                    continue
                if key == "ctrl-l":
                    painter.size = None
                    painter.paint(screen)
                    continue
                if key == "eof":
                    break
                before = session.quiz.state
                new = session.handle(key)
                if new.done:
                    code = new.exit_code or 0
                    break
                if (new.shown, new.mode) != (screen.shown, screen.mode) or session.quiz.state != before:
                    painter.page = 0                        # a new screenful starts at its top
                painter.paint(new)
        except KeyboardInterrupt:
            code = EXIT_INTERRUPT
    # after the alternate screen is gone, so the score stays on the terminal
    console.print(score_table(session.quiz.state, settings.lang))
    return code


def quiz_lines(trace: Trace, settings: Settings, console: Console, phases: tuple[str, ...], start: int = 0,
               read_line: Callable[[], str | None] | None = None, echo: bool = True) -> int:
    """The quiz as plain text: each question printed, one answer read per line, then the score.

    For standard input or output that is not a terminal (`printf '0.3775\\n' | bpwalk quiz`).
    Steps that are not asked are printed whole. An empty line or one that is too short asks
    again without using a try; `q` or the end of the input stops the quiz.

    Args:
        trace: the traced walk-through.
        settings: digits and language.
        console: where to print.
        phases: the phases asked.
        start: the step to open at, 0-based.
        read_line: returns the next line, or None at the end of the input (default: stdin).
        echo: print each answer after its prompt (input from a pipe is not echoed).

    Returns:
        The exit status: 0.
    """
    if read_line is None:
        def read_line() -> str | None:
            line = sys.stdin.readline()
            return line if line else None

    quiz = Quiz(trace, phases, start)
    frames = frames_for(trace, "scalar")
    notation = Notation.of(trace.scenario)
    plain = replace(settings, diagram=False)
    lang = settings.lang

    def out(text: str = "") -> None:
        console.print(text, markup=False, highlight=False, soft_wrap=True)

    out(say(lang, "questions", count=len(quiz.questions & set(range(quiz.state.step, len(trace.steps)))),
            n=MIN_DIGITS))
    out()
    while True:
        state = quiz.state
        out(f"[{state.step + 1}/{len(frames)}]")
        if not state.waiting:
            console.print(FrameView(trace, frames[state.step], plain))
        else:
            step = quiz.current
            out(heading(step, notation, lang))
            for line in question_lines(step, notation, settings.digits, hint=False, lang=lang) or []:
                out(line)
            if not _ask(quiz, console, lang, read_line, out, echo, notation, settings.digits):
                break
        out()
        if not quiz.advance():
            break
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
        said = feedback(state, value, lang)
        if said is not None:
            out(said.plain)
        if state.waiting:                        # a second try: the formula with the numbers in
            lines = question_lines(quiz.current, notation, digits, hint=True, lang=lang) or []
            for line in lines[1:-1]:
                out(f"{line}   ← {say(lang, 'hint')}")
        elif state.outcome == "missed":
            lhs = (question_lines(quiz.current, notation, digits, hint=False, lang=lang) or ["?"])[0].split(" = ")[0]
            out(f"{lhs} = {value}")
    return True
