"""Photo structure checks: a cheap, bounded walk of JPEG segments, PNG chunks and TIFF pages.

Pillow walks these structures in Python, so a 20 MB file of tiny ones costs it seconds of CPU; this
walk counts them first, without Pillow, and refuses a file with far more than any real photo has.
"""

from __future__ import annotations

import struct

from catlr import limits
from catlr.photo_errors import decode_failure, photo_error

_MAX_JPEG_SEGMENTS = 10_000  # before the image data; real files have a few dozen
_MAX_JPEG_STRAY_BYTES = 65_536  # bytes outside any segment (Pillow skips them one at a time)
_MAX_PNG_CHUNKS = 100_000


def _jpeg_problem(data: bytes) -> str | None:
    """Walk the marker segments up to the image data: None if sound, else "cut" or "odd"."""
    i, segments, stray, n = 2, 0, 0, len(data)
    while i + 1 < n:
        marker = data[i + 1]
        if data[i] != 0xFF or marker in (0x00, 0xFF):  # a stray or fill byte
            stray += 1
            if stray > _MAX_JPEG_STRAY_BYTES:
                return "odd"
            i += 1
            continue
        if marker == 0xDA:  # start of scan: the header is complete
            return None
        segments += 1
        if segments > _MAX_JPEG_SEGMENTS:
            return "odd"
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:  # markers without a length
            i += 2
            continue
        if i + 4 > n:
            return "cut"
        i += 2 + int.from_bytes(data[i + 2 : i + 4], "big")
    return "cut"


def _png_problem(data: bytes) -> str | None:
    """Count PNG chunks (bounded): None if sound or merely cut short (Pillow judges that), else "odd"."""
    i, chunks = 8, 0
    while i + 8 <= len(data):
        chunks += 1
        if chunks > _MAX_PNG_CHUNKS:
            return "odd"
        if data[i + 4 : i + 8] == b"IEND":
            return None
        i += 12 + int.from_bytes(data[i : i + 4], "big")
    return None


def _tiff_pages(data: bytes, most: int) -> int:
    """Pages (IFDs) of a classic TIFF, counted up to ``most + 1``, following the chain without Pillow."""
    if data[2:4] in (b"+\x00", b"\x00+"):  # BigTIFF: left to Pillow
        return 1
    order = "<" if data[:2] == b"II" else ">"
    offset, pages, seen = struct.unpack_from(order + "I", data, 4)[0], 0, set()
    while offset and offset + 2 <= len(data) and offset not in seen and pages <= most:
        seen.add(offset)
        pages += 1
        link = offset + 2 + 12 * struct.unpack_from(order + "H", data, offset)[0]
        offset = struct.unpack_from(order + "I", data, link)[0] if link + 4 <= len(data) else 0
    return max(pages, 1)


def check(data: bytes, fmt: str | None, name: str) -> None:
    """Refuse a container too odd, too cut off or with too many pages for Pillow to be given it.

    Parameters:
        data: the whole file.
        fmt: the format the sniff found ("JPEG", "PNG", "TIFF" are walked; others pass).
        name: the file name, used only in messages.

    Raises:
        CatlrInputError: "damaged or incomplete", "could not be decoded", or too many TIFF pages.
    """
    problem = None
    if fmt == "JPEG":
        problem = _jpeg_problem(data)
    elif fmt == "PNG":
        problem = _png_problem(data)
    elif fmt == "TIFF" and len(data) >= 8:
        pages = _tiff_pages(data, limits.MAX_PHOTO_FRAMES)
        if pages > limits.MAX_PHOTO_FRAMES:
            raise photo_error(
                name,
                f"The TIFF file has more than {limits.MAX_PHOTO_FRAMES:,} pages. Export the page you want as "
                "JPEG or PNG.",
            )
    if problem == "cut":
        raise decode_failure(name, fmt, data, EOFError())
    if problem == "odd":
        raise decode_failure(name, fmt, data, ValueError())
