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

from catlr import engine, logistic
from catlr.config import TrainConfig
from catlr.logistic import sigmoid
from catlr.problem import prepare

__all__ = [
    "accuracy",
    "accuracy_line",
    "cost_line",
    "initialize_with_zeros",
    "model",
    "optimize",
    "predict",
    "propagate",
    "sigmoid",
]


def initialize_with_zeros(dim):
    """Return ``(w, b)``: w float32 zeros of shape (dim, 1) as in the exercise, and b = 0.0 (a Python float)."""
    w = np.zeros((dim, 1), dtype=np.float32)
    b = 0.0
    return w, b


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
    cost = np.squeeze(np.asarray(logistic.cost(z, Y)))
    dw = np.dot(X, (A - Y).T) / m  # (n_features, 1)
    db = np.sum(A - Y) / m
    return {"dw": dw, "db": db}, cost


def cost_line(i: int, cost) -> str:
    """The exercise's line for the cost at iteration i, "Cost after iteration %i: %f"."""
    return f"Cost after iteration {i:d}: {float(cost):f}"


def accuracy_line(split: str, percent: float) -> str:
    """The exercise's closing line for a split, e.g. "train accuracy: 99.04306220095694 %"."""
    return f"{split} accuracy: {percent} %"


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
                print(cost_line(i, cost))
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
    return logistic.accuracy(Y_prediction, Y)


def model(
    X_train,
    Y_train,
    X_test,
    Y_test,
    num_iterations=2000,
    learning_rate=0.5,
    print_cost=False,
    solver="auto",
):
    """Train from zeros and predict both sets, the exercise's ``model``.

    The inputs and hyper-parameters are validated (:class:`~catlr.errors.CatlrInputError` on bad input).
    ``solver="auto"`` (or ``"gram"``) trains with the fast engine (:mod:`catlr.engine`); ``solver="primal"``
    runs the plain loop :func:`optimize`. Both give the same results (to ~1e-12).

    Args:
        X_train: (n_features, m_train). Y_train: (1, m_train).
        X_test: (n_features, m_test). Y_test: (1, m_test).
        num_iterations, learning_rate: gradient-descent settings.
        print_cost: print the costs every 100 iterations and the two accuracies, as the exercise does.
        solver: ``"auto"``, ``"gram"`` or ``"primal"``.

    Returns:
        ``{"costs", "Y_prediction_test", "Y_prediction_train", "w", "b", "learning_rate", "num_iterations"}``.
    """
    config = TrainConfig(num_iterations=num_iterations, learning_rate=learning_rate, solver=solver)
    problem = prepare(X_train, Y_train, X_test, Y_test, solver=config.solver)
    X_train, Y_train, X_test, Y_test = problem.X_train, problem.Y_train, problem.X_test, problem.Y_test
    if solver == "primal":
        w, b = initialize_with_zeros(X_train.shape[0])
        params, _, costs = optimize(w, b, X_train, Y_train, config.num_iterations, config.learning_rate, print_cost)
        w, b = params["w"], params["b"]
    else:
        result = engine.train(problem, config)
        w, b, costs = result.w, result.b, result.exercise_costs()
        if print_cost:
            for i, cost in zip(range(0, config.num_iterations, 100), costs, strict=True):
                print(cost_line(i, cost))
    Y_prediction_test = predict(w, b, X_test)
    Y_prediction_train = predict(w, b, X_train)
    if print_cost:
        print(accuracy_line("train", accuracy(Y_prediction_train, Y_train)))
        print(accuracy_line("test", accuracy(Y_prediction_test, Y_test)))
    return {
        "costs": costs,
        "Y_prediction_test": Y_prediction_test,
        "Y_prediction_train": Y_prediction_train,
        "w": w,
        "b": b,
        "learning_rate": learning_rate,
        "num_iterations": num_iterations,
    }
