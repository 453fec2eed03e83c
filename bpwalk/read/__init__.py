"""YAML -> Scenario: the YAML reader, every validation rule, the JSON Schema, built-in scenarios.

Light on purpose: `load_scenario` imports the reader only when called.
"""

from __future__ import annotations

from pathlib import Path

from bpwalk.scenario import Scenario


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file, or a built-in scenario named as the CLI names it.

    Args:
        path: a YAML file written to docs/scenario-format.md; as a string, also the name (or a
            unique prefix) of a built-in scenario, `"mazur"`, when no such file exists.

    Returns:
        The validated scenario; its `path` is the file read (a built-in's file in the package).

    Raises:
        ScenarioError: the file is missing, unreadable, not YAML, or breaks a rule; the message
            names the file, line, column and key.
        LookupFailed: a string that is neither a file nor a built-in scenario's name.
    """
    from bpwalk.read.validate import scenario_from_file

    if isinstance(path, str) and path:   # (resolve would take "" for the default scenario)
        from bpwalk.read.builtin import resolve

        path = resolve(path)
    return scenario_from_file(Path(path))
