"""Photo errors: what Pillow raises on bad bytes, and the message a person sees for each problem.

Every check on a photo (the sniff, the structure walk, the decode) ends in one of these
:class:`~catlr.errors.CatlrInputError` messages, so they read alike and always start with the file name.
"""

from __future__ import annotations

import re
import struct

from PIL import Image

from catlr import limits
from catlr.errors import CatlrInputError

# The formats of catlr.imaging.SUPPORTED_FORMATS, as a person names them.
SUPPORTED_FORMATS_TEXT = "JPEG, PNG, WebP, GIF, BMP or TIFF"

# Everything Pillow has been seen to raise on hostile bytes (docs/bad-inputs.md, fact 3, plus fuzzing).
DECODE_ERRORS = (
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


def _shown(name: object) -> str:
    """The file name as it appears in messages: one line, at most 80 characters (never used as a path)."""
    text = re.sub(r"[\x00-\x1f\x7f]", "?", str(name)).strip() or "photo"
    return text if len(text) <= 80 else text[:77] + "..."


def photo_error(name: str, sentence: str) -> CatlrInputError:
    """``"{name}: {sentence}"``, the name made safe to show."""
    return CatlrInputError(f"{_shown(name)}: {sentence}")


def unsupported(name: str, what: str, advice: str | None = None) -> CatlrInputError:
    """A file of a kind catlr does not read; ``what`` says which kind, ``advice`` what to do instead."""
    advice = advice or f"Use a {SUPPORTED_FORMATS_TEXT} file."
    return photo_error(name, f"This is not a supported image: it is {what}. {advice}")


def too_large(name: str, pixels: float) -> CatlrInputError:
    """More pixels than ``limits.MAX_PHOTO_PIXELS``."""
    limit = limits.MAX_PHOTO_PIXELS / 1e6
    return photo_error(
        name,
        f"The image is too large ({pixels / 1e6:,.1f} megapixels; the limit is {limit:g}) — possibly a "
        "decompression bomb. Resize it to a smaller photo and try again.",
    )


def bomb_pixels(error: Exception) -> float:
    """Pixel count quoted by Pillow's bomb check, or the smallest count that trips it."""
    found = re.search(r"\((\d+) pixels\)", str(error))
    return float(found.group(1)) if found else float(Image.MAX_IMAGE_PIXELS or limits.MAX_PHOTO_PIXELS)


def decode_failure(name: str, fmt: str | None, data: bytes, error: BaseException) -> CatlrInputError:
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
        return photo_error(
            name,
            "The image is damaged or incomplete (perhaps cut off while uploading or copying). "
            "Save or export it again and retry.",
        )
    what = f"This {fmt} image" if fmt else "The image"
    if isinstance(error, MemoryError):
        return photo_error(name, f"{what} could not be decoded: it needs more memory than is available.")
    return photo_error(
        name,
        f"{what} could not be decoded: the file is damaged or uses a variant catlr cannot read. "
        "Re-save it as JPEG or PNG and try again.",
    )
