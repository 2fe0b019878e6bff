"""The two dataset files: their names, their known sha256, and the folder that holds them.

Kept apart from the HDF5 reader so that the download and the folder lookup depend on neither the reader
nor the sandbox.
"""

from __future__ import annotations

import os
from pathlib import Path

from catlr.errors import CatlrInputError

TRAIN_FILE = "train_catvnoncat.h5"
TEST_FILE = "test_catvnoncat.h5"
DATA_FILES = (TRAIN_FILE, TEST_FILE)
KNOWN_SHA256 = {
    TRAIN_FILE: "fbe56ab67c3ae28d564e3a644189117976d6b31af0a3ce9bb17dbf22908af242",
    TEST_FILE: "6a9d39ce52fa85953c5834695b8534a30ed8cfd54971fb2f080b5a24d002b951",
}

_HOW_TO_GET_DATA = (
    "To get the data: run `python -m catlr download` (saves it to {cache}), "
    "or set CATLR_DATA_DIR to a folder holding both files, or pass --data-dir FOLDER."
)


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
