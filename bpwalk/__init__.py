"""bpwalk: backpropagation, one equation at a time, with real numbers.

The library API (the CLI is a thin layer over it)::

    from bpwalk import load_scenario, run, train
    trace = run(load_scenario("mazur"))
    trace.value("grad.w5")

`bpwalk.train` is the function `train`, not the submodule of that name: import what that
module holds with `from bpwalk.train import ...`.
"""

from __future__ import annotations

import sys
from types import ModuleType
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


class _Package(ModuleType):
    def __setattr__(self, name: str, value: Any) -> None:
        # Importing a submodule sets it as an attribute of the package, whenever and by whomever
        # it is first imported; for bpwalk.train that would hide the function train() from
        # `from bpwalk import train` ('module' object is not callable). An API name never
        # becomes a submodule: __getattr__ keeps answering with the function.
        if name in _WHERE and isinstance(value, ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
