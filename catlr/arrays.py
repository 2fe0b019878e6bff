"""Array conventions shared by the core: read-only arrays, and the one validator for data and labels.

Every array catlr shares between users (a dataset, a prepared problem, a result's history) is made
read-only here, so a caller that tries to change one gets an error instead of changing it for everyone.
"""

from __future__ import annotations

import numpy as np

from catlr.errors import CatlrInputError


def read_only(a: np.ndarray) -> np.ndarray:
    """A read-only view of ``a`` (the caller's array itself keeps its flags)."""
    view = np.asarray(a).view()
    view.setflags(write=False)
    return view


def _is_numeric(a: np.ndarray) -> bool:
    return a.dtype != bool and (np.issubdtype(a.dtype, np.integer) or np.issubdtype(a.dtype, np.floating))


def as_features(X: object, name: str) -> np.ndarray:
    """A private read-only float64 copy of a (d, m) data matrix, checked numeric, finite and non-empty."""
    a = np.asarray(X)
    if not _is_numeric(a):
        raise CatlrInputError(f"{name} must be a numeric array of shape (n_features, m); got dtype {a.dtype}")
    if a.ndim != 2 or 0 in a.shape:
        raise CatlrInputError(f"{name} must have shape (n_features, m) with both at least 1; got {a.shape}")
    a = np.array(a, dtype=np.float64, order="K", copy=True)  # keeps the caller's layout: a plain copy
    if not np.isfinite(a).all():
        raise CatlrInputError(f"{name} contains NaN or infinite values")
    return read_only(a)


def zero_one(values: object, what: str) -> np.ndarray:
    """Labels of any numeric type, all exactly 0 or 1, as a new (m,) int64 array (NaN and 0.5 are refused).

    Args:
        values: any shape with m entries.
        what: names the labels in the message, e.g. ``"train.h5: labels in 'train_set_y'"``.

    Raises:
        CatlrInputError: empty, not numeric, or a value other than 0 and 1.
    """
    flat = np.asarray(values).reshape(-1)
    if flat.size == 0:
        raise CatlrInputError(f"{what} are empty")
    if not (_is_numeric(flat) or flat.dtype == bool):
        raise CatlrInputError(f"{what} must be numeric 0/1 labels; got dtype {flat.dtype}")
    valid = (flat == 0) | (flat == 1)
    if not valid.all():
        bad = ", ".join(str(v) for v in np.unique(flat[~valid])[:3].tolist())
        raise CatlrInputError(f"{what} must be 0 or 1; found {bad}")
    return flat.astype(np.int64)


def as_label_row(Y: object, m: int, name: str) -> np.ndarray:
    """A private read-only (1, m) float64 copy of 0/1 labels given as shape (1, m) or (m,)."""
    a = np.asarray(Y)
    if a.shape not in ((1, m), (m,)):
        raise CatlrInputError(f"{name} must have shape (1, {m}) to match the images; got {a.shape}")
    if not _is_numeric(a):
        raise CatlrInputError(f"{name} must be numeric 0/1 labels; got dtype {a.dtype}")
    return read_only(zero_one(a, f"{name}: labels").astype(np.float64).reshape(1, m))


def square_rgb(image: object, what: str = "image") -> np.ndarray:
    """``image`` as an array if it is a square RGB uint8 image (n, n, 3), else a clear message."""
    image = np.asarray(image)
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3 or image.shape[0] != image.shape[1]:
        raise CatlrInputError(f"{what} must be a square RGB uint8 array (n, n, 3); got {image.dtype} {image.shape}")
    return image
