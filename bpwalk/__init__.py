"""bpwalk: backpropagation, one equation at a time, with real numbers.

The library API (the CLI is a thin layer over it)::

    from bpwalk import load_scenario, run, train
    trace = run(load_scenario("scenarios/mazur.yaml"))
    trace.value("grad.w5")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["load_scenario", "run", "train", "Trace", "Step", "Scenario", "BpwalkError"]

if TYPE_CHECKING:  # pragma: no cover
    from bpwalk.errors import BpwalkError
    from bpwalk.scenario import Scenario, load_scenario
    from bpwalk.steps import Step, Trace
    from bpwalk.trace import run
    from bpwalk.train import train

_WHERE = {
    "load_scenario": "bpwalk.scenario",
    "Scenario": "bpwalk.scenario",
    "run": "bpwalk.trace",
    "train": "bpwalk.train",
    "Trace": "bpwalk.steps",
    "Step": "bpwalk.steps",
    "BpwalkError": "bpwalk.errors",
}


def __getattr__(name: str) -> Any:
    # lazy, so that `import bpwalk` stays cheap for the CLI's start-up
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(name)
