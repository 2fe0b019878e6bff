"""catlr.solver: the Gram-form solver against the primal form, the exercise's loop and an L2 oracle."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from catlr import bench, limits
from catlr.config import TrainConfig
from catlr.engine import evaluate, logits, predict_proba, sweep, train
from catlr.errors import CatlrInputError, TrainingDiverged
from catlr.exercise import accuracy, initialize_with_zeros, predict, propagate, sigmoid
from catlr.problem import prepare
from catlr.results import History

TOL = {"rtol": 1e-9, "atol": 1e-9}


def make_data(seed: int, d: int, m: int, m_test: int = 0, scale: float = 1.0):
    rng = np.random.default_rng(seed)
    X = rng.random((d, m)) * scale
    Y = (rng.random((1, m)) > 0.5).astype(np.float64)
    if not m_test:
        return X, Y, None, None
    return X, Y, rng.random((d, m_test)) * scale, (rng.random((1, m_test)) > 0.5).astype(np.float64)


def l2_oracle(X, Y, lr, l2, n):
    """Plain primal gradient descent on cost + λ/(2m)‖w‖², recording the cost at every iteration."""
    m = X.shape[1]
    w, b = np.zeros((X.shape[0], 1)), 0.0
    costs = []
    for i in range(n + 1):
        grads, cost = propagate(w, b, X, Y)
        costs.append(float(cost) + l2 / (2 * m) * float(np.sum(w * w)))
        if i < n:
            w = w - lr * (grads["dw"] + l2 / m * w)
            b = b - lr * grads["db"]
    return w, b, np.array(costs)


def assert_same_history(a: History, b: History) -> None:
    for name in ("train_cost", "test_cost", "b"):
        x, y = getattr(a, name), getattr(b, name)
        assert (x is None) == (y is None)
        if x is not None:
            np.testing.assert_allclose(x, y, **TOL, err_msg=name)
    for name in ("train_accuracy", "test_accuracy"):
        x, y = getattr(a, name), getattr(b, name)
        assert (x is None) == (y is None)
        if x is not None:
            np.testing.assert_array_equal(x, y, err_msg=name)
    np.testing.assert_allclose(a.train_logits, b.train_logits, rtol=1e-6, atol=1e-6)
    assert sorted(a.checkpoints) == sorted(b.checkpoints)
    for i in a.checkpoints:
        np.testing.assert_allclose(a.checkpoints[i], b.checkpoints[i], rtol=1e-6, atol=1e-6)


problems = st.builds(
    make_data,
    seed=st.integers(0, 2**32 - 1),
    d=st.integers(1, 25),
    m=st.integers(1, 15),
    m_test=st.integers(0, 6),
    scale=st.sampled_from([0.2, 1.0]),
)


# --- equivalence ---------------------------------------------------------------------------------------------


@given(data=problems, lr=st.floats(1e-3, 2.0), l2=st.sampled_from([0.0, 0.0, 0.3, 5.0]), n=st.integers(0, 150))
@settings(max_examples=40, deadline=None)
def test_gram_and_primal_engines_agree(data, lr, l2, n):
    X, Y, Xt, Yt = data
    assume(lr * l2 / X.shape[1] < 1)  # beyond 2 the L2 term alone diverges (tested in test_n05_l2_divergence)
    config = TrainConfig(n, lr, l2)
    gram = train(prepare(X, Y, Xt, Yt, solver="gram"), config)
    primal = train(prepare(X, Y, Xt, Yt, solver="primal"), config)
    assert (gram.solver, primal.solver) == ("gram", "primal")
    np.testing.assert_allclose(gram.w, primal.w, **TOL)
    assert gram.b == pytest.approx(primal.b, **{"rel": 1e-9, "abs": 1e-9})
    assert_same_history(gram.history, primal.history)
    # and both equal the L2 oracle at every iteration
    w, b, costs = l2_oracle(X, Y, lr, l2, n)
    np.testing.assert_allclose(gram.w, w, **TOL)
    assert gram.b == pytest.approx(b, rel=1e-9, abs=1e-9)
    np.testing.assert_allclose(gram.history.train_cost, costs, **TOL)


@given(data=problems, lr=st.floats(1e-3, 2.0), n=st.integers(1, 350))
@settings(max_examples=25, deadline=None)
def test_engine_equals_the_exercise_loop(data, lr, n):
    X, Y, Xt, Yt = data
    result = train(prepare(X, Y, Xt, Yt), TrainConfig(n, lr))
    w, b = initialize_with_zeros(X.shape[0])
    params, _, costs = bench.ref_optimize(w, b, X, Y, n, lr)
    np.testing.assert_allclose(result.w, params["w"], **TOL)
    assert result.b == pytest.approx(float(params["b"]), rel=1e-9, abs=1e-9)
    finite = np.isfinite(np.array(costs, dtype=float))  # the log formula may give inf where we do not
    np.testing.assert_allclose(np.array(result.exercise_costs())[finite], np.array(costs, dtype=float)[finite], **TOL)
    assert len(result.exercise_costs()) == len(costs)


@given(data=problems, l2=st.sampled_from([0.0, 0.5]), n=st.integers(0, 120))
@settings(max_examples=20, deadline=None)
def test_sweep_equals_separate_runs(data, l2, n):
    X, Y, Xt, Yt = data
    rates = [0.01, 0.3, 1.7]
    for solver in ("gram", "primal"):
        problem = prepare(X, Y, Xt, Yt, solver=solver)
        results = sweep(problem, rates, n, l2=l2)
        assert [r.config.learning_rate for r in results] == rates
        for lr, swept in zip(rates, results, strict=True):
            single = train(problem, TrainConfig(n, lr, l2))
            assert swept.solver == solver and swept.iterations_run == n and not swept.stopped
            np.testing.assert_allclose(swept.w, single.w, **TOL)
            assert swept.b == pytest.approx(single.b, rel=1e-9, abs=1e-9)
            assert_same_history(swept.history, single.history)


@given(
    data=problems,
    lr=st.floats(1e-6, 10.0),
    n=st.integers(1, 50),
    solver=st.sampled_from(["gram", "primal"]),
    unscaled=st.booleans(),
)
@settings(max_examples=40, deadline=None)
def test_costs_finite_and_non_negative_for_any_valid_setting(data, lr, n, solver, unscaled):  # N06
    X, Y, Xt, Yt = data
    if unscaled:
        X = X * 255
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = train(prepare(X, Y, solver=solver), TrainConfig(n, lr))
    cost = result.history.train_cost
    assert cost.shape == (n + 1,) and np.all(np.isfinite(cost)) and np.all(cost >= 0)


def test_training_cost_where_the_logistic_underflows():
    # logits far beyond ±745: σ(z̃) underflows to 0 in the fast loop, whose cost is built from σ(z̃); the primal
    # solver computes the cost from the logits alone
    X, Y = np.array([[1.0, 0.9, 0.2]]) * 255, np.array([[1.0, 0.0, 1.0]])
    gram = train(prepare(X, Y, solver="gram"), TrainConfig(6, 2.0))
    primal = train(prepare(X, Y, solver="primal"), TrainConfig(6, 2.0))
    assert np.abs(gram.history.train_logits).max() > 10_000
    np.testing.assert_allclose(gram.history.train_cost, primal.history.train_cost, **TOL)
    z = (X.T @ primal.w)[:, 0]  # the last state, in float64
    assert gram.final_cost == pytest.approx(np.mean(np.logaddexp(0, z + primal.b) - Y[0] * (z + primal.b)), rel=1e-12)


def test_confident_right_answers_cost_a_tiny_positive_amount_not_a_negative_one():
    # Hypothesis found z̃ − log σ(z̃) giving −5.7e-14 here (cancellation); the cost must stay ≥ 0 and exact
    X, Y = np.array([[0.10236432]]) * 255, np.array([[1.0]])
    for solver in ("gram", "primal"):
        result = train(prepare(X, Y, solver=solver), TrainConfig(3, 1.5))
        z = float(result.history.train_logits[-1, 0])
        assert result.final_cost >= 0
        assert result.final_cost == pytest.approx(np.logaddexp(0.0, -z), rel=1e-9, abs=1e-15)


# --- the record ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small():
    X, Y, Xt, Yt = make_data(11, d=40, m=20, m_test=7)
    return X, Y, Xt, Yt, prepare(X, Y, Xt, Yt)


def test_history_shapes_and_per_iteration_meaning(small):
    X, Y, Xt, Yt, problem = small
    n = 230
    r = train(problem, TrainConfig(n, 0.05))
    h = r.history
    assert r.solver == "gram" and r.iterations_run == n and not r.stopped and r.seconds > 0
    assert r.w.shape == (40, 1) and r.w.dtype == np.float64 and isinstance(r.b, float)
    for a in (h.train_cost, h.test_cost, h.train_accuracy, h.test_accuracy, h.b):
        assert a.shape == (n + 1,) and not a.flags.writeable
    assert h.train_logits.shape == (n + 1, 20) and h.train_logits.dtype == np.float32
    assert h.test_logits.shape == (n + 1, 7) and h.test_logits.dtype == np.float32
    assert h.train_cost[0] == pytest.approx(math.log(2), abs=1e-15)
    # index i = the state after i updates: compare with a run of exactly i iterations
    for i in (0, 1, 57, n):
        ri = train(problem, TrainConfig(i, 0.05))
        z = (ri.w.T @ X + ri.b)[0]
        np.testing.assert_allclose(h.train_logits[i], z, rtol=1e-6, atol=1e-6)
        assert h.b[i] == pytest.approx(ri.b, abs=1e-12)
        assert h.train_accuracy[i] == accuracy(predict(ri.w, ri.b, X), Y)
        assert h.test_accuracy[i] == accuracy(predict(ri.w, ri.b, Xt), Yt)
        z_test = (ri.w.T @ Xt + ri.b)[0]
        expected = np.mean(np.logaddexp(0, z_test) - Yt[0] * z_test)
        assert h.test_cost[i] == pytest.approx(expected, rel=1e-12)
    assert r.train_accuracy == h.train_accuracy[-1] and r.test_accuracy == h.test_accuracy[-1]
    assert r.final_cost == h.train_cost[-1]
    assert r.exercise_costs() == [float(c) for c in h.train_cost[[0, 100, 200]]]


def test_checkpoints_span_the_run(small):
    X, Y, Xt, Yt, problem = small
    n = 1000
    h = train(problem, TrainConfig(n, 0.05)).history
    iters = sorted(h.checkpoints)
    assert iters[0] == 0 and iters[-1] == n and 35 <= len(iters) <= 45
    assert np.all(np.diff(iters) <= n / 40 + 1)
    for i in (0, iters[7], n):
        wi = train(problem, TrainConfig(i, 0.05)).w[:, 0]
        assert h.checkpoints[i].dtype == np.float32 and h.checkpoints[i].shape == (40,)
        np.testing.assert_allclose(h.checkpoints[i], wi, rtol=1e-6, atol=1e-7)
        assert not h.checkpoints[i].flags.writeable


def test_callback_sees_progress_and_can_stop(small):
    *_, problem = small
    seen = []

    def record(progress):
        seen.append((progress.iteration, progress.num_iterations, len(progress.history.train_cost)))

    full = train(problem, TrainConfig(250, 0.05), callback=record, progress_every=100)
    assert seen == [(100, 250, 101), (200, 250, 201), (250, 250, 251)]
    assert not full.stopped

    def stop_at_200(progress):
        return progress.iteration < 200

    stopped = train(problem, TrainConfig(1000, 0.05), callback=stop_at_200, progress_every=100)
    assert stopped.stopped and stopped.iterations_run == 200
    assert len(stopped.history.train_cost) == 201 and stopped.history.train_logits.shape[0] == 201
    assert max(stopped.history.checkpoints) == 200
    reference = train(problem, TrainConfig(200, 0.05))
    np.testing.assert_array_equal(stopped.w, reference.w)
    assert stopped.b == reference.b
    np.testing.assert_array_equal(stopped.history.train_cost, reference.history.train_cost)


@pytest.mark.parametrize("every", [0, -3, 2.5, True])
def test_progress_every_must_be_a_positive_whole_number(small, every):
    *_, problem = small
    with pytest.raises(CatlrInputError, match="progress_every"):
        train(problem, TrainConfig(10, 0.05), callback=lambda p: None, progress_every=every)


def test_predict_proba_and_logits(small, recwarn):  # N10
    X, Y, Xt, Yt, problem = small
    r = train(problem, TrainConfig(50, 0.05))
    np.testing.assert_allclose(logits(r.w, r.b, X), (r.w.T @ X + r.b)[0], rtol=1e-12)
    np.testing.assert_allclose(predict_proba(r.w, r.b, X), sigmoid(r.w.T @ X + r.b)[0], rtol=1e-12)
    saturated = predict_proba(r.w * 1e6, r.b, X)  # |z| ≫ 37
    assert np.all((saturated == 0.0) | (saturated == 1.0)) and not recwarn.list


# --- preparing a problem -------------------------------------------------------------------------------------


def test_prepare_computes_gram_matrices_and_freezes_everything():
    X, Y, Xt, Yt = make_data(3, d=30, m=12, m_test=5)
    problem = prepare(X, Y, Xt, Yt)
    assert problem.solver == "gram"
    np.testing.assert_allclose(problem.G, X.T @ X, rtol=1e-14)
    np.testing.assert_allclose(problem.K, Xt.T @ X, rtol=1e-14)
    for a in (problem.X_train, problem.Y_train, problem.X_test, problem.Y_test, problem.G, problem.K):
        assert not a.flags.writeable
        with pytest.raises(ValueError):
            a[0, 0] = 1.0
    X[0, 0] = 99.0  # the problem holds its own copy
    assert problem.X_train[0, 0] != 99.0
    assert prepare(X, Y[0]).Y_train.shape == (1, 12)  # labels (m,) accepted


def test_auto_chooses_primal_when_m_is_large(monkeypatch):
    X, Y, *_ = make_data(4, d=10, m=12)  # m > d
    assert prepare(X, Y).solver == "primal" and prepare(X, Y).G is None
    X, Y, *_ = make_data(4, d=50, m=12)
    monkeypatch.setattr(limits, "GRAM_MAX_EXAMPLES", 10)
    assert prepare(X, Y).solver == "primal"
    with pytest.raises(CatlrInputError, match="at most 10 training images"):
        prepare(X, Y, solver="gram")
    problem = prepare(X, Y)
    with pytest.raises(CatlrInputError, match="prepared for the primal solver"):
        train(problem, TrainConfig(5, 0.1, solver="gram"))
    assert train(prepare(X, Y, solver="primal"), TrainConfig(5, 0.1)).solver == "primal"
    monkeypatch.undo()
    assert train(prepare(X, Y), TrainConfig(5, 0.1, solver="primal")).solver == "primal"


GOOD_X, GOOD_Y = np.ones((4, 3)), np.array([[0.0, 1.0, 1.0]])


@pytest.mark.parametrize(
    ("args", "match"),
    [
        pytest.param((np.ones(4), GOOD_Y), "shape", id="x-1d"),
        pytest.param((np.ones((4, 0)), np.ones((1, 0))), "at least 1", id="x-empty"),
        pytest.param((np.full((4, 3), np.nan), GOOD_Y), "NaN", id="x-nan"),
        pytest.param((np.array([["a"] * 3] * 4), GOOD_Y), "numeric", id="x-strings"),
        pytest.param((GOOD_X, np.array([[0.0, 1.0]])), r"shape \(1, 3\)", id="y-count"),
        pytest.param((GOOD_X, np.array([[0.0, 2.0, 1.0]])), "0 or 1", id="y-values"),
        pytest.param((GOOD_X, np.array([[0.0, np.nan, 1.0]])), "0 or 1", id="y-nan"),
        pytest.param((GOOD_X, GOOD_Y, GOOD_X), "both", id="test-without-labels"),
        pytest.param((GOOD_X, GOOD_Y, np.ones((5, 3)), GOOD_Y), "features", id="test-features"),
    ],
)
def test_prepare_rejects_bad_input(args, match):
    with pytest.raises(CatlrInputError, match=match):
        prepare(*args)


# --- the catalogue, section C (N02/N03 are in test_config.py) --------------------------------------------------


@pytest.mark.parametrize("solver", ["gram", "primal"])
def test_n01_learning_rate_10_on_unscaled_pixels(solver):
    rng = np.random.default_rng(1)
    X = rng.integers(0, 256, size=(64, 20)).astype(np.float64)
    Y = (rng.random((1, 20)) > 0.5).astype(np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = train(prepare(X, Y, X, Y, solver=solver), TrainConfig(500, 10.0))
    assert np.all(np.isfinite(r.history.train_cost)) and np.all(np.isfinite(r.history.test_cost))


def test_n03_zero_iterations_is_the_untrained_model(small):
    X, Y, Xt, Yt, problem = small
    r = train(problem, TrainConfig(0, 0.1))
    assert r.iterations_run == 0 and r.exercise_costs() == [] and not r.w.any() and r.b == 0.0
    assert r.history.train_cost.tolist() == [math.log(2)]
    assert r.train_accuracy == accuracy(np.zeros_like(Y), Y)
    assert list(r.history.checkpoints) == [0]


@pytest.mark.parametrize("label", [0.0, 1.0])
@pytest.mark.parametrize("solver", ["gram", "primal"])
def test_n04_single_class_labels(label, solver):
    X, _, _, _ = make_data(5, d=30, m=10)
    r = train(prepare(X, np.full((1, 10), label), solver=solver), TrainConfig(300, 0.5))
    cost = r.history.train_cost
    assert np.all(np.isfinite(cost)) and np.all(np.diff(cost) < 0)
    assert r.train_accuracy == 100.0


DIVERGING_X = np.random.default_rng(2).random((20, 8)) * 3e153  # finite, but the logits overflow
ALTERNATING_Y = (np.arange(8) % 2).reshape(1, 8).astype(np.float64)


@pytest.mark.parametrize("solver", ["gram", "primal"])
def test_n05_divergence_is_reported(solver):
    with pytest.raises(TrainingDiverged, match=r"^training diverged at iteration 2; lower the learning rate$"):
        train(prepare(DIVERGING_X, ALTERNATING_Y, solver=solver), TrainConfig(2000, 10.0))
    assert issubclass(TrainingDiverged, CatlrInputError)


@pytest.mark.parametrize("solver", ["gram", "primal"])
def test_n05_l2_divergence(solver):
    X, Y, *_ = make_data(6, d=10, m=5)
    # lr·λ/m = 4: the penalty's step multiplies w by 1 − 4 = −3 every iteration
    with pytest.raises(TrainingDiverged, match=r"^training diverged at iteration \d+; lower the learning rate$"):
        train(prepare(X, Y, solver=solver), TrainConfig(2000, 10.0, l2=2.0))


def test_n05_a_diverging_rate_in_a_sweep_is_named():
    with pytest.raises(TrainingDiverged, match=r"at iteration 2 \(learning rate 10\); lower"):
        sweep(prepare(DIVERGING_X, ALTERNATING_Y), [1e-6, 10.0], 2000)


def test_huge_logits_are_kept_in_float32_with_their_sign():
    r = train(prepare(DIVERGING_X, ALTERNATING_Y), TrainConfig(1, 1e-6))  # |z| ≈ 1e300 after one update
    z = (r.w.T @ DIVERGING_X + r.b)[0]
    assert np.abs(z).min() > 1e299
    stored = r.history.train_logits[1]
    assert np.all(np.isfinite(stored)) and np.array_equal(np.sign(stored), np.sign(z))


def test_n05_values_too_large_for_the_gram_matrix(recwarn):
    with pytest.raises(CatlrInputError, match="too large to train on"):
        prepare(DIVERGING_X * 10, ALTERNATING_Y, solver="gram")
    assert not recwarn.list
    with pytest.raises(TrainingDiverged, match="at iteration 1;"):
        train(prepare(DIVERGING_X * 10, ALTERNATING_Y, solver="primal"), TrainConfig(10, 1.0))


def test_n10_saturated_model_has_no_log_warnings():
    X = np.array([[100.0, 200.0, -100.0, -300.0]])
    Y = np.array([[1.0, 1.0, 0.0, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = train(prepare(X, Y), TrainConfig(100, 10.0))  # separable and unscaled: |z| grows past 37
        assert np.abs(r.history.train_logits[-1]).min() > 37
        np.testing.assert_array_equal(predict_proba(r.w, r.b, X), [1.0, 1.0, 0.0, 0.0])
    assert r.train_accuracy == 100.0 and 0 <= r.final_cost < 1e-10


# --- budgets -------------------------------------------------------------------------------------------------


def test_budgets(monkeypatch, small):
    X, Y, Xt, Yt, problem = small
    monkeypatch.setattr(limits, "MAX_ITERATION_EXAMPLES", 1000)
    with pytest.raises(CatlrInputError, match="at most 50 iterations"):
        train(problem, TrainConfig(51, 0.1))
    with pytest.raises(CatlrInputError, match="at most 50 iterations"):
        sweep(problem, [0.1], 51)
    monkeypatch.undo()
    monkeypatch.setattr(limits, "MAX_HISTORY_VALUES", 27 * 101)
    train(problem, TrainConfig(100, 0.1))
    with pytest.raises(CatlrInputError, match="memory; use at most 100 iterations"):
        train(problem, TrainConfig(101, 0.1))
    monkeypatch.undo()
    with pytest.raises(CatlrInputError, match="1 to 16 learning rates"):
        sweep(problem, [0.1] * 17, 10)
    with pytest.raises(CatlrInputError, match="1 to 16 learning rates"):
        sweep(problem, [], 10)
    with pytest.raises(CatlrInputError, match="learning rate must be"):
        sweep(problem, [0.1, float("nan")], 10)


# --- the real dataset ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real(real_data_dir):
    """The real arrays and the exercise's own 2000-iteration run at lr 0.005 (done once)."""
    X, Y, Xt, Yt = bench.load_real_data(real_data_dir)
    reference = bench.ref_model(X, Y, Xt, Yt, num_iterations=2000, learning_rate=0.005)
    return X, Y, Xt, Yt, reference


README_COSTS = [
    float(c)
    for c in (
        "0.693147 0.584508 0.466949 0.376007 0.331463 0.303273 0.279880 0.260042 0.242941 0.228004 "
        "0.214820 0.203078 0.192544 0.183033 0.174399 0.166521 0.159305 0.152667 0.146542 0.140872"
    ).split()
]


@pytest.mark.realdata
def test_real_data_matches_the_exercise(real):
    X, Y, Xt, Yt, ref = real
    problem = prepare(X, Y, Xt, Yt)
    assert problem.solver == "gram"
    r = train(problem, TrainConfig(2000, 0.005))
    costs = r.exercise_costs()
    assert [f"{c:f}" for c in costs] == [f"{c:f}" for c in README_COSTS]
    np.testing.assert_allclose(costs, README_COSTS, rtol=0, atol=1e-6)
    np.testing.assert_allclose(costs, np.array(ref["costs"], dtype=float), rtol=0, atol=1e-9)
    np.testing.assert_allclose(r.w, ref["w"], rtol=0, atol=1e-9)
    assert abs(r.b - float(ref["b"])) <= 1e-9
    np.testing.assert_array_equal(predict(r.w, r.b, X), ref["Y_prediction_train"])
    np.testing.assert_array_equal(predict(r.w, r.b, Xt), ref["Y_prediction_test"])
    assert r.train_accuracy == 99.04306220095694 and r.test_accuracy == 70.0
    assert np.flatnonzero((r.history.test_logits[-1] > 0) != (Yt[0] == 1)).tolist() == [
        5,
        6,
        10,
        11,
        13,
        18,
        19,
        28,
        29,
        30,
        33,
        34,
        41,
        44,
        46,
    ]


@pytest.mark.realdata
def test_real_data_learning_rate_comparison(real):
    X, Y, Xt, Yt, _ = real
    results = sweep(prepare(X, Y, Xt, Yt), [0.01, 0.001, 0.0001], 1500)
    figures = [(r.train_accuracy, r.test_accuracy, f"{r.exercise_costs()[-1]:.8f}") for r in results]
    assert figures == [
        (99.52153110047847, 68.0, "0.09204327"),
        (88.99521531100478, 64.0, "0.37888813"),
        (68.42105263157895, 36.0, "0.57561095"),
    ]


@pytest.mark.parametrize("solver", ["gram", "primal"])
def test_evaluate_reproduces_the_final_state_of_a_run(solver):
    X, Y, Xt, Yt = make_data(7, d=30, m=12, m_test=5)
    problem = prepare(X, Y, Xt, Yt, solver=solver)
    trained = train(problem, TrainConfig(num_iterations=60, learning_rate=0.5))
    loaded = evaluate(problem, trained.w, trained.b, trained.config)
    assert loaded.iterations_run == 0 and loaded.loaded and loaded.solver is None and loaded.config == trained.config
    assert loaded.train_accuracy == trained.train_accuracy
    assert loaded.test_accuracy == trained.test_accuracy
    assert math.isclose(loaded.final_cost, trained.final_cost, rel_tol=1e-12)
    assert math.isclose(float(loaded.history.test_cost[0]), float(trained.history.test_cost[-1]), rel_tol=1e-12)
    np.testing.assert_array_equal(loaded.history.test_logits[0], trained.history.test_logits[-1])
    np.testing.assert_allclose(loaded.history.checkpoints[0], trained.w[:, 0].astype(np.float32))


def test_evaluate_rejects_weights_that_do_not_fit():
    X, Y, Xt, Yt = make_data(8, d=30, m=12, m_test=5)
    problem = prepare(X, Y, Xt, Yt)
    with pytest.raises(CatlrInputError, match="31 weights but this dataset's images have 30"):
        evaluate(problem, np.zeros((31, 1)), 0.0, TrainConfig())
    with pytest.raises(CatlrInputError, match="not all finite"):
        evaluate(problem, np.full((30, 1), np.nan), 0.0, TrainConfig())
