"""The numerically stable maths of logistic regression, in one place: σ, the cost from logits, decisions, accuracy.

Everything that turns logits into a probability, a cost, a 0/1 decision or an accuracy calls these, so
the exercise's API, the fast engine and the explanations agree to the last bit.
"""

from __future__ import annotations

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


def cross_entropy(Z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Mean cross-entropy from logits, log(1 + e^z) − y·z, over axis 1 of Z (c, q, k), labels y (q, 1): (c, k).

    Equal to the exercise's −[y·log a + (1−y)·log(1−a)] wherever that is finite, and finite for any finite
    z. log(1 + e^z) − y·z = max(±z, 0) + log(1 + e^−|z|) (+z when y = 0, −z when y = 1). The sum of the logs
    is taken as the log of a product (groups of 512 factors in (1, 2], so no overflow): one log per group
    instead of one per element, with an absolute error of about 1e-15 (a cost near 1e-5 keeps about eleven
    significant digits; tests/test_logistic.py).
    """
    t = np.maximum(Z * (1.0 - 2.0 * y), 0.0)  # (c, q, k)
    e = np.exp(-np.abs(Z))
    e += 1.0
    logs = np.log(np.multiply.reduceat(e, np.arange(0, Z.shape[1], 512), axis=1)).sum(axis=1)
    return (t.sum(axis=1) + logs) / Z.shape[1]


def cost(z, Y) -> np.float64:
    """The mean cross-entropy of logits z (1, m) or (m,) against labels Y of the same size, 0 or 1."""
    z = np.asarray(z, dtype=np.float64).reshape(1, -1, 1)
    y = np.asarray(Y, dtype=np.float64).reshape(-1, 1)
    return np.float64(cross_entropy(z, y)[0, 0])


def says_cat(Z: np.ndarray) -> np.ndarray:
    """The 0/1 decision σ(z) > 0.5 for logits of any shape, exactly as the exercise's ``predict`` decides.

    Returns a bool array of Z's shape. Logits above 1e-12 are cats for sure; the few in (0, 1e-12] go
    through σ itself, since σ(z) may round to exactly 0.5 there.
    """
    Z = np.asarray(Z)
    P = np.array(Z > 1e-12)  # an array even when Z is 0-d (comparing a 0-d array gives a NumPy scalar)
    unsure = (Z > 0) & ~P
    if unsure.any():
        P[unsure] = sigmoid(Z[unsure]) > 0.5
    return P


def accuracy(predicted: np.ndarray, labels: np.ndarray, axis: int | None = None) -> np.ndarray | float:
    """The exercise's accuracy in percent, 100 − mean|Ŷ − Y|·100, along ``axis`` (None: all).

    The mean of 0/1 values is the exact count of mistakes / m, as in the exercise.
    """
    wrong = np.asarray(predicted) != np.asarray(labels)
    m = wrong.size if axis is None else wrong.shape[axis]
    return 100 - np.count_nonzero(wrong, axis=axis) / m * 100
