"""Read and check `network:`: the inputs, the layers, their parameters and every name.

Default names follow the format: inputs x1..xn; hidden units h<k> with k the unit's position
among all hidden units (h1, h2 | h3, h4); output units o1..oK; weights w<k> with k the weight's
position in the whole network, row by row, layer by layer; biases b<layer> (shared) or
b<layer>_<unit> (per unit). Every name, given or default, is unique across the network.
"""

from __future__ import annotations

from dataclasses import dataclass

from bpwalk.ops import ACTIVATION_ALIASES, ACTIVATIONS, LAYER_PARAMETERS, either, takers
from bpwalk.scenario import BIAS_MODES, MAX_PARAMETERS, Layer
from bpwalk.read.validate_values import (
    at,
    boolean,
    choice,
    describe,
    fail,
    integer,
    listing,
    mapping,
    name,
    number,
    numbers,
    plural,
    sequence,
)
from bpwalk.read.yamlread import Node

LAYER_KEYS = (
    "units", "activation", *LAYER_PARAMETERS, "weights", "weight_names", "bias", "biases", "bias_names",
    "train_bias",
)


@dataclass(frozen=True)
class Network:
    """The checked network: input names and layers (the last is the output layer)."""

    inputs: tuple[str, ...]
    layers: tuple[Layer, ...]


@dataclass(frozen=True)
class _DefaultWeights:
    """The default names w<first>... of one layer's weights, located only when one clashes."""

    weights: Node
    path: str
    first: int
    width: int

    def locate(self, weight: str) -> tuple[Node, str]:
        """The weight's value node and key path: `w7` -> `network.layers[1].weights[0][1]`."""
        row, column = divmod(int(weight[1:]) - self.first, self.width)
        return self.weights.value[row].value[column], f"{self.path}[{row}][{column}]"


class _Names:
    """Every name seen so far, with where it came from, so that a clash can name both places."""

    def __init__(self) -> None:
        # name -> (line, key path, default?), or the block of default weight names it belongs to
        self.seen: dict[str, tuple[int, str, bool] | _DefaultWeights] = {}

    def add(self, new: str, node: Node, path: str, default: str = "") -> None:
        """Record a name; `default` is the hint to give when a default name clashes."""
        prior = self.seen.get(new)
        if prior is not None:
            self._clash(new, node, path, default, prior)
        self.seen[new] = (node.line, path, bool(default))

    def add_default_weights(self, block: _DefaultWeights, new: list[str]) -> None:
        """Record a layer's default weight names at once (a layer may have 100,000 of them)."""
        if not self.seen.keys().isdisjoint(new):
            weight = next(each for each in new if each in self.seen)
            node, path = block.locate(weight)
            self._clash(weight, node, path, "give this layer weight_names", self.seen[weight])
        self.seen.update(dict.fromkeys(new, block))

    @staticmethod
    def _clash(new: str, node: Node, path: str, default: str, prior: tuple[int, str, bool] | _DefaultWeights) -> None:
        """Refuse a name used before, naming both places."""
        if isinstance(prior, _DefaultWeights):
            prior_node, prior_path = prior.locate(new)
            line, prior_default = prior_node.line, True
        else:
            line, prior_path, prior_default = prior
        where = f"{prior_path} (line {line})"
        if default:
            message = f"the default name '{new}' is already used by {where}; {default}"
        elif prior_default:
            message = f"'{new}' is already the default name of {where}; names must be unique in the network"
        else:
            message = f"'{new}' is already the name of {where}; names must be unique in the network"
        fail(node, path, message)


@dataclass
class _Counts:
    """Running totals across the layers, for default names and the parameter limit."""

    hidden_units: int = 0
    weights: int = 0
    parameters: int = 0


def read_network(node: Node, path: str = "network") -> Network:
    """Check `network:` and build its layers.

    Args:
        node: the value of `network`.
        path: its key path.

    Returns:
        The input names and the layers, with every default filled in.

    Raises:
        Invalid: the first rule broken, at its node.
    """
    fields = mapping(node, path, ("inputs", "layers"), ("inputs", "layers"),
                     "a mapping with inputs and layers")
    names = _Names()
    inputs = _read_inputs(fields["inputs"], at(path, "inputs"), names)
    layers_path = at(path, "layers")
    layer_nodes = sequence(fields["layers"], layers_path, "a list of layers")
    if not layer_nodes:
        fail(fields["layers"], layers_path, "expected at least one layer (the last is the output layer), "
                                            "found an empty list")
    counts = _Counts()
    layers: list[Layer] = []
    previous = inputs
    for index, layer_node in enumerate(layer_nodes):
        is_output = index == len(layer_nodes) - 1
        layer = _read_layer(layer_node, at(layers_path, index), index, is_output, previous, names, counts)
        layers.append(layer)
        previous = layer.units
    return Network(inputs, tuple(layers))


def _read_inputs(node: Node, path: str, names: _Names) -> tuple[str, ...]:
    """`inputs:` as names, or a count n meaning x1..xn."""
    if node.kind == "int":
        # Each input needs a weight, so a count beyond the parameter limit cannot be right.
        count = integer(node, path, 1, MAX_PARAMETERS, "a count of inputs")
        inputs = tuple(f"x{k}" for k in range(1, count + 1))
        for each in inputs:
            names.add(each, node, path, "name the inputs: inputs: [...]")
        return inputs
    if node.kind != "list":
        fail(node, path, f"expected a list of input names or a count of inputs, found {describe(node)}")
    if not node.value:
        fail(node, path, "expected at least one input name (or a count), found an empty list")
    inputs = tuple(name(item, at(path, k)) for k, item in enumerate(node.value))
    for k, item in enumerate(node.value):
        names.add(inputs[k], item, at(path, k))
    return inputs


def _read_layer(node: Node, path: str, index: int, is_output: bool, previous: tuple[str, ...],
                names: _Names, counts: _Counts) -> Layer:
    """One layer: activation, units, weights and biases, checked against the previous layer."""
    fields = mapping(node, path, LAYER_KEYS, ("activation", "weights"),
                     "a layer: a mapping with units, activation, weights, ...")
    keys = node.keys or {}
    activation = choice(fields["activation"], at(path, "activation"), tuple(ACTIVATIONS), ACTIVATION_ALIASES)
    entry = ACTIVATIONS[activation]
    if entry.output_only and not is_output:
        fail(fields["activation"], at(path, "activation"),
             f"{activation} is allowed on the output layer only; this is hidden layer {index + 1}")
    params: dict[str, float] = {}
    for key, param in LAYER_PARAMETERS.items():
        owned = entry.param is not None and entry.param.key == key
        value = param.default
        if key in fields:
            value = number(fields[key], at(path, key), f"{param.meaning}, a number")
            # Elsewhere a parameter is an error, except the default, which changes nothing: the
            # format's own annotated example carries `leaky_slope: 0.01` on a sigmoid layer.
            if not owned and value != param.default:
                fail(keys[key], at(path, key), f"{key} goes with activation: {either(takers(param))} only; "
                                               f"this layer's activation is {activation}")
        params[key] = value if owned else param.default

    units = _read_units(node, fields, path, is_output, names, counts)
    weights = _read_weights(fields["weights"], at(path, "weights"), units, previous, counts)
    weight_names = _read_weight_names(fields, path, units, previous, names, counts)
    bias, biases, bias_names, train_bias = _read_bias(node, fields, path, index, units, names)
    counts.parameters += len(biases)
    if counts.parameters > MAX_PARAMETERS:
        fail(fields["biases"] if "biases" in fields else fields["bias"], at(path, "biases"),
             f"the network has more than {MAX_PARAMETERS:,} parameters; the limit is {MAX_PARAMETERS:,}")
    return Layer(
        units=units, activation=activation, weights=weights, weight_names=weight_names, bias=bias,
        biases=biases, bias_names=bias_names, train_bias=train_bias, **params,
    )


def _read_units(node: Node, fields: dict[str, Node], path: str, is_output: bool, names: _Names,
                counts: _Counts) -> tuple[str, ...]:
    """`units:` as names or a count; without it, one unit per row of `weights`."""
    units_path = at(path, "units")
    given = fields.get("units")
    if given is not None and given.kind == "list":
        if not given.value:
            fail(given, units_path, "expected at least one unit name (or a count), found an empty list")
        units = tuple(name(item, at(units_path, k)) for k, item in enumerate(given.value))
        for k, item in enumerate(given.value):
            names.add(units[k], item, at(units_path, k))
    else:
        if given is None:
            # No units: as many as the weights have rows, with default names.
            count = len(sequence(fields["weights"], at(path, "weights"),
                                 "a list of rows of numbers, one row per unit of this layer"))
            if count == 0:
                fail(fields["weights"], at(path, "weights"),
                     "expected one row of numbers per unit of this layer, found an empty list")
            source, source_path = node, path
        elif given.kind == "int":
            count = integer(given, units_path, 1, MAX_PARAMETERS, "a count of units")
            source, source_path = given, units_path
        else:
            fail(given, units_path, f"expected a list of unit names or a count of units, found {describe(given)}")
        if is_output:
            units = tuple(f"o{k}" for k in range(1, count + 1))
        else:
            first = counts.hidden_units + 1
            units = tuple(f"h{k}" for k in range(first, first + count))
        for unit in units:
            names.add(unit, source, source_path, "name the units: units: [...]")
    if not is_output:
        counts.hidden_units += len(units)
    return units


def _read_weights(node: Node, path: str, units: tuple[str, ...], previous: tuple[str, ...],
                  counts: _Counts) -> tuple[tuple[float, ...], ...]:
    """`weights:` one row per unit of this layer, one column per unit of the previous layer."""
    rows = sequence(node, path, f"a list of rows of numbers, one row per unit of this layer ({listing(units)})")
    if rows and rows[0].kind in ("int", "float"):
        fail(node, path, f"expected {plural(len(units), 'row')} (one per unit of this layer: {listing(units)}), "
                         "found a list of numbers; put each row in its own brackets: [[w, w], [w, w]]")
    if len(rows) != len(units):
        fail(node, path, f"expected {plural(len(units), 'row')} (one per unit of this layer: {listing(units)}), "
                         f"found {len(rows):,}")
    counts.parameters += len(units) * len(previous)
    if counts.parameters > MAX_PARAMETERS:
        fail(node, path, f"the network has more than {MAX_PARAMETERS:,} parameters; the limit is {MAX_PARAMETERS:,}")
    what = f"one per unit of the previous layer: {listing(previous)}"
    return tuple(numbers(row, at(path, r), len(previous), what) for r, row in enumerate(rows))


def _read_weight_names(fields: dict[str, Node], path: str, units: tuple[str, ...], previous: tuple[str, ...],
                       names: _Names, counts: _Counts) -> tuple[tuple[str, ...], ...]:
    """`weight_names:` in the shape of `weights`; by default w<k>, numbered across the network."""
    first = counts.weights + 1
    counts.weights += len(units) * len(previous)
    given = fields.get("weight_names")
    if given is None:
        width = len(previous)
        flat = [f"w{k}" for k in range(first, counts.weights + 1)]
        names.add_default_weights(_DefaultWeights(fields["weights"], at(path, "weights"), first, width), flat)
        return tuple(tuple(flat[start:start + width]) for start in range(0, len(flat), width))
    names_path = at(path, "weight_names")
    rows = sequence(given, names_path, "a list of rows of names, in the shape of weights")
    if len(rows) != len(units):
        fail(given, names_path, f"expected {plural(len(units), 'row')} of names (one per unit of this layer: "
                                f"{listing(units)}), found {len(rows):,}")
    result = []
    for r, row in enumerate(rows):
        row_path = at(names_path, r)
        items = _names_list(row, row_path, len(previous), f"one per unit of the previous layer: {listing(previous)}")
        for c, item in enumerate(row.value):
            names.add(items[c], item, at(row_path, c))
        result.append(items)
    return tuple(result)


def _names_list(node: Node, path: str, count: int, what: str) -> tuple[str, ...]:
    """A list of exactly `count` names."""
    expected = f"{plural(count, 'name')} ({what})"
    if node.kind != "list":
        hint = f"; write [{node.value}]" if count == 1 and node.kind == "str" else ""
        fail(node, path, f"expected a list of {expected}, found {describe(node)}{hint}")
    if len(node.value) != count:
        fail(node, path, f"expected {expected}, found {len(node.value):,}")
    return tuple(name(item, at(path, k)) for k, item in enumerate(node.value))


def _read_bias(node: Node, fields: dict[str, Node], path: str, index: int, units: tuple[str, ...],
               names: _Names) -> tuple[str, tuple[float, ...], tuple[str, ...], bool]:
    """`bias`, `biases`, `bias_names`, `train_bias`: the mode, values, names and whether trained."""
    keys = node.keys or {}
    bias_path = at(path, "bias")
    bias = choice(fields["bias"], bias_path, BIAS_MODES) if "bias" in fields else "none"
    if bias == "none":
        for key in ("biases", "bias_names", "train_bias"):
            if key in fields:
                default = "" if "bias" in fields else " (the default)"
                fail(keys[key], at(path, key),
                     f"{key} needs bias: shared or bias: per_unit; this layer has bias: none{default}")
        return "none", (), (), True
    biases_path, names_path = at(path, "biases"), at(path, "bias_names")
    if bias == "shared":
        biases: tuple[float, ...] = (0.0,)
        if "biases" in fields:
            biases = (_shared_bias(fields["biases"], biases_path),)
        if "bias_names" in fields:
            given = fields["bias_names"]
            if given.kind == "list":
                fail(given, names_path, f"expected one name (bias: shared), found {describe(given)}")
            bias_names: tuple[str, ...] = (name(given, names_path),)
            names.add(bias_names[0], given, names_path)
        else:
            bias_names = (f"b{index + 1}",)
            names.add(bias_names[0], fields["bias"], bias_path, "give the layer bias_names")
    else:
        what = f"bias: per_unit, one per unit: {listing(units)}"
        biases = (0.0,) * len(units)
        if "biases" in fields:
            biases = numbers(fields["biases"], biases_path, len(units), what)
        if "bias_names" in fields:
            given = fields["bias_names"]
            bias_names = _names_list(given, names_path, len(units), what)
            for k, item in enumerate(given.value):
                names.add(bias_names[k], item, at(names_path, k))
        else:
            bias_names = tuple(f"b{index + 1}_{u}" for u in range(1, len(units) + 1))
            for each in bias_names:
                names.add(each, fields["bias"], bias_path, "give the layer bias_names")
    train_bias = boolean(fields["train_bias"], at(path, "train_bias")) if "train_bias" in fields else True
    return bias, biases, bias_names, train_bias


def _shared_bias(node: Node, path: str) -> float:
    """The one number of a shared bias (a list gets a hint towards per_unit)."""
    if node.kind == "list":
        fail(node, path, f"expected one number (bias: shared), found {describe(node)}; "
                         "for one bias per unit, write bias: per_unit")
    return number(node, path, "one number (bias: shared)")

