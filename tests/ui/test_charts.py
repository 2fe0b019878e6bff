"""ui.charts: thinned series that keep both ends, and the chart specs' data."""

from __future__ import annotations

import numpy as np
import pytest

from catlr import engine, stability
from catlr.config import TrainConfig
from catlr.problem import prepare
from tests.helpers import CLEARLY_DIFFERENT, colour_distances
from ui import charts, explain_views, train_view


@pytest.fixture(scope="module")
def result():
    rng = np.random.default_rng(5)
    X, Xt = rng.random((30, 12)), rng.random((30, 5))
    Y, Yt = (rng.random((1, 12)) > 0.5).astype(float), (rng.random((1, 5)) > 0.5).astype(float)
    return engine.train(prepare(X, Y, Xt, Yt), TrainConfig(num_iterations=900, learning_rate=0.05))


@pytest.mark.parametrize("n, most", [(5, 400), (400, 400), (901, 400), (10_001, 37)])
def test_thin_keeps_the_first_and_last_index_and_at_most_most(n, most):
    idx = charts.thin(n, most)
    assert idx[0] == 0 and idx[-1] == n - 1 and len(idx) == min(n, most)
    assert np.all(np.diff(idx) > 0)


def test_per_iteration_thins_long_runs_and_keeps_the_last_iteration(result):
    frame = train_view.cost_frame(result.history)
    assert list(frame.columns) == ["train cost", "test cost"] and frame.index.name == "iteration"
    assert len(frame) == charts.CURVE_POINTS and frame.index[0] == 0 and frame.index[-1] == result.iterations_run
    assert frame["train cost"].iloc[-1] == result.history.train_cost[-1]
    kept = int(frame.index[200])
    assert frame["test cost"].loc[kept] == result.history.test_cost[kept]  # a kept point is the exact value
    short = charts.per_iteration({"a": np.arange(5.0), "left out": None})
    assert list(short.columns) == ["a"] and list(short.index) == [0, 1, 2, 3, 4]


def test_roc_spec_holds_every_point_and_the_threshold_dot():
    spec = charts.roc_spec(np.array([0.0, 0.5, 1.0]), np.array([0.0, 0.75, 1.0]), (0.5, 0.75))
    curve, dot = spec["layer"]
    assert curve["data"]["values"] == [{"fpr": 0.0, "tpr": 0.0}, {"fpr": 0.5, "tpr": 0.75}, {"fpr": 1.0, "tpr": 1.0}]
    assert dot["data"]["values"] == [{"fpr": 0.5, "tpr": 0.75}]


def test_the_long_form_is_pandas_melt_without_the_gaps():
    import pandas as pd

    frame = pd.DataFrame({"a": [1.0, np.nan, 3.0], "b": [4.0, 5.0, np.nan]}, index=[0, 10, 20])
    expected = frame.rename_axis("x").reset_index().melt("x", var_name="series", value_name="y").dropna()
    got = charts._long_form(frame, ["a", "b"])
    assert list(got.columns) == ["x", "series", "y"]
    assert got["x"].tolist() == expected["x"].tolist() and got["y"].tolist() == expected["y"].tolist()
    assert got["series"].astype(str).tolist() == expected["series"].tolist() == ["a", "a", "b", "b"]


@pytest.mark.parametrize(
    ("what", "first", "second"),
    [
        ("train / test curves", train_view.PALETTE[0], train_view.PALETTE[1]),
        ("cat / non-cat", *charts.CLASS_COLOURS),
        ("pushes to cat / to non-cat", explain_views.RED, explain_views.BLUE),
    ],
)
def test_paired_colours_stay_clearly_different_with_every_colour_vision_deficiency(what, first, second):
    distances = colour_distances(first, second)
    assert min(distances.values()) >= CLEARLY_DIFFERENT, (what, distances)


def test_the_colour_check_tells_a_red_green_pair_apart_from_a_safe_one():
    # The oracle itself: pure red and green differ hugely to normal eyes but much less to a deuteranope.
    distances = colour_distances("#d62728", "#2ca02c")
    assert distances["normal"] >= 2 * distances["deuteranomaly"]


def test_the_stability_strip_splits_at_two_over_l_and_marks_each_rate():
    bound = stability.Bound(top_eigenvalue=400.0, m=100, l2=0.0)  # L = 1, 2/L = 2
    zones, tick, label = charts.stability_strip(bound, [5.0])["layer"]  # the Step page's meter: one rate
    assert zones["data"]["values"][0]["to"] == zones["data"]["values"][1]["from"] == bound.safe_rate == 2.0
    assert tick["data"]["values"][0]["from"] == 5.0 and label["data"]["values"][0]["label"] == "lr = 5"
    low, high = zones["encoding"]["x"]["scale"]["domain"]
    assert low < 2.0 < 5.0 < high
    zones, ticks, above, below = charts.stability_strip(bound, [10.0, 0.5, 1.0])["layer"]  # Train's comparison
    assert [t["from"] for t in ticks["data"]["values"]] == [0.5, 1.0, 10.0]
    labels = above["data"]["values"] + below["data"]["values"]
    assert sorted(t["label"] for t in labels) == ["0.5", "1", "10"]
    assert above["mark"]["dy"] == -below["mark"]["dy"], "neighbouring labels on opposite sides of the strip"
    low, high = zones["encoding"]["x"]["scale"]["domain"]
    assert low < 0.5 and high > 10.0
