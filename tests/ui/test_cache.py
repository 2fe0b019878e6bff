"""ui.cache: the exercise's data is loaded once per process, read-only; per-dataset figures are keyed by name."""

from __future__ import annotations

import numpy as np
import pytest

from catlr import explain
from ui import cache


def test_the_exercise_data_is_loaded_once_and_shared_read_only(real_data_dir):
    first = cache.exercise_data(str(real_data_dir))
    again = cache.exercise_data(str(real_data_dir))
    assert again[0] is first[0] and again[1] is first[1]  # one copy for every session
    dataset, problem = first
    assert problem.m_train == dataset.m_train == 209 and problem.G.shape == (209, 209)
    for array in (dataset.train_set_x_orig, problem.X_train, problem.G, problem.K):
        with pytest.raises(ValueError, match="read-only"):
            array.flat[0] = 0


def test_typical_distance_is_computed_once_per_key():
    rng = np.random.default_rng(1)
    a = rng.integers(0, 256, (6, 4, 4, 3), dtype=np.uint8)
    b = rng.integers(0, 256, (6, 4, 4, 3), dtype=np.uint8)
    assert cache.typical_distance("a", a) == explain.typical_distance(a)
    assert cache.typical_distance("a", b) == explain.typical_distance(a)  # the key names the dataset
    assert cache.typical_distance("b", b) == explain.typical_distance(b)
