"""`from_torch`: a scenario from a PyTorch model, its samples, a loss and a torch.optim optimizer.

The model is an nn.Sequential of nn.Linear layers, each followed by at most one activation
module; the scenario gets its weights and biases, and the optimizer's class and hyper-parameters
(its weight_decay becomes the L2 penalty, except AdamW's, which is decoupled). The scenario is
written as YAML and read back through validation, so it is a valid one, with the loader's default
names (x1.. for the inputs, h1.. for the hidden units, o1.. for the outputs, w1.. for the weights).
torch is imported only by this module, and only when it is called.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bpwalk.errors import BpwalkError
from bpwalk.scenario import Layer, OptimizerSettings, Regularization, Sample, Scenario


def _floats(value: Any, what: str) -> list[list[float]]:
    rows = value.detach().tolist() if hasattr(value, "detach") else value
    try:
        if not all(isinstance(row, (list, tuple)) for row in rows):
            raise TypeError
        return [[float(x) for x in row] for row in rows]
    except (TypeError, ValueError):
        raise BpwalkError(f"from_torch: {what}: expected one row per sample, a 2-d tensor or a list of lists "
                          "of numbers") from None


def _activation(module: Any, where: str, last: bool) -> tuple[str, float]:
    """The registry's name of an activation module, and its leaky slope (0.01 where it has none)."""
    from torch import nn

    simple = {nn.Sigmoid: "sigmoid", nn.Tanh: "tanh", nn.ReLU: "relu", nn.SiLU: "silu", nn.Identity: "identity"}
    kind = type(module)
    if kind in simple:
        return simple[kind], 0.01
    if kind is nn.LeakyReLU:
        return "leaky_relu", float(module.negative_slope)
    if kind is nn.Softplus:
        if module.beta != 1:
            raise BpwalkError(f"from_torch: {where}: Softplus(beta={module.beta}): bpwalk's softplus has beta = 1")
        return "softplus", 0.01   # ln(1 + e^z) exactly: torch's switches to z above its threshold
    if kind is nn.ELU:
        if module.alpha != 1.0:
            raise BpwalkError(f"from_torch: {where}: ELU(alpha={module.alpha}): bpwalk's elu has alpha = 1")
        return "elu", 0.01
    if kind is nn.GELU:
        if module.approximate != "none":
            raise BpwalkError(f"from_torch: {where}: GELU(approximate='{module.approximate}'): bpwalk's gelu is "
                              "the exact z·Φ(z)")
        return "gelu", 0.01
    if kind is nn.Softmax:
        if not last:
            raise BpwalkError(f"from_torch: {where}: Softmax is allowed as the last module only")
        return "softmax", 0.01
    raise BpwalkError(f"from_torch: {where}: {kind.__name__} is not an activation bpwalk knows; use nn.Linear "
                      "and Sigmoid, Tanh, ReLU, LeakyReLU, Softplus, ELU, SiLU, GELU, Identity or Softmax (last)")


def _layers(model: Any) -> list[Layer]:
    from torch import nn

    if not isinstance(model, nn.Sequential):
        raise BpwalkError(f"from_torch: expected an nn.Sequential, found {type(model).__name__}")
    modules = list(model)
    layers: list[Layer] = []
    pending: tuple[Any, int] | None = None    # the nn.Linear waiting for its activation
    for i, module in enumerate(modules):
        where = f"model[{i}]"
        if isinstance(module, nn.Linear):
            if pending is not None:
                layers.append(_layer(*pending, "identity", 0.01))
            if not module.weight.requires_grad:
                raise BpwalkError(f"from_torch: {where}: its weight does not require grad; bpwalk trains every weight")
            pending = (module, len(layers))
            continue
        if pending is None:
            raise BpwalkError(f"from_torch: {where}: an activation must follow an nn.Linear")
        name, slope = _activation(module, where, i == len(modules) - 1)
        layers.append(_layer(*pending, name, slope))
        pending = None
    if pending is not None:
        layers.append(_layer(*pending, "identity", 0.01))
    if not layers:
        raise BpwalkError("from_torch: the model has no nn.Linear layer")
    return layers


def _layer(linear: Any, index: int, activation: str, slope: float) -> Layer:
    weights = tuple(tuple(row) for row in _floats(linear.weight, f"layer {index + 1}'s weight"))
    # placeholder names: the file leaves them out, and the loader gives its default ones
    units = tuple(f"u{index}_{k}" for k in range(len(weights)))
    names = tuple(tuple(f"w{index}_{u}_{j}" for j in range(len(row))) for u, row in enumerate(weights))
    if linear.bias is None:
        return Layer(units, activation, weights, names, leaky_slope=slope)
    biases = tuple(float(b) for b in linear.bias.detach().tolist())
    return Layer(units, activation, weights, names, "per_unit", biases, tuple(f"b{index}_{u}" for u in range(len(biases))),
                 bool(linear.bias.requires_grad), slope)


def _group_value(optimizer: Any, key: str) -> Any:
    values = {repr(group.get(key)) for group in optimizer.param_groups}
    if len(values) > 1:
        raise BpwalkError(f"from_torch: optimizer: its parameter groups differ in {key}; bpwalk takes one value")
    value = optimizer.param_groups[0].get(key)
    return float(value) if hasattr(value, "item") else value


def _refuse_flags(optimizer: Any, flags: dict[str, Any]) -> None:
    for key, plain in flags.items():
        if key in optimizer.param_groups[0] and _group_value(optimizer, key) != plain:
            raise BpwalkError(f"from_torch: optimizer: {type(optimizer).__name__}({key}="
                              f"{_group_value(optimizer, key)!r}) has no bpwalk equivalent; use {key}={plain!r}")


def _optimizer(optimizer: Any, model: Any) -> tuple[float, OptimizerSettings | None, Regularization | None]:
    """The learning rate, the optimizer's settings and the L2 penalty of a torch.optim optimizer."""
    import torch

    kind = type(optimizer)
    if kind not in (torch.optim.SGD, torch.optim.RMSprop, torch.optim.Adam, torch.optim.AdamW):
        raise BpwalkError(f"from_torch: optimizer: {kind.__name__} is not one bpwalk knows; use torch.optim.SGD "
                          "(with momentum, nesterov), RMSprop, Adam or AdamW")
    if optimizer.state:
        raise BpwalkError("from_torch: optimizer: it has taken steps already; give a fresh one")
    _refuse_flags(optimizer, {"maximize": False, "dampening": 0, "amsgrad": False, "centered": False})
    lr = float(_group_value(optimizer, "lr"))
    decay = float(optimizer.param_groups[0].get("weight_decay", 0.0))
    options: dict[str, float] = {}
    if kind is torch.optim.SGD:
        momentum = float(_group_value(optimizer, "momentum"))
        name = "nesterov" if _group_value(optimizer, "nesterov") else ("momentum" if momentum else "sgd")
        if name != "sgd":
            options["momentum"] = momentum
    elif kind is torch.optim.RMSprop:
        _refuse_flags(optimizer, {"momentum": 0})
        name, options = "rmsprop", {"alpha": float(_group_value(optimizer, "alpha")),
                                    "eps": float(_group_value(optimizer, "eps"))}
    else:
        beta1, beta2 = _group_value(optimizer, "betas")
        name = "adamw" if kind is torch.optim.AdamW else "adam"
        options = {"beta1": float(beta1), "beta2": float(beta2), "eps": float(_group_value(optimizer, "eps"))}
        if name == "adamw":
            options["weight_decay"] = float(_group_value(optimizer, "weight_decay"))
            decay = 0.0    # decoupled: not an L2 penalty
    return lr, OptimizerSettings(name, tuple(options.items())), _penalty(optimizer, model, decay, name == "adamw")


def _penalty(optimizer: Any, model: Any, decay: float, decoupled: bool) -> Regularization | None:
    """weight_decay as bpwalk's L2 penalty: on every weight, and on every trained bias or none of them."""
    from torch import nn

    by_param = {id(p): float(g.get("weight_decay", 0.0)) for g in optimizer.param_groups for p in g["params"]}
    weights = [m.weight for m in model if isinstance(m, nn.Linear)]
    biases = [m.bias for m in model if isinstance(m, nn.Linear) and m.bias is not None and m.bias.requires_grad]
    missing = [p for p in weights + biases if id(p) not in by_param]
    if missing:
        raise BpwalkError("from_torch: optimizer: it does not hold every parameter of the model that requires grad")
    if decoupled:
        return None
    on_weights = {by_param[id(p)] for p in weights}
    on_biases = {by_param[id(p)] for p in biases}
    if len(on_weights) > 1 or len(on_biases) > 1 or (on_biases and on_biases != on_weights and on_biases != {0.0}):
        raise BpwalkError("from_torch: optimizer: bpwalk's L2 penalty is one weight_decay on every weight, "
                          "and on every bias or none")
    l2 = on_weights.pop() if on_weights else decay
    if l2 == 0.0:
        return None
    return Regularization(l2, bool(on_biases) and on_biases == {l2})


def from_torch(model: Any, inputs: Any, targets: Any, loss: str = "half_sse", optimizer: Any = None, *,
               learning_rate: float = 0.1, reduction: str = "sum", update: str = "batch",
               batch_size: int | None = None, iterations: int = 1, title: str = "A network from PyTorch") -> Scenario:
    """A scenario with the model's network, weights and biases, the samples and the optimizer's settings.

    Args:
        model: an nn.Sequential of nn.Linear layers, each followed by at most one of Sigmoid, Tanh,
            ReLU, LeakyReLU, Softplus, ELU, SiLU, GELU, Identity, or Softmax (last). bpwalk computes
            in float64: a float32 model's numbers agree to float32's precision only.
        inputs, targets: one row per sample (tensors or lists of lists).
        loss: a bpwalk loss (half_sse, sse, mse, cross_entropy, binary_cross_entropy).
        optimizer: a fresh torch.optim SGD (with momentum, nesterov), RMSprop, Adam or AdamW over the
            model's parameters; None: plain gradient descent with `learning_rate`.
        learning_rate, reduction, update, batch_size, iterations, title: the scenario's keys.

    Returns:
        The validated scenario; `bpwalk.to_yaml(scenario)` is its file.

    Raises:
        BpwalkError: a module, optimizer or setting bpwalk has no equivalent for; ScenarioError
            for a scenario that breaks a rule of the format (a loss with the wrong outputs, ...).
    """
    from bpwalk.read.scenario_yaml import to_yaml
    from bpwalk.read.validate import scenario_from_text

    layers = _layers(model)
    xs, ts = _floats(inputs, "inputs"), _floats(targets, "targets")
    if len(xs) != len(ts):
        raise BpwalkError(f"from_torch: {len(xs)} rows of inputs but {len(ts)} rows of targets")
    settings: OptimizerSettings | None = None
    penalty: Regularization | None = None
    if optimizer is not None:
        learning_rate, settings, penalty = _optimizer(optimizer, model)
        if settings.name == "sgd":
            settings = None   # plain gradient descent, as a file without `optimizer:` says
    samples = tuple(Sample(tuple(x), tuple(t)) for x, t in zip(xs, ts))
    draft = Scenario(title=title, inputs=tuple(f"x{i}" for i in range(len(layers[0].weights[0]))), layers=tuple(layers),
                     samples=samples, learning_rate=learning_rate, loss=loss, reduction=reduction, update=update,
                     iterations=iterations, batch_size=batch_size, optimizer=settings, regularization=penalty)
    text = to_yaml(draft, names=False)
    return replace(scenario_from_text(text, "<from_torch>"), path="")
