"""catlr.metrics: the baseline, the Wilson interval, the confusion matrix and ROC, against independent computations."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from catlr import metrics
from catlr.errors import CatlrInputError
from tests.helpers import real_split, seeded

# --- baseline ------------------------------------------------------------------------------------


def test_majority_baseline_on_the_real_labels(real_data_dir):
    _, y_train = real_split(real_data_dir, "train")
    _, y_test = real_split(real_data_dir, "test")
    base = metrics.majority_baseline(y_train.reshape(1, -1), y_test.reshape(1, -1))
    # The README's class balance: train 137 non-cat / 72 cat, test 17 non-cat / 33 cat.
    assert (base.label, base.name) == (0, "non-cat")
    assert base.train_share == pytest.approx(137 / 209)
    assert base.test_accuracy == pytest.approx(0.34)
    assert (base.best_label, base.best_name, base.best_test_accuracy) == (1, "cat", pytest.approx(0.66))
    assert "34%" in base.sentence and "non-cat" in base.sentence
    assert "66%" in base.best_sentence and "ceiling" in base.best_sentence


def test_majority_baseline_when_train_and_test_agree_and_on_ties():
    base = metrics.majority_baseline(np.array([1, 1, 0]), np.array([1, 1, 1, 0]), classes=("dog", "cat"))
    assert (base.name, base.test_accuracy, base.best_name, base.best_test_accuracy) == ("cat", 0.75, "cat", 0.75)
    tie = metrics.majority_baseline(np.array([0, 1]), np.array([1, 1]))
    assert tie.label == 0 and tie.test_accuracy == 0.0 and tie.best_test_accuracy == 1.0


@pytest.mark.parametrize(
    ("y_train", "message"),
    [
        pytest.param(np.array([]), "empty", id="empty"),
        pytest.param(np.array([0, 2]), "0 or 1", id="not-binary"),
        pytest.param(np.array([0.0, np.nan]), "0 or 1", id="nan"),
    ],
)
def test_majority_baseline_rejects_bad_labels(y_train, message):
    with pytest.raises(CatlrInputError, match=message):
        metrics.majority_baseline(y_train, np.array([0, 1]))


# --- Wilson interval -----------------------------------------------------------------------------


def test_wilson_interval_hand_worked_values():
    # k = 5, n = 10, z = 2: centre (0.5 + 0.2) / 1.4 = 0.5; half = (2 / 1.4)·√(0.025 + 0.01) = 1/√14.
    low, high = metrics.wilson_interval(5, 10, z=2.0)
    assert (low, high) == (pytest.approx(0.5 - 1 / math.sqrt(14)), pytest.approx(0.5 + 1 / math.sqrt(14)))
    # k = 0, n = 4, z = 2: centre 0.5 / 2 = 0.25; half = 1·√(4 / 64) = 0.25.
    assert metrics.wilson_interval(0, 4, z=2.0) == (pytest.approx(0.0, abs=1e-15), pytest.approx(0.5))


@given(n=st.integers(1, 10_000), data=st.data())
def test_wilson_interval_properties(n, data):
    k = data.draw(st.integers(0, n))
    low, high = metrics.wilson_interval(k, n)
    assert 0.0 <= low <= k / n <= high <= 1.0
    # Swapping successes and failures mirrors the interval.
    mlow, mhigh = metrics.wilson_interval(n - k, n)
    assert low == pytest.approx(1.0 - mhigh, abs=1e-12) and high == pytest.approx(1.0 - mlow, abs=1e-12)


def test_wilson_interval_narrows_with_more_trials():
    assert np.diff(metrics.wilson_interval(35, 50)) > np.diff(metrics.wilson_interval(350, 500))


@pytest.mark.parametrize(
    ("k", "n", "message"),
    [
        pytest.param(0, 0, "at least one trial", id="n0"),
        pytest.param(6, 5, "between 0 and n", id="k>n"),
        pytest.param(-1, 5, "between 0 and n", id="k<0"),
    ],
)
def test_wilson_interval_rejects_impossible_counts(k, n, message):
    with pytest.raises(CatlrInputError, match=message):
        metrics.wilson_interval(k, n)


# --- confusion and ROC ---------------------------------------------------------------------------


def test_confusion_counts_by_hand():
    y = np.array([[1, 1, 1, 0, 0, 0, 1]])
    p = np.array([[0.9, 0.5, 0.2, 0.7, 0.1, 0.5, 0.51]])  # 0.5 is non-cat, as in the exercise's predict
    c = metrics.confusion(y, p)
    assert (c.tp, c.fp, c.tn, c.fn) == (2, 1, 2, 2)
    assert c.accuracy == pytest.approx(4 / 7) and c.precision == pytest.approx(2 / 3) and c.recall == 0.5
    strict = metrics.confusion(y, p, threshold=0.95)
    assert (strict.tp, strict.fp) == (0, 0) and math.isnan(strict.precision) and strict.recall == 0.0


def test_confusion_rejects_mismatched_lengths_and_bad_thresholds():
    with pytest.raises(CatlrInputError, match="3 probabilities for 2 labels"):
        metrics.confusion(np.array([0, 1]), np.array([0.1, 0.2, 0.3]))
    with pytest.raises(CatlrInputError, match="threshold"):
        metrics.confusion(np.array([0, 1]), np.array([0.1, 0.2]), threshold=1.0)


def _pairwise_auc(y: np.ndarray, s: np.ndarray) -> float:
    """O(n²) oracle: P(score of a cat > score of a non-cat), ties counting half."""
    pos, neg = s[y == 1], s[y == 0]
    wins = sum((a > b) + 0.5 * (a == b) for a in pos for b in neg)
    return wins / (pos.size * neg.size)


@pytest.mark.parametrize("seed", range(6))
def test_auc_matches_the_pairwise_definition(seed):
    rng = seeded(seed)
    m = int(rng.integers(5, 60))
    y = rng.integers(0, 2, size=m)
    y[:2] = [0, 1]
    s = np.round(rng.normal(size=m) + 0.8 * y, 1)  # rounding makes ties
    fpr, tpr, thr = metrics.roc_curve(y, s)
    assert (fpr[0], tpr[0], fpr[-1], tpr[-1]) == (0.0, 0.0, 1.0, 1.0)
    assert np.all(np.diff(fpr) >= 0) and np.all(np.diff(tpr) >= 0)
    assert thr[0] == np.inf and np.all(np.diff(thr) < 0)
    assert thr.size == np.unique(s).size + 1
    assert metrics.auc(fpr, tpr) == pytest.approx(_pairwise_auc(y, s), abs=1e-12)


def test_roc_curve_points_are_the_confusion_rates_at_each_threshold():
    rng = seeded(9)
    y = rng.integers(0, 2, size=30)
    y[:2] = [0, 1]
    s = rng.random(30)
    fpr, tpr, thr = metrics.roc_curve(y, s)
    for f, t, th in zip(fpr[1:], tpr[1:], thr[1:], strict=True):
        pred = s >= th
        assert t == pytest.approx(np.mean(pred[y == 1])) and f == pytest.approx(np.mean(pred[y == 0]))


def test_roc_with_all_scores_tied_is_the_diagonal():
    fpr, tpr, _ = metrics.roc_curve(np.array([0, 1, 1, 0]), np.full(4, 0.3))
    assert fpr.tolist() == [0.0, 1.0] and tpr.tolist() == [0.0, 1.0]
    assert metrics.auc(fpr, tpr) == 0.5


def test_roc_rejects_one_class_and_non_finite_scores():
    with pytest.raises(CatlrInputError, match="both classes"):
        metrics.roc_curve(np.array([1, 1]), np.array([0.1, 0.2]))
    with pytest.raises(CatlrInputError, match="finite"):
        metrics.roc_curve(np.array([0, 1]), np.array([0.1, np.nan]))
    with pytest.raises(CatlrInputError, match="non-decreasing"):
        metrics.auc(np.array([0.0, 1.0, 0.5]), np.array([0.0, 1.0, 1.0]))
