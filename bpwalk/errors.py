"""The errors a user can cause, and where in a file they happened.

The CLI catches `BpwalkError` only: anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Where:
    """A position in a file, 1-based; `line`/`col` are 0 when unknown."""

    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line and self.col:
            return f"{self.path}:{self.line}:{self.col}"
        if self.line:
            return f"{self.path}:{self.line}"
        return self.path


class BpwalkError(Exception):
    """Base class of every error caused by the user's input; it prints on one line."""

    exit_code = 2

    def __str__(self) -> str:
        return one_line(super().__str__())


def one_line(text: str) -> str:
    """Control and format characters, line breaks and lone surrogates escaped (`\\n`, `\\x1b`, `\\u2028`).

    A key, a value or a file name quoted in a message may hold them (YAML's "\\e[2J" is an
    escape sequence; a file name that is not UTF-8 decodes to surrogates): printed raw, they
    would split the message, drive the terminal or fail to encode.
    """
    if text.isprintable():
        return text
    return "".join(ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch) in _UNSAFE else ch
                   for ch in text)


_UNSAFE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


class ScenarioError(BpwalkError):
    """A scenario file breaks a rule of the format.

    Prints as `path:line:col: key.path: message`.
    """

    def __init__(self, where: Where, key: str, message: str) -> None:
        self.where = where
        self.key = key
        self.message = message
        prefix = f"{where}: " if where.path else ""
        super().__init__(f"{prefix}{key}: {message}" if key else f"{prefix}{message}")


class ComputeError(BpwalkError):
    """A computation produced a non-finite number (overflow, log of 0, ...).

    Prints as `path: quantity is not a finite number ...`; `path` is the scenario's file
    (`Scenario.path`), "" for a scenario built in code, which then prints without it.
    """

    exit_code = 1

    def __init__(self, quantity: str, iteration: int | None, sample: int | None, value: float,
                 path: str = "") -> None:
        self.quantity = quantity
        self.iteration = iteration
        self.sample = sample
        self.value = value
        self.path = path
        place = []
        if iteration is not None:
            place.append(f"iteration {iteration}")
        else:
            place.append("the final forward pass")
        if sample is not None:
            place.append(f"sample {sample}")
        super().__init__(
            f"{path + ': ' if path else ''}{quantity} is not a finite number ({value}) in {', '.join(place)}: "
            "the computation overflowed; try a smaller learning rate or smaller weights"
        )


class ExportError(BpwalkError):
    """An export could not be written (missing directory, unwritable path, ...)."""


class LookupFailed(BpwalkError):
    """A built-in scenario name or a path that names nothing (or more than one thing)."""
