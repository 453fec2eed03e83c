"""After each update, the optimizer's state per parameter: in the walk-through model and every output."""

from __future__ import annotations

from dataclasses import replace

import pytest
from typer.testing import CliRunner

from bpwalk.cli import app
from bpwalk.engine.trace import run
from bpwalk.export.html import to_html
from bpwalk.export.markdown import to_markdown
from bpwalk.read import load_scenario
from bpwalk.read.builtin import resolve
from bpwalk.scenario import OptimizerSettings
from bpwalk.walk import page as model
from bpwalk.walk.optstate import ends_update, state_grid
from bpwalk.walk.pages import page
from bpwalk.walk.styles import frames_for

runner = CliRunner()
SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _grids(trace, lang: str = "en"):
    return [(i, g) for i in range(len(trace.steps)) if (g := state_grid(trace, i, lang)) is not None]


@pytest.mark.parametrize("name", ["adam-mazur", "momentum-mazur"])
def test_one_table_per_update_holding_the_records_state(name: str) -> None:
    trace = run(load_scenario(resolve(name)))
    updates = [u for it in trace.iterations for u in it.updates]
    grids = _grids(trace)
    assert len(grids) == len(updates) == 3
    for (index, grid), update in zip(grids, updates):
        assert ends_update(trace, index) and trace.steps[index + 1].phase != "update"
        names = list(update.state)
        assert [h.text for h in grid.headers[1:]] == [{"velocity": "v", "m": "m", "v": "v", "m_hat": "mˆ",
                                                      "v_hat": "vˆ"}[n] for n in names]
        params = [p for p in trace.scenario.parameter_names() if p in update.state[names[0]]]
        assert [row[0].text for row in grid.rows] == [p.translate(SUBSCRIPTS) for p in params]
        for row, p in zip(grid.rows, params):
            assert [c.value for c in row[1:]] == [update.state[n][p] for n in names]


def test_adams_first_moment_is_a_tenth_of_the_gradient_and_m_hat_the_gradient() -> None:
    trace = run(load_scenario(resolve("adam-mazur")))
    index, grid = _grids(trace)[0]
    g = trace.iterations[0].updates[0].grad["w5"]
    row = next(r for r in grid.rows if r[0].text == "w₅")
    m, v, m_hat, v_hat = (c.value for c in row[1:])
    assert m == pytest.approx(0.1 * g, rel=1e-12) and m_hat == pytest.approx(g, rel=1e-12)
    assert v_hat == pytest.approx(g * g, rel=1e-9)


def test_no_table_without_state() -> None:
    assert _grids(run(load_scenario(resolve("mazur")))) == []
    assert _grids(run(load_scenario(resolve("minibatch-xor")))) == []      # sgd, in mini-batches


def test_minibatch_with_momentum_gets_a_table_per_batch() -> None:
    sc = load_scenario(resolve("minibatch-xor"))
    sc = replace(sc, optimizer=OptimizerSettings("momentum", (("momentum", 0.9),)))
    trace = run(sc)
    grids = _grids(trace)
    assert len(grids) == sum(len(it.updates) for it in trace.iterations) == 4
    assert [trace.steps[i].batch for i, _ in grids] == [1, 2, 1, 2]


def test_the_page_of_the_updates_last_step_holds_it_in_every_style() -> None:
    trace = run(load_scenario(resolve("adam-mazur")))
    for style in ("scalar", "matrix", "delta"):
        pages = [page(trace, f, "en") for f in frames_for(trace, style)]
        with_grid = [p for p in pages if any(isinstance(b, model.Grid) and b in [g for _, g in _grids(trace)]
                                             for b in p.blocks)]
        assert len(with_grid) == 3, style


def test_every_output_shows_it() -> None:
    trace = run(load_scenario(resolve("adam-mazur")))
    title = "Adam: the state after this update"
    assert to_markdown(trace).count(title) == 3
    assert to_markdown(trace, style="matrix").count(title) == 3
    assert to_html(trace).count(title) == 3
    out = runner.invoke(app, ["run", "adam-mazur", "--all"], env={"COLUMNS": "80"}).output
    assert out.count(title) == 3 and "0.00821670406" in out     # m of w5 after the first update
    zh = runner.invoke(app, ["run", "momentum-mazur", "--all", "--lang", "zh"], env={"COLUMNS": "80"}).output
    assert zh.count("本次更新后每个参数的状态") == 3
