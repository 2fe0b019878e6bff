"""The Step-through page through AppTest, on the real dataset: stepping forward and back moves every view."""

from __future__ import annotations

import numpy as np
import pyarrow.ipc
import pytest

from catlr import data, engine, trajectory
from catlr.config import TrainConfig
from catlr.problem import from_dataset
from tests.helpers import metric, open_tab
from ui import state, step_view, widgets

PAGE = "pages/step.py"


@pytest.fixture(scope="module")
def default_run(real_data_dir):
    """The default run and its trajectory, made here (the page's own come from its caches)."""
    problem = from_dataset(data.load_dataset(real_data_dir))
    result = engine.train(problem, TrainConfig())
    return result, trajectory.from_result(result, problem)


def snapshot(at):
    """What the views show: metrics, image captions and sources, each chart's spec and datasets."""
    charts = [(c.proto.spec, [d.data.data for d in c.proto.datasets]) for c in at.get("vega_lite_chart")]
    return {
        "metrics": {m.label: m.value for m in at.metric},
        "captions": [c for image in at.image for c in image.captions],
        "images": [u for image in at.image for u in image.value],
        "charts": charts,
    }


def marker(at, index: int) -> dict[str, float]:
    """The values at the current-iteration marker of the ``index``-th chart (its dataset named "here")."""
    chart = at.get("vega_lite_chart")[index]
    here = next(d for d in chart.proto.datasets if d.name == "here")
    frame = pyarrow.ipc.open_stream(here.data.data).read_all().to_pandas()
    return dict(zip(frame["series"], frame["value"], strict=True))


def step(at, by: int):
    return at.button(key=state.item_key(state.PAGE_STEP, "move", by)).click().run()


def test_stepping_forward_and_back_moves_every_view(app, default_run):
    result, traj = default_run
    h = result.history
    at = app(PAGE)
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert metric(at, "Iteration") == "0" and metric(at, "Train cost") == f"{h.train_cost[0]:.6f}"
    assert len(at.get("vega_lite_chart")) == 2  # curves and meter; the open tab shows the pushers
    open_tab(at, state.STEP_TAB, "The loss landscape")
    assert len(at.get("vega_lite_chart")) == 3
    start = snapshot(at)
    for by in (100, 10, 1):
        step(at, by)
    assert not at.exception
    assert at.number_input(key=state.STEP_AT).value == 111
    assert metric(at, "Train cost") == f"{h.train_cost[111]:.6f}"
    assert metric(at, "Train accuracy") == widgets.pct(h.train_accuracy[111])
    assert marker(at, 0) == pytest.approx({"train cost": h.train_cost[111], "test cost": h.test_cost[111]})
    moved = snapshot(at)
    assert "Weights after iteration 111" in moved["captions"]
    assert moved["images"] != start["images"], "the weight and update images follow"
    for (spec, values), (spec_before, values_before) in zip(moved["charts"], start["charts"], strict=True):
        assert spec == spec_before, "a step changes a chart's data, never its spec (the browser redraws in place)"
        assert "lr = " in spec or values != values_before, "every chart but the meter follows the step"

    open_tab(at, state.STEP_TAB, "Where the error sits")
    share = trajectory.error_shares(traj, step_view.PUSHERS, [111])[0]
    assert marker(at, 2)[f"{step_view.PUSHERS} hardest images"] == pytest.approx(share, rel=1e-12)
    open_tab(at, state.STEP_TAB, "Who moved the weights")
    pushes = traj.state(111).pushes()
    towards_cat = np.argsort(pushes, kind="stable")[::-1][: step_view.PUSHERS]
    assert at.image[2].captions == [f"{pushes[i]:+.3f} · #{i} (cat)" for i in towards_cat]

    step(at, -10)
    assert metric(at, "Iteration") == "101" and metric(at, "Train cost") == f"{h.train_cost[101]:.6f}"
    for _ in range(2):
        step(at, -100)
    assert metric(at, "Iteration") == "0" and snapshot(at)["images"][:2] == start["images"][:2]


def test_a_link_opens_at_an_iteration_and_the_meter_reads_the_run(app, default_run):
    at = app()
    at.query_params[state.STEP_AT] = "1500"
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.number_input(key=state.STEP_AT).value == 1500
    assert metric(at, "Test cost") == f"{default_run[0].history.test_cost[1500]:.6f}"
    text = " ".join(c.value for c in at.caption)
    assert "may oscillate" in text and "oscillates" in text  # 0.005 is above 2/L ≈ 0.0036 on this data
