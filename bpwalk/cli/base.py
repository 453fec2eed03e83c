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


@app.callback()
def main_options(
    version: bool = typer.Option(False, "--version", callback=version_callback, is_eager=True,
                                 help="Show the version and exit."),
) -> None:
    """Walk through backpropagation one equation at a time, with real numbers."""
