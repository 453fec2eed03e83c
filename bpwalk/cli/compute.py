"""The commands that compute without the walk-through: train and check."""

# No `from __future__ import annotations` here: typer reads these signatures at every launch,
# and real annotations spare it evaluating each one from a string (tests/test_startup.py).

import sys
from pathlib import Path
from typing import Optional

import typer

from bpwalk.cli.base import app, fail, load, rounder_for
from bpwalk.cli.options import (Alpha, Beta1, Beta2, Compare, Document, DraftExpect, Eps, Iterations, LangOption,
                                Momentum, OptimizerName, Precision, Rounding, ScenarioArg, WeightDecay, chosen)
from bpwalk.errors import BpwalkError


@app.command(short_help="Train many iterations without the walk-through: loss and weights.")
def train(
    scenario: ScenarioArg = None,
    iterations: Iterations = None,
    every: Optional[int] = typer.Option(None, "--every", min=1,
                                        help="Also show a snapshot every K iterations: the parameters after "
                                             "that iteration's update and the total loss computed with them."),
    precision: Precision = None,
    rounding: Rounding = None,
    as_json: bool = typer.Option(False, "--json", help="Write the loss of every iteration, the snapshots and "
                                                      "the final parameters as one JSON object instead."),
    as_csv: bool = typer.Option(False, "--csv", help="Write CSV instead: one row after each iteration "
                                                    "(after_iteration, loss, then every parameter at snapshots)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o",
                                          help="Write the JSON or CSV to this file (default: standard output); "
                                               "a .json or .csv name chooses the format."),
    lang: LangOption = None,
    optimizer: OptimizerName = None,
    compare: Compare = None,
    momentum: Momentum = None,
    beta1: Beta1 = None,
    beta2: Beta2 = None,
    eps: Eps = None,
    alpha: Alpha = None,
    weight_decay: WeightDecay = None,
) -> None:
    """Train for many iterations without the walk-through: loss curve, outputs, parameters.

    --json and --csv write every number at full precision for plotting elsewhere (docs/train.md);
    without --every their snapshots are the start and the end. --optimizer (with --momentum,
    --beta1, --beta2, --eps, --alpha, --weight-decay) trains with another optimizer than the
    scenario's; --compare sgd,momentum,adam trains with each and draws their curves on one plot.
    """
    flags = {"momentum": momentum, "beta1": beta1, "beta2": beta2, "eps": eps, "alpha": alpha,
             "weight_decay": weight_decay}
    if compare is not None:
        _compare(scenario, compare, flags, iterations, precision, rounding, as_json or as_csv or output is not None,
                 optimizer, lang)
        return
    import time

    from rich.console import Console

    from bpwalk.export import train_data
    from bpwalk.engine.train import train as run_training
    from bpwalk.words import say

    try:
        fmt = train_data.format_for(as_json, as_csv, output)
        from bpwalk.read.validate_training import override_optimizer

        sc = override_optimizer(load(scenario), optimizer, flags)
        language = chosen(lang) or sc.display.lang
        console = Console() if fmt is None else Console(stderr=True)   # stdout holds the data
        count = iterations or sc.iterations
        kept = every or (None if fmt is None else count)
        start = time.perf_counter()
        if count >= 20_000 and console.is_terminal:
            from rich.progress import Progress

            with Progress(transient=True, console=console) as bar:
                task = bar.add_task(say(language, "train.progress"), total=count)
                result = run_training(sc, count, kept, rounder=rounder_for(rounding), progress=lambda done: bar.update(task, completed=done))
        else:
            result = run_training(sc, count, kept, rounder=rounder_for(rounding))
        seconds = time.perf_counter() - start
        if fmt is not None:
            text = train_data.to_json(result, every) if fmt == "json" else train_data.to_csv(result)
            if output is None:
                sys.stdout.write(text)
            else:
                from bpwalk.export.files import write_atomic

                write_atomic(output, text)
                typer.echo(say(language, "export.wrote", path=output), err=True)
            return
    except BpwalkError as err:
        fail(err)
    from bpwalk.render.train_view import TrainReport

    console.print(TrainReport(result, precision or min(sc.display.precision, 6), seconds, language))


def _compare(scenario, compare: str, flags, iterations, precision, rounding, data: bool, optimizer, lang) -> None:
    """`train --compare a,b,c`: one run per optimizer, the options given applied to those that take them."""
    from rich.console import Console

    from bpwalk.engine.train import train as run_training
    from bpwalk.errors import BpwalkError as Bad
    from bpwalk.ops import OPTIMIZERS
    from bpwalk.read.validate_training import override_optimizer

    runs = []
    try:
        if optimizer is not None or data:
            raise Bad("--compare draws the curves of several optimizers: not with --optimizer, --json, --csv "
                      "or --output (run train --optimizer NAME --json once for each)")
        names = [n.strip() for n in compare.split(",") if n.strip()]
        if len(names) < 2 or len(set(names)) < len(names):
            raise Bad(f"--compare: expected two or more different optimizers separated by commas, "
                      f"like sgd,momentum,adam; found '{compare}'")
        for name in names:
            if name not in OPTIMIZERS:
                from bpwalk.read.validate_values import suggestion

                raise Bad(f"--compare: expected optimizers among {', '.join(OPTIMIZERS)}; found '{name}'"
                          f"{suggestion(name, OPTIMIZERS)}")
        unused = [k for k, v in flags.items() if v is not None
                  and not any(k in {o.key for o in OPTIMIZERS[n].options} for n in names)]
        base = load(scenario)
        for name in names:
            own = {k: v for k, v in flags.items() if k in {o.key for o in OPTIMIZERS[name].options}}
            sc = override_optimizer(base, name, own)
            if unused:   # an option none of them takes: the error train --optimizer gives
                override_optimizer(base, name, {k: flags[k] for k in unused})
            runs.append((name, run_training(sc, iterations or sc.iterations, rounder=rounder_for(rounding))))
        language = chosen(lang) or base.display.lang
    except BpwalkError as err:
        fail(err)
    from bpwalk.render.train_view import CompareReport

    Console().print(CompareReport(runs, precision or min(base.display.precision, 6), language))


@app.command(short_help="Compare the numbers a worked example printed with the right ones.")
def check(
    scenario: ScenarioArg = None,
    as_json: bool = typer.Option(False, "--json", help="Print the verdicts as a JSON list, for scripts and CI."),
    rounding: Rounding = None,
    lang: LangOption = None,
    document: Document = None,
    draft: DraftExpect = False,
) -> None:
    """Compare every number the document printed (expect:) with the computed one.

    Each number is checked at the precision it was printed (0.1386 to 4 decimals). A number
    that does not agree is explained where the cause can be found: a rounded number carried
    forward, a sign flip, the ½ or the 2 of the squared error dropped, σ′ applied to the wrong
    value, gradients from updated weights, swapped indices, a slipped decimal point, the value
    of another step, or a wrong number carried from earlier; the wrong numbers that follow from
    one mistake are grouped under it (its root cause). Only the iterations the entries name are
    traced, so a long run checks about as fast as `bpwalk train`. --document DOC reads the
    printed results from the worked example's own text instead (each row gives its line), and
    --draft-expect prints them as expect: entries to paste into the scenario. Exit status 0 when
    every number agrees, 1 when any does not, 2 when the scenario or the document cannot be
    read. --lang sets the language of the report and of the causes (in --json too).
    """
    from bpwalk.check.audit import check as check_scenario, grouped
    from bpwalk.words import say

    try:
        sc = load(scenario)
        language = chosen(lang) or sc.display.lang
        if draft and document is None:
            raise BpwalkError("--draft-expect prints the results found in a document: give it with --document DOC")
        if document is not None:
            from bpwalk.check.document import check_document, draft_expect, find, read_document

            text = read_document(document)
            if draft:
                matches = find(sc, text)
                if not matches:
                    typer.echo(say(language, "check.document_none", path=document), err=True)
                    raise typer.Exit(code=1)
                typer.echo(draft_expect(sc, matches), nl=False)
                return
            matches, found = check_document(sc, text, rounding, language)
            if not matches:
                typer.echo(say(language, "check.document_none", path=document), err=True)
                raise typer.Exit(code=1)
            verdicts = grouped(found)
        else:
            verdicts = grouped(check_scenario(sc, rounding, language))
    except BpwalkError as err:
        fail(err)
    if as_json:
        import json

        typer.echo(json.dumps([v.as_dict() for v in verdicts], indent=2, ensure_ascii=False))
    else:
        from rich.console import Console

        from bpwalk.render.check_view import CheckReport

        Console().print(CheckReport(verdicts, sc.title, language, lines=document is not None))
    raise typer.Exit(code=0 if all(v.agrees for v in verdicts) else 1)


@app.command(short_help="Backprop's gradients beside central differences (CS231n).")
def gradcheck(
    scenario: ScenarioArg = None,
    h: float = typer.Option(1e-5, "--h", min=1e-12, max=1.0,
                            help="The step of the central difference (L(p + h) - L(p - h)) / 2h."),
    as_json: bool = typer.Option(False, "--json", help="Print the rows as one JSON object, for scripts and CI."),
    lang: LangOption = None,
) -> None:
    """Check backpropagation's gradient of every parameter against a central difference, as CS231n teaches.

    The function is the total loss at the scenario's initial parameters (the samples' losses
    summed or averaged, plus the L2 penalty). Each row holds the analytic gradient a, the numeric
    n = (L(p + h) - L(p - h)) / 2h and the relative error |a - n| / max(|a|, |n|); one above 1e-7
    is flagged. Exit status 0 when none is flagged, 1 when any is, 2 when the scenario cannot be read.
    """
    from bpwalk.engine.gradcheck import gradcheck as check_gradients

    try:
        sc = load(scenario)
        language = chosen(lang) or sc.display.lang
        result = check_gradients(sc, h)
    except BpwalkError as err:
        fail(err)
    if as_json:
        import json

        typer.echo(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
    else:
        from rich.console import Console

        from bpwalk.render.gradcheck_view import GradCheckReport

        Console().print(GradCheckReport(result, language))
    raise typer.Exit(code=1 if result.flagged else 0)
