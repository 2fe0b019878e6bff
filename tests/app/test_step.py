"""The Step-through page through AppTest, on the real dataset: stepping forward and back moves every view."""

from __future__ import annotations

import pytest

from catlr import data, engine
from catlr.config import TrainConfig
from catlr.problem import from_dataset
from tests.helpers import metric
from ui import state, widgets

PAGE = "pages/step.py"


@pytest.fixture(scope="module")
def default_result(real_data_dir):
    return engine.train(from_dataset(data.load_dataset(real_data_dir)), TrainConfig())


def snapshot(at):
    """What the views show: metrics, image captions and sources, chart data specs."""
    charts = [c.proto.spec for c in at.get("vega_lite_chart")]
    return {
        "metrics": {m.label: m.value for m in at.metric},
        "captions": [c for image in at.image for c in image.captions],
        "images": [u for image in at.image for u in image.value],
        "charts": charts,
    }


def test_stepping_forward_and_back_moves_every_view(app, default_result):
    at = app(PAGE)
    assert not at.exception and not at.error, [e.value for e in at.error]
    h = default_result.history
    assert metric(at, "Iteration") == "0" and metric(at, "Train cost") == f"{h.train_cost[0]:.6f}"
    assert len(at.get("vega_lite_chart")) == 4  # curves, meter, error shares, landscape
    start = snapshot(at)
    at.button(key=state.item_key(state.PAGE_STEP, "move", 100)).click().run()
    at.button(key=state.item_key(state.PAGE_STEP, "move", 10)).click().run()
    at.button(key=state.item_key(state.PAGE_STEP, "move", 1)).click().run()
    assert not at.exception
    assert at.number_input(key=state.STEP_AT).value == 111
    assert metric(at, "Train cost") == f"{h.train_cost[111]:.6f}"
    assert metric(at, "Train accuracy") == widgets.pct(h.train_accuracy[111])
    moved = snapshot(at)
    assert "Weights after iteration 111" in moved["captions"]
    assert moved["images"] != start["images"], "the weight, update and pusher images follow"
    assert all(a != b for a, b in zip(moved["charts"], start["charts"], strict=True) if "lr = " not in a)
    at.button(key=state.item_key(state.PAGE_STEP, "move", -10)).click().run()
    assert metric(at, "Iteration") == "101" and metric(at, "Train cost") == f"{h.train_cost[101]:.6f}"
    for _ in range(2):
        at.button(key=state.item_key(state.PAGE_STEP, "move", -100)).click().run()
    assert metric(at, "Iteration") == "0" and snapshot(at)["images"] == start["images"]


def test_a_link_opens_at_an_iteration_and_the_meter_reads_the_run(app, default_result):
    at = app()
    at.query_params[state.STEP_AT] = "1500"
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.number_input(key=state.STEP_AT).value == 1500
    assert metric(at, "Test cost") == f"{default_result.history.test_cost[1500]:.6f}"
    text = " ".join(c.value for c in at.caption)
    assert "may oscillate" in text and "oscillates" in text  # 0.005 is above 2/L ≈ 0.0036 on this data
