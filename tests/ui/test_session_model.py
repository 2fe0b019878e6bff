"""ui.session_model's helpers that need no session: scores at any iteration, on a tiny generated problem."""

from __future__ import annotations

import numpy as np
import pytest

from catlr import engine
from catlr.config import TrainConfig
from catlr.problem import prepare
from ui import session_model


@pytest.fixture(scope="module")
def run():
    rng = np.random.default_rng(5)
    X, Xt = rng.random((30, 12)), rng.random((30, 5))
    Y, Yt = (rng.random((1, 12)) > 0.5).astype(float), (rng.random((1, 5)) > 0.5).astype(float)
    problem = prepare(X, Y, Xt, Yt)
    return problem, engine.train(problem, TrainConfig(num_iterations=900, learning_rate=0.05))


@pytest.mark.parametrize("split", ["train", "test"])
def test_probabilities_of_the_final_model_are_exact(run, split):
    problem, result = run
    X = problem.X_train if split == "train" else problem.X_test
    got = session_model.probabilities(result, problem, split, result.iterations_run)
    np.testing.assert_array_equal(got, engine.predict_proba(result.w, result.b, X))


@pytest.mark.parametrize("split", ["train", "test"])
def test_probabilities_at_an_earlier_iteration_come_from_its_logits(run, split):
    problem, result = run
    logits = result.history.train_logits if split == "train" else result.history.test_logits
    got = session_model.probabilities(result, problem, split, 0)
    np.testing.assert_array_equal(got, np.full(logits.shape[1], 0.5))  # w = 0, b = 0: P(cat) = σ(0)
    at_300 = session_model.probabilities(result, problem, split, 300)
    assert at_300.shape == (logits.shape[1],)
    np.testing.assert_allclose(at_300, 1 / (1 + np.exp(-logits[300].astype(np.float64))), rtol=1e-12)
    assert not np.allclose(at_300, got)


def test_two_sessions_share_one_run_of_the_same_settings(app):
    from ui import cache, state

    alice, bob = app("pages/train.py"), app("pages/train.py")
    assert alice.session_state[state.MODEL] is bob.session_state[state.MODEL]  # trained once, shared read-only
    before = cache.results().hits
    alice.select_slider(key=state.TRAIN_LR).set_value(0.001).run()
    bob.select_slider(key=state.TRAIN_LR).set_value(0.001).run()
    assert alice.session_state[state.MODEL] is bob.session_state[state.MODEL]
    assert cache.results().hits > before
    alice.select_slider(key=state.TRAIN_LR).set_value(0.002).run()
    assert alice.session_state[state.MODEL] is not bob.session_state[state.MODEL]  # per-user choice stays per user
