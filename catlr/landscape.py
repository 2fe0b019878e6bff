"""The loss landscape for real: the training cost on a 2-D slice through 0, the current weights and the path.

Points are θ = (w, b) with the inner product ⟨θ, θ'⟩ = wᵀw' + bb'. Every point of the run is X·α with its
bias, so ⟨θ, θ'⟩ = αᵀGα' + bb' and directions are kept as (α, b) pairs. The slice is the plane through
θ = 0 spanned by

- e1, the current θ_t (normalised; at t = 0, where θ = 0, the run's last θ),
- e2, the top principal direction of the path θ_0 … θ_n once its e1 component is removed (the way the
  path bends away from the straight line to θ_t), found from the k × k Gram matrix of the thinned path.

A grid point u·e1 + v·e2 has logits u·z(e1) + v·z(e2) with z(e) = G·e_α + e_b, so its cost is O(m).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg
from scipy.sparse.linalg import eigsh

from catlr import logistic
from catlr.arrays import read_only
from catlr.trajectory import Trajectory

GRID = 41  # points per side
PATH_POINTS = 200  # most path points used for the principal direction and drawn
MARGIN = 0.15  # space around the path, as a fraction of its extent


@dataclass(frozen=True, eq=False)
class Path:
    """The thinned path of a run, in the (α, b) form.

    Attributes:
        iterations: (k,) the iterations kept (0 and n included). alphas: (k, m). b: (k,).
        G_alphas: (k, m) = alphas·G, so ⟨θ_s, e⟩ = G_alphas[s]·e_α + b_s·e_b costs O(m).
        gram: (k, k) ⟨θ_s, θ_r⟩ of the path's points.
    """

    iterations: np.ndarray
    alphas: np.ndarray
    b: np.ndarray
    G_alphas: np.ndarray
    gram: np.ndarray


def path_of(trajectory: Trajectory, most: int = PATH_POINTS) -> Path:
    """The run's path at up to ``most`` evenly spaced iterations (the expensive part; compute it once)."""
    n = trajectory.iterations
    iterations = np.unique(np.linspace(0, n, min(most, n + 1)).round().astype(np.intp))
    alphas = trajectory.alphas(iterations)
    b = trajectory.b[iterations]
    G_alphas = alphas @ trajectory.G
    gram = G_alphas @ alphas.T + np.outer(b, b)
    return Path(*(read_only(a) for a in (iterations, alphas, b, G_alphas, gram)))


@dataclass(frozen=True, eq=False)
class Slice:
    """The cost on a GRID × GRID grid of the plane, and the path drawn on it.

    Attributes:
        u: (GRID,) coordinates along e1. v: (GRID,) along e2.
        cost: (GRID, GRID) training cost (penalty included), cost[j, i] at (u[i], v[j]).
        path_u, path_v: (k,) the path's points projected onto the plane. path_iterations: (k,).
        point: (u, v) of the current state θ_t (v = 0: it lies on e1).
        e1, e2: the directions as (α (m,), b) pairs, unit length.
        off_plane: (k,) each path point's distance from the plane.
    """

    u: np.ndarray
    v: np.ndarray
    cost: np.ndarray
    path_u: np.ndarray
    path_v: np.ndarray
    path_iterations: np.ndarray
    point: tuple[float, float]
    e1: tuple[np.ndarray, float]
    e2: tuple[np.ndarray, float]
    off_plane: np.ndarray


def _unit(trajectory: Trajectory, alpha: np.ndarray, b: float) -> tuple[np.ndarray, float] | None:
    norm = np.sqrt(max(float(alpha @ trajectory.G @ alpha) + b * b, 0.0))
    return None if norm == 0 else (alpha / norm, b / norm)


def _top_eigenpair(gram: np.ndarray) -> tuple[float, np.ndarray]:
    """The largest eigenvalue of a symmetric (k, k) matrix and its eigenvector (k,) (Lanczos unless tiny)."""
    k = gram.shape[0]
    if k <= 16:
        values, vectors = scipy.linalg.eigh(gram)
        return float(values[-1]), vectors[:, -1]
    start = np.full(k, 1.0 / np.sqrt(k))  # fixed, so the same run always gives the same slice
    values, vectors = eigsh(gram, k=1, which="LA", v0=start, tol=1e-10)
    return float(values[0]), vectors[:, 0]


def _second(path: Path, e1: tuple[np.ndarray, float]) -> tuple[np.ndarray, float] | None:
    """The top principal direction of the path with e1 projected out (dual PCA on the k × k Gram)."""
    p = path.G_alphas @ e1[0] + path.b * e1[1]  # (k,) components along e1
    gram = path.gram - np.outer(p, p)  # (k, k) Gram of the residuals θ_s − p_s·e1
    rows = gram.mean(axis=1)
    gram = gram - rows[:, None] - rows[None, :] + rows.mean()  # double centring: the centred path's Gram
    top, vec = _top_eigenpair(gram)
    if top <= 1e-12 * max(float(np.trace(gram)), 1e-300):
        return None
    c = vec - vec.mean()  # direction = Σ c_s (θ_s − p_s e1), the centred combination
    alpha = c @ path.alphas - (c @ p) * e1[0]
    return alpha, float(c @ path.b - (c @ p) * e1[1])


def _directions(trajectory: Trajectory, path: Path, t: int, alpha_t: np.ndarray, b_t: float):
    """(e1, e2) unit and orthogonal, or None when the run never left 0."""
    e1 = _unit(trajectory, alpha_t, b_t) or _unit(trajectory, path.alphas[-1], float(path.b[-1]))
    if e1 is None:
        return None
    e2 = _second(path, e1)
    if e2 is None:  # a straight path: use the gradient's direction off e1
        state = trajectory.state(t)
        r = state.residual() / trajectory.m
        e2 = (r, float(r.sum()))
        along = float(e2[0] @ trajectory.G @ e1[0] + e2[1] * e1[1])
        e2 = (e2[0] - along * e1[0], e2[1] - along * e1[1])
    e2 = _unit(trajectory, *e2)
    return None if e2 is None else (e1, e2)


def _span(values: np.ndarray, floor: float) -> np.ndarray:
    low, high = min(float(values.min()), 0.0), max(float(values.max()), 0.0)
    width = max(high - low, floor)
    middle = (low + high) / 2
    return np.linspace(middle - (0.5 + MARGIN) * width, middle + (0.5 + MARGIN) * width, GRID)


def cost_slice(trajectory: Trajectory, path: Path, t: int) -> Slice | None:
    """The :class:`Slice` at iteration t, or None when every state of the run is θ = 0 (nothing to slice)."""
    alpha_t = trajectory.alphas([t])[0]
    b_t = float(trajectory.b[t])
    found = _directions(trajectory, path, t, alpha_t, b_t)
    if found is None:
        return None
    (a1, b1), (a2, b2) = found
    G = trajectory.G
    pu, pv = path.G_alphas @ a1 + path.b * b1, path.G_alphas @ a2 + path.b * b2  # (k,)
    norms = np.diag(path.gram)
    off = np.sqrt(np.maximum(norms - pu**2 - pv**2, 0.0))
    point = (float(alpha_t @ G @ a1 + b_t * b1), float(alpha_t @ G @ a2 + b_t * b2))
    u = _span(np.append(pu, point[0]), 1e-3)
    v = _span(np.append(pv, point[1]), 0.5 * (u[-1] - u[0]))
    z1, z2 = G @ a1 + b1, G @ a2 + b2  # (m,) logits of the two directions
    cost = grid_costs(trajectory, u, v, (a1, z1), (a2, z2))
    return Slice(u, v, cost, pu, pv, path.iterations, point, (a1, b1), (a2, b2), off)


def grid_costs(trajectory: Trajectory, u: np.ndarray, v: np.ndarray, first, second) -> np.ndarray:
    """Training cost at u[i]·e1 + v[j]·e2 for every (i, j): (len(v), len(u)).

    Args:
        first, second: (e_α (m,), z(e) (m,)) of each direction.
    """
    (a1, z1), (a2, z2) = first, second
    U, V = np.meshgrid(u, v)  # (q, p)
    Z = U.reshape(-1, 1, 1) * z1[None, :, None] + V.reshape(-1, 1, 1) * z2[None, :, None]  # (p·q, m, 1)
    cost = logistic.cross_entropy(Z, trajectory.y.reshape(-1, 1))[:, 0]
    if trajectory.l2:
        G = trajectory.G
        g11, g12, g22 = a1 @ G @ a1, a1 @ G @ a2, a2 @ G @ a2  # ‖u·w1 + v·w2‖² from the Gram entries
        squared = U.ravel() ** 2 * g11 + 2 * U.ravel() * V.ravel() * g12 + V.ravel() ** 2 * g22
        cost = cost + trajectory.l2 / (2 * trajectory.m) * squared
    return cost.reshape(U.shape)
