"""Transcripts of a trace: Markdown, HTML, text, SVG and JSON; `write_atomic` puts them on disk safely."""

from __future__ import annotations

from pathlib import Path

from bpwalk.errors import ExportError
from bpwalk.engine.steps import Trace

FORMATS: tuple[str, ...] = ("md", "html", "txt", "svg", "json")
EXTENSIONS: dict[str, str] = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html",
                              ".txt": "txt", ".text": "txt", ".svg": "svg", ".json": "json"}


def format_for(path: Path | None, given: str | None) -> str:
    """The format asked for: given explicitly, else from the file's extension, else JSON.

    Raises:
        ExportError: an unknown format or extension.
    """
    if given:
        if given not in FORMATS:
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
           style: str | None = None, rounding: int | None = None) -> str:
    """The transcript of a trace as text in one of FORMATS.

    Args:
        trace: what `bpwalk.engine.trace.run` returned.
        fmt: md, html, txt, svg or json.
        digits: significant digits shown (default: the scenario's display.precision); JSON
            values keep full precision whatever this is.
        lang: en or zh (default: the scenario's).
        style: scalar, matrix or delta, for txt and svg (default: the scenario's).
        rounding: the trace was computed with every intermediate rounded to this many
            decimals; the transcript says so.
    """
    sc = trace.scenario
    if fmt == "json":
        from bpwalk.export.json_ import to_json

        return to_json(trace, digits)
    if fmt == "md":
        from bpwalk.export.markdown import to_markdown

        return to_markdown(trace, digits, lang, rounding)
    if fmt == "html":
        from bpwalk.export.html import to_html

        return to_html(trace, digits, lang, rounding)
    from bpwalk.export.console import to_svg, to_text
    from bpwalk.render.views import Settings

    settings = Settings(digits=digits or sc.display.precision, lang=lang or sc.display.lang,
                        style=style or sc.display.style, rounding=rounding)
    return to_text(trace, settings) if fmt == "txt" else to_svg(trace, settings)


SUFFIX = {"md": ".md", "html": ".html", "txt": ".txt", "svg": ".svg", "json": ".json"}


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
         steps: int | None = None, folder: Path | None = None) -> Path:
    """Write a transcript next to the user, named after the scenario, without replacing any file.

    Args:
        trace: the walk-through.
        fmt: one of FORMATS.
        digits, lang, style: as for `render`.
        steps: keep only the first `steps` steps (the steps seen so far); None: all of them.
        folder: where to write (default: the current folder).

    Returns:
        The path written.
    """
    from dataclasses import replace

    from bpwalk.export.files import write_atomic

    if steps is not None:
        trace = replace(trace, steps=trace.steps[:steps])
    stem = Path(trace.scenario.path).stem if trace.scenario.path else "bpwalk"
    path = free_name(folder or Path.cwd(), stem, fmt)
    return write_atomic(path, render(trace, fmt, digits, lang, style))
