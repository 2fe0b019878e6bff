"""Colour maps for weights and contributions: a blue-white-red scale centred on zero, and overlays on photos.

Pure NumPy (no plotting library). Conventions: ``w`` has shape (num_px·num_px·3, 1) (or any shape with
that many entries), flattened in the seed's row-major order (pixel by pixel, channels innermost);
images are (num_px, num_px, 3) uint8.
"""

from __future__ import annotations

import math

import numpy as np

from catlr.arrays import square_rgb
from catlr.errors import CatlrInputError

# ColorBrewer RdBu, reversed (blue = negative, near-white = zero, red = positive): the 11 anchors
# matplotlib's 'RdBu_r' interpolates between, so this matches it without importing matplotlib.
_RDBU_R = (
    np.array(
        [
            [0x05, 0x30, 0x61],
            [0x21, 0x66, 0xAC],
            [0x43, 0x93, 0xC3],
            [0x92, 0xC5, 0xDE],
            [0xD1, 0xE5, 0xF0],
            [0xF7, 0xF7, 0xF7],
            [0xFD, 0xDB, 0xC7],
            [0xF4, 0xA5, 0x82],
            [0xD6, 0x60, 0x4D],
            [0xB2, 0x18, 0x2B],
            [0x67, 0x00, 0x1F],
        ],
        dtype=np.float64,
    )
    / 255.0
)  # (11, 3)

# Viridis (perceptually uniform, readable in grey and by colour-blind readers) at 21 even positions, as
# matplotlib and Vega define it; linear between them, within 3 levels of the full 256-colour map.
_VIRIDIS_HEX = (
    "440154471365482475463480414487"
    "3b528b355f8d2f6c8e2a788e25848e"
    "21918c1e9c8922a8842fb47c44bf70"
    "5ec9627ad1519bd93cbddf26dfe318fde725"
)
_VIRIDIS = np.frombuffer(bytes.fromhex(_VIRIDIS_HEX), dtype=np.uint8).reshape(-1, 3) / 255.0  # (21, 3)


def _along(anchors: np.ndarray, position: np.ndarray) -> np.ndarray:
    """Linear interpolation between colour anchors (k, 3) at positions in [0, 1]: (..., 3) uint8."""
    pos = np.clip(position, 0.0, 1.0) * (len(anchors) - 1)
    lo = np.minimum(np.floor(pos).astype(np.intp), len(anchors) - 2)
    frac = (pos - lo)[..., None]
    rgb = anchors[lo] * (1.0 - frac) + anchors[lo + 1] * frac
    return np.rint(rgb * 255.0).astype(np.uint8)


def weights_grid(w: np.ndarray, num_px: int) -> np.ndarray:
    """The weights (num_px·num_px·3,) as float64 of shape (num_px, num_px, 3); a clear message for a wrong size."""
    w = np.asarray(w, dtype=np.float64)
    if w.size != num_px * num_px * 3:
        side = math.isqrt(w.size // 3)
        raise CatlrInputError(
            f"the model expects {side}×{side} images ({w.size:,} weights) but got {num_px}×{num_px}; "
            "use a model trained at this image size"
        )
    return w.reshape(num_px, num_px, 3)


def diverging_rgb(values: np.ndarray, limit: float | None = None) -> np.ndarray:
    """Colour values with a blue-white-red map centred on zero.

    Args:
        values: any shape (...), finite floats.
        limit: the value drawn as full red (−limit full blue); default max|values|. 0 draws all white.

    Returns:
        (..., 3) uint8 RGB.
    """
    values = np.asarray(values, dtype=np.float64)
    if limit is None:
        limit = float(np.max(np.abs(values))) if values.size else 0.0
    if not math.isfinite(limit) or limit < 0:
        raise CatlrInputError(f"colour limit must be a finite number ≥ 0; got {limit!r}")
    scaled = np.zeros_like(values) if limit == 0 else np.clip(values / limit, -1.0, 1.0)
    return _along(_RDBU_R, (scaled + 1.0) / 2.0)  # −1 → the first anchor, 0 → the middle, +1 → the last


def sequential_rgb(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """Colour values with viridis: ``low`` (and below) dark purple … ``high`` (and above) yellow.

    Args:
        values: any shape (...), finite floats. low, high: the ends of the scale (low < high; equal draws
        everything at the low end).

    Returns:
        (..., 3) uint8 RGB.
    """
    values = np.asarray(values, dtype=np.float64)
    if not (math.isfinite(low) and math.isfinite(high) and low <= high):
        raise CatlrInputError(f"the colour scale needs finite ends with low ≤ high; got {low!r}, {high!r}")
    span = high - low
    return _along(_VIRIDIS, np.zeros_like(values) if span == 0 else (values - low) / span)


def weights_image(w: np.ndarray, num_px: int) -> np.ndarray:
    """The weights as the image they multiply.

    Args:
        w: (num_px·num_px·3, 1) weights in the seed's flatten order.
        num_px: image side.

    Returns:
        (num_px, num_px, 3) float64; entry [i, j, c] is the weight on pixel (i, j), channel c.
    """
    return weights_grid(w, num_px).copy()


def overlay(image: np.ndarray, pixel_map: np.ndarray, alpha: float = 0.6) -> np.ndarray:
    """Draw a contribution map over a greyscale copy of the image.

    Each pixel is blended towards its diverging colour in proportion to how strong it is, so neutral
    pixels show the photo and the strongest ones are ``alpha`` colour.

    Args:
        image: (n, n, 3) uint8.
        pixel_map: (n, n) signed values (e.g. ``Contribution.pixel_map``).
        alpha: opacity of the strongest pixel, in [0, 1].

    Returns:
        (n, n, 3) uint8.
    """
    image = square_rgb(image)
    pixel_map = np.asarray(pixel_map, dtype=np.float64)
    if pixel_map.shape != image.shape[:2]:
        raise CatlrInputError(f"map shape {pixel_map.shape} does not match image shape {image.shape[:2]}")
    if not (isinstance(alpha, int | float) and 0.0 <= alpha <= 1.0):
        raise CatlrInputError(f"alpha must be a number in [0, 1]; got {alpha!r}")
    grey = image.astype(np.float64) @ np.array([0.299, 0.587, 0.114])  # (n, n) luma
    colour = diverging_rgb(pixel_map).astype(np.float64)
    limit = float(np.max(np.abs(pixel_map))) if pixel_map.size else 0.0
    strength = np.zeros_like(pixel_map) if limit == 0 else np.abs(pixel_map) / limit
    a = (alpha * strength)[..., None]  # (n, n, 1)
    out = (1.0 - a) * grey[..., None] + a * colour
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)
