"""The Step-through page through AppTest, on the real dataset: stepping forward and back moves every view."""

from __future__ import annotations

import numpy as np
import pyarrow.ipc
import pytest

from catlr import data, engine, exercise, trajectory
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


def wrong_test_images(result, t: int, X_test, y_test) -> list[int]:
    """The oracle: test images misclassified after t updates, straight from the history's stored logits, or,
    at the end, from w and b through the exercise's own ``predict``."""
    if t == result.iterations_run:
        predicted = exercise.predict(np.asarray(result.w), result.b, X_test).ravel()
    else:
        predicted = (1 / (1 + np.exp(-result.history.logits("test")[t].astype(np.float64))) > 0.5).astype(float)
    return [int(i) for i in np.flatnonzero(predicted != y_test)]


def shown_mistakes(at) -> list[int]:
    """The test images in the mistakes tab's thumbnails, read from their captions ("#5 (cat) · P(cat) 0.43")."""
    return [int(c.split(" ")[0][1:]) for image in at.image[2:] for c in image.captions]


@pytest.mark.realdata
def test_the_mistakes_follow_the_step_and_end_as_the_mistakes_page(app, default_run, real_data_dir):
    result, _ = default_run
    ds = data.load_dataset(real_data_dir)
    X_test, y_test = ds.test_set_x_orig.reshape(ds.m_test, -1).T / 255.0, ds.test_set_y.ravel()
    at = app(PAGE)
    open_tab(at, state.STEP_TAB, "The mistakes")
    for by in (100, 10, 1):
        step(at, by)
    assert not at.exception
    expected = wrong_test_images(result, 111, X_test, y_test)
    assert shown_mistakes(at) == expected
    assert all(len(image.captions) <= step_view.MISTAKES_PER_ROW for image in at.image[2:]), "one element a row"
    before = set(wrong_test_images(result, 110, X_test, y_test))
    flipped = len(before ^ set(expected))
    text = " ".join(m.value for m in at.markdown)
    assert f"{len(expected)} of {ds.m_test} test images wrong" in text
    assert f"{flipped} image{'' if flipped == 1 else 's'} flipped on this step" in text
    p_111 = 1 / (1 + np.exp(-result.history.logits("test")[111].astype(np.float64)))
    i = expected[0]
    assert at.image[2].captions[0] == f"#{i} ({ds.classes[int(y_test[i])]}) · P(cat) {p_111[i]:.2f}"

    at.number_input(key=state.STEP_AT).set_value(result.iterations_run).run()
    assert not at.exception
    final = shown_mistakes(at)
    assert final == wrong_test_images(result, result.iterations_run, X_test, y_test)
    at.switch_page("pages/mistakes.py").run()  # the Mistakes page's own list, of the same (default) model
    assert not at.exception
    listed = [
        int(c.split(":")[0].split("#")[1]) for image in at.image for c in image.captions if c.startswith("test #")
    ]
    assert final == listed
