"""catlr.persistence: .npz model files round-trip, and every kind of bad file is refused with a clear message."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest

from catlr import limits
from catlr.config import TrainConfig
from catlr.engine import train
from catlr.errors import CatlrInputError
from catlr.persistence import (
    FORMAT_VERSION,
    SavedModel,
    load_model,
    model_from_bytes,
    model_to_bytes,
    save_model,
)
from catlr.problem import prepare

NUM_PX = 4  # 4×4×3 = 48 features


@pytest.fixture(scope="module")
def saved() -> SavedModel:
    rng = np.random.default_rng(0)
    X, Xt = rng.random((48, 10)), rng.random((48, 5))
    Y, Yt = (rng.random((1, 10)) > 0.5) * 1.0, (rng.random((1, 5)) > 0.5) * 1.0
    result = train(prepare(X, Y, Xt, Yt), TrainConfig(300, 0.05, l2=0.25))
    return SavedModel.from_result(result, NUM_PX)


def test_from_result_keeps_what_the_run_produced(saved):
    assert saved.w.shape == (48, 1) and saved.w.dtype == np.float64 and not saved.w.flags.writeable
    assert saved.num_px == NUM_PX and saved.format_version == FORMAT_VERSION
    assert saved.config == TrainConfig(300, 0.05, l2=0.25)
    assert set(saved.metrics) == {"train_accuracy", "test_accuracy", "final_cost"}


def test_from_result_checks_num_px():
    result = train(prepare(np.ones((48, 2)), np.array([[0.0, 1.0]])), TrainConfig(1, 0.1))
    with pytest.raises(CatlrInputError, match="48 weights does not fit 5×5 RGB images"):
        SavedModel.from_result(result, 5)


def test_from_a_stopped_run_records_the_iterations_actually_run():
    rng = np.random.default_rng(1)
    X, Y = rng.random((12, 6)), np.array([[0.0, 1.0, 0.0, 1.0, 1.0, 0.0]])
    result = train(prepare(X, Y), TrainConfig(500, 0.1), callback=lambda p: False, progress_every=50)
    saved = SavedModel.from_result(result, 2)
    assert saved.config.num_iterations == 50 and "test_accuracy" not in saved.metrics


def test_bytes_round_trip(saved):
    loaded = model_from_bytes(model_to_bytes(saved))
    np.testing.assert_array_equal(loaded.w, saved.w)
    assert loaded.b == saved.b and loaded.num_px == saved.num_px and loaded.config == saved.config
    assert loaded.metrics == saved.metrics and loaded.format_version == FORMAT_VERSION
    assert not loaded.w.flags.writeable


def test_file_round_trip(saved, tmp_path):
    path = tmp_path / "cat.npz"
    save_model(path, saved)
    save_model(path, saved)  # overwrites in place
    assert [p.name for p in tmp_path.iterdir()] == ["cat.npz"]  # no temporary file left behind
    loaded = load_model(path)
    np.testing.assert_array_equal(loaded.w, saved.w)
    assert loaded.metrics == saved.metrics


def test_load_missing_file(tmp_path):
    with pytest.raises(CatlrInputError, match="cannot read the model file"):
        load_model(tmp_path / "nope.npz")


# --- bad files -----------------------------------------------------------------------------------------------


def fields(saved: SavedModel) -> dict[str, np.ndarray]:
    with np.load(io.BytesIO(model_to_bytes(saved))) as npz:
        return {k: npz[k] for k in npz.files}


def npz_bytes(arrays: dict[str, object]) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def changed(saved: SavedModel, **changes) -> bytes:
    arrays = fields(saved)
    for key, value in changes.items():
        if value is None:
            del arrays[key]
        else:
            arrays[key] = value
    return npz_bytes(arrays)


BAD_FILES = {
    "empty": (lambda s: b"", "is empty"),
    "not-a-zip": (lambda s: b"\x89PNG\r\n\x1a\n" + bytes(100), "not a readable .npz archive"),
    "truncated": (lambda s: model_to_bytes(s)[: len(model_to_bytes(s)) // 2], "not a readable .npz archive"),
    "npy-not-npz": (lambda s: _npy(s.w), "not a readable .npz archive"),
    "pickled-object-array": (
        lambda s: changed(s, w=np.array([{"evil": 1}] * 48, dtype=object).reshape(48, 1)),
        "could not be read",
    ),
    "missing-key": (lambda s: changed(s, b=None), "lacks b"),
    "extra-key": (lambda s: changed(s, extra=np.zeros(3)), "more data than a model"),
    "wrong-shape": (lambda s: changed(s, w=np.zeros((47, 1))), r"shape \(48, 1\) for 4×4 images"),
    "w-for-other-num-px": (lambda s: changed(s, num_px=np.int64(8)), r"shape \(192, 1\)"),
    "integer-w": (lambda s: changed(s, w=np.zeros((48, 1), dtype=np.int64)), "floating point"),
    "nan-w": (lambda s: changed(s, w=np.full((48, 1), np.nan)), "NaN or infinite"),
    "inf-b": (lambda s: changed(s, b=np.float64(np.inf)), "NaN or infinite"),
    "b-not-scalar": (lambda s: changed(s, b=np.zeros(2)), "'b' must be a single number"),
    "wrong-version": (lambda s: changed(s, format_version=np.int64(99)), "format version 99; this catlr reads"),
    "num-px-zero": (lambda s: changed(s, num_px=np.int64(0)), "num_px must be between 1 and"),
    "bad-learning-rate": (lambda s: changed(s, learning_rate=np.float64(-1.0)), "settings are out of range"),
    "bad-iterations": (lambda s: changed(s, num_iterations=np.int64(10**9)), "settings are out of range"),
    "bad-engine": (lambda s: changed(s, engine=np.str_("turbo")), "settings are out of range"),
    "engine-not-string": (lambda s: changed(s, engine=np.float64(1.0)), "'engine' must be a string"),
    "metrics-mismatch": (lambda s: changed(s, metric_values=np.zeros(1)), "metrics are malformed"),
}


def _npy(a: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, a)
    return buffer.getvalue()


@pytest.mark.parametrize("key", list(BAD_FILES))
def test_bad_model_files_are_refused(saved, key):
    make, match = BAD_FILES[key]
    with pytest.raises(CatlrInputError, match=match) as error:
        model_from_bytes(make(saved), name="upload.npz")
    assert str(error.value).startswith("upload.npz ")


def test_too_large_is_refused_before_parsing(saved, monkeypatch, tmp_path):
    data = model_to_bytes(saved)
    monkeypatch.setattr(limits, "MAX_MODEL_BYTES", len(data) - 1)
    with pytest.raises(CatlrInputError, match="larger than"):
        model_from_bytes(data, name="big.npz")
    path = tmp_path / "big.npz"
    path.write_bytes(data)
    with pytest.raises(CatlrInputError, match="big.npz is larger than"):
        load_model(path)


def test_a_compressed_bomb_is_refused_from_the_zip_directory():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("w.npy", bytes(limits.MAX_MODEL_BYTES + 1))  # compresses to a few KB
    with pytest.raises(CatlrInputError, match="more data than a model"):
        model_from_bytes(buffer.getvalue())
