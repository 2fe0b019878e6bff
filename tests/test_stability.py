"""catlr.stability: λ_max against eigvalsh, L against the Hessian, and the bound's prediction against real runs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catlr import engine, logistic, stability
from catlr.config import TrainConfig
from catlr.problem import prepare
from tests.helpers import real_problem, seeded
from tests.test_trajectory import tiny


def augmented(problem) -> np.ndarray:
    """X̃ = [X; 1ᵀ] (d + 1, m), written out."""
    return np.vstack([problem.X_train, np.ones((1, problem.m_train))])


@pytest.mark.parametrize(
    ("d", "m", "solver"), [(5, 4, "gram"), (30, 25, "gram"), (6, 40, "primal"), (50, 20, "primal")]
)
def test_top_eigenvalue_against_eigvalsh(d, m, solver):
    rng = seeded(d * m)
    problem = prepare(rng.random((d, m)), (rng.random((1, m)) > 0.5).astype(float), solver=solver)
    Xa = augmented(problem)
    expected = np.linalg.eigvalsh(Xa.T @ Xa)[-1]
    assert stability.top_eigenvalue(problem) == pytest.approx(expected, rel=1e-10)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000), l2=st.sampled_from([0.0, 2.0]), spread=st.floats(0.0, 5.0))
def test_L_bounds_the_hessian_everywhere_and_is_reached_at_zero(seed, l2, spread):
    problem = tiny(seed, d=6, m=9)
    Xa, m = augmented(problem), problem.m_train
    bound = stability.bound(problem, l2)
    theta = seeded(seed).normal(size=Xa.shape[0]) * spread
    a = logistic.sigmoid(theta @ Xa)
    penalty = np.diag(np.r_[np.full(Xa.shape[0] - 1, l2 / m), 0.0])  # no penalty on b
    hessian = (Xa * (a * (1 - a))) @ Xa.T / m + penalty
    assert np.linalg.eigvalsh(hessian)[-1] <= bound.lipschitz * (1 + 1e-12)
    if spread == 0 and l2 == 0:
        assert np.linalg.eigvalsh(hessian)[-1] == pytest.approx(bound.lipschitz, rel=1e-10)


def test_classify_reads_curves():
    assert stability.classify(np.array([0.7, 0.5, 0.4, 0.4])) == "converges"
    assert stability.classify(np.array([0.7, 0.8, 0.3])) == "oscillates"
    assert stability.classify(np.array([0.7, 0.5, 0.9])) == "diverges"
    assert stability.classify(np.array([0.7, np.inf])) == "diverges"
    assert stability.classify(np.array([0.7, 0.7 + 1e-15])) == "converges"  # rounding is not a rise
    assert stability.first_rise(np.array([0.7, 0.6, 0.65, 0.5])) == 1
    assert stability.first_rise(np.array([0.7, 0.6])) is None


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 10_000), factor=st.floats(0.05, 1.0), l2=st.sampled_from([0.0, 1.0]))
def test_below_two_over_L_every_run_converges(seed, factor, l2):
    problem = tiny(seed, d=6, m=10)
    bound = stability.bound(problem, l2)
    rate = factor * bound.safe_rate
    run = engine.train(problem, TrainConfig(150, rate, l2))
    assert bound.predicts(rate) == "falls every step"
    assert stability.classify(run.history.train_cost) == "converges"


@pytest.mark.parametrize("seed", range(6))
def test_twice_two_over_L_oscillates_on_small_problems(seed):
    problem = tiny(seed, d=6, m=10)
    bound = stability.bound(problem)
    run = engine.train(problem, TrainConfig(200, 2 * bound.safe_rate))
    outcome = stability.classify(run.history.train_cost)
    assert bound.predicts(2 * bound.safe_rate) == "may oscillate"
    assert outcome in ("oscillates", "diverges") and stability.agrees("may oscillate", outcome)


@pytest.mark.realdata
def test_the_bound_predicts_the_real_runs(real_data_dir):
    _, problem = real_problem(real_data_dir)
    bound = stability.bound(problem)
    print(f"\nreal data: λ_max = {bound.top_eigenvalue:.6g}, L = {bound.lipschitz:.6g}, 2/L = {bound.safe_rate:.6g}")
    assert 0.0036 < bound.safe_rate < 0.004  # the rates below sit on either side of it
    runs = engine.sweep(problem, [0.001, 0.0036, 0.004, 0.005], 2000)
    outcomes = {r.config.learning_rate: stability.classify(r.history.train_cost) for r in runs}
    for rate, outcome in outcomes.items():
        assert stability.agrees(bound.predicts(rate), outcome), (rate, outcome)
    assert outcomes == {0.001: "converges", 0.0036: "converges", 0.004: "oscillates", 0.005: "oscillates"}
