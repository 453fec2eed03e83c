"""`bpwalk run` and `bpwalk quiz`: the walk-through on a terminal, or printed in order."""

# No `from __future__ import annotations` here: typer reads these signatures at every launch,
# and real annotations spare it evaluating each one from a string (tests/test_startup.py).

import sys

import typer

from bpwalk.formula.numbers import shown_digits
from bpwalk.cli.base import app, fail, load
from bpwalk.cli.options import (Iterations, LangOption, Precision, Rounding, ScenarioArg, Start, StyleOption,
                                chosen)
from bpwalk.errors import BpwalkError


@app.command(short_help="Walk through a scenario, one step a keypress.")
def run(
    scenario: ScenarioArg = None,
    all_steps: bool = typer.Option(False, "--all", help="Print every step in order, without waiting for keys."),
    start: Start = 1,
    iterations: Iterations = None,
    precision: Precision = None,
    style: StyleOption = None,
    lang: LangOption = None,
    rounding: Rounding = None,
) -> None:
    """Walk through a scenario one step at a time.

    On a terminal: Right, Space or Enter for the next step, Left or Backspace to go back,
    g/G for the first/last step, ] and [ for the next/previous phase, a number and Enter to
    go to that step, / and a name (w5, out_o1, delta) to search, n for its next match,
    ? for every key, q to quit (Esc closes the help or a prompt).

    When the output is not a terminal (a pipe or a file), or with --all, every step is
    printed in order instead. NO_COLOR turns colours off.
    """
    from bpwalk.engine.trace import run as trace_run

    try:
        sc = load(scenario)
        trace = trace_run(sc, iterations, rounding=rounding)
    except BpwalkError as err:
        fail(err)
    from rich.console import Console

    from bpwalk.render.views import Settings
    from bpwalk.tui.app import print_all, walk
    from bpwalk.walk.styles import frames_for

    shown = chosen(style) or sc.display.style
    frames = frames_for(trace, shown)
    if start > len(frames):
        fail(BpwalkError(f"--start {start}: this walk-through has {len(frames)} steps"))
    settings = Settings(digits=shown_digits(precision or sc.display.precision, rounding), lang=chosen(lang) or sc.display.lang,
                        style=shown)
    # emoji=False: the views never write :emoji: codes, and looking for them costs the first
    # screen the import of rich's emoji table (export/console.py does the same)
    console = Console(emoji=False)
    if all_steps or not (sys.stdin.isatty() and sys.stdout.isatty()):
        print_all(trace, frames, settings, console, start - 1)    # (rich exits 1 quietly on `| head`)
        return
    raise typer.Exit(code=walk(trace, frames, settings, console, start - 1))


@app.command(short_help="The walk-through, but you type each result.")
def quiz(
    scenario: ScenarioArg = None,
    phases: str = typer.Option("forward,loss,backward,update", "--phases",
                               help="The phases asked, comma-separated (e.g. backward,update)."),
    start: Start = 1,
    iterations: Iterations = None,
    precision: Precision = None,
    style: StyleOption = None,
    lang: LangOption = None,
    rounding: Rounding = None,
) -> None:
    """Quiz yourself: the walk-through, but you type each result before it is shown.

    An answer is right within half a unit of its last digit (give at least 3 significant
    digits). A wrong one shows the formula with the numbers filled in and gives a second try,
    then the answer. The score per phase is printed at the end, or when you quit (q). With
    --round N every intermediate is rounded to N decimals first, as in a hand calculation,
    and the answers are graded against those numbers. In the matrix and delta styles a
    question is a frame: its results are asked in turn.

    The walk-through's keys work here too. Tab goes to the next question, past the steps
    --phases does not ask; a move past a question (Tab, ], a step number, a search) skips it,
    and the score counts it as skipped. Esc clears the answer or closes a prompt; q quits.

    When standard input or output is not a terminal, answers are read one a line and the
    questions printed as plain text: printf '0.3775\\n' | bpwalk quiz mazur --phases forward
    """
    from bpwalk.engine.trace import run as trace_run
    from bpwalk.walk.quiz import parse_phases
    from bpwalk.walk.styles import frames_for

    try:
        asked = parse_phases(phases)
        sc = load(scenario)
        trace = trace_run(sc, iterations, rounding=rounding)
        shown = chosen(style) or sc.display.style
        frames = frames_for(trace, shown)
        if start > len(frames):
            raise BpwalkError(f"--start {start}: this walk-through has {len(frames)} steps")
    except BpwalkError as err:
        fail(err)
    from rich.console import Console

    from bpwalk.render.views import Settings
    from bpwalk.tui.quiz_app import quiz_walk
    from bpwalk.tui.quiz_lines import quiz_lines

    settings = Settings(digits=shown_digits(precision or sc.display.precision, rounding), lang=chosen(lang) or sc.display.lang,
                        style=shown)
    console = Console(emoji=False)             # as for run
    if sys.stdin.isatty() and sys.stdout.isatty():
        raise typer.Exit(code=quiz_walk(trace, settings, console, asked, start - 1, frames=frames))
    raise typer.Exit(code=quiz_lines(trace, settings, console, asked, start - 1, echo=not sys.stdin.isatty(),
                                     frames=frames))
