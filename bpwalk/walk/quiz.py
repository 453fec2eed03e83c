"""The quiz: the walk-through, but the student types each result before it is shown.

Pure logic, no terminal: which steps are asked, how a typed answer is graded, and the state
of a quiz (which step, first or second try, the score per phase). `bpwalk.tui.quiz_app`
draws it and reads the keys; tests drive it with plain strings.

A quiz goes through the steps in the order its frames show them (`order`): one step at a time
in the scalar style; in the matrix and delta styles a frame's steps are asked in turn. Moving
ahead of the current question (`skip_to`) leaves the questions passed over unanswered: they
count as skipped, apart from the score.

Grading follows the digits the student chose to type: an answer is right when it is within
half a unit of its last digit of the exact value, i.e. when it is the value correctly rounded
to that many decimals ("0.593" and "0.5933" for 0.59326999; not "0.5932").

A wrong answer is diagnosed before the hint: run through `bpwalk check`'s mistake models
(`bpwalk.check.diagnose`), with the answers given so far, the simplest single mistake that
gives it at the digits typed is said ("sign flipped", "the ½ of the squared error dropped").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import Literal, Sequence

from bpwalk.check.diagnose import Answer, diagnose
from bpwalk.errors import BpwalkError
from bpwalk.engine.steps import Step, Trace
from bpwalk.formula.notation import Notation

ASKABLE: tuple[str, ...] = ("forward", "loss", "backward", "update")    # intro and summary never are
MIN_DIGITS = 3            # significant digits an answer needs, unless it is the exact value
EXACT = 1e-9              # relative difference below which a short answer is the value itself
# what a pasted minus may be: U+2212 (the minus the formulas print), the hyphens and dashes
# that word processors and web pages put in its place, small and full-width hyphen-minus
MINUS_SIGNS = str.maketrans({c: "-" for c in "\u2212\u2010\u2011\u2012\u2013\ufe63\uff0d"})
NUMBER = re.compile(r"([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?")

Verdict = Literal["right", "wrong", "too_short", "unreadable"]
Outcome = Literal["first", "second", "missed"]
Mark = Literal["first", "second", "missed", "skipped"]     # how a question ended, skipped included


def parse_phases(text: str) -> tuple[str, ...]:
    """The phases a `--phases` value names, in walk-through order.

    Args:
        text: comma-separated phase names, e.g. "backward,update".

    Returns:
        The phases, each once, in the order of `ASKABLE`.

    Raises:
        BpwalkError: a name is not one of forward, loss, backward, update, or none is given.
    """
    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    if not names:
        raise BpwalkError(f"--phases: expected one or more of {', '.join(ASKABLE)}; found nothing")
    unknown = [name for name in names if name not in ASKABLE]
    if unknown:
        raise BpwalkError(f"--phases: expected {', '.join(ASKABLE)} (comma-separated); "
                          f"found {', '.join(repr(n) for n in unknown)}")
    return tuple(phase for phase in ASKABLE if phase in names)


def is_question(step: Step, phases: tuple[str, ...]) -> bool:
    """Whether the quiz asks for this step's result: a step of `phases` with a number to type.

    Every step of those phases has one (keyed quantities like net.h1 and the chain-rule
    factors between them alike); intro and summary have none.
    """
    return step.phase in phases and step.value is not None and math.isfinite(step.value)


def question_steps(trace: Trace, phases: tuple[str, ...] = ASKABLE) -> frozenset[int]:
    """Indices (into `trace.steps`) of the steps the quiz asks."""
    return frozenset(step.index for step in trace.steps if is_question(step, phases))


@dataclass(frozen=True)
class Grade:
    """How one typed answer compares with the exact value.

    `too_short` and `unreadable` do not count as a try: the student is asked again.
    """

    verdict: Verdict
    typed: float | None = None        # the number read from the answer
    digits: int = 0                   # significant digits typed
    tolerance: float | None = None    # half a unit of the last digit typed

    @property
    def counts(self) -> bool:
        """Whether this answer uses up a try (it was a number with enough digits)."""
        return self.verdict in ("right", "wrong")


def read_number(text: str) -> tuple[float, int, float] | None:
    """(value, significant digits, half a unit of the last digit) of a typed number, or None.

    "0.0381" has 3 significant digits (leading zeros do not count, trailing ones do) and a
    tolerance of 0.00005; "4.39e-4" has 3 and 0.0000005; "12" has 2 and 0.5.
    """
    cleaned = "".join(text.split()).translate(MINUS_SIGNS)
    match = NUMBER.fullmatch(cleaned)
    if match is None:
        return None
    _, whole, fraction, exponent = match.groups()
    fraction = fraction or ""
    if not whole and not fraction:
        return None                   # "", "-", ".", "e5"
    significant = len((whole + fraction).lstrip("0"))
    # the last digit typed is worth 10^(exponent - decimals): "1.25e-3" ends at 10^-5
    last_digit = int(exponent or 0) - len(fraction)
    try:
        value = float(cleaned)
    except OverflowError:             # pragma: no cover - float() returns inf rather than raising
        return None
    if not math.isfinite(value) or abs(last_digit) > 400:
        return None
    return value, significant, 0.5 * 10.0 ** last_digit


def grade(answer_text: str, value: float) -> Grade:
    """Grade a typed answer against a step's exact value.

    Args:
        answer_text: what the student typed: "0.593", "-0.0381", "−0.0381", ".5", "1e-3".
        value: the step's value at full precision.

    Returns:
        right when the answer is within half a unit of its last digit of `value` and has at
        least 3 significant digits (a shorter answer is right only when it is exactly the
        value, as "0.35" or "2.1" can be); too_short for a shorter answer that is not; wrong
        otherwise; unreadable when it is not a number.
    """
    read = read_number(answer_text)
    if read is None:
        return Grade("unreadable")
    typed, digits, tolerance = read
    if digits < MIN_DIGITS:
        # a short answer is fine when it is the whole value (0.35), never as a rough guess
        exact = math.isclose(typed, value, rel_tol=EXACT, abs_tol=0.0)
        return Grade("right" if exact else "too_short", typed, digits, tolerance)
    # allow for the float error of the subtraction itself: 0.378 - 0.3775 is 0.0005000000000000004
    slack = max(tolerance * EXACT, 4 * math.ulp(max(abs(typed), abs(value))))
    right = abs(typed - value) <= tolerance + slack
    return Grade("right" if right else "wrong", typed, digits, tolerance)


@dataclass(frozen=True)
class Score:
    """One phase's score: questions answered, how each ended, and those skipped (not answered)."""

    asked: int = 0
    first: int = 0        # right at the first try
    second: int = 0       # right at the second try
    skipped: int = 0      # passed over without an answer: not among the asked

    @property
    def missed(self) -> int:
        return self.asked - self.first - self.second

    def plus(self, outcome: Mark) -> "Score":
        if outcome == "skipped":
            return replace(self, skipped=self.skipped + 1)
        return Score(self.asked + 1, self.first + (outcome == "first"), self.second + (outcome == "second"),
                     self.skipped)


@dataclass(frozen=True)
class QuizState:
    """Where a quiz is: the step, which try, whether the result is shown, the score so far."""

    step: int                             # 0-based index into Trace.steps
    question: bool                        # whether this step is asked (else it is only shown)
    scores: tuple[tuple[str, Score], ...]  # per asked phase, in walk-through order
    attempt: int = 1                      # 1, or 2 after a wrong first answer
    revealed: bool = False                # the result is shown: answered, missed, or not asked
    outcome: Outcome | None = None        # how this step's question ended
    tries: tuple[str, ...] = ()           # the answers that counted, as typed
    finished: bool = False                # moved past the last step
    diagnosis: str | None = None          # the mistake the last wrong answer shows, if one does

    @property
    def waiting(self) -> bool:
        """Whether the quiz waits for an answer to this step."""
        return self.question and not self.revealed and not self.finished

    def score(self, phase: str) -> Score:
        return dict(self.scores).get(phase, Score())

    def total(self) -> Score:
        """The score over every phase."""
        parts = [score for _, score in self.scores]
        return Score(sum(s.asked for s in parts), sum(s.first for s in parts), sum(s.second for s in parts),
                     sum(s.skipped for s in parts))


def at_step(state: QuizState, step: int, question: bool) -> QuizState:
    """The state on arriving at `step`: a first try, nothing revealed unless it is not asked."""
    return replace(state, step=step, question=question, attempt=1, revealed=not question, outcome=None, tries=(),
                   diagnosis=None)


def answered(state: QuizState, result: Grade, text: str, phase: str) -> QuizState:
    """The state after one graded answer to the current question.

    Right: revealed, scored as first or second try. Wrong at the first try: the second try
    (the hint is shown). Wrong at the second: revealed and scored as missed. An answer that
    does not count (too short, not a number) changes nothing.
    """
    if not state.waiting or not result.counts:
        return state
    tries = state.tries + (text.strip(),)
    if result.verdict == "wrong" and state.attempt == 1:
        return replace(state, attempt=2, tries=tries)
    outcome: Outcome = "missed" if result.verdict == "wrong" else "first" if state.attempt == 1 else "second"
    scores = tuple((p, s.plus(outcome) if p == phase else s) for p, s in state.scores)
    return replace(state, revealed=True, outcome=outcome, tries=tries, scores=scores)


def answer_of(step: Step, text: str) -> Answer:
    """A typed answer to a step, as the check names the step's quantity (its key, else the
    quantity itself: the chain-rule factors have no key of the scenario format)."""
    key = step.key or (step.quantity if step.iteration is not None else f"final.{step.quantity}")
    typed = "".join(text.split()).translate(MINUS_SIGNS)
    return Answer(key, step.iteration or 1, step.sample, typed, step.batch)


class Quiz:
    """A quiz over a trace: holds the current `QuizState` and applies answers and moves.

    Args:
        trace: the traced walk-through.
        phases: the phases asked (default: all four).
        start: 0-based step to open at (clamped into range).
        order: the steps in the order they are shown (default: the trace's); `start` and every
            move name steps of it.
        lang: the language a wrong answer's diagnosis is said in.
    """

    def __init__(self, trace: Trace, phases: tuple[str, ...] = ASKABLE, start: int = 0,
                 order: Sequence[int] | None = None, lang: str = "en") -> None:
        self.scenario = trace.scenario
        self.trace = trace
        self.lang = lang
        self.answers: dict[int, str] = {}          # the last answer that counted, per question settled
        # quantity key -> its notation, and the pattern of those keys, once a cause needs them
        self._names: tuple[dict[str, str], re.Pattern[str]] | None = None
        self.steps = trace.steps
        self.phases = phases
        self.questions = question_steps(trace, phases)
        self.order = tuple(range(len(self.steps))) if order is None else tuple(order)
        self.position_of = {step: position for position, step in enumerate(self.order)}
        first = min(max(start, 0), len(self.steps) - 1)
        self.position = self.position_of[first]
        self.marks: dict[int, Mark] = {}          # how each question settled so far ended
        self.state = QuizState(first, first in self.questions, tuple((p, Score()) for p in phases),
                               revealed=first not in self.questions)

    @property
    def current(self) -> Step:
        return self.steps[self.state.step]

    def answer(self, text: str) -> Grade:
        """Grade `text` as the answer to the current question and update the state."""
        step = self.current
        if not self.state.waiting or step.value is None:
            return Grade("unreadable")
        result = grade(text, step.value)
        self.state = answered(self.state, result, text, step.phase)
        if result.counts:
            said = self.diagnosis(step, text) if result.verdict == "wrong" else None
            self.state = replace(self.state, diagnosis=said)
        if self.state.outcome is not None:
            self.marks[step.index] = self.state.outcome
            self.answers[step.index] = text.strip()
        return result

    def diagnosis(self, step: Step, text: str) -> str | None:
        """The mistake that gives `text` as the answer to `step`, in the quiz's language, or None.

        The answers settled before it are the student's own numbers, which a later one may be
        carried from; they are given in the order asked.
        """
        earlier = [answer_of(self.steps[i], typed) for i, typed in
                   sorted(self.answers.items(), key=lambda item: self.position_of.get(item[0], -1))]
        found = diagnose(self.scenario, answer_of(step, text), earlier, self.lang, step, self.trace,
                         self.trace.settings.rounding)
        return None if found is None else self._named(found.cause)

    def _named(self, cause: str) -> str:
        """A cause with the quantities check names by key (out.h2, grad.w7) written as the quiz
        writes them (out_h2, ∂E_total/∂w₇)."""
        if self._names is None:
            notation = Notation.of(self.scenario)
            # only keys with a dot: "loss" is also a word of the causes' prose
            keys = sorted({s.quantity for s in self.steps if s.value is not None and s.iteration is not None
                           and "." in s.quantity}, key=len, reverse=True)
            names = {key: notation.text(key) for key in keys}
            self._names = names, re.compile(r"(?<![\w.@])(" + "|".join(map(re.escape, keys)) + r")(?![\w.@])")
        names, pattern = self._names
        return pattern.sub(lambda m: names[m.group(1)], cause) if names else cause

    def advance(self) -> bool:
        """Move on from a revealed step; False (and `finished`) after the last one."""
        state = self.state
        if not state.revealed or state.finished:
            return False
        if self.position == len(self.order) - 1:
            self.state = replace(state, finished=True)
            return False
        self._arrive(self.position + 1)
        return True

    def next_question(self) -> int | None:
        """The next step after the current one that the quiz asks (None when none is left)."""
        return next((step for step in self.order[self.position + 1:] if step in self.questions), None)

    def skip_to(self, step: int) -> int:
        """Move ahead to `step`; every question passed over unanswered (the current one too, if
        it waits) counts as skipped. Returns how many were skipped (0 for a step not ahead)."""
        target = self.position_of[step]
        if target <= self.position:
            return 0
        skipped = 0
        for passed in self.order[self.position:target]:
            if passed in self.questions and passed not in self.marks:
                self.marks[passed] = "skipped"
                phase = self.steps[passed].phase
                scores = tuple((p, s.plus("skipped") if p == phase else s) for p, s in self.state.scores)
                self.state = replace(self.state, scores=scores)
                skipped += 1
        self._arrive(target)
        return skipped

    def _arrive(self, position: int) -> None:
        self.position = position
        step = self.order[position]
        self.state = at_step(self.state, step, step in self.questions)
