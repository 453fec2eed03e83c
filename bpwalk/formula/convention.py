"""How each rule's formula reads in the error sign convention (`display.convention: error`).

Mitchell's *Machine Learning* and many course notes write δ = −∂E/∂net = (t − o)·f′(net) and the
update Δw = η·δ·x, w⁺ = w + Δw. The steps then carry δ and −∂E/∂out with that sign
(`bpwalk.engine.convention`) and the notation writes them so (`Notation.error`); the builders
here say how the rules that hold them read. Every other rule (the forward pass, f′, the path terms
δ_K·w_KU and their sums, the optimizers) reads the same in both conventions, with its own builder
of `bpwalk.formula.equations`.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import bpwalk.formula.symbolic as S
from bpwalk.engine.steps import Step, named
from bpwalk.formula.notation import Notation
from bpwalk.ops import LOSSES


def error_signal(loss: str, t: Any, o: Any, k: Any) -> Any:
    """−∂E/∂o: the loss's own form (t − o for half_sse, t/o for cross_entropy), else minus its derivative."""
    entry = LOSSES[loss]
    if entry.error_template is None:
        return S.neg(entry.d_template(S, t, o, k))
    return entry.error_template(S, t, o, k)


def _error_signal(step: Step, a: Sequence[Any]) -> Any:
    return error_signal(step.rule_of, a[1], a[0], a[2] if len(a) > 2 else None)   # operands: out, target[, K]


ERROR_BUILDERS: dict[str, Callable[[Step, Sequence[Any]], Any]] = {
    "dE_dout": _error_signal,
    # ∂E/∂w = −δ·x (−(−∂E/∂out)·f′·x in the scalar style); a shared bias: −Σ δ
    "chain": lambda s, a: S.neg(S.product(a)),
    "bias": lambda s, a: S.neg(S.total(a)),
    # w⁺ = w + Δw, Δw = η·(−∂E/∂w) = η·δ·x
    "update": lambda s, a: S.plus(a[0], S.times(a[1], S.neg(a[2]))),
}


def output_error_form(step: Step, notation: Notation, symbol: Callable[[str], Any]) -> Any | None:
    """An output δ's −∂E/∂out written as the loss's form in symbols, so that the δ reads as
    Mitchell's (t − o)·f′(net); None for a hidden unit's δ or another step."""
    op = step.operands[0]
    if step.rule != "delta" or op.ref.kind != "dE_dout" or op.ref.unit not in notation.outputs:
        return None
    if notation.loss_name not in LOSSES:
        return None
    unit = op.ref.unit
    k = symbol("K") if LOSSES[notation.loss_name].per_output_count else None
    return error_signal(notation.loss_name, symbol(named("target", unit)), symbol(named("out", unit)), k)


def definition(step: Step, notation: Notation) -> str | None:
    """What a δ stands for, written before its formula in the error convention (−∂E/∂net_U), or None."""
    if not notation.error or step.rule_kind != "delta":
        return None
    return named("dE_dnet", step.subject)
