"""The commands that read and write files: export, new, validate, schema, list."""

# No `from __future__ import annotations` here: typer reads these signatures at every launch,
# and real annotations spare it evaluating each one from a string (tests/test_startup.py).

import sys
from pathlib import Path
from typing import List, Optional

import typer

from bpwalk.cli.base import app, fail, load
from bpwalk.cli.options import Format, Iterations, LangOption, Precision, Rounding, ScenarioArg, StyleOption, chosen
from bpwalk.errors import BpwalkError
from bpwalk.export import FORMATS, REGISTRY
from bpwalk.ops import LOSSES, either
from bpwalk.read.newfile import HIDDEN, OUTPUTS


EXPORT_HELP = (f"Write the transcript of a walk-through as {', '.join(f.title for f in REGISTRY[:-1])} "
               f"or {REGISTRY[-1].title}.\n\n"
               "A file is replaced atomically (an error or Ctrl-C never leaves a partial one) and keeps its "
               "permissions; a symbolic link is written through and stays a link; a FIFO or a device such "
               "as /dev/stdout is written straight.")


@app.command(help=EXPORT_HELP, short_help="Write the walk-through as Markdown, HTML, LaTeX, slides or JSON.")
def export(
    scenario: ScenarioArg = None,
    fmt: Optional[Format] = typer.Option(None, "--format", "-f",
                                         help=", ".join(FORMATS) + " (default: from -o's extension, else json)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o",
                                          help="Write to this file; - or none: standard output."),
    iterations: Iterations = None,
    precision: Precision = None,
    style: StyleOption = None,
    lang: LangOption = None,
    rounding: Rounding = None,
    fragment: bool = typer.Option(False, "--fragment",
                                  help=f"{', '.join(f.name for f in REGISTRY if f.fragment)}: only the part "
                                       "to \\input into your own document (see README)."),
    steps: Optional[str] = typer.Option(None, "--steps", help="svg: one 16:9 slide per step (13-16, or 1,3,8-10), "
                                                             "written into the folder -o names."),
    theme: Optional[str] = typer.Option(None, "--theme", help="svg: light (the default) or dark, as the terminal shows it."),
) -> None:
    """See EXPORT_HELP (its list of formats comes from the export registry)."""
    from bpwalk.export import format_for, render
    from bpwalk.export.files import is_folder, write_atomic
    from bpwalk.engine.trace import run as trace_run

    try:
        given = chosen(fmt) or ("svg" if steps is not None else None)
        folder = output is not None and str(output) != "-" and is_folder(output)
        fmt_name = "svg" if folder and given == "svg" else format_for(output, given)
        slides = fmt_name == "svg" and (steps is not None or folder)     # one 16:9 picture per step
        if (steps is not None or theme is not None) and fmt_name != "svg":
            raise BpwalkError(f"--steps and --theme are for --format svg, not {fmt_name}")
        trace = trace_run(load(scenario), iterations, rounding=rounding)
        if slides:
            from bpwalk.export.slides import write_slides

            paths = write_slides(trace, output, steps, theme or "light", precision, chosen(lang), chosen(style))
            typer.echo(say_wrote(chosen(lang) or trace.scenario.display.lang, paths), err=True)
            return
        text = render(trace, fmt_name, precision, chosen(lang), chosen(style), fragment, theme=theme or "light")
        if output is None or str(output) == "-":
            sys.stdout.write(text)
        else:
            from bpwalk.words import say

            write_atomic(output, text)
            typer.echo(say(chosen(lang) or trace.scenario.display.lang, "export.wrote", path=output), err=True)
    except BpwalkError as err:
        fail(err)


def say_wrote(lang: str, paths: list) -> str:
    from bpwalk.words import say

    shown = str(paths[0]) if len(paths) == 1 else f"{paths[0]} … {paths[-1].name} ({len(paths)})"
    return say(lang, "export.wrote", path=shown)


@app.command(short_help="Write a new scenario with random weights, ready to edit.")
def new(
    file: Optional[Path] = typer.Argument(None, help="Write the scenario here; - or none: standard output."),
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
        if file is None or str(file) == "-":
            sys.stdout.write(text)
            return
        if file.is_file() and not force:        # a FIFO or a device holds nothing to lose
            raise BpwalkError(f"{file}: exists already; choose another name or add --force")
        from bpwalk.export.files import write_atomic

        write_atomic(file, text)
        typer.echo(f"wrote {file}: try `bpwalk run {file}`", err=True)
    except BpwalkError as err:
        fail(err)


@app.command("list", short_help="List the built-in scenarios.")
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


@app.command(short_help="Check scenario files: say what is wrong, or that they are fine.")
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


@app.command(short_help="Print the scenario format, key by key (docs keys: quantities).")
def docs(topic: str = typer.Argument("scenario", help="scenario: every key of a scenario file; keys: the "
                                                      "quantities that expect entries and check name.")) -> None:
    """Print the scenario format as installed: every key, what it takes, its default and what it means."""
    from bpwalk.read.reference import TOPICS, reference

    if topic not in TOPICS:
        fail(BpwalkError(f"no topic '{topic}'; the topics are {', '.join(TOPICS)}"))
    typer.echo(reference(topic), nl=False)


@app.command(short_help="Print a JSON Schema of the scenario format, for editors.")
def schema() -> None:
    """Print a JSON Schema of the scenario format (for editor completion and checks)."""
    import json

    from bpwalk.read.schema import json_schema

    typer.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))
