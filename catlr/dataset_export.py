"""A dataset written out: the exercise's two .h5 files, or a .zip of labelled PNG images.

The .h5 files follow the exercise's schema (:mod:`catlr.h5_schema`): ``train_set_x`` (m, n, n, 3) uint8,
``train_set_y`` (m,) int64, ``list_classes`` (2,) fixed-length UTF-8 bytes (class 0, class 1), the same
with ``test_`` in the test file; so catlr (app and CLI) and the exercise's own ``load_dataset`` read them
back unchanged. The .zip holds one folder per class, each image named ``<split>-<nnn>-<source>.png``:
unpacked, it is again two class folders, and so it can be built into a dataset once more.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

import h5py
import numpy as np
from PIL import Image

from catlr.data import Dataset
from catlr.data_files import TEST_FILE, TRAIN_FILE
from catlr.errors import CatlrInputError

IMAGES_ZIP = "images.zip"


def h5_bytes(dataset: Dataset, split: str) -> bytes:
    """The .h5 file of one split ("train" or "test") as bytes, in the exercise's schema."""
    images, labels = (
        (dataset.train_set_x_orig, dataset.train_set_y)
        if split == "train"
        else (dataset.test_set_x_orig, dataset.test_set_y)
    )
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        f.create_dataset(f"{split}_set_x", data=np.ascontiguousarray(images, dtype=np.uint8))
        f.create_dataset(f"{split}_set_y", data=np.asarray(labels, dtype=np.int64).reshape(-1))
        f.create_dataset("list_classes", data=np.array([c.encode("utf-8") for c in dataset.classes]))
    return buffer.getvalue()


def _safe(text: str) -> str:
    """A name that is one harmless path component (no separators, no control characters, not '.' or '..')."""
    cleaned = re.sub(r"[\\/:*?\"<>|\x00-\x1f\x7f]", "_", text).strip().strip(".") or "_"
    return cleaned[:60]


def folder_names(classes: tuple[str, str]) -> tuple[str, str]:
    """The two class folders of the zip, distinct even when the class names clean up alike."""
    zero, one = _safe(classes[0]), _safe(classes[1])
    if zero.casefold() == one.casefold():
        zero, one = f"0 {zero}", f"1 {one}"
    return zero, one


def images_zip(dataset: Dataset, names: dict | None = None) -> bytes:
    """A .zip of every image as a PNG in its class folder; ``names[split][i]`` (optional) is kept in the file name."""
    folders = folder_names(dataset.classes)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for split, images, labels in (
            ("train", dataset.train_set_x_orig, dataset.train_set_y),
            ("test", dataset.test_set_x_orig, dataset.test_set_y),
        ):
            for i, (image, label) in enumerate(zip(images, labels.reshape(-1), strict=True)):
                stem = PurePosixPath(names[split][i]).stem if names else ""
                filename = f"{split}-{i:04d}" + (f"-{_safe(stem)}" if stem else "") + ".png"
                png = io.BytesIO()
                Image.fromarray(np.asarray(image)).save(png, "PNG")
                archive.writestr(f"{folders[int(label)]}/{filename}", png.getvalue())
    return out.getvalue()


def write_folder(dataset: Dataset, out: str | os.PathLike, names: dict | None = None) -> list[Path]:
    """Write the two .h5 files and ``images.zip`` into ``out`` (created if missing); returns their paths.

    Nothing is overwritten, and nothing is left behind if writing fails: files are written under temporary
    names in ``out`` and renamed into place at the end.

    Raises:
        CatlrInputError: ``out`` is a file, cannot be created, or already holds one of the three files.
    """
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise CatlrInputError(f"{folder} is a file; give a folder for the dataset")
    targets = {TRAIN_FILE: h5_bytes(dataset, "train"), TEST_FILE: h5_bytes(dataset, "test")}
    targets[IMAGES_ZIP] = images_zip(dataset, names)
    taken = [name for name in targets if (folder / name).exists()]
    if taken:
        raise CatlrInputError(f"{folder} already holds {', '.join(taken)}; choose another folder or remove them")
    written: list[Path] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=folder, prefix=".catlr-build-") as tmp:
            for name, content in targets.items():
                (Path(tmp) / name).write_bytes(content)
            for name in targets:
                os.replace(Path(tmp) / name, folder / name)
                written.append(folder / name)
    except OSError as error:
        for path in written:  # a half-written dataset is removed
            path.unlink(missing_ok=True)
        raise CatlrInputError(f"cannot write the dataset to {folder}: {error.strerror or error}") from None
    return written
