"""The exercise's HDF5 schema: checks on a dataset file's signature, metadata and values.

A hostile file can declare a terabyte, keep its data in other files or in a million tiny chunks; every
such promise is in the metadata, so each is refused from there before any data is read, with a message
naming the file and the object. The parent runs the same checks again on what the sandbox child sends back.
"""

from __future__ import annotations

import math

import h5py
import numpy as np

from catlr import limits
from catlr.arrays import zero_one
from catlr.errors import CatlrInputError

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
DEFAULT_CLASSES = ("non-cat", "cat")

_ALLOWED_FILTERS = {1: "gzip", 2: "shuffle", 3: "fletcher32", 32000: "lzf"}
_MAX_CLASS_ITEM_BYTES = 64 * 1024  # a fixed-length name longer than this is not a name


def check_h5_bytes(data: bytes, label: str) -> None:
    """Checks made before any HDF5 library sees the bytes: type, size, signature at offset 0."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise CatlrInputError(f"{label}: expected the file's bytes; got {type(data).__name__}")
    if len(data) == 0:
        raise CatlrInputError(f"{label}: the file is empty")
    if len(data) > limits.MAX_H5_BYTES:
        raise CatlrInputError(f"{label}: the file is larger than {limits.MAX_H5_BYTES // 2**20} MB")
    # HDF5 also looks for its signature after a user block (offset 512, 1024, ...): refuse that too.
    if bytes(data[: len(HDF5_SIGNATURE)]) != HDF5_SIGNATURE:
        raise CatlrInputError(f"{label}: not an HDF5 file (it does not start with the HDF5 signature)")


def hard_dataset(f: h5py.File, name: str, label: str, split: str) -> h5py.Dataset:
    """The dataset ``name`` if it is a plain one: a hard link, stored in this file, with allowed filters only."""
    link = f.get(name, getlink=True)
    if link is None:
        raise CatlrInputError(
            f"{label} has no '{name}'; a {split} file needs {split}_set_x, {split}_set_y and list_classes"
        )
    if isinstance(link, h5py.SoftLink):
        raise CatlrInputError(f"{label}: '{name}' is a soft link; links are not allowed, store the data itself")
    if isinstance(link, h5py.ExternalLink):
        raise CatlrInputError(f"{label}: '{name}' is a link to another file; links to other files are not allowed")
    if not isinstance(link, h5py.HardLink):
        raise CatlrInputError(f"{label}: '{name}' is a link of an unknown kind; store the data itself")
    obj = f[name]
    if not isinstance(obj, h5py.Dataset):
        kind = "a group" if isinstance(obj, h5py.Group) else "not data"
        raise CatlrInputError(f"{label}: '{name}' must be a dataset; it is {kind}")
    if obj.is_virtual:
        raise CatlrInputError(
            f"{label}: '{name}' is a virtual dataset (it reads from other files or itself); not allowed"
        )
    if obj.external:
        raise CatlrInputError(f"{label}: '{name}' keeps its data in other files (external storage); not allowed")
    plist = obj.id.get_create_plist()
    for i in range(plist.get_nfilters()):
        code = plist.get_filter(i)[0]
        if code not in _ALLOWED_FILTERS:
            raise CatlrInputError(
                f"{label}: '{name}' uses an unsupported compression filter (id {code}); "
                f"save it uncompressed or with {', '.join(_ALLOWED_FILTERS.values())}"
            )
    return obj


def _shape_text(shape: tuple | None) -> str:
    return str(tuple(shape)) if shape is not None else "(no shape)"


def check_images_meta(dtype: np.dtype, shape: tuple | None, label: str, name: str) -> int:
    """Images must be (m, n, n, 3) uint8 with 1 ≤ m ≤ MAX_IMAGES and n ≤ MAX_NUM_PX; returns m."""
    shape = tuple(shape) if shape is not None else None
    ok = (
        dtype == np.uint8
        and shape is not None
        and len(shape) == 4
        and shape[1] == shape[2]
        and shape[1] >= 1
        and shape[3] == 3
    )
    if not ok:
        raise CatlrInputError(
            f"{label}: '{name}' must be uint8 with shape (m, 64, 64, 3); got {dtype} {_shape_text(shape)} "
            "(any square size (m, n, n, 3) works)"
        )
    m, num_px = shape[0], shape[1]
    if not 1 <= m <= limits.MAX_IMAGES:
        raise CatlrInputError(
            f"{label}: '{name}' declares {m:,} images; a file must hold between 1 and {limits.MAX_IMAGES:,} images"
        )
    if num_px > limits.MAX_NUM_PX:
        raise CatlrInputError(
            f"{label}: '{name}' has {num_px}×{num_px} images; at most {limits.MAX_NUM_PX}×{limits.MAX_NUM_PX} allowed"
        )
    return int(m)


def check_labels_meta(dtype: np.dtype, shape: tuple | None, m: int, label: str, name: str, x_name: str) -> None:
    """Labels: numbers, shaped (m,), (1, m) or (m, 1)."""
    shape = tuple(shape) if shape is not None else None
    if dtype.kind not in "biuf" or dtype.itemsize > 8:
        raise CatlrInputError(f"{label}: '{name}' must hold numbers 0 and 1; got {dtype}")
    if shape is None or len(shape) not in (1, 2) or (len(shape) == 2 and 1 not in shape):
        raise CatlrInputError(f"{label}: '{name}' must have shape (m,) or (1, m); got {_shape_text(shape)}")
    count = math.prod(shape)
    if count != m:
        raise CatlrInputError(
            f"{label}: '{name}' has {count:,} labels but '{x_name}' has {m:,} images; there must be one label per image"
        )


def check_classes_meta(dtype: np.dtype, shape: tuple | None, label: str) -> None:
    """Class names: two short strings, shaped (2,)."""
    if h5py.check_string_dtype(dtype) is None or dtype.itemsize > _MAX_CLASS_ITEM_BYTES:
        raise CatlrInputError(f"{label}: 'list_classes' must hold the two class names as short strings; got {dtype}")
    if shape is None or tuple(shape) != (2,):
        raise CatlrInputError(
            f"{label}: 'list_classes' must hold exactly two names (non-cat, cat); got shape {_shape_text(shape)}"
        )


def check_declared_size(dsets: tuple[h5py.Dataset, ...], file_size: int, label: str) -> None:
    """Refuse a file declaring far more data than it stores (``limits.H5_MAX_EXPANSION``): a compression bomb."""
    declared = sum(math.prod(d.shape or ()) * d.dtype.itemsize for d in dsets)
    if declared > limits.H5_EXPANSION_FLOOR_BYTES and declared > limits.H5_MAX_EXPANSION * file_size:
        raise CatlrInputError(
            f"{label} declares far more data than it stores ({declared / 2**20:,.0f} MB from a "
            f"{file_size / 2**20:,.2f} MB file); it looks like a compression bomb and was not read"
        )


def check_chunks(dsets: tuple[h5py.Dataset, ...], label: str, max_chunks: int) -> None:
    """Refuse a dataset split into more chunks than ``max_chunks``: each chunk costs ~10 µs to read."""
    for d in dsets:
        if d.chunks and d.shape:
            chunks = math.prod(-(-size // side) for size, side in zip(d.shape, d.chunks, strict=True))
            if chunks > max_chunks:
                raise CatlrInputError(
                    f"{label}: '{d.name.lstrip('/')}' is stored in {chunks:,} chunks (at most {max_chunks:,}); "
                    f"reading it would take too long; save it contiguous or with larger chunks"
                )


def labels_from_array(raw: np.ndarray, label: str, name: str) -> np.ndarray:
    """(m,) int64 from labels of any numeric type, all exactly 0 or 1 (NaN and 0.5 are refused)."""
    return zero_one(raw, f"{label}: labels in '{name}'")


def class_names(raw: np.ndarray) -> tuple[str, str]:
    """Two printable names, decoded with replacement and capped at MAX_CLASS_NAME_CHARS."""
    names = []
    for i, item in enumerate(np.asarray(raw).reshape(-1)[:2].tolist()):
        text = item.decode("utf-8", errors="replace") if isinstance(item, bytes) else str(item)
        text = "".join(ch if ch.isprintable() else "\ufffd" for ch in text).strip()
        if len(text) > limits.MAX_CLASS_NAME_CHARS:
            text = text[: limits.MAX_CLASS_NAME_CHARS - 1] + "…"
        names.append(text or DEFAULT_CLASSES[i])
    return names[0], names[1]
