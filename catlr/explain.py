"""Exact explanations of a linear model's predictions, and honest yardsticks for its scores.

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

from catlr.errors import CatlrInputError
from catlr.model import sigmoid

# ColorBrewer RdBu, reversed (blue = negative, near-white = zero, red = positive): the 11 anchors
# matplotlib's 'RdBu_r' interpolates between, so this matches it without importing matplotlib.
_RDBU_R = (
    np.array(
        [
            [0x05, 0x30, 0x61],
            [0x21, 0x66, 0xAC],
            [0x43, 0x93, 0xC3],
            [0x92, 0xC5, 0xDE],
            [0xD1, 0xE5, 0xF0],
            [0xF7, 0xF7, 0xF7],
            [0xFD, 0xDB, 0xC7],
            [0xF4, 0xA5, 0x82],
            [0xD6, 0x60, 0x4D],
            [0xB2, 0x18, 0x2B],
            [0x67, 0x00, 0x1F],
        ],
        dtype=np.float64,
    )
    / 255.0
)  # (11, 3)


def _check_image(image: np.ndarray, what: str = "image") -> np.ndarray:
    image = np.asarray(image)
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3 or image.shape[0] != image.shape[1]:
        raise CatlrInputError(f"{what} must be a square RGB uint8 array (n, n, 3); got {image.dtype} {image.shape}")
    return image


def _weights_for(w: np.ndarray, num_px: int) -> np.ndarray:
    w = np.asarray(w, dtype=np.float64)
    if w.size != num_px * num_px * 3:
        side = math.isqrt(w.size // 3)
        raise CatlrInputError(
            f"the model expects {side}×{side} images ({w.size:,} weights) but got {num_px}×{num_px}; "
            "use a model trained at this image size"
        )
    return w.reshape(num_px, num_px, 3)


def diverging_rgb(values: np.ndarray, limit: float | None = None) -> np.ndarray:
    """Colour values with a blue-white-red map centred on zero.

    Args:
        values: any shape (...), finite floats.
        limit: the value drawn as full red (−limit full blue); default max|values|. 0 draws all white.

    Returns:
        (..., 3) uint8 RGB.
    """
    values = np.asarray(values, dtype=np.float64)
    if limit is None:
        limit = float(np.max(np.abs(values))) if values.size else 0.0
    if not math.isfinite(limit) or limit < 0:
        raise CatlrInputError(f"colour limit must be a finite number ≥ 0; got {limit!r}")
    scaled = np.zeros_like(values) if limit == 0 else np.clip(values / limit, -1.0, 1.0)
    # Position along the 11 anchors: −1 → 0, 0 → 5, +1 → 10.
    pos = (scaled + 1.0) * 5.0
    lo = np.minimum(np.floor(pos).astype(np.intp), 9)
    frac = (pos - lo)[..., None]
    rgb = _RDBU_R[lo] * (1.0 - frac) + _RDBU_R[lo + 1] * frac
    return np.rint(rgb * 255.0).astype(np.uint8)


def weights_image(w: np.ndarray, num_px: int) -> np.ndarray:
    """The weights as the image they multiply.

    Args:
        w: (num_px·num_px·3, 1) weights in the seed's flatten order.
        num_px: image side.

    Returns:
        (num_px, num_px, 3) float64; entry [i, j, c] is the weight on pixel (i, j), channel c.
    """
    return _weights_for(w, num_px).copy()


def weights_to_rgb(w_img: np.ndarray, channel: int | None = None) -> np.ndarray:
    """Render a weights image with a diverging map: red pushes towards "cat", blue away, white is 0.

    Args:
        w_img: (n, n, 3) weights, e.g. from :func:`weights_image`.
        channel: 0, 1 or 2 to draw one colour channel's weights; None draws their sum per pixel
            (the weight a grey pixel of that brightness would receive).

    Returns:
        (n, n, 3) uint8; the colour limit is symmetric, ±max|shown weights|.
    """
    w_img = np.asarray(w_img, dtype=np.float64)
    if w_img.ndim != 3 or w_img.shape[2] != 3:
        raise CatlrInputError(f"weights image must have shape (n, n, 3); got {w_img.shape}")
    if channel is None:
        shown = w_img.sum(axis=2)
    elif channel in (0, 1, 2):
        shown = w_img[:, :, channel]
    else:
        raise CatlrInputError(f"channel must be 0 (red), 1 (green), 2 (blue) or None; got {channel!r}")
    return diverging_rgb(shown)


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
    image = _check_image(image)
    n = image.shape[0]
    terms = _weights_for(w, n) * (image / 255.0)  # (n, n, 3)
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


def overlay(image: np.ndarray, pixel_map: np.ndarray, alpha: float = 0.6) -> np.ndarray:
    """Draw a contribution map over a greyscale copy of the image.

    Each pixel is blended towards its diverging colour in proportion to how strong it is, so neutral
    pixels show the photo and the strongest ones are ``alpha`` colour.

    Args:
        image: (n, n, 3) uint8.
        pixel_map: (n, n) signed values (e.g. ``Contribution.pixel_map``).
        alpha: opacity of the strongest pixel, in [0, 1].

    Returns:
        (n, n, 3) uint8.
    """
    image = _check_image(image)
    pixel_map = np.asarray(pixel_map, dtype=np.float64)
    if pixel_map.shape != image.shape[:2]:
        raise CatlrInputError(f"map shape {pixel_map.shape} does not match image shape {image.shape[:2]}")
    if not (isinstance(alpha, int | float) and 0.0 <= alpha <= 1.0):
        raise CatlrInputError(f"alpha must be a number in [0, 1]; got {alpha!r}")
    grey = image.astype(np.float64) @ np.array([0.299, 0.587, 0.114])  # (n, n) luma
    colour = diverging_rgb(pixel_map).astype(np.float64)
    limit = float(np.max(np.abs(pixel_map))) if pixel_map.size else 0.0
    strength = np.zeros_like(pixel_map) if limit == 0 else np.abs(pixel_map) / limit
    a = (alpha * strength)[..., None]  # (n, n, 1)
    out = (1.0 - a) * grey[..., None] + a * colour
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def _labels(y: np.ndarray, what: str) -> np.ndarray:
    y = np.asarray(y).ravel()
    if y.size == 0:
        raise CatlrInputError(f"{what} are empty")
    if not np.all((y == 0) | (y == 1)):
        raise CatlrInputError(f"{what} must be 0 or 1")
    return y.astype(np.int64)


@dataclass(frozen=True)
class Baseline:
    """What guessing without looking at the image scores.

    Attributes:
        label, name: the class most common in the training labels (ties: label 0).
        train_share: its share of the training labels.
        test_accuracy: the test accuracy of always answering it, a fraction — the fair baseline.
        best_label, best_name, best_test_accuracy: the constant answer that scores best on the test
            set; picking it needs the test labels, so it is a ceiling for guessing, not a baseline.
        sentence: explains ``test_accuracy``.
        best_sentence: explains ``best_test_accuracy``.
    """

    label: int
    name: str
    train_share: float
    test_accuracy: float
    best_label: int
    best_name: str
    best_test_accuracy: float
    sentence: str
    best_sentence: str


def majority_baseline(
    y_train: np.ndarray, y_test: np.ndarray, classes: tuple[str, str] = ("non-cat", "cat")
) -> Baseline:
    """The majority-class baseline, and the best constant guess on the test set.

    Args:
        y_train: (1, m_train) or (m_train,) labels in {0, 1}.
        y_test: (1, m_test) or (m_test,) labels in {0, 1}.
        classes: names of label 0 and label 1.

    Returns:
        A :class:`Baseline`.
    """
    train = _labels(y_train, "training labels")
    test = _labels(y_test, "test labels")
    train_counts = np.bincount(train, minlength=2)
    test_share_cat = float(test.mean())
    label = int(np.argmax(train_counts))
    acc = test_share_cat if label == 1 else 1.0 - test_share_cat
    best = 1 if test_share_cat > 0.5 else 0
    best_acc = max(test_share_cat, 1.0 - test_share_cat)
    name, best_name = classes[label], classes[best]
    sentence = (
        f'Always answering "{name}", the most common class in the training set '
        f"({train_counts[label]} of {train.size}), scores {acc:.0%} on the test set"
        + (
            ", worse than a coin flip, because the test set leans the other way."
            if acc < 0.5
            else "; a model must beat this to have learned anything from the pictures."
        )
    )
    best_sentence = (
        f'The best constant answer on the test set is "{best_name}" at {best_acc:.0%}: '
        f"{int(np.sum(test == best))} of its {test.size} images are {best_name}. Choosing it needs the test "
        "labels, so it is a ceiling for guessing, not a fair baseline."
    )
    return Baseline(
        label=label,
        name=name,
        train_share=float(train_counts[label] / train.size),
        test_accuracy=acc,
        best_label=best,
        best_name=best_name,
        best_test_accuracy=best_acc,
        sentence=sentence,
        best_sentence=best_sentence,
    )


def wilson_interval(successes: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval for a proportion (95 % by default).

    Args:
        successes: correct answers, 0 ≤ successes ≤ n.
        n: trials, > 0.
        z: standard-normal quantile (1.96 for 95 %).

    Returns:
        (low, high) as fractions in [0, 1].
    """
    if n <= 0:
        raise CatlrInputError(f"an interval needs at least one trial; got n = {n}")
    if not 0 <= successes <= n:
        raise CatlrInputError(f"successes must be between 0 and n = {n}; got {successes}")
    if not (math.isfinite(z) and z > 0):
        raise CatlrInputError(f"z must be a positive number; got {z!r}")
    p = successes / n
    z2n = z * z / n
    centre = (p + z2n / 2.0) / (1.0 + z2n)
    half = z / (1.0 + z2n) * math.sqrt(p * (1.0 - p) / n + z2n / (4.0 * n))
    # At 0 or n successes the bound is exactly 0 or 1; rounding must not move it off p̂.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


@dataclass(frozen=True)
class Confusion:
    """Counts of a thresholded prediction; "positive" is label 1 (cat).

    Rates with a zero denominator (e.g. precision when nothing is predicted "cat") are NaN.
    """

    tp: int
    fp: int
    tn: int
    fn: int

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.tn + self.fn

    @property
    def accuracy(self) -> float:
        return (self.tp + self.tn) / self.n if self.n else math.nan

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else math.nan

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else math.nan


def _check_threshold(threshold: float) -> float:
    if not (isinstance(threshold, int | float) and 0.0 < threshold < 1.0):
        raise CatlrInputError(f"threshold must be a probability strictly between 0 and 1; got {threshold!r}")
    return float(threshold)


def confusion(y_true: np.ndarray, p: np.ndarray, threshold: float = 0.5) -> Confusion:
    """Confusion counts when "cat" means p > threshold (the exercise's ``predict`` rule at 0.5).

    Args:
        y_true: (1, m) or (m,) labels in {0, 1}.
        p: (1, m) or (m,) probabilities.
        threshold: in (0, 1).
    """
    y = _labels(y_true, "labels")
    p = np.asarray(p, dtype=np.float64).ravel()
    if p.shape != y.shape:
        raise CatlrInputError(f"{p.size} probabilities for {y.size} labels")
    pred = p > _check_threshold(threshold)
    pos = y == 1
    return Confusion(
        tp=int(np.sum(pred & pos)),
        fp=int(np.sum(pred & ~pos)),
        tn=int(np.sum(~pred & ~pos)),
        fn=int(np.sum(~pred & pos)),
    )


def roc_curve(y_true: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ROC curve: one point per distinct score, tied scores moving together.

    Point k says "cat when score ≥ thresholds[k]". The first point is (0, 0) at threshold +inf, the
    last (1, 1) at the lowest score.

    Args:
        y_true: (m,) labels in {0, 1}, both present.
        scores: (m,) finite scores (probabilities or logits: the curve is the same).

    Returns:
        (fpr, tpr, thresholds), each (k + 1,) for k distinct scores.
    """
    y = _labels(y_true, "labels")
    s = np.asarray(scores, dtype=np.float64).ravel()
    if s.shape != y.shape:
        raise CatlrInputError(f"{s.size} scores for {y.size} labels")
    if not np.all(np.isfinite(s)):
        raise CatlrInputError("scores must be finite")
    n_pos = int(y.sum())
    n_neg = y.size - n_pos
    if n_pos == 0 or n_neg == 0:
        raise CatlrInputError("an ROC curve needs both classes among the labels")
    order = np.argsort(-s, kind="stable")
    s, y = s[order], y[order]
    last_of_tie = np.r_[s[1:] != s[:-1], True]  # (m,) True at the last index of each run of equal scores
    tp = np.cumsum(y)[last_of_tie]
    fp = np.cumsum(1 - y)[last_of_tie]
    fpr = np.r_[0.0, fp / n_neg]
    tpr = np.r_[0.0, tp / n_pos]
    thresholds = np.r_[np.inf, s[last_of_tie]]
    return fpr, tpr, thresholds


def auc(fpr: np.ndarray, tpr: np.ndarray) -> float:
    """Area under a curve by the trapezoid rule (fpr non-decreasing), e.g. from :func:`roc_curve`."""
    fpr = np.asarray(fpr, dtype=np.float64)
    tpr = np.asarray(tpr, dtype=np.float64)
    if fpr.shape != tpr.shape or fpr.ndim != 1 or fpr.size < 2:
        raise CatlrInputError("fpr and tpr must be 1-D arrays of the same length ≥ 2")
    if np.any(np.diff(fpr) < 0):
        raise CatlrInputError("fpr must be non-decreasing")
    return float(np.trapezoid(tpr, fpr))


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
    bad = np.flatnonzero(~np.isfinite(c))
    if bad.size:
        return Diagnosis(
            "diverging",
            f"The cost stopped being a finite number at iteration {bad[0] * every}: the steps are far too "
            "large. Lower the learning rate (try 10× smaller).",
        )
    first, last = float(c[0]), float(c[-1])
    scale = max(abs(first), 1e-12)
    if last > first + 1e-9 * scale:
        return Diagnosis(
            "diverging",
            f"The cost ended higher than it started ({last:.4g} vs {first:.4g}): each step overshoots. "
            "Lower the learning rate.",
        )
    mid = (c.size - 1) // 2
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
    total_drop = (first - last) / scale
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
    x = _check_image(x, "photo")
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


def novelty(x: np.ndarray, images: np.ndarray, typical: float | None = None) -> Novelty:
    """Is this photo unlike anything the model was trained on?

    Args:
        x: (n, n, 3) uint8.
        images: (m, n, n, 3) uint8 training images.
        typical: a precomputed :func:`typical_distance` of ``images`` (it costs O(m²·d); cache it).

    Returns:
        A :class:`Novelty`.
    """
    _, dist = nearest_images(x, images, k=1)
    if typical is None:
        typical = typical_distance(images)
    distance = float(dist[0])
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
    pred = sigmoid(z) > _check_threshold(threshold)  # (n_iter + 1,)
    changes = np.flatnonzero(pred[1:] != pred[:-1])
    return int(changes[-1]) + 1 if changes.size else None
