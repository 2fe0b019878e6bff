"""The validating reader of one dataset file: the same code runs in this process and in the sandbox.

The parent reads the two known files with :func:`read_split` directly; for any other file it hands
:func:`read_split_for_sandbox` to :mod:`catlr.sandbox` and checks what comes back with
:func:`split_from_child`, since a child that read a hostile file is not trusted either. It imports
neither :mod:`catlr.data` nor the sandbox: both point here, so the imports between them run one way.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import NamedTuple

import h5py
import numpy as np

from catlr import limits
from catlr.errors import CatlrInputError
from catlr.h5_schema import (
    HDF5_SIGNATURE,
    check_chunks,
    check_classes_meta,
    check_declared_size,
    check_h5_bytes,
    check_images_meta,
    check_labels_meta,
    class_names,
    hard_dataset,
    labels_from_array,
)


class Split(NamedTuple):
    """One validated file: x (m, num_px, num_px, 3) uint8, y (m,) int64, the two class names."""

    x: np.ndarray
    y: np.ndarray
    classes: tuple[str, str]
    label: str


def read_split(source: bytes | str | os.PathLike, split: str, label: str, max_chunks: int | None = None) -> Split:
    """Validate one file and read its split (``"train"`` or ``"test"``).

    Every object is checked (hard link, dataset, no external or virtual storage, allowed filters,
    type, shape, declared size, number of chunks) before any data is read.

    Args:
        source: the file's bytes, or its path.
        split: ``"train"`` or ``"test"``; the file must hold ``{split}_set_x``, ``{split}_set_y``
            and ``list_classes``.
        label: how the file is named in error messages.
        max_chunks: chunks allowed per dataset; ``limits.H5_MAX_CHUNKS`` if None (the sandbox passes the
            parent's value, read at call time, as it does its own limits).
    Returns:
        a :class:`Split`: x (m, num_px, num_px, 3) uint8, y (m,) int64, the two class names.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        check_h5_bytes(source, label)
        file_size, handle = len(source), io.BytesIO(source)
    else:
        path = Path(source)
        with path.open("rb") as probe:
            check_h5_bytes(probe.read(len(HDF5_SIGNATURE)), label)
        file_size, handle = path.stat().st_size, path
    x_name, y_name = f"{split}_set_x", f"{split}_set_y"
    try:
        with h5py.File(handle, "r") as f:
            dx, dy, dc = (hard_dataset(f, name, label, split) for name in (x_name, y_name, "list_classes"))
            m = check_images_meta(dx.dtype, dx.shape, label, x_name)
            check_labels_meta(dy.dtype, dy.shape, m, label, y_name, x_name)
            check_classes_meta(dc.dtype, dc.shape, label)
            check_declared_size((dx, dy, dc), file_size, label)
            check_chunks((dx, dy, dc), label, limits.H5_MAX_CHUNKS if max_chunks is None else max_chunks)
            x, y_raw, c_raw = dx[()], dy[()], dc[()]
    except (CatlrInputError, MemoryError):
        raise
    except Exception as error:  # the HDF5 library reports damage as OSError, RuntimeError, KeyError, ...
        if "alloc" in str(error).lower():
            raise MemoryError(str(error)) from None
        raise CatlrInputError(f"{label}: not a readable HDF5 file (it may be damaged or incomplete)") from None
    return Split(np.ascontiguousarray(x), labels_from_array(y_raw, label, y_name), class_names(c_raw), label)


def read_split_for_sandbox(path: Path, label: str, split: str, max_chunks: int | None = None) -> dict[str, np.ndarray]:
    """:func:`read_split` as run in the sandbox child: plain arrays out (names as a str array)."""
    result = read_split(path, split, label, max_chunks)
    return {"x": result.x, "y": result.y, "classes": np.array(result.classes, dtype=str)}


def split_from_child(arrays: dict[str, np.ndarray], split: str, label: str) -> Split:
    """Re-check what the child sent: it read a hostile file, so its output is not trusted either."""
    try:
        x, y, classes = arrays["x"], arrays["y"], arrays["classes"]
    except KeyError:
        raise CatlrInputError(f"{label} could not be read safely: the reader returned no data") from None
    m = check_images_meta(x.dtype, x.shape, label, f"{split}_set_x")
    check_labels_meta(y.dtype, y.shape, m, label, f"{split}_set_y", f"{split}_set_x")
    if classes.dtype.kind != "U" or classes.shape != (2,):
        raise CatlrInputError(f"{label} could not be read safely: the reader returned no class names")
    return Split(np.ascontiguousarray(x), labels_from_array(y, label, f"{split}_set_y"), class_names(classes), label)
