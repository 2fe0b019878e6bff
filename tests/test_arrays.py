"""catlr.arrays: read-only arrays and the one validator of data matrices, labels and square images."""

from __future__ import annotations

import numpy as np
import pytest

from catlr.arrays import as_features, as_label_row, read_only, square_rgb, zero_one
from catlr.errors import CatlrInputError


def test_read_only_is_a_view_that_leaves_the_callers_array_writable():
    a = np.zeros(3)
    view = read_only(a)
    with pytest.raises(ValueError, match="read-only"):
        view[0] = 1
    a[0] = 2  # the caller's own array keeps its flags
    assert view[0] == 2


@pytest.mark.parametrize(
    "values, message",
    [([], "are empty"), (["a", "b"], "numeric"), ([0, 1, 2], "must be 0 or 1; found 2"), ([0.5], "found 0.5")],
)
def test_zero_one_refuses_what_is_not_a_label(values, message):
    with pytest.raises(CatlrInputError, match=message):
        zero_one(np.array(values), "labels")


def test_zero_one_accepts_any_numeric_zeros_and_ones():
    for dtype in (np.int8, np.uint64, np.float32, bool):
        np.testing.assert_array_equal(zero_one(np.array([[0, 1, 1]], dtype=dtype), "y"), [0, 1, 1])


def test_label_rows_and_features_are_private_float64_copies():
    y = np.array([0, 1, 1])
    row = as_label_row(y, 3, "Y")
    assert row.shape == (1, 3) and row.dtype == np.float64 and not row.flags.writeable
    X = np.ones((4, 3), dtype=np.uint8)
    copy = as_features(X, "X")
    X[0, 0] = 9
    assert copy[0, 0] == 1.0 and copy.dtype == np.float64
    with pytest.raises(CatlrInputError, match="to match the images"):
        as_label_row(y, 4, "Y")
    with pytest.raises(CatlrInputError, match="NaN or infinite"):
        as_features(np.array([[np.nan]]), "X")


def test_square_rgb_names_what_it_got():
    assert square_rgb(np.zeros((2, 2, 3), np.uint8)).shape == (2, 2, 3)
    with pytest.raises(CatlrInputError, match=r"photo must be a square RGB uint8 array .* \(2, 3, 3\)"):
        square_rgb(np.zeros((2, 3, 3), np.uint8), "photo")
