"""Which learning rates are safe: the cost's curvature bound, and what a run's cost curve actually did.

The training cost f(w, b) = mean cross-entropy (+ λ/(2m)·‖w‖²) has a gradient that is L-Lipschitz with

    L = λ_max(X̃ᵀX̃)/(4m) + λ/m,      X̃ = [X; 1ᵀ] (the bias as a pixel fixed at 1), X̃ᵀX̃ = G + 11ᵀ

because σ' ≤ 1/4 everywhere (equality at z = 0, where training starts). The descent lemma then gives
f(θ − η∇f) ≤ f(θ) − η(1 − Lη/2)‖∇f‖²: at any learning rate η ≤ 2/L the cost never goes up. Above 2/L
nothing is promised: the step can overshoot along the steepest direction, and the cost may oscillate
(or, with a far larger rate, end higher than it started).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse.linalg import LinearOperator, eigsh

from catlr.problem import Problem

# A rise in cost smaller than this (relative to the first cost) is rounding, not a step going uphill.
RISE_TOLERANCE = 1e-12
KINDS = ("converges", "oscillates", "diverges")


def top_eigenvalue(problem: Problem) -> float:
    """λ_max(G + 11ᵀ) of the bias-augmented training images, without forming X̃ᵀX̃ in the primal form.

    Lanczos (SciPy's ``eigsh``) on v ↦ (G + 11ᵀ)v, or v ↦ Xᵀ(Xv) + 1(1ᵀv) when the problem has no G;
    a direct eigen-solver for very small problems.
    """
    m, G, X = problem.m_train, problem.G, problem.X_train

    def apply(v: np.ndarray) -> np.ndarray:
        v = np.asarray(v, dtype=np.float64).reshape(m, -1)  # (m, k)
        product = G @ v if G is not None else X.T @ (X @ v)
        return product + v.sum(axis=0, keepdims=True)

    if m <= 16:  # eigsh needs k < m; a tiny matrix is cheaper to solve directly
        return float(np.linalg.eigvalsh(apply(np.eye(m)))[-1])
    operator = LinearOperator((m, m), matvec=apply, matmat=apply, dtype=np.float64)
    start = np.full(m, 1.0 / np.sqrt(m))  # a fixed start: the same answer on every call
    return float(eigsh(operator, k=1, which="LA", v0=start, return_eigenvectors=False, tol=1e-12)[0])


@dataclass(frozen=True)
class Bound:
    """The curvature bound of a problem at one L2 penalty.

    Attributes:
        top_eigenvalue: λ_max(G + 11ᵀ). m: training images. l2: λ.
        lipschitz: L = λ_max/(4m) + λ/m. safe_rate: 2/L, the largest rate with a guaranteed descent.
    """

    top_eigenvalue: float
    m: int
    l2: float

    @property
    def lipschitz(self) -> float:
        return self.top_eigenvalue / (4 * self.m) + self.l2 / self.m

    @property
    def safe_rate(self) -> float:
        return 2.0 / self.lipschitz

    def predicts(self, learning_rate: float) -> str:
        """What the bound says of a rate: ``"falls every step"`` (≤ 2/L) or ``"may oscillate"`` (above)."""
        return "falls every step" if learning_rate <= self.safe_rate else "may oscillate"

    def ratio(self, learning_rate: float) -> float:
        """The rate as a multiple of 2/L (≤ 1: guaranteed descent)."""
        return learning_rate / self.safe_rate


def bound(problem: Problem, l2: float = 0.0, eigenvalue: float | None = None) -> Bound:
    """The :class:`Bound` of ``problem`` at penalty ``l2`` (pass ``eigenvalue`` to reuse λ_max)."""
    top = top_eigenvalue(problem) if eigenvalue is None else float(eigenvalue)
    return Bound(top, problem.m_train, float(l2))


def classify(costs: np.ndarray) -> str:
    """What a cost curve did: ``"converges"`` (never rose), ``"oscillates"`` (rose at some step but ended
    below its start), or ``"diverges"`` (not finite, or ended at or above its start while rising).

    Args:
        costs: (n + 1,) the training cost at every iteration (``history.train_cost``).
    """
    c = np.asarray(costs, dtype=np.float64).reshape(-1)
    if not np.isfinite(c).all():
        return "diverges"
    if c.size < 2:
        return "converges"
    rises = np.diff(c) > RISE_TOLERANCE * max(abs(float(c[0])), 1.0)
    if not rises.any():
        return "converges"
    return "oscillates" if c[-1] < c[0] else "diverges"


def first_rise(costs: np.ndarray) -> int | None:
    """The first iteration t whose update raised the cost (cost[t + 1] > cost[t]), or None."""
    c = np.asarray(costs, dtype=np.float64).reshape(-1)
    rises = np.flatnonzero(np.diff(c) > RISE_TOLERANCE * max(abs(float(c[0])), 1.0)) if c.size > 1 else []
    return int(rises[0]) if len(rises) else None


def agrees(prediction: str, outcome: str) -> bool:
    """Whether an outcome fits the bound's prediction: below 2/L only "converges" does; above, anything."""
    return outcome == "converges" if prediction == "falls every step" else True
