"""YAML -> Scenario: the YAML reader, every validation rule, the JSON Schema, built-in scenarios.

Light on purpose: `load_scenario` imports the reader only when called.
"""

from __future__ import annotations

from pathlib import Path

from bpwalk.scenario import Scenario


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file.

    Args:
        path: a YAML file written to docs/scenario-format.md.

    Returns:
        The validated scenario.

    Raises:
        ScenarioError: the file is missing, unreadable, not YAML, or breaks a rule; the message
            names the file, line, column and key.
    """
    from bpwalk.read.validate import scenario_from_file

    return scenario_from_file(Path(path))
