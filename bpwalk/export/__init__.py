"""Transcripts of a trace in every format, from one registry; `write_atomic` puts them on disk safely.

`REGISTRY` is the only list of formats: the CLI's --format choices, the format a file
extension selects, the suffix `save` writes and the writer that `render` calls all come from
it. A format is one module with a function `export(trace, options) -> str` and one line here.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from bpwalk.errors import ExportError
from bpwalk.engine.steps import Trace

if TYPE_CHECKING:  # pragma: no cover
    from bpwalk.walk.frames import Frame


@dataclass(frozen=True)
class Options:
    """How a transcript is written (None: the scenario's own setting)."""

    digits: int | None = None       # significant digits shown; JSON keeps full precision
    lang: str | None = None         # en or zh
    style: str | None = None        # scalar, matrix or delta (text, SVG, LaTeX)
    fragment: bool = False          # only the part another document can \input (latex, beamer)
    frames: int | None = None       # only the style's first frames (what the walk-through has shown)
    theme: str = "light"            # svg: light, or dark as the terminal shows it

    def shown(self, trace: Trace) -> "tuple[Frame, ...]":
        """The frames of the trace in the chosen style that the transcript writes."""
        from bpwalk.walk.styles import frames_for

        frames = frames_for(trace, self.style or trace.scenario.display.style)
        return frames if self.frames is None else frames[: self.frames]


@dataclass(frozen=True)
class Format:
    name: str                       # the --format value
    title: str                      # how help texts call it
    suffix: str                     # what `save` names its files
    selected_by: tuple[str, ...]    # the extensions that choose this format for -o FILE
    writer: str                     # "module:function" under bpwalk.export, imported when used
    fragment: bool = False          # offers Options.fragment

    def load(self) -> Callable[[Trace, Options], str]:
        module, _, function = self.writer.partition(":")
        return getattr(import_module(f"bpwalk.export.{module}"), function)


REGISTRY: tuple[Format, ...] = (
    Format("md", "Markdown", ".md", (".md", ".markdown"), "markdown:export"),
    Format("html", "HTML", ".html", (".html", ".htm"), "html:export"),
    Format("txt", "text", ".txt", (".txt", ".text"), "console:export_text"),
    Format("svg", "SVG", ".svg", (".svg",), "console:export_svg"),
    Format("json", "JSON", ".json", (".json",), "json_:export"),
    Format("web", "browser player", ".html", (), "web:export"),
    Format("latex", "LaTeX", ".tex", (".tex", ".latex"), "latex:export", fragment=True),
    Format("beamer", "Beamer slides", ".tex", (), "beamer:export", fragment=True),
    Format("pytorch", "PyTorch script", ".py", (".py",), "pytorch:export"),
)
BY_NAME: dict[str, Format] = {f.name: f for f in REGISTRY}
FORMATS: tuple[str, ...] = tuple(BY_NAME)
EXTENSIONS: dict[str, str] = {ext: f.name for f in REGISTRY for ext in f.selected_by}
SUFFIX: dict[str, str] = {f.name: f.suffix for f in REGISTRY}


def format_for(path: Path | None, given: str | None) -> str:
    """The format asked for: given explicitly, else from the file's extension, else JSON.

    Raises:
        ExportError: an unknown format or extension.
    """
    if given:
        if given not in BY_NAME:
            raise ExportError(f"unknown format '{given}'; use one of {', '.join(FORMATS)}")
        return given
    if path is None or not path.suffix:
        return "json"
    fmt = EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        raise ExportError(f"{path}: cannot tell the format from '{path.suffix}'; "
                          f"give --format ({', '.join(FORMATS)})")
    return fmt


def render(trace: Trace, fmt: str, digits: int | None = None, lang: str | None = None,
           style: str | None = None, fragment: bool = False, frames: int | None = None,
           theme: str = "light") -> str:
    """The transcript of a trace as text in one of FORMATS.

    Args:
        trace: what `bpwalk.engine.trace.run` returned.
        fmt: a name in FORMATS.
        digits, lang, style, fragment, frames, theme: see `Options`. How the trace was computed (its
            rounding, its iterations) it carries itself: `Trace.settings`.

    Raises:
        ExportError: an unknown format, or a fragment of a format that has none.
    """
    entry = BY_NAME.get(fmt)
    if entry is None:
        raise ExportError(f"unknown format '{fmt}'; use one of {', '.join(FORMATS)}")
    if fragment and not entry.fragment:
        offered = ", ".join(f.name for f in REGISTRY if f.fragment)
        raise ExportError(f"--fragment is for {offered}, not {fmt}")
    return entry.load()(trace, Options(digits, lang, style, fragment, frames, theme))


def free_name(folder: Path, stem: str, fmt: str) -> Path:
    """`stem.ext` in folder, or `stem-2.ext`, `stem-3.ext`, ...: never a file that exists."""
    suffix = SUFFIX[fmt]
    path = folder / f"{stem}{suffix}"
    n = 2
    while path.exists():
        path = folder / f"{stem}-{n}{suffix}"
        n += 1
    return path


def save(trace: Trace, fmt: str, digits: int | None = None, lang: str | None = None, style: str | None = None,
         frames: int | None = None, folder: Path | None = None) -> Path:
    """Write a transcript next to the user, named after the scenario, without replacing any file.

    Args:
        trace: the walk-through.
        fmt: one of FORMATS.
        digits, lang, style: as for `render`.
        frames: keep only the style's first `frames` frames (those seen so far); None: all of them.
            The scalar style and JSON keep the steps of those frames.
        folder: where to write (default: the current folder).

    Returns:
        The path written.
    """
    from dataclasses import replace

    from bpwalk.export.files import write_atomic

    if frames is not None and (fmt == "json" or (style or trace.scenario.display.style) == "scalar"):
        # JSON lists steps in scalar order: every step the frames seen so far hold
        seen = Options(style=style, frames=frames).shown(trace)
        trace = replace(trace, steps=trace.steps[: max(max(f.steps) for f in seen) + 1])
        frames = None
    stem = Path(trace.scenario.path).stem if trace.scenario.path else "bpwalk"
    path = free_name(folder or Path.cwd(), stem, fmt)
    return write_atomic(path, render(trace, fmt, digits, lang, style, frames=frames))
