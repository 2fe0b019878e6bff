"""Honest yardsticks for a classifier's scores: the majority baseline, a Wilson interval, the confusion matrix, ROC.

Pure NumPy. Labels are 0/1 (validated by :func:`catlr.arrays.zero_one`); scores are P(cat) in [0, 1].
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from catlr.arrays import zero_one
from catlr.errors import CatlrInputError


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
    train = zero_one(y_train, "training labels")
    test = zero_one(y_test, "test labels")
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
        """The true-positive rate: the share of cats called cats."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else math.nan

    @property
    def false_positive_rate(self) -> float:
        """The share of non-cats called cats (the x of this threshold's point on the ROC curve)."""
        return self.fp / (self.fp + self.tn) if self.fp + self.tn else math.nan


def check_threshold(threshold: float) -> float:
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
    y = zero_one(y_true, "labels")
    p = np.asarray(p, dtype=np.float64).ravel()
    if p.shape != y.shape:
        raise CatlrInputError(f"{p.size} probabilities for {y.size} labels")
    pred = p > check_threshold(threshold)
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
    y = zero_one(y_true, "labels")
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

