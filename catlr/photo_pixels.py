"""Photo pixels: a decoded Pillow image turned upright and into (H, W, 3) uint8 RGB.

Phones store photos sideways with an EXIF orientation tag, and PNG, TIFF and GIF come in many pixel
modes (transparency, 16-bit, float); the model sees only upright 8-bit RGB, so every mode ends here.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageOps

from catlr.photo_errors import DECODE_ERRORS

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
_DAMAGED_EXIF = "The photo's EXIF data is damaged; its orientation was ignored."


def upright(img: Image.Image) -> tuple[Image.Image, str | None]:
    """Apply the EXIF orientation (docs/bad-inputs.md, I10); a damaged EXIF block is ignored (I11).

    Returns:
        (the upright image, a note for the UI or None).
    """
    try:
        exif = img.getexif()
        orientation = exif.get(0x0112)
    except DECODE_ERRORS:
        return img, _DAMAGED_EXIF
    if img.info.get("exif") and len(exif) == 0:
        return img, _DAMAGED_EXIF
    if orientation not in _ORIENTATION_NOTES:
        return img, None
    try:
        turned = ImageOps.exif_transpose(img)
    except DECODE_ERRORS:
        return img, _DAMAGED_EXIF
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


def to_rgb(img: Image.Image) -> tuple[np.ndarray, str | None]:
    """Any Pillow mode -> (H, W, 3) uint8, transparency composited on white (I12-I16).

    Returns:
        ((H, W, 3) uint8, a note for the UI or None).
    """
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
