"""Read a scenario file as one YAML 1.2 document, keeping the line and column of every value.

Everything that can go wrong before validation ends here as one `ScenarioError` of one line: a
missing, unreadable or oversized file, bytes that are not UTF-8, a control character, a syntax
error (from PyYAML's multi-line report: where, what, and what it was in the middle of), and the
rules of `bpwalk.read.yamlnodes` (limits, duplicate keys, aliases).
"""

from __future__ import annotations

import codecs
import stat
from pathlib import Path
from typing import NoReturn

import yaml

from bpwalk.errors import ScenarioError, Where
from bpwalk.read.yaml12 import FAST_LOADER
from bpwalk.read.yamlnodes import MAX_DEPTH, MAX_NODES, TOO_DEEP, Node, build_document, to_plain

__all__ = ["MAX_DEPTH", "MAX_FILE_BYTES", "MAX_NODES", "Node", "decode_utf8", "read_yaml_file",
           "read_yaml_text", "to_plain"]

MAX_FILE_BYTES = 64 * 1024 * 1024

# libyaml 0.2.6 (in PyYAML's wheels since 6.0.3) limits nesting itself, to 1000 levels. Its scanner
# reads up to 1024 characters ahead of the events bpwalk has seen, so on a line such as `[[[[...`
# it can refuse before bpwalk's smaller limit does: the user should still read bpwalk's rule.
LIBYAML_TOO_DEEP = "exceeded maximum nesting depth"


def read_yaml_file(path: Path) -> Node:
    """Read a file as one YAML 1.2 document.

    Args:
        path: the file to read.

    Returns:
        The document's root node.

    Raises:
        ScenarioError: the file is missing, a directory, unreadable, too large, not UTF-8,
            empty, not valid YAML, holds several documents, or breaks a limit.
    """
    name = str(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            _fail(Where(name), "this is a directory, not a scenario file")
        if stat.S_ISREG(info.st_mode) and info.st_size > MAX_FILE_BYTES:
            _fail(Where(name), _too_large(info.st_size))
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)   # a pipe has no size: read one byte too many
    except FileNotFoundError:
        _fail(Where(name), "no such file")
    except IsADirectoryError:
        _fail(Where(name), "this is a directory, not a scenario file")
    except PermissionError:
        _fail(Where(name), "cannot read the file: permission denied")
    except OSError as err:
        _fail(Where(name), f"cannot read the file: {err.strerror or err}")
    if len(data) > MAX_FILE_BYTES:
        _fail(Where(name), _too_large(len(data)))
    return read_yaml_text(decode_utf8(data, name), name)


def _too_large(size: int) -> str:
    """The message for a file over the size limit."""
    mib = MAX_FILE_BYTES // (1024 * 1024)
    return f"the file is too large ({size / 1024 / 1024:.1f} MiB); the limit is {mib} MiB"


def decode_utf8(data: bytes, name: str) -> str:
    """Decode a file's bytes as UTF-8, with or without a byte-order mark.

    Args:
        data: the file's content.
        name: the file's name, for messages.

    Returns:
        The text, without the byte-order mark.

    Raises:
        ScenarioError: the bytes are not UTF-8; the message names the line and the byte.
    """
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        _fail(Where(name), "the file is UTF-32 text; save it as UTF-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        _fail(Where(name), "the file is UTF-16 text; save it as UTF-8")
    try:
        return data[start:].decode("utf-8")
    except UnicodeDecodeError as err:
        bad = start + err.start
        line = data.count(b"\n", 0, bad) + 1
        line_start = data.rfind(b"\n", 0, bad) + 1
        col = len(data[line_start:bad].decode("utf-8", "replace")) + 1
        _fail(
            Where(name, line, col),
            f"the file is not UTF-8 text: byte {bad - line_start + 1} of line {line} "
            f"(0x{data[bad]:02x}) is not valid UTF-8; save the file as UTF-8",
        )


def read_yaml_text(text: str, name: str = "<string>") -> Node:
    """Parse text as one YAML 1.2 document.

    Args:
        text: the document (a leading byte-order mark is ignored).
        name: the file name to put in messages.

    Returns:
        The document's root node.

    Raises:
        ScenarioError: the text is empty, not valid YAML, holds several documents, uses an
            unsupported tag, has a duplicate key, or breaks the size or nesting limit.
    """
    text = text.removeprefix("\ufeff")
    bad = yaml.reader.Reader.NON_PRINTABLE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        _fail(
            Where(name, line, col),
            f"invalid YAML: the control character U+{ord(bad.group()):04X} is not allowed in a YAML file",
        )
    loader = None
    try:
        loader = FAST_LOADER(text)
        root = build_document(iter(loader.get_event, None), name, loader.resolve)
    except yaml.MarkedYAMLError as err:
        raise _syntax_error(err, name, text) from None
    except yaml.YAMLError as err:   # a ReaderError: the check above should leave none
        raise ScenarioError(Where(name), "", f"invalid YAML: {' '.join(str(err).split())}") from None
    finally:
        if loader is not None:
            loader.dispose()
    if root is None:
        empty = "the file is empty" if not text.strip() else "the file holds no YAML document (only comments)"
        _fail(Where(name), empty)
    return root


def _syntax_error(err: yaml.MarkedYAMLError, name: str, text: str) -> ScenarioError:
    """One line from PyYAML's multi-line report: where, what, and what it was in the middle of."""
    mark = err.problem_mark or err.context_mark
    where = Where(name, mark.line + 1, mark.column + 1) if mark else Where(name)
    if err.problem == LIBYAML_TOO_DEEP:
        return ScenarioError(where, "", TOO_DEEP)
    message = f"invalid YAML: {err.problem or err.context or 'syntax error'}"
    context = err.context_mark
    if err.problem and err.context and context and (context.line, context.column) != (mark.line, mark.column):
        message += f" ({err.context} at line {context.line + 1}, column {context.column + 1})"
    if mark and _char_at(text, mark.line, mark.column) == "\t":
        message += " (a tab: indent with spaces)"
    return ScenarioError(where, "", " ".join(message.split()))


def _char_at(text: str, line: int, column: int) -> str:
    """The character at a 0-based line and column, or "" past the end."""
    lines = text.split("\n", line + 1)
    return lines[line][column:column + 1] if line < len(lines) else ""


def _fail(where: Where, message: str, key: str = "") -> NoReturn:
    """Raise the ScenarioError for a problem found while reading."""
    raise ScenarioError(where, key, message)
