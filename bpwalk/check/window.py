"""Only the iterations a check looks at, out of a run of any length.

A check names a few iterations (its `expect` entries, and a replayed mistake's own stretch);
recording every step of a 10,000-iteration run to read three final numbers would cost
gigabytes. A `Window` holds a full one-iteration Trace of each iteration it names, and
nothing of the iterations between them: those are run by the numbers-only loop
(`bpwalk.engine.train.train`), which computes every number as the tracer does, bit for bit,
and each traced iteration starts from the parameters that loop left. The trace of the run's
last iteration carries the final forward pass.

An optimizer with state (momentum, rmsprop, adam: anything but sgd) carries more than the
parameters from one iteration to the next, and the numbers-only loop hands on the parameters
only: such a run is traced whole, from iteration 1 to the last iteration the check names.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable, Mapping

import bpwalk.engine.passes as engine
from bpwalk.engine.steps import Step, Trace, frozen_map
from bpwalk.engine.trace import run
from bpwalk.engine.train import train
from bpwalk.errors import ComputeError
from bpwalk.scenario import Scenario

Parameters = Mapping[str, float]


@dataclass(frozen=True)
class Window:
    """One-iteration traces of some iterations of a run, read as the run's own trace would be.

    `steps` are the traced iterations' steps in order, renumbered (`index` counts within the
    window, `iteration` is the run's), then the final pass when the last iteration is traced.
    """

    scenario: Scenario
    last: int                          # the run's number of iterations
    traces: Mapping[int, Trace]        # iteration -> the trace of that iteration alone
    steps: tuple[Step, ...]
    whole: Trace | None = None         # a stateful optimizer's run, traced from iteration 1 (then
                                       # `traces` names its iterations, each the whole trace)

    def value(self, key: str, iteration: int = 1, sample: int | None = None, batch: int | None = None) -> float:
        """The number a key names (`Trace.value`); KeyError when its iteration is not traced.

        A quantity without a key of the scenario format (a chain-rule factor: dE_dout.h1@o1,
        dout_dnet.o1, batch_loss), which a quiz asks too, is read from the traced steps.
        """
        try:
            return self._keyed(key, iteration, sample, batch)
        except KeyError:
            if key.startswith("final."):
                raise
            for step in self.steps:
                if (step.quantity == key and step.iteration == iteration and step.sample == sample
                        and step.batch == batch and step.value is not None):
                    return step.value
            raise

    def _keyed(self, key: str, iteration: int, sample: int | None, batch: int | None) -> float:
        final = key.startswith("final.")
        if self.whole is not None:
            if final and len(self.whole.iterations) < self.last:
                raise KeyError(key)
            return self.whole.value(key, iteration, sample, batch)
        trace = self.traces.get(self.last if final else iteration)
        if trace is None:
            raise KeyError(key)
        return trace.value(key, 1, sample, batch)

    def parameters_before(self, iteration: int) -> Parameters:
        """Every parameter at the start of a traced iteration (or of the first)."""
        if self.whole is not None and 2 <= iteration <= len(self.whole.iterations) + 1:
            return self.whole.iterations[iteration - 2].new
        if iteration in self.traces:
            return self.traces[iteration].parameters
        if iteration <= 1:
            return frozen_map(engine.named(self.scenario, *engine.initial_parameters(self.scenario)))
        raise KeyError(iteration)


def advance(scenario: Scenario, parameters: Parameters, count: int, rounder: engine.Rounder | None) -> Parameters:
    """The parameters after `count` more iterations from these, by the numbers-only loop."""
    if count <= 0:
        return parameters
    return train(scenario.with_parameters(dict(parameters)), count, rounder=rounder).parameters


def trace_window(scenario: Scenario, wanted: Iterable[int], rounder: engine.Rounder | None = None, *,
                 between: engine.Rounder | None = None, first: int = 1, start: Parameters | None = None,
                 reuse: Window | None = None) -> Window:
    """Trace the wanted iterations of `scenario`'s run (`scenario.iterations` of them).

    Args:
        wanted: the iterations to trace (1-based; the last one also gives the final pass).
        rounder: the hook of the traced iterations.
        between: the hook of the iterations run in between (a mistake made in every iteration
            is made there too; one made once is not).
        first, start: begin at iteration `first` with the parameters `start` (None: the
            scenario's own); the wanted iterations before `first` are `reuse`'s.

    Raises:
        ComputeError: a quantity overflows.
    """
    last = scenario.iterations
    chosen = sorted({k for k in wanted if 1 <= k <= last})
    if stateful(scenario):
        return _whole(scenario, chosen, rounder, between)
    traces: dict[int, Trace] = {k: reuse.traces[k] for k in chosen if k < first} if reuse is not None else {}
    params: Parameters = start if start is not None else Window(scenario, last, {}, ()).parameters_before(1)
    at = first
    for k in (k for k in chosen if k >= first):
        try:
            params = advance(scenario, params, k - at, between)
        except ComputeError as err:
            raise _in_run(err, at - 1, at + (k - at), last) from None
        try:
            traced = run(scenario.with_parameters(dict(params)), 1, rounder=rounder)
        except ComputeError as err:
            raise _in_run(err, k - 1, k + 1, last) from None
        traces[k] = traced
        params, at = traced.iterations[0].new, k + 1
    return Window(scenario, last, traces, _renumbered(traces, last))


def stateful(scenario: Scenario) -> bool:
    """Whether the run's updates carry a state besides the parameters (every optimizer but sgd)."""
    return scenario.optimizer is not None and scenario.optimizer.name != "sgd"


class NotReplayable(ValueError):
    """A mistake made once, in a run whose optimizer state the replay cannot start from."""


def _whole(scenario: Scenario, chosen: list[int], rounder: engine.Rounder | None,
           between: engine.Rounder | None) -> Window:
    if between is not rounder:
        raise NotReplayable("a mistake made once cannot start mid-run from the parameters alone")
    upto = max(chosen, default=1)
    whole = run(scenario if upto == scenario.iterations else scenario.with_iterations(upto), rounder=rounder)
    return Window(scenario, scenario.iterations, {k: whole for k in chosen}, whole.steps, whole)


def _in_run(err: ComputeError, offset: int, after: int, last: int) -> ComputeError:
    """An overflow in a stretch or a one-iteration trace, named as the whole run names it.

    The stretch's iteration i is the run's offset + i; its final pass is the forward pass of
    the run's iteration `after`, unless that is past the run's last (then it is the final pass).
    """
    if err.iteration is not None:
        return ComputeError(err.quantity, err.iteration + offset, err.sample, err.value, err.path)
    if after > last:
        return err
    return ComputeError(err.quantity.removeprefix("final."), after, err.sample, err.value, err.path)


def _renumbered(traces: Mapping[int, Trace], last: int) -> tuple[Step, ...]:
    steps: list[Step] = []
    for k in sorted(traces):
        for step in traces[k].steps:
            if step.value is None:
                continue                    # the intro and the summary: no number
            if step.iteration is None and k != last:
                continue                    # that trace's final pass is the next iteration's forward pass
            steps.append(replace(step, index=len(steps), iteration=None if step.iteration is None else k))
    return tuple(steps)
