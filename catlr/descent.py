"""The loops of the fast engine: batched gradient descent on k learning rates at once, chunk by chunk.

The state S is α (m, k) in the Gram form (w = X·α), W (d, k) in the primal form; the training logits
are Z = M·S + b with M = G (m, m) or X_trainᵀ (m, d): one product per iteration. Iterations run in
chunks: the loop stores each chunk's states and training logits, and :mod:`catlr.recorder` then
computes the chunk's test logits, costs and accuracies with a few large array operations.

Without L2 the Gram form drops b from the loop: b = 1ᵀα at every iteration (both start at 0 and move
by −lr·Σ(A − Y)/m), so z = (G + 1)α, as if each image had an extra pixel fixed at 1. It also folds the
labels in, with s = 1 − 2y (+1 for non-cats, −1 for cats): s⊙(σ(z) − y) = σ(s⊙z), so the state
β = s⊙α / (lr/m) (one column) or s⊙α (several) moves by −σ(M̃β) with the symmetric
M̃ = diag(s)(G + 1)diag(s) (times lr/m for one column). Sign flips are exact, so this *signed loop* is
one symmetric matrix-vector product (SciPy's BLAS ``dsymv``, which reads half of the matrix), one
logistic function (SciPy's ``expit``) and one subtraction per iteration.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.linalg.blas import dsymv as _symv
from scipy.special import expit as _expit

from catlr.problem import Problem

MAX_CHUNK_ITERATIONS = 500  # iterations run before their statistics are computed
_CHUNK_VALUES = 4_000_000  # float64 values a chunk's buffers may hold (32 MB)


@dataclass(frozen=True)
class Chunk:
    """Views of c evaluated iterations, valid until the next chunk runs.

    Attributes:
        states: (c, p, k) the state at each iteration (α or w). logits: (c, m + m_test, k), train then test.
        biases: (c, k). sigma: (c, m, k) σ(z̃) of the signed loop, else None.
        positive_sum: (c, k) Σ max(z̃, 0) over the training images (signed loop), else None.
        squared_norm: (c, k) ‖w‖² when the run has an L2 penalty, else None.
    """

    states: np.ndarray
    logits: np.ndarray
    biases: np.ndarray
    sigma: np.ndarray | None
    positive_sum: np.ndarray | None
    squared_norm: np.ndarray | None


def _apply(M: np.ndarray, A: np.ndarray) -> np.ndarray:
    """M (q, p) applied to each of c stacked states A (c, p, k), in one product: returns (c, q, k)."""
    c, p, k = A.shape
    return (M @ A.transpose(1, 0, 2).reshape(p, c * k)).reshape(-1, c, k).transpose(1, 0, 2)


def _columns(a: np.ndarray, k: int) -> np.ndarray:
    """The last axis dropped when k = 1: matrix-vector products have less overhead than matrix-matrix ones."""
    return a[..., 0] if k == 1 else a


class Descent:
    """Gradient descent from w = 0, b = 0 with one column per learning rate (see the module docstring)."""

    def __init__(self, problem: Problem, solver: str, rates: Sequence[float], num_iterations: int, l2: float) -> None:
        m, m_test, k = problem.m_train, problem.m_test, len(rates)
        self.problem, self.solver, self.l2, self.m, self.m_test, self.k = problem, solver, l2, m, m_test, k
        self.rates = np.asarray(rates, dtype=np.float64)  # (k,)
        self.step = self.rates / m  # (k,) step per unit of A − Y
        self.decay = 1.0 - self.rates * l2 / m  # (k,)
        self.labels = problem.Y_train.reshape(m, 1)
        self.signed = solver == "gram" and not l2
        self._matrices(problem)
        width = self.matrix.shape[1]
        fits = _CHUNK_VALUES // ((width + m + m_test) * k)
        self.chunk_size = max(1, min(MAX_CHUNK_ITERATIONS, num_iterations + 1, fits))
        self._buffers(width)

    def _matrices(self, problem: Problem) -> None:
        """The loop's matrix M (m, p) and the test matrix (m_test, p) or None."""
        if self.signed:
            self.sign = 1.0 - 2.0 * self.labels  # (m, 1): +1 for y = 0, −1 for y = 1
            self.scale = self.sign * self.step if self.k == 1 else self.sign  # α = scale ⊙ β, the loop's state
            self.matrix = self.sign * (problem.G + 1.0) * self.sign.T  # (m, m) symmetric, M̃
            if self.k == 1:
                self.matrix *= self.step[0]
            self.test_matrix = problem.K  # (m_test, m) or None
        elif self.solver == "gram":
            self.matrix, self.test_matrix = problem.G, problem.K
        else:
            self.matrix = problem.X_train.T  # (m, d), a view: BLAS reads it transposed
            self.test_matrix = None if problem.X_test is None else problem.X_test.T

    def _buffers(self, width: int) -> None:
        """The chunk's buffers and their per-iteration row views, made once (list(array) builds them in C)."""
        size, m, k = self.chunk_size, self.m, self.k
        self.states = np.zeros((size + 1, width, k))  # the chunk's states; row 0 is its first
        self.logits = np.empty((size, m + self.m_test, k))  # the chunk's logits, train then test
        self.biases = np.zeros((size, k))
        self.state_rows = list(_columns(self.states, k))
        self.logit_rows = list(_columns(self.logits[:, :m], k))
        self.labels_column = _columns(self.labels, k)  # (m,) or (m, 1)
        self.residual = _columns(np.empty((m, k)), k)  # A − Y, or (lr/m)·σ(M̃β) in the signed loop
        self.next_bias = np.zeros(k)  # bias of the next state (general loop)
        if self.signed:
            self.sigma = np.empty((size, m, k))  # the chunk's σ(z̃), kept for the training cost
            self.sigma_rows = list(_columns(self.sigma, k))
            self.positive_sum = np.empty((size, k))  # the chunk's Σ max(z̃, 0)
            self.beta = np.zeros((m, k))  # β of the next chunk's first state

    def run_chunk(self, c: int) -> Chunk:
        """Evaluate the next c (≤ chunk_size) iterations: their states, logits and biases."""
        m = self.m
        with np.errstate(all="ignore"):  # overflow shows up as non-finite logits, reported as divergence
            (self._signed_loop if self.signed else self._general_loop)(c)
            states = self.states[:c]  # (c, p, k)
            if self.signed:
                self.biases[:c] = states.sum(axis=1)  # b = 1ᵀα
            if self.m_test:
                self.logits[:c, m:] = _apply(self.test_matrix, states) + self.biases[:c, None, :]
            squared_norm = None
            if self.l2:  # ‖w‖² = αᵀGα, or wᵀw
                other = _apply(self.problem.G, states) if self.solver == "gram" else states
                squared_norm = np.einsum("cpk,cpk->ck", states, other)
        return Chunk(
            states=states,
            logits=self.logits[:c],
            biases=self.biases[:c],
            sigma=self.sigma[:c] if self.signed else None,
            positive_sum=self.positive_sum[:c] if self.signed else None,
            squared_norm=squared_norm,
        )

    def next_chunk(self, c: int) -> None:
        """Start the next chunk from the state after the c iterations just evaluated."""
        self.states[0] = self.states[c]

    def _signed_loop(self, c: int) -> None:
        """c iterations of β ← β − σ(M̃β), then the states and logits as α and z.

        σ is SciPy's ``expit``, 1/(1 + e^−z) as in the exercise, without overflow warnings. One column uses
        BLAS's symmetric matrix-vector product, which reads half of M̃; several use a matrix product and
        scale σ by each column's lr/m.
        """
        rows, z_rows, sigma_rows, states = self.state_rows, self.logit_rows, self.sigma_rows, self.states
        train_logits = self.logits[:c, : self.m]
        states[0] = self.beta
        if self.k == 1:
            matrix_f = self.matrix.T  # the same symmetric matrix, Fortran-ordered: BLAS reads it without a copy
            symv, expit, subtract = _symv, _expit, np.subtract
            for j in range(c):  # positional arguments: keyword parsing costs about 1 µs a call here
                symv(1.0, matrix_f, rows[j], 0.0, z_rows[j], 0, 1, 0, 1, 0, 1)  # z̃ = 1·M̃β + 0·z̃, in place
                expit(z_rows[j], sigma_rows[j])
                subtract(rows[j], sigma_rows[j], rows[j + 1])
        else:
            matrix, step, residual = self.matrix, self.step, self.residual
            for j in range(c):
                _expit(np.matmul(matrix, rows[j], out=z_rows[j]), out=sigma_rows[j])
                np.multiply(sigma_rows[j], step, out=residual)
                np.subtract(rows[j], residual, out=rows[j + 1])
        np.maximum(train_logits, 0.0).sum(axis=1, out=self.positive_sum[:c])
        self.beta = states[c].copy()  # the next chunk starts from β itself, not from α / scale
        np.multiply(states[: c + 1], self.scale, out=states[: c + 1])
        np.multiply(train_logits, self.sign, out=train_logits)

    def _general_loop(self, c: int) -> None:
        """c iterations of the general form: explicit b, optional L2 decay, Gram or primal step."""
        matrix, rows, z_rows, biases = self.matrix, self.state_rows, self.logit_rows, self.biases
        residual = self.residual
        y, step, decay, l2, X_train = self.labels_column, self.step, self.decay, self.l2, self.problem.X_train
        gram, b = self.solver == "gram", self.next_bias
        for j in range(c):
            z = np.matmul(matrix, rows[j], out=z_rows[j])
            z += b
            biases[j] = b
            np.negative(z, out=residual)  # A − Y with A = 1/(1 + e^−z), as in the exercise
            np.exp(residual, out=residual)
            residual += 1.0
            np.divide(1.0, residual, out=residual)
            residual -= y
            following = rows[j + 1]
            if l2:
                np.multiply(rows[j], decay, out=following)
            else:
                np.copyto(following, rows[j])
            following -= step * (residual if gram else X_train @ residual)  # dα = (A − Y)ᵀ/m, or dw = X(A − Y)ᵀ/m
            b = b - step * residual.sum(axis=0)
        self.next_bias = b

    def weights(self, state: np.ndarray) -> np.ndarray:
        """w (d, k) float64 of a state (p, k)."""
        return self.problem.X_train @ state if self.solver == "gram" else state.copy()
