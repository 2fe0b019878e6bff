"""catlr.dataset_export: a dataset built from real photos, trained, exported, read back three ways, same model."""

from __future__ import annotations

import io
from pathlib import Path

import h5py
import numpy as np
import pytest
from photo_sets import source_files

from catlr import data, engine, problem
from catlr.config import TrainConfig
from catlr.data_files import TEST_FILE, TRAIN_FILE
from catlr.dataset_export import IMAGES_ZIP, folder_names, h5_bytes, images_zip, write_folder
from catlr.errors import CatlrInputError
from catlr.photo_dataset import BuildSettings, build_dataset
from catlr.photo_sources import read_zip

CONFIG = TrainConfig(num_iterations=300, learning_rate=0.005)


def exercise_load_dataset(folder: Path):
    """The exercise's own ``load_dataset`` (lr_utils.py), word for word but for the folder it reads."""
    train_dataset = h5py.File(folder / "train_catvnoncat.h5", "r")
    train_set_x_orig = np.array(train_dataset["train_set_x"][:])  # your train set features
    train_set_y_orig = np.array(train_dataset["train_set_y"][:])  # your train set labels

    test_dataset = h5py.File(folder / "test_catvnoncat.h5", "r")
    test_set_x_orig = np.array(test_dataset["test_set_x"][:])  # your test set features
    test_set_y_orig = np.array(test_dataset["test_set_y"][:])  # your test set labels

    classes = np.array(test_dataset["list_classes"][:])  # the list of classes

    train_set_y_orig = train_set_y_orig.reshape((1, train_set_y_orig.shape[0]))
    test_set_y_orig = test_set_y_orig.reshape((1, test_set_y_orig.shape[0]))

    return train_set_x_orig, train_set_y_orig, test_set_x_orig, test_set_y_orig, classes


@pytest.fixture(scope="module")
def built():
    return build_dataset(
        source_files("cat", 6, "cats"),
        source_files("other", 12, "other"),
        class1_name="my cat",
        class0_name="autre chose é",
        settings=BuildSettings(num_px=32, test_fraction=0.3, seed=3),
    )


def _model(ds: data.Dataset):
    return engine.train(problem.from_dataset(ds), CONFIG)


def test_exported_files_read_back_three_ways_and_train_the_same_model(built, tmp_path):
    original = _model(built.dataset)
    written = write_folder(built.dataset, tmp_path / "mine", built.names)
    assert sorted(p.name for p in written) == sorted([TRAIN_FILE, TEST_FILE, IMAGES_ZIP])

    by_catlr = data.load_dataset(tmp_path / "mine")  # the CLI's and the app's reader (in the sandbox)
    by_upload = data.load_dataset_from_bytes(h5_bytes(built.dataset, "train"), h5_bytes(built.dataset, "test"))
    x_train, y_train, x_test, y_test, classes = exercise_load_dataset(tmp_path / "mine")
    assert [c.decode("utf-8") for c in classes] == ["autre chose é", "my cat"]
    assert y_train.shape == (1, built.dataset.m_train) and x_test.dtype == np.uint8
    by_exercise = data.Dataset(x_train, y_train, x_test, y_test, ("autre chose é", "my cat"), 32, "exercise loader")

    for ds in (by_catlr, by_upload, by_exercise):
        assert ds.classes == built.dataset.classes and ds.warnings == ()
        for a, b in zip(ds, built.dataset, strict=True):
            np.testing.assert_array_equal(a, b)
        again = _model(ds)
        np.testing.assert_array_equal(again.w, original.w)
        assert again.b == original.b and again.test_accuracy == original.test_accuracy


def test_the_images_zip_is_two_class_folders_that_build_again(built):
    payload = images_zip(built.dataset, built.names)
    collected = read_zip(payload, "images.zip")
    assert collected.folders == ("autre chose é", "my cat") and collected.rejected == ()
    assert all(f.name.split("/")[1].startswith(("train-", "test-")) for f in (*collected.files[0], *collected.files[1]))
    rebuilt = build_dataset(
        collected.files[1], collected.files[0], class1_name="my cat", class0_name="autre chose é",
        settings=BuildSettings(num_px=32),
    )  # fmt: skip
    for label in (0, 1):

        def rows(ds, label=label):
            images = np.concatenate(
                [ds.train_set_x_orig[ds.train_set_y[0] == label], ds.test_set_x_orig[ds.test_set_y[0] == label]]
            )
            return sorted(image.tobytes() for image in images)

        assert rows(rebuilt.dataset) == rows(built.dataset), "the same pixels come back"


@pytest.mark.parametrize("classes", [("a/b", "a\\b"), ("..", "."), ("Cat", "cat")])
def test_class_folders_are_single_distinct_names(classes):
    zero, one = folder_names(classes)
    assert zero.casefold() != one.casefold()
    for name in (zero, one):
        assert "/" not in name and "\\" not in name and name not in (".", "..", "")


def test_B17_an_occupied_output_folder_is_refused_and_nothing_is_written(built, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / TEST_FILE).write_bytes(b"keep me")
    with pytest.raises(CatlrInputError, match=f"already holds {TEST_FILE}"):
        write_folder(built.dataset, out)
    assert sorted(p.name for p in out.iterdir()) == [TEST_FILE] and (out / TEST_FILE).read_bytes() == b"keep me"
    a_file = tmp_path / "file"
    a_file.write_bytes(b"x")
    with pytest.raises(CatlrInputError, match="is a file; give a folder"):
        write_folder(built.dataset, a_file)


def test_B17_a_failed_write_leaves_nothing_behind(built, tmp_path, monkeypatch):
    out = tmp_path / "out"
    real_replace = __import__("os").replace
    calls = []

    def failing_replace(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr("catlr.dataset_export.os.replace", failing_replace)
    with pytest.raises(CatlrInputError, match="cannot write the dataset .* No space left on device"):
        write_folder(built.dataset, out)
    assert list(out.iterdir()) == [], "the first file, already moved in, was removed again"


def test_h5_files_use_the_exercise_dtypes(built):
    with h5py.File(io.BytesIO(h5_bytes(built.dataset, "train")), "r") as f:
        assert f["train_set_x"].dtype == np.uint8 and f["train_set_x"].shape == (built.dataset.m_train, 32, 32, 3)
        assert f["train_set_y"].dtype == np.int64 and f["train_set_y"].shape == (built.dataset.m_train,)
        assert f["list_classes"].dtype.kind == "S" and f["list_classes"].shape == (2,)
