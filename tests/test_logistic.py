"""catlr.logistic: the one place for the cost from logits, the 0/1 decision and accuracy, against direct formulas."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from catlr import logistic


@given(st.lists(st.floats(-700, 700), min_size=1, max_size=40), st.data())
def test_cross_entropy_is_log1p_exp_minus_yz(z, data):
    y = data.draw(st.lists(st.sampled_from([0.0, 1.0]), min_size=len(z), max_size=len(z)))
    direct = math.fsum(math.log1p(math.exp(-abs(v))) + max(v, 0.0) - t * v for v, t in zip(z, y, strict=True))
    got = logistic.cost(np.array(z), np.array(y))
    # the logs of products lose relative precision on tiny costs, never more than a few ulps of 1 in absolute
    assert got == pytest.approx(direct / len(z), rel=1e-12, abs=1e-14)


def test_the_batched_cost_has_the_shape_c_by_k():
    Z = np.random.default_rng(0).normal(size=(3, 1000, 2)) * 5  # more than one group of 512 factors
    y = (np.random.default_rng(1).random((1000, 1)) > 0.5).astype(float)
    got = logistic.cross_entropy(Z, y)
    assert got.shape == (3, 2)
    for c in range(3):
        for k in range(2):
            assert got[c, k] == pytest.approx(np.mean(np.logaddexp(0, Z[c, :, k]) - y[:, 0] * Z[c, :, k]), rel=1e-12)


def test_says_cat_is_sigmoid_above_one_half_even_where_it_rounds():
    z = np.array([-1.0, 0.0, 1e-300, 1e-17, 1e-12, 2e-12, 3.0])
    np.testing.assert_array_equal(logistic.says_cat(z), logistic.sigmoid(z) > 0.5)


@pytest.mark.parametrize("z", [1e-300, 1e-17, 5e-13, 1e-12, 2e-12, -1.0, 0.0])
def test_says_cat_takes_a_single_logit_even_where_it_is_unsure(z):
    # Regression: a 0-d logit in (0, 1e-12] used to raise (a comparison of 0-d arrays gives a NumPy scalar).
    for single in (z, np.float64(z), np.array(z)):
        got = logistic.says_cat(single)
        assert got.shape == () and bool(got) == bool(logistic.sigmoid(np.array([z]))[0] > 0.5)


def test_accuracy_is_the_exercises_formula():
    rng = np.random.default_rng(2)
    pred, y = (rng.random((1, 209)) > 0.5).astype(float), (rng.random((1, 209)) > 0.5).astype(float)
    assert logistic.accuracy(pred, y) == 100 - np.mean(np.abs(pred - y)) * 100
    batch = rng.random((4, 209, 3)) > 0.5
    labels = y.reshape(-1, 1) == 1
    expected = 100 - (batch != labels).mean(axis=1) * 100
    np.testing.assert_array_equal(logistic.accuracy(batch, labels, axis=1), expected)
