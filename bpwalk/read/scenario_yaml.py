"""A `Scenario` as the YAML text of a scenario file, which `load_scenario` reads back as the same scenario.

Every number is written as Python's repr of the double, which YAML 1.2 reads back exactly; names
and texts are quoted where a plain scalar would not read back as the same string. The `expect`
entries are not written (they are a document's printed numbers, which a built scenario has none of).
"""

from __future__ import annotations

import json
import math
import re
from typing import Iterable

from bpwalk.ops import OPTIMIZERS, PARAMETERS
from bpwalk.scenario import Display, Layer, Scenario

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_RESERVED = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "nan", "inf"}


def _num(x: float) -> str:
    if math.isnan(x):
        return ".nan"
    if math.isinf(x):
        return ".inf" if x > 0 else "-.inf"
    return repr(float(x))


def _text(s: str) -> str:
    """A name or text as a YAML scalar that reads back as the same string."""
    plain = _PLAIN.fullmatch(s) and s.lower() not in _RESERVED
    return s if plain else json.dumps(s, ensure_ascii=False)


def _flow(items: Iterable[str]) -> str:
    return "[" + ", ".join(items) + "]"


def _layer(layer: Layer, names: bool) -> list[str]:
    lines = [f"    - units: {_flow(map(_text, layer.units))}" if names else "    - units: " + str(len(layer.units)),
             f"      activation: {layer.activation}"]
    slope = PARAMETERS["slope"]
    if layer.activation == "leaky_relu" or layer.leaky_slope != slope.default:
        lines.append(f"      {slope.key}: {_num(layer.leaky_slope)}")
    lines.append("      weights:")
    lines += [f"        - {_flow(map(_num, row))}" for row in layer.weights]
    if names:
        lines.append("      weight_names:")
        lines += [f"        - {_flow(map(_text, row))}" for row in layer.weight_names]
    if layer.bias != "none":
        lines.append(f"      bias: {layer.bias}")
        if layer.bias == "shared":
            lines.append(f"      biases: {_num(layer.biases[0])}")
            if names:
                lines.append(f"      bias_names: {_text(layer.bias_names[0])}")
        else:
            lines.append(f"      biases: {_flow(map(_num, layer.biases))}")
            if names:
                lines.append(f"      bias_names: {_flow(map(_text, layer.bias_names))}")
        lines.append(f"      train_bias: {'true' if layer.train_bias else 'false'}")
    return lines


def _display(display: Display) -> list[str]:
    default = Display()
    lines = []
    if display.style != default.style:
        lines.append(f"  style: {display.style}")
    if display.precision != default.precision:
        lines.append(f"  precision: {display.precision}")
    if display.lang != default.lang:
        lines.append(f"  lang: {display.lang}")
    if display.convention != default.convention:
        lines.append(f"  convention: {display.convention}")
    if display.symbols:
        pairs = ", ".join(f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in display.symbols)
        lines.append(f"  symbols: {{{pairs}}}")
    if display.input_gradients:
        lines.append("  input_gradients: true")
    return ["", "display:", *lines] if lines else []


def to_yaml(sc: Scenario, comment: str = "", names: bool = True) -> str:
    """The scenario file of `sc`: `bpwalk validate` accepts it and `load_scenario` reads back `sc`
    (with no `expect`, and `path` the file's).

    Args:
        sc: any scenario (one read from a file, or built by `bpwalk.from_torch`).
        comment: a line or lines written as a comment at the top (how the file was made).
        names: False leaves out the names of the inputs, units, weights and biases, so that the
            loader gives its default ones (x1.., h1.. and o1.., w1.., b1..).
    """
    lines = [f"# {line}" for line in comment.splitlines()]
    lines += ["bpwalk: 1", f"title: {json.dumps(sc.title, ensure_ascii=False)}"]
    if sc.source:
        lines.append(f"source: {json.dumps(sc.source, ensure_ascii=False)}")
    if sc.description:
        lines.append(f"description: {json.dumps(sc.description, ensure_ascii=False)}")
    inputs = _flow(map(_text, sc.inputs)) if names else str(len(sc.inputs))
    lines += ["", "network:", f"  inputs: {inputs}", "  layers:"]
    for layer in sc.layers:
        lines += _layer(layer, names)
    lines += ["", f"loss: {sc.loss}", f"reduction: {sc.reduction}", f"learning_rate: {_num(sc.learning_rate)}",
              f"update: {sc.update}"]
    if sc.batch_size is not None:
        lines.append(f"batch_size: {sc.batch_size}")
    lines.append(f"iterations: {sc.iterations}")
    if sc.optimizer is not None:
        known = {o.key for o in OPTIMIZERS[sc.optimizer.name].options}
        options = "".join(f", {key}: {_num(value)}" for key, value in sc.optimizer.options if key in known)
        lines.append(f"optimizer: {{name: {sc.optimizer.name}{options}}}")
    if sc.regularization is not None:
        reg = sc.regularization
        lines.append(f"regularization: {{l2: {_num(reg.l2)}, biases: {'true' if reg.biases else 'false'}}}")
    lines += ["", "samples:"]
    for s in sc.samples:
        lines += [f"  - inputs: {_flow(map(_num, s.inputs))}", f"    targets: {_flow(map(_num, s.targets))}"]
    lines += _display(sc.display)
    return "\n".join(lines) + "\n"
