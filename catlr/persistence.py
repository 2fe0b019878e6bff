"""Saving and loading trained models as validated .npz files (never pickles).

A model file is an uncompressed .npz holding plain arrays: w (d, 1) float64, b, num_px, the
hyper-parameters, metric names and values, and a format version. Loading treats the bytes as untrusted:
it checks the size, the zip directory (before anything is decompressed), the keys, dtypes, shapes and
values, and raises :class:`~catlr.errors.CatlrInputError` naming the file for anything wrong.
"""

from __future__ import annotations

import io
import math
import os
import tempfile
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from catlr import limits
from catlr.arrays import read_only
from catlr.config import TrainConfig
from catlr.errors import CatlrInputError

FORMAT_VERSION = 1
_KEYS = (
    "format_version",
    "w",
    "b",
    "num_px",
    "num_iterations",
    "learning_rate",
    "l2",
    "engine",
    "metric_names",
    "metric_values",
)
_MAX_METRICS = 32
_MAX_METRIC_NAME = 64


@dataclass(frozen=True, eq=False)
class SavedModel:
    """A trained model with what it needs to be used and described again.

    Attributes:
        w: (num_px·num_px·3, 1) float64 weights (read-only). b: the bias.
        num_px: the image side the model expects. config: the settings that trained it.
        metrics: named figures, e.g. ``{"train_accuracy": 99.04, "test_accuracy": 70.0}``.
        format_version: the file format version.
    """

    w: np.ndarray
    b: float
    num_px: int
    config: TrainConfig
    metrics: dict[str, float] = field(default_factory=dict)
    format_version: int = FORMAT_VERSION

    @classmethod
    def from_result(cls, result, num_px: int) -> SavedModel:
        """From a :class:`catlr.engine.TrainResult` trained on num_px × num_px images.

        The config records the iterations actually run (fewer than asked when the run was stopped).
        """
        metrics = {"train_accuracy": result.train_accuracy, "final_cost": result.final_cost}
        if result.test_accuracy is not None:
            metrics["test_accuracy"] = result.test_accuracy
        # A loaded model (engine.evaluate) ran no updates here; its config already says how it was trained.
        config = (
            result.config if result.loaded else replace(result.config, num_iterations=result.iterations_run)
        )
        w = np.array(result.w, dtype=np.float64).reshape(-1, 1)
        if w.shape[0] != num_px * num_px * 3:
            raise CatlrInputError(
                f"a model of {w.shape[0]:,} weights does not fit {num_px}×{num_px} RGB images "
                f"({num_px * num_px * 3:,} values)"
            )
        return cls(w=read_only(w), b=float(result.b), num_px=int(num_px), config=config, metrics=metrics)


def model_to_bytes(model: SavedModel) -> bytes:
    """Serialize to the bytes of an .npz file (plain arrays only)."""
    names = list(model.metrics)
    buffer = io.BytesIO()
    np.savez(
        buffer,
        format_version=np.int64(model.format_version),
        w=np.asarray(model.w, dtype=np.float64),
        b=np.float64(model.b),
        num_px=np.int64(model.num_px),
        num_iterations=np.int64(model.config.num_iterations),
        learning_rate=np.float64(model.config.learning_rate),
        l2=np.float64(model.config.l2),
        engine=np.str_(model.config.solver),  # the file format's name for the solver
        metric_names=np.array(names, dtype=str) if names else np.zeros(0, dtype="<U1"),
        metric_values=np.array([model.metrics[k] for k in names], dtype=np.float64),
    )
    return buffer.getvalue()


def _scalar(arrays: dict, key: str, kind: str, name: str):
    a = arrays[key]
    if a.shape != () or a.dtype.kind not in kind:
        raise CatlrInputError(f"{name} is not a valid catlr model file: {key!r} must be a single number")
    return a[()]


def _read_arrays(data: bytes, name: str, bad: str) -> dict[str, np.ndarray]:
    """The model's arrays, after checking the size and the zip directory (before anything is decompressed)."""
    if len(data) == 0:
        raise CatlrInputError(f"{name} is empty")
    if len(data) > limits.MAX_MODEL_BYTES:
        raise CatlrInputError(f"{name} is larger than {limits.MAX_MODEL_BYTES // 2**20} MB; it is not a catlr model")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise CatlrInputError(f"{bad}: it is not a readable .npz archive") from error
    members = {info.filename for info in infos}
    if len(infos) > len(_KEYS) or sum(info.file_size for info in infos) > limits.MAX_MODEL_BYTES:
        raise CatlrInputError(f"{bad}: it holds more data than a model")
    missing = [k for k in _KEYS if f"{k}.npy" not in members]
    if missing:
        raise CatlrInputError(f"{bad}: it lacks {', '.join(missing)}")
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            return {k: npz[k] for k in _KEYS}
    except Exception as error:  # damaged members fail in many ways (zlib, format, pickle refused, …)
        raise CatlrInputError(f"{bad}: its contents could not be read ({type(error).__name__})") from error


def _weights(arrays: dict, num_px: int, name: str, bad: str) -> tuple[np.ndarray, float]:
    """w (num_px·num_px·3, 1) float64, read-only, and b; both finite."""
    w = arrays["w"]
    if w.dtype.kind != "f" or w.shape != (num_px * num_px * 3, 1):
        raise CatlrInputError(
            f"{bad}: w must be floating point of shape ({num_px * num_px * 3}, 1) for {num_px}×{num_px} images; "
            f"got {w.dtype} {w.shape}"
        )
    w = np.array(w, dtype=np.float64)
    b = float(_scalar(arrays, "b", "fiu", name))
    if not (np.isfinite(w).all() and math.isfinite(b)):
        raise CatlrInputError(f"{bad}: its weights contain NaN or infinite values")
    return read_only(w), b


def _config(arrays: dict, name: str, bad: str) -> TrainConfig:
    """The hyper-parameters that trained the model, validated as TrainConfig validates any."""
    engine = arrays["engine"]
    if engine.shape != () or engine.dtype.kind != "U":
        raise CatlrInputError(f"{bad}: 'engine' must be a string")
    try:
        return TrainConfig(
            num_iterations=_scalar(arrays, "num_iterations", "iu", name).item(),
            learning_rate=_scalar(arrays, "learning_rate", "f", name).item(),
            l2=_scalar(arrays, "l2", "f", name).item(),
            solver=str(engine[()]),
        )
    except CatlrInputError as error:
        raise CatlrInputError(f"{bad}: its settings are out of range: {error}") from error


def _metrics(arrays: dict, bad: str) -> dict[str, float]:
    """Named figures: at most _MAX_METRICS short, distinct names, one float each."""
    names, values = arrays["metric_names"], arrays["metric_values"]
    if (
        names.ndim != 1
        or names.dtype.kind not in "U"
        or values.shape != names.shape
        or values.dtype.kind != "f"
        or len(names) > _MAX_METRICS
        or any(len(n) > _MAX_METRIC_NAME for n in names)
        or len(set(names.tolist())) != len(names)
    ):
        raise CatlrInputError(f"{bad}: its metrics are malformed")
    return {str(k): float(v) for k, v in zip(names, values, strict=True)}


def model_from_bytes(data: bytes, name: str = "model file") -> SavedModel:
    """Parse and validate model-file bytes.

    Args:
        data: the file's bytes.
        name: how to name the file in messages.

    Returns:
        The :class:`SavedModel`; its ``w`` is (num_px·num_px·3, 1) float64.

    Raises:
        CatlrInputError: the bytes are not a valid catlr model file (the message says why).
    """
    bad = f"{name} is not a valid catlr model file"
    arrays = _read_arrays(data, name, bad)
    version = _scalar(arrays, "format_version", "iu", name)
    if version != FORMAT_VERSION:
        raise CatlrInputError(f"{name} has model format version {version}; this catlr reads version {FORMAT_VERSION}")
    num_px = int(_scalar(arrays, "num_px", "iu", name))
    if not 1 <= num_px <= limits.MAX_NUM_PX:
        raise CatlrInputError(f"{bad}: num_px must be between 1 and {limits.MAX_NUM_PX}; got {num_px}")
    w, b = _weights(arrays, num_px, name, bad)
    config, metrics = _config(arrays, name, bad), _metrics(arrays, bad)
    return SavedModel(w=w, b=b, num_px=num_px, config=config, metrics=metrics, format_version=int(version))


def save_model(path: str | os.PathLike, model: SavedModel) -> None:
    """Write ``model`` to ``path`` atomically (a temporary file in the same folder, then a rename)."""
    path = Path(path)
    data = model_to_bytes(model)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_model(path: str | os.PathLike) -> SavedModel:
    """Read and validate a model file; :class:`CatlrInputError` (naming the file) if it is not a valid model."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > limits.MAX_MODEL_BYTES:
            raise CatlrInputError(
                f"{path.name} is larger than {limits.MAX_MODEL_BYTES // 2**20} MB; it is not a catlr model"
            )
        data = path.read_bytes()
    except OSError as error:
        raise CatlrInputError(f"cannot read the model file {path}: {error.strerror or error}") from error
    return model_from_bytes(data, name=path.name)
