"""A second implementation of a scenario's training, in torch (float64) with torch.optim.

Independent of bpwalk's engine: the network, the losses and the penalty are written here with
torch's own functions and autograd, and the updates are torch.optim's (SGD, SGD with momentum
and nesterov, RMSprop, Adam, AdamW). Used by tests/test_torch_optim.py and to compute the
`expect` lists of the built-in scenarios of Addition A (see their comments).
"""

from __future__ import annotations

import torch

from bpwalk.scenario import Scenario

ACTS = {
    "identity": lambda z, p: z,
    "sigmoid": lambda z, p: torch.sigmoid(z),
    "tanh": lambda z, p: torch.tanh(z),
    "relu": lambda z, p: torch.relu(z),
    "leaky_relu": lambda z, p: torch.nn.functional.leaky_relu(z, p),
    "softplus": lambda z, p: torch.nn.functional.softplus(z),
    "elu": lambda z, p: torch.nn.functional.elu(z),
    "silu": lambda z, p: torch.nn.functional.silu(z),
    "gelu": lambda z, p: torch.nn.functional.gelu(z),
    "softmax": lambda z, p: torch.softmax(z, dim=0),
}


def _loss(name: str, o: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    if name == "half_sse":
        return 0.5 * ((t - o) ** 2).sum()
    if name == "sse":
        return ((t - o) ** 2).sum()
    if name == "mse":
        return ((t - o) ** 2).mean()
    if name == "cross_entropy":
        return -(torch.xlogy(t, o)).sum()
    return -(torch.xlogy(t, o) + torch.xlogy(1 - t, 1 - o)).sum()


class Net:
    def __init__(self, sc: Scenario) -> None:
        self.sc = sc
        self.W = [torch.tensor(layer.weights, dtype=torch.float64, requires_grad=True) for layer in sc.layers]
        self.B = [torch.tensor(layer.biases, dtype=torch.float64, requires_grad=layer.train_bias)
                  for layer in sc.layers]

    def trained(self) -> list[torch.Tensor]:
        out = []
        for layer, w, b in zip(self.sc.layers, self.W, self.B):
            out.append(w)
            if layer.train_bias and layer.bias != "none":
                out.append(b)
        return out

    def penalised(self) -> list[torch.Tensor]:
        reg = self.sc.regularization
        out = []
        for layer, w, b in zip(self.sc.layers, self.W, self.B):
            out.append(w)
            if reg is not None and reg.biases and layer.train_bias and layer.bias != "none":
                out.append(b)
        return out

    def sample_loss(self, n: int) -> torch.Tensor:
        s = self.sc.samples[n]
        a = torch.tensor(s.inputs, dtype=torch.float64)
        for layer, w, b in zip(self.sc.layers, self.W, self.B):
            z = w @ a
            if layer.bias == "shared":
                z = z + b[0]
            elif layer.bias == "per_unit":
                z = z + b
            a = ACTS[layer.activation](z, layer.leaky_slope)
        return _loss(self.sc.loss, a, torch.tensor(s.targets, dtype=torch.float64))

    def penalty(self) -> torch.Tensor:
        reg = self.sc.regularization
        if reg is None:
            return torch.zeros((), dtype=torch.float64)
        return reg.l2 / 2 * sum((p ** 2).sum() for p in self.penalised())

    def named(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for layer, w, b in zip(self.sc.layers, self.W, self.B):
            for names, row in zip(layer.weight_names, w.detach().tolist()):
                out.update(zip(names, row))
            out.update(zip(layer.bias_names, b.detach().tolist()))
        return out


def optimizer(sc: Scenario, params: list[torch.Tensor]) -> torch.optim.Optimizer:
    st = sc.optimizer_settings
    o = dict(st.options)
    lr = sc.learning_rate
    if st.name == "sgd" or (st.name in ("momentum", "nesterov") and o["momentum"] == 0.0):
        return torch.optim.SGD(params, lr=lr)
    if st.name == "momentum":
        return torch.optim.SGD(params, lr=lr, momentum=o["momentum"])
    if st.name == "nesterov":
        return torch.optim.SGD(params, lr=lr, momentum=o["momentum"], nesterov=True)
    if st.name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=o["alpha"], eps=o["eps"])
    if st.name == "adam":
        return torch.optim.Adam(params, lr=lr, betas=(o["beta1"], o["beta2"]), eps=o["eps"])
    return torch.optim.AdamW(params, lr=lr, betas=(o["beta1"], o["beta2"]), eps=o["eps"],
                             weight_decay=o["weight_decay"])


def reduce(losses: list[torch.Tensor], reduction: str) -> torch.Tensor:
    total = sum(losses)
    return total / len(losses) if reduction == "mean" else total


def train(sc: Scenario) -> dict:
    """Every iteration's total loss (and data loss), each update's new parameters, and the final losses."""
    net = Net(sc)
    opt = optimizer(sc, net.trained())
    iterations = []
    for _ in range(sc.iterations):
        start_penalty = net.penalty().item()
        sweep, updates = [], []
        for batch in sc.batches():
            opt.zero_grad()
            losses = [net.sample_loss(n) for n in batch]
            sweep.extend(x.item() for x in losses)
            penalty = net.penalty()
            (reduce(losses, sc.reduction) + penalty).backward()
            grad = {}
            for layer, w, b in zip(sc.layers, net.W, net.B):
                for names, row in zip(layer.weight_names, w.grad.tolist()):
                    grad.update(zip(names, row))
                if b.grad is not None:
                    grad.update(zip(layer.bias_names, b.grad.tolist()))
            opt.step()
            updates.append({"penalty": penalty.item(), "grad": grad, "new": net.named()})
        data = sum(sweep) / len(sweep) if sc.reduction == "mean" else sum(sweep)
        iterations.append({"data_loss": data, "total_loss": data + start_penalty, "updates": updates})
    with torch.no_grad():
        data = reduce([net.sample_loss(n) for n in range(len(sc.samples))], sc.reduction).item()
        final = {"data_loss": data, "total_loss": data + net.penalty().item()}
    return {"iterations": iterations, "final": final}
