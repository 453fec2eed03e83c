"""YAML 1.2 for PyYAML: the core schema's scalar types, and loaders that use them.

PyYAML implements YAML 1.1, where `1e-5` is a string, `yes`/`on` are booleans, `012` is octal
and `1_000` is a thousand. In the YAML 1.2 core schema `1e-5` is a float, only true/false (in
three spellings) are booleans, `012` is twelve and `1_000` is a string. The regexes below are
that schema's (https://yaml.org/spec/1.2.2/#1032-tag-resolution).
"""

from __future__ import annotations

import math
import re

import yaml

STR_TAG = "tag:yaml.org,2002:str"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
BOOL_TAG = "tag:yaml.org,2002:bool"
NULL_TAG = "tag:yaml.org,2002:null"
SEQ_TAG = "tag:yaml.org,2002:seq"
MAP_TAG = "tag:yaml.org,2002:map"

NULL_RE = re.compile(r"(?:~|null|Null|NULL|)\Z")
BOOL_RE = re.compile(r"(?:true|True|TRUE|false|False|FALSE)\Z")
INT_RE = re.compile(r"(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)\Z")
FLOAT_RE = re.compile(
    r"(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\Z"
)


def to_int(text: str) -> int:
    """A core-schema integer: decimal (`012` is twelve), `0o17` or `0x1F`.

    Raises:
        ValueError: beyond Python's 4,300 digits for a decimal integer.
    """
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text)


def to_float(text: str) -> float:
    """A core-schema float, `.inf` and `.nan` included (the validator refuses those)."""
    try:
        return float(text)
    except ValueError:
        pass
    lowered = text.lower()
    if lowered.endswith(".inf"):
        return -math.inf if lowered.startswith("-") else math.inf
    if lowered == ".nan":
        return math.nan
    return float(text)


def _use_core_schema(cls: type) -> None:
    """Replace a loader class's implicit resolvers by the YAML 1.2 core schema's."""
    cls.yaml_implicit_resolvers = {}
    cls.add_implicit_resolver(BOOL_TAG, BOOL_RE, list("tTfF"))
    cls.add_implicit_resolver(INT_TAG, INT_RE, list("-+0123456789"))
    cls.add_implicit_resolver(FLOAT_TAG, FLOAT_RE, list("-+0123456789."))
    cls.add_implicit_resolver(NULL_TAG, NULL_RE, ["~", "n", "N", ""])


class Yaml12Loader(yaml.SafeLoader):
    """A SafeLoader that reads scalars as YAML 1.2 does: `yaml.load(text, Loader=Yaml12Loader)`."""


_use_core_schema(Yaml12Loader)
Yaml12Loader.add_constructor(INT_TAG, lambda loader, node: to_int(node.value))
Yaml12Loader.add_constructor(FLOAT_TAG, lambda loader, node: to_float(node.value))

if hasattr(yaml, "CSafeLoader"):

    class Yaml12CLoader(yaml.CSafeLoader):  # type: ignore[name-defined,misc]
        """The same on libyaml's parser, several times faster on large weight matrices."""

    _use_core_schema(Yaml12CLoader)
    Yaml12CLoader.add_constructor(INT_TAG, lambda loader, node: to_int(node.value))
    Yaml12CLoader.add_constructor(FLOAT_TAG, lambda loader, node: to_float(node.value))
    FAST_LOADER: type = Yaml12CLoader
else:  # pragma: no cover - PyYAML built without libyaml
    FAST_LOADER = Yaml12Loader
