"""A training run's numbers for plotting elsewhere: JSON and CSV (docs/train.md).

Every number is written at full double precision (Python's repr: ASCII minus, parsed back to
the same float by `float()`), never rounded for display.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from bpwalk.errors import ExportError
from bpwalk.engine.train import TrainResult

FORMAT_VERSION = 1


def format_for(as_json: bool, as_csv: bool, output: Path | None) -> str | None:
    """json, csv (asked for, or from -o's extension), or None for the report in the terminal.

    Raises:
        ExportError: both asked for, or -o names neither a .json nor a .csv file.
    """
    if as_json and as_csv:
        raise ExportError("--json and --csv: choose one")
    if as_json or as_csv:
        return "json" if as_json else "csv"
    if output is None:
        return None
    fmt = {".json": "json", ".csv": "csv"}.get(output.suffix.lower())
    if fmt is None:
        raise ExportError(f"{output}: give --json or --csv (or name the file .json or .csv)")
    return fmt


def to_dict(result: TrainResult, every: int | None = None) -> dict[str, Any]:
    """The run as plain data: the loss of every iteration, the snapshots, the final state.

    Args:
        result: what `bpwalk.engine.train.train` returned.
        every: the snapshot interval the run was asked for (recorded as is; None: none asked).
    """
    sc = result.scenario
    return {
        "bpwalk": FORMAT_VERSION,
        "title": sc.title,
        "update": sc.update,
        "iterations": len(result.losses),
        "every": every,
        "loss": list(result.losses),
        "final_loss": result.final_loss,
        "snapshots": [
            {"after_iteration": s.iteration, "loss": s.loss, "parameters": dict(s.parameters)}
            for s in result.snapshots
        ],
        "initial_parameters": sc.parameters(),
        "final_parameters": dict(result.parameters),
        "final_outputs": [
            {"sample": n, "outputs": dict(zip(sc.outputs, values)), "targets": dict(zip(sc.outputs, s.targets))}
            for n, (values, s) in enumerate(zip(result.final_outputs, sc.samples), 1)
        ],
    }


def to_json(result: TrainResult, every: int | None = None) -> str:
    """`to_dict` as JSON text (UTF-8, indented, ending in a newline).

    Raises:
        ExportError: a snapshot's loss is not finite (JSON has no infinity).
    """
    try:
        return json.dumps(to_dict(result, every), ensure_ascii=False, indent=1, allow_nan=False) + "\n"
    except ValueError:
        raise ExportError("a loss is not a finite number, which JSON cannot hold; use --csv") from None


def to_csv(result: TrainResult) -> str:
    """One row per point of the run: after 0 (the start), 1, ..., N iterations.

    `loss` is the total loss computed with the parameters after that many iterations: with
    update: batch, iteration k+1's own total loss (the last row: the final forward pass); with
    update: per_sample, known only at snapshots (an iteration's sum over its sweep sees the
    parameters change after each sample). The parameter columns are filled at snapshot rows.
    """
    names = list(result.parameters)
    per_sample = result.scenario.update == "per_sample"
    curve = (*result.losses, result.final_loss)
    snaps = {s.iteration: s for s in result.snapshots}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["after_iteration", "loss", *names])
    for k, loss in enumerate(curve):
        snap = snaps.get(k)
        if snap is not None:
            writer.writerow([k, repr(snap.loss), *(repr(snap.parameters[n]) for n in names)])
        else:
            writer.writerow([k, "" if per_sample else repr(loss), *([""] * len(names))])
    return out.getvalue()
