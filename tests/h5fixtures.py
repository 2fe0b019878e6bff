"""HDF5 files for tests: small valid datasets in the exercise's schema, and every hostile file of
docs/bad-inputs.md section B (H01–H28).

Import it as ``from h5fixtures import ...`` (tests/ is on sys.path through tests/conftest.py).

- :func:`write_dataset_files` writes a valid train/test pair into a folder.
- :func:`h5_bytes` builds one file in memory; any of its three objects can be replaced by a
  callable that writes something else (a group, a link, a virtual dataset, ...).
- :data:`H5_CASES` maps each catalogue ID to a builder of the (train, test) pair, the error
  expected (a regex, or ``None`` when the pair must load) and the limits a test must lower.
- ``naive_read``, ``lying_reader``, ``pickling_reader``, ``spin`` and ``report_child`` are
  sandbox targets for tests of the sandbox itself.
"""

from __future__ import annotations

import io
import os
import resource
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import h5py
import numpy as np

from catlr.data_files import TEST_FILE, TRAIN_FILE

CLASSES = (b"non-cat", b"cat")
Writer = Callable[[h5py.File, str], object]


def make_split(m: int, num_px: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Images (m, num_px, num_px, 3) uint8 and labels (m,) int64 with both classes when m ≥ 2.

    Cats are redder (red channel +90), so a linear model beats chance on them.
    """
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.arange(m) % 2).astype(np.int64)
    x = rng.integers(0, 160, size=(m, num_px, num_px, 3), dtype=np.uint8)
    x[y == 1, :, :, 0] += 90
    return x, y


def h5_bytes(
    split: str = "train",
    *,
    m: int = 4,
    num_px: int = 8,
    seed: int = 0,
    x: np.ndarray | Writer | None = None,
    y: np.ndarray | Writer | None = None,
    classes: object = CLASSES,
    omit: tuple[str, ...] = (),
    userblock_size: int = 0,
) -> bytes:
    """One file in the exercise's layout: ``{split}_set_x``, ``{split}_set_y``, ``list_classes``.

    Args:
        x, y, classes: arrays to store, or callables ``(file, name)`` writing the object themselves;
            ``x``/``y`` default to :func:`make_split` (m, num_px, seed).
        omit: any of ``"x"``, ``"y"``, ``"classes"`` to leave out.
        userblock_size: bytes of user block before the HDF5 signature (512, 1024, ...).
    """
    x_default, y_default = make_split(m, num_px, seed)
    parts = {
        "x": (f"{split}_set_x", x_default if x is None else x),
        "y": (f"{split}_set_y", y_default if y is None else y),
        "classes": ("list_classes", classes),
    }
    buffer = io.BytesIO()
    with h5py.File(buffer, "w", userblock_size=userblock_size) as f:
        for key, (name, value) in parts.items():
            if key in omit:
                continue
            if callable(value):
                value(f, name)
            else:
                f.create_dataset(name, data=value)
    return buffer.getvalue()


def write_dataset_files(
    folder: str | os.PathLike,
    m_train: int = 6,
    m_test: int = 4,
    num_px: int = 8,
    seed: int = 0,
    **overrides: object,
) -> Path:
    """Write a valid ``train_catvnoncat.h5`` / ``test_catvnoncat.h5`` pair into ``folder``.

    ``overrides``: ``train_x``, ``train_y``, ``test_x``, ``test_y``, ``classes`` (as for
    :func:`h5_bytes`), or ``train_bytes`` / ``test_bytes`` to write given content as it is.
    Returns the folder.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    classes = overrides.get("classes", CLASSES)
    sides = (("train", m_train, TRAIN_FILE, seed), ("test", m_test, TEST_FILE, seed + 1))
    for split, m, file_name, split_seed in sides:
        content = overrides.get(f"{split}_bytes")
        if content is None:
            content = h5_bytes(
                split,
                m=m,
                num_px=num_px,
                seed=split_seed,
                x=overrides.get(f"{split}_x"),
                y=overrides.get(f"{split}_y"),
                classes=classes,
            )
        (folder / file_name).write_bytes(content)
    return folder


# ---------------------------------------------------------------------------------------------
# Hostile objects


def _external(path: str, num_px: int = 64) -> Writer:
    size = num_px * num_px * 3

    def write(f: h5py.File, name: str) -> None:
        f.create_dataset(name, shape=(1, num_px, num_px, 3), dtype=np.uint8, external=[(path, 0, size)])

    return write


def _self_virtual(f: h5py.File, name: str) -> None:
    layout = h5py.VirtualLayout(shape=(4, 8, 8, 3), dtype=np.uint8)
    layout[:] = h5py.VirtualSource(".", name, shape=(4, 8, 8, 3))
    f.create_virtual_dataset(name, layout)


def _virtual_from(path: Path) -> Writer:
    def write(f: h5py.File, name: str) -> None:
        layout = h5py.VirtualLayout(shape=(4, 8, 8, 3), dtype=np.uint8)
        layout[:] = h5py.VirtualSource(str(path), "secret", shape=(4, 8, 8, 3))
        f.create_virtual_dataset(name, layout)

    return write


def _direct_chunks(shape: tuple[int, ...], chunk: tuple[int, ...], payload: bytes, **options: object) -> Writer:
    """A chunked uint8 dataset whose every chunk is ``payload`` as stored (already filtered)."""

    def write(f: h5py.File, name: str) -> None:
        dset = f.create_dataset(name, shape=shape, dtype=np.uint8, chunks=chunk, **options)
        for start in range(0, shape[0], chunk[0]):
            dset.id.write_direct_chunk((start,) + (0,) * (len(shape) - 1), payload)

    return write


@lru_cache(maxsize=1)
def gzip_bomb() -> bytes:
    """5,000 64×64 images of zeros (61 MB) gzip-compressed into ~100 KB: within the image cap."""
    chunk = (100, 64, 64, 3)
    payload = zlib.compress(bytes(int(np.prod(chunk))), 9)
    return h5_bytes(x=_direct_chunks((5000, 64, 64, 3), chunk, payload, compression="gzip"), y=np.arange(5000) % 2)


@lru_cache(maxsize=1)
def slow_file() -> bytes:
    """A legitimate-looking 1.4 KB file whose 64 images sit in 786,432 one-byte chunks: reading it
    takes minutes (the read is the hang of H25), while it declares less than 1 MB."""

    def write(f: h5py.File, name: str) -> None:
        f.create_dataset(name, shape=(64, 64, 64, 3), dtype=np.uint8, chunks=(1, 1, 1, 1))

    return h5_bytes(x=write, y=np.arange(64) % 2)


@lru_cache(maxsize=1)
def large_file() -> bytes:
    """A valid uncompressed file of 1,000 random 64×64 images (12 MB of pixels)."""
    return h5_bytes(m=1000, num_px=64, seed=7)


@dataclass(frozen=True)
class H5Case:
    """One row of section B: ``build(workdir) -> (train bytes, test bytes)``.

    ``match`` is a regex of the expected error (``None``: the pair loads); ``bad`` names the file
    at fault (``"train"``, ``"test"`` or ``"both"``); ``limits`` are ``catlr.limits`` values a
    test must set first (the row needs a tighter limit to run in a second).
    """

    build: Callable[[Path], tuple[bytes, bytes]]
    match: str | None
    bad: str = "train"
    limits: dict[str, float] = field(default_factory=dict)


def _valid_test(num_px: int = 8) -> bytes:
    return h5_bytes("test", num_px=num_px, seed=1)


def _train(num_px: int = 8, **kwargs: object) -> Callable[[Path], tuple[bytes, bytes]]:
    return lambda _workdir: (h5_bytes("train", num_px=num_px, **kwargs), _valid_test(num_px))


def _with_workdir(make: Callable[[Path], bytes], num_px: int = 8) -> Callable[[Path], tuple[bytes, bytes]]:
    return lambda workdir: (make(workdir), _valid_test(num_px))


def _external_link(workdir: Path) -> bytes:
    other = workdir / "other.h5"
    other.write_bytes(h5_bytes())
    return h5_bytes(x=lambda f, name: f.__setitem__(name, h5py.ExternalLink(str(other), "/train_set_x")))


def _virtual_secret(workdir: Path) -> bytes:
    secret = workdir / "secret.h5"
    with h5py.File(secret, "w") as f:
        f["secret"] = np.full((4, 8, 8, 3), 42, dtype=np.uint8)
    return h5_bytes(x=_virtual_from(secret))


def _soft_to_hidden(f: h5py.File, name: str) -> None:
    f["hidden"] = make_split(4, 8, 0)[0]
    f[name] = h5py.SoftLink("/hidden")


def _png(_workdir: Path) -> tuple[bytes, bytes]:
    return b"\x89PNG\r\n\x1a\n" + bytes(range(256)), _valid_test()


def _truncated(_workdir: Path) -> tuple[bytes, bytes]:
    whole = h5_bytes()
    return whole[: len(whole) // 2], _valid_test()


def _mismatch(_workdir: Path) -> tuple[bytes, bytes]:
    return h5_bytes(num_px=16), _valid_test(8)


_SHAPE = r"must be uint8 with shape \(m, 64, 64, 3\)"
_UNKNOWN_FILTER = _direct_chunks((4, 8, 8, 3), (1, 8, 8, 3), b"data", compression=32015, allow_unknown_filter=True)

H5_CASES: dict[str, H5Case] = {
    "H01": H5Case(_train(), None, bad=""),
    "H02": H5Case(_png, "not an HDF5 file"),
    "H03": H5Case(_truncated, "not a readable HDF5 file"),
    "H04-x": H5Case(_train(omit=("x",)), "has no 'train_set_x'"),
    "H04-y": H5Case(_train(omit=("y",)), "has no 'train_set_y'"),
    "H04-classes": H5Case(_train(omit=("classes",)), "has no 'list_classes'"),
    "H05": H5Case(_train(64, x=_external("/etc/passwd"), y=np.array([1])), "external storage"),
    "H06": H5Case(_train(64, x=_external("secret.bin"), y=np.array([1])), "external storage"),
    "H07": H5Case(_with_workdir(_external_link), "link to another file"),
    "H08-soft": H5Case(_train(x=_soft_to_hidden), "is a soft link"),
    "H08-cycle": H5Case(_train(x=lambda f, name: f.__setitem__(name, h5py.SoftLink(f"/{name}"))), "is a soft link"),
    "H09": H5Case(_train(x=_self_virtual), "virtual dataset"),
    "H10": H5Case(_with_workdir(_virtual_secret), "virtual dataset"),
    "H11": H5Case(
        _train(
            64,
            x=lambda f, n: f.create_dataset(n, shape=(200_000, 64, 64, 3), dtype=np.uint8, chunks=(1, 64, 64, 3)),
            y=lambda f, n: f.create_dataset(n, shape=(200_000,), dtype=np.int64, chunks=(1000,)),
        ),
        "declares 200,000 images.*between 1 and 5,000 images",
    ),
    "H12": H5Case(lambda _w: (gzip_bomb(), _valid_test(64)), "declares far more data than it stores"),
    "H13": H5Case(_train(x=_UNKNOWN_FILTER), r"unsupported compression filter \(id 32015\)"),
    "H14": H5Case(_train(x=make_split(4, 8, 0)[0].astype(np.float64)), _SHAPE + "; got float64"),
    "H15-mismatch": H5Case(_mismatch, "16×16 images but .* 8×8; both files must use the same image size", bad="both"),
    "H15-nonsquare": H5Case(_train(x=np.zeros((4, 8, 6, 3), np.uint8)), _SHAPE + r"; got uint8 \(4, 8, 6, 3\)"),
    "H16": H5Case(_train(x=np.zeros((4, 8, 8), np.uint8)), _SHAPE + r"; got uint8 \(4, 8, 8\)"),
    "H17": H5Case(_train(x=np.zeros((4, 8, 8, 4), np.uint8)), _SHAPE + r"; got uint8 \(4, 8, 8, 4\)"),
    "H18": H5Case(_train(y=np.array([0, 1, 0, 1, 1])), "has 5 labels but 'train_set_x' has 4 images"),
    "H19": H5Case(_train(y=np.array([0, 1, 2, 1])), "labels in 'train_set_y' must be 0 or 1; found 2"),
    "H20": H5Case(_train(y=np.array([0.0, np.nan, 1.0, 0.0])), "must be 0 or 1; found nan"),
    "H21": H5Case(
        _train(x=np.zeros((0, 8, 8, 3), np.uint8), y=np.zeros(0, np.int64)), "declares 0 images.*between 1 and"
    ),
    "H22": H5Case(_train(x=lambda f, name: f.create_group(name)), "must be a dataset; it is a group"),
    "H23": H5Case(_train(y=make_split(4, 8, 0)[1].reshape(1, 4)), None, bad=""),
    "H24": H5Case(_train(classes=np.array([b"<b>non</b>\xff\xfe", b"c" * 500])), None, bad=""),
    "H25": H5Case(
        lambda _w: (slow_file(), _valid_test(64)),
        "took longer than 1.5 s",
        # the chunk cap refuses this file before reading (tested on its own); lifted here to reach the read
        limits={"SANDBOX_TIMEOUT_SECONDS": 1.5, "H5_MAX_CHUNKS": 10**9},
    ),
    "H26": H5Case(
        lambda _w: (large_file(), _valid_test(64)),
        "needed more than 8 MB of memory",
        limits={"SANDBOX_MEMORY_BYTES": 8 * 2**20},
    ),
    "H27": H5Case(_train(y=np.ones(4, np.int64)), None, bad=""),
    "H28": H5Case(_train(userblock_size=512), "not an HDF5 file"),
}


def case_files(case_id: str, folder: Path, workdir: Path | None = None) -> Path:
    """Write the pair of row ``case_id`` into ``folder`` as the two dataset files; returns folder."""
    train, test = H5_CASES[case_id].build(workdir or folder)
    return write_dataset_files(folder, train_bytes=train, test_bytes=test)


# ---------------------------------------------------------------------------------------------
# Sandbox targets for tests of catlr.sandbox itself


def naive_read(path: Path, label: str, split: str = "train") -> dict[str, np.ndarray]:
    """Read ``{split}_set_x`` with no checks at all: what a reader that missed one would do."""
    with h5py.File(path, "r") as f:
        return {"x": f[f"{split}_set_x"][()]}


def lying_reader(path: Path, label: str, split: str, max_chunks: int) -> dict[str, np.ndarray]:
    """Claim float images: what a child compromised by a hostile file might send back."""
    return {"x": np.zeros((2, 8, 8, 3)), "y": np.array([0, 1]), "classes": np.array(["a", "b"])}


def pickling_reader(path: Path, label: str) -> dict[str, np.ndarray]:
    """Send back an object array (it would need pickle to load)."""
    return {"x": np.array([{"not": "plain"}], dtype=object)}


def spin(path: Path, label: str) -> dict[str, np.ndarray]:
    """Never return (a reader stuck in a loop)."""
    while True:
        pass


def report_child(path: Path, label: str) -> dict[str, np.ndarray]:
    """The child's limits, environment and folder, as arrays."""
    plugin_dir = Path(os.environ.get("HDF5_PLUGIN_PATH", "/nonexistent"))
    return {
        "as": np.array(resource.getrlimit(resource.RLIMIT_AS)),
        "cpu": np.array(resource.getrlimit(resource.RLIMIT_CPU)),
        "core": np.array(resource.getrlimit(resource.RLIMIT_CORE)),
        "env": np.array(sorted(os.environ)),
        "preload": np.array(os.environ.get("HDF5_PLUGIN_PRELOAD", "")),
        "plugins": np.array(sorted(p.name for p in plugin_dir.iterdir()) if plugin_dir.is_dir() else ["<missing>"]),
        "input": np.frombuffer(path.read_bytes(), dtype=np.uint8),
    }
