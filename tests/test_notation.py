"""Notation is checked, not hoped for: every label says something true about the trace.

`Notation.label` describes each label as typed data (a Quantity, a Derivative, a Product of
derivatives); these tests map it back to the trace's dependency graph (built from the Steps'
operand sources) and check, over every step of every built-in scenario and of random ones:

- every quantity a label names exists, and in ∂A/∂B, A depends on B;
- an operand is written as the step that computed it writes itself;
- a product or sum of earlier steps is the chain rule it claims: ∂A/∂B·∂B/∂C is ∂A/∂C only
  where every path from C to A passes through B (δ_U standing for ∂E/∂net_U), and a sum over
  paths covers every path;
- in runs of several samples, a sample's quantities carry its index (E⁽¹⁾, ∂E⁽²⁾/∂w₁), and a
  sum over samples lists each sample's term with its own back-link (terminal, Markdown, HTML,
  LaTeX);
- LaTeX and MathML set names of more than one letter, and unit names in subscripts, upright.
"""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET
from functools import cached_property
from io import StringIO

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

import bpwalk.formula.equations as formula
from bpwalk.words import cases
from bpwalk.engine.steps import Step, Trace, factor_name, operand_sample
from bpwalk.engine.trace import run
from bpwalk.export import render
from bpwalk.export.html import mathml
from bpwalk.export.mathml import compact
from bpwalk.formula.notation import STATE_SYMBOLS, Derivative, Label, Notation, Product, Quantity
from bpwalk.ops import OPTIONS
from bpwalk.read import load_scenario
from bpwalk.read.builtin import builtin_paths, resolve
from bpwalk.render.terminal import StepView
from bpwalk.scenario import Display, Scenario

try:
    from strategies import scenarios
except ImportError:  # tests/ imported as a package
    from tests.strategies import scenarios

PROPERTY = settings(max_examples=40, deadline=None, database=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
Node = tuple


def quantities(label: Label) -> list[Quantity]:
    if isinstance(label, Quantity):
        return [label]
    if isinstance(label, Derivative):
        return [label.of, label.wrt]
    return [q for d in label.factors for q in quantities(d)]


class Graph:
    """The trace as a dependency graph: a node per step, and one per given value."""

    def __init__(self, trace: Trace) -> None:
        self.trace = trace
        self.sc = trace.scenario
        self.notation = Notation.of(self.sc)
        self.multi = len(self.sc.samples) > 1
        self.parameters = set(self.sc.parameter_names())
        self.by_name = {(s.quantity, s.iteration, s.sample): s.index for s in trace.steps}
        self.parents: dict[Node, set[Node]] = {
            ("step", s.index): {self.operand_node(s, i) for i in range(len(s.operands))} for s in trace.steps
        }

    def sample(self, n: int | None) -> int | None:
        return 1 if n is None and not self.multi else n

    def operand_node(self, step: Step, i: int) -> Node:
        op = step.operands[i]
        if op.source is not None:
            return ("step", op.source)
        per_sample = op.name.startswith(("out.", "target."))
        return ("given", op.name, self.sample(operand_sample(step, i)) if per_sample else None)

    @cached_property
    def ancestors(self) -> dict[Node, frozenset[Node]]:
        out: dict[Node, frozenset[Node]] = {}
        for s in self.trace.steps:          # sources come before the steps that use them
            found: set[Node] = set()
            for p in self.parents[("step", s.index)]:
                found.add(p)
                found |= out.get(p, frozenset())
            out[("step", s.index)] = frozenset(found)
        return out

    def depends(self, a: Node, b: Node) -> bool:
        return b in self.ancestors.get(a, frozenset())

    def only_through(self, a: Node, b: Node, c: Node) -> bool:
        """Whether every path from c to a passes through b."""
        seen, todo = set(), [a]
        while todo:
            n = todo.pop()
            if n == c:
                return False
            if n in seen or n == b:
                continue
            seen.add(n)
            todo.extend(self.parents.get(n, ()))
        return True

    def users(self, b: Node, a: Node) -> set[Node]:
        """The nodes that take b as an operand and lead to a: where the paths from b to a split."""
        return {n for n, ps in self.parents.items() if b in ps and (n == a or self.depends(a, n))}

    def resolve(self, q: Quantity, iteration: int | None, context: int | None) -> Node:
        """The node a quantity of a label stands for, in a step of `iteration` about sample `context`."""
        name, n = q.name, self.sample(q.sample)
        kind, dot, rest = name.partition(".")
        if kind in STATE_SYMBOLS or name in ("penalty", "data_loss", "batch_loss") or kind == "grad_data":
            # Addition A: an update's own quantities (the last such step of the iteration; the
            # optimizer's state before its first update is given, zero)
            found = [s.index for s in self.trace.steps if s.quantity == name and s.iteration == iteration]
            if not found and name == "data_loss" and not self.multi:
                return ("step", self.by_name[("loss", iteration, 1)])   # one sample: its loss is the data loss
            return ("step", found[-1]) if found else ("given", name, None)
        if name in OPTIONS or name in ("l2", "t"):
            return ("given", name, None)
        if name == "total_loss":
            key = ("total_loss", iteration, None) if self.multi else ("loss", iteration, 1)
        elif name == "loss":
            key = ("loss", iteration, n)
        elif kind == "out" and rest in self.sc.inputs or kind == "target":
            assert rest in (self.sc.inputs if kind == "out" else self.sc.outputs), name
            return ("given", name, n)
        elif kind == "new":         # after the iteration (batch) or after that sample (per_sample)
            key = (name, iteration, context)
        elif dot:
            key = (name, iteration, n)
        elif name in ("lr", "slope", "K", "1"):
            return ("given", name, None)
        else:
            assert name in self.parameters, f"{name} is no quantity of the scenario"
            return self.parameter(name, iteration, self.sample(context) or 1)
        assert key in self.by_name, f"{q} names no quantity of the trace"
        return ("step", self.by_name[key])

    def parameter(self, name: str, iteration: int | None, sample: int) -> Node:
        """A parameter as the forward pass of that iteration and sample used it."""
        for s in self.trace.steps:
            if s.rule == "net" and s.iteration == iteration and s.sample == sample:
                for i, op in enumerate(s.operands):
                    if op.name == name:
                        return self.operand_node(s, i)
        raise AssertionError(f"{name} is used by no forward pass")

    def loss(self, sample: int | None) -> Quantity:
        """What the spec differentiates: that sample's loss, or the total (one sample: the same; with a
        penalty, the one sample's loss is the data loss, and the total adds the penalty)."""
        if not self.multi and self.sc.regularization is not None:
            return Quantity("data_loss")
        return Quantity("loss", sample) if self.multi and sample is not None else Quantity("total_loss")

    def meaning(self, label: Label) -> Label:
        """δ_U stands for ∂E/∂net_U (the spec's definition), in a product too; any other label for itself."""
        if isinstance(label, Quantity) and label.name.startswith("delta."):
            return Derivative(self.loss(label.sample), Quantity("net." + label.name[6:], label.sample))
        if isinstance(label, Product):
            return Product(tuple(self.meaning(f) for f in label.factors))
        return label


# -- the checks --------------------------------------------------------------------------------

def labels_of(g: Graph, step: Step) -> list[tuple[Label, int | None]]:
    """The step's own label and each operand's, with the sample each is about."""
    n = g.notation
    own = [(n.label(step.quantity, step.sample), step.sample)]
    return own + [(n.label(factor_name(step, i), operand_sample(step, i)), operand_sample(step, i))
                  for i in range(len(step.operands))]


def derivatives(label: Label) -> list[Derivative]:
    if isinstance(label, Derivative):
        return [label]
    return [f for f in label.factors if isinstance(f, Derivative)] if isinstance(label, Product) else []


def check_exists_and_depends(g: Graph, step: Step) -> None:
    for label, context in labels_of(g, step):
        for q in quantities(label):
            g.resolve(q, step.iteration, context)
        for d in derivatives(label):
            a, b = g.resolve(d.of, step.iteration, context), g.resolve(d.wrt, step.iteration, context)
            assert g.depends(a, b), f"step {step.index + 1}: {d.of.name} does not depend on {d.wrt.name}"


def check_operands_written_as_their_sources(g: Graph, step: Step) -> None:
    n = g.notation
    for i, op in enumerate(step.operands):
        if op.source is None or factor_name(step, i) != op.name:
            continue
        source = g.trace.steps[op.source]
        if source.phase == "update":       # w5⁺ of one iteration is the next one's w5
            # (an optimizer's state, or a penalised gradient, is written as the update step that computed it)
            if source.quantity == op.name:
                continue
            assert n.label(op.name) == Quantity(op.name) and source.quantity == f"new.{op.name}"
            continue
        mine, theirs = n.label(op.name, operand_sample(step, i)), n.label(source.quantity, source.sample)
        assert mine == theirs, f"step {step.index + 1}: operand {op.name} written {mine}, its step {theirs}"
        if g.multi and source.sample is not None:
            assert {q.sample for q in quantities(mine) if q.sample is not None} == {source.sample}


def chain(g: Graph, step: Step, factors: list[Label]) -> Derivative | Product:
    """∂A/∂B·∂B/∂C as ∂A/∂C where every path from C to A goes through B, else the product."""
    ds = [g.meaning(f) for f in factors]
    assert all(isinstance(d, Derivative) for d in ds), ds
    assert all(x.wrt == y.of for x, y in zip(ds, ds[1:])), f"step {step.index + 1}: {ds} is no chain"
    a, c = ds[0].of, ds[-1].wrt
    node = lambda q: g.resolve(q, step.iteration, step.sample)  # noqa: E731
    if all(g.only_through(node(a), node(d.wrt), node(c)) for d in ds[:-1]):
        return Derivative(a, c)
    return Product(tuple(ds))


def weight_between(g: Graph, step: Step, weight: str, x: str, unit: str) -> None:
    """That `weight` multiplies `x` in net_unit: the weight is ∂net_unit/∂x, and x is ∂net_unit/∂weight."""
    net = g.trace.steps[g.by_name[(f"net.{unit}", step.iteration, g.sample(step.sample) or 1)]]
    names = [op.name for op in net.operands]
    pairs = set(zip(names[0::2], names[1::2])) | ({(names[-1], "1")} if len(names) % 2 else set())
    assert (weight, x) in pairs, f"step {step.index + 1}: {weight}·{x} is no term of net_{unit}"


def check_the_rule(g: Graph, step: Step) -> None:
    """A product or sum of earlier steps is the chain rule its label claims."""
    n, s = g.notation, step.sample
    label = n.label(step.quantity, s)
    ops = [n.label(factor_name(step, i), operand_sample(step, i)) for i in range(len(step.operands))]
    E = g.loss(s)
    node = lambda q: g.resolve(q, step.iteration, s)  # noqa: E731
    if step.rule in ("chain", "delta"):
        if step.rule == "chain":
            unit = step.operands[0].name.split(".", 1)[1].split("@")[0]
            weight_between(g, step, step.subject, step.operands[-1].name, unit)
        assert chain(g, step, ops) == g.meaning(label), f"step {step.index + 1}: {label} is not {ops}"
    elif step.rule == "path":
        delta, weight = step.operands
        via, unit = delta.name.split(".", 1)[1], step.subject
        weight_between(g, step, weight.name, f"out.{unit}", via)
        k = s if g.multi else None
        factors = [ops[0], Derivative(Quantity(f"net.{via}", k), Quantity(f"out.{unit}", k))]
        assert g.meaning(label) in (chain(g, step, factors), g.meaning(Product(tuple(factors)))), label
    elif step.rule in ("paths", "bias:shared", "delta:softmax"):
        # a sum over every way in: the multivariable chain rule
        assert isinstance(g.meaning(label), Derivative)
        target = g.meaning(label)
        terms = ops if step.rule != "delta:softmax" else ops[: len(ops) // 2]
        middles = set()
        for t in map(g.meaning, terms):
            first = t.factors[0] if isinstance(t, Product) else t
            assert isinstance(first, Derivative), t
            assert first.of == E == target.of, f"step {step.index + 1}: {t} is not a term of {target}"
            if isinstance(t, Product):
                assert t.factors[-1].wrt == target.wrt
            middles.add(node(first.wrt))
        assert middles == g.users(node(target.wrt), node(E)), f"step {step.index + 1}: not every path"
    elif step.rule.startswith(("reduce", "total")):
        each = [g.trace.steps[op.source].sample for op in step.operands]
        if step.batch is not None or step.quantity == "batch_loss":   # a mini-batch's own samples
            assert each == [i + 1 for i in g.sc.batches()[step.batch - 1]]
            return
        assert each == list(range(1, len(g.sc.samples) + 1))
        if step.quantity.startswith("grad_data.") or step.quantity == "data_loss":
            return
        if step.rule.startswith("reduce"):
            assert label == Derivative(Quantity("total_loss"), Quantity(step.subject))
            assert ops == [Derivative(Quantity("loss", k), Quantity(step.subject)) for k in each]
        else:
            assert ops == [Quantity("loss", k) for k in each]


def check_samples_are_written(g: Graph, step: Step) -> None:
    """Each label of a sample's loss shows the sample; no two operands of a step read the same."""
    n = g.notation
    labels = labels_of(g, step)
    for label, _ in labels:
        text, latex = n.label_text(label), n.label_latex(label)
        for q in quantities(label):
            if q.name == "loss" and g.multi:
                assert q.sample is not None
                assert f"⁽{str(q.sample).translate(SUPERSCRIPT)}⁾" in text and f"^{{({q.sample})}}" in latex
    written: dict[str, Label] = {}
    for label, _ in labels[1:]:
        text = n.label_text(label)
        assert written.setdefault(text, label) == label, f"step {step.index + 1}: two operands read {text}"


UPRIGHT = re.compile(r"\\(?:mathrm|text|operatorname|begin|end)\{[^{}]*\}")
COMMAND = re.compile(r"\\[A-Za-z]+")


def check_latex_upright(latex: str) -> None:
    """No run of two letters is left italic: each is a command or inside \\mathrm{}."""
    rest = COMMAND.sub(" ", UPRIGHT.sub(" ", latex))
    assert not re.search(r"[A-Za-z]{2,}", rest), latex


def check_all(trace: Trace) -> None:
    g = Graph(trace)
    for step in trace.steps:
        if step.phase in ("intro", "summary"):
            continue
        check_exists_and_depends(g, step)
        check_operands_written_as_their_sources(g, step)
        check_the_rule(g, step)
        check_samples_are_written(g, step)
        for label, _ in labels_of(g, step):
            check_latex_upright(g.notation.label_latex(label))
        parts = formula.latex(step, g.notation, 6, cases("en"))
        if parts is not None:
            check_latex_upright(parts[0])


BUILTIN = {p.stem: p for p in builtin_paths()}


@pytest.fixture(scope="module", params=sorted(BUILTIN))
def builtin(request) -> Trace:
    return run(load_scenario(BUILTIN[request.param]))


def test_every_label_of_every_builtin_is_true(builtin: Trace) -> None:
    check_all(builtin)


SYMBOLS = st.sampled_from([
    (),
    (("pre_activation", "z"), ("activation", "a"), ("error", "C"), ("loss", "C"), ("total_loss", "L")),
    (("pre_activation", ""), ("activation", ""), ("target", "t"), ("loss", "E"), ("total_loss", "E")),
])


@PROPERTY
@given(scenarios(update="batch", reduction="mean", min_samples=2, max_samples=2, min_layers=3,
                 output_activation="softmax"), SYMBOLS)
def test_every_label_of_a_deep_softmax_network_is_true(sc: Scenario, symbols) -> None:
    sc = dataclasses.replace(sc, display=Display(symbols=symbols))
    trace = run(sc)
    check_all(trace)
    check_where_lists(trace, html=False)


@PROPERTY
@given(scenarios(), SYMBOLS)
def test_every_label_of_a_random_network_is_true(sc: Scenario, symbols) -> None:
    check_all(run(dataclasses.replace(sc, display=Display(symbols=symbols))))


# -- where-lists: each sample's term with its own back-link --------------------------------------

def terminal_lines(trace: Trace, step: Step) -> list[str]:
    console = Console(file=StringIO(), width=200, color_system=None, legacy_windows=False)
    console.print(StepView(trace, step, 6))
    text = console.file.getvalue()
    return [line.strip() for line in text.split("\nwhere\n", 1)[1].splitlines()]


def sums_over_samples(trace: Trace) -> list[Step]:
    return [s for s in trace.steps if s.rule.startswith(("reduce", "total"))]


def check_where_lists(trace: Trace, html: bool = True) -> None:
    n = Notation.of(trace.scenario)
    # the where lists are the scalar style's (a scenario may default to another style)
    md = render(trace, "md", 6, style="scalar").splitlines()
    tex = render(trace, "latex", 6, style="scalar").splitlines()
    page = render(trace, "html", 6, style="scalar") if html else ""
    for step in sums_over_samples(trace):
        lines = terminal_lines(trace, step)
        section = re.search(rf'<section class="step" id="s{step.index + 1}">(.*?)</section>', page, re.S)
        for i, op in enumerate(step.operands):
            label = n.label(op.name, operand_sample(step, i))
            text, latex, back = n.label_text(label), n.label_latex(label), op.source + 1
            assert any(line.startswith(text + " ") and line.endswith(f"from step {back}") for line in lines), lines
            assert any(line.startswith(f"- ${latex}$ = ") and line.endswith(f"(step {back})") for line in md), latex
            assert any(line.startswith(f"  \\item $\\displaystyle {latex} = ") and f"-s{back}}}{{step {back}}})" in line
                       for line in tex), latex
            if html:
                assert section is not None
                items = [x for x in re.findall(r"<li>(.*?)</li>", section.group(1)) if f'href="#s{back}"' in x]
                # the document's MathML is compacted (bpwalk.export.mathml): the same symbol, smaller
                assert len(items) == 1 and compact(mathml(latex)) in items[0], items


MULTI = [name for name, p in BUILTIN.items() if len(load_scenario(p).samples) > 1]


@pytest.mark.parametrize("name", MULTI)
def test_a_sum_over_samples_lists_each_sample_with_its_own_link(name: str) -> None:
    trace = run(load_scenario(BUILTIN[name]))
    assert sums_over_samples(trace)
    check_where_lists(trace)


# -- the reproductions of issue 9 ------------------------------------------------------------------

def test_softmax_path_term_is_delta_times_dnet_dout() -> None:
    trace = run(load_scenario(resolve("softmax-3class")))
    step = trace.steps[35]      # `bpwalk run softmax-3class --start 36`
    n = Notation.of(trace.scenario)
    lhs, general, _, _ = formula.text(step, n, 6, cases("en"))
    assert f"{lhs} = {general}" == "δ_cat·∂net_cat/∂out_h1 = δ_cat·w₇"
    assert n.latex(step.quantity) == (
        "\\delta_{\\mathrm{cat}} \\frac{\\partial \\mathrm{net}_{\\mathrm{cat}}}{\\partial \\mathrm{out}_{\\mathrm{h1}}}")


def test_no_label_names_the_error_of_a_hidden_unit() -> None:
    trace = run(load_scenario(resolve("deep-relu")))
    n = Notation.of(trace.scenario)
    hidden = [u for layer in trace.scenario.layers[:-1] for u in layer.units]
    written = [n.text(s.quantity, s.sample) for s in trace.steps]
    assert not [w for w in written for u in hidden if f"E_{u}" in w]
    assert "δ_h5·∂net_h5/∂out_h1" in written


def test_mean_of_two_samples_gradients_names_each_sample() -> None:
    trace = run(load_scenario(resolve("deep-relu")))
    step = trace.steps[186]     # `bpwalk run deep-relu --start 187`
    assert step.rule == "reduce:mean" and step.quantity == "grad.w1"
    lhs, general, _, _ = formula.text(step, Notation.of(trace.scenario), 6, cases("en"))
    assert f"{lhs} = {general}" == "∂E_total/∂w₁ = 1/2·(∂E⁽¹⁾/∂w₁ + ∂E⁽²⁾/∂w₁)"
    lines = terminal_lines(trace, step)
    first, second = (op.source + 1 for op in step.operands)
    assert lines[0].startswith("∂E⁽¹⁾/∂w₁ ") and lines[0].endswith(f"from step {first}")
    assert lines[1].startswith("∂E⁽²⁾/∂w₁ ") and lines[1].endswith(f"from step {second}")


# -- LaTeX and MathML: names upright ----------------------------------------------------------------

def test_multi_letter_names_are_upright_in_latex() -> None:
    n = Notation.of(load_scenario(resolve("mazur")))
    assert n.latex("net.h1") == "\\mathrm{net}_{\\mathrm{h1}}"
    assert n.latex("out.o1") == "\\mathrm{out}_{\\mathrm{o1}}"
    assert n.latex("total_loss") == "E_{\\mathrm{total}}"
    assert n.latex("target.o1") == "\\mathrm{target}_{\\mathrm{o1}}"
    assert n.latex("w5") == "w_{5}" and n.latex("b1_2") == "b_{1,2}" and n.latex("delta.o1") == "\\delta_{\\mathrm{o1}}"
    z = Notation.of(load_scenario(resolve("delta-two-samples")))
    assert z.latex("net.h") == "z_{\\mathrm{h}}" and z.latex("loss", 2) == "C^{(2)}"


def italic_runs(math: str) -> list[str]:
    """Letters of one name set as separate italic <mi>s, and italic letters in a subscript."""
    found = []
    root = ET.fromstring(math)
    tag = lambda e: e.tag.rsplit("}", 1)[-1]  # noqa: E731
    italic = lambda e: tag(e) == "mi" and e.get("mathvariant") != "normal" and re.fullmatch(  # noqa: E731
        r"[A-Za-z]", e.text or "")
    for parent in root.iter():
        kids = list(parent)
        for a, b in zip(kids, kids[1:]):
            if italic(a) and italic(b):
                found.append(f"{a.text}{b.text}")
        if tag(parent) == "msub":
            found += [f"_{e.text}" for e in kids[1].iter() if italic(e)]
    return found


def test_html_sets_names_upright(builtin: Trace) -> None:
    page = render(builtin, "html", 6)
    maths = re.findall(r"<math .*?</math>", page, re.S)
    assert maths
    bad = sorted({run for m in maths for run in italic_runs(m)})
    assert not bad, bad


def test_one_letter_upright_name_stays_upright_in_mathml() -> None:
    assert italic_runs(mathml("z_{\\mathrm{h}}")) == []
    assert italic_runs(mathml("\\mathrm{net}_{\\mathrm{h1}}")) == []
    assert italic_runs(mathml("net_{h1}")) != []      # what the check catches
