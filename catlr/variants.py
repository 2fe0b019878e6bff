"""How stable is the verdict? Sixteen fixed small changes of a photo, scored in one matrix product.

The variants of an (n, n, 3) uint8 model input, in this order: mirrored; shifted 2 and 4 pixels left,
right, up and down (the edge pixels repeated into the gap); 15 % brighter and darker; the central 90 % and
80 % enlarged back to n × n; rotated 10° either way (corners filled with the photo's mean colour);
greyscale (ITU-R 601 luma). Each is something a person would still call the same photo.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from catlr import logistic
from catlr.arrays import square_rgb
from catlr.data import flatten

SHIFTS = ((2, "left"), (2, "right"), (2, "up"), (2, "down"), (4, "left"), (4, "right"), (4, "up"), (4, "down"))
NAMES = (
    ("mirrored",)
    + tuple(f"shifted {k} px {way}" for k, way in SHIFTS)
    + ("15 % brighter", "15 % darker", "central 90 %", "central 80 %", "rotated 10° left", "rotated 10° right")
    + ("greyscale",)
)


def _shift(image: np.ndarray, k: int, way: str) -> np.ndarray:
    """The picture moved k pixels towards ``way``; the edge row or column fills the gap."""
    n = image.shape[0]
    axis, sign = {"left": (1, -1), "right": (1, 1), "up": (0, -1), "down": (0, 1)}[way]
    pad = [(0, 0)] * 3
    pad[axis] = (k, 0) if sign > 0 else (0, k)
    padded = np.pad(image, pad, mode="edge")
    return padded[:n, :n] if sign > 0 else np.take(padded, np.arange(k, k + n), axis=axis)


def _crop(image: np.ndarray, fraction: float) -> np.ndarray:
    n = image.shape[0]
    side = max(1, round(n * fraction))
    start = (n - side) // 2
    box = image[start : start + side, start : start + side]
    return np.asarray(Image.fromarray(box).resize((n, n), Image.Resampling.BILINEAR))


def _rotate(image: np.ndarray, degrees: float) -> np.ndarray:
    fill = tuple(int(c) for c in np.rint(image.reshape(-1, 3).mean(axis=0)))
    return np.asarray(Image.fromarray(image).rotate(degrees, Image.Resampling.BILINEAR, fillcolor=fill))


def _scaled(image: np.ndarray, factor: float) -> np.ndarray:
    return np.clip(np.rint(image.astype(np.float64) * factor), 0, 255).astype(np.uint8)


def variants(image) -> np.ndarray:
    """The 16 variants of ``image`` (n, n, 3) uint8, in the order of :data:`NAMES`: (16, n, n, 3) uint8.

    Raises:
        CatlrInputError: not a square RGB uint8 image.
    """
    image = np.ascontiguousarray(square_rgb(image))
    grey = np.asarray(Image.fromarray(image).convert("L").convert("RGB"))
    out = [image[:, ::-1]]
    out += [_shift(image, k, way) for k, way in SHIFTS]
    out += [_scaled(image, 1.15), _scaled(image, 0.85), _crop(image, 0.9), _crop(image, 0.8)]
    out += [_rotate(image, 10.0), _rotate(image, -10.0), grey]
    return np.stack(out)


@dataclass(frozen=True, eq=False)
class Verdicts:
    """The photo's own verdict and its 16 variants'.

    Attributes:
        images: (16, n, n, 3) uint8. names: the 16 names. p_cat: (16,) P(cat) of each variant.
        p_original: P(cat) of the photo itself. is_cat: its 0/1 verdict.
        holds: (16,) bool, the variant's verdict is the photo's.
    """

    images: np.ndarray
    names: tuple[str, ...]
    p_cat: np.ndarray
    p_original: float
    is_cat: bool
    holds: np.ndarray

    @property
    def kept(self) -> int:
        """In how many of the 16 the verdict holds."""
        return int(self.holds.sum())

    @property
    def flipper(self) -> int | None:
        """The index of the variant that flips the verdict most strongly (furthest P(cat) across 0.5), or None."""
        if self.holds.all():
            return None
        away = np.where(self.holds, -np.inf, np.abs(self.p_cat - 0.5))
        return int(np.argmax(away))


def verdicts(w, b: float, image) -> Verdicts:
    """Score ``image`` (n, n, 3) uint8 and its 16 variants with w ((n·n·3,) or (n·n·3, 1)) and b.

    All 17 images are flattened as the exercise does (x / 255) and scored in one product (d, 17).
    """
    image = square_rgb(image)
    stack = variants(image)
    X = flatten(np.concatenate([image[None], stack]))  # (d, 17)
    z = np.asarray(w, dtype=np.float64).reshape(-1) @ X + float(b)  # (17,)
    decisions = logistic.says_cat(z)
    return Verdicts(
        images=stack,
        names=NAMES,
        p_cat=logistic.sigmoid(z[1:]),
        p_original=float(logistic.sigmoid(z[0])),
        is_cat=bool(decisions[0]),
        holds=decisions[1:] == decisions[0],
    )
