"""catlr.exercise (also catlr.model): the exercise's API, its golden figures, and the stable numerics.

The oracle is the exercise's own implementation, copied faithfully into catlr.bench (ref_*).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catlr import bench
from catlr.errors import CatlrInputError
from catlr.exercise import initialize_with_zeros, model, optimize, predict, propagate, sigmoid

GOLDEN_W = np.array([[1.0], [2.0]])
GOLDEN_X = np.array([[1.0, -2.0, -1.0], [3.0, 0.5, -3.2]])
GOLDEN_Y = np.array([[1, 1, 0]])


def random_problem(seed: int, d: int = 6, m: int = 9, scale: float = 1.0):
    rng = np.random.default_rng(seed)
    X = rng.random((d, m)) * scale
    Y = (rng.random((1, m)) > 0.5).astype(np.float64)
    return X, Y


@pytest.fixture
def no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


# --- sigmoid ------------------------------------------------------------------------------------------------


def test_sigmoid_golden():
    np.testing.assert_allclose(sigmoid(np.array([0, 2])), [0.5, 0.88079708], atol=5e-9)
    np.testing.assert_allclose(sigmoid(np.array([0.5, 0, 2.0])), [0.62245933, 0.5, 0.88079708], atol=5e-9)


@given(st.lists(st.floats(min_value=0.0, max_value=800.0), min_size=1, max_size=20))
def test_sigmoid_is_the_exercise_formula_bit_for_bit_for_non_negative_z(values):
    z = np.array(values)
    assert np.array_equal(sigmoid(z), bench.ref_sigmoid(z))


@given(st.lists(st.floats(min_value=-700.0, max_value=0.0), min_size=1, max_size=20))
def test_sigmoid_matches_the_exercise_for_negative_z(values):
    z = np.array(values)
    np.testing.assert_allclose(sigmoid(z), bench.ref_sigmoid(z), rtol=1e-14, atol=0)


def test_sigmoid_never_overflows_and_keeps_scalars_scalar(no_warnings):  # N10
    z = np.array([-1e308, -1000.0, -40.0, 40.0, 1000.0, 1e308])
    a = sigmoid(z)
    assert np.all(np.isfinite(a)) and a[0] == 0.0 and a[-1] == 1.0
    assert np.all(np.diff(a) >= 0)
    assert 0 < a[2] < 1e-17  # e^-40, not flushed to zero
    assert np.isscalar(sigmoid(0.0)) and sigmoid(0.0) == 0.5


# --- initialize_with_zeros, propagate -------------------------------------------------------------------------


def test_initialize_with_zeros():
    w, b = initialize_with_zeros(5)
    assert w.shape == (5, 1) and w.dtype == np.float32 and not w.any()
    assert type(b) is float and b == 0.0


def test_propagate_golden():
    grads, cost = propagate(GOLDEN_W, 1.5, GOLDEN_X, GOLDEN_Y)
    np.testing.assert_allclose(grads["dw"], [[0.25071532], [-0.06604096]], atol=5e-9)
    assert grads["dw"].shape == (2, 1)
    assert grads["db"] == pytest.approx(-0.12500404500439652, abs=1e-15)
    assert isinstance(grads["db"], np.float64)
    assert isinstance(cost, np.ndarray) and cost.shape == ()
    assert cost == pytest.approx(0.15900537707692405, abs=1e-15)


@given(seed=st.integers(0, 2**32 - 1))
@settings(max_examples=25)
def test_propagate_gradient_matches_finite_differences(seed):
    rng = np.random.default_rng(seed)
    X, Y = random_problem(seed, d=4, m=7, scale=3.0)
    w, b = rng.normal(size=(4, 1)), float(rng.normal())
    grads, _ = propagate(w, b, X, Y)
    h = 1e-6
    for i in range(4):
        e = np.zeros_like(w)
        e[i] = h
        slope = (propagate(w + e, b, X, Y)[1] - propagate(w - e, b, X, Y)[1]) / (2 * h)
        assert slope == pytest.approx(grads["dw"][i, 0], rel=1e-6, abs=1e-9)
    slope = (propagate(w, b + h, X, Y)[1] - propagate(w, b - h, X, Y)[1]) / (2 * h)
    assert slope == pytest.approx(grads["db"], rel=1e-6, abs=1e-9)


@given(seed=st.integers(0, 2**32 - 1), scale=st.floats(0.1, 20.0))
@settings(max_examples=40)
def test_propagate_equals_the_exercise(seed, scale):
    """Gradients always; the cost where the log formula is itself accurate (|z| ≤ 8: 1 − a ≥ 3e-4)."""
    rng = np.random.default_rng(seed)
    X, Y = random_problem(seed, d=5, m=8)
    w, b = rng.normal(size=(5, 1)) * scale, float(rng.normal())
    grads, cost = propagate(w, b, X, Y)
    with np.errstate(all="ignore"):
        ref_grads, ref_cost = bench.ref_propagate(w, b, X, Y)
    np.testing.assert_allclose(grads["dw"], ref_grads["dw"], rtol=1e-12, atol=1e-15)
    assert grads["db"] == pytest.approx(ref_grads["db"], rel=1e-12, abs=1e-15)
    if np.abs(w.T @ X + b).max() <= 8:
        assert cost == pytest.approx(ref_cost, rel=1e-12)


def test_saturated_cost_is_finite_where_the_exercise_gives_inf(no_warnings):  # N10
    X = np.array([[1.0, 1.0, -1.0]])
    Y = np.array([[1.0, 0.0, 0.0]])
    w = np.array([[1000.0]])  # |z| = 1000 ≫ 37: σ rounds to exactly 0 or 1
    _, cost = propagate(w, 0.0, X, Y)
    assert cost == pytest.approx(1000 / 3)  # one example wrong by a logit of 1000
    with np.errstate(all="ignore"):
        assert not np.isfinite(bench.ref_propagate(w, 0.0, X, Y)[1])  # what the log formula gives
    np.testing.assert_array_equal(predict(w, 0.0, X), [[1.0, 1.0, 0.0]])


# --- optimize, predict ----------------------------------------------------------------------------------------


def test_optimize_golden():
    w0 = GOLDEN_W.copy()
    params, grads, costs = optimize(w0, 1.5, GOLDEN_X, GOLDEN_Y, num_iterations=100, learning_rate=0.009)
    np.testing.assert_allclose(params["w"], [[0.80956046], [2.0508202]], atol=5e-8)
    assert params["b"] == pytest.approx(1.5948713189708588, abs=1e-14)
    np.testing.assert_allclose(grads["dw"], [[0.17860505], [-0.04840656]], atol=5e-9)
    assert grads["db"] == pytest.approx(-0.08888460336847771, abs=1e-14)
    assert len(costs) == 1 and costs[0] == pytest.approx(0.15900538, abs=5e-9)
    np.testing.assert_array_equal(w0, GOLDEN_W)  # the input is copied, not updated


def test_optimize_golden_older_edition():
    X = np.array([[1.0, 2.0, -1.0], [3.0, 4.0, -3.2]])
    Y = np.array([[1, 0, 1]])
    params, grads, costs = optimize(GOLDEN_W, 2.0, X, Y, num_iterations=100, learning_rate=0.009)
    np.testing.assert_allclose(params["w"], [[0.19033591], [0.12259159]], atol=5e-9)
    assert params["b"] == pytest.approx(1.9253598300845747, abs=1e-14)
    np.testing.assert_allclose(grads["dw"], [[0.67752042], [1.41625495]], atol=5e-9)
    assert grads["db"] == pytest.approx(0.21919450454067657, abs=1e-14)
    assert len(costs) == 1 and costs[0] == pytest.approx(5.80154532, abs=5e-9)


def test_optimize_records_and_prints_every_100_iterations(capsys):
    X, Y = random_problem(1)
    w, b = initialize_with_zeros(X.shape[0])
    _, _, costs = optimize(w, b, X, Y, num_iterations=250, learning_rate=0.1, print_cost=True)
    lines = capsys.readouterr().out.splitlines()
    assert len(costs) == 3
    assert lines == [f"Cost after iteration {i}: {float(c):f}" for i, c in zip((0, 100, 200), costs, strict=True)]
    assert lines[0] == "Cost after iteration 0: 0.693147"


def test_predict_golden():
    w = np.array([[0.1124579], [0.23106775]])
    X = np.array([[1.0, -1.1, -3.2], [1.2, 2.0, 0.1]])
    prediction = predict(w, -0.3, X)
    np.testing.assert_array_equal(prediction, [[1.0, 1.0, 0.0]])
    assert prediction.dtype == np.float64 and prediction.shape == (1, 3)


# --- model ------------------------------------------------------------------------------------------------------


@given(seed=st.integers(0, 2**32 - 1), lr=st.sampled_from([0.005, 0.05, 0.5]), n=st.integers(1, 320))
@settings(max_examples=20, deadline=None)
def test_model_engines_and_the_exercise_agree(seed, lr, n):
    X, Y = random_problem(seed, d=12, m=9)
    Xt, Yt = random_problem(seed + 1, d=12, m=4)
    ref = bench.ref_model(X, Y, Xt, Yt, num_iterations=n, learning_rate=lr)
    for solver in ("auto", "gram", "primal"):
        d = model(X, Y, Xt, Yt, num_iterations=n, learning_rate=lr, solver=solver)
        assert set(d) == set(ref)
        np.testing.assert_allclose(np.array(d["costs"], dtype=float), np.array(ref["costs"], dtype=float), atol=1e-9)
        np.testing.assert_allclose(d["w"], ref["w"], atol=1e-9, rtol=0)
        assert d["w"].shape == (12, 1)
        assert d["b"] == pytest.approx(float(ref["b"]), abs=1e-9)
        np.testing.assert_array_equal(d["Y_prediction_train"], ref["Y_prediction_train"])
        np.testing.assert_array_equal(d["Y_prediction_test"], ref["Y_prediction_test"])
        assert (d["learning_rate"], d["num_iterations"]) == (lr, n)


@pytest.mark.parametrize("solver", ["auto", "primal"])
def test_model_with_zero_iterations_is_the_untrained_model(solver):
    X, Y = random_problem(2)
    d = model(X, Y, X, Y, num_iterations=0, solver=solver)
    assert d["costs"] == [] and not d["w"].any() and d["b"] == 0.0
    np.testing.assert_array_equal(d["Y_prediction_train"], np.zeros((1, X.shape[1])))  # σ(0) = 0.5 is not > 0.5


@pytest.mark.parametrize("solver", ["auto", "primal"])
def test_model_prints_like_the_exercise(solver, capsys):
    X, Y = random_problem(3, d=10, m=8)
    Xt, Yt = random_problem(4, d=10, m=5)
    d = model(X, Y, Xt, Yt, num_iterations=201, learning_rate=0.05, print_cost=True, solver=solver)
    lines = capsys.readouterr().out.splitlines()
    train = 100 - np.mean(np.abs(d["Y_prediction_train"] - Y)) * 100
    test = 100 - np.mean(np.abs(d["Y_prediction_test"] - Yt)) * 100
    costs = zip((0, 100, 200), d["costs"], strict=True)
    assert lines[:3] == [f"Cost after iteration {i}: {float(c):f}" for i, c in costs]
    assert lines[3:] == ["train accuracy: {} %".format(train), "test accuracy: {} %".format(test)]  # noqa: UP032


def test_model_rejects_bad_input():
    X, Y = random_problem(5)
    with pytest.raises(CatlrInputError, match="learning rate"):
        model(X, Y, X, Y, learning_rate=-1.0)
    with pytest.raises(CatlrInputError, match="solver"):
        model(X, Y, X, Y, solver="fast")
    with pytest.raises(CatlrInputError, match="Y_train"):
        model(X, Y[:, :-1], X, Y)


def test_unscaled_pixels_at_learning_rate_10_stay_finite(no_warnings):  # N01
    rng = np.random.default_rng(7)
    X = rng.integers(0, 256, size=(30, 12)).astype(np.float64)  # raw pixels, not /255
    Y = (rng.random((1, 12)) > 0.5).astype(np.float64)
    w, b = initialize_with_zeros(30)
    _, _, costs = optimize(w, b, X, Y, num_iterations=301, learning_rate=10.0)
    assert np.all(np.isfinite(np.array(costs, dtype=float)))
    with np.errstate(all="ignore"):
        ref_costs = bench.ref_optimize(w, b, X, Y, num_iterations=301, learning_rate=10.0)[2]
    assert not np.all(np.isfinite(np.array(ref_costs, dtype=float)))  # the log formula breaks down here
    d = model(X, Y, X, Y, num_iterations=301, learning_rate=10.0)
    assert np.all(np.isfinite(d["costs"]))


# --- the real dataset -------------------------------------------------------------------------------------------

README_COSTS = (
    "0.693147 0.584508 0.466949 0.376007 0.331463 0.303273 0.279880 0.260042 0.242941 0.228004 "
    "0.214820 0.203078 0.192544 0.183033 0.174399 0.166521 0.159305 0.152667 0.146542 0.140872"
).split()


@pytest.mark.realdata
def test_model_on_the_real_data_prints_the_exercise_figures(real_data_dir, capsys):
    X, Y, Xt, Yt = bench.load_real_data(real_data_dir)
    d = model(X, Y, Xt, Yt, num_iterations=2000, learning_rate=0.005, print_cost=True)
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"Cost after iteration {100 * i}: {c}" for i, c in enumerate(README_COSTS)] + [
        "train accuracy: 99.04306220095694 %",
        "test accuracy: 70.0 %",
    ]
    wrong = np.flatnonzero(d["Y_prediction_test"][0] != Yt[0]).tolist()
    assert wrong == [5, 6, 10, 11, 13, 18, 19, 28, 29, 30, 33, 34, 41, 44, 46]


def test_catlr_model_is_the_exercise_module_and_never_a_function():
    import catlr
    import catlr.exercise
    import catlr.model

    assert not callable(catlr.model) and catlr.model.model is catlr.exercise.model
    from catlr.model import model as via_old_name

    assert via_old_name is model
    assert "model" not in catlr.__all__ and set(catlr.model.__all__) == set(catlr.exercise.__all__)
