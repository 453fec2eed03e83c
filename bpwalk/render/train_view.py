"""What `bpwalk train` prints: the loss reached, its curve, the outputs and the parameters."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from bpwalk.numfmt import format_number
from bpwalk.render.plot import LossCurve
from bpwalk.train import TrainResult

MAX_ROWS = 40


def _num(x: float, digits: int) -> str:
    return format_number(x, digits)


class TrainReport:
    """The result of a numbers-only training run."""

    def __init__(self, result: TrainResult, digits: int = 6, seconds: float | None = None) -> None:
        self.result = result
        self.digits = digits
        self.seconds = seconds

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        r, d = self.result, self.digits
        sc = r.scenario
        yield Text(f"{sc.title} · {len(r.losses):,} iterations", style="bold")
        first = r.losses[0]
        line = Text.assemble("total loss  ", (_num(first, d), ""), " → ", (_num(r.final_loss, d), "bold green"))
        if self.seconds is not None:
            line.append(f"   ({self.seconds:.2f} s)", style="dim")
        yield line
        yield Text()
        curve = list(r.losses) + [r.final_loss]
        if len(curve) > 2:
            yield LossCurve(curve, title="total loss per iteration")
            yield Text()
        outs = Table(title="outputs after training", title_justify="left", box=None, padding=(0, 1))
        outs.add_column("sample", style="dim")
        for name in sc.outputs[:8]:
            outs.add_column(name, justify="right")
        for n, (values, sample) in enumerate(zip(r.final_outputs[:MAX_ROWS], sc.samples), 1):
            outs.add_row(str(n), *(f"{_num(v, d)} (→ {_num(t, d)})" for v, t in zip(values[:8], sample.targets)))
        yield outs
        yield Text()
        initial = sc.parameters()
        params = Table(title="parameters", title_justify="left", box=None, padding=(0, 1))
        params.add_column("name", style="cyan")
        params.add_column("initial", justify="right")
        params.add_column("trained", justify="right", style="green")
        for i, (name, value) in enumerate(r.parameters.items()):
            if i == MAX_ROWS:
                params.add_row("…", f"+{len(r.parameters) - MAX_ROWS} more", "")
                break
            params.add_row(name, _num(initial[name], d), _num(value, d))
        yield params
        if r.snapshots:
            yield Text()
            names = list(r.parameters)[:6]
            snaps = Table(title="snapshots", title_justify="left", box=None, padding=(0, 1))
            snaps.add_column("iteration", justify="right", style="dim")
            snaps.add_column("total loss", justify="right")
            for name in names:
                snaps.add_column(name, justify="right")
            for snap in r.snapshots[:MAX_ROWS * 5]:
                snaps.add_row(f"{snap.iteration:,}", _num(snap.total_loss, d),
                              *(_num(snap.parameters[n], d) for n in names))
            yield snaps
