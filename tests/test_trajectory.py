"""catlr.trajectory: states rebuilt from the stored logits against an independent gradient-descent loop."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catlr import engine, limits, logistic, trajectory
from catlr.config import TrainConfig
from catlr.errors import CatlrInputError
from catlr.problem import prepare
from tests.helpers import real_problem, seeded


def tiny(seed: int, d: int = 7, m: int = 5, solver: str = "gram"):
    rng = seeded(seed)
    X = rng.random((d, m))
    Y = (rng.random((1, m)) > 0.5).astype(np.float64)
    return prepare(X, Y, solver=solver)


def oracle_states(X, Y, lr, l2, n):
    """Plain primal gradient descent in float64: w_t (n + 1, d) and b_t (n + 1,)."""
    m = X.shape[1]
    w, b = np.zeros(X.shape[0]), 0.0
    ws, bs = [], []
    for _ in range(n + 1):
        ws.append(w.copy())
        bs.append(b)
        a = logistic.sigmoid(w @ X + b)
        w = (1 - lr * l2 / m) * w - lr * (X @ (a - Y[0])) / m
        b = b - lr * float((a - Y[0]).sum()) / m
    return np.array(ws), np.array(bs)


def direct_cost(X, Y, w, b, l2):
    m = X.shape[1]
    return float(logistic.cost(w @ X + b, Y)) + l2 / (2 * m) * float(w @ w)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    d=st.integers(2, 12),
    m=st.integers(2, 9),
    n=st.integers(0, 40),
    lr=st.sampled_from([0.01, 0.3, 2.0]),
    l2=st.sampled_from([0.0, 0.7]),
)
def test_every_state_matches_plain_gradient_descent(seed, d, m, n, lr, l2):
    problem = tiny(seed, d, m)
    result = engine.train(problem, TrainConfig(n, lr, l2))
    traj = trajectory.from_result(result, problem)
    ws, bs = oracle_states(problem.X_train, problem.Y_train, lr, l2, n)
    W = problem.X_train @ traj.alphas(np.arange(n + 1)).T  # (d, n + 1)
    scale = max(1.0, float(np.abs(ws).max()))
    np.testing.assert_allclose(W.T, ws, rtol=0, atol=1e-5 * scale)  # the logits are stored as float32
    np.testing.assert_allclose(traj.b, bs, rtol=1e-9, atol=1e-12)
    last = traj.state(n)
    np.testing.assert_allclose(last.w, result.w[:, 0], rtol=0, atol=1e-5 * scale)


@pytest.mark.parametrize("l2", [0.0, 1.5])
def test_the_gradient_matches_finite_differences_of_the_cost(l2):
    problem = tiny(3, d=6, m=8)
    result = engine.train(problem, TrainConfig(30, 0.5, l2))
    state = trajectory.from_result(result, problem).state(17)
    X, Y = problem.X_train, problem.Y_train
    w, b, h = state.w, state.b, 1e-6
    dw, db = state.gradient()
    numeric = np.array(
        [(direct_cost(X, Y, w + h * e, b, l2) - direct_cost(X, Y, w - h * e, b, l2)) / (2 * h) for e in np.eye(w.size)]
    )
    np.testing.assert_allclose(dw, numeric, rtol=1e-6, atol=1e-9)
    numeric_b = (direct_cost(X, Y, w, b + h, l2) - direct_cost(X, Y, w, b - h, l2)) / (2 * h)
    assert db == pytest.approx(numeric_b, rel=1e-6, abs=1e-9)
    assert state.cost() == pytest.approx(direct_cost(X, Y, w, b, l2), rel=1e-12)
    assert state.cost() == pytest.approx(result.history.train_cost[17], rel=1e-6)


@pytest.mark.parametrize("l2", [0.0, 0.4])
def test_the_pushes_add_up_to_the_next_update(l2):
    problem = tiny(5, d=9, m=6)
    lr = 0.8
    result = engine.train(problem, TrainConfig(12, lr, l2))
    traj = trajectory.from_result(result, problem)
    now, after = traj.state(6), traj.state(7)
    m = problem.m_train
    moved = after.w - (1 - lr * l2 / m) * now.w  # the step without the L2 shrink
    by_images = lr / m * problem.X_train @ now.pushes()  # Σ (lr/m)·(yᵢ − aᵢ)·xᵢ
    np.testing.assert_allclose(moved, by_images, rtol=1e-5, atol=1e-9)
    np.testing.assert_allclose(now.pushes(), problem.Y_train[0] - logistic.sigmoid(now.w @ problem.X_train + now.b))


def test_error_shares_against_sorting(monkeypatch):
    problem = tiny(8, d=10, m=9)
    result = engine.train(problem, TrainConfig(20, 1.0))
    traj = trajectory.from_result(result, problem)
    monkeypatch.setattr(trajectory, "BLOCK_ROWS", 2)  # the iterations come in two blocks
    its = np.array([0, 3, 20])
    for k in (1, 4, 9):
        shares = trajectory.error_shares(traj, k, its)
        for t, share in zip(its, shares, strict=True):
            e = np.sort(np.abs(logistic.sigmoid(traj.logits[t].astype(np.float64)) - traj.y))[::-1]
            assert share == pytest.approx(e[:k].sum() / e.sum(), rel=1e-12)
    assert trajectory.error_shares(traj, 9, its) == pytest.approx(1.0)


def test_N12_too_many_training_images_are_refused_before_any_gram_matrix(monkeypatch):
    problem, with_gram = tiny(3, d=4, m=9, solver="primal"), tiny(3, d=4, m=9)
    trajectory.check_size(problem)  # 9 images: fine
    monkeypatch.setattr(limits, "GRAM_MAX_EXAMPLES", 8)
    message = "^stepping through training works on at most 8 training images; this dataset has 9$"
    for refuse in (trajectory.check_size, trajectory.gram_of):
        with pytest.raises(CatlrInputError, match=message):
            refuse(problem)
    trajectory.check_size(with_gram)  # a problem that has its G already is never refused


def test_a_primal_problem_gets_its_gram_matrix_and_the_same_states():
    gram, primal = tiny(11, d=4, m=9), tiny(11, d=4, m=9, solver="primal")
    config = TrainConfig(15, 0.2)
    a = trajectory.from_result(engine.train(gram, config), gram)
    b = trajectory.from_result(engine.train(primal, config), primal)
    np.testing.assert_allclose(b.G, gram.G)
    np.testing.assert_allclose(a.state(15).w, b.state(15).w, rtol=1e-5, atol=1e-8)


def test_N11_a_loaded_model_and_a_bad_iteration_are_refused():
    problem = tiny(1)
    loaded = engine.evaluate(problem, np.zeros(7), 0.0, TrainConfig())
    with pytest.raises(
        CatlrInputError, match="^a model loaded from a file has no training history to step through; train one$"
    ):
        trajectory.from_result(loaded, problem)
    traj = trajectory.from_result(engine.train(problem, TrainConfig(5, 0.1)), problem)
    with pytest.raises(CatlrInputError, match="between 0 and 5"):
        traj.state(6)


@pytest.mark.realdata
def test_the_real_run_is_rebuilt_to_its_final_weights(real_data_dir):
    _, problem = real_problem(real_data_dir)
    result = engine.train(problem, TrainConfig())
    traj = trajectory.from_result(result, problem)
    last = traj.state(2000)
    np.testing.assert_allclose(last.w, result.w[:, 0], rtol=0, atol=1e-6 * np.abs(result.w).max())
    for t in (0, 1, 500, 2000):
        assert traj.state(t).cost() == pytest.approx(result.history.train_cost[t], rel=1e-8)
