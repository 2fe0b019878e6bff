"""ui.poke_views: the change made visible keeps its sign and its proportions."""

from __future__ import annotations

import numpy as np

from ui import poke_views


def test_the_amplified_change_is_grey_where_nothing_changed_and_reaches_an_end_at_its_largest():
    delta = np.zeros((2, 2, 3))
    delta[0, 0, 0], delta[1, 1, 2] = 0.01, -0.004
    shown, factor = poke_views.amplified(delta)
    assert factor == 50.0  # 0.5 / 0.01
    assert shown.dtype == np.uint8 and tuple(shown[0, 1]) == (128, 128, 128)  # unchanged: mid grey
    assert shown[0, 0, 0] == 255 and shown[1, 1, 2] == round((0.5 - 0.2) * 255)  # −0.004 × 50 = −0.2


def test_no_change_is_all_grey_without_dividing_by_zero():
    with np.errstate(all="raise"):
        shown, factor = poke_views.amplified(np.zeros((2, 2, 3)))
    assert factor == 0.0 and (shown == 128).all()
