"""Turn a scenario file into a `Scenario`, checking every rule of docs/scenario-format.md.

The first broken rule stops the reading with one `ScenarioError` that names the file, the line
and column, the key path (`network.layers[0].weights[1]`), what was expected and what was found.
Nothing is computed before the whole file has passed.

The checks live in three modules: `validate_network` (inputs, layers, names), `validate_expect`
(expect entries) and this one (the rest); `validate_values` holds the typed readers they share.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bpwalk.errors import ScenarioError, Where
from bpwalk.ops import LOSSES, either, probability_outputs
from bpwalk.scenario import (
    LANGS,
    MAX_ITERATIONS,
    MAX_SAMPLES,
    REDUCTIONS,
    CONVENTIONS,
    STYLES,
    SYMBOL_KEYS,
    UPDATES,
    Display,
    Sample,
    Scenario,
)
from bpwalk.read.validate_expect import read_expect
from bpwalk.read.validate_network import Network, read_network
from bpwalk.read.validate_training import read_batch_size, read_optimizer, read_regularization
from bpwalk.read.validate_values import (
    Invalid,
    at,
    boolean,
    choice,
    describe,
    fail,
    integer,
    listing,
    mapping,
    number,
    numbers,
    plural,
    sequence,
    string,
)
from bpwalk.read.yamlread import Node, read_yaml_file, read_yaml_text

TOP_KEYS = (
    "bpwalk", "title", "description", "source", "network", "loss", "reduction", "learning_rate",
    "update", "batch_size", "optimizer", "regularization", "iterations", "samples", "display", "expect",
)
REQUIRED_KEYS = ("title", "network", "learning_rate", "samples")
DISPLAY_KEYS = ("style", "precision", "lang", "symbols", "input_gradients", "convention")
FORMAT_VERSION = 1
# Symbols that stand alone and so cannot be empty; the others prefix a unit's name.
NAMED_SYMBOLS = ("loss", "total_loss", "learning_rate")


def scenario_from_file(path: Path) -> Scenario:
    """Read and validate a scenario file.

    Args:
        path: a YAML file written to docs/scenario-format.md.

    Returns:
        The scenario, with every default filled in and `path` set.

    Raises:
        ScenarioError: the file cannot be read, is not YAML, or breaks a rule of the format.
    """
    return scenario_from_node(read_yaml_file(path), str(path))


def scenario_from_text(text: str, path: str = "<string>") -> Scenario:
    """Validate a scenario given as text (for tests and for built-in examples).

    Args:
        text: the YAML document.
        path: the name to give in messages and in `Scenario.path`.

    Returns:
        The validated scenario.

    Raises:
        ScenarioError: the text is not YAML or breaks a rule of the format.
    """
    return scenario_from_node(read_yaml_text(text, path), path)


def scenario_from_node(root: Node, path: str) -> Scenario:
    """Validate a document read by `bpwalk.read.yamlread`.

    Args:
        root: the document's root node.
        path: the file name, for messages.

    Returns:
        The validated scenario.

    Raises:
        ScenarioError: the first rule broken, with its file, line, column and key path.
    """
    try:
        return _read_scenario(root, path)
    except Invalid as err:
        raise ScenarioError(Where(path, err.line, err.col), err.key, err.message) from None


def _read_scenario(root: Node, path: str) -> Scenario:
    """Every top-level key, in the order a reader of the file would check them."""
    fields = mapping(root, "", TOP_KEYS, REQUIRED_KEYS,
                     "a mapping of scenario keys (title, network, learning_rate, samples, ...)")
    if "bpwalk" in fields:
        version = fields["bpwalk"]
        if version.kind != "int" or version.value != FORMAT_VERSION:
            fail(version, "bpwalk", f"expected {FORMAT_VERSION} (the format version), found {describe(version)}")
    title = string(fields["title"], "title", "a title, a non-empty string", non_empty=True)
    description = string(fields["description"], "description", "a string") if "description" in fields else ""
    source = string(fields["source"], "source", "a string") if "source" in fields else ""

    network = read_network(fields["network"], "network")
    loss = choice(fields["loss"], "loss", tuple(LOSSES)) if "loss" in fields else "half_sse"
    if LOSSES[loss].needs_probability:
        # a loss that takes ln of the outputs needs outputs in (0, 1)
        output = network.layers[-1]
        allowed = probability_outputs()
        if output.activation not in allowed:
            fail(fields["loss"], "loss", f"{loss} needs a {either(allowed)} output layer; "
                                         f"network.layers[{len(network.layers) - 1}] is {output.activation}")
    reduction = choice(fields["reduction"], "reduction", REDUCTIONS) if "reduction" in fields else "sum"
    update = choice(fields["update"], "update", UPDATES) if "update" in fields else "batch"
    learning_rate = number(fields["learning_rate"], "learning_rate", "a learning rate, a number > 0")
    if learning_rate <= 0:
        fail(fields["learning_rate"], "learning_rate",
             f"expected a learning rate, a number > 0, found {fields['learning_rate'].text}")
    iterations = 1
    if "iterations" in fields:
        iterations = integer(fields["iterations"], "iterations", 1, MAX_ITERATIONS, "a count of iterations")

    samples = _read_samples(fields["samples"], "samples", network, loss)
    batch_size = read_batch_size(fields, update, len(samples))
    optimizer = read_optimizer(fields["optimizer"], "optimizer") if "optimizer" in fields else None
    regularization = None
    if "regularization" in fields:
        regularization = read_regularization(fields["regularization"], "regularization")
    display = _read_display(fields["display"], "display") if "display" in fields else Display()
    scenario = Scenario(
        title=title, inputs=network.inputs, layers=network.layers, samples=samples,
        learning_rate=learning_rate, loss=loss, reduction=reduction, update=update,
        iterations=iterations, description=description, source=source, display=display,
        path=path, batch_size=batch_size, optimizer=optimizer, regularization=regularization,
    )
    if "expect" in fields:
        expect = read_expect(fields["expect"], "expect", network, iterations, len(samples), update, scenario)
        scenario = replace(scenario, expect=expect)
    return scenario


def _read_samples(node: Node, path: str, network: Network, loss: str) -> tuple[Sample, ...]:
    """`samples:` one to 10,000 of {inputs, targets}, sized to the network."""
    items = sequence(node, path, "a list of samples, each {inputs: [...], targets: [...]}")
    if not items:
        fail(node, path, "expected at least one sample, found an empty list")
    if len(items) > MAX_SAMPLES:
        fail(node, path, f"expected at most {MAX_SAMPLES:,} samples, found {len(items):,}")
    outputs = network.layers[-1].units
    inputs_what = f"one per input: {listing(network.inputs)}"
    targets_what = f"one per output unit: {listing(outputs)}"
    samples = []
    for index, item in enumerate(items):
        sample_path = at(path, index)
        fields = mapping(item, sample_path, ("inputs", "targets"), ("inputs", "targets"),
                         "a sample: a mapping with inputs and targets")
        inputs = numbers(fields["inputs"], at(sample_path, "inputs"), len(network.inputs), inputs_what)
        targets_path = at(sample_path, "targets")
        targets = numbers(fields["targets"], targets_path, len(outputs), targets_what)
        accepted = LOSSES[loss].targets
        if accepted is not None:
            for k, target in enumerate(targets):
                if not accepted.admits(target):
                    target_node = fields["targets"].value[k]
                    fail(target_node, at(targets_path, k),
                         f"expected a target {accepted.text} (loss: {loss}), found {target_node.text}")
        samples.append(Sample(inputs=inputs, targets=targets))
    return tuple(samples)


def _read_display(node: Node, path: str) -> Display:
    """`display:` presentation only: style, precision, lang, notation overrides, input gradients, convention."""
    fields = mapping(node, path, DISPLAY_KEYS, (), "a mapping with style, precision, lang, symbols, input_gradients or convention")
    style = choice(fields["style"], at(path, "style"), STYLES) if "style" in fields else "scalar"
    precision = 9
    if "precision" in fields:
        precision = integer(fields["precision"], at(path, "precision"), 1, 17, "the significant digits shown")
    lang = choice(fields["lang"], at(path, "lang"), LANGS) if "lang" in fields else "en"
    symbols: list[tuple[str, str]] = []
    if "symbols" in fields:
        symbols_path = at(path, "symbols")
        given = mapping(fields["symbols"], symbols_path, SYMBOL_KEYS, (),
                        f"a mapping of notation overrides ({plural(len(SYMBOL_KEYS), 'possible key')})")
        for key, value in given.items():
            if key in NAMED_SYMBOLS:
                symbols.append((key, string(value, at(symbols_path, key), "a symbol, a non-empty string",
                                            non_empty=True)))
            else:   # extension: "" writes each unit by its own name (h1 rather than out_h1)
                symbols.append((key, string(value, at(symbols_path, key), "a symbol, a string")))
    # bpwalk's addition: the steps dLoss/dx of each input (a boolean, default false)
    input_gradients = "input_gradients" in fields and boolean(fields["input_gradients"], at(path, "input_gradients"))
    convention = choice(fields["convention"], at(path, "convention"), CONVENTIONS) if "convention" in fields \
        else "gradient"
    return Display(style=style, precision=precision, lang=lang, symbols=tuple(symbols),
                   input_gradients=input_gradients, convention=convention)
