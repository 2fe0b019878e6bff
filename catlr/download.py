"""Fetch the two dataset files from pinned mirrors, verified by sha256, written atomically.

Each file is streamed into a temporary file in the destination folder, hashed on the way, and
moved into place with ``os.replace`` only when its sha256 is the known one; on any failure (HTTP
error, dropped connection, wrong checksum) the next mirror is tried and no partial file is left.
Progress goes to a callback, never to the terminal: :mod:`catlr.cli` prints it, the app draws a bar.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from catlr import limits
from catlr.data_files import DATA_FILES, KNOWN_SHA256, default_cache_dir
from catlr.errors import CatlrInputError

# URL templates; {file} is the file name. Each pins a commit, so the bytes cannot change.
MIRRORS = (
    "https://raw.githubusercontent.com/Kulbear/deep-learning-coursera/8ef9dd4fd4a627217d4ff31e63b661dbb3db9150/"
    "Neural%20Networks%20and%20Deep%20Learning/datasets/{file}",
    "https://raw.githubusercontent.com/a-kute/CatRecognizer/ce33cd103117442ba3145f421969111e21857b7e/datasets/{file}",
    "https://raw.githubusercontent.com/rheinchester/image-classifier/1f56094ce71a87d311392ccca6fb858533338073/{file}",
)
_CHUNK = 64 * 1024
Progress = Callable[[str, int, int | None], None]


class _MirrorFailed(Exception):
    """One mirror could not deliver a verified file; the message says what happened."""


def _sha256_of(path: Path) -> str | None:
    try:
        digest = hashlib.sha256()
        with path.open("rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
        return digest.hexdigest()
    except OSError:
        return None


def download_dataset(
    dest_dir: str | os.PathLike | None = None,
    mirrors: Sequence[str] = MIRRORS,
    progress: Progress | None = None,
    timeout: float = 30,
) -> Path:
    """Download both dataset files into ``dest_dir`` (default: :func:`catlr.data_files.default_cache_dir`).

    Args:
        dest_dir: folder to fill; created if missing.
        mirrors: URL templates with ``{file}``, tried in order for each file.
        progress: called as ``progress(file_name, bytes_done, bytes_total)``; ``bytes_total`` is
            ``None`` when the server does not say.
        timeout: seconds to wait on the network at any one step.
    Returns:
        the folder, holding both files with their known sha256.
    Raises:
        CatlrInputError: every mirror failed for a file (the message lists what each did).
    """
    dest = Path(dest_dir).expanduser() if dest_dir is not None else default_cache_dir()
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CatlrInputError(f"could not create {dest}: {error.strerror or error}") from None
    for name in DATA_FILES:
        target = dest / name
        if _sha256_of(target) == KNOWN_SHA256[name]:
            if progress:
                size = target.stat().st_size
                progress(name, size, size)
            continue
        failures = []
        for template in mirrors:
            url = template.format(file=name)
            try:
                _fetch(url, target, name, progress, timeout)
                break
            except _MirrorFailed as failure:
                failures.append(f"  - {url}: {failure}")
        else:
            tried = "\n".join(failures) or "  (no mirrors given)"
            raise CatlrInputError(
                f"could not download {name}; every mirror failed:\n{tried}\n"
                f"To get the data by hand, download {' and '.join(DATA_FILES)} "
                f"(e.g. from {MIRRORS[0].format(file='…')}) into {dest}, "
                "or set CATLR_DATA_DIR to a folder holding them."
            )
    return dest


def _fetch(url: str, target: Path, name: str, progress: Progress | None, timeout: float) -> None:
    """Stream ``url`` to a temporary file beside ``target``; verify; move into place."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise _MirrorFailed("not an http(s) URL")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            digest, done, total = _stream(url, out, name, progress, timeout)
            if total is not None and done != total:
                raise _MirrorFailed(f"the connection dropped after {done:,} of {total:,} bytes")
            if digest != KNOWN_SHA256[name]:
                raise _MirrorFailed(f"checksum mismatch (got sha256 {digest[:12]}…): not the known file")
            out.flush()
            os.fsync(out.fileno())
        tmp.chmod(0o644)  # mkstemp made it private; the dataset is not secret
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _stream(
    url: str, out: BinaryIO, name: str, progress: Progress | None, timeout: float
) -> tuple[str, int, int | None]:
    """Copy the body into ``out``; returns (sha256 hex, bytes received, Content-Length or None)."""
    digest, done = hashlib.sha256(), 0
    request = urllib.request.Request(url, headers={"User-Agent": "catlr"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            if (total or 0) > limits.MAX_H5_BYTES:
                raise _MirrorFailed(f"the server offers {total:,} bytes, more than a dataset file can be")
            while chunk := response.read(_CHUNK):
                done += len(chunk)
                if done > limits.MAX_H5_BYTES:
                    raise _MirrorFailed("the server sent more than a dataset file can be")
                digest.update(chunk)
                try:
                    out.write(chunk)
                except OSError as error:  # the disk, not the mirror: another mirror would not help
                    raise CatlrInputError(f"could not save {name}: {error.strerror or error}") from None
                if progress:
                    progress(name, done, total)
    except urllib.error.HTTPError as error:
        raise _MirrorFailed(f"HTTP {error.code} {error.reason}") from None
    except http.client.IncompleteRead as error:
        raise _MirrorFailed(f"the connection dropped after {done + len(error.partial):,} bytes") from None
    except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
        reason = getattr(error, "reason", None) or error
        raise _MirrorFailed(f"network error: {reason}") from None
    return digest.hexdigest(), done, total
