"""What `bpwalk train` prints: the loss reached, its curve, the outputs and the parameters."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from bpwalk.formula.numbers import format_number
from bpwalk.render.plot import LossCurve
from bpwalk.engine.train import TrainResult
from bpwalk.words import say

MAX_ROWS = 40
MAX_OUTPUTS = 8
MAX_SNAPSHOTS = 200     # rows of the snapshot tables; the last one is always shown
MAX_BLOCKS = 4          # side-by-side groups of parameter columns, one under the other


def _num(x: float, digits: int) -> str:
    return format_number(x, digits)


def _more(count: int, what: str, lang: str) -> Text:
    """`… 120 more parameters: use --json or --csv`; `what` is a key: parameters, samples, ..."""
    return Text(say(lang, "train.more", n=f"{count:,}", what=say(lang, f"train.more_{what}")), style="dim")


def _blocks(widths: list[int], room: int) -> list[list[int]]:
    """Column indices packed greedily into blocks whose widths (each plus padding) fit in `room`."""
    blocks: list[list[int]] = [[]]
    used = 0
    for i, width in enumerate(widths):
        if blocks[-1] and used + width + 2 > room:
            blocks.append([])
            used = 0
        blocks[-1].append(i)
        used += width + 2
    return blocks


def snapshot_tables(r: TrainResult, d: int, width: int, lang: str = "en") -> RenderResult:
    """The snapshots as rows, every parameter as a column, wrapped into blocks that fit `width`.

    Each row holds the parameters after an iteration's update and the total loss computed with
    them, so that the two never come from different points of the run.
    """
    names = list(r.parameters)
    snaps = list(r.snapshots)
    hidden_rows = max(0, len(snaps) - MAX_SNAPSHOTS)
    # the last row stays: it is the final state, the one the headline's final loss belongs to
    rows = snaps if not hidden_rows else snaps[:MAX_SNAPSHOTS - 1] + [None] + snaps[-1:]
    start = say(lang, "train.start")
    labels = ["…" if s is None else start if s.iteration == 0 else f"{s.iteration:,}" for s in rows]
    losses = ["" if s is None else _num(s.loss, d) for s in rows]
    cells = [["" if s is None else _num(s.parameters[n], d) for s in rows] for n in names]
    label_head, loss_head = say(lang, "train.after_iteration"), say(lang, "train.loss_with")
    label_w = max(9, *map(len, labels))
    loss_w = max(10, *map(len, losses))
    widths = [max(len(n), *map(len, col)) for n, col in zip(names, cells)]
    first = _blocks(widths, width - (label_w + 2) - (loss_w + 2))[0]
    rest = _blocks(widths[len(first):], width - (label_w + 2))
    blocks = [first] + [[i + len(first) for i in block] for block in rest if block]
    shown = blocks[:MAX_BLOCKS]
    yield Text(say(lang, "train.snapshots"), style="bold")
    yield Text(say(lang, "train.snapshots_note"), style="dim")
    if r.scenario.update == "per_sample":
        yield Text(say(lang, "train.per_sample_note"), style="dim")
    for b, block in enumerate(shown):
        table = Table(box=None, padding=(0, 1), show_edge=True)
        table.add_column(label_head, justify="right", style="dim", min_width=label_w, no_wrap=True,
                         vertical="bottom")
        if b == 0:
            table.add_column(loss_head, justify="right", min_width=loss_w, no_wrap=True, vertical="bottom")
        for i in block:
            table.add_column(names[i], justify="right", min_width=widths[i], no_wrap=True, vertical="bottom")
        for k, label in enumerate(labels):
            table.add_row(label, *([losses[k]] if b == 0 else []), *(cells[i][k] for i in block))
        if b:
            yield Text()
        yield table
    hidden = sum(len(block) for block in blocks[MAX_BLOCKS:])
    if hidden:
        yield _more(hidden, "parameters", lang)
    if hidden_rows:
        yield _more(hidden_rows, "snapshots", lang)


class TrainReport:
    """The result of a numbers-only training run."""

    def __init__(self, result: TrainResult, digits: int = 6, seconds: float | None = None, lang: str = "en") -> None:
        self.result = result
        self.digits = digits
        self.seconds = seconds
        self.lang = lang

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        r, d, lang = self.result, self.digits, self.lang
        sc = r.scenario
        count = len(r.losses)
        yield Text(say(lang, "train.title_one" if count == 1 else "train.title", title=sc.title, n=f"{count:,}"),
                   style="bold")
        first = r.losses[0]
        line = Text.assemble(say(lang, "train.loss"), (_num(first, d), ""), " → ", (_num(r.final_loss, d), "bold green"))
        if self.seconds is not None:
            line.append(f"   ({self.seconds:.2f} s)", style="dim")
        yield line
        yield Text()
        curve = list(r.losses) + [r.final_loss]
        if len(curve) > 2:
            yield LossCurve(curve, title=say(lang, "train.curve"), lang=lang)
            yield Text()
        outs = Table(title=say(lang, "train.outputs"), title_justify="left", box=None, padding=(0, 1))
        outs.add_column(say(lang, "train.sample"), style="dim")
        for name in sc.outputs[:MAX_OUTPUTS]:
            outs.add_column(name, justify="right")
        for n, (values, sample) in enumerate(zip(r.final_outputs[:MAX_ROWS], sc.samples), 1):
            outs.add_row(str(n), *(f"{_num(v, d)} (→ {_num(t, d)})" for v, t in zip(values[:MAX_OUTPUTS], sample.targets)))
        yield outs
        if len(sc.samples) > MAX_ROWS:
            yield _more(len(sc.samples) - MAX_ROWS, "samples", lang)
        if len(sc.outputs) > MAX_OUTPUTS:
            yield _more(len(sc.outputs) - MAX_OUTPUTS, "outputs", lang)
        yield Text()
        initial = sc.parameters()
        params = Table(title=say(lang, "train.parameters"), title_justify="left", box=None, padding=(0, 1))
        params.add_column(say(lang, "train.name"), style="cyan")
        params.add_column(say(lang, "train.initial"), justify="right")
        params.add_column(say(lang, "train.trained"), justify="right", style="green")
        for name, value in list(r.parameters.items())[:MAX_ROWS]:
            params.add_row(name, _num(initial[name], d), _num(value, d))
        yield params
        if len(r.parameters) > MAX_ROWS:
            yield _more(len(r.parameters) - MAX_ROWS, "parameters", lang)
        if r.snapshots:
            yield Text()
            yield from snapshot_tables(r, d, options.max_width, lang)


class CompareReport:
    """`train --compare`: one run per optimizer, their loss curves on one plot, and where each got to."""

    def __init__(self, runs: list[tuple[str, TrainResult]], digits: int = 6, lang: str = "en") -> None:
        self.runs = runs        # (optimizer, result)
        self.digits = digits
        self.lang = lang

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from bpwalk.render.plot import LossCurves

        d, lang = self.digits, self.lang
        first = self.runs[0][1]
        count = len(first.losses)
        yield Text(say(lang, "train.compare_title", title=first.scenario.title, n=f"{count:,}",
                       names=", ".join(name for name, _ in self.runs)), style="bold")
        yield Text()
        yield LossCurves([(name, [*r.losses, r.final_loss]) for name, r in self.runs],
                         title=say(lang, "train.curve"), lang=lang)
        yield Text()
        table = Table(box=None, padding=(0, 1), header_style="bold")
        table.add_column(say(lang, "train.optimizer"), style="cyan")
        table.add_column(say(lang, "train.first_loss"), justify="right")
        table.add_column(say(lang, "train.final_loss"), justify="right", style="green")
        for name, r in self.runs:
            table.add_row(name, _num(r.losses[0], d), _num(r.final_loss, d))
        yield table
