"""catlr.explain: exact explanations, checked against independent computations."""

from __future__ import annotations

import math

import h5py
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from catlr import explain
from catlr.errors import CatlrInputError

RNG_SEED = 1234


def _rng(seed: int = RNG_SEED) -> np.random.Generator:
    return np.random.default_rng(seed)


def _seed_flatten(images: np.ndarray) -> np.ndarray:
    """The exercise's own preprocessing, written out here as the oracle: (m, n, n, 3) → (d, m)."""
    return images.reshape(images.shape[0], -1).T / 255.0


def _real_split(folder, name: str) -> tuple[np.ndarray, np.ndarray]:
    with h5py.File(folder / f"{name}_catvnoncat.h5", "r") as f:
        return f[f"{name}_set_x"][:], f[f"{name}_set_y"][:]


# --- weights as an image -------------------------------------------------------------------------


def test_weights_image_matches_the_seed_flatten_order():
    rng = _rng()
    n = 5
    w = rng.normal(size=(n * n * 3, 1))
    img = rng.integers(0, 256, size=(n, n, 3), dtype=np.uint8)
    w_img = explain.weights_image(w, n)
    assert w_img.shape == (n, n, 3) and w_img.dtype == np.float64
    # Multiplying pixel-by-pixel must give the same logit as wᵀx in the seed's convention.
    assert np.sum(w_img * img / 255.0) == pytest.approx((w.T @ _seed_flatten(img[None])).item(), abs=1e-12)
    assert w_img[2, 3, 1] == w[(2 * n + 3) * 3 + 1, 0]


def test_weights_image_rejects_a_size_mismatch():
    with pytest.raises(CatlrInputError, match=r"expects 4×4 images"):
        explain.weights_image(np.zeros((4 * 4 * 3, 1)), 8)


def test_weights_to_rgb_is_a_diverging_map_centred_on_zero():
    w_img = np.zeros((2, 2, 3))
    w_img[0, 0] = [1.0, 0.0, 0.0]  # sum +1: the strongest positive
    w_img[0, 1] = [-0.5, 0.0, -0.5]  # sum −1: the strongest negative
    w_img[1, 0] = [0.5, -0.5, 0.0]  # sum 0
    w_img[1, 1] = [0.25, 0.0, 0.0]
    rgb = explain.weights_to_rgb(w_img)
    assert rgb.shape == (2, 2, 3) and rgb.dtype == np.uint8
    assert tuple(rgb[1, 0]) == (0xF7, 0xF7, 0xF7)  # zero is (near) white
    assert tuple(rgb[0, 0]) == (0x67, 0x00, 0x1F)  # +max is dark red
    assert tuple(rgb[0, 1]) == (0x05, 0x30, 0x61)  # −max is dark blue
    assert rgb[1, 1, 0] > rgb[1, 1, 2]  # a small positive weight is reddish


def test_weights_to_rgb_agrees_with_matplotlib_rdbu_r():
    import matplotlib

    cmap = matplotlib.colormaps["RdBu_r"]
    values = np.linspace(-3.0, 3.0, 101)
    ours = explain.diverging_rgb(values).astype(int)
    theirs = np.rint(cmap((values + 3.0) / 6.0)[:, :3] * 255).astype(int)
    # matplotlib samples its map into 256 bins, so allow the bin width of colour difference.
    assert np.max(np.abs(ours - theirs)) <= 3


def test_weights_to_rgb_one_channel_uses_its_own_limit():
    rng = _rng()
    w_img = rng.normal(size=(4, 4, 3))
    w_img[..., 0] *= 100.0  # the red channel's scale must not wash out the green channel's map
    green = explain.weights_to_rgb(w_img, channel=1).astype(int)
    g = w_img[..., 1]
    strongest = np.unravel_index(np.argmax(np.abs(g)), g.shape)
    assert tuple(green[strongest]) in {(0x67, 0x00, 0x1F), (0x05, 0x30, 0x61)}
    reddish = green[..., 0] > green[..., 2]
    assert np.array_equal(reddish[g != 0], (g > 0)[g != 0])


@pytest.mark.parametrize("channel", [3, -1, "red", 1.5])
def test_weights_to_rgb_rejects_a_bad_channel(channel):
    with pytest.raises(CatlrInputError, match="channel must be"):
        explain.weights_to_rgb(np.zeros((2, 2, 3)), channel=channel)


def test_all_zero_weights_render_white_without_dividing_by_zero():
    with np.errstate(all="raise"):
        rgb = explain.weights_to_rgb(np.zeros((3, 3, 3)))
    assert np.all(rgb == 0xF7)


# --- contributions -------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_contributions_add_up_to_the_logit(seed):
    rng = _rng(seed)
    n = 8
    w = rng.normal(scale=0.05, size=(n * n * 3, 1))
    b = float(rng.normal())
    img = rng.integers(0, 256, size=(n, n, 3), dtype=np.uint8)
    c = explain.contributions(w, b, img)
    z = (w.T @ _seed_flatten(img[None])).item() + b
    assert c.logit == pytest.approx(z, abs=1e-9)
    assert c.bias + c.positive + c.negative == pytest.approx(z, abs=1e-9)
    assert c.positive > 0 > c.negative
    assert c.pixel_map.shape == (n, n)
    assert c.pixel_map.sum() + b == pytest.approx(z, abs=1e-9)
    assert c.probability == pytest.approx(1.0 / (1.0 + math.exp(-z)), rel=1e-12)


def test_contributions_saturate_without_overflow():
    img = np.full((2, 2, 3), 255, dtype=np.uint8)
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # underflow to 0 is the right answer
        high = explain.contributions(np.full((12, 1), 1e4), 0.0, img)
        low = explain.contributions(np.full((12, 1), -1e4), 0.0, img)
    assert high.probability == 1.0 and low.probability == 0.0
    assert high.negative == 0.0 and low.positive == 0.0


@pytest.mark.parametrize(
    "image",
    [
        pytest.param(np.zeros((4, 4, 3), dtype=np.float64), id="float"),
        pytest.param(np.zeros((4, 4), dtype=np.uint8), id="grey"),
        pytest.param(np.zeros((4, 5, 3), dtype=np.uint8), id="not-square"),
    ],
)
def test_contributions_reject_a_bad_image(image):
    with pytest.raises(CatlrInputError, match=r"square RGB uint8"):
        explain.contributions(np.zeros((48, 1)), 0.0, image)


def test_contributions_reject_an_image_of_another_size():
    with pytest.raises(CatlrInputError, match=r"expects 4×4 images .* got 8×8"):
        explain.contributions(np.zeros((48, 1)), 0.0, np.zeros((8, 8, 3), dtype=np.uint8))


# --- overlay -------------------------------------------------------------------------------------


def test_overlay_keeps_the_grey_photo_where_the_map_is_zero_and_colours_the_strongest_pixel():
    rng = _rng()
    img = rng.integers(0, 256, size=(3, 3, 3), dtype=np.uint8)
    pixel_map = np.zeros((3, 3))
    pixel_map[0, 0] = 2.0
    out = explain.overlay(img, pixel_map, alpha=1.0)
    assert out.shape == (3, 3, 3) and out.dtype == np.uint8
    luma = np.rint(img.astype(float) @ [0.299, 0.587, 0.114])
    assert np.array_equal(out[1, 1], np.repeat(luma[1, 1], 3).astype(np.uint8))
    assert tuple(out[0, 0]) == (0x67, 0x00, 0x1F)


def test_overlay_with_alpha_zero_is_the_greyscale_image():
    rng = _rng(5)
    img = rng.integers(0, 256, size=(4, 4, 3), dtype=np.uint8)
    out = explain.overlay(img, rng.normal(size=(4, 4)), alpha=0.0)
    assert np.all(out[..., 0] == out[..., 1]) and np.all(out[..., 1] == out[..., 2])


@pytest.mark.parametrize("alpha", [-0.1, 1.5, float("nan"), "0.5"])
def test_overlay_rejects_a_bad_alpha(alpha):
    with pytest.raises(CatlrInputError, match="alpha"):
        explain.overlay(np.zeros((2, 2, 3), dtype=np.uint8), np.zeros((2, 2)), alpha=alpha)


def test_overlay_rejects_a_map_of_another_shape():
    with pytest.raises(CatlrInputError, match="does not match"):
        explain.overlay(np.zeros((2, 2, 3), dtype=np.uint8), np.zeros((3, 3)))


# --- baseline ------------------------------------------------------------------------------------


def test_majority_baseline_on_the_real_labels(real_data_dir):
    _, y_train = _real_split(real_data_dir, "train")
    _, y_test = _real_split(real_data_dir, "test")
    base = explain.majority_baseline(y_train.reshape(1, -1), y_test.reshape(1, -1))
    # The README's class balance: train 137 non-cat / 72 cat, test 17 non-cat / 33 cat.
    assert (base.label, base.name) == (0, "non-cat")
    assert base.train_share == pytest.approx(137 / 209)
    assert base.test_accuracy == pytest.approx(0.34)
    assert (base.best_label, base.best_name, base.best_test_accuracy) == (1, "cat", pytest.approx(0.66))
    assert "34%" in base.sentence and "non-cat" in base.sentence
    assert "66%" in base.best_sentence and "ceiling" in base.best_sentence


def test_majority_baseline_when_train_and_test_agree_and_on_ties():
    base = explain.majority_baseline(np.array([1, 1, 0]), np.array([1, 1, 1, 0]), classes=("dog", "cat"))
    assert (base.name, base.test_accuracy, base.best_name, base.best_test_accuracy) == ("cat", 0.75, "cat", 0.75)
    tie = explain.majority_baseline(np.array([0, 1]), np.array([1, 1]))
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
        explain.majority_baseline(y_train, np.array([0, 1]))


# --- Wilson interval -----------------------------------------------------------------------------


def test_wilson_interval_hand_worked_values():
    # k = 5, n = 10, z = 2: centre (0.5 + 0.2) / 1.4 = 0.5; half = (2 / 1.4)·√(0.025 + 0.01) = 1/√14.
    low, high = explain.wilson_interval(5, 10, z=2.0)
    assert (low, high) == (pytest.approx(0.5 - 1 / math.sqrt(14)), pytest.approx(0.5 + 1 / math.sqrt(14)))
    # k = 0, n = 4, z = 2: centre 0.5 / 2 = 0.25; half = 1·√(4 / 64) = 0.25.
    assert explain.wilson_interval(0, 4, z=2.0) == (pytest.approx(0.0, abs=1e-15), pytest.approx(0.5))


@given(n=st.integers(1, 10_000), data=st.data())
def test_wilson_interval_properties(n, data):
    k = data.draw(st.integers(0, n))
    low, high = explain.wilson_interval(k, n)
    assert 0.0 <= low <= k / n <= high <= 1.0
    # Swapping successes and failures mirrors the interval.
    mlow, mhigh = explain.wilson_interval(n - k, n)
    assert low == pytest.approx(1.0 - mhigh, abs=1e-12) and high == pytest.approx(1.0 - mlow, abs=1e-12)


def test_wilson_interval_narrows_with_more_trials():
    assert np.diff(explain.wilson_interval(35, 50)) > np.diff(explain.wilson_interval(350, 500))


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
        explain.wilson_interval(k, n)


# --- confusion and ROC ---------------------------------------------------------------------------


def test_confusion_counts_by_hand():
    y = np.array([[1, 1, 1, 0, 0, 0, 1]])
    p = np.array([[0.9, 0.5, 0.2, 0.7, 0.1, 0.5, 0.51]])  # 0.5 is non-cat, as in the exercise's predict
    c = explain.confusion(y, p)
    assert (c.tp, c.fp, c.tn, c.fn) == (2, 1, 2, 2)
    assert c.accuracy == pytest.approx(4 / 7) and c.precision == pytest.approx(2 / 3) and c.recall == 0.5
    strict = explain.confusion(y, p, threshold=0.95)
    assert (strict.tp, strict.fp) == (0, 0) and math.isnan(strict.precision) and strict.recall == 0.0


def test_confusion_rejects_mismatched_lengths_and_bad_thresholds():
    with pytest.raises(CatlrInputError, match="3 probabilities for 2 labels"):
        explain.confusion(np.array([0, 1]), np.array([0.1, 0.2, 0.3]))
    with pytest.raises(CatlrInputError, match="threshold"):
        explain.confusion(np.array([0, 1]), np.array([0.1, 0.2]), threshold=1.0)


def _pairwise_auc(y: np.ndarray, s: np.ndarray) -> float:
    """O(n²) oracle: P(score of a cat > score of a non-cat), ties counting half."""
    pos, neg = s[y == 1], s[y == 0]
    wins = sum((a > b) + 0.5 * (a == b) for a in pos for b in neg)
    return wins / (pos.size * neg.size)


@pytest.mark.parametrize("seed", range(6))
def test_auc_matches_the_pairwise_definition(seed):
    rng = _rng(seed)
    m = int(rng.integers(5, 60))
    y = rng.integers(0, 2, size=m)
    y[:2] = [0, 1]
    s = np.round(rng.normal(size=m) + 0.8 * y, 1)  # rounding makes ties
    fpr, tpr, thr = explain.roc_curve(y, s)
    assert (fpr[0], tpr[0], fpr[-1], tpr[-1]) == (0.0, 0.0, 1.0, 1.0)
    assert np.all(np.diff(fpr) >= 0) and np.all(np.diff(tpr) >= 0)
    assert thr[0] == np.inf and np.all(np.diff(thr) < 0)
    assert thr.size == np.unique(s).size + 1
    assert explain.auc(fpr, tpr) == pytest.approx(_pairwise_auc(y, s), abs=1e-12)


def test_roc_curve_points_are_the_confusion_rates_at_each_threshold():
    rng = _rng(9)
    y = rng.integers(0, 2, size=30)
    y[:2] = [0, 1]
    s = rng.random(30)
    fpr, tpr, thr = explain.roc_curve(y, s)
    for f, t, th in zip(fpr[1:], tpr[1:], thr[1:], strict=True):
        pred = s >= th
        assert t == pytest.approx(np.mean(pred[y == 1])) and f == pytest.approx(np.mean(pred[y == 0]))


def test_roc_with_all_scores_tied_is_the_diagonal():
    fpr, tpr, _ = explain.roc_curve(np.array([0, 1, 1, 0]), np.full(4, 0.3))
    assert fpr.tolist() == [0.0, 1.0] and tpr.tolist() == [0.0, 1.0]
    assert explain.auc(fpr, tpr) == 0.5


def test_roc_rejects_one_class_and_non_finite_scores():
    with pytest.raises(CatlrInputError, match="both classes"):
        explain.roc_curve(np.array([1, 1]), np.array([0.1, 0.2]))
    with pytest.raises(CatlrInputError, match="finite"):
        explain.roc_curve(np.array([0, 1]), np.array([0.1, np.nan]))
    with pytest.raises(CatlrInputError, match="non-decreasing"):
        explain.auc(np.array([0.0, 1.0, 0.5]), np.array([0.0, 1.0, 1.0]))


# --- reading a cost curve ------------------------------------------------------------------------

ITER = np.arange(2001)


@pytest.mark.parametrize(
    ("costs", "kind"),
    [
        pytest.param(0.1 + 0.6 * np.exp(-ITER / 300), "good", id="levels-off"),
        pytest.param(0.69 - 1e-5 * ITER, "too slow", id="barely-moves"),
        pytest.param(0.69 * np.exp(-ITER / 3000), "too slow", id="still-steep"),
        pytest.param(np.r_[0.69, 0.5, np.inf, np.nan], "diverging", id="non-finite"),
        pytest.param(0.69 + 1e-3 * ITER, "diverging", id="rises"),
        pytest.param(0.3 + 0.4 * np.exp(-ITER / 300) + 0.05 * (-1.0) ** ITER, "oscillating", id="zigzag"),
        pytest.param(np.r_[0.69, 5.0, 0.5, 0.2 + 0.3 * np.exp(-ITER / 50)], "oscillating", id="spike"),
        pytest.param(0.1 + 0.6 * np.exp(-ITER / 300) + 0.05 * (-1.0) ** ITER * (ITER < 200), "good", id="early-wobble"),
        pytest.param(np.full(10, 0.5), "too slow", id="flat"),
    ],
)
def test_diagnose_synthetic_curves(costs, kind):
    d = explain.diagnose_curve(costs)
    assert d.kind == kind
    assert d.sentence.endswith(".") and len(d.sentence) > 40


def test_diagnose_names_the_iteration_where_the_cost_broke():
    d = explain.diagnose_curve(np.r_[0.69, 0.6, np.nan], every=100)
    assert "iteration 200" in d.sentence


def test_diagnose_ignores_rounding_noise_on_a_plateau():
    costs = 0.1 + 0.6 * np.exp(-ITER / 100)
    costs[1000:] = 0.1 + 1e-17 * (-1.0) ** ITER[1000:]
    assert explain.diagnose_curve(costs).kind == "good"


@pytest.fixture(scope="module")
def real_train(real_data_dir):
    x, y = _real_split(real_data_dir, "train")
    return x, y.reshape(1, -1)


@pytest.mark.parametrize(
    ("learning_rate", "scale", "kind"),
    [
        pytest.param(0.0001, 255.0, "too slow", id="lr-0.0001"),
        pytest.param(0.005, 255.0, "good", id="lr-0.005"),
        pytest.param(10.0, 1.0, "oscillating", id="lr-10-unscaled"),
    ],
)
def test_diagnose_real_engine_runs(real_train, learning_rate, scale, kind):
    from catlr import engine
    from catlr.config import TrainConfig

    x, y = real_train
    problem = engine.prepare(x.reshape(x.shape[0], -1).T / scale, y)
    result = engine.train(problem, TrainConfig(num_iterations=2000, learning_rate=learning_rate))
    assert explain.diagnose_curve(result.history.train_cost).kind == kind


def test_flip_iteration_on_a_real_history(real_train):
    from catlr import engine
    from catlr.config import TrainConfig

    x, y = real_train
    problem = engine.prepare(_seed_flatten(x), y)
    z = engine.train(problem, TrainConfig(num_iterations=300, learning_rate=0.005)).history.train_logits  # (301, m)
    flips = [explain.flip_iteration(z[:, i]) for i in range(z.shape[1])]
    assert any(f is not None for f in flips)
    for i, f in enumerate(flips):
        pred = z[:, i].astype(np.float64) > 0
        if f is None:
            assert np.all(pred == pred[0])
        else:
            assert pred[f] != pred[f - 1] and np.all(pred[f:] == pred[f])


@pytest.mark.parametrize("costs", [np.array([0.69]), np.array([])])
def test_diagnose_needs_two_points(costs):
    with pytest.raises(CatlrInputError, match="at least two points"):
        explain.diagnose_curve(costs)


# --- nearest images and novelty ------------------------------------------------------------------


def _images(m: int, n: int = 4, seed: int = RNG_SEED) -> np.ndarray:
    return _rng(seed).integers(0, 256, size=(m, n, n, 3), dtype=np.uint8)


def test_nearest_images_match_a_brute_force_loop():
    images = _images(20)
    x = _images(1, seed=99)[0]
    idx, dist = explain.nearest_images(x, images, k=5)
    brute = [math.dist(x.ravel() / 255.0, im.ravel() / 255.0) for im in images]
    assert idx.tolist() == list(np.argsort(brute, kind="stable")[:5])
    assert dist == pytest.approx(np.sort(brute)[:5], abs=1e-12)


def test_nearest_images_finds_the_image_itself_and_caps_k():
    images = _images(6)
    images[4] = images[2]  # a duplicate: the tie goes to the lower index
    idx, dist = explain.nearest_images(images[2], images, k=50)
    assert idx[:2].tolist() == [2, 4] and dist[0] == 0.0 and dist[1] == 0.0
    assert idx.size == 6


@pytest.mark.parametrize("k", [0, -1, 2.5, True])
def test_nearest_images_rejects_a_bad_k(k):
    with pytest.raises(CatlrInputError, match="k must be"):
        explain.nearest_images(_images(1)[0], _images(3), k=k)


def test_nearest_images_rejects_mismatched_sizes():
    with pytest.raises(CatlrInputError, match="does not match"):
        explain.nearest_images(_images(1, n=8)[0], _images(3, n=4))


def test_typical_distance_is_the_percentile_of_leave_one_out_neighbours():
    images = _images(15)
    flat = images.reshape(15, -1) / 255.0
    loo = [min(math.dist(flat[i], flat[j]) for j in range(15) if j != i) for i in range(15)]
    assert explain.typical_distance(images) == pytest.approx(np.percentile(loo, 95), rel=1e-9)
    assert explain.typical_distance(images, 50) == pytest.approx(np.median(loo), rel=1e-9)


def test_novelty_of_a_training_image_and_of_an_outlier():
    images = _rng(3).integers(0, 60, size=(30, 4, 4, 3), dtype=np.uint8)  # dark images
    inside = explain.novelty(images[7], images)
    assert inside.distance == 0.0 and not inside.is_unusual and "about as close" in inside.sentence
    white = np.full((4, 4, 3), 255, dtype=np.uint8)
    outside = explain.novelty(white, images, typical=inside.typical)
    assert outside.is_unusual and outside.distance > outside.typical and "unlike" in outside.sentence
    assert outside.typical == explain.typical_distance(images)


def test_typical_distance_needs_two_images():
    with pytest.raises(CatlrInputError, match="at least two images"):
        explain.typical_distance(_images(1))


# --- when did the prediction flip ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("z", "threshold", "expected"),
    [
        pytest.param([0.0, 0.1, 0.3, 0.5], 0.5, 1, id="flips-once"),
        pytest.param([0.0, 0.2, -0.1, 0.4, 0.9], 0.5, 3, id="flips-back-and-forth"),
        pytest.param([-0.1, -0.5, -2.0], 0.5, None, id="never"),
        pytest.param([0.0, 1.0, 2.0, 3.0], math.exp(2.5) / (1 + math.exp(2.5)), 3, id="threshold-at-z-2.5"),
        pytest.param([0.5], 0.5, None, id="one-point"),
    ],
)
def test_flip_iteration(z, threshold, expected):
    assert explain.flip_iteration(np.array(z), threshold) == expected


def test_flip_iteration_rejects_nan_and_bad_thresholds():
    with pytest.raises(CatlrInputError, match="NaN"):
        explain.flip_iteration(np.array([0.1, np.nan]))
    with pytest.raises(CatlrInputError, match="threshold"):
        explain.flip_iteration(np.array([0.1, 0.2]), threshold=0.0)
