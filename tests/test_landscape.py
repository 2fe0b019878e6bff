"""catlr.landscape: the grid against the cost computed directly from w, the plane against a brute-force PCA."""

from __future__ import annotations

import time

import numpy as np
import pytest

from catlr import engine, landscape, logistic, trajectory
from catlr.config import TrainConfig
from tests.helpers import real_problem
from tests.test_trajectory import direct_cost, tiny


def explicit(traj, direction):
    """A direction (α, b) as the explicit vector (w, b) of length d + 1."""
    alpha, b = direction
    return np.r_[traj.problem.X_train @ alpha, b]


def run(l2=0.0, n=60, lr=1.5, seed=4):
    problem = tiny(seed, d=8, m=7)
    result = engine.train(problem, TrainConfig(n, lr, l2))
    traj = trajectory.from_result(result, problem)
    return problem, traj, landscape.path_of(traj)


@pytest.mark.parametrize("l2", [0.0, 0.8])
def test_every_grid_point_against_the_cost_of_its_weights(l2):
    problem, traj, path = run(l2)
    piece = landscape.cost_slice(traj, path, 25)
    assert piece.cost.shape == (landscape.GRID, landscape.GRID)
    e1, e2 = explicit(traj, piece.e1), explicit(traj, piece.e2)
    X, Y = problem.X_train, problem.Y_train
    for j, v in enumerate(piece.v):
        for i, u in enumerate(piece.u):
            theta = u * e1 + v * e2
            assert piece.cost[j, i] == pytest.approx(direct_cost(X, Y, theta[:-1], theta[-1], l2), rel=1e-9, abs=1e-12)


def test_the_plane_holds_zero_and_the_current_state_and_the_path_is_projected_onto_it():
    problem, traj, path = run()
    t = 25
    piece = landscape.cost_slice(traj, path, t)
    e1, e2 = explicit(traj, piece.e1), explicit(traj, piece.e2)
    assert e1 @ e1 == pytest.approx(1) and e2 @ e2 == pytest.approx(1) and abs(e1 @ e2) < 1e-9
    state = traj.state(t)
    theta_t = np.r_[state.w, state.b]
    assert piece.point == pytest.approx((theta_t @ e1, theta_t @ e2), abs=1e-9)
    assert abs(piece.point[1]) < 1e-9 * np.linalg.norm(theta_t)  # θ_t lies on e1
    assert piece.u[0] < 0 < piece.u[-1] and piece.u[0] < piece.point[0] < piece.u[-1]
    for s, it in enumerate(piece.path_iterations):
        here = traj.state(int(it))
        theta = np.r_[here.w, here.b]
        assert (piece.path_u[s], piece.path_v[s]) == pytest.approx((theta @ e1, theta @ e2), abs=1e-9)
        assert piece.off_plane[s] == pytest.approx(
            np.linalg.norm(theta - (theta @ e1) * e1 - (theta @ e2) * e2), abs=1e-6
        )
    assert piece.path_iterations[0] == 0 and piece.path_iterations[-1] == traj.iterations


def test_the_second_direction_is_the_top_principal_direction_of_the_path():
    problem, traj, path = run(n=80, lr=3.0)
    piece = landscape.cost_slice(traj, path, 40)
    e1 = explicit(traj, piece.e1)
    points = np.array([np.r_[traj.state(int(t)).w, traj.b[t]] for t in path.iterations])  # (k, d + 1)
    residual = points - np.outer(points @ e1, e1)
    residual -= residual.mean(axis=0)
    top = np.linalg.svd(residual)[2][0]  # brute-force PCA
    assert abs(top @ explicit(traj, piece.e2)) == pytest.approx(1.0, abs=1e-6)


def test_an_untrained_run_has_no_slice_and_t_zero_uses_the_last_state():
    problem = tiny(2)
    traj = trajectory.from_result(engine.train(problem, TrainConfig(0, 0.1)), problem)
    assert landscape.cost_slice(traj, landscape.path_of(traj), 0) is None
    _, traj, path = run()
    piece = landscape.cost_slice(traj, path, 0)
    assert piece.point == pytest.approx((0.0, 0.0), abs=1e-12)
    last = traj.state(traj.iterations)
    assert piece.path_u[-1] == pytest.approx(np.linalg.norm(np.r_[last.w, last.b]), rel=1e-9)


@pytest.mark.realdata
def test_the_real_landscape_at_a_few_points_and_its_time(real_data_dir):
    _, problem = real_problem(real_data_dir)
    result = engine.train(problem, TrainConfig())
    traj = trajectory.from_result(result, problem)
    start = time.perf_counter()
    path = landscape.path_of(traj)
    middle = time.perf_counter()
    piece = landscape.cost_slice(traj, path, 700)
    end = time.perf_counter()
    print(
        f"\nreal data: path of {path.iterations.size} points {1000 * (middle - start):.1f} ms, "
        f"41 × 41 slice {1000 * (end - middle):.1f} ms"
    )
    e1, e2 = explicit(traj, piece.e1), explicit(traj, piece.e2)
    for j, i in ((0, 0), (20, 20), (40, 13)):
        theta = piece.u[i] * e1 + piece.v[j] * e2
        direct = float(logistic.cost(theta[:-1] @ problem.X_train + theta[-1], problem.Y_train))
        assert piece.cost[j, i] == pytest.approx(direct, rel=1e-9)
