"""Photos: the single validation boundary that turns uploaded bytes into the pixels the model sees.

``open_photo`` decodes untrusted bytes into an upright RGB uint8 array (H, W, 3), or raises
:class:`~catlr.errors.CatlrInputError` naming the file and the problem; ``to_model_input`` makes the
(num_px, num_px, 3) uint8 square the model was trained on; ``load_photo`` is both in one call.

Defences (docs bad-inputs.md, section A), in order: a byte cap; our own magic-byte sniff for specific
messages (SVG, HTML, HEIC, AVIF, PSD, EPS, ...); a bounded walk of JPEG segments, PNG chunks and TIFF
pages (Pillow walks them in Python, so a flood of tiny ones would cost seconds); ``Image.open`` with an
explicit ``formats=`` allow-list so no other plugin (Ghostscript for EPS, say) ever runs; the pixel and
aspect-ratio caps from the header before any pixel is decoded, with Pillow's decompression-bomb warning
made an error; every decoder failure mapped to "damaged or incomplete" or "could not be decoded".

Decisions: a photo longer than ``limits.MAX_ASPECT_RATIO``:1 is refused with a message (a 1 x 20000
strip has no square worth classifying); AVIF and HEIC are refused with an "export as JPEG" message
(Pillow 13 could read AVIF, but the allow-list is the documented one).
"""

from __future__ import annotations

import io
import math
import re
import struct
import threading
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from catlr import limits
from catlr.errors import CatlrInputError

# Pillow's names for what we decode. "MPO" (a phone JPEG carrying extra pictures) is not an opener
# of its own: Pillow's JPEG opener returns it, so it is accepted as a result but not passed to open.
SUPPORTED_FORMATS = ("JPEG", "MPO", "PNG", "WEBP", "GIF", "BMP", "TIFF")
_OPENERS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF")
SUPPORTED_FORMATS_TEXT = "JPEG, PNG, WebP, GIF, BMP or TIFF"
SUPPORTED_EXTENSIONS = ["jpg", "jpeg", "png", "webp", "gif", "bmp", "tif", "tiff"]
FITS = ("crop", "squash")
# A large JPEG is decoded at 1/2, 1/4 or 1/8 scale (Image.draft) as long as its short side stays at
# least this long: ample for a preview and for any model input up to limits.MAX_NUM_PX.
PREVIEW_MIN_SIDE = 512

# Bounds on header structure, checked by a cheap walk before Pillow parses it: Pillow walks JPEG
# segments, PNG chunks and TIFF pages in Python, so a 20 MB file of tiny ones costs it seconds of CPU.
_MAX_JPEG_SEGMENTS = 10_000  # before the image data; real files have a few dozen
_MAX_JPEG_STRAY_BYTES = 65_536  # bytes outside any segment (Pillow skips them one at a time)
_MAX_PNG_CHUNKS = 100_000

HEIC_MESSAGE = "HEIC is not supported — export the photo as JPEG"

# Pillow's bomb check lives in module state and warnings.catch_warnings() swaps the process-wide
# filter list; the app decodes from several threads, so a lock keeps two decodes from restoring each
# other's filters (which would leave "error"/"ignore" filters installed for unrelated code).
_DECODE_LOCK = threading.Lock()

# Everything Pillow has been seen to raise on hostile bytes (bad-inputs.md fact 3, plus fuzzing).
_DECODE_ERRORS = (
    OSError,
    SyntaxError,
    TypeError,
    ValueError,
    RuntimeError,
    struct.error,
    EOFError,
    MemoryError,
    IndexError,
    KeyError,
    AttributeError,
    ZeroDivisionError,
    OverflowError,
)
_TRUNCATION_HINTS = ("truncated", "broken data stream", "premature end", "not enough data", "unexpected end")

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
_ORIENTATION_NOTES = {
    2: "mirrored left to right",
    3: "rotated 180°",
    4: "flipped upside down",
    5: "mirrored and rotated 90° counter-clockwise",
    6: "rotated 90° clockwise",
    7: "mirrored and rotated 90° clockwise",
    8: "rotated 90° counter-clockwise",
}
_ALPHA_MODES = ("RGBA", "RGBa", "LA", "La", "PA")


@dataclass(frozen=True, eq=False)
class Photo:
    """A decoded photo, ready to show or to feed to :func:`to_model_input`.

    Attributes:
        rgb: (H, W, 3) uint8, read-only; upright (EXIF orientation applied), transparency composited on
            white, 16-bit and float pixels scaled to 0-255. A large JPEG is decoded at a reduced scale
            (short side still >= the ``min_side`` asked of :func:`open_photo`).
        format: Pillow's name of the decoded format, e.g. "JPEG", "PNG", "MPO".
        size: (W, H) of the full-resolution upright picture (before any reduced-scale decode).
        n_frames: frames (GIF/WebP/APNG), pages (TIFF) or pictures (MPO) in the file; the first is used.
        notes: sentences for the UI about what was done, e.g. "Transparent areas were filled with white."
    """

    rgb: np.ndarray
    format: str
    size: tuple[int, int]
    n_frames: int
    notes: tuple[str, ...]


def _shown(name: object) -> str:
    """The file name as it appears in messages: one line, at most 80 characters (never used as a path)."""
    text = re.sub(r"[\x00-\x1f\x7f]", "?", str(name)).strip() or "photo"
    return text if len(text) <= 80 else text[:77] + "..."


def _fail(name: str, sentence: str) -> CatlrInputError:
    return CatlrInputError(f"{_shown(name)}: {sentence}")


def _unsupported(name: str, what: str, advice: str | None = None) -> CatlrInputError:
    advice = advice or f"Use a {SUPPORTED_FORMATS_TEXT} file."
    return _fail(name, f"This is not a supported image: it is {what}. {advice}")


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


def _sniff(data: bytes, name: str) -> str | None:
    """Our own look at the first bytes: the allowed format they announce, or raise for a known other kind.

    Returns the allowed format name when the magic bytes are one we decode, ``None`` when unknown
    (Pillow gets a look, restricted to the allow-list).
    """
    for magic, fmt in _ALLOWED_MAGIC:
        if data.startswith(magic):
            if fmt == "TIFF" and data[8:10] == b"CR":
                raise _unsupported(name, "a camera RAW file (Canon CR2)", "Export the photo as JPEG.")
            return fmt
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[:4] == b"RIFF":
        raise _unsupported(name, "an audio or video file (RIFF)")
    brands = _iso_brands(data)
    if brands & _AVIF_BRANDS:
        raise _unsupported(name, "an AVIF image", "Export the photo as JPEG or PNG.")
    if brands & _HEIC_BRANDS:
        raise _fail(name, f"{HEIC_MESSAGE}.")
    if brands:
        raise _unsupported(name, "a video or another MP4-family file")
    if data.endswith(b"TRUEVISION-XFILE.\x00"):  # TGA has no magic at the start, only this footer
        raise _unsupported(name, "a TGA image")
    for magic, what in _OTHER_MAGIC:
        if data.startswith(magic):
            advice = "Export it as PNG or JPEG." if "PostScript" in what or "Photoshop" in what else None
            raise _unsupported(name, what, advice)
    if len(data) >= 3 and data[:1] == b"P" and data[1:2] in b"1234567" and data[2:3].isspace():
        raise _unsupported(name, "a Netpbm (PPM/PGM/PBM) image")
    text = _as_text(data[:2048])
    if text is not None:
        lowered = text.lower()
        if "<svg" in lowered:
            raise _unsupported(name, "an SVG drawing (vector graphics)", "Export it as PNG or JPEG.")
        if "<html" in lowered or "<!doctype html" in lowered or "<body" in lowered or "<head" in lowered:
            raise _unsupported(
                name, "a web page (HTML)", "Save the picture itself (right-click it, 'Save image as'), not the page."
            )
        raise _unsupported(name, "a text file")
    return None


def _too_large(name: str, pixels: float) -> CatlrInputError:
    limit = limits.MAX_PHOTO_PIXELS / 1e6
    return _fail(
        name,
        f"The image is too large ({pixels / 1e6:,.1f} megapixels; the limit is {limit:g}) — possibly a "
        "decompression bomb. Resize it to a smaller photo and try again.",
    )


def _bomb_pixels(error: Exception) -> float:
    """Pixel count quoted by Pillow's bomb check, or the smallest count that trips it."""
    found = re.search(r"\((\d+) pixels\)", str(error))
    return float(found.group(1)) if found else float(Image.MAX_IMAGE_PIXELS or limits.MAX_PHOTO_PIXELS)


def _decode_failure(name: str, fmt: str | None, data: bytes, error: BaseException) -> CatlrInputError:
    """Map any decoder exception to "damaged or incomplete" (cut-off file) or "could not be decoded"."""
    text = str(error).lower()
    cut_off = isinstance(error, EOFError) or any(hint in text for hint in _TRUNCATION_HINTS)
    tail = data.rstrip(b"\x00")
    if fmt in ("JPEG", "MPO") and not tail.endswith(b"\xff\xd9"):
        cut_off = True
    elif fmt == "PNG" and b"IEND" not in data[-16:]:
        cut_off = True
    elif fmt == "GIF" and not tail.endswith(b";"):
        cut_off = True
    if cut_off:
        return _fail(
            name,
            "The image is damaged or incomplete (perhaps cut off while uploading or copying). "
            "Save or export it again and retry.",
        )
    what = f"This {fmt} image" if fmt else "The image"
    if isinstance(error, MemoryError):
        return _fail(name, f"{what} could not be decoded: it needs more memory than is available.")
    return _fail(
        name,
        f"{what} could not be decoded: the file is damaged or uses a variant catlr cannot read. "
        "Re-save it as JPEG or PNG and try again.",
    )


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


def _check_structure(data: bytes, fmt: str | None, name: str) -> None:
    """Cheap bounded walk of the container before Pillow parses it (see the _MAX_* constants)."""
    problem = None
    if fmt == "JPEG":
        problem = _jpeg_problem(data)
    elif fmt == "PNG":
        problem = _png_problem(data)
    elif fmt == "TIFF" and len(data) >= 8:
        pages = _tiff_pages(data, limits.MAX_PHOTO_FRAMES)
        if pages > limits.MAX_PHOTO_FRAMES:
            raise _fail(
                name,
                f"The TIFF file has more than {limits.MAX_PHOTO_FRAMES:,} pages. Export the page you want as "
                "JPEG or PNG.",
            )
    if problem == "cut":
        raise _decode_failure(name, fmt, data, EOFError())
    if problem == "odd":
        raise _decode_failure(name, fmt, data, ValueError())


def _check_header(img: Image.Image, name: str) -> None:
    """Pixel and aspect-ratio caps, from the header only (nothing decoded yet)."""
    width, height = img.size
    if width < 1 or height < 1:
        raise _fail(name, f"The image has no pixels ({width} × {height}).")
    if width * height > limits.MAX_PHOTO_PIXELS:
        raise _too_large(name, width * height)
    ratio = max(width, height) / min(width, height)
    if ratio > limits.MAX_ASPECT_RATIO:
        raise _fail(
            name,
            f"The image is {width:,} × {height:,} pixels: too long and thin (aspect ratio {ratio:,.0f}:1; the "
            f"limit is {limits.MAX_ASPECT_RATIO:g}:1). Crop it closer to the subject and try again.",
        )


def _frame_note(img: Image.Image, n_frames: int) -> str | None:
    if n_frames <= 1 or img.format == "MPO":  # MPO extras are previews / depth maps, not frames
        return None
    if img.format == "TIFF":
        return f"Multi-page TIFF: the first of {n_frames} pages is used."
    return f"Animated image: the first of {n_frames} frames is used."


def _upright(img: Image.Image) -> tuple[Image.Image, str | None]:
    """Apply the EXIF orientation (bad-inputs I10); a damaged EXIF block is ignored (I11)."""
    try:
        exif = img.getexif()
        orientation = exif.get(0x0112)
    except _DECODE_ERRORS:
        return img, "The photo's EXIF data is damaged; its orientation was ignored."
    if img.info.get("exif") and len(exif) == 0:
        return img, "The photo's EXIF data is damaged; its orientation was ignored."
    if orientation not in _ORIENTATION_NOTES:
        return img, None
    try:
        turned = ImageOps.exif_transpose(img)
    except _DECODE_ERRORS:
        return img, "The photo's EXIF data is damaged; its orientation was ignored."
    return turned, f"EXIF orientation applied ({_ORIENTATION_NOTES[orientation]})."


def _scale_gray(values: np.ndarray, bits16: bool) -> np.ndarray:
    """(H, W) integer or float pixels -> (H, W) uint8, keeping detail (I15, I16).

    16-bit data is divided by 257 (0..65535 -> 0..255); integers already in 0..255 are kept; floats
    all in [0, 1] are the usual unit range and scale by 255. Anything else is stretched from its finite
    minimum to its finite maximum. NaN and -inf become the bottom of the scale (0), +inf the top (255).
    """
    x = values.astype(np.float64)
    if bits16:
        return np.rint(x / 257.0).astype(np.uint8)
    finite = np.isfinite(x)
    if not finite.any():
        return np.zeros(x.shape, np.uint8)
    lo, hi = float(x[finite].min()), float(x[finite].max())
    if np.issubdtype(values.dtype, np.integer) and lo >= 0 and hi <= 255:
        return x.astype(np.uint8)
    if np.issubdtype(values.dtype, np.floating) and lo >= 0 and hi <= 1:
        lo, hi = 0.0, 1.0
    x = np.nan_to_num(x, nan=lo, posinf=hi, neginf=lo)
    if hi == lo:  # a flat image outside the usual ranges
        return np.full(x.shape, np.uint8(min(max(lo, 0.0), 255.0)))
    scaled = (x - lo) * (255.0 / (hi - lo))  # float64: float32 extremes cannot overflow
    return np.rint(np.clip(scaled, 0.0, 255.0)).astype(np.uint8)


def _to_rgb(img: Image.Image) -> tuple[np.ndarray, str | None]:
    """Any Pillow mode -> (H, W, 3) uint8, transparency composited on white (I12-I16)."""
    mode = img.mode
    if mode.startswith("I;16"):
        gray = _scale_gray(np.asarray(img), bits16=True)
        return np.repeat(gray[:, :, None], 3, axis=2), None
    if mode in ("I", "F"):
        values = np.asarray(img)
        bits16 = mode == "I" and values.size > 0 and values.min() >= 0 and 255 < values.max() <= 65535
        gray = _scale_gray(values, bits16=bits16)
        return np.repeat(gray[:, :, None], 3, axis=2), None
    if mode in _ALPHA_MODES or "transparency" in img.info:
        rgba = np.asarray(img.convert("RGBA")).astype(np.uint32)  # (H, W, 4)
        alpha = rgba[:, :, 3:]
        if alpha.min() < 255:
            # Straight alpha over white: c*a + 255*(1-a), in integers, rounded.
            rgb = (rgba[:, :, :3] * alpha + 255 * (255 - alpha) + 127) // 255
            return rgb.astype(np.uint8), "Transparent areas were filled with white."
        return rgba[:, :, :3].astype(np.uint8), None
    return np.asarray(img.convert("RGB")), None


def _decode(data: bytes, name: str, min_side: int) -> Photo:
    fmt = _sniff(data, name)
    _check_structure(data, fmt, name)
    try:
        img = Image.open(io.BytesIO(data), formats=list(_OPENERS))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_large(name, _bomb_pixels(error)) from error
    except UnidentifiedImageError as error:
        if fmt is not None:  # announces a format we read, yet no opener accepts it: damaged header
            raise _decode_failure(name, fmt, data, error) from error
        raise _fail(
            name, f"This is not a supported image ({SUPPORTED_FORMATS_TEXT}), or the file is damaged."
        ) from error
    except _DECODE_ERRORS as error:
        raise _decode_failure(name, fmt, data, error) from error
    with img:
        fmt = img.format
        if fmt not in SUPPORTED_FORMATS:  # defensive: the allow-list above should make this impossible
            raise _unsupported(name, f"a {fmt} image")
        _check_header(img, name)
        try:
            n_frames = int(getattr(img, "n_frames", 1))
            if n_frames > 1:
                img.seek(0)
            full_size = img.size
            if fmt in ("JPEG", "MPO"):
                img.draft("RGB", (min_side, min_side))  # DCT-domain downscale: a 24 MP JPEG in ~0.1 s
            img.load()
            upright, exif_note = _upright(img)
            rgb, alpha_note = _to_rgb(upright)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise _too_large(name, _bomb_pixels(error)) from error
        except _DECODE_ERRORS as error:
            raise _decode_failure(name, fmt, data, error) from error
    if upright.size != img.size:  # rotated a quarter turn
        full_size = full_size[::-1]
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    rgb.flags.writeable = False
    notes = tuple(n for n in (_frame_note(img, n_frames), exif_note, alpha_note) if n)
    return Photo(rgb=rgb, format=fmt, size=(int(full_size[0]), int(full_size[1])), n_frames=n_frames, notes=notes)


def open_photo(data: bytes, name: str = "photo", *, min_side: int = PREVIEW_MIN_SIDE) -> Photo:
    """Decode untrusted image bytes: the one validation boundary for photos.

    Parameters:
        data: the file's bytes (bytes, bytearray or memoryview); the content decides the format,
            never the name or a MIME type.
        name: the file name, used only in messages.
        min_side: a large JPEG may be decoded at a reduced scale whose short side is at least this.

    Returns:
        :class:`Photo` whose ``rgb`` is (H, W, 3) uint8.

    Raises:
        CatlrInputError: empty, too big (bytes or pixels), too thin, not a supported format, damaged.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise _fail(name, f"Expected the file's bytes; got {type(data).__name__}.")
    data = bytes(data)
    if len(data) > limits.MAX_PHOTO_BYTES:
        cap = limits.MAX_PHOTO_BYTES / 2**20
        size = math.ceil(len(data) / 2**20 * 10) / 10  # rounded up, so it never reads as the cap itself
        raise _fail(name, f"The file is larger than {cap:g} MB (it is {size:,.1f} MB). Use a smaller photo.")
    if not data:
        raise _fail(name, "The file is empty.")
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        # Someone switched Pillow into accepting half files process-wide; refuse rather than guess.
        raise RuntimeError("PIL.ImageFile.LOAD_TRUNCATED_IMAGES is True; catlr needs Pillow's default (False)")
    with _DECODE_LOCK, warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL\.")
        return _decode(data, name, max(int(min_side), 1))


def _check_num_px(num_px: object) -> int:
    if isinstance(num_px, bool) or not isinstance(num_px, (int, np.integer)):
        raise CatlrInputError(f"num_px must be a whole number; got {num_px!r}")
    if not 1 <= int(num_px) <= limits.MAX_NUM_PX:
        raise CatlrInputError(f"num_px must be between 1 and {limits.MAX_NUM_PX}; got {num_px}")
    return int(num_px)


def to_model_input(rgb: np.ndarray, num_px: int = 64, fit: str = "crop") -> np.ndarray:
    """Resize an (H, W, 3) uint8 photo to the (num_px, num_px, 3) uint8 square the model sees.

    Parameters:
        rgb: (H, W, 3) uint8, e.g. ``Photo.rgb``.
        num_px: side of the output square, 1..``limits.MAX_NUM_PX``.
        fit: "squash" resizes the whole photo, as the exercise does
            (``Image.resize((num_px, num_px))``, Pillow's default BICUBIC for RGB); "crop" first cuts the
            centred square of side min(H, W), then does the same resize.

    Returns:
        (num_px, num_px, 3) uint8.
    """
    num_px = _check_num_px(num_px)
    if fit not in FITS:
        raise CatlrInputError(f"fit must be one of {', '.join(FITS)}; got {fit!r}")
    if not isinstance(rgb, np.ndarray) or rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] != 3:
        got = f"{rgb.dtype} {rgb.shape}" if isinstance(rgb, np.ndarray) else type(rgb).__name__
        raise CatlrInputError(f"expected an (H, W, 3) uint8 image; got {got}")
    height, width = rgb.shape[:2]
    if height < 1 or width < 1:
        raise CatlrInputError(f"the image has no pixels ({width} × {height})")
    if fit == "crop":
        side = min(height, width)
        top, left = (height - side) // 2, (width - side) // 2
        rgb = rgb[top : top + side, left : left + side]
    image = Image.fromarray(np.ascontiguousarray(rgb))
    return np.asarray(image.resize((num_px, num_px), Image.Resampling.BICUBIC), dtype=np.uint8).copy()


def load_photo(data: bytes, num_px: int = 64, fit: str = "crop", name: str = "photo") -> np.ndarray:
    """``open_photo`` then ``to_model_input``: bytes -> (num_px, num_px, 3) uint8.

    Raises:
        CatlrInputError: as :func:`open_photo`, or for a bad ``num_px`` / ``fit`` (checked first).
    """
    num_px = _check_num_px(num_px)
    if fit not in FITS:
        raise CatlrInputError(f"fit must be one of {', '.join(FITS)}; got {fit!r}")
    photo = open_photo(data, name, min_side=max(PREVIEW_MIN_SIDE, 4 * num_px))
    return to_model_input(photo.rgb, num_px=num_px, fit=fit)
