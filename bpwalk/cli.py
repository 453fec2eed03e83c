"""The `bpwalk` command: a thin layer over the library (load, trace, render, export)."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import List, NoReturn, Optional

import typer

from bpwalk.errors import BpwalkError
from bpwalk.ops import LOSSES, either
from bpwalk.read.newfile import HIDDEN, OUTPUTS

app = typer.Typer(
    add_completion=False,
    no_args_is_help=False,
    help="Walk through backpropagation one equation at a time, with real numbers.",
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


class Style(str, Enum):
    scalar = "scalar"
    matrix = "matrix"
    delta = "delta"


class Lang(str, Enum):
    en = "en"
    zh = "zh"


class Format(str, Enum):
    md = "md"
    html = "html"
    txt = "txt"
    svg = "svg"
    json = "json"


def fail(err: BpwalkError) -> NoReturn:
    """Print a user error on one line (no traceback) and exit with its status."""
    typer.echo(f"bpwalk: error: {err}", err=True)
    raise typer.Exit(code=err.exit_code)


def load(name: Optional[str]):
    """Resolve a scenario argument (file, built-in name or prefix) and load it."""
    from bpwalk.read.builtin import resolve
    from bpwalk.read import load_scenario

    return load_scenario(resolve(name))


def rounder_for(decimals: Optional[int]):
    """The engine's textbook rounding for --round N (None: full precision)."""
    if decimals is None:
        return None
    from bpwalk.engine.passes import decimal_rounder

    return decimal_rounder(decimals)


def version_callback(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"bpwalk {version('bpwalk')}")
        except PackageNotFoundError:
            typer.echo("bpwalk (not installed)")
        raise typer.Exit()


@app.callback()
def main_options(
    version: bool = typer.Option(False, "--version", callback=version_callback, is_eager=True,
                                 help="Show the version and exit."),
) -> None:
    """Walk through backpropagation one equation at a time, with real numbers."""


@app.command("list")
def list_cmd() -> None:
    """List the built-in scenarios (use the name, or any unique prefix, with run and export)."""
    from bpwalk.read.builtin import builtin_paths
    from bpwalk.read import load_scenario

    for path in builtin_paths():
        try:
            title = load_scenario(path).title
        except BpwalkError as err:
            title = f"(invalid: {err})"
        typer.echo(f"{path.stem:<22} {title}")


@app.command()
def run(
    scenario: Optional[str] = typer.Argument(None, help="A scenario file, or a built-in name (default: mazur)."),
    all_steps: bool = typer.Option(False, "--all", help="Print every step in order, without waiting for keys."),
    start: int = typer.Option(1, "--start", min=1,
                              help="Open at step N (1-based). A number past the last step is an error (exit 2)."),
    iterations: Optional[int] = typer.Option(None, "--iterations", min=1, max=1_000_000,
                                             help="Override the scenario's number of iterations."),
    precision: Optional[int] = typer.Option(None, "--precision", min=1, max=17, help="Significant digits shown."),
    style: Optional[Style] = typer.Option(None, "--style", help="Display style (default: the scenario's)."),
    lang: Optional[Lang] = typer.Option(None, "--lang", help="Language of the labels (default: the scenario's)."),
    rounding: Optional[int] = typer.Option(None, "--round", min=0, max=15,
                                           help="Round every intermediate to N decimals, as a hand calculation does."),
) -> None:
    """Walk through a scenario one step at a time.

    On a terminal: Right, Space or Enter for the next step, Left or Backspace to go back,
    g/G for the first/last step, ] and [ for the next/previous phase, a number and Enter to
    go to that step, / and a name (w5, out_o1, delta) to search, n to repeat the search,
    ? for every key, q or Esc to quit.

    When the output is not a terminal (a pipe or a file), or with --all, every step is
    printed in order instead. NO_COLOR turns colours off.
    """
    from bpwalk.engine.trace import run as trace_run

    try:
        sc = load(scenario)
        trace = trace_run(sc, iterations, rounder=rounder_for(rounding))
    except BpwalkError as err:
        fail(err)
    from rich.console import Console

    from bpwalk.tui.app import print_all, walk
    from bpwalk.walk.frames import frames_for
    from bpwalk.render.views import Settings

    chosen = style.value if style else sc.display.style
    frames = frames_for(trace, chosen)
    if start > len(frames):
        fail(BpwalkError(f"--start {start}: this walk-through has {len(frames)} steps"))
    settings = Settings(digits=precision or sc.display.precision, lang=lang.value if lang else sc.display.lang,
                        style=chosen, rounding=rounding)
    console = Console()
    if all_steps or not (sys.stdin.isatty() and sys.stdout.isatty()):
        print_all(trace, frames, settings, console, start - 1)    # (rich exits 1 quietly on `| head`)
        return
    raise typer.Exit(code=walk(trace, frames, settings, console, start - 1))


@app.command()
def validate(files: List[Path] = typer.Argument(..., help="Scenario files to check.")) -> None:
    """Check scenario files and say what is wrong with them, or that they are fine."""
    from bpwalk.read import load_scenario

    bad = 0
    for path in files:
        try:
            sc = load_scenario(path)
        except BpwalkError as err:
            bad += 1
            typer.echo(f"{err}", err=True)
            continue
        typer.echo(f"{path}: ok ({sc.title})")
    if bad:
        raise typer.Exit(code=2)


@app.command()
def schema() -> None:
    """Print a JSON Schema of the scenario format (for editor completion and checks)."""
    import json

    from bpwalk.read.schema import json_schema

    typer.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))


@app.command()
def export(
    scenario: Optional[str] = typer.Argument(None, help="A scenario file, or a built-in name (default: mazur)."),
    fmt: Optional[Format] = typer.Option(None, "--format", "-f",
                                         help="md, html, txt, svg or json (default: from -o's extension, else json)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file (default: standard output)."),
    iterations: Optional[int] = typer.Option(None, "--iterations", min=1, max=1_000_000,
                                             help="Override the scenario's number of iterations."),
    precision: Optional[int] = typer.Option(None, "--precision", min=1, max=17,
                                            help="Significant digits shown (JSON values keep full precision)."),
    style: Optional[Style] = typer.Option(None, "--style", help="Display style for txt and svg (default: the scenario's)."),
    lang: Optional[Lang] = typer.Option(None, "--lang", help="Language of the labels (default: the scenario's)."),
    rounding: Optional[int] = typer.Option(None, "--round", min=0, max=15,
                                           help="Round every intermediate to N decimals, as a hand calculation does."),
) -> None:
    """Write the transcript of a walk-through as Markdown, HTML, text, SVG or JSON.

    The file is written atomically: an error or Ctrl-C never leaves a partial file behind.
    """
    from bpwalk.export import format_for, render
    from bpwalk.export.files import write_atomic
    from bpwalk.engine.trace import run as trace_run

    try:
        chosen = format_for(output, fmt.value if fmt else None)
        trace = trace_run(load(scenario), iterations, rounder=rounder_for(rounding))
        text = render(trace, chosen, precision, lang.value if lang else None, style.value if style else None,
                      rounding)
        if output is None:
            sys.stdout.write(text)
        else:
            write_atomic(output, text)
            typer.echo(f"wrote {output}", err=True)
    except BpwalkError as err:
        fail(err)


@app.command()
def train(
    scenario: Optional[str] = typer.Argument(None, help="A scenario file, or a built-in name (default: mazur)."),
    iterations: Optional[int] = typer.Option(None, "--iterations", "-n", min=1, max=1_000_000,
                                             help="How many iterations (default: the scenario's)."),
    every: Optional[int] = typer.Option(None, "--every", min=1, help="Also show a snapshot every K iterations."),
    precision: Optional[int] = typer.Option(None, "--precision", min=1, max=17, help="Significant digits shown."),
) -> None:
    """Train for many iterations without the walk-through: loss curve, outputs, parameters."""
    import time

    from rich.console import Console

    from bpwalk.render.train_view import TrainReport
    from bpwalk.engine.train import train as run_training

    console = Console()
    try:
        sc = load(scenario)
        count = iterations or sc.iterations
        start = time.perf_counter()
        if count >= 20_000 and console.is_terminal:
            from rich.progress import Progress

            with Progress(transient=True, console=console) as bar:
                task = bar.add_task("training", total=count)
                result = run_training(sc, count, every, progress=lambda done: bar.update(task, completed=done))
        else:
            result = run_training(sc, count, every)
        seconds = time.perf_counter() - start
    except BpwalkError as err:
        fail(err)
    console.print(TrainReport(result, precision or min(sc.display.precision, 6), seconds))


@app.command()
def new(
    file: Optional[Path] = typer.Argument(None, help="Write the scenario here (default: standard output)."),
    layers: str = typer.Option("2,2,2", "--layers", help="Units per layer, inputs first: 2,3,1."),
    activation: str = typer.Option("sigmoid", "--activation", help=f"Hidden layers' activation: {either(HIDDEN)}."),
    output: Optional[str] = typer.Option(
        None, "--output", help=f"Output layer's activation (default: fits the loss): {either(OUTPUTS)}."),
    loss: str = typer.Option("half_sse", "--loss", help=f"{either(tuple(LOSSES))}."),
    samples: int = typer.Option(1, "--samples", help="How many samples."),
    seed: int = typer.Option(1, "--seed", help="Seed of the random weights, inputs and targets."),
    bias: str = typer.Option("shared", "--bias", help="none, shared or per_unit."),
    learning_rate: float = typer.Option(0.5, "--learning-rate", help="The learning rate."),
    title: Optional[str] = typer.Option(None, "--title", help="The scenario's title."),
    force: bool = typer.Option(False, "--force", help="Replace FILE if it exists."),
) -> None:
    """Write a new scenario with random weights, commented so that it is easy to edit."""
    from bpwalk.read.newfile import NewOptions, new_scenario_text

    try:
        counts = tuple(int(part) for part in layers.replace(" ", "").split(","))
    except ValueError:
        fail(BpwalkError(f"--layers: expected counts separated by commas, like 2,3,1; found '{layers}'"))
    try:
        text = new_scenario_text(NewOptions(counts, activation, output, loss, samples, seed, bias, learning_rate, title))
        if file is None:
            sys.stdout.write(text)
            return
        if file.exists() and not force:
            raise BpwalkError(f"{file}: exists already; choose another name or add --force")
        from bpwalk.export.files import write_atomic

        write_atomic(file, text)
        typer.echo(f"wrote {file}: try `bpwalk run {file}`", err=True)
    except BpwalkError as err:
        fail(err)


@app.command()
def quiz(
    scenario: Optional[str] = typer.Argument(None, help="A scenario file, or a built-in name (default: mazur)."),
    phases: str = typer.Option("forward,loss,backward,update", "--phases",
                               help="The phases asked, comma-separated (e.g. backward,update)."),
    precision: Optional[int] = typer.Option(None, "--precision", min=1, max=17, help="Significant digits shown."),
    lang: Optional[Lang] = typer.Option(None, "--lang", help="Language of the labels (default: the scenario's)."),
    iterations: Optional[int] = typer.Option(None, "--iterations", min=1, max=1_000_000,
                                             help="Override the scenario's number of iterations."),
    start: int = typer.Option(1, "--start", min=1, help="Open at step N (1-based)."),
) -> None:
    """Quiz yourself: the walk-through, but you type each result before it is shown.

    An answer is right within half a unit of its last digit (give at least 3 significant
    digits). A wrong one shows the formula with the numbers filled in and gives a second try,
    then the answer. The score per phase is printed at the end, or when you quit (q).

    When standard input or output is not a terminal, answers are read one a line and the
    questions printed as plain text: printf '0.3775\\n' | bpwalk quiz mazur --phases forward
    """
    from bpwalk.walk.quiz import parse_phases
    from bpwalk.engine.trace import run as trace_run

    try:
        asked = parse_phases(phases)
        sc = load(scenario)
        trace = trace_run(sc, iterations)
        if start > len(trace.steps):
            raise BpwalkError(f"--start {start}: this walk-through has {len(trace.steps)} steps")
    except BpwalkError as err:
        fail(err)
    from rich.console import Console

    from bpwalk.tui.quiz_app import quiz_lines, quiz_walk
    from bpwalk.render.views import Settings

    settings = Settings(digits=precision or sc.display.precision, lang=lang.value if lang else sc.display.lang,
                        style="scalar")
    console = Console()
    if sys.stdin.isatty() and sys.stdout.isatty():
        raise typer.Exit(code=quiz_walk(trace, settings, console, asked, start - 1))
    raise typer.Exit(code=quiz_lines(trace, settings, console, asked, start - 1, echo=not sys.stdin.isatty()))


@app.command()
def check(
    scenario: Optional[str] = typer.Argument(None, help="A scenario file, or a built-in name (default: mazur)."),
    as_json: bool = typer.Option(False, "--json", help="Print the verdicts as a JSON list, for scripts and CI."),
    rounding: Optional[int] = typer.Option(None, "--round", min=0, max=15,
                                           help="Round every intermediate to N decimals before comparing."),
) -> None:
    """Compare every number the document printed (expect:) with the computed one.

    Each number is checked at the precision it was printed (0.1386 to 4 decimals). A number
    that does not agree is explained where the cause can be found: a rounded number carried
    forward, a sign flip, the ½ or the 2 of the squared error dropped, σ′ applied to the wrong
    value, gradients from updated weights, swapped indices, a slipped decimal point, the value
    of another step, or a wrong number carried from earlier. Exit status 0 when every number
    agrees, 1 when any does not, 2 when the scenario cannot be read.
    """
    from bpwalk.check.audit import check as check_scenario

    try:
        sc = load(scenario)
        verdicts = check_scenario(sc, rounding)
    except BpwalkError as err:
        fail(err)
    if as_json:
        import json

        typer.echo(json.dumps([v.as_dict() for v in verdicts], indent=2, ensure_ascii=False))
    else:
        from rich.console import Console

        from bpwalk.render.check_view import CheckReport

        Console().print(CheckReport(verdicts, sc.title))
    raise typer.Exit(code=0 if all(v.agrees for v in verdicts) else 1)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("", err=True)
        sys.exit(130)
