"""A training problem: the validated data and what the engine precomputes from it (the Gram matrices).

Gradient descent from w = 0 keeps w in the span of the training images: w = X·α (α of shape (m,)), so
the logits are wᵀX = αᵀG with the Gram matrix G = XᵀX (m, m), computed once per dataset. The test
logits use K = X_testᵀX (m_test, m). When m is large the primal form (w itself) runs instead;
``Problem.solver`` says which form ``solver="auto"`` picks.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from catlr import limits
from catlr.arrays import as_features, as_label_row, read_only
from catlr.config import check_solver
from catlr.data import Dataset, flatten
from catlr.errors import CatlrInputError


@dataclass(frozen=True, eq=False)
class Problem:
    """A validated, read-only training problem, shareable between users (every array is read-only).

    Attributes:
        X_train: (d, m) float64. Y_train: (1, m) float64 of 0/1.
        X_test: (d, m_test) float64 or None. Y_test: (1, m_test) or None.
        solver: ``"gram"`` or ``"primal"``, the form :func:`catlr.engine.train` runs for ``solver="auto"``.
        GK: (m + m_test, m) the stacked [G; K] in gram form, else None.
        G: (m, m) = X_trainᵀX_train, a view of GK (gram form only).
        K: (m_test, m) = X_testᵀX_train, a view of GK (gram form with a test set only).
    """

    X_train: np.ndarray
    Y_train: np.ndarray
    X_test: np.ndarray | None
    Y_test: np.ndarray | None
    solver: str
    GK: np.ndarray | None
    G: np.ndarray | None
    K: np.ndarray | None

    @property
    def m_train(self) -> int:
        return self.X_train.shape[1]

    @property
    def m_test(self) -> int:
        return 0 if self.X_test is None else self.X_test.shape[1]

    @property
    def n_features(self) -> int:
        return self.X_train.shape[0]

    def split(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(X (d, m), Y (1, m)) of the split ``"train"`` or ``"test"``."""
        return (self.X_test, self.Y_test) if name == "test" else (self.X_train, self.Y_train)


def _test_split(X_test, Y_test, d: int) -> tuple[np.ndarray | None, np.ndarray | None]:
    if (X_test is None) != (Y_test is None):
        raise CatlrInputError("give both X_test and Y_test, or neither")
    if X_test is None:
        return None, None
    X_te = as_features(X_test, "X_test")
    if X_te.shape[0] != d:
        raise CatlrInputError(
            f"X_test has {X_te.shape[0]:,} features but X_train has {d:,}; use images of the same size"
        )
    return X_te, as_label_row(Y_test, X_te.shape[1], "Y_test")


def _gram(X_tr: np.ndarray, X_te: np.ndarray | None) -> np.ndarray:
    """The stacked (m + m_test, m) [XᵀX; X_testᵀX], read-only."""
    m = X_tr.shape[1]
    GK = np.empty((m + (0 if X_te is None else X_te.shape[1]), m))
    with np.errstate(over="ignore", invalid="ignore"):  # checked just below
        np.matmul(X_tr.T, X_tr, out=GK[:m])  # XᵀX: NumPy computes it as a symmetric rank-k update
        if X_te is not None:
            np.matmul(X_te.T, X_tr, out=GK[m:])
    if not np.isfinite(GK).all():
        raise CatlrInputError(
            "the image values are too large to train on (their products overflow); scale them to [0, 1]"
        )
    return read_only(GK)


def prepare(X_train, Y_train, X_test=None, Y_test=None, solver: str = "auto") -> Problem:
    """Validate a dataset and precompute what the engine needs (G and K in the Gram form).

    Args:
        X_train: (d, m) training images, flattened and scaled. Y_train: (1, m) labels 0/1.
        X_test: (d, m_test) or None. Y_test: (1, m_test) or None (both or neither).
        solver: ``"auto"`` picks the Gram form when m ≤ min(d, ``limits.GRAM_MAX_EXAMPLES``); ``"gram"`` or
            ``"primal"`` force one.

    Returns:
        A :class:`Problem` whose arrays are read-only copies.

    Raises:
        CatlrInputError: bad shapes, dtypes, labels or values.
    """
    check_solver(solver)
    X_tr = as_features(X_train, "X_train")
    d, m = X_tr.shape
    Y_tr = as_label_row(Y_train, m, "Y_train")
    X_te, Y_te = _test_split(X_test, Y_test, d)
    if solver == "gram" and m > limits.GRAM_MAX_EXAMPLES:
        raise CatlrInputError(
            f"the Gram solver holds an m×m matrix and allows at most {limits.GRAM_MAX_EXAMPLES:,} training images; "
            f"got {m:,}; use solver 'primal' or 'auto'"
        )
    if solver == "gram" or (solver == "auto" and m <= min(d, limits.GRAM_MAX_EXAMPLES)):
        GK = _gram(X_tr, X_te)
        K = None if X_te is None else GK[m:]
        return Problem(X_tr, Y_tr, X_te, Y_te, "gram", GK, GK[:m], K)
    return Problem(X_tr, Y_tr, X_te, Y_te, "primal", None, None, None)


def from_dataset(dataset: Dataset, solver: str = "auto", cache_dir: Path | None = None) -> Problem:
    """The problem of a :class:`~catlr.data.Dataset`: its images flattened and divided by 255, its labels.

    With ``cache_dir``, the prepared arrays (X_train, X_test and [G; K]) are kept there as .npy files named
    by the sha256 of the dataset's content, and later calls (in any process) map them read-only instead of
    computing them: several server processes then share one copy in the system's page cache.
    """
    if cache_dir is None:
        return _from_dataset(dataset, solver)
    folder = Path(cache_dir) / f"problem-{_digest(dataset, solver)}"
    cached = _load_cached(folder, dataset)
    if cached is not None:
        return cached
    problem = _from_dataset(dataset, solver)
    if problem.solver == "gram":
        shutil.rmtree(folder, ignore_errors=True)  # a damaged copy, if any, is replaced
        _save_cached(folder, problem)
    return problem


def _from_dataset(dataset: Dataset, solver: str) -> Problem:
    X_train, X_test = flatten(dataset.train_set_x_orig), flatten(dataset.test_set_x_orig)
    return prepare(X_train, dataset.train_set_y, X_test, dataset.test_set_y, solver=solver)


_CACHED = ("X_train", "X_test", "GK")


def _digest(dataset: Dataset, solver: str) -> str:
    """sha256 of everything the prepared arrays depend on (images, labels, shapes, solver, format)."""
    h = hashlib.sha256(f"catlr-problem-1:{solver}".encode())
    for a in (dataset.train_set_x_orig, dataset.train_set_y, dataset.test_set_x_orig, dataset.test_set_y):
        h.update(repr((a.shape, a.dtype.str)).encode())
        h.update(np.ascontiguousarray(a).data)
    return h.hexdigest()[:40]


def _load_cached(folder: Path, dataset: Dataset) -> Problem | None:
    """The cached problem in ``folder`` mapped read-only, or None when it is missing or does not fit."""
    try:
        X_tr, X_te, GK = (np.load(folder / f"{name}.npy", mmap_mode="r") for name in _CACHED)
    except (OSError, ValueError):
        return None
    d, m, mt = X_tr.shape[0], dataset.m_train, dataset.m_test
    if X_tr.shape != (d, m) or X_te.shape != (d, mt) or GK.shape != (m + mt, m) or X_tr.dtype != np.float64:
        return None
    Y_tr = as_label_row(dataset.train_set_y, m, "Y_train")
    Y_te = as_label_row(dataset.test_set_y, mt, "Y_test")
    return Problem(X_tr, Y_tr, X_te, Y_te, "gram", GK, GK[:m], GK[m:])


def _save_cached(folder: Path, problem: Problem) -> None:
    """Write the arrays into a new folder and rename it into place (readers never see half a cache)."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=folder.parent, prefix=".problem-") as tmp:
            for name in _CACHED:
                np.save(Path(tmp) / f"{name}.npy", getattr(problem, name))
            os.replace(tmp, folder)
            os.mkdir(tmp)  # TemporaryDirectory removes its own name on exit
    except OSError:
        pass  # a read-only or full disk only costs the speed-up


def add_examples(base: Problem, X_new, Y_new) -> Problem:
    """``base`` with training examples appended: in the Gram form G and K grow by their rows and columns.

    Only the new products are computed: G' = [[G, XᵀX_new], [X_newᵀX, X_newᵀX_new]] and K' = [K, X_testᵀX_new],
    O(d·(m + m_test)·k) instead of rebuilding G in O(d·m²). Falls back to :func:`prepare` when the base is not
    in the Gram form or the grown problem would leave it (``solver="auto"``'s rule).

    Args:
        base: the problem to extend (not changed).
        X_new: (d, k) the new images, flattened and scaled like ``base.X_train``. Y_new: (1, k) labels 0/1.
    Returns:
        A new read-only :class:`Problem` whose training examples are base's, then the new ones.
    """
    X_add = as_features(X_new, "X_new")
    d, m, k = base.n_features, base.m_train, X_add.shape[1]
    if X_add.shape[0] != d:
        raise CatlrInputError(f"the new images have {X_add.shape[0]:,} features but the dataset's have {d:,}")
    Y_add = as_label_row(Y_new, k, "Y_new")
    X_tr = np.concatenate([base.X_train, X_add], axis=1)
    Y_tr = np.concatenate([base.Y_train, Y_add], axis=1)
    if base.solver != "gram" or m + k > min(d, limits.GRAM_MAX_EXAMPLES):
        return prepare(X_tr, Y_tr, base.X_test, base.Y_test)
    mt = base.m_test
    GK = np.empty((m + k + mt, m + k))
    GK[:m, :m] = base.G
    with np.errstate(over="ignore", invalid="ignore"):  # checked just below
        cross = X_add.T @ X_tr  # (k, m + k): the new rows of G, and by symmetry its new columns
        GK[m : m + k] = cross
        GK[:m, m:] = cross[:, :m].T
        if mt:
            GK[m + k :, :m] = base.K
            GK[m + k :, m:] = base.X_test.T @ X_add
    if not np.isfinite(GK[m:]).all() or not np.isfinite(GK[:m, m:]).all():
        raise CatlrInputError(
            "the image values are too large to train on (their products overflow); scale them to [0, 1]"
        )
    GK = read_only(GK)
    K = GK[m + k :] if mt else None
    return Problem(read_only(X_tr), read_only(Y_tr), base.X_test, base.Y_test, "gram", GK, GK[: m + k], K)
