"""catlr.colours: the diverging map and overlays, checked against matplotlib and by hand."""

from __future__ import annotations

import numpy as np
import pytest

from catlr import colours
from catlr.errors import CatlrInputError
from tests.helpers import CLEARLY_DIFFERENT, colour_distances, seed_flatten, seeded

# --- weights as an image -------------------------------------------------------------------------


def test_weights_image_matches_the_seed_flatten_order():
    rng = seeded()
    n = 5
    w = rng.normal(size=(n * n * 3, 1))
    img = rng.integers(0, 256, size=(n, n, 3), dtype=np.uint8)
    w_img = colours.weights_image(w, n)
    assert w_img.shape == (n, n, 3) and w_img.dtype == np.float64
    # Multiplying pixel-by-pixel must give the same logit as wᵀx in the seed's convention.
    assert np.sum(w_img * img / 255.0) == pytest.approx((w.T @ seed_flatten(img[None])).item(), abs=1e-12)
    assert w_img[2, 3, 1] == w[(2 * n + 3) * 3 + 1, 0]


def test_weights_image_rejects_a_size_mismatch():
    with pytest.raises(CatlrInputError, match=r"expects 4×4 images"):
        colours.weights_image(np.zeros((4 * 4 * 3, 1)), 8)


def test_diverging_rgb_is_centred_on_zero():
    values = np.array([[1.0, -1.0], [0.0, 0.25]])
    rgb = colours.diverging_rgb(values)
    assert rgb.shape == (2, 2, 3) and rgb.dtype == np.uint8
    assert tuple(rgb[1, 0]) == (0xF7, 0xF7, 0xF7)  # zero is (near) white
    assert tuple(rgb[0, 0]) == (0x67, 0x00, 0x1F)  # +max is dark red
    assert tuple(rgb[0, 1]) == (0x05, 0x30, 0x61)  # −max is dark blue
    assert rgb[1, 1, 0] > rgb[1, 1, 2]  # a small positive value is reddish


def test_diverging_rgb_agrees_with_matplotlib_rdbu_r():
    import matplotlib

    cmap = matplotlib.colormaps["RdBu_r"]
    values = np.linspace(-3.0, 3.0, 101)
    ours = colours.diverging_rgb(values).astype(int)
    theirs = np.rint(cmap((values + 3.0) / 6.0)[:, :3] * 255).astype(int)
    # matplotlib samples its map into 256 bins, so allow the bin width of colour difference.
    assert np.max(np.abs(ours - theirs)) <= 3


def test_sequential_rgb_agrees_with_matplotlib_viridis_and_saturates_at_its_ends():
    import matplotlib

    cmap = matplotlib.colormaps["viridis"]
    values = np.linspace(2.0, 5.0, 301)
    ours = colours.sequential_rgb(values, 2.0, 5.0).astype(int)
    theirs = np.rint(cmap((values - 2.0) / 3.0)[:, :3] * 255).astype(int)
    assert np.max(np.abs(ours - theirs)) <= 3  # 21 anchors, linear between them, against the 256-colour map
    ends = colours.sequential_rgb(np.array([-1.0, 2.0, 5.0, 9.0]), 2.0, 5.0)
    assert [tuple(c) for c in ends] == [(0x44, 0x01, 0x54)] * 2 + [(0xFD, 0xE7, 0x25)] * 2
    assert (colours.sequential_rgb(np.ones(3), 1.0, 1.0) == ends[0]).all()  # a flat scale: the low end
    with pytest.raises(CatlrInputError, match="low ≤ high"):
        colours.sequential_rgb(values, 5.0, 2.0)


def test_diverging_rgb_with_a_limit_saturates_beyond_it():
    rgb = colours.diverging_rgb(np.array([-10.0, -2.0, 2.0, 10.0]), limit=2.0)
    assert [tuple(c) for c in rgb] == [(0x05, 0x30, 0x61)] * 2 + [(0x67, 0x00, 0x1F)] * 2


def test_all_zero_values_render_white_without_dividing_by_zero():
    with np.errstate(all="raise"):
        rgb = colours.diverging_rgb(np.zeros((3, 3)))
    assert np.all(rgb == 0xF7)


# --- overlay -------------------------------------------------------------------------------------


def test_overlay_keeps_the_grey_photo_where_the_map_is_zero_and_colours_the_strongest_pixel():
    rng = seeded()
    img = rng.integers(0, 256, size=(3, 3, 3), dtype=np.uint8)
    pixel_map = np.zeros((3, 3))
    pixel_map[0, 0] = 2.0
    out = colours.overlay(img, pixel_map, alpha=1.0)
    assert out.shape == (3, 3, 3) and out.dtype == np.uint8
    luma = np.rint(img.astype(float) @ [0.299, 0.587, 0.114])
    assert np.array_equal(out[1, 1], np.repeat(luma[1, 1], 3).astype(np.uint8))
    assert tuple(out[0, 0]) == (0x67, 0x00, 0x1F)


def test_overlay_with_alpha_zero_is_the_greyscale_image():
    rng = seeded(5)
    img = rng.integers(0, 256, size=(4, 4, 3), dtype=np.uint8)
    out = colours.overlay(img, rng.normal(size=(4, 4)), alpha=0.0)
    assert np.all(out[..., 0] == out[..., 1]) and np.all(out[..., 1] == out[..., 2])


@pytest.mark.parametrize("alpha", [-0.1, 1.5, float("nan"), "0.5"])
def test_overlay_rejects_a_bad_alpha(alpha):
    with pytest.raises(CatlrInputError, match="alpha"):
        colours.overlay(np.zeros((2, 2, 3), dtype=np.uint8), np.zeros((2, 2)), alpha=alpha)


def test_overlay_rejects_a_map_of_another_shape():
    with pytest.raises(CatlrInputError, match="does not match"):
        colours.overlay(np.zeros((2, 2, 3), dtype=np.uint8), np.zeros((3, 3)))


# Near zero both signs fade to white for everyone (at a quarter of the scale ΔE is 25 with normal vision), so
# small weights need only stay noticeably apart; from half the scale on, clearly.
@pytest.mark.parametrize(
    ("strength", "at_least"), [(0.25, CLEARLY_DIFFERENT / 2), (0.5, CLEARLY_DIFFERENT), (1.0, CLEARLY_DIFFERENT)]
)
def test_the_weight_maps_two_signs_stay_apart_with_every_colour_vision_deficiency(strength, at_least):
    negative, positive = colours.diverging_rgb(np.array([-strength, strength]), limit=1.0)
    distances = colour_distances(negative, positive)
    assert min(distances.values()) >= at_least, distances

