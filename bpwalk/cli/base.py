"""The typer app and what every command shares: one-line errors, loading a scenario, --round."""

# No `from __future__ import annotations` here: typer reads these signatures at every launch,
# and real annotations spare it evaluating each one from a string (tests/test_startup.py).

from typing import NoReturn, Optional

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


def fail(err: BpwalkError) -> NoReturn:
    """Print a user error on one line (no traceback) and exit with its status."""
    typer.echo(f"bpwalk: error: {err}", err=True)
    raise typer.Exit(code=err.exit_code)


def load(name: Optional[str]):
    """Resolve a scenario argument (file, built-in name or prefix) and load it."""
    from bpwalk.read import load_scenario
    from bpwalk.read.builtin import resolve

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


OVERVIEW = """\
bpwalk walks through backpropagation one equation at a time, with real numbers:
a small network, its weights and one input, then every forward value, the loss,
every chain-rule factor, every gradient and every updated weight, written out
with the numbers substituted.

Start with:
  run      walk through a scenario, one step a keypress (? lists the keys)
  quiz     the same walk-through, but you type each result
  export   write it as Markdown, HTML, LaTeX, slides or JSON
  new      write a scenario file of your own network to edit
  check    find the mistakes in the numbers of a worked example

For example:
  bpwalk run mazur
  bpwalk export mazur -o mazur.html
  bpwalk check my.yaml

bpwalk --help lists every command, bpwalk COMMAND --help its options,
bpwalk list the built-in scenarios and bpwalk docs the scenario format.
"""


@app.callback(invoke_without_command=True)
def main_options(
    ctx: typer.Context,
    version: bool = typer.Option(False, "--version", callback=version_callback, is_eager=True,
                                 help="Show the version and exit."),
) -> None:
    """Walk through backpropagation one equation at a time, with real numbers."""
    if ctx.invoked_subcommand is None:
        # a newcomer's first try: what bpwalk is and where to start, not "Missing command"
        typer.echo(OVERVIEW, nl=False)
        raise typer.Exit()
