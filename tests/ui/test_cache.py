"""ui.cache: the exercise's data is loaded once per process, read-only; per-dataset figures are keyed by name."""

from __future__ import annotations

import ast
import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

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


def test_clearing_after_a_download_forgets_the_data_and_keeps_the_open_rooms(real_data_dir):
    rooms = cache.room_service()
    code, secret = rooms.open()
    store, data = cache.results(), cache.exercise_data(str(real_data_dir))
    cache.clear()  # what Home does after downloading the dataset
    assert cache.room_service() is rooms and rooms.snapshot(code).code == code  # the room goes on
    rooms.close(code, secret)
    assert cache.results() is not store and cache.exercise_data(str(real_data_dir))[0] is not data[0]


def test_every_cache_is_either_cleared_with_the_data_or_kept_on_purpose():
    # A new st.cache_* function must be sorted into one of the two, or clear() would silently skip it.
    source = ast.parse(Path(cache.__file__).read_text(encoding="utf-8"))
    cached = {
        node.name
        for node in source.body
        if isinstance(node, ast.FunctionDef) and any("cache_" in ast.unparse(d) for d in node.decorator_list)
    }
    sorted_out = [f.__name__ for f in (*cache.DATA_CACHES, *cache.KEPT)]
    assert sorted(sorted_out) == sorted(cached) and len(set(sorted_out)) == len(sorted_out)


def test_a_room_image_is_the_enlarged_dataset_image_as_png_made_once():
    rng = np.random.default_rng(2)
    image = rng.integers(0, 256, (4, 4, 3), dtype=np.uint8)
    png = cache.room_image("a", "test/1", 12, image)
    decoded = np.asarray(Image.open(io.BytesIO(png)))
    assert decoded.shape == (12, 12, 3) and (decoded == np.repeat(np.repeat(image, 3, axis=0), 3, axis=1)).all()
    assert cache.room_image("a", "test/1", 12, np.zeros_like(image)) == png  # the key names the image
