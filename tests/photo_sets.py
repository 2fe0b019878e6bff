"""Sets of real photos for building datasets, and zips (good and hostile) made in memory.

The photos are scikit-image's: ``chelsea`` is a cat; ``coffee``, ``rocket``, ``astronaut`` are not. More
photos are made from each by flips and crops (a different photo to the model: other pixels, other bytes).
"""

from __future__ import annotations

import io
import stat
import zipfile
from functools import cache
from pathlib import Path

import numpy as np
from photo_fixtures import encode, real_photo
from PIL import Image

from catlr.photo_sources import SourceFile

CATS = ("chelsea",)
NOT_CATS = ("coffee", "rocket", "astronaut")


def variants(rgb: np.ndarray) -> list[np.ndarray]:
    """Six different photos from one: as it is, mirrored, upside down, and three crops."""
    h, w = rgb.shape[:2]
    return [
        rgb,
        rgb[:, ::-1],
        rgb[::-1],
        rgb[: h * 3 // 4, : w * 3 // 4],
        rgb[h // 4 :, w // 4 :],
        rgb[h // 8 : h * 7 // 8, ::-1],
    ]


@cache
def photos(kind: str, n: int) -> tuple[tuple[str, bytes], ...]:
    """``n`` JPEG photos (name, bytes) of ``kind`` "cat" or "other", all different."""
    names = CATS if kind == "cat" else NOT_CATS
    out = []
    for name in names:
        for i, rgb in enumerate(variants(real_photo(name))):
            out.append((f"{name}-{i}.jpg", encode(Image.fromarray(np.ascontiguousarray(rgb)), "JPEG", quality=90)))
    if n > len(out):
        raise ValueError(f"only {len(out)} {kind} photos can be made")
    return tuple(out[:n])


def source_files(kind: str, n: int, folder: str) -> list[SourceFile]:
    return [SourceFile(f"{folder}/{name}", data) for name, data in photos(kind, n)]


def write_folders(root: Path, n_cats: int = 6, n_others: int = 6) -> tuple[Path, Path]:
    """Two folders of photos under ``root``: ``cats`` and ``other``."""
    folders = (root / "cats", root / "other")
    for folder, (kind, n) in zip(folders, (("cat", n_cats), ("other", n_others)), strict=True):
        folder.mkdir(parents=True)
        for name, data in photos(kind, n):
            (folder / name).write_bytes(data)
    return folders


def zip_bytes(entries: dict[str, bytes], compression: int = zipfile.ZIP_STORED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def good_zip(n_cats: int = 6, n_others: int = 6, root: str = "") -> bytes:
    entries = {f"{root}cats/{name}": data for name, data in photos("cat", n_cats)}
    entries.update({f"{root}other/{name}": data for name, data in photos("other", n_others)})
    return zip_bytes(entries)


def zip_with(name: str, data: bytes, *, attr: int | None = None, flags: int = 0, deflate: bool = False) -> bytes:
    """A good zip plus one more entry, optionally with Unix mode bits ``attr`` or general-purpose ``flags``."""
    out = io.BytesIO(good_zip())
    with zipfile.ZipFile(out, "a") as archive:
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
        if attr is not None:
            info.external_attr = attr << 16
        archive.writestr(info, data)
        info.flag_bits |= flags  # written to the central directory when the archive closes
    return out.getvalue()


SYMLINK_MODE = stat.S_IFLNK | 0o777
