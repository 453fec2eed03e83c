"""The registries of `bpwalk.ops`: every entry's f, f′, templates and forms agree with each other.

Each test loops over the registry, so that a new activation or loss is checked without a new
test: f′ against central finite differences of f, `sympy.diff` of the template against f′ at
random points, the derivative's template and vector form against the quantity it is said to
be written with, the layer-wise Jacobian against sympy, and the losses likewise.
"""

from __future__ import annotations

import json
import math
import random
import subprocess
import sys
import warnings
from dataclasses import fields
from pathlib import Path

import pytest
import sympy

import bpwalk.formula.symbolic as S
from bpwalk.ops import ACTIVATION_ALIASES, ACTIVATIONS, LAYER_PARAMETERS, LOSSES, PARAMETERS, Activation, activation
from bpwalk.scenario import Layer

ROOT = Path(__file__).resolve().parent.parent
ELEMENTWISE = [name for name, a in ACTIVATIONS.items() if not a.layer_wise]
LAYER_WISE = [name for name, a in ACTIVATIONS.items() if a.layer_wise]
LANGS = ("en", "zh")


def points(entry: Activation, count: int = 25, seed: int = 9) -> list[float]:
    """Random nets in [-4, 4], none within 1e-3 of a kink at 0."""
    rng = random.Random(seed)
    xs = [rng.uniform(-4.0, 4.0) for _ in range(count)] + [-0.5, 0.5, 3.0, -3.0]
    return [x for x in xs if not (entry.kinked and abs(x) < 1e-3)]


def parameter(entry: Activation) -> float:
    return 0.125 if entry.param is not None else 0.0


def f_of(entry: Activation, x: float) -> float:
    return entry.outs([x], parameter(entry))[0]


def df_of(entry: Activation, x: float) -> float:
    assert entry.df is not None
    return entry.df(x, f_of(entry, x), parameter(entry))


def template_atoms(entry: Activation, z: sympy.Symbol) -> list[sympy.Expr]:
    """The atoms a template takes after the net: the parameter, as an exact number."""
    return [sympy.Rational(parameter(entry))] if entry.param is not None else []


def value(expr: sympy.Expr, z: sympy.Symbol, x: float) -> float:
    return float(S.evaluable(expr).xreplace({z: sympy.Float(x, 30)}).evalf(25))


# -- the entries are complete and consistent ------------------------------------------------

@pytest.mark.parametrize("name", ACTIVATIONS)
def test_an_activation_has_one_way_to_compute_its_outs(name: str) -> None:
    a = ACTIVATIONS[name]
    assert a.name == name
    assert [a.f is not None, a.f_param is not None, a.layer is not None].count(True) == 1
    assert (a.f_param is not None) == (a.param is not None)
    if a.layer_wise:
        assert a.df is None and a.d_template is None and a.d_form is None
        assert a.jacobian is not None and a.delta_template is not None and a.delta_form is not None
    else:
        assert a.df is not None and a.d_template is not None and a.d_form is not None and a.df_text
        assert a.jacobian is None and a.delta_template is None and a.delta_form is None
    assert a.written_with in ("out", "net", "")


def test_names_and_aliases_are_unique() -> None:
    names = list(ACTIVATIONS)
    aliases = [alias for a in ACTIVATIONS.values() for alias in a.aliases]
    assert len(set(names + aliases)) == len(names) + len(aliases)
    assert ACTIVATION_ALIASES == {alias: a.name for a in ACTIVATIONS.values() for alias in a.aliases}
    for alias, name in ACTIVATION_ALIASES.items():
        assert activation(alias) is ACTIVATIONS[name]


def test_a_parameter_defaults_as_its_layer_field() -> None:
    defaults = {f.name: f.default for f in fields(Layer)}
    for key, param in LAYER_PARAMETERS.items():
        assert defaults[key] == param.default, key
        assert PARAMETERS[param.operand] is param
        assert set(param.words) == set(LANGS)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_every_activation_has_words_in_every_language(name: str) -> None:
    a = ACTIVATIONS[name]
    assert a.symbol and all(a.words.get(lang) for lang in LANGS)
    assert set(a.sentences) in (set(), set(LANGS))
    kinds = {kind for table in a.sentences.values() for kind in table}
    for lang, table in a.sentences.items():
        assert set(table) == kinds, lang
        for sentence in table.values():
            sentence.format(unit="h1", f="f")   # only the fields the step sentences fill


def test_the_package_imports_no_sympy() -> None:
    code = ("import sys, bpwalk.ops, bpwalk.engine.passes, bpwalk.read.schema, bpwalk.walk.layers; "
            "print('sympy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=str(ROOT))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


# -- f′ against f ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ELEMENTWISE)
def test_df_is_the_derivative_of_f(name: str) -> None:
    entry = ACTIVATIONS[name]
    for x in points(entry):
        h = 1e-6
        fd = (f_of(entry, x + h) - f_of(entry, x - h)) / (2 * h)
        assert df_of(entry, x) == pytest.approx(fd, rel=1e-6, abs=1e-8), x


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_df_reads_only_the_quantity_it_is_written_with(name: str) -> None:
    entry = ACTIVATIONS[name]
    assert entry.df is not None
    p = parameter(entry)
    for x in points(entry):
        out = f_of(entry, x)
        net_or_nan = x if entry.written_with == "net" else math.nan
        out_or_nan = out if entry.written_with == "out" else math.nan
        assert entry.df(net_or_nan, out_or_nan, p) == entry.df(x, out, p), x


@pytest.mark.parametrize("x", [1000.0, -1000.0, 745.2, -745.2, 1e308, -1e308, 0.0, -0.0, 5e-324])
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_f_and_df_are_finite_at_any_finite_net(name: str, x: float) -> None:
    entry = ACTIVATIONS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = f_of(entry, x)
        slope = df_of(entry, x)
    assert math.isfinite(out) and math.isfinite(slope)


# -- the templates against the numbers -----------------------------------------------------------

@pytest.mark.parametrize("name", ELEMENTWISE)
def test_the_template_is_f_and_differentiates_to_df(name: str) -> None:
    entry = ACTIVATIONS[name]
    z = sympy.Symbol("z", real=True)
    atoms = template_atoms(entry, z)
    out = entry.template(S, z, *atoms)
    derivative = sympy.diff(S.evaluable(out), z)
    assert entry.d_template is not None
    written = {"out": [out], "net": [z], "": []}[entry.written_with]
    d_template = entry.d_template(S, *written, *atoms)
    for x in points(entry, count=8):
        assert value(out, z, x) == pytest.approx(f_of(entry, x), rel=1e-13, abs=1e-15), x
        assert value(derivative, z, x) == pytest.approx(df_of(entry, x), rel=1e-12, abs=1e-14), x
        assert value(d_template, z, x) == pytest.approx(df_of(entry, x), rel=1e-12, abs=1e-14), x


@pytest.mark.parametrize("name", LAYER_WISE)
def test_a_layer_wise_template_differentiates_to_its_jacobian(name: str) -> None:
    entry = ACTIVATIONS[name]
    assert entry.jacobian is not None and entry.delta_template is not None
    zs = sympy.symbols("z0:3", real=True)
    nets, g = [0.3, -1.2, 2.0], [0.5, -0.25, 1.5]
    at = {z: sympy.Float(x, 30) for z, x in zip(zs, nets)}
    outs = entry.outs(nets, 0.0)
    for u in range(3):
        out = S.evaluable(entry.template(S, list(zs), u))
        assert float(out.xreplace(at).evalf(25)) == pytest.approx(outs[u], rel=1e-13)
        for k in range(3):
            want = float(sympy.diff(out, zs[k]).xreplace(at).evalf(25))
            assert entry.jacobian(outs, u, k) == pytest.approx(want, rel=1e-12, abs=1e-15), (u, k)
        delta = S.evaluable(entry.delta_template(S, [sympy.Float(x) for x in g], [sympy.Float(o) for o in outs], u))
        assert float(delta) == pytest.approx(math.fsum(gk * entry.jacobian(outs, k, u) for k, gk in enumerate(g)),
                                             rel=1e-12, abs=1e-15)


# -- the vector forms use what the derivative is written with -----------------------------------

class Piece:
    """A vector as the forms receive it: opaque."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __str__(self) -> str:
        return self.name


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_the_vector_forms_use_their_pieces(name: str) -> None:
    entry = ACTIVATIONS[name]
    a, z, p = Piece("a"), Piece("z"), Piece("p")
    form = entry.form(z, p)
    assert z in form and ((p in form) == (entry.param is not None))
    if entry.layer_wise:
        assert entry.delta_form is not None
        g = Piece("g")
        assert a in entry.delta_form(a, g) and g in entry.delta_form(a, g)
        return
    assert entry.d_form is not None
    derivative, compound = entry.d_form(a, z, p)
    assert (a in derivative) == (entry.written_with == "out")
    assert (z in derivative) == (entry.written_with == "net")
    assert (p in derivative) == (entry.param is not None)
    assert isinstance(compound, bool)


# -- losses ------------------------------------------------------------------------------------

def loss_points(name: str) -> list[tuple[float, float]]:
    """(target, out) pairs the loss accepts, away from its poles."""
    loss = LOSSES[name]
    rng = random.Random(3)
    pairs = []
    for _ in range(12):
        if loss.needs_probability:
            o = rng.uniform(0.05, 0.95)
            t = rng.uniform(loss.targets.low, loss.targets.high or 2.0) if loss.targets else rng.uniform(0, 1)
        else:
            o, t = rng.uniform(-2.0, 2.0), rng.uniform(-2.0, 2.0)
        pairs.append((t, o))
    return pairs


@pytest.mark.parametrize("name", LOSSES)
def test_a_loss_template_is_its_term_and_differentiates_to_d(name: str) -> None:
    loss = LOSSES[name]
    t, o, K = sympy.symbols("t o K", real=True)
    k_atom = K if loss.per_output_count else None
    term = S.evaluable(loss.template(S, t, o, k_atom))
    d = S.evaluable(loss.d_template(S, t, o, k_atom))
    derivative = sympy.diff(term, o)
    for tv, ov in loss_points(name):
        at = {t: sympy.Float(tv, 30), o: sympy.Float(ov, 30), K: 3}
        assert float(term.xreplace(at).evalf(25)) == pytest.approx(loss.term(tv, ov, 3), rel=1e-13, abs=1e-15)
        assert float(derivative.xreplace(at).evalf(25)) == pytest.approx(loss.d(tv, ov, 3), rel=1e-12, abs=1e-14)
        assert float(d.xreplace(at).evalf(25)) == pytest.approx(loss.d(tv, ov, 3), rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("name", LOSSES)
def test_a_loss_is_infinite_at_its_poles_and_admits_its_targets(name: str) -> None:
    loss = LOSSES[name]
    for pole in loss.poles:
        t = 0.5
        assert not math.isfinite(loss.term(t, pole, 1)), pole
    assert loss.needs_probability == bool(loss.poles)
    if loss.targets is not None:
        assert loss.targets.admits(loss.targets.low) and not loss.targets.admits(loss.targets.low - 1.0)
        assert loss.targets.high is None or not loss.targets.admits(loss.targets.high + 1.0)
    if loss.suggested_output:
        assert ACTIVATIONS[loss.suggested_output].probability or not loss.needs_probability
    a, t, k = Piece("a"), Piece("t"), Piece("K")
    for form in (loss.form(a, t, k), loss.d_form(a, t, k)):
        assert a in form and t in form and ((k in form) == loss.per_output_count)
    json.dumps(loss.summary)


# -- what a template may be built of, printed ------------------------------------------------------

def test_the_printers_write_every_piece_a_template_may_use() -> None:
    from bpwalk.engine.trace import run
    from bpwalk.formula.equations import StepLatex, StepText
    from bpwalk.formula.notation import Notation
    from bpwalk.words import cases
    from bpwalk.read import load_scenario
    from bpwalk.read.builtin import resolve

    sc = load_scenario(resolve("mazur"))
    step = run(sc).steps[1]
    notation = Notation.of(sc)
    text, latex = StepText(step, notation, cases("en")), StepLatex(step, notation, cases("en"))
    z = sympy.Symbol("net.h1")
    cases = [
        (S.erf(S.over(z, S.sqrt(2))), "erf(net_h1/√2)", r"\operatorname{erf}{\left(\frac{\mathrm{net}_{\mathrm{h1}}}{\sqrt{2}} \right)}"),
        (S.over(z, S.sqrt(S.times(2, S.pi))), "net_h1/√(2·π)", r"\frac{\mathrm{net}_{\mathrm{h1}}}{\sqrt{2 \pi}}"),
        (S.positive(z, z, S.minus(S.exp(z), 1)), "(net_h1 if net_h1 > 0, else e^net_h1 − 1)", None),
        (S.times(S.half, z), "½·net_h1", r"\frac{1}{2} \mathrm{net}_{\mathrm{h1}}"),
    ]
    for expr, want_text, want_latex in cases:
        assert text.doprint(expr) == want_text
        if want_latex is not None:
            assert latex.doprint(expr) == want_latex



@pytest.mark.parametrize("p", [0.125, 1.0, 2.5, -0.5])
@pytest.mark.parametrize("name", [n for n in ELEMENTWISE if ACTIVATIONS[n].param is not None])
def test_the_template_is_f_for_any_parameter_the_format_accepts(name: str, p: float) -> None:
    # the format bounds no activation parameter: max(α·z, z) is leaky ReLU only for α <= 1
    entry = ACTIVATIONS[name]
    z = sympy.Symbol("z", real=True)
    out = entry.template(S, z, sympy.Rational(p))
    derivative = sympy.diff(S.evaluable(out), z)
    for x in points(entry, count=8):
        assert value(out, z, x) == pytest.approx(entry.outs([x], p)[0], rel=1e-13, abs=1e-15), (x, p)
        assert value(derivative, z, x) == pytest.approx(entry.df(x, entry.outs([x], p)[0], p), rel=1e-12), (x, p)


@pytest.mark.parametrize("name", [n for n in ELEMENTWISE if ACTIVATIONS[n].param is not None])
def test_the_vector_form_holds_for_any_parameter(name: str) -> None:
    # a written max(α·z, z) is min(α·z, z) for α > 1: the vector form may not rest on α's size
    form = "".join(str(piece) for piece in ACTIVATIONS[name].form("z", "α"))
    assert "max(" not in form and "min(" not in form, form
