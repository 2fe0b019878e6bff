"""catlr.explain: exact explanations, checked against independent computations."""

from __future__ import annotations

import math

import numpy as np
import pytest

from catlr import explain
from catlr.errors import CatlrInputError
from tests.helpers import real_split, seed_flatten, seeded

# --- contributions -------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_contributions_add_up_to_the_logit(seed):
    rng = seeded(seed)
    n = 8
    w = rng.normal(scale=0.05, size=(n * n * 3, 1))
    b = float(rng.normal())
    img = rng.integers(0, 256, size=(n, n, 3), dtype=np.uint8)
    c = explain.contributions(w, b, img)
    z = (w.T @ seed_flatten(img[None])).item() + b
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
    x, y = real_split(real_data_dir, "train")
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
    from catlr.problem import prepare

    x, y = real_train
    problem = prepare(x.reshape(x.shape[0], -1).T / scale, y)
    result = engine.train(problem, TrainConfig(num_iterations=2000, learning_rate=learning_rate))
    assert explain.diagnose_curve(result.history.train_cost).kind == kind


def test_flip_iteration_on_a_real_history(real_train):
    from catlr import engine
    from catlr.config import TrainConfig
    from catlr.problem import prepare

    x, y = real_train
    problem = prepare(seed_flatten(x), y)
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


def _images(m: int, n: int = 4, seed: int = 1234) -> np.ndarray:
    return seeded(seed).integers(0, 256, size=(m, n, n, 3), dtype=np.uint8)


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
    images = seeded(3).integers(0, 60, size=(30, 4, 4, 3), dtype=np.uint8)  # dark images
    typical = explain.typical_distance(images)
    inside = explain.novelty(explain.nearest_images(images[7], images, 1)[1][0], typical)
    assert inside.distance == 0.0 and not inside.is_unusual and "about as close" in inside.sentence
    white = np.full((4, 4, 3), 255, dtype=np.uint8)
    outside = explain.novelty(explain.nearest_images(white, images, 1)[1][0], typical)
    assert outside.is_unusual and outside.distance > outside.typical and "unlike" in outside.sentence
    assert outside.typical == typical and outside.distance == pytest.approx(
        min(math.dist(white.ravel() / 255.0, img.ravel() / 255.0) for img in images), rel=1e-12
    )


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


# --- overfits: the test cost turning up while the train cost still falls ------------------------------------


@pytest.mark.parametrize(
    "train, test, expected",
    [
        ([1.0, 0.8, 0.6, 0.5], [1.0, 0.8, 0.7, 0.65], False),  # both still falling
        ([1.0, 0.8, 0.6, 0.5], [1.0, 0.7, 0.72, 0.80], True),  # test up 14 % from its lowest, train down
        ([1.0, 0.8, 0.6, 0.5], [1.0, 0.7, 0.72, 0.73], False),  # up 4 %: under the 5 % that is not noise
        ([1.0, 0.5, 0.6, 0.7], [1.0, 0.5, 0.6, 0.7], False),  # both up: a bad rate, not overfitting
        ([1.0, 0.9], [1.0, 0.9], False),
    ],
)
def test_overfits_reads_the_two_curves(train, test, expected):
    assert explain.overfits(np.array(train), np.array(test)) is expected


@pytest.mark.parametrize(
    "train, test",
    [([1.0, 0.9], [1.0]), ([1.0], [1.0]), ([1.0, float("nan")], [1.0, 0.9]), ([[1.0, 0.9]], [[1.0, 0.9]])],
)
def test_overfits_refuses_what_is_not_two_curves_of_one_run(train, test):
    with pytest.raises(CatlrInputError):
        explain.overfits(np.array(train), np.array(test))


@pytest.mark.realdata
def test_on_the_exercise_the_test_cost_turns_up_after_its_low_at_150_iterations(real_data_dir):
    from catlr import engine, problem
    from catlr.config import TrainConfig
    from catlr.data import load_dataset

    run = engine.train(problem.from_dataset(load_dataset(real_data_dir)), TrainConfig(2000, 0.005))
    train, test = run.history.train_cost, run.history.test_cost
    lowest = int(np.argmin(test))
    assert lowest == 150 and test[-1] > 1.4 * test[lowest]  # the brute-force reading the rule is built on
    assert [explain.overfits(train[: n + 1], test[: n + 1]) for n in (100, 200, 500, 2000)] == [
        False,  # the test cost is still falling
        False,  # 1 % above its low: not yet
        True,
        True,
    ]
