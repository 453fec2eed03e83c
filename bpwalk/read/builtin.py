"""Finding scenarios: the built-in ones by name or unique prefix, or any file by path."""

from __future__ import annotations

from pathlib import Path

from bpwalk.errors import LookupFailed

DEFAULT = "mazur"


def scenarios_dir() -> Path:
    """Where the built-in scenarios are: inside the installed package, or the checkout's scenarios/."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / "scenarios"
    if packaged.is_dir():
        return packaged
    return package.parent / "scenarios"


def builtin_paths() -> list[Path]:
    """Every built-in scenario file, sorted by name."""
    folder = scenarios_dir()
    return sorted(folder.glob("*.yaml"), key=lambda p: p.stem) if folder.is_dir() else []


def resolve(name: str | None) -> Path:
    """A path for a scenario argument: an existing file, or a built-in name, file stem or unique prefix.

    Raises:
        LookupFailed: nothing matches, or a prefix matches several built-ins.
    """
    name = name or DEFAULT
    path = Path(name)
    if path.exists() or path.suffix in (".yaml", ".yml") or "/" in name or "\\" in name:
        return path   # a path always wins; a missing one is reported by the loader with its name
    paths = builtin_paths()
    stems = {p.stem: p for p in paths}
    if name in stems:
        return stems[name]
    matches = [p for p in paths if p.stem.startswith(name)]
    if len(matches) == 1:
        return matches[0]
    available = ", ".join(stems) or "(none installed)"
    if matches:
        names = ", ".join(p.stem for p in matches)
        raise LookupFailed(f"'{name}' matches several built-in scenarios: {names}; type more of the name")
    raise LookupFailed(f"'{name}' is neither a file nor a built-in scenario; built-in: {available}")
