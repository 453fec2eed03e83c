"""YAML parser events to `Node`s: values that remember where they are written.

The document is built from the parser's events rather than with `yaml.compose`, so that the
limits hold while reading: nesting deeper than MAX_DEPTH is refused at its opening bracket,
with no recursion (and so no RecursionError); an alias shares its anchor's node rather than
copying it, but counts at its expanded size, so a billion-laughs file is refused at the alias
that crosses MAX_NODES; a recursive alias is named as such. Duplicate keys, keys that are not
strings, unsupported tags and a second document are refused too.

An alias has the position of the anchored value, which is where its text is written.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple, NoReturn

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from bpwalk.errors import ScenarioError, Where
from bpwalk.read.yaml12 import (
    BOOL_RE,
    BOOL_TAG,
    FLOAT_RE,
    FLOAT_TAG,
    INT_RE,
    INT_TAG,
    MAP_TAG,
    NULL_RE,
    NULL_TAG,
    SEQ_TAG,
    STR_TAG,
    to_float,
    to_int,
)

MAX_NODES = 1_000_000   # values after alias expansion, keys included
MAX_DEPTH = 100         # lists and mappings nested in one another
TOO_DEEP = f"lists and mappings are nested more than {MAX_DEPTH} deep; the limit is {MAX_DEPTH}"


class Node(NamedTuple):
    """One YAML value and where it is written (1-based line and column)."""

    kind: str         # "null" | "bool" | "int" | "float" | "str" | "list" | "map"
    value: Any        # None | bool | int | float | str | tuple[Node, ...] | dict[str, Node]
    line: int
    col: int
    text: str = ""    # a scalar as written, without quotes: "0.5110", "1e-5", "~"
    keys: dict[str, Node] | None = None   # a mapping's keys, as nodes (for their positions)


def to_plain(node: Node) -> Any:
    """The node as plain Python values (dict, list, str, int, float, bool, None), positions dropped.

    Args:
        node: a node from `bpwalk.read.yamlread`.

    Returns:
        The data that `yaml.load(text, Loader=Yaml12Loader)` gives: for JSON Schema checks.
    """
    if node.kind == "map":
        return {key: to_plain(value) for key, value in node.value.items()}
    if node.kind == "list":
        return [to_plain(item) for item in node.value]
    return node.value


def build_document(events: Any, name: str, resolve: Callable[..., str]) -> Node | None:
    """The root node of the only document in a stream of parser events.

    Args:
        events: the parser's events, from StreamStart to StreamEnd.
        name: the file name, for messages.
        resolve: the loader's tag resolver, for scalars with the non-specific tag `!`.

    Returns:
        The root node, or None when the stream holds no document.

    Raises:
        ScenarioError: a limit, a duplicate or non-string key, an unsupported tag, an undefined
            or recursive alias, or a second document.
        yaml.MarkedYAMLError: a syntax error, from the parser.
    """
    return _Builder(name, resolve).build(events)


class _Open:
    """A list or mapping whose end event has not come yet."""

    __slots__ = ("kind", "line", "col", "anchor", "label", "items", "keys", "key", "size", "height")

    def __init__(self, kind: str, line: int, col: int, anchor: str | None, label: str | int | None) -> None:
        self.kind = kind
        self.line = line
        self.col = col
        self.anchor = anchor
        self.label = label                                  # its key or index in its parent
        self.items: Any = {} if kind == "map" else []
        self.keys: dict[str, Node] = {}
        self.key: Node | None = None                        # a mapping's key awaiting its value
        self.size = 1                                       # nodes once aliases are expanded
        self.height = 0                                     # deepest nesting inside it


_NUMBER_START = frozenset("-+0123456789.")
_SCALAR_KINDS = {STR_TAG: "str", INT_TAG: "int", FLOAT_TAG: "float", BOOL_TAG: "bool", NULL_TAG: "null"}


class _Builder:
    """Turns parser events into Nodes, enforcing the YAML rules the core schema leaves to us."""

    def __init__(self, name: str, resolve: Callable[..., str]) -> None:
        self.name = name
        self.resolve = resolve
        self.stack: list[_Open] = []
        self.anchors: dict[str, tuple[Node, int, int]] = {}   # name -> (node, size, height)
        self.unfinished: set[str] = set()                     # anchors of open collections
        self.total = 0

    def build(self, events: Any) -> Node | None:
        """Consume the events of a stream; return the root of its only document (None if none)."""
        root: Node | None = None
        documents = 0
        for event in events:
            kind = type(event)
            if kind is ScalarEvent:
                self._count(1, event)
                node = self._scalar(event)
                if event.anchor:
                    self.unfinished.discard(event.anchor)   # redefined: *name now means this
                    self.anchors[event.anchor] = (node, 1, 0)
                size, height = 1, 0
            elif kind is SequenceStartEvent or kind is MappingStartEvent:
                self._open(event, "list" if kind is SequenceStartEvent else "map")
                continue
            elif kind is SequenceEndEvent or kind is MappingEndEvent:
                node, size, height = self._close()
            elif kind is AliasEvent:
                node, size, height = self._alias(event)
            elif kind is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    self._error(event, "a scenario file holds one YAML document; found a second one (---)")
                continue
            elif kind is StreamEndEvent:
                return root
            else:
                continue
            if self.stack:
                self._attach(node, size, height)
            else:
                root = node
        return root

    def _scalar(self, event: ScalarEvent) -> Node:
        """A scalar, typed by the core schema (or by its explicit standard tag)."""
        text = event.value
        mark = event.start_mark
        line, col = mark.line + 1, mark.column + 1
        tag = event.tag
        if tag is None and event.implicit[0]:
            # A plain scalar: the loader's resolvers, unrolled (a weight matrix is mostly these).
            first = text[:1]
            if first in _NUMBER_START:
                if INT_RE.match(text):
                    try:
                        return Node("int", to_int(text), line, col, text)
                    except ValueError:   # Python converts integers of up to 4,300 digits
                        self._error(event, f"the number has {len(text)} digits; that is far too many")
                if FLOAT_RE.match(text):
                    return Node("float", to_float(text), line, col, text)
            elif first in "tTfF" and BOOL_RE.match(text):
                return Node("bool", text.lower() == "true", line, col, text)
            elif NULL_RE.match(text):
                return Node("null", None, line, col, text)
            return Node("str", text, line, col, text)
        if tag == "!":   # the non-specific tag: a string, whatever it looks like (libyaml says otherwise)
            tag = STR_TAG
        elif tag is None:
            tag = self.resolve(yaml.ScalarNode, text, event.implicit)
        kind = _SCALAR_KINDS.get(tag)
        if kind is None:
            self._error(event, f"the tag {_short_tag(tag)} is not supported here")
        if kind == "str":
            return Node("str", text, line, col, text)
        explicit = event.tag is not None and event.tag != "!"
        try:
            if kind == "float":
                if explicit and not (FLOAT_RE.match(text) or INT_RE.match(text)):
                    raise ValueError
                return Node("float", to_float(text), line, col, text)
            if kind == "int":
                if explicit and not INT_RE.match(text):
                    raise ValueError
                return Node("int", to_int(text), line, col, text)
        except ValueError:
            if INT_RE.match(text):   # Python converts integers of up to 4,300 digits
                self._error(event, f"the number has {len(text)} digits; that is far too many")
            self._error(event, f'{_short_tag(tag)} "{text}" is not {"an integer" if kind == "int" else "a number"}')
        if kind == "bool":
            if not BOOL_RE.match(text):
                self._error(event, f'!!bool "{text}" is not true or false')
            return Node("bool", text.lower() == "true", line, col, text)
        if not NULL_RE.match(text):
            self._error(event, f'!!null "{text}" is not null')
        return Node("null", None, line, col, text)

    def _open(self, event: Any, kind: str) -> None:
        """Start a list or mapping, within the nesting and size limits."""
        if event.tag not in (None, "!", SEQ_TAG if kind == "list" else MAP_TAG):
            self._error(event, f"the tag {_short_tag(event.tag)} is not supported here")
        if len(self.stack) >= MAX_DEPTH:
            self._error(event, TOO_DEEP, with_path=False)
        self._count(1, event)
        label: str | int | None = None
        if self.stack:
            parent = self.stack[-1]
            if parent.kind == "list":
                label = len(parent.items)
            elif parent.key is None:
                self._error(event, f"a key must be a name, found a {'list' if kind == 'list' else 'mapping'}")
            else:
                label = parent.key.value
        mark = event.start_mark
        self.stack.append(_Open(kind, mark.line + 1, mark.column + 1, event.anchor, label))
        if event.anchor:
            self.unfinished.add(event.anchor)

    def _close(self) -> tuple[Node, int, int]:
        """End the innermost list or mapping: its node, size and height."""
        done = self.stack.pop()
        if done.kind == "list":
            node = Node("list", tuple(done.items), done.line, done.col)
        else:
            node = Node("map", done.items, done.line, done.col, "", done.keys)
        height = done.height + 1
        # Unless the anchor was defined again inside (then *name means that later node).
        if done.anchor and done.anchor in self.unfinished:
            self.unfinished.discard(done.anchor)
            self.anchors[done.anchor] = (node, done.size, height)
        return node, done.size, height

    def _alias(self, event: AliasEvent) -> tuple[Node, int, int]:
        """The anchored node again: counted at its full expanded size, never copied."""
        anchor = event.anchor
        if anchor in self.unfinished:
            self._error(event, f"the alias *{anchor} refers to a list or mapping that contains it (a recursive alias)")
        if anchor not in self.anchors:
            self._error(event, f"the alias *{anchor} refers to no anchor &{anchor} defined before it")
        node, size, height = self.anchors[anchor]
        if len(self.stack) + height > MAX_DEPTH:
            self._error(event, f"the alias *{anchor} nests lists and mappings more than {MAX_DEPTH} deep; "
                               f"the limit is {MAX_DEPTH}", with_path=False)
        self._count(size, event)
        return node, size, height

    def _attach(self, node: Node, size: int, height: int) -> None:
        """Add a finished node to the open collection: as an item, a key, or a key's value."""
        parent = self.stack[-1]
        parent.size += size
        if height > parent.height:
            parent.height = height
        if parent.kind == "list":
            parent.items.append(node)
        elif parent.key is not None:
            parent.items[parent.key.value] = node
            parent.keys[parent.key.value] = parent.key
            parent.key = None
        elif node.kind != "str":
            found = f"the number {node.text}" if node.kind in ("int", "float") else (node.text or "an empty key")
            self._error_at(node, self._path(), f"a key must be a name, found {found}")
        elif node.value in parent.keys:
            first = parent.keys[node.value]
            self._error_at(node, self._path(node.value),
                           f"duplicate key '{node.value}': first at line {first.line}, again at line {node.line}")
        else:
            parent.key = node

    def _count(self, size: int, event: Any) -> None:
        """Add to the expanded node count, refusing a document that grows beyond the limit."""
        self.total += size
        if self.total > MAX_NODES:
            self._error(event, f"the document has more than {MAX_NODES:,} values once aliases are expanded; "
                               f"the limit is {MAX_NODES:,}")

    def _path(self, last: str | int | None = None) -> str:
        """The key path of the open collections, plus `last`: `network.layers[0].weights`."""
        labels = [frame.label for frame in self.stack[1:]]
        if last is not None:
            labels.append(last)
        path = ""
        for label in labels:
            path = f"{path}[{label}]" if isinstance(label, int) else (f"{path}.{label}" if path else str(label))
        return path

    def _error(self, event: Any, message: str, with_path: bool = True) -> NoReturn:
        """Raise a ScenarioError at an event, naming the key path it would have had."""
        mark = event.start_mark
        if not with_path:   # a path 100 levels deep says nothing the line does not
            _fail(Where(self.name, mark.line + 1, mark.column + 1), message)
        label: str | int | None = None
        if self.stack:
            parent = self.stack[-1]
            if parent.kind == "list":
                label = len(parent.items)
            elif parent.key is not None:
                label = parent.key.value
        _fail(Where(self.name, mark.line + 1, mark.column + 1), message, self._path(label))

    def _error_at(self, node: Node, path: str, message: str) -> NoReturn:
        """Raise a ScenarioError at a node."""
        _fail(Where(self.name, node.line, node.col), message, path)


def _short_tag(tag: str) -> str:
    """`tag:yaml.org,2002:binary` -> `!!binary`; other tags as written."""
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


def _fail(where: Where, message: str, key: str = "") -> NoReturn:
    """Raise the ScenarioError for a problem found while reading."""
    raise ScenarioError(where, key, message)
