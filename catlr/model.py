"""The exercise's API, numerically stable: sigmoid, initialize_with_zeros, propagate, optimize, predict, model.

Names, shapes and return values are the exercise's (docs: exercise-api.md). Two things differ on purpose:
the sigmoid never overflows, and the cost is computed from the logits z = wᵀX + b as
mean(log(1 + e^z) − y·z), which equals the exercise's −mean(y·log a + (1−y)·log(1−a)) wherever that is
finite and stays finite where the exercise's gives inf or nan.

Conventions: X (n_features, m), one column per example; Y (1, m) of 0/1; w (n_features, 1); b a float.
"""

from __future__ import annotations

import copy

import numpy as np


def sigmoid(z):
    """σ(z) = 1 / (1 + e^(−z)), elementwise, with no overflow warning for any z.

    For z ≥ 0 it computes exactly ``1 / (1 + exp(-z))`` (the exercise's values, bit for bit); for z < 0
    it uses the equal ``e^z / (1 + e^z)``, whose exponent cannot overflow.

    Args:
        z: a scalar or an array of any shape.

    Returns:
        An array of z's shape (a NumPy scalar for a scalar input).
    """
    z = np.asarray(z)
    if not np.issubdtype(z.dtype, np.floating):
        z = z.astype(np.float64)
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    out = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return out[()] if out.ndim == 0 else out


def initialize_with_zeros(dim):
    """Return ``(w, b)``: w float32 zeros of shape (dim, 1) as in the exercise, and b = 0.0 (a Python float)."""
    w = np.zeros((dim, 1), dtype=np.float32)
    b = 0.0
    return w, b


def logistic_cost(z, Y):
    """Mean cross-entropy from logits: mean(log(1 + e^z) − y·z), finite for any finite z.

    Args:
        z: logits of shape (1, m) (or (m,)).
        Y: labels of the same shape, 0 or 1.

    Returns:
        The cost as a NumPy float64.
    """
    return np.mean(np.logaddexp(0.0, z) - Y * z)


def propagate(w, b, X, Y):
    """One forward and backward pass.

    Args:
        w: weights (n_features, 1).
        b: bias, a float.
        X: data (n_features, m).
        Y: labels (1, m).

    Returns:
        ``(grads, cost)``: grads ``{"dw": X(A−Y)ᵀ/m of shape w.shape, "db": Σ(A−Y)/m}`` and the cost as a 0-d
        array (``np.squeeze``), computed from the logits.
    """
    m = X.shape[1]
    z = np.dot(w.T, X) + b  # (1, m)
    A = sigmoid(z)
    cost = np.squeeze(np.asarray(logistic_cost(z, Y)))
    dw = np.dot(X, (A - Y).T) / m  # (n_features, 1)
    db = np.sum(A - Y) / m
    return {"dw": dw, "db": db}, cost


def _print_cost(i, cost):
    """The exercise's line, "Cost after iteration %i: %f"."""
    print(f"Cost after iteration {i:d}: {float(cost):f}")


def optimize(w, b, X, Y, num_iterations=100, learning_rate=0.009, print_cost=False):
    """Plain gradient descent, the exercise's loop.

    Copies w and b, then repeats: propagate, w −= lr·dw, b −= lr·db. The cost is recorded (and printed
    as "Cost after iteration %i: %f" when ``print_cost``) at iterations 0, 100, 200, …, before that
    iteration's update.

    Args:
        w: initial weights (n_features, 1).
        b: initial bias.
        X: data (n_features, m).
        Y: labels (1, m).
        num_iterations: number of updates.
        learning_rate: step size.
        print_cost: print the recorded costs.

    Returns:
        ``(params {"w", "b"}, grads {"dw", "db"} of the last iteration, costs)``.
    """
    w = copy.deepcopy(w)
    b = copy.deepcopy(b)
    grads = {}
    costs = []
    for i in range(num_iterations):
        grads, cost = propagate(w, b, X, Y)
        w = w - learning_rate * grads["dw"]
        b = b - learning_rate * grads["db"]
        if i % 100 == 0:
            costs.append(cost)
            if print_cost:
                _print_cost(i, cost)
    return {"w": w, "b": b}, grads, costs


def predict(w, b, X):
    """Predict labels: 1.0 where σ(wᵀX + b) > 0.5, else 0.0.

    Args:
        w: weights (n_features, 1).
        b: bias.
        X: data (n_features, m).

    Returns:
        Predictions of shape (1, m), float64.
    """
    w = w.reshape(X.shape[0], 1)
    A = sigmoid(np.dot(w.T, X) + b)
    return (A > 0.5).astype(np.float64)


def accuracy(Y_prediction, Y):
    """The exercise's accuracy in percent: 100 − mean(|Ŷ − Y|)·100."""
    return 100 - np.mean(np.abs(Y_prediction - Y)) * 100


def model(
    X_train,
    Y_train,
    X_test,
    Y_test,
    num_iterations=2000,
    learning_rate=0.5,
    print_cost=False,
    engine="auto",
):
    """Train from zeros and predict both sets, the exercise's ``model``.

    The inputs and hyper-parameters are validated (:class:`~catlr.errors.CatlrInputError` on bad input).
    ``engine="auto"`` (or ``"gram"``) trains with the fast engine (:mod:`catlr.engine`); ``engine="primal"``
    runs the plain loop :func:`optimize`. Both give the same results (to ~1e-12).

    Args:
        X_train: (n_features, m_train). Y_train: (1, m_train).
        X_test: (n_features, m_test). Y_test: (1, m_test).
        num_iterations, learning_rate: gradient-descent settings.
        print_cost: print the costs every 100 iterations and the two accuracies, as the exercise does.
        engine: ``"auto"``, ``"gram"`` or ``"primal"``.

    Returns:
        ``{"costs", "Y_prediction_test", "Y_prediction_train", "w", "b", "learning_rate", "num_iterations"}``.
    """
    from catlr import engine as fast  # late import: engine builds on this module
    from catlr.config import TrainConfig

    config = TrainConfig(num_iterations=num_iterations, learning_rate=learning_rate, engine=engine)
    problem = fast.prepare(X_train, Y_train, X_test, Y_test, engine=config.engine)
    X_train, Y_train, X_test, Y_test = problem.X_train, problem.Y_train, problem.X_test, problem.Y_test
    if engine == "primal":
        w, b = initialize_with_zeros(X_train.shape[0])
        params, _, costs = optimize(w, b, X_train, Y_train, config.num_iterations, config.learning_rate, print_cost)
        w, b = params["w"], params["b"]
    else:
        result = fast.train(problem, config)
        w, b, costs = result.w, result.b, result.exercise_costs()
        if print_cost:
            for i, cost in zip(range(0, config.num_iterations, 100), costs, strict=True):
                _print_cost(i, cost)
    Y_prediction_test = predict(w, b, X_test)
    Y_prediction_train = predict(w, b, X_train)
    if print_cost:
        print(f"train accuracy: {accuracy(Y_prediction_train, Y_train)} %")
        print(f"test accuracy: {accuracy(Y_prediction_test, Y_test)} %")
    return {
        "costs": costs,
        "Y_prediction_test": Y_prediction_test,
        "Y_prediction_train": Y_prediction_train,
        "w": w,
        "b": b,
        "learning_rate": learning_rate,
        "num_iterations": num_iterations,
    }
