"""What would make it a cat? The smallest change of an input, in valid pixels, that flips the model's answer.

The model's answer depends on x only through z = wᵀx + b, so the smallest change (in the Euclidean norm)
that moves z to a target t* is along w: δ = (t* − z)/‖w‖²·w. Pixels must stay in [0, 1], so where that
step pushes a pixel past its limit the pixel stops there and the rest of the way is shared, again along w,
by the pixels still free; repeated until z reaches t*. Every round has the form δ = clip(μ·w, −x, 1 − x)
with a growing μ, which is exactly the minimum-norm solution of the box-constrained problem (its KKT
conditions), so "repeat where clipping bites" is optimal, not only a heuristic.

The target is just past the boundary: t* = ±``MARGIN`` (σ(t*) = 0.5 ± 2.5e-11), so the answer flips and no
shorter step along the same path does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from catlr import logistic
from catlr.errors import CatlrInputError

MARGIN = 1e-10  # logit just past the boundary: says_cat is sure above 1e-12
MAX_ROUNDS = 10_000  # each round clips at least one more pixel; in practice a handful


@dataclass(frozen=True, eq=False)
class Flip:
    """The smallest flipping change of one input.

    Attributes:
        x: (d,) the input in [0, 1]. delta: (d,) the change (x + delta stays in [0, 1]); zeros if infeasible.
        logit_before: wᵀx + b. target: the logit aimed at. logit_after: wᵀ(x + delta) + b.
        first_logit: the logit after the first, unclipped step along w (= target up to rounding).
        rounds: steps taken (1 when no pixel hit a limit). feasible: False when even the most extreme valid
        pixels cannot reach the target (then delta is zero).
    """

    x: np.ndarray
    delta: np.ndarray
    logit_before: float
    target: float
    logit_after: float
    first_logit: float
    rounds: int
    feasible: bool

    @property
    def changed(self) -> np.ndarray:
        """x + delta, (d,) in [0, 1]."""
        return np.clip(self.x + self.delta, 0.0, 1.0)

    @property
    def grey_levels(self) -> float:
        """The mean |change| per value, in grey levels (1/255 each)."""
        return float(np.mean(np.abs(self.delta)) * 255.0)

    @property
    def norm(self) -> float:
        """‖delta‖ in [0, 1] units."""
        return float(np.linalg.norm(self.delta))

    @property
    def clipped(self) -> int:
        """How many values ended at 0 or 1 because of the change."""
        moved = self.delta != 0
        return int(np.count_nonzero(moved & ((self.changed <= 0.0) | (self.changed >= 1.0))))


def _cat(z: float) -> bool:
    """The model's 0/1 decision for one logit."""
    return bool(logistic.says_cat(z))


def _inputs(w, x) -> tuple[np.ndarray, np.ndarray]:
    w = np.asarray(w, dtype=np.float64).reshape(-1)
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    if w.shape != x.shape:
        raise CatlrInputError(f"the input has {x.size:,} values but the model has {w.size:,} weights")
    if not (np.isfinite(w).all() and np.isfinite(x).all()) or x.min(initial=0.0) < 0 or x.max(initial=0.0) > 1:
        raise CatlrInputError("the input must be finite values in [0, 1] (pixels divided by 255)")
    return w, x


def minimal_flip(w, b: float, x, margin: float = MARGIN) -> Flip:
    """The smallest change of ``x`` within valid pixels that flips the 0/1 decision σ(wᵀx + b) > 0.5.

    Args:
        w: (d,) or (d, 1) weights. b: the bias. x: (d,) or (d, 1) input in [0, 1].
        margin: how far past the boundary the logit goes (> 0).

    Returns:
        A :class:`Flip`.

    Raises:
        CatlrInputError: shapes that do not match, or values out of range.
    """
    w, x = _inputs(w, x)
    z = float(w @ x + b)
    target = -margin if _cat(z) else margin
    lo, hi = -x, 1.0 - x  # (d,) how far each value can move
    # The reachable logits: every value pushed to its limit in the helpful direction.
    extreme = np.where(w == 0, 0.0, np.where((w > 0) == (target > z), hi, lo))
    best = float(w @ (x + extreme) + b)
    all_the_way = (target > z and best < target) or (target < z and best > target)
    if all_the_way:
        if _cat(best) == _cat(z):
            return Flip(x, np.zeros_like(x), z, target, z, z, 0, False)
        target = best  # the margin is out of reach but the limit itself flips: go all the way
    mu, rounds, first = 0.0, 0, z
    delta = np.zeros_like(x)
    while rounds < MAX_ROUNDS:
        gap = target - float(w @ delta) - z
        if rounds and abs(gap) <= 1e-12 * max(1.0, abs(z)):
            break
        # Round 1 moves every value along w (the closed form); later rounds only those not held at the limit
        # they are being pushed towards.
        s = np.sign(gap) * w
        free = (w != 0) if not rounds else ((s > 0) & (mu * w < hi)) | ((s < 0) & (mu * w > lo))
        spread = float(w[free] @ w[free])
        if spread == 0:
            break
        mu += gap / spread
        if not rounds:
            first = float(w @ (x + mu * w) + b)  # before clipping: the closed form's own logit
        rounds += 1
        delta = np.clip(mu * w, lo, hi)
    if all_the_way:  # exactly the limit: the loop's tolerance can stop a hair short of it, on the wrong side
        delta = extreme
    after = float(w @ (x + delta) + b)
    return Flip(x, delta, z, target, after, first, rounds, True)
