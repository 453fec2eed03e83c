"""What a trace is made of: Steps (one equation each) and the per-iteration numbers.

A Step computes one quantity from operands; each operand says which earlier step computed
it (or that it was given: a parameter, an input, a target, the learning rate). Renderers
build the formula from `rule` and the operands' names; they never recompute anything.

Quantity names (`Step.quantity`, `Operand.name`) and rules are the strings the JSON writes; their
parts are read here only, once per name: `Step.ref` and `Operand.ref` (kind, unit, via),
`Step.rule_kind` and `Step.rule_of`. No other module takes them apart:

    net.U  out.U  error.O  loss  total_loss  delta.U  grad.P  new.P   (the spec's keys)
    dinput.X         dLoss/dx_X of input X (bpwalk's addition, with display.input_gradients)
    dE_dout.U        dLoss/dout_U (output: the loss derivative; hidden: the sum over paths)
    dE_dout.U@K      the path term through unit K of the next layer: delta_K * w_KU
    dout_dnet.U      the activation's derivative at unit U
    target.O         the sample's target for output unit O (given)
    P                a weight or bias (given, or from an earlier update step)
    lr               the learning rate (given)

Rules and their operands, in order:

    intro                      -                               the scenario as a whole
    net                        w_1, x_1, ..., w_n, x_n [, b]   net = sum w x (+ b * 1)
    act:<f>                    net.U (leaky_relu: + slope)     out = f(net)
    act:softmax                net.K for every unit K          out_U = e^net_U / sum_K e^net_K
    error:<loss>               target.O, out.O (mse: + K)      one output's term of the loss
    loss                       error.O for every output        loss = sum of the terms
    total:sum | total:mean     loss of every sample            total_loss
    dE_dout:<loss>             out.O, target.O (mse: + K)      dLoss/dout_O
    path                       delta.K, w_KU                   dE_dout.U@K = delta_K * w_KU
    paths                      dE_dout.U@K for every K         dE_dout.U = sum of the paths
    dact:<f>                   out.U | net.U | - (+ slope)     dout/dnet, written with the quantity the
                                                               activation's entry names (`written_with`)
    delta                      dE_dout.U, dout_dnet.U          delta = product
    delta:softmax              dE_dout.K ..., out.K ...        delta_U = sum_K dE/dout_K dout_K/dnet_U

Which activation takes a parameter (slope), which is layer-wise (softmax) and which loss
divides by K: `bpwalk.ops`.
    dinput                     w_U1X, delta.U1, w_U2X, ...     dinput.X = sum w_UX delta_U over the first
                                                               layer's units U (display.input_gradients)
    chain                      dE_dout.U, dout_dnet.U, x       grad.w = product; x = out.J (or the
                               | delta.U, x                    constant "1" for a per-unit bias)
    bias:shared                delta.U for every unit U        grad.b = sum of the deltas
    reduce:sum | reduce:mean   grad.P of every sample          the iteration's grad.P
    update                     P, lr, grad.P                   new.P = P - lr * grad.P
    keep                       P                               new.P = P (bias not trained)
    summary                    total_loss (first), final.total_loss
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Callable, Mapping, NamedTuple

from bpwalk.scenario import Scenario

PHASES: tuple[str, ...] = ("intro", "forward", "loss", "backward", "update", "summary")

RECORD_KINDS: tuple[str, ...] = ("net", "out", "error", "delta", "grad", "new", "dE_dout", "dout_dnet", "dinput")
SPEC_PREFIXES: tuple[str, ...] = ("net.", "out.", "error.", "delta.", "grad.", "new.", "dinput.",
                                  # Addition A
                                  "change.", "velocity.", "sq_avg.", "m.", "v.", "m_hat.", "v_hat.")
SPEC_NAMES: tuple[str, ...] = ("loss", "total_loss", "data_loss", "penalty")


@dataclass(frozen=True)
class Ref:
    """A quantity or operand name (the table above), its parts read once, here.

    `dE_dout.h1@o1`: kind "dE_dout", unit "h1", via "o1" (the next layer's unit of the path);
    `grad.w5`: kind "grad", unit "w5"; a name without a kind (`w5`, `loss`, `lr`, `K`, `1`):
    kind "", unit the name. `Step.ref` and `Operand.ref` give it; the names themselves stay the
    strings the JSON writes.
    """

    text: str
    kind: str
    unit: str           # the unit or parameter the quantity is about
    via: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Rule:
    """How a step computes its quantity (the table above): `act:sigmoid` has kind "act" and the
    operation it names, `of`, "sigmoid"; `chain` has kind "chain" and no `of`; an optimizer's
    step `opt:adam:m` has kind "opt", of "adam" and `part` "m" (the state it computes)."""

    text: str
    kind: str
    of: str
    part: str = ""


_REFS: dict[str, Ref] = {}
_RULES: dict[str, Rule] = {}


def ref(name: str) -> Ref:
    """The parts of a name (read once per name and kept: a trace repeats its names thousands of times)."""
    found = _REFS.get(name)
    if found is None:
        kind, dot, rest = name.partition(".")
        if not dot:
            kind, rest = "", name
        unit, _, via = rest.partition("@")
        found = _REFS[name] = Ref(name, kind, unit, via)
    return found


def named(kind: str, unit: str, via: str = "") -> str:
    """The name of a quantity from its parts: ("dE_dout", "h1", "o1") -> dE_dout.h1@o1."""
    return (f"{kind}.{unit}" if kind else unit) + (f"@{via}" if via else "")


def rule(text: str) -> Rule:
    found = _RULES.get(text)
    if found is None:
        kind, _, rest = text.partition(":")
        of, _, part = rest.partition(":")
        found = _RULES[text] = Rule(text, kind, of, part)
    return found


def spec_key(quantity: str, final: bool = False) -> str | None:
    """The scenario format's key for a quantity, or None if the format has no name for it."""
    if quantity in SPEC_NAMES or (quantity.startswith(SPEC_PREFIXES) and "@" not in quantity):
        return f"final.{quantity}" if final else quantity
    return None


class Operand(NamedTuple):
    name: str
    value: float
    source: int | None = None   # index in Trace.steps of the step that computed it; None: given
    # the sample a per-sample operand belongs to, where the step is not that sample's own (the
    # total loss and the summed gradient gather every sample's); None: the step's sample
    sample: int | None = None

    @property
    def ref(self) -> Ref:
        return ref(self.name)


@dataclass(frozen=True, slots=True)
class Step:
    index: int                  # 0-based position in Trace.steps (shown 1-based)
    phase: str
    iteration: int | None       # 1-based; None for the intro, the final pass and the summary
    sample: int | None          # 1-based; None for quantities of the iteration as a whole
    quantity: str
    key: str | None             # the scenario format's key, e.g. "net.h1", "final.loss"
    rule: str
    operands: tuple[Operand, ...]
    value: float | None
    batch: int | None = None    # 1-based, for the steps of one batch's update with update: minibatch

    @property
    def ref(self) -> Ref:
        """The quantity's parts (kind, unit, via)."""
        return ref(self.quantity)

    @property
    def rule_kind(self) -> str:
        """`act` for act:sigmoid, `chain` for chain."""
        return rule(self.rule).kind

    @property
    def rule_of(self) -> str:
        """What the rule names: `sigmoid` for act:sigmoid, `mean` for total:mean, "" for chain."""
        return rule(self.rule).of

    @property
    def rule_part(self) -> str:
        """The part of an operation the rule computes: `m` for opt:adam:m, else ""."""
        return rule(self.rule).part

    @property
    def id(self) -> str:
        """A stable, unique identifier: it1.s1.forward.net.h1, final.s1.loss.loss, it1.b2.update.m.w1, intro."""
        if self.phase in ("intro", "summary"):
            return self.phase
        where = f"it{self.iteration}" if self.iteration is not None else "final"
        if self.sample is not None:
            where += f".s{self.sample}"
        elif self.batch is not None:
            where += f".b{self.batch}"
        return f"{where}.{self.phase}.{self.quantity}"

    @property
    def subject(self) -> str:
        """The unit or parameter the step is about: "h1" for net.h1 and dE_dout.h1@o1, "w5" for grad.w5."""
        return ref(self.quantity).unit

    def _repr_html_(self) -> str | None:
        return _display(self, "html")

    def _repr_latex_(self) -> str | None:
        return _display(self, "latex")


# How a notebook shows a Step or a Trace (`_repr_html_`, ...): writers put here by
# `bpwalk.export.notebook`, a layer the engine may not import, keyed by ("Step", "html"). With
# none there, a notebook shows the repr.
DISPLAY: dict[tuple[str, str], Callable[[Any], str]] = {}


def _display(obj: object, kind: str) -> str | None:
    writer = DISPLAY.get((type(obj).__name__, kind))
    return writer(obj) if writer is not None else None


def factor_name(step: "Step", i: int) -> str:
    """The name operand i stands for in the step's formula.

    The last factor of a chain rule is dnet_U/dP ("dnet_dp.U@P"): its value is the input
    out_J (or 1 for a bias), but in the formula it is a derivative.
    """
    op = step.operands[i]
    if step.rule == "chain" and i == len(step.operands) - 1:
        return named("dnet_dp", step.operands[0].ref.unit, step.subject)
    return op.name


def operand_sample(step: "Step", i: int) -> int | None:
    """The sample operand i belongs to: its own, else the step's (None: the iteration as a whole)."""
    op = step.operands[i]
    return op.sample if op.sample is not None else step.sample


def shows_factors(step: "Step") -> bool:
    """Whether a transcript lists where the step's operands came from: products and sums of earlier steps."""
    return step.rule in ("chain", "delta", "paths", "update", "dinput") or step.rule_kind in ("reduce", "total")


def frozen_map(values: Mapping[str, float]) -> Mapping[str, float]:
    return MappingProxyType(dict(values))


@dataclass(frozen=True)
class SampleRecord:
    """Every spec quantity of one sample in one pass (by unit or parameter name)."""

    sample: int
    net: Mapping[str, float]
    out: Mapping[str, float]          # inputs included
    error: Mapping[str, float]
    loss: float
    delta: Mapping[str, float] | None = None      # None in the final forward pass
    grad: Mapping[str, float] | None = None       # the sample's own gradient, when recorded
    new: Mapping[str, float] | None = None        # per_sample updates only
    dE_dout: Mapping[str, float] | None = None    # extension keys: dLoss/dout and dout/dnet by unit
    dout_dnet: Mapping[str, float] | None = None
    dinput: Mapping[str, float] | None = None     # dLoss/dx by input, with display.input_gradients


@dataclass(frozen=True)
class UpdateRecord:
    """The numbers of one update: of the iteration (batch), of a sample (per_sample) or of a batch (minibatch)."""

    samples: tuple[int, ...]                      # the 1-based samples whose losses it descends
    loss: float                                   # the reduction of their losses (the data loss only)
    grad: Mapping[str, float]                     # every parameter; + λ·p where penalised
    new: Mapping[str, float]                      # every parameter
    change: Mapping[str, float]                   # new.P − P, every trained parameter
    state: Mapping[str, Mapping[str, float]] = field(default_factory=dict)   # the optimizer's: name -> parameter -> value
    penalty: float | None = None                  # with regularization, at the parameters before the update
    batch: int | None = None                      # 1-based, with update: minibatch


@dataclass(frozen=True)
class IterationRecord:
    iteration: int
    samples: tuple[SampleRecord, ...]
    total_loss: float                             # with regularization: data_loss + the penalty at the start
    grad: Mapping[str, float] | None              # None with update: per_sample and minibatch
    new: Mapping[str, float]
    updates: tuple[UpdateRecord, ...] = ()        # in order: one (batch), one per sample, or one per batch
    data_loss: float | None = None                # with regularization


@dataclass(frozen=True)
class FinalRecord:
    samples: tuple[SampleRecord, ...]
    total_loss: float
    data_loss: float | None = None                # with regularization (total_loss adds the penalty)


@dataclass(frozen=True)
class RunSettings:
    """How a trace was computed besides the scenario, so that every view of it can say so."""

    iterations: int | None = None     # the override of the scenario's iterations (None: its own)
    rounding: int | None = None       # every intermediate rounded to this many decimals (None: exact)
    convention: str = "gradient"      # the sign the steps' δ and ∂E/∂out carry (`shown_as`)


@dataclass(frozen=True)
class Trace:
    scenario: Scenario
    parameters: Mapping[str, float]               # before the first update
    iterations: tuple[IterationRecord, ...]
    final: FinalRecord
    steps: tuple[Step, ...]
    settings: RunSettings = RunSettings()

    def value(self, key: str, iteration: int = 1, sample: int | None = None, batch: int | None = None) -> float:
        """The number a scenario-format key names (as `expect` entries name them).

        Args:
            key: e.g. "out.o1", "grad.w5", "final.total_loss".
            iteration: 1-based; ignored for final.* keys.
            sample: 1-based; None (or omitted) for iteration-level quantities. Per-sample
                quantities default to sample 1.
            batch: 1-based, for an update key with update: minibatch (default 1).

        Raises:
            KeyError: the key names no recorded quantity.
        """
        kind, _, name = key.partition(".")
        if kind == "final":
            if name == "data_loss":
                if self.final.data_loss is None:
                    raise KeyError(key)
                return self.final.data_loss
            return _sample_value(name, self.final.samples, self.final.total_loss, sample or 1)
        it = self.iterations[iteration - 1]
        if key == "data_loss":
            if it.data_loss is None:
                raise KeyError(key)
            return it.data_loss
        if kind in UPDATE_KINDS or (kind in ("grad", "new") and self.scenario.update == "minibatch"):
            found = _update_value(self, it, kind, name, sample, batch)
            if found is not None:
                return found
        if kind in ("grad", "new") and sample is None:
            table = it.grad if kind == "grad" else it.new
            if table is None:
                raise KeyError(key)
            return table[name]
        return _sample_value(key, it.samples, it.total_loss, sample or 1)

    def _repr_html_(self) -> str | None:
        return _display(self, "html")

    def _repr_markdown_(self) -> str | None:
        return _display(self, "markdown")


UPDATE_KINDS: tuple[str, ...] = ("change", "penalty", "velocity", "sq_avg", "m", "v", "m_hat", "v_hat")


def _update_value(trace: Trace, it: IterationRecord, kind: str, name: str, sample: int | None,
                  batch: int | None) -> float | None:
    """An update key's number: of the iteration's update (batch), a sample's (per_sample) or a batch's."""
    update = trace.scenario.update
    if update == "batch" or not it.updates:
        index = 0
    elif update == "per_sample":
        index = (sample or 1) - 1
    else:
        index = (batch or 1) - 1
    if not it.updates:
        raise KeyError(f"{kind}.{name}")
    rec = it.updates[index]
    if kind == "penalty":
        if rec.penalty is None:
            raise KeyError(kind)
        return rec.penalty
    if kind in ("grad", "new", "change"):
        return getattr(rec, kind)[name]
    return rec.state[kind][name]


def _sample_value(key: str, samples: tuple[SampleRecord, ...], total: float, sample: int) -> float:
    if key == "total_loss":
        return total
    rec = samples[sample - 1]
    if key == "loss":
        return rec.loss
    kind, _, name = key.partition(".")
    table = getattr(rec, kind, None) if kind in RECORD_KINDS else None
    if table is None:
        raise KeyError(key)
    return table[name]
