"""ui.model's helpers that need no session: chart frames and scores at any iteration, on a tiny generated problem."""

from __future__ import annotations

import numpy as np
import pytest

from catlr import engine
from catlr.config import TrainConfig
from ui import model


@pytest.fixture(scope="module")
def run():
    rng = np.random.default_rng(5)
    X, Xt = rng.random((30, 12)), rng.random((30, 5))
    Y, Yt = (rng.random((1, 12)) > 0.5).astype(float), (rng.random((1, 5)) > 0.5).astype(float)
    problem = engine.prepare(X, Y, Xt, Yt)
    return problem, engine.train(problem, TrainConfig(num_iterations=900, learning_rate=0.05))


@pytest.mark.parametrize("split", ["train", "test"])
def test_probabilities_of_the_final_model_are_exact(run, split):
    problem, result = run
    X = problem.X_train if split == "train" else problem.X_test
    got = model.probabilities(result, problem, split, result.iterations_run)
    np.testing.assert_array_equal(got, engine.predict_proba(result.w, result.b, X))


@pytest.mark.parametrize("split", ["train", "test"])
def test_probabilities_at_an_earlier_iteration_come_from_its_logits(run, split):
    problem, result = run
    logits = result.history.train_logits if split == "train" else result.history.test_logits
    got = model.probabilities(result, problem, split, 0)
    np.testing.assert_array_equal(got, np.full(logits.shape[1], 0.5))  # w = 0, b = 0: P(cat) = σ(0)
    at_300 = model.probabilities(result, problem, split, 300)
    assert at_300.shape == (logits.shape[1],)
    np.testing.assert_allclose(at_300, 1 / (1 + np.exp(-logits[300].astype(np.float64))), rtol=1e-12)
    assert not np.allclose(at_300, got)


def test_per_iteration_thins_long_runs_and_keeps_the_last_iteration(run):
    _, result = run
    frame = model.cost_frame(result.history)
    assert list(frame.columns) == ["train cost", "test cost"] and frame.index.name == "iteration"
    assert len(frame) == model.CURVE_POINTS and frame.index[0] == 0 and frame.index[-1] == result.iterations_run
    assert frame["train cost"].iloc[-1] == result.history.train_cost[-1]
    short = model.per_iteration({"a": np.arange(5.0), "left out": None})
    assert list(short.columns) == ["a"] and list(short.index) == [0, 1, 2, 3, 4]
