"""The package's shape: imports run one way (import-linter's contracts in pyproject.toml),
no folder has an import cycle, and no module grows past what one reader takes in."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "bpwalk"
MAX_LINES = 400


def test_import_contracts_are_kept() -> None:
    lint = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    result = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
    # the contracts this project relies on are really there (a deleted one would pass silently)
    for name in ("Data flows one way", "know rich or typer", "never need sympy"):
        assert name in result.stdout


def sibling_cycle(graph, package: str) -> list[str] | None:
    """A cycle among the direct children of `package` (each with everything below it), or None."""
    children = sorted(graph.find_children(package))

    def owner(module: str) -> str | None:
        return next((c for c in children if module == c or module.startswith(c + ".")), None)

    edges: dict[str, set[str]] = {c: set() for c in children}
    for child in children:
        for module in {child, *graph.find_descendants(child)}:
            for imported in graph.find_modules_directly_imported_by(module):
                target = owner(imported)
                if target is not None and target != child:
                    edges[child].add(target)
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for child in children:
        if child not in state and (found := visit(child)):
            return found
    return None


def test_no_folder_has_an_import_cycle() -> None:
    # import-linter's acyclic_siblings contract needs import-linter 2.7, which needs rich >= 14.2
    # (above bpwalk's floor), so the same rule is checked here on grimp's graph (what import-linter
    # itself reads); a function-level import counts as much as a top-level one
    import grimp

    graph = grimp.build_graph("bpwalk", cache_dir=None)
    packages = ["bpwalk", *sorted(m for m in graph.modules if graph.find_children(m) and m.startswith("bpwalk."))]
    cycles = {p: c for p in packages if (c := sibling_cycle(graph, p))}
    assert not cycles, cycles


def test_the_cycle_check_finds_a_cycle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import grimp

    pkg = tmp_path / "cyc"
    (pkg / "a").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "a" / "__init__.py").write_text("")
    (pkg / "a" / "x.py").write_text("def f():\n    from cyc import b\n")
    (pkg / "b.py").write_text("import cyc.a.x\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = grimp.build_graph("cyc", cache_dir=None)
    assert sibling_cycle(graph, "cyc") in (["cyc.a", "cyc.b", "cyc.a"], ["cyc.b", "cyc.a", "cyc.b"])


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_stay_small(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines; split it by concept"


def test_every_folder_is_a_documented_concept() -> None:
    architecture = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for folder in sorted(p for p in PACKAGE.iterdir() if (p / "__init__.py").exists()):
        assert f"{folder.name}/" in architecture, f"docs/architecture.md does not describe bpwalk/{folder.name}/"
