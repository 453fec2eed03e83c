"""Every registered activation and loss reaches every place that shows or checks one, on its own.

Each test loops over `bpwalk.ops.ACTIVATIONS` (or `LOSSES`): the scenario format's validation
and its "expected one of", the JSON Schema, `bpwalk new`, the walk-through in every display
style and language, every export format, and the gradients against central finite
differences. A new entry is covered here without a new test.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import bpwalk.engine.passes as engine
from bpwalk.cli import app
from bpwalk.engine.trace import run
from bpwalk.errors import ScenarioError
from bpwalk.export import render
from bpwalk.ops import ACTIVATION_ALIASES, ACTIVATIONS, LOSSES
from bpwalk.read.newfile import HIDDEN, NewOptions, new_scenario_text
from bpwalk.read.schema import json_schema
from bpwalk.read.validate import scenario_from_text
from bpwalk.scenario import Scenario

try:
    from strategies import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, PLAIN_LOSSES, PROBABILITY_LOSSES
except ImportError:  # tests/ imported as a package
    from tests.strategies import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, PLAIN_LOSSES, PROBABILITY_LOSSES

runner = CliRunner()
STYLES = ("scalar", "matrix", "delta")


def scenario_text(name: str) -> str:
    """A 2-2-2 network whose hidden layer uses the activation (or, output-only, its output layer)."""
    entry = ACTIVATIONS[name]
    if entry.output_only:
        return new_scenario_text(NewOptions((2, 2, 2), "sigmoid", name, "cross_entropy", 1, 5, "shared"))
    text = new_scenario_text(NewOptions((2, 2, 2), name, name, "half_sse", 1, 5, "per_unit"))
    if entry.param is not None:   # a parameter other than its default, on both layers
        text = text.replace(f"activation: {name}", f"activation: {name}\n      {entry.param.key}: 0.25")
    return text


def scenario_of(name: str) -> Scenario:
    return scenario_from_text(scenario_text(name), f"{name}.yaml")


@pytest.fixture(scope="module")
def schema() -> dict:
    return json_schema()


# -- the scenario format ---------------------------------------------------------------------

def test_every_entry_is_drawn_by_the_gradient_strategies() -> None:
    assert set(OUTPUT_ACTIVATIONS) == set(ACTIVATIONS)
    assert set(HIDDEN_ACTIVATIONS) == {name for name, a in ACTIVATIONS.items() if not a.output_only}
    assert set(PLAIN_LOSSES) | set(PROBABILITY_LOSSES) == set(LOSSES)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_the_schema_accepts_every_activation(schema: dict, name: str) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    layer = schema["properties"]["network"]["properties"]["layers"]["items"]
    enum = layer["properties"]["activation"]["enum"]
    assert name in enum and all(alias in enum for alias in ACTIVATIONS[name].aliases)
    assert name in layer["properties"]["activation"]["description"]
    jsonschema.validate(yaml.safe_load(scenario_text(name)), schema)


@pytest.mark.parametrize("name", LOSSES)
def test_the_schema_accepts_every_loss(schema: dict, name: str) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    assert name in schema["properties"]["loss"]["enum"] and name in schema["properties"]["loss"]["description"]
    loss = LOSSES[name]
    text = new_scenario_text(NewOptions((2, 2), "sigmoid", None, name, 2, 3, "none"))
    jsonschema.validate(yaml.safe_load(text), schema)
    if loss.targets is not None:   # a target outside the range: refused by the schema and by validate
        bad = yaml.safe_load(text)
        bad["samples"][0]["targets"][0] = loss.targets.low - 1.0
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)
        with pytest.raises(ScenarioError, match=re.escape(f"expected a target {loss.targets.text}")):
            scenario_from_text(yaml.safe_dump(bad, sort_keys=False))


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_validate_lists_every_activation_and_suggests_it(name: str) -> None:
    text = scenario_text(name)
    assert name in {layer.activation for layer in scenario_from_text(text).layers}
    wrong = text.replace(f"activation: {name}", f"activation: {name.upper()}", 1)
    with pytest.raises(ScenarioError) as caught:
        scenario_from_text(wrong)
    message = str(caught.value)
    assert f"expected one of {' | '.join(ACTIVATIONS)}, found" in message
    assert f"did you mean '{name}'?" in message
    for alias in ACTIVATIONS[name].aliases:
        sc = scenario_from_text(text.replace(f"activation: {name}", f"activation: {alias}"))
        assert {layer.activation for layer in sc.layers} >= {name}


@pytest.mark.parametrize("name", LOSSES)
def test_validate_lists_every_loss_and_suggests_it(tiny_scenario: Path, name: str) -> None:
    text = tiny_scenario.read_text(encoding="utf-8") + f"loss: {name.upper()}\n"
    with pytest.raises(ScenarioError) as caught:
        scenario_from_text(text)
    message = str(caught.value)
    assert f"expected one of {' | '.join(LOSSES)}, found" in message and f"did you mean '{name}'?" in message


@pytest.mark.parametrize("name", [n for n, a in ACTIVATIONS.items() if a.output_only])
def test_an_output_only_activation_is_refused_on_a_hidden_layer(name: str) -> None:
    text = new_scenario_text(NewOptions((2, 2, 2), "sigmoid", "sigmoid", "half_sse", 1, 5, "none"))
    with pytest.raises(ScenarioError, match=f"{name} is allowed on the output layer only"):
        scenario_from_text(text.replace("activation: sigmoid", f"activation: {name}", 1))


# -- bpwalk new ------------------------------------------------------------------------------

def test_new_help_lists_every_choice() -> None:
    result = runner.invoke(app, ["new", "--help"], env={"COLUMNS": "400", "TERM": "dumb"})
    text = " ".join(result.output.split())
    for name in [*ACTIVATIONS, *LOSSES]:
        assert name in text, name


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_new_takes_every_activation(tmp_path: Path, name: str) -> None:
    path = tmp_path / "new.yaml"
    flag = "--output" if ACTIVATIONS[name].output_only else "--activation"
    loss = "cross_entropy" if ACTIVATIONS[name].output_only else "half_sse"
    result = runner.invoke(app, ["new", str(path), flag, name, "--loss", loss])
    assert result.exit_code == 0, result.output
    sc = scenario_from_text(path.read_text(encoding="utf-8"))
    assert name in {layer.activation for layer in sc.layers}
    assert f"# {' | '.join(HIDDEN)}" in path.read_text(encoding="utf-8")
    if ACTIVATIONS[name].output_only:
        refused = runner.invoke(app, ["new", "--activation", name])
        assert refused.exit_code == 2 and f"expected one of {', '.join(HIDDEN)}" in refused.output


@pytest.mark.parametrize("name", LOSSES)
def test_new_takes_every_loss(name: str) -> None:
    result = runner.invoke(app, ["new", "--loss", name])
    assert result.exit_code == 0, result.output
    assert scenario_from_text(result.stdout).loss == name
    assert f"# {' | '.join(LOSSES)}" in result.stdout


# -- the walk-through, in every style and language ---------------------------------------------

@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("name", ACTIVATIONS)
def test_run_all_shows_every_activation(tmp_path: Path, name: str, style: str) -> None:
    entry = ACTIVATIONS[name]
    path = tmp_path / f"{name}.yaml"
    path.write_text(scenario_text(name), encoding="utf-8")
    result = runner.invoke(app, ["run", str(path), "--all", "--style", style], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    out = result.output
    if style == "scalar":
        assert entry.words["en"] in out
        own = entry.sentences.get("en", {}).get("act")
        assert (own.format(unit="h1" if not entry.output_only else "o1") if own else
                f"the {entry.words['en']} of its weighted sum") in out
    elif style == "matrix":
        p = entry.param.symbol if entry.param is not None else ""
        general = "".join(str(piece) for piece in entry.form("h" if entry.output_only else "H", p))
        assert general in out, general
        if not entry.layer_wise:
            assert entry.d_form is not None
            derivative, _ = entry.d_form("A", "H", p)
            assert "".join(map(str, derivative)) in out
    elif not entry.layer_wise:
        assert f"{entry.symbol}′(" in out


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_run_in_chinese_says_every_activation(tmp_path: Path, name: str) -> None:
    entry = ACTIVATIONS[name]
    path = tmp_path / f"{name}.yaml"
    path.write_text(scenario_text(name), encoding="utf-8")
    result = runner.invoke(app, ["run", str(path), "--all", "--lang", "zh"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    own = entry.sentences.get("zh", {}).get("act")
    unit = "o1" if entry.output_only else "h1"
    assert (own.format(unit=unit) if own else f"对加权和取 {entry.words['zh']}") in result.output


@pytest.mark.parametrize("fmt", ["md", "html", "json", "txt"])
@pytest.mark.parametrize("name", ACTIVATIONS)
def test_every_export_shows_every_activation(name: str, fmt: str) -> None:
    entry = ACTIVATIONS[name]
    trace = run(scenario_of(name))
    text = render(trace, fmt)
    if fmt == "json":
        data = json.loads(text)
        assert f"act:{name}" in {step["rule"] for step in data["steps"]}
        return
    assert name in text
    own = entry.sentences.get("en", {}).get("act")
    sentence = own.format(unit="o1" if entry.output_only else "h1") if own else f"the {entry.words['en']} of"
    assert sentence in text


# -- the gradients -------------------------------------------------------------------------------

def total_loss(sc: Scenario, params: dict[str, float]) -> float:
    moved = sc.with_parameters(params)
    W, B = engine.initial_parameters(moved)
    shape = engine.Shape.of(moved)
    losses = [engine.sample_pass(shape, W, B, s.inputs, s.targets).loss for s in moved.samples]
    return engine.reduce_values(losses, moved.reduction)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_every_activation_has_gradients_that_match_finite_differences(name: str) -> None:
    sc = scenario_of(name)
    trace = run(sc)
    grads = trace.iterations[0].grad
    params = dict(trace.parameters)
    for key, p in params.items():
        h = 1e-6 * max(1.0, abs(p))
        fd = (total_loss(sc, {**params, key: p + h}) - total_loss(sc, {**params, key: p - h})) / (2 * h)
        assert grads[key] == pytest.approx(fd, rel=1e-5, abs=1e-7), key


def test_aliases_resolve_in_scenarios_and_new() -> None:
    for alias, name in ACTIVATION_ALIASES.items():
        if ACTIVATIONS[name].output_only:
            continue
        result = runner.invoke(app, ["new", "--activation", alias])
        assert result.exit_code == 0, result.output
        assert scenario_from_text(result.stdout).layers[0].activation == name


def test_the_format_documents_every_activation_and_loss() -> None:
    docs = (Path(__file__).resolve().parent.parent / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    for name, entry in ACTIVATIONS.items():
        assert f"| `{name}`" in docs, name
        assert all(f"alias `{alias}`" in docs for alias in entry.aliases), name
    for name in LOSSES:
        assert f"| `{name}`" in docs, name
    # the example "Every activation" has a layer of each
    example = docs.split("title: Every activation", 1)[1].split("```", 1)[0]
    used = set(re.findall(r"activation: (\w+)", example))
    assert {ACTIVATION_ALIASES.get(name, name) for name in used} == set(ACTIVATIONS)
