"""bpwalk: backpropagation, one equation at a time, with real numbers.

The library API (the CLI is a thin layer over it)::

    from bpwalk import load_scenario, run, train
    trace = run(load_scenario("mazur"))
    trace.value("grad.w5")
    show(trace)          # in a notebook: the browser player in the cell's output
    sc = from_torch(model, inputs, targets, optimizer=opt)   # an nn.Sequential as a scenario
    to_yaml(sc)          # its scenario file
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["load_scenario", "run", "train", "show", "from_torch", "to_yaml", "Trace", "Step", "Scenario",
           "BpwalkError"]

if TYPE_CHECKING:  # pragma: no cover
    from bpwalk.errors import BpwalkError
    from bpwalk.read import load_scenario
    from bpwalk.scenario import Scenario
    from bpwalk.engine.steps import Step, Trace
    from bpwalk.engine.trace import run
    from bpwalk.engine.train import train
    from bpwalk.export.notebook import show
    from bpwalk.read.scenario_yaml import to_yaml
    from bpwalk.read.torch_model import from_torch

_WHERE = {
    "load_scenario": "bpwalk.read",
    "Scenario": "bpwalk.scenario",
    "run": "bpwalk.engine.trace",
    "train": "bpwalk.engine.train",
    "Trace": "bpwalk.engine.steps",
    "Step": "bpwalk.engine.steps",
    "BpwalkError": "bpwalk.errors",
    "show": "bpwalk.export.notebook",
    "from_torch": "bpwalk.read.torch_model",   # imports torch when called, not before
    "to_yaml": "bpwalk.read.scenario_yaml",
}


def __getattr__(name: str) -> Any:
    # lazy, so that `import bpwalk` stays cheap for the CLI's start-up
    if name in _WHERE:
        import importlib

        # a notebook shows a Trace or a Step through bpwalk.export.notebook, which puts its
        # writers where the engine finds them (the engine may not import the exports); light
        importlib.import_module("bpwalk.export.notebook")
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(name)

