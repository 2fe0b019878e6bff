"""ui.explain's renderers inside a tiny AppTest script, checked against catlr on the real dataset."""

from __future__ import annotations

import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from catlr import data, engine, explain
from catlr.config import TrainConfig
from catlr.problem import from_dataset
from catlr.results import TrainResult
from ui import explain_views

MAGENTA = (255, 0, 255)


@pytest.fixture(scope="module")
def trained(real_data_dir) -> tuple[data.Dataset, TrainResult]:
    """The real dataset and the default model trained on it (once for this module)."""
    ds = data.load_dataset(real_data_dir)
    problem = from_dataset(ds)
    return ds, problem, engine.train(problem, TrainConfig())


@pytest.fixture(scope="module")
def gentle(trained) -> TrainResult:
    """A short run at a small learning rate: many images never change their answer, some change it once."""
    _, problem, _ = trained
    return engine.train(problem, TrainConfig(num_iterations=300, learning_rate=0.001))


def changes(logits: np.ndarray) -> np.ndarray:
    """(m,) how many times each image's answer changed over the (n + 1, m) logits' iterations."""
    cat = np.asarray(logits, dtype=np.float64) > 0
    return (cat[1:] != cat[:-1]).sum(axis=0)


def render(ds, result, image, logits=None, iterations=None) -> AppTest:
    """Run a script that shows why / flip / neighbours for ``image`` and return the finished AppTest."""

    def script(ds, result, image, logits, iterations):
        from catlr.problem import from_dataset
        from ui import explain_views, session_data

        explain_views.why(image, result, ds.classes, "t")
        if logits is not None:
            explain_views.flip(logits, iterations, "t", ds.classes)
        explain_views.neighbours(image, session_data.ActiveData(ds, from_dataset(ds), "test-data"), "t")

    at = AppTest.from_function(
        script,
        default_timeout=60,
        kwargs={"ds": ds, "result": result, "image": image, "logits": logits, "iterations": iterations},
    )
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def x_of(image: np.ndarray) -> np.ndarray:
    """The seed's flatten of one image: (d, 1) in [0, 1]."""
    return image.reshape(1, -1).T / 255.0


def texts(at) -> list[str]:
    return [m.value for m in at.markdown] + [c.value for c in at.caption]


@pytest.mark.parametrize("split, index", [("test", 5), ("test", 1), ("train", 2)])
def test_the_logit_breakdown_adds_up_and_matches_the_model(trained, split, index):
    ds, _, result = trained
    image = (ds.test_set_x_orig if split == "test" else ds.train_set_x_orig)[index]
    at = render(ds, result, image)
    parts = at.dataframe[0].value.set_index("part")["value"]
    bias, pos, neg, z = (parts[k] for k in explain_views.PARTS)
    assert bias == pytest.approx(result.b, abs=0)
    assert pos > 0 > neg
    assert bias + pos + neg == pytest.approx(z, rel=1e-12, abs=1e-12)
    assert z == pytest.approx(engine.logits(result.w, result.b, x_of(image))[0], rel=1e-9, abs=1e-9)

    sentence = next(t for t in texts(at) if t.startswith("z = b + Σ positive"))
    shown = [float(v) for v in re.findall(r"-?\d+\.\d{4}", sentence)]  # b, Σ+, Σ−, z, P(cat)
    assert len(shown) == 5
    assert abs(sum(shown[:3]) - shown[3]) <= 2e-4, "the 4-decimal parts add up to z up to rounding"
    p = engine.predict_proba(result.w, result.b, x_of(image))[0]
    assert f"{shown[4]:.4f}" == f"{p:.4f}"
    assert sentence.endswith(f"{ds.classes[int(p > 0.5)]}.")


def test_flip_sentence_on_every_iteration_matches_catlr(trained, gentle):
    ds, _, result = trained
    # The default model's early steps overshoot: every image changes its answer several times.
    i = 5
    exact = explain.flip_iteration(result.history.test_logits[:, i])
    assert changes(result.history.test_logits)[i] > 1
    z, its = explain_views.logits_for_dataset(result, "test", i)
    at = render(ds, result, ds.test_set_x_orig[i], z, its)
    assert len(at.get("vega_lite_chart")) == 2  # the logit bars and P(cat) over training
    shown = next(t for t in texts(at) if t.startswith("The prediction"))
    assert re.search(r"last changed at iteration ([\d,]+)", shown).group(1) == f"{exact:,}"

    never = int(np.flatnonzero(changes(gentle.history.test_logits) == 0)[0])
    assert explain.flip_iteration(gentle.history.test_logits[:, never]) is None
    z, its = explain_views.logits_for_dataset(gentle, "test", never)
    at = render(ds, gentle, ds.test_set_x_orig[never], z, its)
    assert any(t.startswith("The prediction never changed") for t in texts(at))


def test_photo_logits_at_checkpoints_agree_with_the_recorded_history(gentle, trained):
    ds = trained[0]
    i = int(np.flatnonzero(changes(gentle.history.train_logits) == 1)[0])  # its answer changes exactly once
    z, its = explain_views.logits_for_image(gentle, ds.train_set_x_orig[i])
    assert list(its) == sorted(gentle.history.checkpoints)
    np.testing.assert_allclose(z, gentle.history.train_logits[its, i], rtol=1e-4, atol=1e-4)  # both float32-based

    # With a single change, the checkpoint sentence brackets the exact iteration seen at every step.
    exact = explain.flip_iteration(gentle.history.train_logits[:, i])
    sentence = explain_views.flip_sentence(z, its, ds.classes)
    found = re.search(r"between iteration ([\d,]+) and ([\d,]+)", sentence)
    low, high = (int(v.replace(",", "")) for v in found.groups())
    assert low < exact <= high


def test_neighbours_are_the_five_nearest_and_a_training_image_is_not_novel(trained):
    ds, _, result = trained
    i = 7
    at = render(ds, result, ds.train_set_x_orig[i])
    pixels = ds.train_set_x_orig.reshape(ds.m_train, -1) / 255.0
    dist = np.linalg.norm(pixels - pixels[i], axis=1)
    expected = np.argsort(dist, kind="stable")[:5]
    captions = [c for image in at.image for c in image.captions if c.startswith("train #")]
    assert len(captions) == 5
    assert [int(re.match(r"train #(\d+)", c).group(1)) for c in captions] == list(expected)
    assert [float(re.search(r"distance (\d+\.\d)", c).group(1)) for c in captions] == [
        round(float(d), 1) for d in dist[expected]
    ]
    assert captions[0].endswith("distance 0.0")
    assert not at.warning
    assert any("one of the training images itself" in t for t in texts(at))


def test_a_uniform_magenta_square_is_flagged_as_unlike_the_training_set(trained):
    ds, _, result = trained
    alien = np.empty((ds.num_px, ds.num_px, 3), np.uint8)
    alien[...] = MAGENTA
    z, its = explain_views.logits_for_image(result, alien)
    at = render(ds, result, alien, z, its)
    assert len([c for image in at.image for c in image.captions if c.startswith("train #")]) == 5
    assert len(at.warning) == 1
    nearest = explain.nearest_images(alien, ds.train_set_x_orig, 1)[1][0]
    expected = explain.novelty(nearest, explain.typical_distance(ds.train_set_x_orig))
    assert expected.is_unusual
    assert at.warning[0].value == expected.sentence
