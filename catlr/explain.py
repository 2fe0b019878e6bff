"""Exact explanations of a linear model's predictions, its training curve and how unusual a photo is.

The model is linear in the pixels, z = wᵀx + b, so every explanation here is exact, not an
approximation: a prediction's logit is the bias plus one term per pixel channel, the weights are an
image, and "how far is this photo from anything the model has seen" is a plain Euclidean distance.
Pure NumPy; no plotting library, no printing.

Conventions: ``w`` has shape (num_px·num_px·3, 1) (or any shape with that many entries), flattened
in the seed's row-major order (pixel by pixel, channels innermost); images are (num_px, num_px, 3)
uint8 and the model sees ``image / 255``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from catlr.arrays import square_rgb
from catlr.colours import weights_grid
from catlr.errors import CatlrInputError
from catlr.logistic import sigmoid
from catlr.metrics import check_threshold


@dataclass(frozen=True)
class Contribution:
    """One prediction taken apart: logit = bias + positive + negative, exactly.

    Attributes:
        pixel_map: (n, n) Σ over channels of wᵢ·xᵢ: each pixel's push towards "cat" (> 0) or away.
        bias: the model's b.
        positive: sum of the positive per-channel terms wᵢ·xᵢ.
        negative: sum of the negative per-channel terms (≤ 0).
        logit: z = bias + positive + negative (= wᵀx + b).
        probability: σ(z), P(cat).
    """

    pixel_map: np.ndarray
    bias: float
    positive: float
    negative: float
    logit: float
    probability: float


def contributions(w: np.ndarray, b: float, image: np.ndarray) -> Contribution:
    """Split the model's logit for one image into its per-pixel terms.

    Args:
        w: (n·n·3, 1) weights; b: bias.
        image: (n, n, 3) uint8, the image the model sees (already resized).

    Returns:
        A :class:`Contribution`.
    """
    image = square_rgb(image)
    n = image.shape[0]
    terms = weights_grid(w, n) * (image / 255.0)  # (n, n, 3)
    flat = terms.ravel()
    positive = math.fsum(flat[flat > 0])
    negative = math.fsum(flat[flat < 0])
    bias = float(b)
    logit = bias + positive + negative
    return Contribution(
        pixel_map=terms.sum(axis=2),
        bias=bias,
        positive=positive,
        negative=negative,
        logit=logit,
        probability=float(sigmoid(logit)),
    )



@dataclass(frozen=True)
class Diagnosis:
    """What a cost curve says about the learning rate.

    Attributes:
        kind: "diverging", "oscillating", "too slow" or "good".
        sentence: a plain-language reading with a suggestion.
    """

    kind: str
    sentence: str


# Thresholds of diagnose_curve (see its docstring).
OSCILLATION_PEAK = 2.0
OSCILLATION_SHARE = 0.1
SLOW_TOTAL_DROP = 0.25
SLOW_TAIL_RATIO = 0.5


def diagnose_curve(costs: np.ndarray, every: int = 1) -> Diagnosis:
    """Read a training cost curve, applying these rules in order:

    1. **diverging**: a cost is not finite, or the last cost is above the first.
    2. **oscillating**: the cost overshoots: at some point it is more than ``OSCILLATION_PEAK`` (2×)
       its first value, or it is still going up and down in the second half of the curve (there,
       at least 3 and at least ``OSCILLATION_SHARE`` (10 %) of the steps that change the cost
       reverse the direction of the step before). A brief early wobble that settles (the exercise's
       rate 0.005 on the cat data rises to 1.3× its first cost in the first few hundred
       iterations) is not flagged.
    3. **too slow**: the cost fell by less than ``SLOW_TOTAL_DROP`` (25 %) of its first value, or it
       is still falling nearly as fast as it started (the drop over the second half is at least
       ``SLOW_TAIL_RATIO`` of the drop over the first half), i.e. it has not begun to level off.
    4. **good** otherwise: a clear fall that levels off.

    Args:
        costs: (k,) costs, k ≥ 2; index i is iteration i·every.
        every: iterations between entries (100 for the exercise's ``costs`` list).

    Returns:
        A :class:`Diagnosis`.
    """
    c = np.asarray(costs, dtype=np.float64).ravel()
    if c.size < 2:
        raise CatlrInputError("a cost curve needs at least two points to read; train for more iterations")
    if isinstance(every, bool) or not isinstance(every, int | np.integer) or every < 1:
        raise CatlrInputError(f"every must be a whole number ≥ 1; got {every!r}")
    scale = max(abs(float(c[0])), 1e-12)
    return _diverging(c, every, scale) or _oscillating(c, every, scale) or _settled(c, scale)


def _diverging(c: np.ndarray, every: int, scale: float) -> Diagnosis | None:
    """Rule 1 of :func:`diagnose_curve`."""
    bad = np.flatnonzero(~np.isfinite(c))
    if bad.size:
        return Diagnosis(
            "diverging",
            f"The cost stopped being a finite number at iteration {bad[0] * every}: the steps are far too "
            "large. Lower the learning rate (try 10× smaller).",
        )
    first, last = float(c[0]), float(c[-1])
    if last > first + 1e-9 * scale:
        return Diagnosis(
            "diverging",
            f"The cost ended higher than it started ({last:.4g} vs {first:.4g}): each step overshoots. "
            "Lower the learning rate.",
        )
    return None


def _oscillating(c: np.ndarray, every: int, scale: float) -> Diagnosis | None:
    """Rule 2 of :func:`diagnose_curve`."""
    first, mid = float(c[0]), (c.size - 1) // 2
    d = np.diff(c)  # d[i] = c[i + 1] - c[i]
    moving = np.abs(d) > 1e-12 * scale  # ignore rounding noise on a plateau
    late = np.sign(d[mid:][moving[mid:]])
    late_reversals = int(np.sum(late[1:] != late[:-1]))
    peak_at = int(np.argmax(c))
    if c[peak_at] > OSCILLATION_PEAK * first:
        return Diagnosis(
            "oscillating",
            f"The cost shot up to {c[peak_at]:.4g} at iteration {peak_at * every} (it started at {first:.4g}): "
            "the steps overshoot the minimum. A smaller learning rate gives a smoother descent.",
        )
    if late_reversals >= 3 and late_reversals >= OSCILLATION_SHARE * max(late.size - 1, 1):
        return Diagnosis(
            "oscillating",
            f"The cost is still going up and down in the second half of training ({late_reversals} reversals): "
            "the steps overshoot the minimum. Lower the learning rate.",
        )
    return None


def _settled(c: np.ndarray, scale: float) -> Diagnosis:
    """Rules 3 and 4 of :func:`diagnose_curve`."""
    mid = (c.size - 1) // 2
    total_drop = (float(c[0]) - float(c[-1])) / scale
    head, tail = c[0] - c[mid], c[mid] - c[-1]
    if total_drop < SLOW_TOTAL_DROP or tail >= SLOW_TAIL_RATIO * head:
        return Diagnosis(
            "too slow",
            f"The cost fell only {total_drop:.0%} and is still falling steadily at the end: learning is too "
            "slow. Raise the learning rate or train for more iterations.",
        )
    return Diagnosis(
        "good",
        f"The cost fell {total_drop:.0%} and levels off: this learning rate works. More iterations would "
        "lower the training cost a little; watch the test accuracy, not just the cost.",
    )


def _pixels(images: np.ndarray) -> np.ndarray:
    """(m, n, n, 3) uint8 → (m, n·n·3) float64 in [0, 1]."""
    images = np.asarray(images)
    if images.dtype != np.uint8 or images.ndim != 4 or images.shape[3] != 3 or images.shape[0] == 0:
        raise CatlrInputError(f"images must be a non-empty uint8 array (m, n, n, 3); got {images.dtype} {images.shape}")
    return images.reshape(images.shape[0], -1) / 255.0


def nearest_images(x: np.ndarray, images: np.ndarray, k: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """The k images closest to x (Euclidean distance between /255 pixel vectors).

    Args:
        x: (n, n, 3) uint8.
        images: (m, n, n, 3) uint8.
        k: how many, ≥ 1 (at most m are returned).

    Returns:
        (indices (k,), distances (k,)), nearest first; ties go to the lower index.
    """
    x = square_rgb(x, "photo")
    pool = _pixels(images)
    if images.shape[1:] != x.shape:
        raise CatlrInputError(f"photo shape {x.shape} does not match image shape {images.shape[1:]}")
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise CatlrInputError(f"k must be a whole number ≥ 1; got {k!r}")
    dist = np.sqrt(np.sum((pool - x.reshape(1, -1) / 255.0) ** 2, axis=1))  # (m,)
    order = np.argsort(dist, kind="stable")[: int(k)]
    return order, dist[order]


def typical_distance(images: np.ndarray, percentile: float = 95.0) -> float:
    """The given percentile of each image's distance to its nearest *other* image in the set.

    Args:
        images: (m, n, n, 3) uint8, m ≥ 2.
        percentile: in [0, 100].
    """
    pool = _pixels(images)  # (m, d)
    if pool.shape[0] < 2:
        raise CatlrInputError("need at least two images to measure how far apart they typically are")
    if not 0.0 <= percentile <= 100.0:
        raise CatlrInputError(f"percentile must be in [0, 100]; got {percentile!r}")
    sq = np.sum(pool * pool, axis=1)  # (m,)
    d2 = sq[:, None] + sq[None, :] - 2.0 * (pool @ pool.T)  # (m, m)
    np.fill_diagonal(d2, np.inf)
    nn = np.sqrt(np.maximum(d2.min(axis=1), 0.0))  # (m,) leave-one-out nearest-neighbour distances
    return float(np.percentile(nn, percentile))


@dataclass(frozen=True)
class Novelty:
    """How far a photo is from the training images.

    Attributes:
        distance: distance to the nearest training image.
        typical: the 95th percentile of the training images' nearest-neighbour distances.
        is_unusual: distance > typical.
        sentence: a plain-language reading.
    """

    distance: float
    typical: float
    is_unusual: bool
    sentence: str


def novelty(nearest: float, typical: float) -> Novelty:
    """Is this photo unlike anything the model was trained on?

    Args:
        nearest: the photo's distance to its nearest training image (from :func:`nearest_images`).
        typical: the :func:`typical_distance` of the training images (it costs O(m²·d): compute it once per
            dataset).

    Returns:
        A :class:`Novelty`.
    """
    distance = float(nearest)
    unusual = distance > typical
    if unusual:
        sentence = (
            f"This photo is unlike the training images: its nearest one is {distance:.1f} away, while 95% of "
            f"training images have a neighbour within {typical:.1f}. Trust the answer less."
        )
    else:
        sentence = (
            f"This photo is about as close to the training images as they are to each other "
            f"(nearest {distance:.1f}; 95% of training images have a neighbour within {typical:.1f})."
        )
    return Novelty(distance=distance, typical=float(typical), is_unusual=bool(unusual), sentence=sentence)


def flip_iteration(logits_over_iterations: np.ndarray, threshold: float = 0.5) -> int | None:
    """The last iteration at which the prediction for one image changed.

    Args:
        logits_over_iterations: (n_iter + 1,) the image's logit after 0, 1, …, n_iter updates.
        threshold: "cat" when σ(z) > threshold.

    Returns:
        The iteration i ≥ 1 whose prediction differs from iteration i − 1's (the last such), or
        None if the prediction never changed.
    """
    z = np.asarray(logits_over_iterations, dtype=np.float64).ravel()
    if np.any(np.isnan(z)):
        raise CatlrInputError("logits must not be NaN")
    pred = sigmoid(z) > check_threshold(threshold)  # (n_iter + 1,)
    changes = np.flatnonzero(pred[1:] != pred[:-1])
    return int(changes[-1]) + 1 if changes.size else None


OVERFIT_RISE = 0.05  # the test cost ends 5 % above its lowest: overfitting, not noise


def overfits(train_cost, test_cost, rise: float = OVERFIT_RISE) -> bool:
    """Whether a run overfits, read off its two cost curves: the test cost ends more than ``rise`` (relative)
    above its lowest value while the train cost at the end is below its value there (the model keeps fitting the
    training set better as it gets worse on images it never saw).

    Args:
        train_cost: (n+1,) the train cost at every iteration. test_cost: (n+1,) the test cost at every iteration.

    Raises:
        CatlrInputError: curves of different lengths, fewer than two points, or costs that are not finite.
    """
    train, test = np.asarray(train_cost, dtype=np.float64), np.asarray(test_cost, dtype=np.float64)
    if train.shape != test.shape or train.ndim != 1 or train.size < 2:
        raise CatlrInputError("overfitting is read from two cost curves of the same run, two points or more")
    if not (np.isfinite(train).all() and np.isfinite(test).all()):
        raise CatlrInputError("overfitting is read from finite costs; this run diverged")
    lowest = int(np.argmin(test))
    return bool(test[-1] > test[lowest] * (1.0 + rise) and train[-1] < train[lowest])
