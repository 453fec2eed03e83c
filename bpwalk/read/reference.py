"""`bpwalk docs`: the scenario format as a reference a person reads, from the installed schema.

The JSON Schema (`bpwalk.read.schema`) is the one description of every key that ships with the
package; this writes it key by key, with what each key means, the values it takes, its default
and whether it is required, so that a teacher who has only `pip install`ed bpwalk can write a
scenario. The names of quantities (`net.h1`, `grad.w5`: what `expect` entries and `check` use)
are the second topic.
"""

from __future__ import annotations

import textwrap
from typing import Any, Iterator

from bpwalk.read.schema import json_schema

TOPICS = ("scenario", "keys")
INDENT = "  "
WIDTH = 80          # the reference reads in a terminal of 80 columns

# the quantities an `expect` entry names (the scenario format's table), with what each is
KEYS: tuple[tuple[str, str], ...] = (
    ("net.U, out.U", "pre-activation and activation of unit U (input units: out.X only)"),
    ("error.O", "one output unit's term of the sample loss"),
    ("loss", "one sample's loss"),
    ("total_loss", "the iteration's total over the samples, after `reduction`"),
    ("delta.U", "dLoss/dnet.U for one sample (display.convention: error: -dLoss/dnet.U)"),
    ("grad.P", "dTotal/dP for a weight or bias P"),
    ("new.P", "P after this iteration's update"),
    ("change.P", "new.P - P: the step actually taken"),
    ("velocity.P, sq_avg.P", "momentum's and nesterov's v, rmsprop's s, after the update"),
    ("m.P, v.P, m_hat.P, v_hat.P", "adam's and adamw's moments and their bias-corrected values"),
    ("penalty, data_loss", "with regularization: the L2 penalty, and the loss without it"),
    ("dE_dout.U, dout_dnet.U", "bpwalk's own: dLoss/dout.U (convention error: -dLoss/dout.U) and the "
                               "activation's derivative at U"),
    ("dinput.X", "bpwalk's own, with display.input_gradients: dLoss/dx of input X for one sample"),
    ("final.KEY", "KEY in the forward pass after the last update (net, out, error, loss, total_loss, "
                  "data_loss)"),
)


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return {**defs[ref.rsplit("/", 1)[1]], **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _number(x: Any) -> str:
    if isinstance(x, bool):
        return "true" if x else "false"     # as YAML writes it
    return f"{x:g}" if isinstance(x, float) else str(x)


def _wrapped(text: str, indent: str, hanging: str | None = None) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=hanging or indent,
                         break_on_hyphens=False, break_long_words=False)


def _values(node: dict[str, Any], defs: dict[str, Any]) -> str:
    """What a key takes, in a few words: `one of a | b`, `a number >= 0`, `a list of ...`."""
    node = _resolve(node, defs)
    if "enum" in node:
        return "one of " + " | ".join(map(str, node["enum"]))
    if "const" in node:
        return f"{node['const']}"
    if "anyOf" in node or "oneOf" in node:
        return " or ".join(_values(option, defs) for option in node.get("anyOf", node.get("oneOf", [])))
    kind = node.get("type")
    bounds = [f">= {_number(node['minimum'])}" if "minimum" in node else "",
              f"> {_number(node['exclusiveMinimum'])}" if "exclusiveMinimum" in node else "",
              f"<= {_number(node['maximum'])}" if "maximum" in node else "",
              f"< {_number(node['exclusiveMaximum'])}" if "exclusiveMaximum" in node else ""]
    bound = ", ".join(b for b in bounds if b)
    if kind == "array":
        item = _values(node.get("items", {}), defs)
        return "a list of " + ({"a mapping": "mappings", "a number": "numbers", "text": "names",
                                "an integer": "integers"}.get(item, item))
    if kind == "object":
        return "a mapping"
    if kind in ("number", "integer", "string", "boolean"):
        word = {"number": "a number", "integer": "an integer", "string": "text", "boolean": "true or false"}[kind]
        return f"{word} {bound}".strip()
    return bound or "a value"


def _lines(node: dict[str, Any], defs: dict[str, Any], path: str, depth: int) -> Iterator[str]:
    node = _resolve(node, defs)
    required = set(node.get("required", ()))
    for key, child in node.get("properties", {}).items():
        child = _resolve(child, defs)
        facts = [_values(child, defs)]
        if key in required:
            facts.append("required")
        if "default" in child:
            facts.append(f"default {_number(child['default'])}")
        yield from _wrapped(f"{path}{key}: {'; '.join(facts)}", INDENT * depth, INDENT * (depth + 2))
        if child.get("description"):
            yield from _wrapped(child["description"], INDENT * (depth + 2))
        if child.get("type") == "object" and "properties" in child:
            yield from _lines(child, defs, "", depth + 1)
        items = _resolve(child.get("items", {}), defs) if child.get("type") == "array" else {}
        if "properties" in items:
            yield from _lines(items, defs, "- ", depth + 1)


def reference(topic: str = "scenario") -> str:
    """The text `bpwalk docs TOPIC` prints.

    Raises:
        ValueError: an unknown topic.
    """
    if topic == "keys":
        width = max(len(k) for k, _ in KEYS)
        body = [line for key, what in KEYS
                for line in _wrapped(f"{key.ljust(width)}  {what}", "", " " * (width + 2))]
        head = _wrapped("The quantities `expect` entries and `bpwalk check` name (U: a unit, O: an output unit, "
                        "P: a weight or bias):", "")
        return "\n".join([*head, "", *body]) + "\n"
    if topic != "scenario":
        raise ValueError(f"no topic {topic!r}; the topics are {', '.join(TOPICS)}")
    schema = json_schema()
    defs = schema.get("$defs", {})
    head = [schema.get("title", ""), *_wrapped(schema.get("description", ""), ""), "",
            *_wrapped("Every key of a scenario file (YAML), what it takes and what it means; `- ` marks the "
                      "keys of each item of a list. `bpwalk docs keys` lists the quantities `expect` names; "
                      "`bpwalk schema` prints this as a JSON Schema for editors.", ""), ""]
    return "\n".join([*head, *_lines(schema, defs, "", 0)]) + "\n"
