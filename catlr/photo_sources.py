"""Where the photos of a home-made dataset come from: two folders, or one .zip holding two folders.

This is the boundary for collections of photos (each photo then goes through :mod:`catlr.imaging`, the
boundary for one photo). Problems with the collection itself stop everything with a
:class:`~catlr.errors.CatlrInputError` naming the file: too many photos or bytes (caps in
:mod:`catlr.limits`), and in a zip every sign of a hostile archive: a path leaving the archive, a symbolic
link, an encrypted entry, an entry expanding far beyond its stored size, a zip inside the zip. Nothing is
ever extracted to disk: entries are read into memory, each no larger than it declared.
A file that is merely not a photo (a hidden file, a stray document) is a :class:`Rejected` line and the
others go on.
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from catlr import limits
from catlr.errors import CatlrInputError

_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_SYSTEM_FOLDERS = ("__MACOSX",)


@dataclass(frozen=True)
class SourceFile:
    """One file offered as a photo: its name as the user knows it (``cats/IMG_1.jpg``) and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Rejected:
    """A file left out of the dataset, and why (a sentence a person can act on)."""

    name: str
    reason: str


@dataclass(frozen=True)
class Collected:
    """The photos of the two class folders (``folders[i]`` holds ``files[i]``) and the files left out."""

    folders: tuple[str, str]
    files: tuple[tuple[SourceFile, ...], tuple[SourceFile, ...]]
    rejected: tuple[Rejected, ...]


class _Tally:
    """Counts files and bytes across both classes and stops at the caps."""

    def __init__(self, label: str) -> None:
        self.label, self.files, self.bytes = label, 0, 0

    def add(self, size: int) -> None:
        self.files += 1
        self.bytes += size
        if self.files > limits.MAX_BUILD_PHOTOS:
            raise CatlrInputError(
                f"{self.label}: more than {limits.MAX_BUILD_PHOTOS:,} photos; a dataset is built from at most "
                f"{limits.MAX_BUILD_PHOTOS:,}, so use fewer"
            )
        if self.bytes > limits.MAX_BUILD_BYTES:
            raise CatlrInputError(
                f"{self.label}: the photos add up to more than {limits.MAX_BUILD_BYTES // 2**20} MB; "
                "use fewer or smaller photos"
            )


def _hidden(name: str) -> bool:
    return name.startswith(".") or name in ("Thumbs.db", "desktop.ini")


def _read_folder(folder: Path, tally: _Tally) -> tuple[list[SourceFile], list[Rejected]]:
    if not folder.is_dir():
        raise CatlrInputError(f"{folder}: no such folder")
    files, rejected = [], []
    for path in sorted(folder.iterdir()):
        shown = str(path)
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            rejected.append(Rejected(shown, "a symbolic link; copy the photo itself into the folder"))
        elif stat.S_ISDIR(info.st_mode):
            rejected.append(Rejected(shown, f"a folder; only the photos directly in {folder} are read"))
        elif not stat.S_ISREG(info.st_mode):
            rejected.append(Rejected(shown, "not a regular file"))
        elif _hidden(path.name):
            rejected.append(Rejected(shown, "a hidden or system file"))
        else:
            tally.add(info.st_size)
            with open(path, "rb") as f:  # never more than the file said it held
                files.append(SourceFile(shown, f.read(info.st_size)))
    return files, rejected


def read_folders(class1_dir: str | os.PathLike, class0_dir: str | os.PathLike) -> Collected:
    """The files directly inside two folders (sorted by name), ``folders`` = (class1_dir, class0_dir).

    Raises:
        CatlrInputError: a folder is missing, the same folder is given twice, or the caps are exceeded.
    """
    one, zero = Path(class1_dir), Path(class0_dir)
    if one.exists() and zero.exists() and one.resolve() == zero.resolve():
        raise CatlrInputError(f"{one} is given for both classes; give one folder per class")
    tally = _Tally(f"{one} and {zero}")
    files1, rejected1 = _read_folder(one, tally)
    files0, rejected0 = _read_folder(zero, tally)
    return Collected((str(one), str(zero)), (tuple(files1), tuple(files0)), tuple(rejected1 + rejected0))


def _hostile(label: str, entry: str, why: str) -> CatlrInputError:
    return CatlrInputError(f"{label}: '{entry}' {why}; the archive was not used")


def _check_entry(info: zipfile.ZipInfo, label: str) -> PurePosixPath:
    """The entry's path, once it is known to be harmless (else the whole archive is refused)."""
    name = info.filename
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        raise _hostile(label, name, "points outside the archive (an absolute path or '..')")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise _hostile(label, name, "is a symbolic link")
    if info.flag_bits & 0x1:
        raise _hostile(label, name, "is encrypted")
    stored = max(info.compress_size, 1)
    if info.file_size > limits.ZIP_RATIO_FLOOR_BYTES and info.file_size > limits.ZIP_MAX_RATIO * stored:
        raise _hostile(
            label,
            name,
            f"expands from {stored:,} to {info.file_size:,} bytes (more than {limits.ZIP_MAX_RATIO}×): "
            "it looks like a zip bomb",
        )
    return path


def _zip_entries(data: bytes, label: str) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    """Every file entry (folders left out), checked, with the caps on entries and declared size."""
    if len(data) > limits.MAX_BUILD_BYTES:
        raise CatlrInputError(f"{label}: the file is larger than {limits.MAX_BUILD_BYTES // 2**20} MB")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise CatlrInputError(f"{label}: not a .zip file, or a damaged one") from None
    infos = archive.infolist()
    if len(infos) > limits.MAX_ZIP_ENTRIES:
        raise CatlrInputError(
            f"{label} lists {len(infos):,} entries; at most {limits.MAX_ZIP_ENTRIES:,} are read, so zip fewer files"
        )
    entries = [(info, _check_entry(info, label)) for info in infos if not info.is_dir()]
    declared = sum(info.file_size for info, _ in entries)
    if declared > limits.MAX_BUILD_BYTES:
        raise CatlrInputError(
            f"{label} holds {declared / 2**20:,.0f} MB once unpacked; at most "
            f"{limits.MAX_BUILD_BYTES // 2**20} MB, so use fewer or smaller photos"
        )
    return [(info, path) for info, path in entries]


def _class_folder(path: PurePosixPath, root: str | None) -> tuple[str | None, str | None]:
    """(class folder, None) or (None, why the entry is left out)."""
    parts = path.parts[1:] if root is not None else path.parts
    if any(p in _SYSTEM_FOLDERS for p in path.parts) or _hidden(path.name):
        return None, "a hidden or system file"
    if len(parts) < 2:
        return None, "not inside a class folder"
    return parts[0], None


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, label: str) -> bytes | None:
    """The entry's bytes (None if damaged); a zip inside the zip stops everything."""
    try:
        with archive.open(info) as f:
            data = f.read(info.file_size + 1)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError):
        return None
    if len(data) != info.file_size:
        return None
    if data.startswith(_ZIP_MAGICS):
        raise _hostile(label, info.filename, "is a zip inside the zip; nested archives are not read")
    return data


def read_zip(data: bytes, name: str = "uploaded .zip") -> Collected:
    """The photos of a .zip holding two folders, one per class (optionally inside one top folder).

    ``folders`` are the two folder names in sorted order; each file's name is its path in the archive.

    Raises:
        CatlrInputError: not a zip, a hostile archive, caps exceeded, or not exactly two class folders.
    """
    label = f"{name}"
    entries = _zip_entries(data, label)
    tops = {path.parts[0] for _, path in entries if len(path.parts) > 1}
    loose = [path for _, path in entries if len(path.parts) == 1 and not _hidden(path.name)]
    nested = any(len(path.parts) > 2 for _, path in entries)
    root = next(iter(tops)) if len(tops) == 1 and not loose and nested else None  # one folder around the two
    by_folder: dict[str, list[tuple[zipfile.ZipInfo, str]]] = {}
    rejected: list[Rejected] = []
    for info, path in sorted(entries, key=lambda e: e[0].filename):
        folder, why = _class_folder(path, root)
        if folder is None:
            rejected.append(Rejected(info.filename, why))
        else:
            by_folder.setdefault(folder, []).append((info, info.filename))
    if len(by_folder) != 2:
        found = ", ".join(sorted(by_folder)) or "none"
        raise CatlrInputError(
            f"{label} must hold two folders of photos, one per class; found {len(by_folder)} ({found})"
        )
    archive = zipfile.ZipFile(io.BytesIO(data))
    tally = _Tally(label)
    folders = tuple(sorted(by_folder))
    files: list[list[SourceFile]] = [[], []]
    for i, folder in enumerate(folders):
        for info, shown in by_folder[folder]:
            tally.add(info.file_size)
            content = _read_entry(archive, info, label)
            if content is None:
                rejected.append(Rejected(shown, "damaged inside the archive (it could not be unpacked)"))
            else:
                files[i].append(SourceFile(shown, content))
    return Collected((folders[0], folders[1]), (tuple(files[0]), tuple(files[1])), tuple(rejected))
