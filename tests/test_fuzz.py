"""Fuzzing: mutated built-in scenarios are either refused with a one-line error or exported.

Each example takes one of scenarios/*.yaml, breaks it (keys dropped, duplicated, renamed or
retyped; random bytes; deep nesting; huge, tiny and non-finite numbers; a cut-off file; rows
of the wrong length), writes it to a file and runs what `bpwalk validate` and `bpwalk export`
run, in-process. The only acceptable outcomes: the file is refused with a `BpwalkError` whose
message names the file and (for a `ScenarioError`) the line, or the file is accepted and
exports to JSON, Markdown, HTML and text. Any other exception is a bug.

Each file is read through both PyYAML parsers (libyaml and pure Python), which must agree.

The budget is small in CI (about 300 examples, derandomized so that a failure is reproducible);
BPWALK_FUZZ_EXAMPLES=5000 runs more, and BPWALK_FUZZ_RANDOM=1 draws new examples each run.
"""

from __future__ import annotations

import json
import os
import re
import time
import unicodedata
from pathlib import Path
from typing import NamedTuple, Union
from unittest import mock

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import bpwalk.read.yamlread
from bpwalk.engine.passes import decimal_rounder
from bpwalk.errors import BpwalkError, ComputeError, ScenarioError
from bpwalk.export import render
from bpwalk.read import load_scenario
from bpwalk.scenario import MAX_STEPS, Scenario
from bpwalk.engine.trace import TooManySteps, estimate_steps
from bpwalk.engine.trace import run as trace_run
from bpwalk.read.yaml12 import Yaml12Loader
from bpwalk.read.yamlread import read_yaml_text, to_plain

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = {path.name: path.read_text(encoding="utf-8") for path in sorted((ROOT / "scenarios").glob("*.yaml"))}
NAMES = sorted(SCENARIOS)

TOTAL = int(os.environ.get("BPWALK_FUZZ_EXAMPLES", "300"))
FUZZ = settings(max_examples=max(1, TOTAL * 2 // 5), deadline=None, database=None,
                derandomize=not os.environ.get("BPWALK_FUZZ_RANDOM"),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])

QUICK_FORMATS = ("json", "md", "html")
# Longer walk-throughs would only make the exporters slow; the step limit is fuzzed separately.
EXPORT_ITERATIONS = 2
# A refusal must be quick, whatever the file holds (generous: CI machines are slow).
SECONDS_TO_VALIDATE = 3.0   # CPU seconds
# Errors about the file as a whole, which have no line to name.
WHOLE_FILE = ("the file is empty", "the file holds no YAML document", "the file is UTF-16 text",
              "the file is UTF-32 text")
NUMBERS = (
    "1e308", "-1e308", "1.7976931348623157e308", "1e309", "-1e309", "1e999", "5e-324", "-5e-324",
    "1e-300", "2.2250738585072014e-308", "1e-400", "0", "-0", "0.0", "-0.0", "+0", "1", "-1", "2",
    "0.5", "1e3", str(10**400), str(-10**400), str(2**53 + 1), str(2**63), "9" * 5000,
    "0x7fffffffffffffff", "0o777", "012", "1.", ".5", "+.5", "1e+308", "1000000", "1000001", "17", "18",
    ".nan", ".NaN", ".NAN", ".inf", "-.inf", "+.inf", ".Inf", "-.INF", "nan", "inf", "NaN", "Infinity",
    "1_000", "0b11", "1e", "-", "!!float 1e308", "!!int 10", "!!float .nan", "!!int 1e3",
)
SCALARS = NUMBERS + (
    "~", "null", "", '""', "''", "true", "false", "yes", '"0.5"', "'x'", "[]", "{}", "[1, 2]", "[[1], [2, 3]]",
    "{a: 1}", "!!str 1", "!!int x", "!!binary aGk=", "!!set {a}", "&a 1", "*a", "*nowhere", '"\\u0000"',
    '"a\\nb"', '"a\\rb"', '"\\e[2J"', '"\\u2028"', '"\\u202e"', "é", "h1", "w1", "o1", "x1", "sigmoid",
    "softmax", "leaky_relu", "per_unit", "shared", "none",
    "scalar", "matrix", "delta", "zh", "batch", "per_sample", "mean", "cross_entropy", "binary_cross_entropy",
    "out.o1", "final.total_loss", "? a", "- a", "a: b", "|\n  block", "#", "%", "@", "`", "!", "&", "*",
)
KEYS = (
    "title", "network", "inputs", "layers", "units", "activation", "weights", "weight_names", "bias",
    "biases", "bias_names", "train_bias", "leaky_slope", "loss", "reduction", "learning_rate", "update",
    "iterations", "samples", "targets", "display", "style", "precision", "lang", "symbols", "expect",
    "key", "value", "note", "iteration", "sample", "erratum", "correct", "bpwalk", "<<", "Title", "1",
    "true", "null", "''", "[a]", "{a: 1}", "? [a, b]", "a\\nb", '"a\\nb"', '"\\t"', '"\\e[2J"', '"x\\u2028"',
    '"\\r"', "é", "",
)
NUMBER_RE = re.compile(r"(?<![\w.])[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?![\w.])")


# ---------------------------------------------------------------------------------------------
# The oracle


def outcome(path: Path) -> Scenario | BpwalkError:
    """What `bpwalk validate` sees: the scenario, or the error it prints."""
    started = time.process_time()   # CPU time: other processes on a busy machine do not count
    try:
        return load_scenario(path)
    except BpwalkError as err:
        return err
    finally:
        assert time.process_time() - started < SECONDS_TO_VALIDATE, f"{path}: validation is slow"


def assert_one_line(err: BpwalkError) -> None:
    """One line, and nothing a terminal would act on (line breaks, escape sequences, bidi controls)."""
    message = str(err)
    assert message and "Traceback" not in message
    assert not [ch for ch in message if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp")], repr(message)


def assert_refusal_names_file(err: BpwalkError, path: Path) -> None:
    """A refusal is a BpwalkError of one line that names the file, and the line when there is one."""
    assert isinstance(err, BpwalkError), repr(err)
    assert_one_line(err)
    message = str(err)
    if isinstance(err, ComputeError):
        assert_compute_error_names_file(err, path)
        return
    assert message.startswith(str(path)), message
    if isinstance(err, ScenarioError) and not any(fragment in message for fragment in WHOLE_FILE):
        assert re.match(rf"{re.escape(str(path))}:\d+(:\d+)?: ", message), message
        assert err.where.line >= 1


def assert_compute_error_names_file(err: ComputeError, path: Path) -> None:
    """An overflow in the computation (exit 1), named after the file like every other error."""
    assert isinstance(err, ComputeError) and err.exit_code == 1
    assert_one_line(err)
    assert str(err).startswith(f"{path}: "), str(err)


class Export(NamedTuple):
    """The options of one `bpwalk export` run (None: the scenario's own)."""

    formats: tuple[str, ...]
    digits: int | None = None
    lang: str | None = None
    style: str | None = None
    rounding: int | None = None


def export_options(formats: tuple[str, ...]) -> st.SearchStrategy[Export]:
    """The formats given, with --precision, --lang, --style and --round at their limits or absent."""
    return st.builds(Export, st.just(formats), st.sampled_from([None, 1, 17]), st.sampled_from([None, "zh"]),
                     st.sampled_from([None, "matrix", "delta"]), st.sampled_from([None, None, 0, 4, 15]))


def exports(scenario: Scenario, path: Path, options: Export) -> None:
    """What `bpwalk export` does with an accepted file: every format renders, or it overflows."""
    if estimate_steps(scenario) > MAX_STEPS:
        started = time.process_time()
        with pytest.raises(TooManySteps) as caught:
            trace_run(scenario)
        assert time.process_time() - started < SECONDS_TO_VALIDATE
        assert_refusal_names_file(caught.value, path)
    rounder = None if options.rounding is None else decimal_rounder(options.rounding)
    try:
        trace = trace_run(scenario, min(scenario.iterations, EXPORT_ITERATIONS), rounder=rounder)
    except ComputeError as err:
        assert_compute_error_names_file(err, path)
        return
    for fmt in options.formats:
        text = render(trace, fmt, options.digits, options.lang, options.style, options.rounding)
        assert text.strip()
        if fmt == "json":
            json.loads(text, parse_constant=lambda name: pytest.fail(f"the JSON holds {name}"))


def check_file(path: Path, data: bytes, options: Export) -> None:
    """Write a mutated file; both parsers must agree, on a refusal that names the file or an export."""
    path.write_bytes(data)
    fast = outcome(path)
    with mock.patch.object(bpwalk.read.yamlread, "FAST_LOADER", Yaml12Loader):
        slow = outcome(path)
    event("refused" if isinstance(fast, BpwalkError) else "accepted")   # see --hypothesis-show-statistics
    if isinstance(fast, BpwalkError):
        # The messages may differ: the parsers word and place syntax errors differently, and
        # pure Python's reads `!,` in a flow list as a tag where libyaml reads `!` and a comma.
        assert isinstance(slow, BpwalkError), f"pure Python accepts the file, libyaml refuses it: {fast}"
        assert_refusal_names_file(fast, path)
        assert_refusal_names_file(slow, path)
        return
    assert not isinstance(slow, BpwalkError), f"libyaml accepts the file, pure Python refuses it: {slow}"
    assert slow == fast
    exports(fast, path, options)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


# ---------------------------------------------------------------------------------------------
# Mutations of the text


@st.composite
def text_mutation(draw: st.DrawFn, data: bytes) -> bytes:
    """One edit of a file's bytes: random bytes, a cut, a line dropped, doubled, moved or re-indented,
    a number or a word replaced, a value nested deep."""
    kind = draw(st.sampled_from(["bytes", "truncate", "drop", "duplicate", "swap", "indent", "number",
                                 "word", "nest"]))
    text = data.decode("utf-8", "replace")
    lines = text.splitlines(keepends=True) or [""]
    pos = draw(st.integers(0, len(data)))
    if kind == "bytes":
        return data[:pos] + draw(st.binary(min_size=1, max_size=8)) + data[pos:]
    if kind == "truncate":
        return data[:pos]
    line = draw(st.integers(0, len(lines) - 1))
    if kind == "drop":
        del lines[line]
    elif kind == "duplicate":
        lines.insert(line, lines[line])
    elif kind == "swap":
        other = draw(st.integers(0, len(lines) - 1))
        lines[line], lines[other] = lines[other], lines[line]
    elif kind == "indent":
        lines[line] = draw(st.sampled_from(["  ", "\t", " "])) + lines[line]
    else:
        pattern = NUMBER_RE if kind == "number" else re.compile(r"[\w.]+")
        found = list(pattern.finditer(text))
        if not found:
            return data
        match = draw(st.sampled_from(found))
        if kind == "nest":
            depth = draw(st.one_of(st.integers(1, 120), st.just(1001)))
            bracket = draw(st.sampled_from([("[", "]"), ("{a: ", "}")]))
            new = bracket[0] * depth + match.group() + bracket[1] * depth
        else:
            new = draw(st.sampled_from(NUMBERS if kind == "number" else SCALARS))
        return (text[:match.start()] + new + text[match.end():]).encode("utf-8")
    return "".join(lines).encode("utf-8")


@given(name=st.sampled_from(NAMES), data=st.data())
@settings(FUZZ)
def test_text_mutations_are_refused_or_exported(folder: Path, name: str, data: st.DataObject) -> None:
    content = SCENARIOS[name].encode("utf-8")
    for _ in range(data.draw(st.integers(1, 3))):
        content = data.draw(text_mutation(content))
    check_file(folder / name, content, data.draw(export_options(QUICK_FORMATS)))


# ---------------------------------------------------------------------------------------------
# Mutations of the tree: a mapping is a list of (key, value) pairs, so that keys can repeat and
# be of any type; a scalar is the text it is written as.

Tree = Union[str, list, "Pairs"]


class Pairs(list):
    """A mapping as written: (key text, value) pairs."""


def tree_of(value: object) -> Tree:
    if isinstance(value, dict):
        return Pairs((key if re.fullmatch(r"[A-Za-z_][\w.]*", key) else json.dumps(key), tree_of(item))
                     for key, item in value.items())
    if isinstance(value, list):
        return [tree_of(item) for item in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)


TREES = {name: tree_of(to_plain(read_yaml_text(text))) for name, text in SCENARIOS.items()}


def emit(tree: Tree, indent: int = 0) -> list[str]:
    """Block YAML, lists of scalars in flow style (as the scenarios write weight rows)."""
    pad = " " * indent
    if isinstance(tree, Pairs):
        if not tree:
            return [pad + "{}"]
        out = []
        for key, value in tree:
            if isinstance(value, str) or not value:
                out.append(f"{pad}{key}: {emit(value)[0].strip() if not isinstance(value, str) else value}")
            else:
                out.append(f"{pad}{key}:")
                out.extend(emit(value, indent + 2))
        return out
    if isinstance(tree, list):
        if all(isinstance(item, str) for item in tree):
            return [pad + "[" + ", ".join(tree) + "]"]
        out = []
        for item in tree:
            if isinstance(item, str):
                out.append(f"{pad}- {item}")
            else:
                out.append(f"{pad}-")
                out.extend(emit(item, indent + 2))
        return out
    return [pad + tree]


def places(tree: Tree, trail: tuple[int, ...] = ()) -> list[tuple[int, ...]]:
    """Every node's position: indices into lists and into mappings' pairs."""
    found = [trail]
    if isinstance(tree, Pairs):
        for index, (_, value) in enumerate(tree):
            found.extend(places(value, trail + (index,)))
    elif isinstance(tree, list):
        for index, item in enumerate(tree):
            found.extend(places(item, trail + (index,)))
    return found


def child(tree: Tree, index: int) -> Tree:
    return tree[index][1] if isinstance(tree, Pairs) else tree[index]


def replace_at(tree: Tree, trail: tuple[int, ...], new: Tree) -> Tree:
    if not trail:
        return new
    head, rest = trail[0], trail[1:]
    copy = type(tree)(tree)
    if isinstance(tree, Pairs):
        copy[head] = (tree[head][0], replace_at(tree[head][1], rest, new))
    else:
        copy[head] = replace_at(tree[head], rest, new)
    return copy


def node_at(tree: Tree, trail: tuple[int, ...]) -> Tree:
    for index in trail:
        tree = child(tree, index)
    return tree


@st.composite
def tree_mutation(draw: st.DrawFn, tree: Tree) -> Tree:
    """One edit of the tree: a key dropped, doubled or renamed; a value retyped, nested deep or
    given another length; a number made extreme; iterations set near and past the limits."""
    kind = draw(st.sampled_from(["drop", "duplicate", "rename", "retype", "nest", "length", "number",
                                 "iterations"]))
    if kind == "iterations" and isinstance(tree, Pairs):
        value = draw(st.sampled_from(["0", "1", "2", "-1", "2.0", "1e3", '"1"', "1000000", "1000001",
                                      str(10**400), "100000", "~"]))
        return Pairs([pair for pair in tree if pair[0] != "iterations"] + [("iterations", value)])
    trail = draw(st.sampled_from(places(tree)))
    node = node_at(tree, trail)
    if kind == "retype":
        return replace_at(tree, trail, draw(st.sampled_from(SCALARS + ("[]", "{}"))).replace("\n", " "))
    if kind == "nest":
        for _ in range(draw(st.integers(1, 110))):
            node = draw(st.sampled_from([[node], Pairs([("a", node)])]))
        return replace_at(tree, trail, node)
    if kind == "number":
        numeric = [t for t in places(tree)
                   if isinstance(node_at(tree, t), str) and NUMBER_RE.fullmatch(node_at(tree, t))]
        if not numeric:
            return tree
        return replace_at(tree, draw(st.sampled_from(numeric)), draw(st.sampled_from(NUMBERS)))
    if isinstance(node, str) or not node:
        return tree
    index = draw(st.integers(0, len(node) - 1))
    copy = type(node)(node)
    if kind == "drop":
        del copy[index]
    elif kind == "duplicate":
        copy.insert(draw(st.integers(0, len(node))), node[index])
    elif kind == "rename" and isinstance(node, Pairs):
        copy[index] = (draw(st.sampled_from(KEYS)), node[index][1])
    elif kind == "length":   # a row, or a list of rows, one longer or shorter; or two lists swapped
        other = draw(st.integers(0, len(node) - 1))
        action = draw(st.sampled_from(["longer", "shorter", "swap"]))
        if action == "longer":
            copy.append(node[index])
        elif action == "shorter":
            del copy[index]
        else:
            copy[index], copy[other] = copy[other], copy[index]
            if isinstance(node, Pairs):   # swap the values, keep the keys
                copy[index], copy[other] = (node[index][0], node[other][1]), (node[other][0], node[index][1])
    return replace_at(tree, trail, copy)


@given(name=st.sampled_from(NAMES), data=st.data())
@settings(FUZZ)
def test_tree_mutations_are_refused_or_exported(folder: Path, name: str, data: st.DataObject) -> None:
    tree = TREES[name]
    for _ in range(data.draw(st.integers(1, 3))):
        tree = data.draw(tree_mutation(tree))
    check_file(folder / name, ("\n".join(emit(tree)) + "\n").encode("utf-8"), data.draw(export_options(QUICK_FORMATS)))


@given(name=st.sampled_from(NAMES), data=st.data())
@settings(FUZZ, max_examples=max(1, TOTAL // 5))
def test_extreme_numbers_are_refused_or_exported(folder: Path, name: str, data: st.DataObject) -> None:
    """Only numbers change, so most files are accepted: the exporters meet 1e308, 5e-324 and -0.0."""
    text = SCENARIOS[name]
    found = list(NUMBER_RE.finditer(text))
    chosen = sorted(set(data.draw(st.lists(st.integers(0, len(found) - 1), min_size=1, max_size=6))), reverse=True)
    for index in chosen:
        match = found[index]
        text = text[:match.start()] + data.draw(st.sampled_from(NUMBERS)) + text[match.end():]
    terminal = data.draw(st.sampled_from(["txt", "svg"]))   # slow (rich): only here, where most files pass
    check_file(folder / name, text.encode("utf-8"), data.draw(export_options(QUICK_FORMATS + (terminal,))))
