"""Read and check `expect:`, the numbers a source document printed, for `bpwalk check`.

A key must name a quantity that exists in this scenario: `net.h1` for a unit that is not an
input, `error.o1` for an output unit, `grad.w5` for a weight or bias, and so on. `sample` is
stored as None where the entry is about the iteration as a whole (`total_loss`, and `grad`/`new`
with `update: batch` when no sample is given); otherwise it is the sample's number, default 1.

Project extensions (docs/scenario-format.md): the keys `dE_dout.U` and `dout_dnet.U` (the two
factors of `delta.U`), `dinput.X` (with display.input_gradients: dLoss/dx of input X), and the entry fields `erratum` (why the printed number is wrong) and
`correct` (the right value, with its text kept like `value`'s).
"""

from __future__ import annotations

from bpwalk.ops import OPTIMIZERS, STATE_NAMES, either
from bpwalk.scenario import MAX_ITERATIONS, MAX_SAMPLES, Expect, Scenario
from bpwalk.read.validate_network import Network
from bpwalk.read.validate_values import (
    at,
    closest,
    fail,
    integer,
    listing,
    mapping,
    number,
    sequence,
    string,
    suggestion,
)
from bpwalk.read.yamlread import Node

ENTRY_KEYS = ("key", "value", "iteration", "sample", "batch", "note", "erratum", "correct")
UNIT_QUANTITIES = ("net", "out", "error", "delta", "dE_dout", "dout_dnet")   # followed by a unit's name
INPUT_QUANTITIES = ("dinput",)   # followed by an input's name (bpwalk's addition: display.input_gradients)
# followed by a weight's or bias's name; Addition A's change and state: a trained parameter's
TRAINED_QUANTITIES = ("change", *STATE_NAMES)
PARAMETER_QUANTITIES = ("grad", "new", *TRAINED_QUANTITIES)
WHOLE_QUANTITIES = ("loss", "total_loss", "data_loss", "penalty")   # on their own
FINAL_QUANTITIES = ("net", "out", "error", "loss", "total_loss", "data_loss")
# the numbers of an update: with minibatch they belong to a batch, not to a sample
UPDATE_QUANTITIES = ("grad", "new", "penalty", *TRAINED_QUANTITIES)
KEY_FORMS = ("net.U, out.U, error.O, delta.U, loss, total_loss, grad.P, new.P, dE_dout.U, dout_dnet.U or dinput.X "
             "(final. before net, out, error, loss or total_loss; also change.P, the optimizer's state "
             "velocity.P, sq_avg.P, m.P, v.P, m_hat.P, v_hat.P, and with regularization penalty and data_loss)")


def read_expect(node: Node, path: str, network: Network, iterations: int, sample_count: int,
                update: str, scenario: Scenario | None = None) -> tuple[Expect, ...]:
    """Check `expect:` against the scenario it belongs to.

    Args:
        node: the value of `expect`.
        path: its key path.
        network: the checked network (for the names a key may use).
        iterations: the scenario's iteration count (the range of `iteration`).
        sample_count: its number of samples (the range of `sample`).
        update: `batch`, `per_sample` or `minibatch` (whether `grad`/`new` are per sample or per batch).
        scenario: the rest of the scenario (its optimizer, penalty and batches), read before `expect`.

    Returns:
        One Expect per entry, in file order.

    Raises:
        Invalid: the first rule broken, at its node.
    """
    entries = sequence(node, path, "a list of expected values, each {key: ..., value: ...}")
    names = _Names(network, scenario)
    return tuple(
        _read_entry(item, at(path, index), names, iterations, sample_count, update)
        for index, item in enumerate(entries)
    )


class _Names:
    """The names a key may use, by what they name."""

    def __init__(self, network: Network, scenario: Scenario | None = None) -> None:
        self.optimizer = scenario.optimizer_settings.name if scenario is not None else "sgd"
        self.regularized = scenario is not None and scenario.regularization is not None
        self.input_gradients = scenario is not None and scenario.display.input_gradients
        self.batch_count = len(scenario.batches()) if scenario is not None else 1
        self.trained = tuple(
            [weight for layer in network.layers for row in layer.weight_names for weight in row]
            + [bias for layer in network.layers if layer.train_bias for bias in layer.bias_names]
        )
        self.inputs = network.inputs
        self.units = tuple(unit for layer in network.layers for unit in layer.units)
        self.outputs = network.layers[-1].units
        self.parameters = tuple(
            [weight for layer in network.layers for row in layer.weight_names for weight in row]
            + [bias for layer in network.layers for bias in layer.bias_names]
        )
        self.input_set = frozenset(self.inputs)
        self.unit_set = frozenset(self.units)
        self.output_set = frozenset(self.outputs)
        self.parameter_set = frozenset(self.parameters)


def _read_entry(node: Node, path: str, names: _Names, iterations: int, sample_count: int,
                update: str) -> Expect:
    """One entry: its key, value (with its text), iteration, sample and note."""
    fields = mapping(node, path, ENTRY_KEYS, ("key", "value"),
                     "an expected value: a mapping with key and value")
    keys = node.keys or {}
    key_path = at(path, "key")
    key = string(fields["key"], key_path, "a quantity key such as out.o1 or grad.w5")
    quantity, final = _check_key(fields["key"], key_path, key, names)

    value, text = _number_and_text(fields["value"], at(path, "value"), "the printed value, a number")

    iteration = 1
    if "iteration" in fields:
        iteration_path = at(path, "iteration")
        if final:   # ignored: the final forward pass comes after the last iteration
            integer(fields["iteration"], iteration_path, 1, MAX_ITERATIONS, "an iteration number")
        else:
            iteration = integer(fields["iteration"], iteration_path, 1, iterations,
                                f"an iteration number (iterations: {iterations})")

    sample: int | None = 1
    given = fields.get("sample")
    sample_path = at(path, "sample")
    samples_what = f"a sample number ({'1 sample' if sample_count == 1 else f'{sample_count:,} samples'})"
    update_key = quantity in UPDATE_QUANTITIES and not final
    batch: int | None = None
    if "batch" in fields:
        batch_path = at(path, "batch")
        if update != "minibatch":
            fail(keys["batch"], batch_path, f"batch goes with update: minibatch (update is {update}): remove it")
        if not update_key:
            fail(keys["batch"], batch_path, f"{key} is no number of an update, so it has no batch; batch goes with "
                                            "grad, new, change, the optimizer's state and penalty")
        batch = integer(fields["batch"], batch_path, 1, names.batch_count,
                        f"a batch number ({names.batch_count:,} batches)")
    if update_key and update == "minibatch":
        sample = None
        batch = batch or 1
        if given is not None:
            fail(keys["sample"], sample_path, f"with update: minibatch, {key} belongs to a batch's update: "
                                              "give batch instead of sample")
    elif quantity in ("total_loss", "data_loss", "penalty") and not (quantity == "penalty" and update == "per_sample"):
        # the total over the samples (or the iteration's one penalty): a sample is ignored
        sample = None
        if given is not None:
            if quantity == "penalty":
                fail(keys["sample"], sample_path, f"with update: {update}, penalty is the iteration's: remove sample")
            integer(given, sample_path, 1, MAX_SAMPLES, "a sample number")
    elif quantity in PARAMETER_QUANTITIES and update == "batch":
        sample = None
        if given is not None:
            if quantity != "grad":
                fail(keys["sample"], sample_path,
                     f"with update: batch, {key} is the iteration's value after its one update: remove sample")
            sample = integer(given, sample_path, 1, sample_count, samples_what)
    elif given is not None:
        sample = integer(given, sample_path, 1, sample_count, samples_what)

    note = string(fields["note"], at(path, "note"), "a note, a string") if "note" in fields else ""
    erratum = ""
    if "erratum" in fields:
        erratum = string(fields["erratum"], at(path, "erratum"), "what is wrong with the printed value, "
                                                                  "a non-empty string", non_empty=True)
    correct: float | None = None
    correct_text = ""
    if "correct" in fields:
        if not erratum:
            fail(keys["correct"], at(path, "correct"), "correct goes with erratum: say what is wrong with the "
                                                       "printed value")
        correct, correct_text = _number_and_text(fields["correct"], at(path, "correct"), "the right value, a number")
    return Expect(key=key, value=value, text=text, iteration=iteration, sample=sample, note=note, line=node.line,
                  erratum=erratum, correct=correct, correct_text=correct_text, batch=batch)


def _number_and_text(node: Node, path: str, what: str) -> tuple[float, str]:
    """A number and its text as written (its decimals set the tolerance of `bpwalk check`)."""
    value = number(node, path, what)
    text = node.text
    if node.kind == "int" and not text.lstrip("+-").isdigit():
        text = str(node.value)   # 0x1F: its decimals are those of 31
    return value, text


def _check_key(node: Node, path: str, key: str, names: _Names) -> tuple[str, bool]:
    """The quantity a key names (`net`, `loss`, ...) and whether it is `final.`; the name must exist."""
    parts = key.split(".")
    final = parts[0] == "final" and len(parts) > 1
    body = parts[1:] if final else parts
    allowed = FINAL_QUANTITIES if final else (*UNIT_QUANTITIES, *INPUT_QUANTITIES, *PARAMETER_QUANTITIES,
                                              *WHOLE_QUANTITIES)
    if len(body) == 1 and body[0] in WHOLE_QUANTITIES and (not final or body[0] in FINAL_QUANTITIES):
        if body[0] in ("data_loss", "penalty") and not names.regularized:
            fail(node, path, f"{key} exists only with regularization (a penalty): this scenario has none")
        return body[0], final
    if len(body) == 2 and body[0] in allowed and body[0] not in WHOLE_QUANTITIES:
        quantity, subject = body
        _check_subject(node, path, quantity, subject, names)
        return quantity, final
    if final and body and body[0] in ("delta", "dE_dout", "dout_dnet", "dinput", "penalty", *PARAMETER_QUANTITIES):
        has = "loss, total_loss and data_loss" if names.regularized else "loss and total_loss"
        fail(node, path, f"unknown quantity key '{key}': the final forward pass has net, out, error, {has} only")
    fail(node, path, f"unknown quantity key '{key}'{_guess(body, final, allowed) or '; expected ' + KEY_FORMS}")


def _guess(body: list[str], final: bool, allowed: tuple[str, ...]) -> str:
    """`; did you mean 'out.o1'?` when the quantity word is a near miss."""
    prefix = "final." if final else ""
    if len(body) == 2:
        best = closest(body[0], [q for q in allowed if q not in WHOLE_QUANTITIES])
        return f"; did you mean '{prefix}{best}.{body[1]}'?" if best else ""
    if len(body) == 1:
        best = closest(body[0], WHOLE_QUANTITIES)
        return f"; did you mean '{prefix}{best}'?" if best else ""
    return ""


def _check_subject(node: Node, path: str, quantity: str, subject: str, names: _Names) -> None:
    """The unit or parameter after the quantity word must exist and fit the quantity."""
    if quantity in STATE_NAMES:
        takers = [o.name for o in OPTIMIZERS.values() if quantity in o.state]
        if names.optimizer not in takers:
            fail(node, path, f"{quantity}.P is the state of {either(takers)}; this scenario's optimizer is "
                             f"{names.optimizer}, whose state is "
                             f"{', '.join(OPTIMIZERS[names.optimizer].state) or 'nothing'}")
    if quantity in TRAINED_QUANTITIES and subject in names.parameter_set and subject not in names.trained:
        fail(node, path, f"'{subject}' is not trained (train_bias: false): it has no {quantity}")
    if quantity in INPUT_QUANTITIES:
        if not names.input_gradients:
            fail(node, path, f"{quantity}.X exists only with display.input_gradients: true (the steps dLoss/dx); "
                             "this scenario does not set it")
        if subject in names.input_set:
            return
        if subject in names.unit_set or subject in names.parameter_set:
            fail(node, path, f"'{subject}' is not an input; {quantity}.X takes an input's name, one of "
                             f"{listing(names.inputs)}")
        fail(node, path, f"no input is named '{subject}'{_known(subject, names.inputs)}")
    if quantity in PARAMETER_QUANTITIES:
        if subject in names.parameter_set:
            return
        if subject in names.unit_set or subject in names.input_set:
            fail(node, path, f"'{subject}' is a unit, not a weight or bias; {quantity}.P takes a parameter's "
                             "name, such as w1")
        fail(node, path, f"no weight or bias is named '{subject}'{_known(subject, names.parameters)}")
    if quantity == "out":
        if subject in names.unit_set or subject in names.input_set:
            return
        fail(node, path, f"no unit is named '{subject}'{_known(subject, names.inputs + names.units)}")
    if subject in names.input_set:
        fail(node, path, f"'{subject}' is an input, which has out.{subject} only (no {quantity})")
    if quantity == "error":
        if subject in names.output_set:
            return
        if subject in names.unit_set:
            fail(node, path, f"'{subject}' is not an output unit; error.O takes one of {listing(names.outputs)}")
        fail(node, path, f"no output unit is named '{subject}'{_known(subject, names.outputs)}")
    if subject not in names.unit_set:
        fail(node, path, f"no unit is named '{subject}'{_known(subject, names.units)}")


def _known(subject: str, candidates: tuple[str, ...]) -> str:
    """A suggestion, or the list of what there is when nothing is close."""
    return suggestion(subject, candidates) or f"; there are {listing(candidates)}"

