"""`bpwalk quiz` on a terminal: the walk-through with the results left for the student to type.

`quiz_walk` runs the one key loop of `bpwalk run` (`bpwalk.tui.loop`) over a `QuizSession`.
The session moves with the walk-through's own `Navigator`, so every key of `run` means the
same here, and adds answering on top:

- on a question, digits, `.`, `-`, `e` type the answer, Backspace and Esc edit it, Enter
  checks it; the letters that `run` moves with are typos in a number, so they only say so;
- a move ahead of the question (Tab, `]`, a step number, a search, `n`) is allowed, and the
  questions it passes over unanswered count as skipped (the score lists them). Tab goes to the
  next question, past the steps that `--phases` does not ask, so `--phases backward` is one
  key away from its first question;
- moves back look at the steps already done; `G`/End comes back to the question.

In the matrix and delta styles a question is a frame: its results are asked in turn, and the
frame is shown whole once they are all settled. Without a terminal, `bpwalk.tui.quiz_lines`
asks the same questions one line at a time.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Hashable, Sequence

from rich.console import Console, Group
from rich.text import Text

from bpwalk import words
from bpwalk.engine.steps import Trace
from bpwalk.formula.notation import Notation
from bpwalk.formula.numbers import format_number
from bpwalk.render.quiz_views import (HELP_KEYS, QuestionView, diagnosis, feedback, grade_message, say,
                                      score_table)
from bpwalk.render.status import SEPARATOR, position, prompt
from bpwalk.render.views import Settings
from bpwalk.tui.app import frame_lines
from bpwalk.tui.keys import ReadKey
from bpwalk.tui.loop import Lines, Painter, key_loop
from bpwalk.walk.frames import Frame
from bpwalk.walk.navigate import (BACK_KEYS, EXIT_INTERRUPT, EXIT_QUIT, LAST_KEYS, NEXT_KEYS, QUIT_KEYS, NavState,
                                  Navigator, told)
from bpwalk.walk.quiz import MINUS_SIGNS, Quiz
from bpwalk.walk.styles import frames_for

# what a number is typed (or pasted) with: any minus sign that `quiz.read_number` reads
ANSWER_CHARS = frozenset("0123456789.-+eE").union(map(chr, MINUS_SIGNS))
MAX_ANSWER = 40                                   # characters kept in the answer being typed
# on a question, the keys that still move or open something: the rest would be typos in a number
MOVE_KEYS = frozenset({"left", "up", "home", "end", "tab", "?", "/", "]", "[", "g", "G", "n", "N", "q"})


class QuizSession:
    """A quiz as a session of the key loop: the walk-through's navigator plus answering.

    Args:
        trace: the traced walk-through.
        settings: digits, language, style.
        phases: the phases asked.
        start: the frame to open at, 0-based.
        frames: the frames shown (default: those of `settings.style`).
    """

    help_note = "help.quiz.note"

    def __init__(self, trace: Trace, settings: Settings, phases: tuple[str, ...], start: int = 0,
                 frames: Sequence[Frame] | None = None) -> None:
        self.trace = trace
        self.settings = settings
        self.lang = settings.lang
        self.frames = frames if frames is not None else frames_for(trace, settings.style)
        self.frame_of = {step: frame.index for frame in self.frames for step in frame.steps}
        start = min(max(start, 0), len(self.frames) - 1)
        self.quiz = Quiz(trace, phases, self.frames[start].first, [i for f in self.frames for i in f.steps],
                         self.lang)
        self.navigator = Navigator(self.frames, start, self.lang)
        self.notation = Notation.of(trace.scenario)
        self.multi_sample = self.notation.multi_sample
        self.buffer = ""                          # the answer being typed
        self.said: Text | None = None             # how the last answer went, shown on its frame
        self.ended = False                        # the score screen after the last step
        self._settle()

    # -- where the quiz is ------------------------------------------------------------------

    @property
    def state(self) -> NavState:
        return self.navigator.state

    @property
    def frontier(self) -> int:
        """The frame of the current question (or of the furthest step reached)."""
        return self.frame_of[self.quiz.state.step]

    def asking(self) -> bool:
        """Whether the screen shows a question waiting for its answer."""
        return self.quiz.state.waiting and self.state.index == self.frontier

    def number(self, step: int) -> int:
        """The number the status line gives the frame that shows `step` (what `12 Enter` takes)."""
        return self.frame_of[step] + 1

    # -- keys -------------------------------------------------------------------------------

    def handle(self, key: str) -> int | None:
        """Apply one key; the exit status once the quiz is over, else None."""
        if key == "ctrl-c":
            return EXIT_INTERRUPT
        if key == "resize":
            return None
        if self.ended:
            return self._end_key(key)
        nav = self.navigator
        if nav.state.mode == "number" and not (len(key) == 1 and key.isdigit()) \
                and key not in ("backspace", "esc", "enter"):
            # a key that ends a step number does what it does on its own ("5G" back to the question)
            nav.state = replace(nav.state, mode="normal", buffer="")
        if nav.state.mode == "normal":
            nav.state = replace(nav.state, message="", alarm=False)      # a message lasts one key
            if self.asking() and self._answer_key(key):
                return None
            if key == "tab":
                self._next_question()
                return None
            if key in LAST_KEYS:
                self._go(self.frontier)
                return None
            if key == "e":                        # run's export: the quiz writes no transcript
                nav.state = told(nav.state, self.lang, "nav.no_key", alarm=True, key=repr(key))
                return None
            if key in NEXT_KEYS and nav.state.index == self.frontier:
                self._advance()
                return None
        new = nav.handle(key)
        if new.done:
            return new.exit_code
        if new.index > self.frontier:
            self._reach(new.index)
        return None

    def _answer_key(self, key: str) -> bool:
        """A key on a question waiting for its answer; False when it is a move, left to the navigator."""
        if key in ANSWER_CHARS:
            self.buffer = (self.buffer + key)[:MAX_ANSWER]
        elif key == "backspace":
            self.buffer = self.buffer[:-1]
        elif key == "enter":
            self._check()
        elif key == "esc" and self.buffer:
            self.buffer = ""
        elif key in MOVE_KEYS or key == "esc":
            return False
        elif key in NEXT_KEYS or (len(key) == 1 and key.isprintable()):
            self.navigator.state = told(self.state, self.lang, "quiz.answer_first")
        return True

    def _check(self) -> None:
        result = self.quiz.answer(self.buffer)
        if not result.counts:
            self.navigator.state = replace(self.state, message=grade_message(result, self.buffer, self.lang))
            return
        self.buffer = ""
        state = self.quiz.state
        # a wrong first try stays on the question, which says so itself
        self.said = feedback(state, self._value(state.step), self.lang) if state.revealed else None
        why = diagnosis(state, self.lang)
        if self.said is not None and why is not None:       # a missed answer's mistake, with the answer
            self.said = Text("\n").join([self.said, why])
        self._settle()

    def _advance(self) -> None:
        """Next, on the furthest step reached once its result is shown: the step after it, or the end."""
        if not self.quiz.advance():
            self.ended = True
            return
        self.said = None
        self._settle()
        self._go(self.frontier)

    def _next_question(self) -> None:
        """Tab: back to the question when looking back; else on to the next question."""
        if self.state.index < self.frontier and self.quiz.state.waiting:
            self._go(self.frontier)
            return
        ahead = self.quiz.next_question()
        if ahead is None:
            self.navigator.state = told(self.state, self.lang, "quiz.no_more")
            return
        self._reach(self.frame_of[ahead], ahead)

    def _reach(self, index: int, step: int | None = None) -> None:
        """Move the quiz ahead to frame `index` (or to `step` in it), skipping the questions passed."""
        skipped = self.quiz.skip_to(self.frames[index].first if step is None else step)
        self.said = None
        self._settle()
        state = replace(self.state, index=self.frontier)
        if skipped:
            note = say(self.lang, "skipped_one" if skipped == 1 else "skipped", n=skipped)
            state = replace(state, message=f"{state.message} · {note}" if state.message else note, alarm=False)
        self.navigator.state = state

    def _settle(self) -> None:
        """Within a frame, go on past the steps whose result is shown, to the frame's next question."""
        quiz = self.quiz
        while quiz.state.revealed and not quiz.state.finished and quiz.position + 1 < len(quiz.order) \
                and self.frame_of[quiz.order[quiz.position + 1]] == self.frontier:
            quiz.advance()

    def _go(self, index: int) -> None:
        self.navigator.state = replace(self.state, index=index)

    def _end_key(self, key: str) -> int | None:
        if key in BACK_KEYS or key == "esc":      # the score screen closes like an overlay
            self.ended = False
            return None
        if key in QUIT_KEYS | NEXT_KEYS:
            return EXIT_QUIT
        return None

    # -- what is shown ----------------------------------------------------------------------

    def help_keys(self) -> tuple[tuple[str, str], ...] | None:
        return HELP_KEYS if self.state.mode == "help" and not self.ended else None

    def content(self, painter: Painter, width: int) -> tuple[Hashable, Lines]:
        state = self.quiz.state
        if self.ended:
            shown = Group(Text(say(self.lang, "end"), style="bold"), Text(), score_table(state, self.lang))
            return "end", painter.render(shown, width)
        index = self.state.index
        frame = self.frames[index]
        if self.asking():
            view = QuestionView(self.trace, frame, state, self.buffer, self.settings.digits, self.lang,
                                self.settings.diagram, self.quiz.marks, self.number,
                                self.quiz.order[self.quiz.position + 1:])
            return ("question", state.step, state.attempt), painter.render(view, width)
        lines = frame_lines(painter, self.trace, frame, self.settings, width)
        said = self.said if index == self.frontier else None
        if said is not None:
            lines = painter.render(said, width) + lines
        return ("frame", index, said is not None), lines

    def _value(self, index: int) -> str:
        value = self.trace.steps[index].value
        return "" if value is None else format_number(value, self.settings.digits)

    def status(self, width: int) -> Text:
        """Where the quiz is and the score so far, then what is typed, a message, or the keys that apply now."""
        frame = self.frames[self.state.index]
        count = len(self.frames)
        score = self.quiz.state.total()
        tally = f" ✓{score.first + score.second} ✗{score.missed}"
        if score.skipped:
            tally += " " + say(self.lang, "tally_skipped", n=score.skipped)
        typed = prompt(self.state, lang=self.lang)
        if typed is not None:
            said = [typed, prompt(self.state, bare=True, lang=self.lang)]
        elif self.state.message:
            said = [Text(self.state.message, style="bold red" if self.state.alarm else "bold yellow")]
        else:
            said = self._hints()
        where = [Text(position(frame, count, self.lang, self.multi_sample, short=short, notation=self.notation), style="bold")
                 for short in (False, True)]
        counter = Text(f"[{frame.index + 1}/{count}]", style="bold")
        for place, extra in _forms(where[0], where[1], counter, said):
            line = Text.assemble(place, (tally, "dim"), (SEPARATOR, "dim"), extra)
            if line.cell_len <= width:
                return line
        line = Text.assemble(counter, (SEPARATOR, "dim"), said[-1])
        line.truncate(width, overflow="ellipsis")
        return line

    def _hints(self) -> list[Text]:
        """The key hints that apply now, from the longest form to the bare keys."""
        lang = self.lang

        def keys(*names: str) -> Text:
            parts = [self._repeat() if name == "repeat" else words.say(lang, f"hint.{name}") for name in names]
            return Text("  ".join(part for part in parts if part), style="dim")

        if self.ended:
            return [keys("quit", "back")]
        if self.asking():
            return [keys("type", "check", "skip", "back", "repeat", "help", "quit"),
                    keys("check", "skip", "help", "quit"), Text("Enter  Tab  ?  q", style="dim")]
        if self.state.index < self.frontier:
            return [keys("next", "back", "question", "repeat", "help", "quit"), keys("question", "help", "quit"),
                    Text("→ ← G ? q", style="dim")]
        # passing through steps that are not asked: say how to get to the next question at once
        if not self.quiz.state.question and self.quiz.next_question() is not None:
            return [keys("next", "back", "next_question", "repeat", "help", "quit"),
                    keys("next", "next_question", "quit"), Text("→ Tab ? q", style="dim")]
        return [keys("next", "back", "repeat", "help", "quit"), keys("next", "help", "quit"),
                Text("→ ← ? q", style="dim")]

    def _repeat(self) -> str:
        """`n next /w5` while a search is active."""
        return words.say(self.lang, "hint.repeat", query=self.state.search) if self.state.search else ""

    def closed(self, console: Console) -> None:
        # after the alternate screen is gone, so the score stays on the terminal
        console.print(score_table(self.quiz.state, self.lang))


def _forms(long: Text, short: Text, counter: Text, said: list[Text]) -> list[tuple[Text, Text]]:
    """(position, what is said) from the longest to the shortest: as `run`'s status line, the
    hints shorten before the position does."""
    if len(said) == 3:
        full, some, bare = said
        return [(long, full), (long, some), (short, some), (long, bare), (short, bare), (counter, bare)]
    if len(said) == 2:
        typed, bare = said
        return [(long, typed), (short, typed), (short, bare), (counter, bare)]
    return [(long, said[0]), (short, said[0]), (counter, said[0])]


def quiz_walk(trace: Trace, settings: Settings, console: Console, phases: tuple[str, ...], start: int = 0,
              read_key: ReadKey | None = None, frames: Sequence[Frame] | None = None) -> int:
    """Run the quiz on the terminal until its end or a quit, then print the score.

    Args:
        trace: the traced walk-through.
        settings: digits, language and style (scalar: a step a question; matrix, delta: a frame).
        console: the terminal's console.
        phases: the phases asked.
        start: the frame to open at, 0-based.
        read_key: returns the next key name; by default keys are read from standard input.
        frames: the frames shown (default: those of `settings.style`).

    Returns:
        The exit status: 0 after the end or q; 130 after Ctrl-C or SIGINT.
    """
    return key_loop(QuizSession(trace, settings, phases, start, frames), console, read_key)
