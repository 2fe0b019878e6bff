"""The cat / non-cat dataset: the :class:`Dataset`, how it is loaded, and the exercise's ``flatten``.

Two HDF5 files hold the data (``train_catvnoncat.h5``, ``test_catvnoncat.h5``). A file whose
sha256 is one of the two known files is read in this process; any other file is read by
:mod:`catlr.sandbox` in a resource-limited child process, because a hostile HDF5 file can crash
the reader or make it read other files. Either way the same validating reader runs
(:func:`catlr.h5_reader.read_split`), and every problem becomes a :class:`CatlrInputError` naming the file.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from catlr import h5_reader, limits, sandbox
from catlr.arrays import read_only, zero_one
from catlr.data_files import DATA_FILES, KNOWN_SHA256, TEST_FILE, TRAIN_FILE, find_data_dir
from catlr.errors import CatlrInputError
from catlr.h5_reader import Split
from catlr.h5_schema import check_h5_bytes

# What the sandbox child runs on a file that is not one of the two known ones; a "module:function" name.
SANDBOX_READER = "catlr.h5_reader:read_split_for_sandbox"


@dataclass(frozen=True, eq=False)
class Dataset:
    """The loaded dataset; arrays are read-only.

    Attributes:
        train_set_x_orig: (m_train, num_px, num_px, 3) uint8 images.
        train_set_y: (1, m_train) int64 labels, 0 = non-cat, 1 = cat.
        test_set_x_orig: (m_test, num_px, num_px, 3) uint8 images.
        test_set_y: (1, m_test) int64 labels.
        classes: the two class names, decoded, e.g. ``("non-cat", "cat")``.
        num_px: image side in pixels (64 for the real data).
        source: where the data came from (a folder path or "uploaded files").
        warnings: things worth telling the user that do not stop training (e.g. one class only).

    ``a, b, c, d, e = dataset`` unpacks like the exercise's ``load_dataset()``; ``e`` is the
    classes as a NumPy bytes array (``array([b'non-cat', b'cat'])``).
    """

    train_set_x_orig: np.ndarray
    train_set_y: np.ndarray
    test_set_x_orig: np.ndarray
    test_set_y: np.ndarray
    classes: tuple[str, str]
    num_px: int
    source: str
    warnings: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("train_set_x_orig", "train_set_y", "test_set_x_orig", "test_set_y"):
            object.__setattr__(self, name, read_only(getattr(self, name)))
        object.__setattr__(self, "classes", tuple(self.classes))
        object.__setattr__(self, "warnings", tuple(self.warnings))

    @property
    def m_train(self) -> int:
        """Number of training images."""
        return int(self.train_set_x_orig.shape[0])

    @property
    def m_test(self) -> int:
        """Number of test images."""
        return int(self.test_set_x_orig.shape[0])

    def __iter__(self):
        classes = read_only(np.array([c.encode("utf-8") for c in self.classes]))
        return iter((self.train_set_x_orig, self.train_set_y, self.test_set_x_orig, self.test_set_y, classes))


def with_train_images(dataset: Dataset, images: np.ndarray, labels, source: str | None = None) -> Dataset:
    """``dataset`` with images appended to its training split (the test split unchanged).

    Args:
        images: (k, num_px, num_px, 3) uint8, the size of the dataset's. labels: k labels 0/1.
    """
    images = np.asarray(images)
    if images.dtype != np.uint8 or images.shape[1:] != dataset.train_set_x_orig.shape[1:]:
        raise CatlrInputError(
            f"images must be uint8 of shape (k, {dataset.num_px}, {dataset.num_px}, 3); "
            f"got {images.dtype} {images.shape}"
        )
    labels = zero_one(labels, "labels").reshape(1, -1)
    if labels.shape[1] != images.shape[0]:
        raise CatlrInputError(f"{labels.shape[1]} labels for {images.shape[0]} images; give one label per image")
    return replace(
        dataset,
        train_set_x_orig=np.concatenate([dataset.train_set_x_orig, images]),
        train_set_y=np.concatenate([dataset.train_set_y, labels.astype(dataset.train_set_y.dtype)], axis=1),
        source=dataset.source if source is None else source,
    )


def flatten(images: np.ndarray) -> np.ndarray:
    """The exercise's preprocessing: ``images.reshape(m, -1).T / 255.``.

    Args:
        images: (m, num_px, num_px, 3) uint8.
    Returns:
        (num_px·num_px·3, m) float64 in [0, 1], one column per image, pixels row-major with
        channels innermost.
    """
    images = np.asarray(images)
    return images.reshape(images.shape[0], -1).T / 255.0


def load_dataset(data_dir: str | os.PathLike | None = None) -> Dataset:
    """Load and validate the two files from ``data_dir`` (or :func:`find_data_dir`'s folder).

    Returns:
        a :class:`Dataset`; images (m, num_px, num_px, 3) uint8, labels (1, m) int64.
    Raises:
        CatlrInputError: the data is missing or a file is not a valid dataset file.
    """
    folder = find_data_dir(data_dir)
    blobs = {split: _read_file(folder / name) for split, name in zip(("train", "test"), DATA_FILES, strict=True)}
    return _load(blobs["train"], blobs["test"], (TRAIN_FILE, TEST_FILE), str(folder))


def load_dataset_from_bytes(train: bytes, test: bytes, source: str = "uploaded files") -> Dataset:
    """Load and validate a dataset from the bytes of the two files (e.g. uploads).

    Args:
        train: the content of a file in the layout of ``train_catvnoncat.h5``.
        test: the content of a file in the layout of ``test_catvnoncat.h5``.
        source: how the data is described to the user.
    """
    return _load(train, test, ("uploaded train file", "uploaded test file"), source)


def _read_file(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > limits.MAX_H5_BYTES:
            raise CatlrInputError(f"{path} is larger than {limits.MAX_H5_BYTES // 2**20} MB")
        return path.read_bytes()
    except OSError as error:
        raise CatlrInputError(f"could not read {path}: {error.strerror or error}") from None


def _load(train: bytes, test: bytes, labels: tuple[str, str], source: str) -> Dataset:
    items = list(zip(("train", "test"), (train, test), labels, strict=True))
    for _, data, label in items:
        check_h5_bytes(data, label)
    known = set(KNOWN_SHA256.values())
    splits: dict[str, Split] = {}
    untrusted = []
    for split, data, label in items:
        if hashlib.sha256(data).hexdigest() in known:
            splits[split] = h5_reader.read_split(bytes(data), split, label)
        else:
            untrusted.append((split, data, label))
    if untrusted:
        options = {"max_chunks": limits.H5_MAX_CHUNKS}  # the child has its own copy of limits
        jobs = [sandbox.Job(bytes(data), label, {"split": split, **options}) for split, data, label in untrusted]
        results = sandbox.run_sandboxed(SANDBOX_READER, jobs)
        for (split, _, label), arrays in zip(untrusted, results, strict=True):
            splits[split] = h5_reader.split_from_child(arrays, split, label)
    return _assemble(splits["train"], splits["test"], source)


def _assemble(train: Split, test: Split, source: str) -> Dataset:
    num_px, test_px = train.x.shape[1], test.x.shape[1]
    if num_px != test_px:
        raise CatlrInputError(
            f"{train.label} has {num_px}×{num_px} images but {test.label} has {test_px}×{test_px}; "
            "both files must use the same image size"
        )
    warnings = []
    if train.classes != test.classes:
        warnings.append(
            f"{test.label} names its classes {test.classes!r}, {train.label} {train.classes!r}; "
            "using the names from the training file"
        )
    for split, what in ((train, "training"), (test, "test")):
        present = np.unique(split.y)
        if present.size == 1:
            only = int(present[0])
            warnings.append(
                f"every {what} image in {split.label} is labelled {only} ({train.classes[only]}): "
                "with one class the figures mean little"
            )
    return Dataset(
        train_set_x_orig=train.x,
        train_set_y=train.y.reshape(1, -1),
        test_set_x_orig=test.x,
        test_set_y=test.y.reshape(1, -1),
        classes=train.classes,
        num_px=int(num_px),
        source=source,
        warnings=tuple(warnings),
    )
