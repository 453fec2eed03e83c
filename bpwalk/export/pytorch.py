"""The walk-through's numbers again, in PyTorch: a short script a student runs with `python walk.py`.

The script builds the scenario's network in float64 from nn.Linear layers with its weights and
biases, trains it with torch.optim as bpwalk does (the same loss, reduction, update mode,
optimizer and L2 penalty, for the trace's iterations), and prints each quantity beside bpwalk's
value, embedded as a literal at full precision. Each activation, loss and optimizer is written
by one entry below; a registry name without one is refused by name, never guessed.
"""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

from bpwalk.engine.steps import Trace
from bpwalk.errors import ExportError
from bpwalk.export import Options
from bpwalk.ops import ACTIVATION_ALIASES
from bpwalk.scenario import Layer, Scenario

# an activation of the net z of a whole layer, in torch ({slope}: the layer's leaky slope)
ACTIVATIONS: dict[str, str] = {
    "identity": "{z}",
    "sigmoid": "torch.sigmoid({z})",
    "tanh": "torch.tanh({z})",
    "relu": "torch.relu({z})",
    "leaky_relu": "F.leaky_relu({z}, {slope})",
    # ln(1 + e^z) = logaddexp(z, 0): F.softplus returns z itself above its threshold 20, off by e^-20
    "softplus": "torch.logaddexp({z}, torch.tensor(0.0))",
    "elu": "F.elu({z})",
    "silu": "F.silu({z})",
    "gelu": "F.gelu({z})",
    "softmax": "torch.softmax({z}, dim=-1)",
}

# a sample's loss from its outputs o and targets t; xlogy(t, o) = t·ln o with 0·ln 0 = 0, as bpwalk's
LOSSES: dict[str, str] = {
    "half_sse": '0.5 * F.mse_loss(o, t, reduction="sum")',
    "sse": 'F.mse_loss(o, t, reduction="sum")',
    "mse": "F.mse_loss(o, t)",
    "cross_entropy": "-torch.xlogy(t, o).sum()",
    "binary_cross_entropy": "-(torch.xlogy(t, o) + torch.xlogy(1 - t, 1 - o)).sum()",
}

# the torch.optim call of each optimizer, from its options (tests/torch_reference.py has the same)
OPTIMIZERS: dict[str, str] = {
    "sgd": "torch.optim.SGD(params, lr={lr})",
    "momentum": "torch.optim.SGD(params, lr={lr}, momentum={momentum})",
    "nesterov": "torch.optim.SGD(params, lr={lr}, momentum={momentum}, nesterov=True)",
    "rmsprop": "torch.optim.RMSprop(params, lr={lr}, alpha={alpha}, eps={eps})",
    "adam": "torch.optim.Adam(params, lr={lr}, betas=({beta1}, {beta2}), eps={eps})",
    "adamw": "torch.optim.AdamW(params, lr={lr}, betas=({beta1}, {beta2}), eps={eps}, weight_decay={weight_decay})",
}


def lit(x: float) -> str:
    """A float as a Python literal that reads back as the same double."""
    return repr(float(x)) if math.isfinite(x) else f'float("{x}")'


def _vector(xs) -> str:
    return "[" + ", ".join(lit(x) for x in xs) + "]"


def _matrix(rows) -> str:
    return "[" + ", ".join(_vector(row) for row in rows) + "]"


def _activation(layer: Layer, z: str) -> str:
    name = ACTIVATION_ALIASES.get(layer.activation, layer.activation)
    code = ACTIVATIONS.get(name)
    if code is None:
        raise ExportError(f"the pytorch export cannot write the activation '{name}' in torch yet; "
                          f"it writes {', '.join(ACTIVATIONS)}")
    return code.format(z=z, slope=lit(layer.leaky_slope))


def _optimizer(sc: Scenario) -> str:
    st = sc.optimizer_settings
    code = OPTIMIZERS.get(st.name)
    if code is None:
        raise ExportError(f"the pytorch export cannot write the optimizer '{st.name}' with torch.optim yet")
    options = dict(st.options)
    if st.name in ("momentum", "nesterov") and options["momentum"] == 0.0:
        code = OPTIMIZERS["sgd"]    # torch refuses nesterov without momentum; μ = 0 is plain descent
    return code.format(lr=lit(sc.learning_rate), **{k: lit(v) for k, v in options.items()})


def quantities(trace: Trace) -> dict[str, float]:
    """bpwalk's numbers the script prints, by the script's keys, in the order it prints them."""
    sc = trace.scenario
    out: dict[str, float] = {}
    trained = [n for n in sc.parameter_names() if n in sc.trained_parameters()]
    regularized = sc.regularization is not None
    for it in trace.iterations:
        i = it.iteration
        for rec in it.samples:
            for unit in sc.outputs:
                out[f"it{i}.sample{rec.sample}.out.{unit}"] = rec.out[unit]
            out[f"it{i}.sample{rec.sample}.loss"] = rec.loss
        for u, update in enumerate(it.updates, 1):
            if regularized and update.penalty is not None:
                out[f"it{i}.update{u}.penalty"] = update.penalty
            for name in trained:
                out[f"it{i}.update{u}.grad.{name}"] = update.grad[name]
            for name in trained:
                out[f"it{i}.update{u}.new.{name}"] = update.new[name]
        if regularized and it.data_loss is not None:
            out[f"it{i}.data_loss"] = it.data_loss
        out[f"it{i}.total_loss"] = it.total_loss
    for rec in trace.final.samples:
        for unit in sc.outputs:
            out[f"final.sample{rec.sample}.out.{unit}"] = rec.out[unit]
        out[f"final.sample{rec.sample}.loss"] = rec.loss
    if regularized and trace.final.data_loss is not None:
        out["final.data_loss"] = trace.final.data_loss
    out["final.total_loss"] = trace.final.total_loss
    return out


def _network(sc: Scenario) -> tuple[list[str], list[str], list[str], list[str]]:
    """The layers' code, the forward pass's lines, the trained parameters' entries, the penalised ones."""
    code: list[str] = []
    forward: list[str] = []
    trained: list[str] = []
    penalised: list[str] = []
    reg = sc.regularization
    fan_in = len(sc.inputs)
    for l, layer in enumerate(sc.layers, 1):
        name = f"layer{l}"
        units = ", ".join(layer.units)
        per_unit = layer.bias == "per_unit"
        code.append(f"{name} = nn.Linear({fan_in}, {len(layer.units)}, bias={per_unit})   # {units}")
        code.append(f"{name}.weight = nn.Parameter(torch.tensor({_matrix(layer.weights)}))"
                    f"   # {_names(layer.weight_names)}")
        trained.append(f"({name}.weight, {[n for row in layer.weight_names for n in row]!r}),")
        penalised.append(f"{name}.weight")
        net = f"{name}(a)"
        if layer.bias != "none":
            grad = "" if layer.train_bias else ", requires_grad=False"
            why = "" if layer.train_bias else "; not trained"
            if per_unit:
                bias = f"{name}.bias"
                code.append(f"{bias} = nn.Parameter(torch.tensor({_vector(layer.biases)}){grad})"
                            f"   # {', '.join(layer.bias_names)}{why}")
            else:
                # one number added to every unit's net: a parameter of its own, which nn.Linear has not
                bias = f"bias{l}"
                code.append(f"{bias} = nn.Parameter(torch.tensor({_vector(layer.biases)}){grad})"
                            f"   # {layer.bias_names[0]}, shared by {units}{why}")
                net = f"{net} + {bias}"
            if layer.train_bias:
                trained.append(f"({bias}, {list(layer.bias_names)!r}),")
                if reg is not None and reg.biases:
                    penalised.append(bias)
        forward.append(f"a = {_activation(layer, net)}   # {units}")
        fan_in = len(layer.units)
    return code, forward, trained, penalised


def _names(rows) -> str:
    return "[" + ", ".join("[" + ", ".join(row) + "]" for row in rows) + "]"


def _describe(sc: Scenario, iterations: int) -> str:
    update = {"batch": "one update per iteration over every sample",
              "per_sample": "one update per sample",
              "minibatch": f"one update per batch of {sc.batch_size} samples"}[sc.update]
    text = (f"loss {sc.loss} with reduction {sc.reduction} over the samples, {update}, "
            f"optimizer {sc.optimizer_settings.name}")
    if sc.regularization is not None:
        text += f", L2 penalty {lit(sc.regularization.l2)}"
    return text + f", {iterations} iteration{'s' if iterations != 1 else ''}"


def export(trace: Trace, options: Options) -> str:
    """The registry's entry point (`bpwalk.export.REGISTRY`): the script's text.

    Raises:
        ExportError: a rounded trace (torch computes exactly), or an operation with no torch code here.
    """
    if trace.settings.rounding is not None:
        raise ExportError("the pytorch export compares exact numbers; drop --round")
    sc = trace.scenario
    if sc.loss not in LOSSES:
        raise ExportError(f"the pytorch export cannot write the loss '{sc.loss}' in torch yet")
    code, forward, trained, penalised = _network(sc)
    name = Path(sc.path).stem if sc.path else "scenario"
    iterations = len(trace.iterations)
    reg = sc.regularization
    lines = [
        f'"""{sc.title}: bpwalk\'s numbers again, in PyTorch.',
        "",
        *textwrap.wrap(f"Written by `bpwalk export {name} --format pytorch`. It builds the same network in "
                       "float64 from nn.Linear layers with the scenario's weights and biases, trains it with "
                       f"torch.optim as bpwalk does ({_describe(sc, iterations)}), and prints every quantity "
                       "beside bpwalk's value.", 96),
        "",
        "Run it with python (it needs torch). Lines starting with # are comments; every other line is",
        "one quantity, four fields separated by spaces:",
        "",
        "    KEY  BPWALK  TORCH  DIFFERENCE",
        "",
        "KEY has no spaces: it{i}.sample{n}.out.{unit} and it{i}.sample{n}.loss (iteration i, sample n),",
        "it{i}.update{u}.grad.{p}, .new.{p} and .penalty (update u of iteration i), it{i}.total_loss,",
        "it{i}.data_loss, final.sample{n}.out.{unit}, final.sample{n}.loss, final.total_loss, final.data_loss.",
        "BPWALK and TORCH are Python float literals at full precision; DIFFERENCE is TORCH - BPWALK.",
        '"""',
        "",
        "import torch",
        "import torch.nn.functional as F",
        "from torch import nn",
        "",
        "torch.set_default_dtype(torch.float64)   # bpwalk computes in IEEE double",
        "",
        f"# the network: inputs {', '.join(sc.inputs)}",
        *code,
        "",
        "",
        "def forward(a):",
        *(f"    {line}" for line in forward),
        "    return a",
        "",
        "",
        "def sample_loss(o, t):",
        f"    return {LOSSES[sc.loss]}   # {sc.loss}",
        "",
        "",
        "def reduce(losses):",
        "    return sum(losses) / len(losses)   # reduction: mean" if sc.reduction == "mean"
        else "    return sum(losses)   # reduction: sum",
        "",
        "",
        "SAMPLES = [   # (inputs, targets)",
        *(f"    (torch.tensor({_vector(s.inputs)}), torch.tensor({_vector(s.targets)}))," for s in sc.samples),
        "]",
        f"BATCHES = {[list(b) for b in sc.batches()]!r}   # the samples of each update (update: {sc.update})",
        f"ITERATIONS = {iterations}",
        "",
        "# every trained parameter, with bpwalk's names of its entries, row by row",
        "TRAINED = [",
        *(f"    {t}" for t in trained),
        "]",
        "params = [p for p, _ in TRAINED]",
        f"optimizer = {_optimizer(sc)}",
    ]
    if reg is not None:
        lines += [
            "",
            f"L2 = {lit(reg.l2)}",
            f"PENALISED = [{', '.join(penalised)}]",
            "",
            "",
            "def penalty():",
            "    # (λ/2)·Σ p², added to the loss: its gradient λ·p is what weight_decay=λ adds to SGD's, RMSprop's",
            "    # and Adam's gradients (not AdamW's: its weight_decay is decoupled), and bpwalk shows it in the gradient",
            "    return L2 / 2 * sum((p ** 2).sum() for p in PENALISED)",
        ]
    lines += _loop(sc, reg is not None)
    lines += [
        "",
        "# bpwalk's numbers, at full precision",
        "BPWALK = {",
        *(f"    {key!r}: {lit(value)}," for key, value in quantities(trace).items()),
        "}",
        "",
        'print(f"# {\'quantity\':<34} {\'bpwalk\':>24} {\'torch\':>24} difference")',
        "for key, theirs in BPWALK.items():",
        "    ours = values[key]",
        '    print(f"{key:<36} {theirs!r:>24} {ours!r:>24} {ours - theirs:.1e}")',
        'print(f"# largest difference: {max(abs(values[k] - v) for k, v in BPWALK.items()):.1e}")',
    ]
    return "\n".join(lines) + "\n"


def _loop(sc: Scenario, regularized: bool) -> list[str]:
    outputs = list(sc.outputs)
    lines = [
        "",
        "",
        "values = {}   # torch's numbers by the keys of BPWALK",
        "",
        "",
        "def record(prefix, names, tensor):",
        "    values.update((f\"{prefix}{name}\", x) for name, x in zip(names, tensor.flatten().tolist()))",
        "",
        "",
        f"OUTPUTS = {outputs!r}",
        "for i in range(1, ITERATIONS + 1):",
        *(["    start = penalty().item()   # the penalty at the iteration's start"] if regularized else []),
        "    sweep = []   # every sample's loss, at the parameters of its update",
        "    for u, batch in enumerate(BATCHES, 1):",
        "        optimizer.zero_grad()",
        "        losses = []",
        "        for n in batch:",
        "            inputs, targets = SAMPLES[n]",
        "            o = forward(inputs)",
        "            losses.append(sample_loss(o, targets))",
        "            record(f\"it{i}.sample{n + 1}.out.\", OUTPUTS, o)",
        "            values[f\"it{i}.sample{n + 1}.loss\"] = losses[-1].item()",
        "        sweep += [x.item() for x in losses]",
    ]
    if regularized:
        lines += [
            "        pen = penalty()",
            "        values[f\"it{i}.update{u}.penalty\"] = pen.item()",
            "        (reduce(losses) + pen).backward()",
        ]
    else:
        lines += ["        reduce(losses).backward()"]
    lines += [
        "        for p, names in TRAINED:",
        "            record(f\"it{i}.update{u}.grad.\", names, p.grad)",
        "        optimizer.step()",
        "        for p, names in TRAINED:",
        "            record(f\"it{i}.update{u}.new.\", names, p.detach())",
    ]
    if regularized:
        lines += ["    values[f\"it{i}.data_loss\"] = reduce(sweep)"]
    lines += [
        "    values[f\"it{i}.total_loss\"] = reduce(sweep) + start" if regularized
        else "    values[f\"it{i}.total_loss\"] = reduce(sweep)",
        "",
        "with torch.no_grad():   # the forward pass after the last update",
        "    losses = []",
        "    for n, (inputs, targets) in enumerate(SAMPLES, 1):",
        "        o = forward(inputs)",
        "        losses.append(sample_loss(o, targets).item())",
        "        record(f\"final.sample{n}.out.\", OUTPUTS, o)",
        "        values[f\"final.sample{n}.loss\"] = losses[-1]",
    ]
    if regularized:
        lines += ["    values[\"final.data_loss\"] = reduce(losses)"]
    lines += ["    values[\"final.total_loss\"] = reduce(losses)" + (" + penalty().item()" if regularized else "")]
    return lines
