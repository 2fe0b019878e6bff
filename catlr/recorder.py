"""The fast engine's record of a run: cost, accuracy, bias and logits at every iteration, and weight checkpoints.

The loop (:mod:`catlr.descent`) hands over each chunk of iterations; the recorder computes their
statistics with a few large array operations and keeps them in whole-run arrays (one row per
learning rate), from which :meth:`Recorder.history` makes read-only views.
"""

from __future__ import annotations

import numpy as np

from catlr import limits, logistic
from catlr.arrays import read_only
from catlr.descent import Chunk
from catlr.errors import CatlrInputError, TrainingDiverged
from catlr.problem import Problem
from catlr.results import Checkpoints, History

N_CHECKPOINTS = 40  # intervals between the stored weight snapshots
MAX_LOGIT = float(np.finfo(np.float32).max)  # logits are kept as float32, saturated beyond this


def checkpoint_iterations(n: int) -> set[int]:
    """About N_CHECKPOINTS + 1 evenly spaced iterations of 0 … n, both ends included."""
    return {int(i) for i in np.round(np.linspace(0, n, N_CHECKPOINTS + 1))}


def check_history_size(n: int, problem: Problem, k: int) -> None:
    """Raise if the logits of n iterations on every image for k rates exceed ``limits.MAX_HISTORY_VALUES``."""
    images = problem.m_train + problem.m_test
    if (n + 1) * images * k > limits.MAX_HISTORY_VALUES:
        most = limits.MAX_HISTORY_VALUES // (images * k) - 1
        raise CatlrInputError(
            f"keeping the history of {n:,} iterations on {images:,} images needs too much memory; "
            f"use at most {most:,} iterations"
        )


def signed_cross_entropy(positive_sum: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """The mean cross-entropy from the signed loop's own values: returns (c, k).

    With z̃ = s⊙z (s = 1 − 2y), log(1 + e^z) − y·z = log(1 + e^z̃) = max(z̃, 0) + log(1 + e^−|z̃|), and
    log(1 + e^−|z̃|) = −log σ(|z̃|), where σ(|z̃|) = max(σ(z̃), 1 − σ(z̃)) from the σ(z̃) the loop already
    computed. Both parts are ≥ 0 and carry no cancellation; σ(|z̃|) lies in [0.5, 1], so the logs are taken
    of products of groups of 512 factors (no underflow): no exp and one log per group, not per element.

    Args:
        positive_sum: (c, k) Σ max(z̃, 0) over the m images. sigma: (c, m, k) σ(z̃).
    """
    Q = np.subtract(1.0, sigma)
    np.maximum(Q, sigma, out=Q)  # σ(|z̃|) = max(σ(z̃), 1 − σ(z̃))
    groups = np.multiply.reduceat(Q, np.arange(0, sigma.shape[1], 512), axis=1)  # (c, g, k), each in (0, 1]
    return (positive_sum - np.log(groups).sum(axis=1)) / sigma.shape[1]


class Recorder:
    """Whole-run statistics of k runs of n iterations on one problem, filled chunk by chunk."""

    def __init__(self, problem: Problem, rates: np.ndarray, n: int, l2: float, gram: bool) -> None:
        m, m_test, k = problem.m_train, problem.m_test, len(rates)
        self.problem, self.rates, self.l2, self.m, self.m_test, self.k = problem, rates, l2, m, m_test, k
        self.gram = gram  # states are α (w = X·α) rather than w
        Y_all = problem.Y_train if not m_test else np.concatenate([problem.Y_train, problem.Y_test], axis=1)
        self.is_cat = Y_all.reshape(-1, 1) == 1.0  # (m + m_test, 1)
        self.train_cost = np.zeros((k, n + 1))
        self.train_accuracy = np.zeros((k, n + 1))
        self.test_cost = np.zeros((k, n + 1)) if m_test else None
        self.test_accuracy = np.zeros((k, n + 1)) if m_test else None
        self.bias = np.zeros((k, n + 1))
        self.logits = np.zeros((k, n + 1, m + m_test), dtype=np.float32)
        self.wanted_checkpoints = checkpoint_iterations(n)
        self.checkpoint_states: dict[int, np.ndarray] = {}  # iteration -> state (p, k)
        self.last_state: np.ndarray | None = None  # (p, k), the state at ``done``
        self.last_bias = np.zeros(k)
        self.done = -1  # the last iteration recorded

    def record(self, chunk: Chunk) -> None:
        """Record the chunk's iterations done + 1 … done + c.

        Raises:
            TrainingDiverged: a logit or a cost is not finite (the message names the iteration and rate).
        """
        first, m = self.done + 1, self.m
        c = chunk.logits.shape[0]
        Z = chunk.logits  # (c, m + m_test, k)
        with np.errstate(all="ignore"):
            cost = self._training_cost(chunk)
            self._check_finite(first, Z, cost)
            cats = logistic.says_cat(Z)  # (c, m + m_test, k)
            rows = slice(first, first + c)
            self.train_cost[:, rows] = cost.T
            self.train_accuracy[:, rows] = logistic.accuracy(cats[:, :m], self.is_cat[:m], axis=1).T
            if self.m_test:
                self.test_cost[:, rows] = logistic.cross_entropy(Z[:, m:], self.problem.Y_test.reshape(-1, 1)).T
                self.test_accuracy[:, rows] = logistic.accuracy(cats[:, m:], self.is_cat[m:], axis=1).T
            self.bias[:, rows] = chunk.biases.T
            # float32 keeps every prediction: a logit beyond its range is saturated and keeps its sign
            self.logits[:, rows] = np.clip(Z, -MAX_LOGIT, MAX_LOGIT).transpose(2, 0, 1)
        for i in range(first, first + c):
            if i in self.wanted_checkpoints:
                self.checkpoint_states[i] = chunk.states[i - first].copy()
        self.last_state, self.last_bias = chunk.states[c - 1].copy(), chunk.biases[c - 1].copy()
        self.done = first + c - 1

    def _training_cost(self, chunk: Chunk) -> np.ndarray:
        """(c, k) the training cost of the chunk's iterations, with the L2 term when there is one."""
        if chunk.sigma is not None:
            cost = signed_cross_entropy(chunk.positive_sum, chunk.sigma)
        else:
            cost = logistic.cross_entropy(chunk.logits[:, : self.m], self.problem.Y_train.reshape(-1, 1))
        if chunk.squared_norm is not None:
            cost += self.l2 / (2 * self.m) * chunk.squared_norm
        return cost

    def _check_finite(self, first: int, Z: np.ndarray, cost: np.ndarray) -> None:
        bad = ~(np.isfinite(Z).all(axis=1) & np.isfinite(cost))  # (c, k)
        if bad.any():
            i, j = np.argwhere(bad)[0]
            rate = f" (learning rate {self.rates[j]:g})" if self.k > 1 else ""
            raise TrainingDiverged(f"training diverged at iteration {first + i}{rate}; lower the learning rate")

    def history(self, j: int) -> History:
        """Read-only views of column j's record up to the last recorded iteration."""
        upto, m = self.done, self.m
        states = {i: S[:, j] for i, S in self.checkpoint_states.items() if i <= upto}
        states.setdefault(upto, self.last_state[:, j].copy())
        checkpoints = Checkpoints(states, self.problem.X_train if self.gram else None)
        logits = self.logits[j, : upto + 1]
        return History(
            train_cost=read_only(self.train_cost[j, : upto + 1]),
            test_cost=None if self.test_cost is None else read_only(self.test_cost[j, : upto + 1]),
            train_accuracy=read_only(self.train_accuracy[j, : upto + 1]),
            test_accuracy=None if self.test_accuracy is None else read_only(self.test_accuracy[j, : upto + 1]),
            b=read_only(self.bias[j, : upto + 1]),
            train_logits=read_only(logits[:, :m]),
            test_logits=read_only(logits[:, m:]) if self.m_test else None,
            checkpoints=checkpoints,
        )
