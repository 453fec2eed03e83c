"""Reading and validating scenario files: YAML 1.2, every rule, every default, every message.

The bad files in tests/scenarios/bad/ hold one broken rule each. Their first line says what the
message must contain: `# expect: LINE:COL FRAGMENT` (`-` for LINE:COL when the error has no
position), where FRAGMENT starts with the key path. The test loads each file and checks that
exactly that error comes out, as one line, through both PyYAML parsers.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

import bpwalk.read.yamlread
from bpwalk.cli import app
from bpwalk.errors import ScenarioError
from bpwalk.read import load_scenario
from bpwalk.read.schema import json_schema
from bpwalk.read.validate import scenario_from_file, scenario_from_text
from bpwalk.read.yaml12 import Yaml12Loader
from bpwalk.read.yamlread import MAX_FILE_BYTES, read_yaml_text, to_plain

ROOT = Path(__file__).resolve().parents[1]
BAD = Path(__file__).resolve().parent / "scenarios" / "bad"
EXPECT_LINE = re.compile(r"# expect: (?:(\d+):(\d+)|-) (.+)")

# The annotated example of the format's contract (shared/spec/scenario-format.md), verbatim.
SPEC_EXAMPLE = """\
bpwalk: 1                 # format version; optional, default 1; any other value is an error
title: Mazur's 2-2-2 sigmoid network   # required, non-empty
description: |            # optional, markdown, shown on the opening step
  ...
source: 实例理解反向传播 (001)          # optional: where the example comes from

network:
  inputs: [i1, i2]        # unique names, or a count n (then named x1..xn)
  layers:                 # one or more; the last is the output layer
    - units: [h1, h2]     # unique names, or a count n: hidden units are then numbered on
                          # across the hidden layers (h1, h2 | h3, h4, ...), output units o1..oK;
                          # names are unique across the whole network, inputs and parameters included
      activation: sigmoid # required: identity (alias linear) | sigmoid (alias logistic) | tanh
                          # | relu | leaky_relu | softplus | softmax (output layer only)
      leaky_slope: 0.01   # only with leaky_relu (an error elsewhere); default 0.01
      weights:            # required: one row per unit of this layer,
        - [0.15, 0.20]    # one column per unit of the previous layer (or input)
        - [0.25, 0.30]
      weight_names:       # optional, same shape; default: w<k>, k = the weight's position in the
        - [w1, w2]        # whole network, row by row, layer by layer (Mazur's numbering), whether
                          # or not other layers name theirs; a clash of names is an error
        - [w3, w4]
      bias: shared        # none (default) | shared (one bias for the whole layer, as in Mazur)
                          # | per_unit (one bias per unit, as in the matrix form)
      biases: 0.35        # shared: one number; per_unit: a list, one number per unit; default 0
      bias_names: b1      # optional; default: shared -> b<layer>, per_unit -> b<layer>_<unit>
                          # (layer and unit counted from 1)
      train_bias: false   # optional, default true: whether the update step changes the biases
                          # (biases, bias_names, train_bias with bias: none are errors)
    - units: [o1, o2]
      activation: sigmoid
      weights: [[0.40, 0.45], [0.50, 0.55]]
      bias: shared
      biases: 0.60
      train_bias: false

loss: half_sse            # per sample, over the output units k:
                          #   half_sse:  sum_k 1/2 (t_k - o_k)^2      (default; all the documents)
                          #   sse:       sum_k (t_k - o_k)^2
                          #   mse:       1/K sum_k (t_k - o_k)^2
                          #   cross_entropy:        -sum_k t_k ln o_k   (usually after softmax)
                          #   binary_cross_entropy: -sum_k [t_k ln o_k + (1 - t_k) ln(1 - o_k)]
reduction: sum            # how the samples' losses make the total: sum (default, L = sum_n C^n) | mean
learning_rate: 0.5        # required, > 0
update: batch             # batch (default): one update per iteration from the total loss
                          # | per_sample: stochastic gradient descent, one update after each sample
iterations: 1             # default 1; 1..1,000,000: training iterations (forward, loss,
                          # backward, update); after the last one a final forward pass shows the new loss

samples:                  # one or more
  - inputs: [0.05, 0.10]  # one number per input
    targets: [0.01, 0.99] # one number per output unit

display:                  # optional; presentation only
  style: scalar           # scalar (one chain rule per weight, as in Mazur) | matrix (as in the
                          # matrix form) | delta (∂C/∂z per unit, the backward pass as a reversed net)
  precision: 9            # significant digits shown, an integer 1..17
  lang: en                # en | zh
  symbols: {}             # notation overrides; keys: input, pre_activation, activation, target,
                          # error, loss, total_loss, delta, learning_rate; e.g. {pre_activation: z,
                          # activation: a, loss: C, total_loss: L, learning_rate: α}

expect:                   # optional: numbers that the source document printed, for `bpwalk check`
  - {key: out.o1, value: 0.75136507}            # iteration 1, sample 1 unless given
  - {key: total_loss, value: 0.298371109}
  - {key: new.w5, value: 0.35891648, note: "w5 after the first update"}
  - {key: final.total_loss, value: 0.291027924}
"""

# A small valid scenario to vary: two inputs, two hidden units, one output.
SMALL = """\
title: small
network:
  inputs: [i1, i2]
  layers:
    - {units: [h1, h2], activation: sigmoid, weights: [[0.15, 0.20], [0.25, 0.30]]}
    - {units: [o1], activation: sigmoid, weights: [[0.40, 0.45]]}
learning_rate: 0.5
samples:
  - {inputs: [0.05, 0.10], targets: [0.01]}
  - {inputs: [0.10, 0.20], targets: [0.99]}
"""


def validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json_schema())


def schema_errors(text: str) -> list[str]:
    return [error.message for error in validator().iter_errors(to_plain(read_yaml_text(text)))]


def refused(text: str) -> str:
    """The message a scenario text is refused with."""
    with pytest.raises(ScenarioError) as caught:
        scenario_from_text(text, "s.yaml")
    return str(caught.value)


# ---------------------------------------------------------------------------------------------
# One bad file per rule


def bad_files() -> list[Path]:
    return sorted(BAD.glob("*.yaml"))


@pytest.fixture(params=["libyaml", "pure-python"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with each PyYAML parser: messages and positions must not depend on it."""
    if request.param == "pure-python":
        monkeypatch.setattr(bpwalk.read.yamlread, "FAST_LOADER", Yaml12Loader)
    return request.param


def test_there_is_a_bad_file_for_each_rule() -> None:
    assert len(bad_files()) >= 40


@pytest.mark.parametrize("path", bad_files(), ids=lambda p: p.stem)
def test_bad_file_is_refused_with_its_message(path: Path, parser: str) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = EXPECT_LINE.fullmatch(first)
    assert match, f"{path.name}: the first line must be '# expect: LINE:COL FRAGMENT'"
    line, col, fragment = match.groups()
    with pytest.raises(ScenarioError) as caught:
        scenario_from_file(path)
    message = str(caught.value)
    assert message.startswith(str(path)), message
    if line:
        assert message.startswith(f"{path}:{line}:{col}: "), message
    else:
        assert caught.value.where.line == 0, message
    assert fragment in message
    assert "\n" not in message and "Traceback" not in message


# ---------------------------------------------------------------------------------------------
# YAML 1.2


@pytest.mark.parametrize(
    "text,expected",
    [
        ("1e-5", 1e-05), (".5", 0.5), ("-2", -2), ("1.0E+3", 1000.0), ("+12", 12), ("012", 12),
        ("0x1F", 31), ("0o17", 15), ("1.", 1.0), ("-.5e1", -5.0), ("1_000", "1_000"), ("0b11", "0b11"),
        ("1:30", "1:30"), ("yes", "yes"), ("no", "no"), ("on", "on"), ("off", "off"), ("y", "y"),
        ("n", "n"), ("true", True), ("True", True), ("TRUE", True), ("false", False), ("FALSE", False),
        ("tRUE", "tRUE"), ("~", None), ("null", None), ("NULL", None), ("", None), ("'0.5'", "0.5"),
        ('"1e-5"', "1e-5"), ("!!str 0.5", "0.5"), ("!!float 1", 1.0), ("!!int '7'", 7), ("! 12", "12"),
    ],
)
def test_scalars_are_read_as_yaml_1_2(text: str, expected: object, parser: str) -> None:
    value = to_plain(read_yaml_text(f"a: {text}\n")).get("a")
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize("text,sign", [(".inf", 1), ("-.Inf", -1), ("+.INF", 1)])
def test_infinities_are_floats_the_validator_refuses(text: str, sign: int) -> None:
    assert to_plain(read_yaml_text(f"a: {text}")) == {"a": sign * math.inf}
    assert math.isnan(to_plain(read_yaml_text("a: .NaN"))["a"])


def test_the_loader_class_reads_yaml_1_2_through_yaml_load() -> None:
    text = "a: 1e-5\nb: yes\nc: 012\nd: [on, off, ~, 0x10]\n"
    expected = {"a": 1e-05, "b": "yes", "c": 12, "d": ["on", "off", None, 16]}
    assert yaml.load(text, Loader=Yaml12Loader) == expected
    assert to_plain(read_yaml_text(text)) == expected


def test_yes_is_not_a_boolean_for_train_bias() -> None:
    text = SMALL.replace("weights: [[0.15, 0.20], [0.25, 0.30]]}",
                         "weights: [[0.15, 0.20], [0.25, 0.30]], bias: shared, train_bias: yes}")
    assert 'train_bias: expected true or false, found a string "yes"' in refused(text)


def test_positions_are_one_based_for_keys_and_values() -> None:
    root = read_yaml_text("title: t\nnetwork:\n  inputs: [i1, i2]\n")
    inputs = root.value["network"].value["inputs"]
    assert (root.line, root.col) == (1, 1)
    assert (root.keys["network"].line, root.keys["network"].col) == (2, 1)
    assert (inputs.line, inputs.col) == (3, 11)
    assert [(item.line, item.col, item.text) for item in inputs.value] == [(3, 12, "i1"), (3, 16, "i2")]


def test_duplicate_keys_name_both_lines() -> None:
    message = refused(SMALL.replace("learning_rate: 0.5\n", "learning_rate: 0.5\nlearning_rate: 0.1\n"))
    assert "s.yaml:8:1: learning_rate: duplicate key 'learning_rate': first at line 7, again at line 8" in message


def test_duplicate_keys_count_in_flow_mappings_too() -> None:
    assert "duplicate key 'inputs': first at line 9, again at line 9" in refused(
        SMALL.replace("{inputs: [0.05, 0.10], targets: [0.01]}", "{inputs: [0.05, 0.10], inputs: [1, 2]}"))


def test_anchors_and_aliases_are_allowed() -> None:
    text = SMALL.replace("weights: [[0.15, 0.20], [0.25, 0.30]]", "weights: [&row [0.15, 0.20], *row]")
    scenario = scenario_from_text(text)
    assert scenario.layers[0].weights == ((0.15, 0.20), (0.15, 0.20))


def test_an_alias_bomb_is_refused_at_once(parser: str) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    started = time.perf_counter()
    with pytest.raises(ScenarioError, match="more than 1,000,000 values once aliases are expanded"):
        read_yaml_text("\n".join(lines))
    assert time.perf_counter() - started < 0.5


def test_a_recursive_alias_is_refused_without_recursion_error(parser: str) -> None:
    with pytest.raises(ScenarioError, match=r"s.yaml:1:12: a\.b\[0\]: the alias \*x refers to a list or mapping"):
        read_yaml_text("a: &x {b: [*x]}\n", "s.yaml")


def test_an_anchor_defined_again_inside_its_collection_is_not_recursive() -> None:
    assert to_plain(read_yaml_text("a: &x [&x 1, *x]\nb: *x\n")) == {"a": [1, 1], "b": 1}


TOO_DEEP = re.compile(r"s\.yaml:(\d+):(\d+): lists and mappings are nested more than 100 deep; the limit is 100")
# libyaml's own limit (1000 levels, in libyaml 0.2.6) refuses the unclosed ones before bpwalk's
# does, since its scanner reads up to 1024 characters ahead. Whichever refuses first, the user
# must read bpwalk's rule, at a bracket that is indeed nested more than 100 deep.
TOO_DEEP_TEXTS = {
    "101": "[" * 101 + "]" * 101,
    "100000-unclosed": "[" * 100_000,
    "after-an-item": "[0, " + "[" * 1200 + "]" * 1201,
    "one-per-line": "[\n" * 2000,
    "mappings": "{a: " * 150 + "}" * 150,
}


def assert_too_deep_at_a_deep_bracket(message: str, text: str) -> None:
    """The message is bpwalk's, and its line:col is an opening bracket more than 100 deep."""
    match = TOO_DEEP.fullmatch(message)
    assert match, message
    line, col = int(match.group(1)), int(match.group(2))
    lines = text.split("\n")
    before = "\n".join(lines[:line - 1] + [lines[line - 1][:col]])
    assert before[-1] in "[{", message
    assert before.count("[") + before.count("{") - before.count("]") - before.count("}") > 100, message


def test_nesting_is_limited_to_100_without_recursion_error(parser: str) -> None:
    assert read_yaml_text("[" * 100 + "]" * 100)   # the root list and 99 inside it
    for text in TOO_DEEP_TEXTS.values():
        with pytest.raises(ScenarioError) as caught:
            read_yaml_text(text, "s.yaml")
        assert_too_deep_at_a_deep_bracket(str(caught.value), text)
    with pytest.raises(ScenarioError, match=r"^s\.yaml:1:101: "):   # bpwalk's check, at the 101st
        read_yaml_text("[" * 101 + "]" * 101, "s.yaml")
    with pytest.raises(ScenarioError, match=r"the alias \*d nests lists and mappings more than 100 deep"):
        read_yaml_text("a: &d " + "[" * 60 + "]" * 60 + "\nb: " + "[" * 45 + "*d" + "]" * 45)


@pytest.mark.parametrize("name", TOO_DEEP_TEXTS)
def test_too_deep_through_the_cli_is_one_line_naming_the_limit(
    name: str, parser: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("s.yaml").write_text(TOO_DEEP_TEXTS[name], encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", "s.yaml"])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert_too_deep_at_a_deep_bracket(result.output.strip(), TOO_DEEP_TEXTS[name])
    # And as a separate process, the way a user runs it (with the same parser as the test).
    loader = "from bpwalk.read.yaml12 import Yaml12Loader; bpwalk.read.yamlread.FAST_LOADER = Yaml12Loader; "
    code = f"import bpwalk.read.yamlread; {loader if parser == 'pure-python' else ''}" \
           "from bpwalk.cli import main; main()"
    process = subprocess.run([sys.executable, "-c", code, "validate", "s.yaml"], capture_output=True,
                             text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert process.returncode == 2, process.stderr
    assert "Traceback" not in process.stderr + process.stdout
    assert process.stdout == ""
    assert len(process.stderr.strip().splitlines()) == 1, process.stderr
    assert_too_deep_at_a_deep_bracket(process.stderr.strip(), TOO_DEEP_TEXTS[name])


def test_windows_line_endings_keep_positions() -> None:
    text = SMALL.replace("learning_rate: 0.5", "learning_rate: -1").replace("\n", "\r\n")
    assert refused(text).startswith("s.yaml:7:16: learning_rate: ")


def test_a_merge_key_is_explained() -> None:
    text = SMALL.replace("- {units: [o1], activation: sigmoid,", "- {<<: {units: [o1]}, activation: sigmoid,")
    assert "network.layers[1].<<: unknown key '<<' (a YAML 1.1 merge key; YAML 1.2 has none" in refused(text)


def test_one_document_per_file() -> None:
    assert "s.yaml:11:1: a scenario file holds one YAML document" in refused(SMALL + "---\n" + SMALL)
    assert scenario_from_text("---\n" + SMALL + "...\n").title == "small"


@pytest.mark.parametrize(
    "text,fragment",
    [
        ("a: [1, 2\n", "s.yaml:2:1: invalid YAML: "),
        ("a: 'open\n", "while scanning a quoted scalar at line 1, column 4"),
        ("a:\n\tb: 1\n", "s.yaml:2:1: invalid YAML: "),
        ("a: b: c\n", "s.yaml:1:5: invalid YAML: mapping values are not allowed"),
        ("a: !!python/object:os.system x\n", "the tag !!python/object:os.system is not supported"),
        ("a: !!timestamp 2001-12-14\n", "the tag !!timestamp is not supported"),
        ("a: !!set {x}\n", "the tag !!set is not supported"),
        ("? [a, b]\n: c\n", "s.yaml:1:3: a key must be a name, found a list"),
        ("true: 1\n", "s.yaml:1:1: a key must be a name, found true"),
        ("a: *nowhere\n", "s.yaml:1:4: a: the alias *nowhere refers to no anchor"),
        ("a: !!int x1\n", 's.yaml:1:4: a: !!int "x1" is not an integer'),
        ("a: !!bool yes\n", 's.yaml:1:4: a: !!bool "yes" is not true or false'),
        ("a: " + "9" * 5000 + "\n", "the number has 5000 digits"),
        ("a: 1\x07\n", "s.yaml:1:5: invalid YAML: the control character U+0007 is not allowed"),
        ("a: 1\n\x00", "s.yaml:2:1: invalid YAML: the control character U+0000"),
    ],
)
def test_yaml_problems_are_one_line_scenario_errors(text: str, fragment: str, parser: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        read_yaml_text(text, "s.yaml")
    message = str(caught.value)
    assert fragment in message and "\n" not in message


def test_the_tab_hint(parser: str) -> None:
    with pytest.raises(ScenarioError, match=r"\(a tab: indent with spaces\)"):
        read_yaml_text("a:\n\tb: 1\n")


@pytest.mark.parametrize(
    "junk",
    ["{", "]", ":", "- - -", "&a", "*a", "!!", "%YAML 1.2", "---\n---", "? ", "a: |\n b\n  c\n", "\ufeff",
     "[1, 2]", "42", "just a string", "null", "{}", "- {}", "title: [", "'", "a: &x\nb: *x\n"],
)
def test_garbage_gives_a_scenario_error_never_a_traceback(junk: str, parser: str) -> None:
    with pytest.raises(ScenarioError):
        scenario_from_text(junk)


# ---------------------------------------------------------------------------------------------
# Files


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"nope\.yaml: no such file$"):
        load_scenario(tmp_path / "nope.yaml")


def test_a_directory(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="this is a directory, not a scenario file$"):
        load_scenario(tmp_path)


def test_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_bytes(b"")
    with pytest.raises(ScenarioError, match=r"empty\.yaml: the file is empty$"):
        load_scenario(path)
    path.write_text("  \n\n")
    with pytest.raises(ScenarioError, match="the file is empty$"):
        load_scenario(path)


def test_a_file_of_comments(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("# nothing yet\n")
    with pytest.raises(ScenarioError, match=r"holds no YAML document \(only comments\)$"):
        load_scenario(path)


def test_a_non_utf8_file_names_the_line_and_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(SMALL.replace("title: small", "title: caf\xe9").encode("latin-1"))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert str(caught.value) == (f"{path}:1:11: the file is not UTF-8 text: byte 11 of line 1 (0xe9) "
                                 "is not valid UTF-8; save the file as UTF-8")
    path.write_bytes(b"title: t\n# \xc3\xa9\xff\n")
    with pytest.raises(ScenarioError, match=r":2:4: .*byte 5 of line 2 \(0xff\)"):
        load_scenario(path)


def test_a_utf16_file(tmp_path: Path) -> None:
    path = tmp_path / "u16.yaml"
    path.write_bytes(SMALL.encode("utf-16"))
    with pytest.raises(ScenarioError, match="the file is UTF-16 text; save it as UTF-8$"):
        load_scenario(path)


def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + SMALL.encode())
    assert load_scenario(path).title == "small"
    assert scenario_from_text("\ufeff" + SMALL).title == "small"


def test_an_error_after_a_byte_order_mark_has_the_right_column(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + SMALL.replace("title: small", "title: 5").encode())
    with pytest.raises(ScenarioError, match=r"bom\.yaml:1:8: title:"):
        load_scenario(path)


def test_an_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.yaml"
    path.write_text(SMALL)
    path.chmod(0)
    if os.name == "posix" and os.geteuid() == 0:
        # root reads any file (CI runs as root): make opening it fail the way it would for a user
        real_open = Path.open

        def refuse(self: Path, *args, **kwargs):
            if self == path:
                raise PermissionError(13, "Permission denied", str(self))
            return real_open(self, *args, **kwargs)

        monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(ScenarioError, match="cannot read the file: permission denied$"):
        load_scenario(path)


def test_a_file_too_large_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as stream:   # sparse: no 64 MiB written
        stream.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(ScenarioError, match=r"the file is too large \(64\.0 MiB\); the limit is 64 MiB$"):
        load_scenario(path)


def test_scenario_from_file_records_the_path(tmp_path: Path) -> None:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL)
    assert load_scenario(str(path)).path == str(path)
    assert scenario_from_text(SMALL).path == "<string>"


# ---------------------------------------------------------------------------------------------
# Valid scenarios and their defaults


def test_the_format_example_loads() -> None:
    scenario = scenario_from_text(SPEC_EXAMPLE)
    assert scenario.title == "Mazur's 2-2-2 sigmoid network"
    assert scenario.inputs == ("i1", "i2")
    assert scenario.parameter_names() == ("w1", "w2", "w3", "w4", "b1", "w5", "w6", "w7", "w8", "b2")
    assert scenario.layers[1].weights == ((0.40, 0.45), (0.50, 0.55))
    assert scenario.layers[0].biases == (0.35,) and scenario.layers[0].train_bias is False
    assert [e.key for e in scenario.expect] == ["out.o1", "total_loss", "new.w5", "final.total_loss"]
    assert [e.sample for e in scenario.expect] == [1, None, None, None]
    assert scenario.expect[2].note == "w5 after the first update"
    assert scenario.expect[0].line == 64
    assert schema_errors(SPEC_EXAMPLE) == []


def test_defaults_are_filled_in() -> None:
    scenario = scenario_from_text(SMALL)
    assert (scenario.loss, scenario.reduction, scenario.update, scenario.iterations) == ("half_sse", "sum", "batch", 1)
    assert (scenario.description, scenario.source, scenario.expect) == ("", "", ())
    assert scenario.display.style == "scalar" and scenario.display.precision == 9 and scenario.display.lang == "en"
    layer = scenario.layers[0]
    assert (layer.bias, layer.biases, layer.bias_names, layer.train_bias, layer.leaky_slope) == ("none", (), (), True, 0.01)
    assert all(isinstance(w, float) for row in layer.weights for w in row)


def test_weight_names_are_numbered_across_the_network() -> None:
    text = """\
title: Mazur's shape
network:
  inputs: [i1, i2]
  layers:
    - {units: [h1, h2], activation: sigmoid, weights: [[0.15, 0.20], [0.25, 0.30]], bias: shared, biases: 0.35}
    - {units: [o1, o2], activation: sigmoid, weights: [[0.40, 0.45], [0.50, 0.55]], bias: shared, biases: 0.60}
learning_rate: 0.5
samples: [{inputs: [0.05, 0.10], targets: [0.01, 0.99]}]
"""
    scenario = scenario_from_text(text)
    assert scenario.layers[0].weight_names == (("w1", "w2"), ("w3", "w4"))
    assert scenario.layers[1].weight_names == (("w5", "w6"), ("w7", "w8"))
    assert [layer.bias_names for layer in scenario.layers] == [("b1",), ("b2",)]


def test_default_weight_names_count_the_weights_of_named_layers() -> None:
    text = SMALL.replace("[[0.15, 0.20], [0.25, 0.30]]}", "[[0.15, 0.20], [0.25, 0.30]], weight_names: [[a, b], [c, d]]}")
    assert scenario_from_text(text).layers[1].weight_names == (("w5", "w6"),)


def test_counts_name_inputs_and_units() -> None:
    text = """\
title: counts
network:
  inputs: 3
  layers:
    - {units: 2, activation: tanh, weights: [[1, 2, 3], [4, 5, 6]], bias: per_unit}
    - {units: [a, b], activation: relu, weights: [[1, 2], [3, 4]]}
    - {units: 2, activation: leaky_relu, leaky_slope: 0.1, weights: [[1, 2], [3, 4]], bias: shared}
    - {units: 2, activation: linear, weights: [[1, 2], [3, 4]]}
learning_rate: 0.1
samples: [{inputs: [1, 2, 3], targets: [0, 1]}]
"""
    scenario = scenario_from_text(text)
    assert scenario.inputs == ("x1", "x2", "x3")
    assert [layer.units for layer in scenario.layers] == [("h1", "h2"), ("a", "b"), ("h5", "h6"), ("o1", "o2")]
    assert scenario.layers[0].bias_names == ("b1_1", "b1_2") and scenario.layers[0].biases == (0.0, 0.0)
    assert scenario.layers[2].bias_names == ("b3",) and scenario.layers[2].biases == (0.0,)
    assert scenario.layers[2].leaky_slope == 0.1
    assert scenario.layers[3].activation == "identity"
    assert scenario.layers[3].weight_names == (("w15", "w16"), ("w17", "w18"))
    assert scenario.samples[0].inputs == (1.0, 2.0, 3.0)


def test_units_default_to_the_rows_of_weights() -> None:
    text = SMALL.replace("units: [h1, h2], ", "").replace("units: [o1], ", "")
    scenario = scenario_from_text(text)
    assert [layer.units for layer in scenario.layers] == [("h1", "h2"), ("o1",)]


def test_activation_aliases_and_named_biases() -> None:
    text = """\
title: aliases
network:
  inputs: [x]
  layers:
    - {units: [h], activation: logistic, weights: [[0.5]], bias: per_unit, biases: [0.1], bias_names: [bh]}
    - {units: [y], activation: softplus, weights: [[2]], bias: shared, biases: -1, bias_names: by, train_bias: false}
learning_rate: 1e-2
iterations: 1000000
samples: [{inputs: [1], targets: [2]}]
"""
    scenario = scenario_from_text(text)
    assert scenario.layers[0].activation == "sigmoid"
    assert scenario.parameters() == {"w1": 0.5, "bh": 0.1, "w2": 2.0, "by": -1.0}
    assert scenario.layers[1].train_bias is False
    assert scenario.learning_rate == 0.01 and scenario.iterations == 1_000_000


def test_losses_that_take_logarithms_accept_their_outputs_and_targets() -> None:
    softmax = SMALL.replace("{units: [o1], activation: sigmoid, weights: [[0.40, 0.45]]}",
                            "{units: [o1, o2], activation: softmax, weights: [[0.40, 0.45], [0.5, 0.55]]}")
    softmax = softmax.replace("targets: [0.01]", "targets: [0, 1]").replace("targets: [0.99]", "targets: [2, 0]")
    assert scenario_from_text(softmax + "loss: cross_entropy\n").loss == "cross_entropy"
    assert scenario_from_text(SMALL + "loss: binary_cross_entropy\n").loss == "binary_cross_entropy"
    assert "samples[1].targets[0]: expected a target in [0, 1]" in refused(softmax + "loss: binary_cross_entropy\n")


def test_leaky_slope_at_its_default_is_tolerated_on_other_activations() -> None:
    text = SMALL.replace("activation: sigmoid, weights: [[0.40", "activation: sigmoid, leaky_slope: 0.01, weights: [[0.40")
    assert scenario_from_text(text).layers[1].leaky_slope == 0.01


def test_display() -> None:
    text = SMALL + "display:\n  style: delta\n  precision: 17\n  lang: zh\n  symbols: {activation: a, input: '', learning_rate: α}\n"
    display = scenario_from_text(text).display
    assert (display.style, display.precision, display.lang) == ("delta", 17, "zh")
    assert display.symbols == (("activation", "a"), ("input", ""), ("learning_rate", "α"))
    assert display.symbol("activation", "out") == "a"


# ---------------------------------------------------------------------------------------------
# expect


def expect_entries(update: str, entries: str, iterations: int = 2) -> tuple:
    text = SMALL + f"update: {update}\niterations: {iterations}\nexpect:\n{entries}"
    return scenario_from_text(text).expect


def test_expect_keeps_the_text_of_the_value() -> None:
    (entry, integer, hexadecimal, exponent) = expect_entries("batch", (
        "  - {key: out.o1, value: 0.5110}\n  - {key: net.h1, value: 4}\n"
        "  - {key: net.h2, value: 0x1F}\n  - {key: net.o1, value: 1.5e-3}\n"))
    assert (entry.value, entry.text, entry.decimals) == (0.511, "0.5110", 4)
    assert (integer.value, integer.text) == (4.0, "4")
    assert (hexadecimal.value, hexadecimal.text) == (31.0, "31")
    assert exponent.decimals == 4


def test_expect_samples_and_iterations_with_batch_updates() -> None:
    entries = expect_entries("batch", """\
  - {key: out.o1, value: 0.7}
  - {key: loss, value: 0.1, sample: 2, iteration: 2}
  - {key: total_loss, value: 0.3, sample: 2}
  - {key: grad.w5, value: 0.08}
  - {key: grad.w5, value: 0.04, sample: 2}
  - {key: new.w5, value: 0.36, iteration: 2}
  - {key: final.out.o1, value: 0.7, sample: 2, iteration: 7}
  - {key: final.total_loss, value: 0.2}
  - {key: out.i2, value: 0.1}
  - {key: dE_dout.h1, value: 0.01}
  - {key: dout_dnet.o1, value: 0.2, note: "sigma'"}
""")
    assert [(e.key, e.iteration, e.sample) for e in entries] == [
        ("out.o1", 1, 1), ("loss", 2, 2), ("total_loss", 1, None), ("grad.w5", 1, None), ("grad.w5", 1, 2),
        ("new.w5", 2, None), ("final.out.o1", 1, 2), ("final.total_loss", 1, None), ("out.i2", 1, 1),
        ("dE_dout.h1", 1, 1), ("dout_dnet.o1", 1, 1),
    ]
    assert entries[-1].note == "sigma'"


def test_expect_grad_and_new_are_per_sample_with_per_sample_updates() -> None:
    entries = expect_entries("per_sample", "  - {key: grad.w1, value: 0.1}\n  - {key: new.w1, value: 0.2, sample: 2}\n")
    assert [(e.key, e.sample) for e in entries] == [("grad.w1", 1), ("new.w1", 2)]


def test_expect_errata() -> None:
    (entry,) = expect_entries("batch", "  - {key: out.o1, value: 0.751, erratum: mistyped, correct: 0.7513}\n")
    assert (entry.erratum, entry.correct, entry.correct_text) == ("mistyped", 0.7513, "0.7513")


def test_expect_new_with_a_sample_is_refused_with_batch_updates() -> None:
    assert "expect[0].sample: with update: batch, new.w5 is the iteration's value" in refused(
        SMALL + "expect: [{key: new.w5, value: 0.3, sample: 2}]\n")


# ---------------------------------------------------------------------------------------------
# Limits


def dense(inputs: int, units: int, bias: str = "none") -> str:
    """One layer of `units` units on `inputs` inputs, every weight written out."""
    row = "[" + ", ".join(f"{(k % 97) / 97:.6f}" for k in range(inputs)) + "]"
    rows = "\n".join(f"        - {row}" for _ in range(units))
    return (f"title: dense\nnetwork:\n  inputs: {inputs}\n  layers:\n    - units: {units}\n"
            f"      activation: sigmoid\n      bias: {bias}\n      weights:\n{rows}\nlearning_rate: 0.1\n"
            f"samples:\n  - inputs: {row}\n    targets: [" + ", ".join(["0.5"] * units) + "]\n")


def test_100000_parameters_load_quickly() -> None:
    text = dense(1000, 100)
    started = time.perf_counter()
    scenario = scenario_from_text(text)
    elapsed = time.perf_counter() - started
    assert scenario.parameter_count() == 100_000
    assert scenario.layers[0].weight_names[-1][-1] == "w100000"
    assert elapsed < 3.0, f"{elapsed:.2f} s"


def test_more_than_100000_parameters_are_refused() -> None:
    assert "the network has more than 100,000 parameters; the limit is 100,000" in refused(dense(1000, 100, "shared"))
    assert "network.layers[0].weights: the network has more than 100,000 parameters" in refused(dense(1001, 100))


def test_at_most_10000_samples() -> None:
    many = SMALL.replace("  - {inputs: [0.05, 0.10], targets: [0.01]}\n", "  - &s {inputs: [0.05, 0.10], targets: [0.01]}\n")
    assert len(scenario_from_text(many + "  - *s\n" * 9998).samples) == 10_000
    assert "samples: expected at most 10,000 samples, found 10,001" in refused(many + "  - *s\n" * 9999)


# ---------------------------------------------------------------------------------------------
# JSON Schema


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert json.loads(json.dumps(schema)) == schema


def test_the_schema_refuses_unknown_keys_everywhere() -> None:
    assert schema_errors(SMALL + "colour: red\n")
    assert schema_errors(SMALL.replace("activation: sigmoid, weights: [[0.40", "activation: sigmoid, weigths: [[0.40"))
    assert schema_errors(SMALL.replace("{inputs: [0.05, 0.10], targets: [0.01]}", "{inputs: [0.05, 0.10], targets: [0.01], x: 1}"))
    assert schema_errors(SMALL + "display: {colour: red}\n")
    assert schema_errors(SMALL + "display: {symbols: {eta: η}}\n")
    assert schema_errors(SMALL + "expect: [{key: loss, value: 1, values: 2}]\n")


def test_the_schema_checks_what_it_can_see() -> None:
    assert schema_errors(SMALL.replace("learning_rate: 0.5", "learning_rate: 0"))
    assert schema_errors(SMALL.replace("learning_rate: 0.5", "learning_rate: '0.5'"))
    assert schema_errors(SMALL + "iterations: 0\n")
    assert schema_errors(SMALL + "expect: [{key: weight.w1, value: 1}]\n")
    assert schema_errors(SMALL + "expect: [{key: out.o1, value: 1, correct: 2}]\n")
    assert schema_errors(SMALL.replace("weights: [[0.40, 0.45]]}", "weights: [[0.40, 0.45]], biases: 0.3}"))
    assert schema_errors(SMALL.replace("weights: [[0.40, 0.45]]}", "weights: [[0.40, 0.45]], bias: shared, biases: [1]}"))
    assert schema_errors(SMALL.replace("weights: [[0.40, 0.45]]}", "weights: [[0.40, 0.45]], leaky_slope: 0.2}"))
    assert schema_errors(SMALL.replace("targets: [0.99]", "targets: [1.5]") + "loss: binary_cross_entropy\n")
    assert schema_errors(SMALL.replace("[i1, i2]", "[i1, i1]"))


def test_the_schema_accepts_every_valid_scenario_here() -> None:
    for text in (SPEC_EXAMPLE, SMALL, dense(3, 2, "shared")):
        assert schema_errors(text) == []


def repository_scenarios() -> list[Path]:
    return sorted((ROOT / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", repository_scenarios() or [None], ids=lambda p: p.stem if p else "none")
def test_every_builtin_scenario_loads_and_fits_the_schema(path: Path | None) -> None:
    if path is None:
        pytest.skip("no scenarios/*.yaml yet")
    scenario = load_scenario(path)
    assert scenario.title
    assert [e.message for e in validator().iter_errors(to_plain(bpwalk.read.yamlread.read_yaml_file(path)))] == []


def documented_examples() -> list[str]:
    """The complete scenarios among the docs' ```yaml blocks (those with a top-level title)."""
    docs = ROOT / "docs" / "scenario-format.md"
    if not docs.exists():
        return []
    blocks = re.findall(r"```yaml\n(.*?)```", docs.read_text(encoding="utf-8"), re.S)
    return [block for block in blocks if re.search(r"^title:", block, re.M)]


@pytest.mark.parametrize("text", documented_examples() or [None], ids=lambda t: t and t.splitlines()[0][:40])
def test_every_documented_example_loads_and_fits_the_schema(text: str | None) -> None:
    if text is None:
        pytest.skip("docs/scenario-format.md has no complete examples")
    assert scenario_from_text(text).title
    assert schema_errors(text) == []
