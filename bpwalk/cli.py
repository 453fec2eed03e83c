"""The `bpwalk` command: a thin layer over the library (load, trace, render, export)."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import List, NoReturn, Optional

import typer

from bpwalk.errors import BpwalkError

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
    json = "json"


def fail(err: BpwalkError) -> NoReturn:
    """Print a user error on one line (no traceback) and exit with its status."""
    typer.echo(f"bpwalk: error: {err}", err=True)
    raise typer.Exit(code=err.exit_code)


def load(name: Optional[str]):
    """Resolve a scenario argument (file, built-in name or prefix) and load it."""
    from bpwalk.builtin import resolve
    from bpwalk.scenario import load_scenario

    return load_scenario(resolve(name))


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
    from bpwalk.builtin import builtin_paths
    from bpwalk.scenario import load_scenario

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
    start: int = typer.Option(1, "--start", min=1, help="Open at step N."),
    iterations: Optional[int] = typer.Option(None, "--iterations", min=1, max=1_000_000,
                                             help="Override the scenario's number of iterations."),
    precision: Optional[int] = typer.Option(None, "--precision", min=1, max=17, help="Significant digits shown."),
    style: Optional[Style] = typer.Option(None, "--style", help="Display style (default: the scenario's)."),
    lang: Optional[Lang] = typer.Option(None, "--lang", help="Language of the labels (default: the scenario's)."),
) -> None:
    """Walk through a scenario one step at a time."""
    from bpwalk.trace import run as trace_run

    try:
        sc = load(scenario)
        trace = trace_run(sc, iterations)
    except BpwalkError as err:
        fail(err)
    from rich.console import Console

    from bpwalk.render.terminal import StepView

    console = Console()
    digits = precision or sc.display.precision
    language = (lang.value if lang else sc.display.lang)
    for step in trace.steps[start - 1:]:
        console.print(StepView(trace, step, digits, language))
        console.print()


@app.command()
def validate(files: List[Path] = typer.Argument(..., help="Scenario files to check.")) -> None:
    """Check scenario files and say what is wrong with them, or that they are fine."""
    from bpwalk.scenario import load_scenario

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

    from bpwalk.schema import json_schema

    typer.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))


@app.command()
def export(
    scenario: Optional[str] = typer.Argument(None, help="A scenario file, or a built-in name (default: mazur)."),
    fmt: Optional[Format] = typer.Option(None, "--format", "-f", help="Output format (default: from -o's extension, else json)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file (default: standard output)."),
    iterations: Optional[int] = typer.Option(None, "--iterations", min=1, max=1_000_000,
                                             help="Override the scenario's number of iterations."),
    precision: Optional[int] = typer.Option(None, "--precision", min=1, max=17,
                                            help="Significant digits of the numbers inside formulas."),
) -> None:
    """Write the transcript of a walk-through (JSON: every number at full precision)."""
    from bpwalk.export.files import write_atomic
    from bpwalk.export.json_ import to_json
    from bpwalk.trace import run as trace_run

    chosen = fmt.value if fmt else (output.suffix.lstrip(".").lower() if output and output.suffix else "json")
    if chosen != "json":
        fail(BpwalkError(f"unknown export format '{chosen}'; available: json"))
    try:
        trace = trace_run(load(scenario), iterations)
        text = to_json(trace, precision)
        if output is None:
            sys.stdout.write(text)
        else:
            write_atomic(output, text)
            typer.echo(f"wrote {output}", err=True)
    except BpwalkError as err:
        fail(err)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("", err=True)
        sys.exit(130)
