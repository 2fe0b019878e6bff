"""The cat / non-cat dataset: where it is, how it is read, and the exercise's ``flatten``.

Two HDF5 files hold the data (``train_catvnoncat.h5``, ``test_catvnoncat.h5``). A file whose
sha256 is one of the two known files is read in this process; any other file is read by
:mod:`catlr.sandbox` in a resource-limited child process, because a hostile HDF5 file can crash
the reader or make it read other files. Either way the same validating reader runs:
:func:`read_split` checks every object's link, layout, filters, type and declared size before it
reads a byte of data, and every problem becomes a :class:`CatlrInputError` naming the file.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import h5py
import numpy as np

from catlr import limits, sandbox
from catlr.errors import CatlrInputError

TRAIN_FILE = "train_catvnoncat.h5"
TEST_FILE = "test_catvnoncat.h5"
DATA_FILES = (TRAIN_FILE, TEST_FILE)
KNOWN_SHA256 = {
    TRAIN_FILE: "fbe56ab67c3ae28d564e3a644189117976d6b31af0a3ce9bb17dbf22908af242",
    TEST_FILE: "6a9d39ce52fa85953c5834695b8534a30ed8cfd54971fb2f080b5a24d002b951",
}
DEFAULT_CLASSES = ("non-cat", "cat")
HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
# The reader run in the child for files that are not known; a "module:function" name.
SANDBOX_READER = "catlr.data:read_split_for_sandbox"

_ALLOWED_FILTERS = {1: "gzip", 2: "shuffle", 3: "fletcher32", 32000: "lzf"}
_MAX_CLASS_ITEM_BYTES = 64 * 1024  # a fixed-length name longer than this is not a name
_HOW_TO_GET_DATA = (
    "To get the data: run `python -m catlr download` (saves it to {cache}), "
    "or set CATLR_DATA_DIR to a folder holding both files, or pass --data-dir FOLDER."
)


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
            object.__setattr__(self, name, _read_only(getattr(self, name)))
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
        classes = _read_only(np.array([c.encode("utf-8") for c in self.classes]))
        return iter((self.train_set_x_orig, self.train_set_y, self.test_set_x_orig, self.test_set_y, classes))


class Split(NamedTuple):
    """One validated file: x (m, num_px, num_px, 3) uint8, y (m,) int64, the two class names."""

    x: np.ndarray
    y: np.ndarray
    classes: tuple[str, str]
    label: str


def _read_only(array: np.ndarray) -> np.ndarray:
    view = np.asarray(array).view()
    view.setflags(write=False)
    return view


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


# ---------------------------------------------------------------------------------------------
# Where the data is


def default_cache_dir() -> Path:
    """The per-user cache folder: ``$XDG_CACHE_HOME/catlr``, else ``~/.cache/catlr``."""
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "catlr"


def _has_both(folder: Path) -> bool:
    return all((folder / name).is_file() for name in DATA_FILES)


def find_data_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """The folder holding both dataset files.

    An explicit ``data_dir`` must hold them. Without one, the first of ``$CATLR_DATA_DIR``,
    ``./data`` and :func:`default_cache_dir` that holds both files is used.

    Raises:
        CatlrInputError: listing the places looked and the ways to get the data.
    """
    how = _HOW_TO_GET_DATA.format(cache=default_cache_dir())
    if data_dir is not None:
        folder = Path(data_dir).expanduser()
        if _has_both(folder):
            return folder.resolve()
        missing = [name for name in DATA_FILES if not (folder / name).is_file()]
        raise CatlrInputError(f"{folder} does not hold {' and '.join(missing)}. {how}")
    looked = []
    env = os.environ.get("CATLR_DATA_DIR", "")
    if env:
        looked.append((Path(env).expanduser(), "$CATLR_DATA_DIR"))
    else:
        looked.append((None, "$CATLR_DATA_DIR (not set)"))
    looked.append((Path.cwd() / "data", "./data"))
    looked.append((default_cache_dir(), "the download cache"))
    for folder, _ in looked:
        if folder is not None and _has_both(folder):
            return folder.resolve()
    places = "; ".join(f"{what} {folder}" if folder is not None else what for folder, what in looked)
    raise CatlrInputError(f"Could not find {TRAIN_FILE} and {TEST_FILE}. Looked in: {places}. {how}")


# ---------------------------------------------------------------------------------------------
# Loading


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


def _load(train: bytes, test: bytes, labels: tuple[str, str], source: str) -> Dataset:
    items = list(zip(("train", "test"), (train, test), labels, strict=True))
    for _, data, label in items:
        check_h5_bytes(data, label)
    known = set(KNOWN_SHA256.values())
    splits: dict[str, Split] = {}
    untrusted = []
    for split, data, label in items:
        if hashlib.sha256(data).hexdigest() in known:
            splits[split] = read_split(bytes(data), split, label)
        else:
            untrusted.append((split, data, label))
    if untrusted:
        options = {"max_chunks": limits.H5_MAX_CHUNKS}  # the child has its own copy of limits
        jobs = [sandbox.Job(bytes(data), label, {"split": split, **options}) for split, data, label in untrusted]
        results = sandbox.run_sandboxed(SANDBOX_READER, jobs)
        for (split, _, label), arrays in zip(untrusted, results, strict=True):
            splits[split] = _split_from_child(arrays, split, label)
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


# ---------------------------------------------------------------------------------------------
# The validating reader (runs in this process for known files, in the sandbox for the rest)


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
            dx, dy, dc = (_hard_dataset(f, name, label, split) for name in (x_name, y_name, "list_classes"))
            m = _check_images_meta(dx.dtype, dx.shape, label, x_name)
            _check_labels_meta(dy.dtype, dy.shape, m, label, y_name, x_name)
            _check_classes_meta(dc.dtype, dc.shape, label)
            _check_declared_size((dx, dy, dc), file_size, label)
            _check_chunks((dx, dy, dc), label, limits.H5_MAX_CHUNKS if max_chunks is None else max_chunks)
            x, y_raw, c_raw = dx[()], dy[()], dc[()]
    except (CatlrInputError, MemoryError):
        raise
    except Exception as error:  # the HDF5 library reports damage as OSError, RuntimeError, KeyError, ...
        if "alloc" in str(error).lower():
            raise MemoryError(str(error)) from None
        raise CatlrInputError(f"{label}: not a readable HDF5 file (it may be damaged or incomplete)") from None
    return Split(np.ascontiguousarray(x), _labels_from_array(y_raw, label, y_name), _class_names(c_raw), label)


def read_split_for_sandbox(path: Path, label: str, split: str, max_chunks: int | None = None) -> dict[str, np.ndarray]:
    """:func:`read_split` as run in the sandbox child: plain arrays out (names as a str array)."""
    result = read_split(path, split, label, max_chunks)
    return {"x": result.x, "y": result.y, "classes": np.array(result.classes, dtype=str)}


def _split_from_child(arrays: dict[str, np.ndarray], split: str, label: str) -> Split:
    """Re-check what the child sent: it read a hostile file, so its output is not trusted either."""
    try:
        x, y, classes = arrays["x"], arrays["y"], arrays["classes"]
    except KeyError:
        raise CatlrInputError(f"{label} could not be read safely: the reader returned no data") from None
    m = _check_images_meta(x.dtype, x.shape, label, f"{split}_set_x")
    _check_labels_meta(y.dtype, y.shape, m, label, f"{split}_set_y", f"{split}_set_x")
    if classes.dtype.kind != "U" or classes.shape != (2,):
        raise CatlrInputError(f"{label} could not be read safely: the reader returned no class names")
    return Split(np.ascontiguousarray(x), _labels_from_array(y, label, f"{split}_set_y"), _class_names(classes), label)


def _hard_dataset(f: h5py.File, name: str, label: str, split: str) -> h5py.Dataset:
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


def _check_images_meta(dtype: np.dtype, shape: tuple | None, label: str, name: str) -> int:
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


def _check_labels_meta(dtype: np.dtype, shape: tuple | None, m: int, label: str, name: str, x_name: str) -> None:
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


def _check_classes_meta(dtype: np.dtype, shape: tuple | None, label: str) -> None:
    if h5py.check_string_dtype(dtype) is None or dtype.itemsize > _MAX_CLASS_ITEM_BYTES:
        raise CatlrInputError(f"{label}: 'list_classes' must hold the two class names as short strings; got {dtype}")
    if shape is None or tuple(shape) != (2,):
        raise CatlrInputError(
            f"{label}: 'list_classes' must hold exactly two names (non-cat, cat); got shape {_shape_text(shape)}"
        )


def _check_declared_size(dsets: tuple[h5py.Dataset, ...], file_size: int, label: str) -> None:
    declared = sum(math.prod(d.shape or ()) * d.dtype.itemsize for d in dsets)
    if declared > limits.H5_EXPANSION_FLOOR_BYTES and declared > limits.H5_MAX_EXPANSION * file_size:
        raise CatlrInputError(
            f"{label} declares far more data than it stores ({declared / 2**20:,.0f} MB from a "
            f"{file_size / 2**20:,.2f} MB file); it looks like a compression bomb and was not read"
        )


def _check_chunks(dsets: tuple[h5py.Dataset, ...], label: str, max_chunks: int) -> None:
    """Refuse a dataset split into more chunks than ``max_chunks``: each chunk costs ~10 µs to read."""
    for d in dsets:
        if d.chunks and d.shape:
            chunks = math.prod(-(-size // side) for size, side in zip(d.shape, d.chunks, strict=True))
            if chunks > max_chunks:
                raise CatlrInputError(
                    f"{label}: '{d.name.lstrip('/')}' is stored in {chunks:,} chunks (at most {max_chunks:,}); "
                    f"reading it would take too long; save it contiguous or with larger chunks"
                )


def _labels_from_array(raw: np.ndarray, label: str, name: str) -> np.ndarray:
    """(m,) int64 from labels of any numeric type, all exactly 0 or 1 (NaN and 0.5 are refused)."""
    flat = np.asarray(raw).reshape(-1)
    valid = (flat == 0) | (flat == 1)
    if not valid.all():
        bad = ", ".join(str(v) for v in np.unique(flat[~valid])[:3].tolist())
        raise CatlrInputError(f"{label}: labels in '{name}' must be 0 or 1; found {bad}")
    return flat.astype(np.int64)


def _class_names(raw: np.ndarray) -> tuple[str, str]:
    """Two printable names, decoded with replacement and capped at MAX_CLASS_NAME_CHARS."""
    names = []
    for i, item in enumerate(np.asarray(raw).reshape(-1)[:2].tolist()):
        text = item.decode("utf-8", errors="replace") if isinstance(item, bytes) else str(item)
        text = "".join(ch if ch.isprintable() else "\ufffd" for ch in text).strip()
        if len(text) > limits.MAX_CLASS_NAME_CHARS:
            text = text[: limits.MAX_CLASS_NAME_CHARS - 1] + "…"
        names.append(text or DEFAULT_CLASSES[i])
    return names[0], names[1]
