"""Photo format sniffing: our own look at the first bytes, before Pillow sees them.

Pillow's answer for a file it does not read is "cannot identify image file"; people upload SVGs, web
pages, HEIC photos and PDFs by mistake, and a message naming what they uploaded tells them what to do.
"""

from __future__ import annotations

import struct

from catlr.photo_errors import photo_error, unsupported

HEIC_MESSAGE = "HEIC is not supported — export the photo as JPEG"

_ALLOWED_MAGIC = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"II+\x00", "TIFF"),
    (b"MM\x00+", "TIFF"),
)
# (prefix, what it is): formats people upload by mistake, for a message more useful than "unknown".
_OTHER_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"%!PS", "a PostScript (EPS) file"),
    (b"\xc5\xd0\xd3\xc6", "a PostScript (EPS) file"),
    (b"8BPS", "a Photoshop (PSD) document"),
    (b"gimp xcf", "a GIMP (XCF) document"),
    (b"SIMPLE  =", "a FITS (astronomy) file"),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "a JPEG 2000 image"),
    (b"\xff\x4f\xff\x51", "a JPEG 2000 image"),
    (b"\x00\x00\x00\x0cJXL \r\n\x87\n", "a JPEG XL image"),
    (b"\xff\x0a", "a JPEG XL image"),
    (b"qoif", "a QOI image"),
    (b"DDS ", "a DirectDraw (DDS) texture"),
    (b"v/1\x01", "an OpenEXR image"),
    (b"\x8aMNG", "an MNG animation"),
    (b"\x00\x00\x01\x00", "a Windows icon (ICO)"),
    (b"\x00\x00\x02\x00", "a Windows cursor (CUR)"),
    (b"IIRO", "a camera RAW file (Olympus ORF)"),
    (b"IIU\x00", "a camera RAW file (Panasonic RW2)"),
    (b"FUJIFILMCCD-RAW", "a camera RAW file (Fujifilm RAF)"),
    (b"\x89HDF\r\n\x1a\n", "an HDF5 file (datasets are loaded on the dataset page, not here)"),
    (b"\x93NUMPY", "a NumPy array file"),
    (b"PK\x03\x04", "a ZIP archive or an Office document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x1aE\xdf\xa3", "a video (WebM/MKV)"),
    (b"OggS", "an audio or video file (Ogg)"),
    (b"ID3", "an audio file (MP3)"),
    (b"fLaC", "an audio file (FLAC)"),
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a program"),
)
_HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1"}
_AVIF_BRANDS = {b"avif", b"avis"}


def _iso_brands(data: bytes) -> set[bytes]:
    """Major and compatible brands of an ISO-BMFF ``ftyp`` box (HEIC, AVIF, MP4), or an empty set."""
    if len(data) < 12 or data[4:8] != b"ftyp":
        return set()
    box_end = min(struct.unpack(">I", data[:4])[0], len(data), 256)
    brands = {data[8:12]}
    brands.update(data[i : i + 4] for i in range(16, box_end - 3, 4))
    return brands


def _as_text(head: bytes) -> str | None:
    """The first bytes decoded as text (UTF-8, or UTF-16 with a byte-order mark), or None if binary."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head[: len(head) // 2 * 2].decode("utf-16", errors="replace")
    elif b"\x00" in head:
        return None
    else:
        text = head.decode("utf-8", errors="replace")
    printable = sum(ch.isprintable() or ch in "\t\r\n" for ch in text)
    return text if printable >= 0.95 * len(text) else None


def _refuse_text(text: str, name: str) -> None:
    """Raise for a file that is text: an SVG drawing, a web page, or any other text."""
    lowered = text.lower()
    if "<svg" in lowered:
        raise unsupported(name, "an SVG drawing (vector graphics)", "Export it as PNG or JPEG.")
    if "<html" in lowered or "<!doctype html" in lowered or "<body" in lowered or "<head" in lowered:
        raise unsupported(
            name, "a web page (HTML)", "Save the picture itself (right-click it, 'Save image as'), not the page."
        )
    raise unsupported(name, "a text file")


def sniff(data: bytes, name: str) -> str | None:
    """The allowed format the first bytes announce, or raise for a known other kind.

    Parameters:
        data: the whole file (TGA is recognised by its footer).
        name: the file name, used only in messages.

    Returns:
        Pillow's name of the format ("JPEG", "PNG", "GIF", "BMP", "TIFF", "WEBP") when the magic bytes
        are one catlr decodes, ``None`` when unknown (Pillow gets a look, restricted to the allow-list).

    Raises:
        CatlrInputError: naming what the file is (HEIC, AVIF, PDF, SVG, a web page, a text file, ...).
    """
    for magic, fmt in _ALLOWED_MAGIC:
        if data.startswith(magic):
            if fmt == "TIFF" and data[8:10] == b"CR":
                raise unsupported(name, "a camera RAW file (Canon CR2)", "Export the photo as JPEG.")
            return fmt
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[:4] == b"RIFF":
        raise unsupported(name, "an audio or video file (RIFF)")
    brands = _iso_brands(data)
    if brands & _AVIF_BRANDS:
        raise unsupported(name, "an AVIF image", "Export the photo as JPEG or PNG.")
    if brands & _HEIC_BRANDS:
        raise photo_error(name, f"{HEIC_MESSAGE}.")
    if brands:
        raise unsupported(name, "a video or another MP4-family file")
    if data.endswith(b"TRUEVISION-XFILE.\x00"):  # TGA has no magic at the start, only this footer
        raise unsupported(name, "a TGA image")
    for magic, what in _OTHER_MAGIC:
        if data.startswith(magic):
            advice = "Export it as PNG or JPEG." if "PostScript" in what or "Photoshop" in what else None
            raise unsupported(name, what, advice)
    if len(data) >= 3 and data[:1] == b"P" and data[1:2] in b"1234567" and data[2:3].isspace():
        raise unsupported(name, "a Netpbm (PPM/PGM/PBM) image")
    text = _as_text(data[:2048])
    if text is not None:
        _refuse_text(text, name)
    return None
