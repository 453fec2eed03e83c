"""Typed readers for scenario values: each returns a plain value or raises `Invalid`.

Every reader takes the node and its key path (`network.layers[0].weights`), so that a message
can say where the value is and what was found there. `Invalid` carries no file name; the
validator's entry point turns it into a `ScenarioError` with one.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Sequence
from typing import NoReturn

from bpwalk.read.yaml12 import FLOAT_RE, INT_RE
from bpwalk.read.yamlread import Node

NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
NAME_RULE = "a name: a letter, then letters, digits or _"


class Invalid(Exception):
    """A rule broken at a node; the validator adds the file name."""

    def __init__(self, line: int, col: int, key: str, message: str) -> None:
        super().__init__(f"{line}:{col}: {key}: {message}")
        self.line = line
        self.col = col
        self.key = key
        self.message = message


def fail(node: Node, path: str, message: str) -> NoReturn:
    """Raise `Invalid` at a node."""
    raise Invalid(node.line, node.col, path, message)


def at(path: str, key: str | int) -> str:
    """A child's key path: `at("network", "layers")`, `at("samples", 0)` -> `samples[0]`."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def describe(node: Node) -> str:
    """What a node holds, for "found ..." (`a string "0.5"`, `true`, `a list of 3 items`)."""
    kind = node.kind
    if kind == "null":
        return "nothing (an empty value)" if node.text == "" else node.text
    if kind == "bool":
        return node.text
    if kind in ("int", "float"):
        return f"the number {node.text}"
    if kind == "str":
        text = node.value if len(node.value) <= 40 else node.value[:37] + "..."
        return f'a string "{_escape(text)}"' if text else 'an empty string ""'
    if kind == "list":
        count = len(node.value)
        return "an empty list" if count == 0 else f"a list of {plural(count, 'item')}"
    count = len(node.value)
    return "an empty mapping" if count == 0 else f"a mapping ({listing(node.value, 4)})"


def _escape(text: str) -> str:
    """Show line breaks and quotes in a quoted string on one line."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")


def plural(count: int, noun: str) -> str:
    """`plural(1, "row")` -> `1 row`; `plural(3, "row")` -> `3 rows`."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def listing(names: Iterable[str], limit: int = 6) -> str:
    """Names joined by commas, the middle elided when there are many: `h1, h2, ..., h90`."""
    names = list(names)
    if len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[: limit - 1]) + ", ..., " + names[-1]


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice nearest to a misspelt word (same letters in another case first), if any is near."""
    choices = list(choices)
    for each in choices:
        if each.lower() == word.lower():
            return each
    if len(choices) > 20_000:   # difflib compares with each: no guessing among huge networks
        return None
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return close[0] if close else None


def suggestion(word: str, choices: Iterable[str]) -> str:
    """`; did you mean 'x'?` for a near miss among the choices, else ``."""
    best = closest(word, choices)
    return f"; did you mean '{best}'?" if best else ""


def mapping(node: Node, path: str, allowed: Sequence[str], required: Sequence[str] = (),
            what: str = "a mapping") -> dict[str, Node]:
    """A mapping whose keys are all allowed and hold the required ones.

    Args:
        node: the node to read.
        path: its key path.
        allowed: every key the mapping may hold.
        required: the keys it must hold.
        what: how to name the expected mapping in a message.

    Returns:
        The mapping, key to value node.

    Raises:
        Invalid: not a mapping, an unknown key (with a suggestion), or a missing key.
    """
    if node.kind != "map":
        fail(node, path, f"expected {what}, found {describe(node)}")
    keys = node.keys or {}
    for key, key_node in keys.items():
        if key not in allowed:
            hint = suggestion(key, allowed) or f"; expected one of: {', '.join(allowed)}"
            if key == "<<":
                hint = " (a YAML 1.1 merge key; YAML 1.2 has none: write the keys out, or alias the whole value)"
            fail(key_node, at(path, key), f"unknown key '{key}'{hint}")
    for key in required:
        if key not in node.value:
            fail(node, at(path, key), "required key is missing")
    return node.value


def sequence(node: Node, path: str, what: str) -> tuple[Node, ...]:
    """A list's items."""
    if node.kind != "list":
        fail(node, path, f"expected {what}, found {describe(node)}")
    return node.value


def number(node: Node, path: str, what: str = "a number") -> float:
    """A finite int or float (not a bool, not a quoted number), as a float."""
    kind = node.kind
    if kind == "float":
        value = node.value
        if math.isfinite(value):
            return value
        fail(node, path, f"expected {what}, found {node.text}, which is not a finite number")
    if kind == "int":
        try:
            return float(node.value)
        except OverflowError:
            fail(node, path, f"expected {what}, found a number too large for a double ({len(node.text)} digits)")
    hint = ""
    if kind == "str":
        # A string that the core schema would read as a number must have been quoted.
        if INT_RE.match(node.value) or FLOAT_RE.match(node.value):
            hint = " (a quoted number is a string: remove the quotes)"
        elif "_" in node.value and FLOAT_RE.match(node.value.replace("_", "")):
            hint = " (YAML 1.2 numbers have no _ between digits)"
    fail(node, path, f"expected {what}, found {describe(node)}{hint}")


def numbers(node: Node, path: str, count: int, what: str) -> tuple[float, ...]:
    """A list of exactly `count` numbers.

    Args:
        node: the node to read.
        path: its key path.
        count: how many numbers the list must hold.
        what: what they are for, e.g. `one per input: i1, i2`.

    Returns:
        The numbers, as floats.

    Raises:
        Invalid: not a list, the wrong length, or an item that is not a finite number.
    """
    expected = f"{plural(count, 'number')} ({what})"
    if node.kind != "list":
        hint = f"; write [{node.text}]" if count == 1 and node.kind in ("int", "float") else ""
        fail(node, path, f"expected a list of {expected}, found {describe(node)}{hint}")
    items = node.value
    if len(items) != count:
        fail(node, path, f"expected {expected}, found {len(items):,}")
    values = []
    for index, item in enumerate(items):
        # The common case inline: a weight matrix may hold 100,000 of these.
        if item.kind == "float" and math.isfinite(item.value):
            values.append(item.value)
        else:
            values.append(number(item, at(path, index)))
    return tuple(values)


def integer(node: Node, path: str, low: int, high: int, what: str) -> int:
    """An int in low..high (a float such as 1.0 or 1e3 is not one)."""
    if node.kind != "int":
        fail(node, path, f"expected {what}, an integer {low:,}..{high:,}, found {describe(node)}")
    if not low <= node.value <= high:
        fail(node, path, f"expected {what}, an integer {low:,}..{high:,}, found {node.text}")
    return node.value


def string(node: Node, path: str, what: str = "a string", non_empty: bool = False) -> str:
    """A string (a number or true/false is refused, with a hint to quote it)."""
    if node.kind != "str":
        hint = " (put it in quotes)" if node.kind in ("int", "float", "bool") else ""
        fail(node, path, f"expected {what}, found {describe(node)}{hint}")
    if non_empty and not node.value.strip():
        fail(node, path, f"expected {what}, found {describe(node)}")
    return node.value


def boolean(node: Node, path: str) -> bool:
    """true or false (YAML 1.2: yes, no, on and off are strings)."""
    if node.kind != "bool":
        hint = ""
        if node.kind == "str" and node.value.lower() in ("yes", "no", "on", "off", "y", "n"):
            hint = " (in YAML 1.2 only true and false are booleans)"
        fail(node, path, f"expected true or false, found {describe(node)}{hint}")
    return node.value


def name(node: Node, path: str) -> str:
    """A name for an input, unit, weight or bias: `[A-Za-z][A-Za-z0-9_]*`."""
    if node.kind != "str" or not NAME_RE.fullmatch(node.value):
        fail(node, path, f"expected {NAME_RULE}, found {describe(node)}")
    return node.value


def choice(node: Node, path: str, choices: Sequence[str], aliases: dict[str, str] | None = None) -> str:
    """One of a few words (or an alias of one), as its canonical word."""
    aliases = aliases or {}
    if node.kind == "str":
        if node.value in choices:
            return node.value
        if node.value in aliases:
            return aliases[node.value]
    options = " | ".join(choices)
    hint = suggestion(node.value, [*choices, *aliases]) if node.kind == "str" else ""
    fail(node, path, f"expected one of {options}, found {describe(node)}{hint}")
