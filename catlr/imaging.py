"""Photos: the single validation boundary that turns uploaded bytes into the pixels the model sees.

``open_photo`` decodes untrusted bytes into an upright RGB uint8 array (H, W, 3), or raises
:class:`~catlr.errors.CatlrInputError` naming the file and the problem; ``to_model_input`` makes the
(num_px, num_px, 3) uint8 square the model was trained on; ``load_photo`` is both in one call.

Defences (docs/bad-inputs.md, section A), in order: a byte cap; our own magic-byte sniff for specific
messages (:mod:`catlr.photo_format`); a bounded walk of JPEG segments, PNG chunks and TIFF pages
(:mod:`catlr.photo_structure`); ``Image.open`` with an explicit ``formats=`` allow-list so no other
plugin (Ghostscript for EPS, say) ever runs; the pixel and aspect-ratio caps from the header before any
pixel is decoded, with Pillow's decompression-bomb warning made an error; orientation and pixel modes
(:mod:`catlr.photo_pixels`); every decoder failure mapped to "damaged or incomplete" or "could not be
decoded" (:mod:`catlr.photo_errors`).

Decisions: a photo longer than ``limits.MAX_ASPECT_RATIO``:1 is refused with a message (a 1 x 20000
strip has no square worth classifying); AVIF and HEIC are refused with an "export as JPEG" message
(Pillow 13 could read AVIF, but the allow-list is the documented one).
"""

from __future__ import annotations

import io
import math
import threading
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFile, UnidentifiedImageError

from catlr import limits, photo_format, photo_pixels, photo_structure
from catlr.errors import CatlrInputError
from catlr.photo_errors import (
    DECODE_ERRORS,
    SUPPORTED_FORMATS_TEXT,
    bomb_pixels,
    decode_failure,
    photo_error,
    too_large,
    unsupported,
)

# Pillow's names for what we decode. "MPO" (a phone JPEG carrying extra pictures) is not an opener
# of its own: Pillow's JPEG opener returns it, so it is accepted as a result but not passed to open.
SUPPORTED_FORMATS = ("JPEG", "MPO", "PNG", "WEBP", "GIF", "BMP", "TIFF")
_OPENERS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF")
SUPPORTED_EXTENSIONS = ["jpg", "jpeg", "png", "webp", "gif", "bmp", "tif", "tiff"]
FITS = ("crop", "squash")
# The fit used wherever none is chosen (Predict, the CLI, datasets built from photos): the one place it is set.
# Chosen by measurement (scripts/measure_fit.py, README "Crop or squash"): on 19 real photos both fits were right
# 4 times; crop was slightly more confident in the right answers (mean cross-entropy 1.126 against 1.157).
DEFAULT_FIT = "crop"
# A large JPEG is decoded at 1/2, 1/4 or 1/8 scale (Image.draft) as long as its short side stays at
# least this long: ample for a preview and for any model input up to limits.MAX_NUM_PX.
PREVIEW_MIN_SIDE = 512

# Pillow's bomb check lives in module state and warnings.catch_warnings() swaps the process-wide
# filter list; the app decodes from several threads, so a lock keeps two decodes from restoring each
# other's filters (which would leave "error"/"ignore" filters installed for unrelated code).
_DECODE_LOCK = threading.Lock()


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


def _check_header(img: Image.Image, name: str) -> None:
    """Pixel and aspect-ratio caps, from the header only (nothing decoded yet)."""
    width, height = img.size
    if width < 1 or height < 1:
        raise photo_error(name, f"The image has no pixels ({width} × {height}).")
    if width * height > limits.MAX_PHOTO_PIXELS:
        raise too_large(name, width * height)
    ratio = max(width, height) / min(width, height)
    if ratio > limits.MAX_ASPECT_RATIO:
        raise photo_error(
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


def _open(data: bytes, fmt: str | None, name: str) -> Image.Image:
    """``Image.open`` restricted to the allow-list, every failure mapped to a message; reads the header only."""
    try:
        return Image.open(io.BytesIO(data), formats=list(_OPENERS))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise too_large(name, bomb_pixels(error)) from error
    except UnidentifiedImageError as error:
        if fmt is not None:  # announces a format we read, yet no opener accepts it: damaged header
            raise decode_failure(name, fmt, data, error) from error
        raise photo_error(
            name, f"This is not a supported image ({SUPPORTED_FORMATS_TEXT}), or the file is damaged."
        ) from error
    except DECODE_ERRORS as error:
        raise decode_failure(name, fmt, data, error) from error


def _decode(data: bytes, name: str, min_side: int) -> Photo:
    fmt = photo_format.sniff(data, name)
    photo_structure.check(data, fmt, name)
    img = _open(data, fmt, name)
    with img:
        fmt = img.format
        if fmt not in SUPPORTED_FORMATS:  # defensive: the allow-list above should make this impossible
            raise unsupported(name, f"a {fmt} image")
        _check_header(img, name)
        try:
            n_frames = int(getattr(img, "n_frames", 1))
            if n_frames > 1:
                img.seek(0)
            full_size = img.size
            if fmt in ("JPEG", "MPO"):
                img.draft("RGB", (min_side, min_side))  # DCT-domain downscale: a 24 MP JPEG in ~0.1 s
            img.load()
            upright, exif_note = photo_pixels.upright(img)
            rgb, alpha_note = photo_pixels.to_rgb(upright)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise too_large(name, bomb_pixels(error)) from error
        except DECODE_ERRORS as error:
            raise decode_failure(name, fmt, data, error) from error
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
        raise photo_error(name, f"Expected the file's bytes; got {type(data).__name__}.")
    data = bytes(data)
    if len(data) > limits.MAX_PHOTO_BYTES:
        cap = limits.MAX_PHOTO_BYTES / 2**20
        size = math.ceil(len(data) / 2**20 * 10) / 10  # rounded up, so it never reads as the cap itself
        raise photo_error(name, f"The file is larger than {cap:g} MB (it is {size:,.1f} MB). Use a smaller photo.")
    if not data:
        raise photo_error(name, "The file is empty.")
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        # Someone switched Pillow into accepting half files process-wide; refuse rather than guess.
        raise RuntimeError("PIL.ImageFile.LOAD_TRUNCATED_IMAGES is True; catlr needs Pillow's default (False)")
    with _DECODE_LOCK, warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL\.")
        return _decode(data, name, max(int(min_side), 1))


def check_size(num_px: object, fit: object) -> tuple[int, str]:
    """The one check of the model-input settings: ``num_px`` a whole number in 1..MAX_NUM_PX, ``fit`` in FITS."""
    if isinstance(num_px, bool) or not isinstance(num_px, (int, np.integer)):
        raise CatlrInputError(f"num_px must be a whole number; got {num_px!r}")
    if not 1 <= int(num_px) <= limits.MAX_NUM_PX:
        raise CatlrInputError(f"num_px must be between 1 and {limits.MAX_NUM_PX}; got {num_px}")
    if fit not in FITS:
        raise CatlrInputError(f"fit must be one of {', '.join(FITS)}; got {fit!r}")
    return int(num_px), fit


def to_model_input(rgb: np.ndarray, num_px: int = 64, fit: str = DEFAULT_FIT) -> np.ndarray:
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
    num_px, fit = check_size(num_px, fit)
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


def load_photo(data: bytes, num_px: int = 64, fit: str = DEFAULT_FIT, name: str = "photo") -> np.ndarray:
    """``open_photo`` then ``to_model_input``: bytes -> (num_px, num_px, 3) uint8.

    Raises:
        CatlrInputError: as :func:`open_photo`, or for a bad ``num_px`` / ``fit`` (checked first).
    """
    num_px, fit = check_size(num_px, fit)
    photo = open_photo(data, name, min_side=max(PREVIEW_MIN_SIDE, 4 * num_px))
    return to_model_input(photo.rgb, num_px=num_px, fit=fit)
