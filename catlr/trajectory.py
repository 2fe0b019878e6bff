"""The exact state of a finished run at any iteration, rebuilt from its stored logits without retraining.

Gradient descent from w = 0 keeps w in the span of the training images, w_t = X·α_t (α_t of shape (m,)),
and the engine's :class:`~catlr.results.History` keeps the training logits z_t of every iteration. The
update from iteration t to t + 1 depends only on them, through a_t = σ(z_t):

    α_{t+1} = (1 − lr·λ/m)·α_t − (lr/m)·(a_t − y),      b_{t+1} = b_t − (lr/m)·Σ(a_t − y)

so α_t is a decayed running sum of the residuals a_s − y (s < t), one linear filter over the stored rows.
The stored logits are float32, so α_t matches the run's own state to about six significant digits; every
figure *at* iteration t (its logits, the gradient, the pushes) is then computed in float64 from α_t and the
Gram matrix G = XᵀX, so the figures are exact for that state.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from catlr import limits, logistic
from catlr.errors import CatlrInputError
from catlr.problem import Problem
from catlr.results import TrainResult

BLOCK_ROWS = 2_000  # iterations whose residuals are held at once while summing (bounds the memory)


def check_size(problem: Problem) -> None:
    """Refuse, before any training, a problem too large to step through (its G would not fit).

    Raises:
        CatlrInputError: more than ``limits.GRAM_MAX_EXAMPLES`` training images and no Gram matrix.
    """
    m = problem.m_train
    if problem.G is None and m > limits.GRAM_MAX_EXAMPLES:
        raise CatlrInputError(
            f"stepping through training works on at most {limits.GRAM_MAX_EXAMPLES:,} training images; "
            f"this dataset has {m:,}"
        )


def gram_of(problem: Problem) -> np.ndarray:
    """G = XᵀX (m, m) of the training images: the problem's own, or computed when it was prepared primal.

    Raises:
        CatlrInputError: more than ``limits.GRAM_MAX_EXAMPLES`` training images (see :func:`check_size`).
    """
    check_size(problem)
    return problem.G if problem.G is not None else problem.X_train.T @ problem.X_train


def _decayed_sums(pushes: np.ndarray, decay: float, carry: np.ndarray) -> np.ndarray:
    """Rows y_i = pushes_i + decay·y_{i−1}, with y_{−1}·decay = ``carry`` (1, m): α_{s+1} = decay·α_s − step·r_s.

    A first-order recursive filter down the columns of ``pushes`` (k, m), in the same order of operations as
    ``scipy.signal.lfilter`` (whose import costs the server a second and 40 MB). Without L2 (decay 1) it is a
    running sum; with it, one vector operation per iteration (10,000 at most).
    """
    if decay == 1.0:
        return np.cumsum(np.vstack([carry, pushes]), axis=0)[1:]
    out = np.empty_like(pushes)
    previous = carry[0]
    for i, push in enumerate(pushes):
        out[i] = push + previous
        previous = decay * out[i]
    return out


@dataclass(frozen=True, eq=False)
class Trajectory:
    """A finished run seen as states α_t, b_t for t = 0 … n (n = iterations run).

    Attributes:
        problem: the run's problem. G: (m, m) its Gram matrix. y: (m,) labels 0/1.
        logits: (n + 1, m) float32, the run's stored training logits. b: (n + 1,) the stored biases.
        step: lr/m. decay: 1 − lr·λ/m. l2: λ. learning_rate: lr.
    """

    problem: Problem
    G: np.ndarray
    y: np.ndarray
    logits: np.ndarray
    b: np.ndarray
    step: float
    decay: float
    l2: float
    learning_rate: float

    @property
    def iterations(self) -> int:
        """n: the last iteration (the number of updates the run made)."""
        return self.logits.shape[0] - 1

    @property
    def m(self) -> int:
        return self.y.size

    def residuals(self, start: int, stop: int) -> np.ndarray:
        """a_s − y for s = start … stop − 1 from the stored logits: (stop − start, m) float64."""
        z = self.logits[start:stop].astype(np.float64)
        return logistic.sigmoid(z) - self.y

    def alphas(self, iterations) -> np.ndarray:
        """α_t (k, m) float64 at the given iterations (any order, each in 0 … n), in BLOCK_ROWS pieces."""
        wanted = np.asarray(iterations, dtype=np.intp).reshape(-1)
        if wanted.size and (wanted.min() < 0 or wanted.max() > self.iterations):
            raise CatlrInputError(f"iterations must be between 0 and {self.iterations:,}")
        out = np.zeros((wanted.size, self.m))
        last = int(wanted.max()) if wanted.size else 0
        carry = np.zeros((1, self.m))  # decay·α at the start of the block
        for start in range(0, last, BLOCK_ROWS):
            stop = min(start + BLOCK_ROWS, last)
            block = _decayed_sums(-self.step * self.residuals(start, stop), self.decay, carry)
            carry = self.decay * block[-1:]
            hit = (wanted > start) & (wanted <= stop)
            out[hit] = block[wanted[hit] - start - 1]
        return out

    def state(self, t: int) -> State:
        """The exact :class:`State` after t updates."""
        alpha = self.alphas([t])[0]
        return State(self, int(t), alpha, float(self.b[t]))


@dataclass(frozen=True, eq=False)
class State:
    """The model after t updates, and what the next update does.

    Attributes:
        trajectory: where it comes from. t: the iteration. alpha: (m,) with w = X·α. b: the bias.
    """

    trajectory: Trajectory
    t: int
    alpha: np.ndarray
    b: float

    @property
    def logits(self) -> np.ndarray:
        """z = wᵀX + b = Gα + b, (m,) float64 (computed from α, not from the stored float32 logits)."""
        return self.trajectory.G @ self.alpha + self.b

    @property
    def w(self) -> np.ndarray:
        """w = X·α, (d,) float64."""
        return self.trajectory.problem.X_train @ self.alpha

    def residual(self) -> np.ndarray:
        """a − y (m,): image i's weight in the update (positive: it pushes towards non-cat)."""
        return logistic.sigmoid(self.logits) - self.trajectory.y

    def pushes(self) -> np.ndarray:
        """y − a (m,): how hard each training image pulls the next update towards cat (+) or non-cat (−).

        The update is −lr·dw = (lr/m)·Σ (yᵢ − aᵢ)·xᵢ (plus the L2 shrink), so image i moves w along its own
        pixels by (lr/m)·(yᵢ − aᵢ).
        """
        return -self.residual()

    def gradient(self) -> tuple[np.ndarray, float]:
        """(dw (d,), db) of the training cost at this state: X(a − y)/m + λw/m, and Σ(a − y)/m."""
        traj = self.trajectory
        r = self.residual()
        coef = r / traj.m + (traj.l2 / traj.m) * self.alpha  # dw = X·coef: the penalty's λw/m is X·(λα/m)
        return traj.problem.X_train @ coef, float(r.sum() / traj.m)

    def cost(self) -> float:
        """The training cost at this state, penalty included (equal to the run's ``train_cost[t]``)."""
        traj = self.trajectory
        cost = float(logistic.cost(self.logits, traj.y))
        if traj.l2:
            cost += traj.l2 / (2 * traj.m) * float(self.alpha @ traj.G @ self.alpha)
        return cost


def from_result(result: TrainResult, problem: Problem) -> Trajectory:
    """The :class:`Trajectory` of a run trained on ``problem``.

    Raises:
        CatlrInputError: a model loaded from a file (no training history), or a problem that does not fit.
    """
    if result.loaded:
        raise CatlrInputError("a model loaded from a file has no training history to step through; train one")
    logits = result.history.logits("train")
    if logits.shape[1] != problem.m_train:
        raise CatlrInputError("this run was trained on another dataset; train it again on this one")
    config, m = result.config, problem.m_train
    return Trajectory(
        problem=problem,
        G=gram_of(problem),
        y=problem.Y_train.reshape(-1),
        logits=logits,
        b=np.asarray(result.history.b, dtype=np.float64),
        step=config.learning_rate / m,
        decay=1.0 - config.learning_rate * config.l2 / m,
        l2=config.l2,
        learning_rate=config.learning_rate,
    )


def error_shares(trajectory: Trajectory, hardest: int, iterations) -> np.ndarray:
    """The share of the total error Σ|aᵢ − yᵢ| carried by the ``hardest`` images, at each iteration given.

    Args:
        hardest: how many of the largest |aᵢ − yᵢ| to add (1 … m).
        iterations: (k,) iterations in 0 … n.

    Returns:
        (k,) shares in [0, 1] (0 where the total error is 0).
    """
    k = int(np.clip(hardest, 1, trajectory.m))
    rows = np.asarray(iterations, dtype=np.intp).reshape(-1)
    out = np.zeros(rows.size)
    for start in range(0, rows.size, BLOCK_ROWS):  # bounded memory: BLOCK_ROWS × m errors at a time
        block = rows[start : start + BLOCK_ROWS]
        errors = np.abs(logistic.sigmoid(trajectory.logits[block].astype(np.float64)) - trajectory.y)  # (k_it, m)
        top = -np.partition(-errors, k - 1, axis=1)[:, :k].sum(axis=1)
        total = errors.sum(axis=1)
        out[start : start + block.size] = np.divide(top, total, out=np.zeros_like(total), where=total > 0)
    return out
