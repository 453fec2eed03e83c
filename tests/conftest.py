"""Shared fixtures: scenario files written on the fly, and the CLI runner."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest


@pytest.fixture
def write_scenario(tmp_path: Path):
    """Write YAML text (dedented) to a file and return its path."""

    def write(text: str, name: str = "scenario.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


TINY = """\
title: One sigmoid unit
network:
  inputs: [x1]
  layers:
    - {units: [o1], activation: sigmoid, weights: [[0.5]]}
learning_rate: 0.1
samples:
  - {inputs: [1.0], targets: [1.0]}
"""


@pytest.fixture
def tiny_scenario(write_scenario) -> Path:
    return write_scenario(TINY)
