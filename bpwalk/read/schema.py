"""A JSON Schema (draft 2020-12) of the scenario format, for editors.

`bpwalk schema > bpwalk.read.schema.json` writes it; a scenario file that starts with
`# yaml-language-server: $schema=bpwalk.read.schema.json` then gets completion, descriptions and
checks in editors that use yaml-language-server (the VS Code YAML extension, among others).

The schema accepts every valid scenario and refuses unknown keys, but it cannot see every rule:
shapes that depend on other keys (weights against units), the uniqueness of names across the
network, softmax on the output layer only, and whether an `expect` key names a real quantity
are left to `bpwalk validate`.
"""

from __future__ import annotations

from typing import Any

from bpwalk.ops import ACTIVATION_ALIASES, ACTIVATIONS, L2, LAYER_PARAMETERS, LOSSES, OPTIMIZERS, Option, either, takers
from bpwalk.scenario import (
    BIAS_MODES,
    CONVENTIONS,
    LANGS,
    MAX_ITERATIONS,
    MAX_PARAMETERS,
    MAX_SAMPLES,
    REDUCTIONS,
    STYLES,
    SYMBOL_KEYS,
    UPDATES,
)

NAME_PATTERN = "^[A-Za-z][A-Za-z0-9_]*$"
_NAME_FORM = "[A-Za-z][A-Za-z0-9_]*"
EXPECT_KEY_PATTERN = (
    rf"^(?:(?:final\.)?(?:net|out|error)\.{_NAME_FORM}|(?:final\.)?(?:total_|data_)?loss|penalty"
    rf"|(?:delta|grad|new|dE_dout|dout_dnet|dinput|change|velocity|sq_avg|m|v|m_hat|v_hat)\.{_NAME_FORM})$"
)
# Symbols that stand alone cannot be empty; "" for the others writes a unit by its own name.
NAMED_SYMBOLS = ("loss", "total_loss", "learning_rate")


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file, format version 1.

    Returns:
        A draft 2020-12 schema as plain data (dump it with `json.dumps`).
    """
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "bpwalk scenario (format version 1)",
        "description": "A backpropagation walk-through: a network, its samples and how to train it.",
        "type": "object",
        "additionalProperties": False,
        "required": ["title", "network", "learning_rate", "samples"],
        "properties": {
            "bpwalk": {"description": "Format version; 1 is the only one.", "const": 1, "default": 1},
            "title": {"description": "The scenario's title (required, non-empty).", "type": "string",
                      "minLength": 1, "pattern": r"\S"},
            "description": {"description": "Markdown, shown on the opening step.", "type": "string"},
            "source": {"description": "Where the example comes from.", "type": "string"},
            "network": _network(),
            "loss": {
                "description": "Per-sample loss over the output units: "
                               + ", ".join(f"{loss.name} {loss.summary}" for loss in LOSSES.values()) + ".",
                "enum": list(LOSSES), "default": "half_sse",
            },
            "reduction": {"description": "How the samples' losses make the total: sum or mean.",
                          "enum": list(REDUCTIONS), "default": "sum"},
            "learning_rate": {"description": "Step size of gradient descent, a number > 0 (required).",
                              "type": "number", "exclusiveMinimum": 0},
            "update": {"description": "batch: one update per iteration from the total loss; per_sample: "
                                      "one update after each sample (stochastic gradient descent); minibatch: "
                                      "one update per batch of batch_size samples.",
                       "enum": list(UPDATES), "default": "batch"},
            "batch_size": {"description": "Samples per update, with update: minibatch only (required there).",
                           "type": "integer", "minimum": 1, "maximum": MAX_SAMPLES},
            "optimizer": _optimizer(),
            "regularization": {
                "description": "An L2 penalty (λ/2)·Σ p² added to the loss each update descends.",
                "type": "object", "additionalProperties": False, "required": ["l2"],
                "properties": {
                    "l2": {"description": "λ, a number >= 0.", **_range(L2)},
                    "biases": {"description": "Whether the trained biases are in the sum too.", "type": "boolean",
                               "default": False},
                },
            },
            "iterations": {"description": "Training iterations (forward, loss, backward, update).",
                           "type": "integer", "minimum": 1, "maximum": MAX_ITERATIONS, "default": 1},
            "samples": {
                "description": f"The training samples, 1 to {MAX_SAMPLES:,}.",
                "type": "array", "minItems": 1, "maxItems": MAX_SAMPLES, "items": _sample(),
            },
            "display": _display(),
            "expect": {
                "description": "Numbers the source document printed, for `bpwalk check`.",
                "type": "array", "items": _expect(),
            },
        },
        "allOf": [_targets_when(loss.name, _bounds(loss.targets.low, loss.targets.high))
                  for loss in LOSSES.values() if loss.targets is not None],
        "$defs": {
            "name": {"description": "A name: a letter, then letters, digits or _.", "type": "string",
                     "pattern": NAME_PATTERN},
            "names": {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"$ref": "#/$defs/name"}},
            "numbers": {"type": "array", "items": {"type": "number"}},
        },
    }


def _range(option: Option) -> dict[str, Any]:
    """An option's number and its bounds."""
    out: dict[str, Any] = {"type": "number", "default": option.default}
    out["exclusiveMinimum" if option.low_open else "minimum"] = option.low
    if option.high is not None:
        out["exclusiveMaximum"] = option.high
    return out


def _optimizer() -> dict[str, Any]:
    """`optimizer:` a name and the options that optimizer takes (from the registry)."""
    options = {o.key: o for entry in OPTIMIZERS.values() for o in entry.options}
    return {
        "description": "The optimizer (default sgd), with torch.optim's definitions and its options.",
        "type": "object", "required": ["name"],
        "properties": {"name": {"enum": list(OPTIMIZERS)},
                       **{key: {"description": f"{key} ({option.symbol}).", **_range(option)}
                          for key, option in options.items()}},
        "additionalProperties": False,
        "allOf": [
            {"if": {"properties": {"name": {"const": entry.name}}},
             "then": {"propertyNames": {"enum": ["name", *(o.key for o in entry.options)]}}}
            for entry in OPTIMIZERS.values()
        ],
    }


def _network() -> dict[str, Any]:
    """`network:` inputs and layers."""
    return {
        "description": "The inputs and the layers; the last layer is the output layer.",
        "type": "object",
        "additionalProperties": False,
        "required": ["inputs", "layers"],
        "properties": {
            "inputs": {
                "description": "Input names, or a count n (then named x1..xn).",
                "anyOf": [{"$ref": "#/$defs/names"},
                          {"type": "integer", "minimum": 1, "maximum": MAX_PARAMETERS}],
            },
            "layers": {
                "description": "One or more layers; the last is the output layer.",
                "type": "array", "minItems": 1, "items": _layer(),
            },
        },
    }


def _layer() -> dict[str, Any]:
    """One layer, with the bias keys that each bias mode allows."""
    bias_keys_absent = {"not": {"anyOf": [{"required": ["biases"]}, {"required": ["bias_names"]},
                                          {"required": ["train_bias"]}]}}
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["activation", "weights"],
        "properties": {
            "units": {
                "description": "Unit names, or a count n: hidden units are then numbered on across the hidden "
                               "layers (h1, h2 | h3, h4), output units o1..oK. Default: one unit per weights row.",
                "anyOf": [{"$ref": "#/$defs/names"},
                          {"type": "integer", "minimum": 1, "maximum": MAX_PARAMETERS}],
            },
            "activation": {"description": _activations(), "enum": [*ACTIVATIONS, *ACTIVATION_ALIASES]},
            **{key: {"description": f"{param.meaning[:1].upper()}{param.meaning[1:]}; with activation "
                                    f"{either(takers(param))} only.",
                     "type": "number", "default": param.default}
               for key, param in LAYER_PARAMETERS.items()},
            "weights": {
                "description": "One row per unit of this layer, one column per unit of the previous layer.",
                "type": "array", "minItems": 1, "items": {"type": "array", "minItems": 1, "items": {"type": "number"}},
            },
            "weight_names": {
                "description": "Names in the shape of weights; default w<k>, k the weight's position in the "
                               "whole network, row by row, layer by layer.",
                "type": "array", "minItems": 1, "items": {"$ref": "#/$defs/names"},
            },
            "bias": {"description": "none, shared (one bias for the layer) or per_unit (one per unit).",
                     "enum": list(BIAS_MODES), "default": "none"},
            "biases": {"description": "shared: one number; per_unit: one number per unit. Default 0.",
                       "anyOf": [{"type": "number"}, {"$ref": "#/$defs/numbers"}]},
            "bias_names": {"description": "shared: one name (default b<layer>); per_unit: one per unit "
                                          "(default b<layer>_<unit>).",
                           "anyOf": [{"$ref": "#/$defs/name"}, {"$ref": "#/$defs/names"}]},
            "train_bias": {"description": "Whether the update step changes the biases.", "type": "boolean",
                           "default": True},
        },
        "allOf": [
            # a parameter belongs to its activations (leaky_slope to leaky_relu); elsewhere only
            # its default value is tolerated
            *({"if": {"properties": {"activation": _one_of(_with_aliases(takers(param)))}},
               "else": {"properties": {key: {"const": param.default}}}}
              for key, param in LAYER_PARAMETERS.items()),
            {"if": {"required": ["bias"], "properties": {"bias": {"const": "shared"}}},
             "then": {"properties": {"biases": {"type": "number"}, "bias_names": {"$ref": "#/$defs/name"}}}},
            {"if": {"required": ["bias"], "properties": {"bias": {"const": "per_unit"}}},
             "then": {"properties": {"biases": {"$ref": "#/$defs/numbers"}, "bias_names": {"$ref": "#/$defs/names"}}}},
            {"if": {"anyOf": [{"not": {"required": ["bias"]}}, {"properties": {"bias": {"const": "none"}}}]},
             "then": bias_keys_absent},
        ],
    }


def _activations() -> str:
    """`identity (alias linear), sigmoid (alias logistic), ..., or softmax (output layer only).`"""
    parts = []
    for a in ACTIVATIONS.values():
        aliases = f" (alias {', '.join(a.aliases)})" if a.aliases else ""
        parts.append(f"{a.name}{aliases}{' (output layer only)' if a.output_only else ''}")
    return ", ".join(parts[:-1]) + f", or {parts[-1]}." if len(parts) > 1 else parts[0] + "."


def _with_aliases(names: tuple[str, ...]) -> list[str]:
    return [*names, *(alias for alias, name in ACTIVATION_ALIASES.items() if name in names)]


def _one_of(values: list[str]) -> dict[str, Any]:
    return {"const": values[0]} if len(values) == 1 else {"enum": values}


def _bounds(low: float, high: float | None) -> dict[str, Any]:
    """Schema bounds of a target range (whole numbers as integers, as a person writes them)."""
    def plain(x: float) -> float | int:
        return int(x) if x == int(x) else x
    return {"minimum": plain(low)} if high is None else {"minimum": plain(low), "maximum": plain(high)}


def _sample() -> dict[str, Any]:
    """One sample."""
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["inputs", "targets"],
        "properties": {
            "inputs": {"description": "One number per input.", "$ref": "#/$defs/numbers", "minItems": 1},
            "targets": {"description": "One number per output unit.", "$ref": "#/$defs/numbers", "minItems": 1},
        },
    }


def _targets_when(loss: str, bounds: dict[str, Any]) -> dict[str, Any]:
    """With this loss, every target lies within the bounds."""
    return {
        "if": {"required": ["loss"], "properties": {"loss": {"const": loss}}},
        "then": {"properties": {"samples": {"items": {"properties": {"targets": {"items": bounds}}}}}},
    }


def _display() -> dict[str, Any]:
    """`display:` presentation only."""
    return {
        "description": "Presentation only: never changes a number.",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "style": {"description": "scalar: one chain rule per weight; matrix: the matrix form; delta: "
                                     "dC/dz per unit, the backward pass as a reversed net.",
                      "enum": list(STYLES), "default": "scalar"},
            "precision": {"description": "Significant digits shown.", "type": "integer", "minimum": 1,
                          "maximum": 17, "default": 9},
            "lang": {"description": "Language of the walk-through.", "enum": list(LANGS), "default": "en"},
            "input_gradients": {"description": "bpwalk's addition: the backward pass goes on to dLoss/dx of each "
                                               "input (dinput.X), from the first layer's deltas and weights.",
                                "type": "boolean", "default": False},
            "convention": {"description": "How delta and the update are written: gradient: delta = dE/dnet, "
                                          "w+ = w - eta*dE/dw (as Mazur); error: delta = -dE/dnet = (t - o)*f'(net), "
                                          "dw = eta*delta*x, w+ = w + dw (as Mitchell). expect then reads delta.U "
                                          "and dE_dout.U with that sign too.",
                           "enum": list(CONVENTIONS), "default": "gradient"},
            "symbols": {
                "description": "Notation overrides, e.g. {pre_activation: z, activation: a, learning_rate: α}.",
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    key: {"type": "string", "minLength": 1} if key in NAMED_SYMBOLS else {"type": "string"}
                    for key in SYMBOL_KEYS
                },
            },
        },
    }


def _expect() -> dict[str, Any]:
    """One `expect` entry."""
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["key", "value"],
        "properties": {
            "key": {"description": "net.U, out.U, error.O, delta.U, loss, total_loss, grad.P, new.P, "
                                   "dE_dout.U, dout_dnet.U, dinput.X (with display.input_gradients), or final. "
                                   "before net, out, error, loss or total_loss.",
                    "type": "string", "pattern": EXPECT_KEY_PATTERN},
            "value": {"description": "The printed value; its decimals as written set the tolerance.",
                      "type": "number"},
            "iteration": {"description": "Default 1; ignored for final.*.", "type": "integer", "minimum": 1,
                          "default": 1},
            "sample": {"description": "Default 1; give none for grad.P/new.P with update: batch (the "
                                      "iteration's); ignored for total_loss.",
                       "type": "integer", "minimum": 1},
            "batch": {"description": "With update: minibatch, the batch of an update key (grad, new, change, "
                                     "the optimizer's state, penalty); default 1.",
                      "type": "integer", "minimum": 1},
            "note": {"description": "Free text.", "type": "string"},
            "erratum": {"description": "Why the printed value is wrong (extension).", "type": "string",
                        "minLength": 1},
            "correct": {"description": "The right value, at the precision written (extension; with erratum).",
                        "type": "number"},
        },
        "dependentRequired": {"correct": ["erratum"]},
    }
