"""catlr.variants: the 16 variants are what they say, and scoring them together equals scoring each alone."""

from __future__ import annotations

import numpy as np
import pytest

from catlr import engine, variants
from catlr.errors import CatlrInputError
from tests.helpers import seeded


def photo(n=16, seed=0):
    return seeded(seed).integers(0, 256, size=(n, n, 3), dtype=np.uint8)


def test_sixteen_named_variants_each_what_it_says():
    image = photo()
    out = variants.variants(image)
    assert out.shape == (16, 16, 16, 3) and out.dtype == np.uint8 and len(set(variants.NAMES)) == 16
    named = dict(zip(variants.NAMES, out, strict=True))
    np.testing.assert_array_equal(named["mirrored"], image[:, ::-1])
    np.testing.assert_array_equal(named["shifted 2 px right"][:, 2:], image[:, :-2])
    np.testing.assert_array_equal(named["shifted 2 px right"][:, :2], np.repeat(image[:, :1], 2, axis=1))
    np.testing.assert_array_equal(named["shifted 4 px left"][:, :-4], image[:, 4:])
    np.testing.assert_array_equal(named["shifted 4 px up"][:-4], image[4:])
    np.testing.assert_array_equal(named["shifted 2 px down"][2:], image[:-2])
    np.testing.assert_array_equal(named["15 % darker"], np.rint(image * 0.85).astype(np.uint8))
    assert (named["15 % brighter"] >= image).all()
    grey = named["greyscale"]
    assert (grey[..., 0] == grey[..., 1]).all() and (grey[..., 1] == grey[..., 2]).all()
    for name in ("central 90 %", "central 80 %", "rotated 10° left", "rotated 10° right"):
        assert not np.array_equal(named[name], image)


def test_scoring_together_equals_scoring_each_alone():
    image = photo(12, seed=3)
    rng = seeded(7)
    w, b = rng.normal(size=12 * 12 * 3) * 0.01, 0.05
    found = variants.verdicts(w, b, image)
    alone = np.array([engine.predict_proba(w, b, v.reshape(-1, 1) / 255.0)[0] for v in found.images])
    np.testing.assert_allclose(found.p_cat, alone, rtol=1e-12, atol=1e-15)
    assert found.p_original == pytest.approx(engine.predict_proba(w, b, image.reshape(-1, 1) / 255.0)[0], rel=1e-12)
    assert found.kept == int(((alone > 0.5) == (found.p_original > 0.5)).sum())


def test_the_verdict_flipper_is_the_variant_furthest_across():
    image = np.zeros((10, 10, 3), np.uint8)
    image[:, :5] = 200  # bright left half
    w = np.zeros((10, 10, 3))
    w[:, :5] = 0.01  # the model likes the bright left half
    found = variants.verdicts(w.reshape(-1), -1.0, image)
    assert found.is_cat and found.kept < 16
    flipper = found.flipper
    assert not found.holds[flipper]
    assert found.p_cat[flipper] == found.p_cat[~found.holds].min()
    same = variants.verdicts(np.zeros(300), 1.0, image)
    assert same.kept == 16 and same.flipper is None


def test_a_non_square_image_is_refused():
    with pytest.raises(CatlrInputError, match="square RGB"):
        variants.variants(np.zeros((4, 5, 3), np.uint8))
