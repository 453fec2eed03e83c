"""Read and check the training keys of Addition A: `optimizer:`, `regularization:` and `batch_size`.

The optimizers and their options are the registry's (`bpwalk.ops.OPTIMIZERS`): a key the named
optimizer does not take is an error that says which optimizers take it.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Mapping

from bpwalk.errors import BpwalkError
from bpwalk.ops import L2, OPTIMIZERS, OPTIONS, either, takers_of
from bpwalk.read.validate_values import at, boolean, choice, fail, integer, mapping, number, suggestion
from bpwalk.read.yamlread import Node
from bpwalk.scenario import MAX_SAMPLES, OptimizerSettings, Regularization, Scenario

OPTIMIZER_KEYS = ("name", *OPTIONS)
REGULARIZATION_KEYS = ("l2", "biases")


def read_optimizer(node: Node, path: str) -> OptimizerSettings:
    """`optimizer:` a name of the registry and the options that optimizer takes (defaults filled in)."""
    fields = mapping(node, path, OPTIMIZER_KEYS, ("name",),
                     f"a mapping with name ({' | '.join(OPTIMIZERS)}) and its options")
    name = choice(fields["name"], at(path, "name"), tuple(OPTIMIZERS))
    entry = OPTIMIZERS[name]
    own = {o.key: o for o in entry.options}
    keys = node.keys or {}
    values = entry.defaults()
    for key, value_node in fields.items():
        if key == "name":
            continue
        key_path = at(path, key)
        if key not in own:
            takes = f"{name} takes {', '.join(own)}" if own else f"{name} takes no options"
            hint = suggestion(key, own)
            fail(keys[key], key_path, f"{key} is not an option of {name} (it belongs to {either(takers_of(key))}); "
                                      f"{takes}{hint}")
        option = own[key]
        what = f"{key}, a number {option.range_text}"
        x = number(value_node, key_path, what)
        if not option.admits(x):
            fail(value_node, key_path, f"expected {what}, found {value_node.text}")
        values[key] = x
    return OptimizerSettings(name, tuple((o.key, values[o.key]) for o in entry.options))


def read_regularization(node: Node, path: str) -> Regularization:
    """`regularization:` the L2 penalty λ >= 0 (required), and whether the trained biases are in it."""
    fields = mapping(node, path, REGULARIZATION_KEYS, ("l2",), "a mapping with l2 (λ >= 0) and optionally biases")
    what = f"the L2 penalty λ, a number {L2.range_text}"
    lam = number(fields["l2"], at(path, "l2"), what)
    if not L2.admits(lam):
        fail(fields["l2"], at(path, "l2"), f"expected {what}, found {fields['l2'].text}")
    biases = boolean(fields["biases"], at(path, "biases")) if "biases" in fields else False
    return Regularization(lam, biases)


def read_batch_size(fields: dict[str, Node], update: str, sample_count: int) -> int | None:
    """`batch_size`: required with update: minibatch, 1..the number of samples; an error otherwise."""
    node = fields.get("batch_size")
    if update != "minibatch":
        if node is not None:
            fail(node, "batch_size", f"batch_size goes with update: minibatch (update is {update}): "
                                     "remove it, or set update: minibatch")
        return None
    if node is None:
        where = fields["update"]
        fail(where, "batch_size", "update: minibatch needs batch_size, the number of samples per update "
                                  f"(1..{sample_count:,})")
    return integer(node, "batch_size", 1, min(sample_count, MAX_SAMPLES),
                   f"a batch size (the number of samples per update; {sample_count:,} samples)")


def _flag(key: str) -> str:
    return "--" + key.replace("_", "-")


def override_optimizer(scenario: Scenario, name: str | None, options: Mapping[str, float | None]) -> Scenario:
    """The scenario with `bpwalk train --optimizer NAME --beta1 ...` in place of its own optimizer.

    Options not given keep the scenario's values when the optimizer stays the same, else take the
    new one's defaults. `options` maps an option key to its value, None where not given.

    Raises:
        BpwalkError: an unknown optimizer, an option the optimizer does not take, a value out of range.
    """
    given = {key: value for key, value in options.items() if value is not None}
    if name is None and not given:
        return scenario
    current = scenario.optimizer_settings
    if name is not None and name not in OPTIMIZERS:
        raise BpwalkError(f"--optimizer: expected one of {', '.join(OPTIMIZERS)}; found '{name}'"
                          f"{suggestion(name, OPTIMIZERS)}")
    chosen = name or current.name
    entry = OPTIMIZERS[chosen]
    own = {o.key: o for o in entry.options}
    values = dict(current.options) if chosen == current.name and current.options else entry.defaults()
    for key, value in given.items():
        if key not in own:
            takes = f"{chosen} takes {', '.join(_flag(k) for k in own)}" if own else f"{chosen} takes no options"
            raise BpwalkError(f"{_flag(key)} is not an option of {chosen} (it belongs to {either(takers_of(key))}); "
                              f"{takes}")
        if not math.isfinite(value) or not own[key].admits(value):
            raise BpwalkError(f"{_flag(key)}: expected a number {own[key].range_text}, found {value:g}")
        values[key] = value
    settings = OptimizerSettings(chosen, tuple((o.key, values[o.key]) for o in entry.options))
    return replace(scenario, optimizer=settings)
