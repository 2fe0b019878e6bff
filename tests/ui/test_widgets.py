"""ui.widgets: the page header's helpers and formatters."""

from __future__ import annotations

import numpy as np

from ui import widgets


def test_upscale_keeps_pixels_crisp():
    image = np.arange(2 * 2 * 3, dtype=np.uint8).reshape(2, 2, 3)
    big = widgets.upscale(image, 6)
    assert big.shape == (6, 6, 3) and big.dtype == np.uint8
    np.testing.assert_array_equal(big[:3, :3], np.broadcast_to(image[0, 0], (3, 3, 3)))
    np.testing.assert_array_equal(big[3:, 3:], np.broadcast_to(image[1, 1], (3, 3, 3)))


def test_formatters_read_as_the_sliders_and_metrics_show_them():
    assert widgets.pct(99.04306220095694) == "99.04 %"
    assert [widgets.number(v) for v in (0.005, 1e-05, 10.0)] == ["0.005", "1e-05", "10"]
    assert widgets.count(10_000) == "10,000"
    assert widgets.label_name(1, ("non-cat", "cat")) == "cat"
