"""Building the walk-through model: `page(trace, frame, lang)` for a frame of any style.

The grouped styles' builders live in `matrix_pages` (seed 002) and `delta_pages` (seed 004),
one per frame kind (their `BUILDERS`), on the shared pieces of `pagekit`.
"""

from __future__ import annotations

from typing import Iterator, Sequence, TypeVar

from bpwalk.engine.steps import Step, Trace
from bpwalk.walk.frames import Frame, FrameKind
from bpwalk.words import after_training, say
from bpwalk.words.prose import batch_heading
from bpwalk.walk.optstate import ends_update, state_blocks
from bpwalk.walk.convention import closing_blocks
from bpwalk.walk.page import Block, Page, StepBlock, Sym, marks
from bpwalk.walk.pagekit import Builder, PageContext


def _builders() -> dict[FrameKind, Builder]:
    from bpwalk.walk import delta_pages, matrix_pages, optpages

    return {**matrix_pages.BUILDERS, **delta_pages.BUILDERS, **optpages.BUILDERS}


def _with_state(trace: Trace, steps: tuple[int, ...], lang: str) -> list[Block]:
    """Each step, and after the last step of an update the optimizer's state per parameter."""
    blocks: list[Block] = []
    for i in steps:
        blocks.append(StepBlock(i))
        blocks += closing_blocks(trace, i, lang)
    return blocks


def page(trace: Trace, frame: Frame, lang: str) -> Page:
    """The page of one frame (every kind, every style).

    Args:
        trace: the trace the frame points into.
        frame: a frame of `bpwalk.walk.styles.frames_for`.
        lang: "en" or "zh": the language of its notes and headers.

    Raises:
        ValueError: a frame kind no builder draws.
    """
    ctx = PageContext(trace, frame, lang)
    if frame.kind is FrameKind.STEP:
        step = trace.steps[frame.first]
        shown = step.phase not in ("intro", "summary")
        label = ctx.q(step.quantity, step.sample) if shown else Sym(frame.label, frame.label)
        return Page(frame, Sym(frame.label, label.latex), tuple(_with_state(trace, frame.steps, lang)),
                    marks(trace, frame.steps))
    builders = _builders()
    if frame.kind not in builders:
        raise ValueError(f"no page for frames of kind {frame.kind}")
    blocks = builders[frame.kind](ctx) + _closing_state(trace, frame, lang)
    return Page(frame, Sym(frame.label, frame.latex or frame.label), tuple(blocks), marks(trace, frame.steps))


def _closing_state(trace: Trace, frame: Frame, lang: str) -> list[Block]:
    """The optimizer's state table on the grouped frame that shows the last of an update's steps.

    A grouped style shows an update's layers from the output down, so the update's last step in
    the trace may come before its last frame: the table goes where every step has been shown.
    """
    if trace.steps[frame.first].phase != "update" or not trace.scenario.extended:
        return []
    end = frame.first
    while not ends_update(trace, end):
        end += 1
    if not set(range(frame.segment, end + 1)) <= set(frame.seen):
        return []
    return state_blocks(trace, end, lang)


Item = TypeVar("Item", Step, Frame)


def headed(trace: Trace, items: Sequence[Item], lang: str) -> Iterator[tuple[str | None, str | None, Item]]:
    """The steps or frames a document shows, with the headings that open before them.

    Yields (iteration title or None, phase title or None, item), intro and summary left out: a
    title only where a new iteration (or the pass after the last update) or a new phase (of a
    new sample, of a new mini-batch) begins. Every document writer heads its sections so.
    """
    sc = trace.scenario
    multi = len(sc.samples) > 1
    final = after_training(lang, sc.iterations, len(sc.batches()), heading=True)
    iteration: object = object()
    phase = ""
    for item in items:
        if item.phase in ("intro", "summary"):
            continue
        opens = None
        if item.iteration != iteration:
            iteration = item.iteration
            opens = final if item.iteration is None else say(lang, "doc.iteration", n=item.iteration)
            phase = ""
        title = say(lang, f"phase.{item.phase}")
        if item.sample is not None and multi:
            title = say(lang, "doc.phase_sample", phase=title, sample=say(lang, "at.sample", n=item.sample))
        step = item if isinstance(item, Step) else trace.steps[item.first]
        batch = batch_heading(sc, step, lang)
        if batch is not None:   # a mini-batch is a section of its own: "batch 2 of 3: samples 3, 4"
            title = f"{batch[:1].upper()}{batch[1:]} · {title}"
        yield opens, (title if title != phase else None), item
        phase = title
