"""The `bpwalk` command: a thin layer over the library (load, trace, render, export).

Each module registers its commands on the one typer app of `base`; the options that several
commands share are defined once in `options`.
"""

from __future__ import annotations

import sys

import typer

from bpwalk.cli import show, files, compute  # noqa: F401, I001  (they register the commands, in this order)
from bpwalk.cli.base import app, fail, load

__all__ = ["app", "fail", "load", "main"]


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("", err=True)
        sys.exit(130)
