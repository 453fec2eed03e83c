"""The version ranges in pyproject.toml are the ranges CI tests.

.ci/run runs the suite twice: on the newest versions pip resolves, and on the lowest versions
pyproject.toml allows, installed with `pip install -c .ci/constraints-min.txt ".[test]"`. That
second run tests the declared floors only while the constraints file pins exactly those floors,
for every runtime and test dependency: these tests hold the two files together.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
CONSTRAINTS = ROOT / ".ci" / "constraints-min.txt"
REQUIREMENT = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*([^;]*)(?:;.*)?")
TOML_HEADER_OR_ARRAY = re.compile(r'^\[([^\]\n]+)\][ \t]*(?:#.*)?$|^([A-Za-z0-9_.-]+)[ \t]*=[ \t]*\[', re.M)
TOML_ARRAY_PART = re.compile(r'\s*(?:"((?:[^"\\]|\\.)*)"|#[^\n]*|,|(\]))')   # a string, a comment, a comma, the end


def normalized(name: str) -> str:
    """A distribution name as pip compares them (PEP 503): `PyYAML` and `pyyaml` are one."""
    return re.sub(r"[-_.]+", "-", name).lower()


def toml_string_arrays(text: str) -> dict[tuple[str, str], list[str]]:
    """Every `key = ["...", ...]` of a TOML file, by (table, key): for Python 3.10, which has no
    tomllib. Arrays of strings are all of pyproject.toml these tests need; on 3.11 and later a
    test checks that this reads what tomllib reads."""
    arrays: dict[tuple[str, str], list[str]] = {}
    table = ""
    for match in TOML_HEADER_OR_ARRAY.finditer(text):
        if match.group(1) is not None:
            table = match.group(1).strip()
            continue
        items: list[str] = []
        position = match.end()
        while True:
            item = TOML_ARRAY_PART.match(text, position)
            assert item, f"pyproject.toml: cannot read the array {match.group(2)}"
            position = item.end()
            if item.group(2):
                break
            if item.group(1) is not None:
                items.append(item.group(1))
        arrays[(table, match.group(2))] = items
    return arrays


def declared_requirements(use_tomllib: bool = sys.version_info >= (3, 11)) -> list[str]:
    """The runtime dependencies and every optional group's (the [test] extra), as written."""
    text = PYPROJECT.read_text(encoding="utf-8")
    if use_tomllib:
        import tomllib

        project = tomllib.loads(text)["project"]
        groups = list(project.get("optional-dependencies", {}).values())
        return project["dependencies"] + [item for group in groups for item in group]
    arrays = toml_string_arrays(text)
    groups = [items for (table, _), items in arrays.items() if table == "project.optional-dependencies"]
    return arrays[("project", "dependencies")] + [item for group in groups for item in group]


def floors() -> dict[str, str]:
    """Each declared dependency's lowest allowed version (its `>=`), by normalized name."""
    found: dict[str, str] = {}
    for requirement in declared_requirements():
        match = REQUIREMENT.fullmatch(requirement)
        assert match, f"pyproject.toml: cannot read the requirement {requirement!r}"
        lows = [spec.strip()[2:].strip() for spec in match.group(2).split(",") if spec.strip().startswith(">=")]
        assert len(lows) == 1, f"pyproject.toml: {requirement!r} needs one floor (>=), the version CI tests"
        found[normalized(match.group(1))] = lows[0]
    return found


def pins() -> dict[str, str]:
    """The constraints file's `name==version` lines, by normalized name."""
    found: dict[str, str] = {}
    for number, line in enumerate(CONSTRAINTS.read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;,]+)\s*(?:;.*)?", line)
        assert match, f"{CONSTRAINTS.name}:{number}: {line!r} is not name==version"
        name = normalized(match.group(1))
        assert name not in found, f"{CONSTRAINTS.name}:{number}: {name} is pinned twice"
        found[name] = match.group(2)
    return found


def test_the_constraints_file_pins_exactly_the_declared_floors() -> None:
    declared = floors()
    assert {"rich", "typer", "sympy", "pyyaml", "latex2mathml", "pytest", "hypothesis"} <= declared.keys()
    assert pins() == declared


@pytest.mark.skipif(sys.version_info < (3, 11), reason="tomllib is new in Python 3.11")
def test_the_small_toml_reader_reads_what_tomllib_reads() -> None:
    assert declared_requirements(use_tomllib=False) == declared_requirements(use_tomllib=True)


def test_the_small_toml_reader_keeps_extras_comments_and_several_lines() -> None:
    text = '[project]\ndependencies = [\n  "a[x]>=1",  # why, with a ] in it\n  "b>=2,<3", "c>=0.1",\n]\n' \
           '\n[other]  # a comment\ndependencies = ["d>=4"]\n'
    assert toml_string_arrays(text) == {
        ("project", "dependencies"): ["a[x]>=1", "b>=2,<3", "c>=0.1"],
        ("other", "dependencies"): ["d>=4"],
    }


def test_ci_runs_the_suite_on_the_floors_too() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    newest = script.index('pip install ".[test]" && pytest')
    lowest = script.index('pip install -c .ci/constraints-min.txt ".[test]" && pytest')
    assert newest < lowest
