"""The options several commands take, defined once: each command names the ones that apply.

The choices come from the one list of each kind (`scenario.STYLES`, `scenario.LANGS`,
`export.FORMATS`), so that adding a style, a language or a format adds its CLI choice.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Optional

import typer

from bpwalk.export import FORMATS
from bpwalk.scenario import LANGS, STYLES

Style = Enum("Style", [(name, name) for name in STYLES], type=str)
Lang = Enum("Lang", [(name, name) for name in LANGS], type=str)
Format = Enum("Format", [(name, name) for name in FORMATS], type=str)

ScenarioArg = Annotated[Optional[str], typer.Argument(
    help="A scenario file, or a built-in name or unique prefix (default: mazur).")]
Iterations = Annotated[Optional[int], typer.Option(
    "--iterations", "-n", min=1, max=1_000_000, help="Override the scenario's number of iterations.")]
Precision = Annotated[Optional[int], typer.Option(
    "--precision", min=1, max=17, help="Significant digits shown.")]
StyleOption = Annotated[Optional[Style], typer.Option(
    "--style", help="Display style: " + ", ".join(STYLES) + " (default: the scenario's).")]
LangOption = Annotated[Optional[Lang], typer.Option(
    "--lang", help="Language of the labels: " + ", ".join(LANGS) + " (default: the scenario's).")]
Rounding = Annotated[Optional[int], typer.Option(
    "--round", min=0, max=15, help="Round every intermediate to N decimals, as a hand calculation does.")]
Document = Annotated[Optional[str], typer.Option(
    "--document", "-d", metavar="DOC",
    help="Read the printed results from the worked example's own text (Markdown with LaTeX, or plain text) "
         "instead of the scenario's expect: entries; each row gives the document's line.")]
DraftExpect = Annotated[bool, typer.Option(
    "--draft-expect", help="With --document: print the results found as YAML expect: entries, to paste into "
                           "the scenario, instead of checking them.")]
Start = Annotated[int, typer.Option(
    "--start", min=1, help="Open at step N (1-based). A number past the last step is an error (exit 2).")]


def chosen(option: Optional[Enum]) -> Optional[str]:
    """The value of an enum option, or None when it was not given."""
    return None if option is None else option.value


# `train`'s optimizer overrides: the names from the registry, the options by their keys there
from bpwalk.ops import OPTIMIZERS as _OPTIMIZERS  # noqa: E402

OptimizerName = Annotated[Optional[str], typer.Option(
    "--optimizer", help="Train with this optimizer instead of the scenario's: " + ", ".join(_OPTIMIZERS) + ".")]
Compare = Annotated[Optional[str], typer.Option(
    "--compare", help="Train once with each of these optimizers (comma-separated, e.g. sgd,momentum,adam) "
                      "and draw their loss curves on one plot.")]
Momentum = Annotated[Optional[float], typer.Option("--momentum", help="μ of momentum and nesterov.")]
Beta1 = Annotated[Optional[float], typer.Option("--beta1", help="β1 of adam and adamw.")]
Beta2 = Annotated[Optional[float], typer.Option("--beta2", help="β2 of adam and adamw.")]
Eps = Annotated[Optional[float], typer.Option("--eps", help="ε of rmsprop, adam and adamw.")]
Alpha = Annotated[Optional[float], typer.Option("--alpha", help="α of rmsprop.")]
WeightDecay = Annotated[Optional[float], typer.Option("--weight-decay", help="λ of adamw.")]
