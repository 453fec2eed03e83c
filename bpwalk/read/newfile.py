"""`bpwalk new`: a fresh scenario file with random weights, commented so a teacher can edit it.

Numbers have two decimals, so that a student can follow them by hand. The text is built
line by line (not dumped from data) because the comments are the point.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Union

from bpwalk.errors import BpwalkError
from bpwalk.ops import ACTIVATION_ALIASES, ACTIVATIONS, LOSSES, OPTIMIZERS, either, probability_outputs
from bpwalk.scenario import STYLES

# what --activation (the hidden layers) and --output accept, in the registry's order
HIDDEN = tuple(name for name, a in ACTIVATIONS.items() if not a.output_only)
OUTPUTS = tuple(ACTIVATIONS)


@dataclass(frozen=True)
class NewOptions:
    layers: tuple[int, ...] = (2, 2, 2)       # inputs, hidden..., outputs
    activation: str = "sigmoid"               # hidden layers
    output: str | None = None                 # output layer (default: fits the loss)
    loss: str = "half_sse"
    samples: int = 1
    seed: int = 1
    bias: str = "shared"
    learning_rate: float = 0.5
    title: str | None = None


def _check(opts: NewOptions) -> str:
    """Validate the options; returns the output activation to use."""
    if len(opts.layers) < 2 or any(n < 1 for n in opts.layers):
        raise BpwalkError("--layers: give at least two counts, each 1 or more (inputs, ..., outputs), e.g. 2,3,1")
    if sum(a * b for a, b in zip(opts.layers, opts.layers[1:])) > 10_000:
        raise BpwalkError("--layers: more than 10,000 weights is too many to walk through; use fewer units")
    activation = ACTIVATION_ALIASES.get(opts.activation, opts.activation)
    if activation not in HIDDEN:
        raise BpwalkError(f"--activation: expected one of {', '.join(HIDDEN)}, found '{opts.activation}'")
    if opts.loss not in LOSSES:
        raise BpwalkError(f"--loss: expected one of {', '.join(LOSSES)}, found '{opts.loss}'")
    loss = LOSSES[opts.loss]
    if opts.bias not in ("none", "shared", "per_unit"):
        raise BpwalkError(f"--bias: expected none, shared or per_unit, found '{opts.bias}'")
    if not 1 <= opts.samples <= 1000:
        raise BpwalkError("--samples: expected 1..1000")
    if not opts.learning_rate > 0:
        raise BpwalkError("--learning-rate: expected a number > 0")
    output = opts.output
    if output is None:
        if loss.suggested_output:
            output = loss.suggested_output
            if ACTIVATIONS[output].layer_wise and opts.layers[-1] == 1:
                output = "sigmoid"   # a softmax of one unit is always 1
        else:
            # squared errors: sigmoid outputs as in Mazur's example, else a linear (regression) output
            output = "sigmoid" if activation == "sigmoid" else "identity"
    output = ACTIVATION_ALIASES.get(output, output)
    if output not in OUTPUTS:
        raise BpwalkError(f"--output: expected one of {', '.join(OUTPUTS)}, found '{output}'")
    if loss.needs_probability and not ACTIVATIONS[output].probability:
        raise BpwalkError(f"--loss {opts.loss} needs a {either(probability_outputs())} output layer (--output)")
    return output


def _num(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".") if x != 0 else "0"


def _row(values: list[float]) -> str:
    return "[" + ", ".join(_num(v) for v in values) + "]"


COMMENT_COLUMN = 36     # where the comments of a new file start, so that they read as one column

Line = Union[str, tuple[str, str]]      # a line, or (code, its comment)


def _laid_out(lines: list[Line]) -> str:
    """The file's text, every comment of a code line starting at one column."""
    out = []
    for line in lines:
        if isinstance(line, tuple):
            code, comment = line
            out.append(f"{code.ljust(COMMENT_COLUMN - 1)} # {comment}")
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def _scalar(text: str) -> str:
    """A string as a YAML scalar: plain where YAML reads it back as the same text, else quoted."""
    import json   # only for a title that needs quotes; `bpwalk run` imports this module's choices

    plain = re.fullmatch(r"[A-Za-z0-9(\u4e00-\u9fff][^#:'\"{}\[\]&*!|>%@`]*", text) and not text.endswith(" ")
    return text if plain else json.dumps(text, ensure_ascii=False)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def title_of(sizes: list[int], hidden: str, output: str, loss: str) -> str:
    """`A 2-3-3 network (sigmoid hidden layer, softmax outputs, cross_entropy loss)`: what the file holds."""
    shape = "-".join(map(str, sizes))
    layers = len(sizes) - 2
    parts = [f"{hidden} hidden layer{'s' if layers > 1 else ''}"] if layers else []
    parts += [f"{output} output{'s' if sizes[-1] > 1 else ''}", f"{loss} loss"]
    return f"A {shape} network ({', '.join(parts)})"


def new_scenario_text(opts: NewOptions) -> str:
    """The YAML text of a new scenario.

    Raises:
        BpwalkError: the options do not make a valid scenario.
    """
    output = _check(opts)
    loss = LOSSES[opts.loss]
    rng = random.Random(opts.seed)
    sizes = opts.layers
    inputs = [f"x{i}" for i in range(1, sizes[0] + 1)]
    title = opts.title or title_of(sizes, opts.activation, output, opts.loss)
    hidden = len(sizes) - 2
    lines: list[Line] = [
        "# A bpwalk scenario: edit the numbers, then `bpwalk validate` this file and `bpwalk run` it.",
        f"# Made by: bpwalk new --layers {','.join(map(str, sizes))} --activation {opts.activation} "
        f"--output {output} --loss {opts.loss} --samples {opts.samples} --seed {opts.seed}",
        "# The format, key by key: `bpwalk docs`; a JSON Schema for editors: `bpwalk schema`.",
        "bpwalk: 1",
        f"title: {_scalar(title)}",
        "description: |",
        f"  {_plural(sizes[0], 'input')}, {_plural(hidden, 'hidden layer')}"
        + (f" of {opts.activation} units" if hidden else "")
        + f", {_plural(sizes[-1], output + ' output')}, {opts.loss} loss; random weights (seed {opts.seed}).",
        "",
        "network:",
        f"  inputs: [{', '.join(inputs)}]",
        "  layers:",
    ]
    weight = 1
    hidden_unit = 1
    for l, (n_in, n_out) in enumerate(zip(sizes, sizes[1:]), 1):
        last = l == len(sizes) - 1
        if last:
            units = [f"o{k}" for k in range(1, n_out + 1)]
        else:
            units = [f"h{hidden_unit + k}" for k in range(n_out)]
            hidden_unit += n_out
        act = output if last else opts.activation
        choices = " | ".join(OUTPUTS if last else HIDDEN)
        lines += [
            f"    # layer {l}: {'the output layer' if last else 'a hidden layer'}",
            f"    - units: [{', '.join(units)}]",
            (f"      activation: {act}", choices) if l == 1 or last else f"      activation: {act}",
            ("      weights:", "a row per unit of this layer, a column per unit feeding it"),
        ]
        for u in units:
            row = [round(rng.uniform(-1, 1), 2) for _ in range(n_in)]
            names = " ".join(f"w{weight + j}" for j in range(n_in))
            weight += n_in
            lines.append((f"        - {_row(row)}", f"into {u}: {names}"))
        if opts.bias == "shared":
            lines += [("      bias: shared", "one bias for the whole layer (none | shared | per_unit)"),
                      f"      biases: {_num(round(rng.uniform(-0.5, 0.5), 2))}",
                      ("      train_bias: true", "false keeps the bias fixed, as in Mazur's example")]
        elif opts.bias == "per_unit":
            biases = [round(rng.uniform(-0.5, 0.5), 2) for _ in units]
            lines += [("      bias: per_unit", "one bias per unit (none | shared | per_unit)"),
                      f"      biases: {_row(biases)}"]
    lines += [
        "",
        (f"loss: {opts.loss}", " | ".join(LOSSES)),
        ("reduction: sum", "how the samples' losses make the total: sum | mean"),
        f"learning_rate: {opts.learning_rate}",
        ("update: batch", "batch: one update per iteration | per_sample: one per sample | minibatch"),
        ("iterations: 1", "the walk-through; `bpwalk train` runs many more"),
        ("# optimizer:", "default plain gradient descent; each with its options and their defaults:"),
        *(f"#   {{name: {name}{''.join(f', {o.key}: {o.default:g}' for o in entry.options)}}}"
          for name, entry in OPTIMIZERS.items()),
        ("# regularization: {l2: 0.001, biases: false}", "an L2 penalty (λ/2)·Σw² added to the loss"),
        "",
        ("samples:", "inputs: a number per input; targets: one per output unit"),
    ]
    for _ in range(opts.samples):
        x = [round(rng.uniform(0, 1), 2) for _ in inputs]
        out = ACTIVATIONS[output]
        if out.layer_wise and out.probability:
            # outputs that sum to 1 (softmax): a one-hot target
            hot = rng.randrange(sizes[-1])
            t = [1.0 if k == hot else 0.0 for k in range(sizes[-1])]
        elif out.probability or loss.needs_probability:
            t = [round(rng.uniform(0.01, 0.99), 2) for _ in range(sizes[-1])]
        else:
            t = [round(rng.uniform(-1, 1), 2) for _ in range(sizes[-1])]
        lines.append(f"  - {{inputs: {_row(x)}, targets: {_row(t)}}}")
    lines += [
        "",
        "display:",
        ("  style: scalar", " | ".join(STYLES)),
        ("  precision: 6", "significant digits shown"),
        "",
        ("# expect:", "numbers a document printed, for `bpwalk check`"),
        "#   - {key: out.o1, value: 0.5}",
    ]
    return _laid_out(lines)
