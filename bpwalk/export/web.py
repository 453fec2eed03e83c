"""The walk-through as a browser player: one self-contained HTML file that plays it as `bpwalk run` does.

One more renderer of the walk-through model: every frame of every style (scalar, matrix, delta)
in both languages is written here, once, as the HTML document writes it (`bpwalk.export.html`:
MathML equations, tables, the reversed network), with what the network picture marks for it
(`bpwalk.walk.page.marks`) and the terms a search finds it by. The data goes into the page as
JSON; `web.js`, a small hand-written script beside this module, only navigates: the same keys as
the terminal (`bpwalk.walk.navigate`), buttons, a fragment per step (`#step-16`), and a print
view of every step. Nothing is fetched: it works opened from file://.

HTML fragments repeat across the two languages (the equations are the same), so the data keeps
each distinct fragment once (`pool`) and frames point into it.
"""

from __future__ import annotations

import json
from functools import lru_cache
from html import escape
from importlib import resources
from typing import Any

from bpwalk.engine.steps import Trace
from bpwalk.export import Options
from bpwalk.export.html import (
    CSS, about_html, mathml, page_blocks, step_body, summary_html, tables_html,
)
from bpwalk.export.mathml import compact
from bpwalk.export.netsvg import network_svg
from bpwalk.formula.notation import Notation
from bpwalk.formula.numbers import at_most
from bpwalk.scenario import LANGS, STYLES
from bpwalk.walk.frames import Frame, FrameKind
from bpwalk.walk.navigate import starts_section
from bpwalk.walk.page import marks
from bpwalk.words import after_training, say, table
from bpwalk.words.prose import rounding_note

# the words the script shows, by key of the words tables (the help lists its keys with these)
WORDS = (
    "web.first", "web.back", "web.next", "web.last", "web.prev_phase", "web.next_phase", "web.search",
    "web.search_hint", "web.help", "web.close", "web.style", "web.lang", "web.position", "web.esc",
    "web.help.click", "nav.last_step", "nav.first_step", "nav.last_phase", "nav.first_phase", "nav.no_key",
    "nav.no_step", "nav.wrapped", "nav.not_found", "nav.no_search", "nav.search_ended", "prompt.number",
    "prompt.number_how", "prompt.search_how", "help.title", "help.caption", "help.next", "help.back",
    "help.ends", "help.phase", "help.jump", "help.search", "help.repeat", "help.help", "help.esc", "key.space",
    *(f"web.style.{s}" for s in STYLES), *(f"web.lang.{lang}" for lang in LANGS),
)


@lru_cache(maxsize=None)
def asset(name: str) -> str:
    """A file that ships beside this module (the player's script and style sheet)."""
    return resources.files("bpwalk.export").joinpath(name).read_text(encoding="utf-8")


class Pool:
    """Distinct strings, each kept once; a frame holds their indices."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.index: dict[str, int] = {}

    def add(self, text: str) -> int:
        text = compact(text)
        if text not in self.index:
            self.index[text] = len(self.items)
            self.items.append(text)
        return self.index[text]


def _where(trace: Trace, frame: Frame, lang: str) -> str:
    """The line above a frame's heading: its iteration, phase and sample."""
    phase = say(lang, f"phase.{frame.phase}")
    if frame.phase in ("intro", "summary"):
        return phase
    if frame.sample is not None and len(trace.scenario.samples) > 1:
        phase = say(lang, "doc.phase_sample", phase=phase, sample=say(lang, "at.sample", n=frame.sample))
    final = after_training(lang, trace.scenario.iterations, len(trace.scenario.batches()), heading=True)
    iteration = final if frame.iteration is None else say(lang, "doc.iteration", n=frame.iteration)
    return f"{iteration} · {phase}"


def _body(trace: Trace, frame: Frame, lang: str, digits: int, pool: Pool) -> tuple[int, list[int]]:
    """A frame's heading and its blocks, as indices into the pool."""
    from bpwalk.export.pagetex import Writer
    from bpwalk.walk.pages import page

    step = trace.steps[frame.first]
    if frame.kind is FrameKind.STEP and step.phase == "intro":
        parts = [*about_html(trace, lang), tables_html(trace, digits, lang)]
        return pool.add(escape(trace.scenario.title)), [pool.add(p) for p in parts]
    if frame.kind is FrameKind.STEP and step.phase == "summary":
        return pool.add(escape(say(lang, "phase.summary"))), [pool.add(summary_html(trace, digits, lang))]
    the_page = page(trace, frame, lang)
    label = pool.add(mathml(the_page.label.latex))
    if frame.kind is FrameKind.STEP:
        notation = Notation.of(trace.scenario)
        return label, [pool.add(step_body(trace.steps[i], notation, digits, lang)) for i in frame.steps]
    return label, [pool.add(b) for b in page_blocks(Writer(trace, digits, lang), the_page)]


def _style(trace: Trace, style: str, digits: int, pool: Pool) -> dict[str, Any]:
    from bpwalk.walk.styles import frames_for

    frames = frames_for(trace, style)
    at = [0] * len(trace.steps)
    for f in frames:
        for i in f.steps:
            at[i] = f.index
    data: dict[str, Any] = {
        "frames": [{"first": f.first, "section": starts_section(frames, f.index), "terms": sorted(f.terms),
                    "marks": [sorted(m.result), sorted(m.operands)]}
                   for f in frames for m in [marks(trace, f.steps)]],
        "at": at,
    }
    for lang in LANGS:
        pages = []
        for f in frames:
            label, body = _body(trace, f, lang, digits, pool)
            pages.append({"where": _where(trace, f, lang), "label": label, "body": body})
        data[lang] = pages
    return data


def player_data(trace: Trace, digits: int | None = None, lang: str | None = None,
                style: str | None = None) -> dict[str, Any]:
    """Everything the player shows, for every style and language, as JSON-ready data.

    Args:
        trace: what `bpwalk.engine.trace.run` returned.
        digits: significant digits shown (default: the scenario's display.precision).
        lang, style: what the player opens with (default: the scenario's display settings).
    """
    sc = trace.scenario
    digits = digits or sc.display.precision
    pool = Pool()
    return {
        "title": sc.title,
        "start": {"style": style or sc.display.style, "lang": lang or sc.display.lang},
        "styles": {s: _style(trace, s, digits, pool) for s in STYLES},
        # no values under the units: a step shows only what is known by then, in its equations
        "network": {lang_: pool.add(network_svg(sc, None, at_most(digits, 4), lang_)) for lang_ in LANGS},
        "rounding": {lang_: rounding_note(trace.settings.rounding, lang_) if trace.settings.rounding is not None else ""
                     for lang_ in LANGS},
        # the strings as the tables hold them: the script fills in their {fields}
        "words": {lang_: {k: table(lang_)[k] for k in WORDS} for lang_ in LANGS},
        "pool": pool.items,
    }


def to_web(trace: Trace, digits: int | None = None, lang: str | None = None, style: str | None = None) -> str:
    """The browser player as one HTML file (see the module's docstring)."""
    data = player_data(trace, digits, lang, style)
    start_lang = data["start"]["lang"]
    # "</" could end the script element early; "<\\/" is the same JSON string
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    title = escape(trace.scenario.title)
    return (
        f'<!DOCTYPE html>\n<html lang="{"zh-CN" if start_lang == "zh" else "en"}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title} — bpwalk</title>\n<style>{CSS}{asset('web.css')}</style>\n</head>\n"
        f'<body class="player">\n<noscript><p>{escape(say(start_lang, "web.noscript"))}</p></noscript>\n'
        f'<script type="application/json" id="bpwalk-data">{payload}</script>\n'
        f"<script>{asset('web.js')}</script>\n</body>\n</html>\n"
    )


def export(trace: Trace, options: Options) -> str:
    """The registry's entry point (`bpwalk.export.REGISTRY`)."""
    return to_web(trace, options.digits, options.lang, options.style)
