"""The walk-through in a Jupyter notebook: a Trace and a Step display themselves, `show` plays it.

`Trace._repr_html_` and `Step._repr_html_` (bpwalk/engine/steps.py) call the writers that this
module puts in `bpwalk.engine.steps.DISPLAY`: the engine may not import the exports, so the
exports reach down to it. `import bpwalk` does it when its API is first used (`bpwalk.run`,
`bpwalk.Trace`, ...). `show` embeds the browser player (`bpwalk.export.web`), the same HTML, in
an iframe: no server, no widgets, and its keys stay inside its frame instead of the notebook's.
This module imports nothing heavy until something is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Union

from bpwalk.engine.steps import DISPLAY, Step, Trace

if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path

    from bpwalk.formula.notation import Notation
    from bpwalk.scenario import Scenario

STEP_DIGITS = 9             # a Step alone knows no scenario, so not its display.precision
STYLE = ("<style>.bpwalk-nb{font:15px/1.5 system-ui,sans-serif;color:#102a43}"
         ".bpwalk-nb math,.bpwalk-nb .num{font-family:'Latin Modern Math','STIX Two Math','Cambria Math',math,serif}"
         ".bpwalk-nb math{math-style:normal}.bpwalk-nb table.eq td{padding:.1rem .3rem}"
         ".bpwalk-nb table.data td,.bpwalk-nb table.data th{padding:.1rem .6rem;text-align:right}"
         ".bpwalk-nb .scroll{overflow-x:auto}.bpwalk-nb p.n{color:#627d98;margin:0}</style>")


def _step_notation(step: Step) -> "Notation":
    """A notation for a step seen without its scenario: the default symbols; an operand `out.X`
    that no step computed is an input."""
    from bpwalk.formula.notation import DEFAULT_SYMBOLS, Notation

    inputs = frozenset(op.ref.unit for op in step.operands if op.source is None and op.name.startswith("out."))
    return Notation(tuple(DEFAULT_SYMBOLS.items()), inputs, step.sample is not None)


def step_html(step: Step) -> str:
    """A step as the HTML document shows it: where it is, its sentence, equation and operands."""
    from bpwalk.export.html import mathml, step_body
    from bpwalk.export.mathml import compact
    from bpwalk.words import say

    notation = _step_notation(step)
    where = say("en", f"phase.{step.phase}")
    if step.iteration is not None:
        where = f"{say('en', 'doc.iteration', n=step.iteration)} · {where}"
    head = f'<p class="n">{step.index + 1} · {escape(where)}</p>'
    label = mathml(notation.latex(step.quantity, step.sample)) if step.phase not in ("intro", "summary") else ""
    return compact(f'{STYLE}<div class="bpwalk-nb">{head}<h4>{label}</h4>'
                   f"{step_body(step, notation, STEP_DIGITS, 'en')}</div>")


def step_latex(step: Step) -> str | None:
    """A step's equation, general = with numbers = result, as display LaTeX."""
    import bpwalk.formula.equations as formula
    from bpwalk.words import cases

    parts = formula.latex(step, _step_notation(step), STEP_DIGITS, cases("en"))
    if parts is None:
        return None
    general, substituted, value = parts
    lhs, _, rhs = general.partition(" = ")
    rows = [f"{lhs} &= {rhs}"]
    if substituted not in (rhs, value):
        rows.append(f"&= {substituted}")
    if value != rhs:
        rows.append(f"&= {value}")
    return "$$\\begin{aligned}" + " \\\\ ".join(rows) + "\\end{aligned}$$"


def trace_html(trace: Trace) -> str:
    """A trace at a glance: its network, its numbers before and after, how to play it."""
    from bpwalk.export.html import about_html, summary_html, tables_html
    from bpwalk.export.mathml import compact
    from bpwalk.export.netsvg import network_svg
    from bpwalk.formula.numbers import at_most

    sc = trace.scenario
    digits, lang = sc.display.precision, sc.display.lang
    first = trace.iterations[0].samples[0]
    parts = [*about_html(trace, lang), network_svg(sc, dict(first.out), at_most(digits, 4), lang),
             tables_html(trace, digits, lang), summary_html(trace, digits, lang),
             f'<p class="n">{len(trace.steps)} steps · <code>bpwalk.show(trace)</code> plays them one at a time</p>']
    return compact(f'{STYLE}<div class="bpwalk-nb">{"".join(parts)}</div>')


def trace_markdown(trace: Trace) -> str:
    """A trace in a line and a table: the loss before and after training."""
    from bpwalk.formula.numbers import format_number

    sc = trace.scenario
    num = lambda x: format_number(x, sc.display.precision)  # noqa: E731
    return (f"**{sc.title}** · {len(trace.steps)} steps · `bpwalk.show(trace)` plays them\n\n"
            f"| total loss before | total loss after |\n|---:|---:|\n"
            f"| {num(trace.iterations[0].total_loss)} | {num(trace.final.total_loss)} |\n")


@dataclass(frozen=True)
class Player:
    """The browser player, for a notebook's output (or `.html` to save)."""

    html: str
    height: int = 640

    def _repr_html_(self) -> str:
        # srcdoc: the page travels inside the output; sandboxed, it can run its script and no more
        return (f'<iframe srcdoc="{escape(self.html, quote=True)}" sandbox="allow-scripts" '
                f'style="width:100%;height:{self.height}px;border:1px solid #d9e2ec;border-radius:6px" '
                f'title="bpwalk"></iframe>')


def show(what: "Union[str, Path, Scenario, Trace]", style: str | None = None, lang: str | None = None,
         digits: int | None = None, height: int = 640) -> Player:
    """The walk-through, to play in a notebook's output (the value of a cell's last line).

    Args:
        what: a built-in scenario's name ("mazur"), a scenario file, a Scenario or a Trace.
        style, lang, digits: what the player opens with (default: the scenario's display settings).
        height: the height of the player in the output, in pixels.

    Raises:
        BpwalkError: a name or file that is not a valid scenario.
    """
    from bpwalk.engine.trace import run
    from bpwalk.export.web import to_web
    from bpwalk.scenario import Scenario

    if isinstance(what, Trace):
        trace = what
    else:
        if not isinstance(what, Scenario):
            from bpwalk.read import load_scenario

            what = load_scenario(what)
        trace = run(what)
    return Player(to_web(trace, digits, lang, style), height)


DISPLAY.update({("Step", "html"): step_html, ("Step", "latex"): step_latex,
                ("Trace", "html"): trace_html, ("Trace", "markdown"): trace_markdown})
