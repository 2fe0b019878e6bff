"""catlr.problem: a Dataset becomes the engine's Problem once, and the prepared arrays can be shared from disk."""

from __future__ import annotations

import numpy as np
import pytest
from h5fixtures import write_dataset_files

from catlr import engine
from catlr.config import TrainConfig
from catlr.data import load_dataset
from catlr.problem import from_dataset


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    return load_dataset(write_dataset_files(tmp_path_factory.mktemp("data"), m_train=12, m_test=6, num_px=8))


def test_from_dataset_is_the_exercises_preprocessing(dataset):
    problem = from_dataset(dataset)
    np.testing.assert_array_equal(problem.X_train, dataset.train_set_x_orig.reshape(12, -1).T / 255.0)
    np.testing.assert_array_equal(problem.G, problem.X_train.T @ problem.X_train)
    np.testing.assert_array_equal(problem.K, problem.X_test.T @ problem.X_train)


def test_the_cached_problem_is_mapped_read_only_and_trains_identically(dataset, tmp_path):
    fresh = from_dataset(dataset)
    first = from_dataset(dataset, cache_dir=tmp_path)
    folders = list(tmp_path.glob("problem-*"))
    assert len(folders) == 1 and {p.name for p in folders[0].iterdir()} == {"X_train.npy", "X_test.npy", "GK.npy"}
    again = from_dataset(dataset, cache_dir=tmp_path)
    assert isinstance(again.GK, np.memmap) and not again.GK.flags.writeable and not again.X_train.flags.writeable
    for name in ("X_train", "X_test", "Y_train", "Y_test", "G", "K"):
        np.testing.assert_array_equal(getattr(again, name), getattr(fresh, name))
    config = TrainConfig(num_iterations=300, learning_rate=0.5)
    a, b = engine.train(fresh, config), engine.train(again, config)
    np.testing.assert_array_equal(a.history.train_cost, b.history.train_cost)
    np.testing.assert_array_equal(a.w, b.w)
    assert first.solver == again.solver == "gram"


def test_a_damaged_cache_is_rebuilt_and_other_data_gets_its_own(dataset, tmp_path):
    from_dataset(dataset, cache_dir=tmp_path)
    folder = next(tmp_path.glob("problem-*"))
    (folder / "GK.npy").write_bytes(b"not an array")
    rebuilt = from_dataset(dataset, cache_dir=tmp_path)
    np.testing.assert_array_equal(rebuilt.G, from_dataset(dataset).G)
    assert isinstance(from_dataset(dataset, cache_dir=tmp_path).GK, np.memmap), "the damaged copy was replaced"
    other = load_dataset(write_dataset_files(tmp_path / "other", m_train=10, m_test=4, num_px=8))
    from_dataset(other, cache_dir=tmp_path / "cache")
    from_dataset(dataset, cache_dir=tmp_path / "cache")
    assert len(list((tmp_path / "cache").glob("problem-*"))) == 2


def test_an_unwritable_cache_only_costs_the_speed_up(dataset, tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder should be")
    problem = from_dataset(dataset, cache_dir=blocked / "cache")
    np.testing.assert_array_equal(problem.G, from_dataset(dataset).G)


@pytest.mark.parametrize("k", [1, 3])
def test_added_examples_grow_g_and_k_exactly_as_a_rebuild(dataset, k):
    from catlr.data import flatten, with_train_images
    from catlr.problem import add_examples

    rng = np.random.default_rng(k)
    images = rng.integers(0, 256, (k, 8, 8, 3), dtype=np.uint8)
    labels = rng.integers(0, 2, k)
    grown = add_examples(from_dataset(dataset), flatten(images), labels.reshape(1, -1))
    rebuilt = from_dataset(with_train_images(dataset, images, labels))  # the oracle: G and K from scratch
    assert grown.solver == rebuilt.solver == "gram" and grown.m_train == 12 + k
    np.testing.assert_array_equal(grown.X_train, rebuilt.X_train)
    np.testing.assert_array_equal(grown.Y_train, rebuilt.Y_train)
    np.testing.assert_allclose(grown.G, rebuilt.G, rtol=1e-12)
    np.testing.assert_allclose(grown.K, rebuilt.K, rtol=1e-12)
    np.testing.assert_array_equal(grown.G, grown.G.T)
    assert not grown.GK.flags.writeable and not grown.X_train.flags.writeable
    config = TrainConfig(num_iterations=50, learning_rate=0.01)
    a, b = engine.train(grown, config), engine.train(rebuilt, config)
    np.testing.assert_allclose(a.w, b.w, rtol=1e-9)
    assert a.test_accuracy == b.test_accuracy


def test_adding_to_a_primal_problem_falls_back_to_a_rebuild(dataset):
    from catlr.data import flatten
    from catlr.problem import add_examples

    base = from_dataset(dataset, solver="primal")
    grown = add_examples(base, flatten(dataset.test_set_x_orig[:1]), [[1]])
    assert grown.m_train == 13 and grown.solver == "gram"  # rebuilt by prepare(), whose "auto" picks Gram here
    np.testing.assert_array_equal(grown.G, grown.X_train.T @ grown.X_train)


def test_added_examples_must_match_the_dataset(dataset):
    from catlr.data import with_train_images
    from catlr.errors import CatlrInputError
    from catlr.problem import add_examples

    with pytest.raises(CatlrInputError, match="the new images have 5 features but the dataset's have 192"):
        add_examples(from_dataset(dataset), np.zeros((5, 1)), [[1]])
    with pytest.raises(CatlrInputError, match=r"images must be uint8 of shape \(k, 8, 8, 3\)"):
        with_train_images(dataset, np.zeros((1, 4, 4, 3), np.uint8), [1])
    with pytest.raises(CatlrInputError, match="labels must be 0 or 1; found 2"):
        with_train_images(dataset, np.zeros((1, 8, 8, 3), np.uint8), [2])
