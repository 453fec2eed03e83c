"""Every string a user reads, in English (`en.py`) and Chinese (`zh.py`): one table per language.

Both tables have the same keys and, for each key, the same `{fields}`; tests/test_words.py
checks it. Views and exports look a string up here instead of writing it themselves:

    say("zh", "origin.from", n=3)          # "来自第 3 步"
    say("en", "loss.half_sse")             # "half_sse"

A language bpwalk does not speak reads as English. The tables are plain dicts, so importing
them costs nothing on the way to the first screen.
"""

from __future__ import annotations

from typing import Mapping

from bpwalk.words.en import WORDS as EN
from bpwalk.words.zh import WORDS as ZH

TABLES: dict[str, Mapping[str, str]] = {"en": EN, "zh": ZH}


def table(lang: str) -> Mapping[str, str]:
    """The whole table of `lang` (English for a language without one)."""
    return TABLES.get(lang, EN)


def say(lang: str, key: str, /, **fields: object) -> str:
    """The string `key` in `lang`, with its `{fields}` filled in.

    Args:
        lang: "en" or "zh" (anything else reads as English).
        key: a key of the tables, e.g. "phase.forward", "nav.no_step".
        fields: the values of the string's `{fields}`.

    Returns:
        The string, formatted.

    Raises:
        KeyError: no such key, or a field the string names is missing.
    """
    return table(lang)[key].format(**fields)


def cases(lang: str) -> tuple[str, str, str]:
    """How a piecewise formula reads (`bpwalk.formula.equations.Cases`): the one-line form with
    {then}, {cond} and {other}, and the words of LaTeX's cases before a condition and for the rest."""
    words = table(lang)
    return words["formula.cases"], words["formula.when"], words["formula.otherwise"]


def after_training(lang: str, iterations: int, updates: int, heading: bool = False) -> str:
    """What the forward pass after the last update is called: `after the update` (one update),
    `after the updates` (one iteration of several), `after 10,000 iterations`; capitalized as a
    heading of a document."""
    if iterations == 1:
        key = "after_update" if updates == 1 else "after_updates"
    else:
        key = "after_iterations"
    return say(lang, f"{'doc' if heading else 'at'}.{key}", n=f"{iterations:,}" if lang == "en" else iterations)


def name_of(lang: str, kind: str, value: str) -> str:
    """How the screen calls a setting's value: `loss.half_sse`, `reduction.sum`, `update.batch`.

    A value the table does not know (a newer loss, say) is shown as written in the scenario.
    """
    return table(lang).get(f"{kind}.{value}", value)
