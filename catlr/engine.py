"""The fast engine: gradient descent in the span of the training images, with full histories.

Gradient descent from w = 0 keeps w in the span of the training images: w = X·α (α of shape (m,)), so
the logits are wᵀX = αᵀG with the Gram matrix G = XᵀX (m, m), computed once per dataset. One iteration
then costs one (m, m) matrix-vector product instead of two (d, m) ones. The test logits use
K = X_testᵀX (m_test, m) and are computed for a whole chunk of iterations in one matrix product. When m
is large the primal form (w itself) runs instead; ``Problem.engine`` and ``TrainResult.engine`` say which.
Without L2 the loop is one symmetric matrix-vector product (SciPy's BLAS ``dsymv``, which reads half of
the matrix), one logistic function (SciPy's ``expit``) and one subtraction per iteration (see :class:`_Run`).

History index i is the state after i updates (i = 0: the untrained model), so the exercise's ``costs``
list is ``history.train_cost[0:n:100]``. The L2 penalty λ adds λ/(2m)·‖w‖² to the training cost; its
gradient λw/m stays in the span: α ← α(1 − lr·λ/m) − lr·(A − Y)ᵀ/m.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy
from scipy.linalg.blas import dsymv as _symv
from scipy.special import expit as _expit
from threadpoolctl import ThreadpoolController

from catlr import limits
from catlr.config import ENGINES, TrainConfig
from catlr.errors import CatlrInputError
from catlr.model import sigmoid

N_CHECKPOINTS = 40  # intervals between the stored weight snapshots
_MAX_CHUNK = 500  # iterations run before their statistics are computed
_MAX_LOGIT = float(np.finfo(np.float32).max)
_CHUNK_VALUES = 4_000_000  # float64 values a chunk's buffers may hold (32 MB)


def _scipy_blas_on_one_thread() -> None:
    """Run SciPy's own copy of OpenBLAS (its wheels bundle one beside NumPy's) on a single thread.

    The engine calls it only for the loop's (m, m) symmetric matrix-vector product, too small for threads
    to pay. With two threads each, the two libraries' pools fight over the cores: one's workers spin while
    the other's wait, and warm training ran about 3× slower after any NumPy matrix product. NumPy's copy keeps its
    threads. Where both share one library (no bundled copy), nothing is changed.
    """
    bundled = Path(scipy.__file__).resolve().parent.parent / "scipy.libs"
    for lib in ThreadpoolController().select(internal_api="openblas").lib_controllers:
        if Path(lib.filepath).resolve().parent == bundled:
            lib.set_num_threads(1)


_scipy_blas_on_one_thread()


class TrainingDiverged(CatlrInputError):
    """The weights or the cost became non-finite during training."""


@dataclass(frozen=True, eq=False)
class Problem:
    """A validated, read-only training problem, shareable between users (every array is read-only).

    Attributes:
        X_train: (d, m) float64. Y_train: (1, m) float64 of 0/1.
        X_test: (d, m_test) float64 or None. Y_test: (1, m_test) or None.
        engine: ``"gram"`` or ``"primal"``, the form :func:`train` uses for ``engine="auto"``.
        GK: (m + m_test, m) the stacked [G; K] in gram form, else None.
        G: (m, m) = X_trainᵀX_train, a view of GK (gram form only).
        K: (m_test, m) = X_testᵀX_train, a view of GK (gram form with a test set only).
    """

    X_train: np.ndarray
    Y_train: np.ndarray
    X_test: np.ndarray | None
    Y_test: np.ndarray | None
    engine: str
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


class Checkpoints(Mapping):
    """{iteration: w (d,) float32}, read-only; the weights are computed on first access.

    In the Gram form w = X·α costs a (d, m) product per snapshot, so the snapshots are kept as α and
    converted all at once when first read.
    """

    def __init__(self, states: dict[int, np.ndarray], X: np.ndarray | None) -> None:
        self._states = states  # iteration -> α (m,) or w (d,)
        self._X = X  # (d, m) in the Gram form, None in the primal form
        self._weights: dict[int, np.ndarray] | None = None

    def _all(self) -> dict[int, np.ndarray]:
        if self._weights is None:
            iters = sorted(self._states)
            A = np.stack([self._states[i] for i in iters], axis=1)  # (p, n_checkpoints)
            with np.errstate(over="ignore"):  # a w beyond float32 (only while diverging) becomes ±inf
                W = (A if self._X is None else self._X @ A).astype(np.float32)  # (d, n_checkpoints)
            self._weights = {i: _readonly(W[:, t]) for t, i in enumerate(iters)}
        return self._weights

    def __getitem__(self, iteration: int) -> np.ndarray:
        return self._all()[iteration]

    def __iter__(self) -> Iterator[int]:
        return iter(sorted(self._states))

    def __len__(self) -> int:
        return len(self._states)


@dataclass(frozen=True, eq=False)
class History:
    """Per-iteration record of one run; index i is the state after i updates (length iterations_run + 1).

    Attributes:
        train_cost: (n+1,) cross-entropy plus λ/(2m)·‖w‖² when l2 > 0.
        test_cost: (n+1,) test cross-entropy (no penalty term), or None without a test set.
        train_accuracy, test_accuracy: (n+1,) percent, 100 − mean|Ŷ − Y|·100; test is None without a test set.
        b: (n+1,) the bias.
        train_logits: (n+1, m) float32. test_logits: (n+1, m_test) float32 or None.
        checkpoints: {iteration: w (d,) float32} at about 40 evenly spaced iterations, including 0 and the last
            (a read-only :class:`Checkpoints` mapping).
    """

    train_cost: np.ndarray
    test_cost: np.ndarray | None
    train_accuracy: np.ndarray
    test_accuracy: np.ndarray | None
    b: np.ndarray
    train_logits: np.ndarray
    test_logits: np.ndarray | None
    checkpoints: Checkpoints


@dataclass(frozen=True, eq=False)
class Progress:
    """What a progress callback sees: ``iteration`` updates done of ``num_iterations``, history so far."""

    iteration: int
    num_iterations: int
    history: History


@dataclass(frozen=True, eq=False)
class TrainResult:
    """One finished (or stopped) run.

    Attributes:
        config: the settings. w: (d, 1) float64. b: the bias.
        history: the per-iteration record. engine: ``"gram"`` or ``"primal"``, the form that ran.
        iterations_run: updates done (< config.num_iterations when stopped). stopped: the callback stopped it.
        seconds: wall-clock time of the run (for a sweep, of the whole batched pass).
    """

    config: TrainConfig
    w: np.ndarray
    b: float
    history: History
    engine: str
    iterations_run: int
    stopped: bool
    seconds: float

    @property
    def train_accuracy(self) -> float:
        return float(self.history.train_accuracy[-1])

    @property
    def test_accuracy(self) -> float | None:
        acc = self.history.test_accuracy
        return None if acc is None else float(acc[-1])

    @property
    def final_cost(self) -> float:
        return float(self.history.train_cost[-1])

    def exercise_costs(self) -> list[float]:
        """The exercise's ``costs`` list: the training cost at iterations 0, 100, … below iterations_run."""
        return [float(c) for c in self.history.train_cost[0 : self.iterations_run : 100]]


# ---------------------------------------------------------------------------------------------- inputs


def _readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def _as_data(X: object, name: str) -> np.ndarray:
    """A private read-only float64 copy of a (d, m) data matrix, checked finite and non-empty."""
    a = np.asarray(X)
    if a.dtype == bool or not (np.issubdtype(a.dtype, np.integer) or np.issubdtype(a.dtype, np.floating)):
        raise CatlrInputError(f"{name} must be a numeric array of shape (n_features, m); got dtype {a.dtype}")
    if a.ndim != 2 or 0 in a.shape:
        raise CatlrInputError(f"{name} must have shape (n_features, m) with both at least 1; got {a.shape}")
    a = np.array(a, dtype=np.float64, order="K", copy=True)  # keeps the caller's layout: a plain copy
    if not np.isfinite(a).all():
        raise CatlrInputError(f"{name} contains NaN or infinite values")
    return _readonly(a)


def _as_labels(Y: object, m: int, name: str) -> np.ndarray:
    """A private read-only (1, m) float64 copy of 0/1 labels (accepts shape (m,) too)."""
    a = np.asarray(Y)
    if a.shape not in ((1, m), (m,)):
        raise CatlrInputError(f"{name} must have shape (1, {m}) to match the images; got {a.shape}")
    if a.dtype == bool or not (np.issubdtype(a.dtype, np.integer) or np.issubdtype(a.dtype, np.floating)):
        raise CatlrInputError(f"{name} must be numeric 0/1 labels; got dtype {a.dtype}")
    a = np.array(a, dtype=np.float64, copy=True).reshape(1, m)
    if not np.isin(a, (0.0, 1.0)).all():
        raise CatlrInputError(f"{name}: labels must be 0 or 1")
    return _readonly(a)


def prepare(X_train, Y_train, X_test=None, Y_test=None, engine: str = "auto") -> Problem:
    """Validate a dataset and precompute what the engine needs (G and K in the Gram form).

    Args:
        X_train: (d, m) training images, flattened and scaled. Y_train: (1, m) labels 0/1.
        X_test: (d, m_test) or None. Y_test: (1, m_test) or None (both or neither).
        engine: ``"auto"`` picks the Gram form when m ≤ min(d, ``limits.GRAM_MAX_EXAMPLES``); ``"gram"`` or
            ``"primal"`` force one.

    Returns:
        A :class:`Problem` whose arrays are read-only copies.

    Raises:
        CatlrInputError: bad shapes, dtypes, labels or values.
    """
    if engine not in ENGINES:
        raise CatlrInputError(f"engine must be one of {', '.join(ENGINES)}; got {engine!r}")
    X_tr = _as_data(X_train, "X_train")
    d, m = X_tr.shape
    Y_tr = _as_labels(Y_train, m, "Y_train")
    if (X_test is None) != (Y_test is None):
        raise CatlrInputError("give both X_test and Y_test, or neither")
    X_te = Y_te = None
    if X_test is not None:
        X_te = _as_data(X_test, "X_test")
        if X_te.shape[0] != d:
            raise CatlrInputError(
                f"X_test has {X_te.shape[0]:,} features but X_train has {d:,}; use images of the same size"
            )
        Y_te = _as_labels(Y_test, X_te.shape[1], "Y_test")
    if engine == "gram" and m > limits.GRAM_MAX_EXAMPLES:
        raise CatlrInputError(
            f"the Gram engine holds an m×m matrix and allows at most {limits.GRAM_MAX_EXAMPLES:,} training images; "
            f"got {m:,}; use engine 'primal' or 'auto'"
        )
    use_gram = engine == "gram" or (engine == "auto" and m <= min(d, limits.GRAM_MAX_EXAMPLES))
    GK = G = K = None
    if use_gram:
        GK = np.empty((m + (0 if X_te is None else X_te.shape[1]), m))  # (m + m_test, m)
        with np.errstate(over="ignore", invalid="ignore"):  # checked just below
            np.matmul(X_tr.T, X_tr, out=GK[:m])  # XᵀX: NumPy computes it as a symmetric rank-k update
            if X_te is not None:
                np.matmul(X_te.T, X_tr, out=GK[m:])
        if not np.isfinite(GK).all():
            raise CatlrInputError(
                "the image values are too large to train on (their products overflow); scale them to [0, 1]"
            )
        GK = _readonly(GK)
        G = GK[:m]
        K = None if X_te is None else GK[m:]
    return Problem(X_tr, Y_tr, X_te, Y_te, "gram" if use_gram else "primal", GK, G, K)


# ---------------------------------------------------------------------------------------------- the loop


def _checkpoint_iterations(n: int) -> set[int]:
    return {int(i) for i in np.round(np.linspace(0, n, N_CHECKPOINTS + 1))}


def _check_history_size(n: int, problem: Problem, k: int) -> None:
    values = (n + 1) * (problem.m_train + problem.m_test) * k
    if values > limits.MAX_HISTORY_VALUES:
        most = limits.MAX_HISTORY_VALUES // ((problem.m_train + problem.m_test) * k) - 1
        raise CatlrInputError(
            f"keeping the history of {n:,} iterations on {problem.m_train + problem.m_test:,} images needs too much "
            f"memory; use at most {most:,} iterations"
        )


def _engine_for(problem: Problem, requested: str) -> str:
    if requested == "gram" and problem.engine != "gram":
        raise CatlrInputError("this dataset was prepared for the primal engine; prepare it with engine='gram'")
    return problem.engine if requested == "auto" else requested


def _cross_entropy(Z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Mean of log(1 + e^z) − y·z over axis 1 of Z (c, q, k), labels y (q, 1): returns (c, k).

    log(1 + e^z) − y·z = max(±z, 0) + log(1 + e^−|z|) (+z when y = 0, −z when y = 1). The sum of the
    logs is taken as the log of a product (groups of 512 factors in (1, 2], so no overflow): one log per
    group instead of one per element, with an error of a few ulps.
    """
    t = np.maximum(Z * (1.0 - 2.0 * y), 0.0)  # (c, q, k)
    e = np.exp(-np.abs(Z))
    e += 1.0
    logs = np.log(np.multiply.reduceat(e, np.arange(0, Z.shape[1], 512), axis=1)).sum(axis=1)
    return (t.sum(axis=1) + logs) / Z.shape[1]


def _cross_entropy_signed(pos_sum: np.ndarray, P: np.ndarray) -> np.ndarray:
    """The mean cross-entropy from the augmented loop's own values: returns (c, k).

    With z̃ = s⊙z (s = 1 − 2y), log(1 + e^z) − y·z = log(1 + e^z̃) = max(z̃, 0) + log(1 + e^−|z̃|), and
    log(1 + e^−|z̃|) = −log σ(|z̃|), where σ(|z̃|) = max(σ(z̃), 1 − σ(z̃)) from the σ(z̃) the loop already
    computed. Both parts are ≥ 0 and carry no cancellation; σ(|z̃|) lies in [0.5, 1], so the logs are taken
    of products of groups of 512 factors (no underflow): no exp and one log per group, not per element.

    Args:
        pos_sum: (c, k) Σ max(z̃, 0) over the m images. P: (c, m, k) σ(z̃).
    """
    Q = np.subtract(1.0, P)
    np.maximum(Q, P, out=Q)  # σ(|z̃|) = max(σ(z̃), 1 − σ(z̃))
    groups = np.multiply.reduceat(Q, np.arange(0, P.shape[1], 512), axis=1)  # (c, g, k), each in (0, 1]
    return (pos_sum - np.log(groups).sum(axis=1)) / P.shape[1]


def _predicted(Z: np.ndarray) -> np.ndarray:
    """Ŷ = σ(z) > 0.5 for logits Z, elementwise, exactly as :func:`catlr.model.predict` decides."""
    P = Z > 1e-12  # σ(z) > 0.5 for sure
    unsure = (Z > 0) & ~P  # σ(z) may round to exactly 0.5
    if unsure.any():
        P[unsure] = sigmoid(Z[unsure]) > 0.5
    return P


def _apply(M: np.ndarray, A: np.ndarray) -> np.ndarray:
    """M (q, p) applied to each of c stacked states A (c, p, k), in one product: returns (c, q, k)."""
    c, p, k = A.shape
    return (M @ A.transpose(1, 0, 2).reshape(p, c * k)).reshape(-1, c, k).transpose(1, 0, 2)


class _Run:
    """Batched gradient descent on k learning rates at once, recording every iteration.

    The state S is α (m, k) in the Gram form, W (d, k) in the primal form; the training logits are
    Z = M·S + b with M = G (m, m) or X_trainᵀ (m, d): one product per iteration. Iterations run in chunks:
    the loop stores each chunk's states and training logits, then the test logits, costs and accuracies
    of the whole chunk are computed with a few large array operations.

    Without L2 the Gram form drops b from the loop: b = 1ᵀα at every iteration (both start at 0 and
    move by −lr·Σ(A − Y)/m), so z = (G + 1)α, as if each image had an extra pixel fixed at 1. It also
    folds the labels in, with s = 1 − 2y (+1 for non-cats, −1 for cats): s⊙(σ(z) − y) = σ(s⊙z), so the
    state β = s⊙α / (lr/m) (one column) or s⊙α (several) moves by −σ(M̃β) with the symmetric
    M̃ = diag(s)(G + 1)diag(s) (times lr/m for one column). Sign flips are exact, so the loop is one
    symmetric product, one logistic function and one subtraction per iteration.
    """

    def __init__(self, problem: Problem, engine: str, rates: Sequence[float], n: int, l2: float) -> None:
        m, mt, k = problem.m_train, problem.m_test, len(rates)
        self.p, self.engine, self.n, self.l2, self.m, self.mt, self.k = problem, engine, n, l2, m, mt, k
        self.lr = np.asarray(rates, dtype=np.float64)  # (k,)
        self.c = self.lr / m  # (k,) step per unit of A − Y
        self.decay = 1.0 - self.lr * l2 / m  # (k,)
        self.y = problem.Y_train.reshape(m, 1)
        Y_all = problem.Y_train if problem.Y_test is None else np.concatenate([problem.Y_train, problem.Y_test], axis=1)
        self.labels = Y_all.reshape(-1, 1) == 1.0  # (m + mt, 1) bool
        self.augmented = engine == "gram" and not l2
        if self.augmented:
            self.s = 1.0 - 2.0 * self.y  # (m, 1): +1 for y = 0, −1 for y = 1
            self.scale = self.s * self.c if k == 1 else self.s  # α = scale ⊙ β, the loop's state
            self.M = self.s * (problem.G + 1.0) * self.s.T  # (m, m) symmetric, M̃
            if k == 1:
                self.M *= self.c[0]
            self.M_test = problem.K  # (mt, m) or None
            self.beta = np.zeros((m, k))  # β of the next chunk's first state
        elif engine == "gram":
            self.M = problem.G  # (m, m)
            self.M_test = problem.K
        else:
            self.M = problem.X_train.T  # (m, d), a view: BLAS reads it transposed
            self.M_test = None if problem.X_test is None else problem.X_test.T
        p = self.M.shape[1]
        self.chunk = max(1, min(_MAX_CHUNK, n + 1, _CHUNK_VALUES // ((p + m + mt) * k)))
        self.Sc = np.zeros((self.chunk + 1, p, k))  # the chunk's states; row 0 is its first
        self.Zc = np.empty((self.chunk, m + mt, k))  # the chunk's logits, train then test
        self.bc = np.zeros((self.chunk, k))  # the chunk's biases
        # Per-iteration views, made once; 1-D when k = 1 (matrix-vector products have less overhead).
        col = (lambda a: a[..., 0]) if k == 1 else (lambda a: a)
        # list(array) makes the row views in C, several times faster than indexing row by row
        self.S_rows, self.Z_rows = list(col(self.Sc)), list(col(self.Zc[:, :m]))
        self.col_y = col(self.y)  # (m,) or (m, 1)
        self.R = col(np.empty((m, k)))  # A − Y, or (lr/m)·σ(M̃β) in the augmented loop
        if self.augmented:
            self.Pc = np.empty((self.chunk, m, k))  # the chunk's σ(z̃), kept for the training cost
            self.P_rows = list(col(self.Pc))
            self.pos_sum = np.empty((self.chunk, k))  # the chunk's Σ max(z̃, 0)
        self.b_next = np.zeros(k)  # bias of the next state (general loop)
        self.S, self.b = self.Sc[0].copy(), np.zeros(k)  # the last evaluated state
        # Whole-run records, rows = iterations; filled chunk by chunk.
        self.train_cost = np.zeros((k, n + 1))
        self.train_acc = np.zeros((k, n + 1))
        self.test_cost = np.zeros((k, n + 1)) if mt else None
        self.test_acc = np.zeros((k, n + 1)) if mt else None
        self.b_hist = np.zeros((k, n + 1))
        self.logits = np.zeros((k, n + 1, m + mt), dtype=np.float32)
        self.ckpt_iters = _checkpoint_iterations(n)
        self.ckpt_states: dict[int, np.ndarray] = {}  # iteration -> S (p, k)
        self.done = -1  # the last iteration evaluated

    def _loop_augmented(self, c: int) -> None:
        """c iterations of β ← β − σ(M̃β) (see the class docstring), then the states and logits as α and z.

        σ is SciPy's ``expit``, 1/(1 + e^−z) as in the exercise, without overflow warnings. One column uses
        BLAS's symmetric matrix-vector product, which reads half of M̃; several use a matrix product and
        scale σ by each column's lr/m.
        """
        rows, z_rows, p_rows, R, Sc, Zt = self.S_rows, self.Z_rows, self.P_rows, self.R, self.Sc, self.Zc[:c, : self.m]
        Sc[0] = self.beta
        if self.k == 1:
            M_f = self.M.T  # the same symmetric matrix, Fortran-ordered: BLAS reads it without a copy
            symv, expit, subtract = _symv, _expit, np.subtract
            for j in range(c):  # positional arguments: keyword parsing costs about 1 µs a call here
                symv(1.0, M_f, rows[j], 0.0, z_rows[j], 0, 1, 0, 1, 0, 1)  # z̃ = 1·M̃β + 0·z̃, in place
                expit(z_rows[j], p_rows[j])
                subtract(rows[j], p_rows[j], rows[j + 1])
        else:
            M, step = self.M, self.c
            for j in range(c):
                _expit(np.matmul(M, rows[j], out=z_rows[j]), out=p_rows[j])
                np.multiply(p_rows[j], step, out=R)
                np.subtract(rows[j], R, out=rows[j + 1])
        np.maximum(Zt, 0.0).sum(axis=1, out=self.pos_sum[:c])
        self.beta = Sc[c].copy()  # the next chunk starts from β itself, not from α / scale
        np.multiply(Sc[: c + 1], self.scale, out=Sc[: c + 1])
        np.multiply(Zt, self.s, out=Zt)

    def _loop_general(self, c: int) -> None:
        """c iterations of the general form: explicit b, optional L2 decay, Gram or primal step."""
        M, rows, z_rows, bc, R, y = self.M, self.S_rows, self.Z_rows, self.bc, self.R, self.col_y
        step, decay, l2, X_train = self.c, self.decay, self.l2, self.p.X_train
        gram, b = self.engine == "gram", self.b_next
        for j in range(c):
            z = np.matmul(M, rows[j], out=z_rows[j])
            z += b
            bc[j] = b
            np.negative(z, out=R)  # A − Y with A = 1/(1 + e^−z), as in the exercise
            np.exp(R, out=R)
            R += 1.0
            np.divide(1.0, R, out=R)
            R -= y
            nxt = rows[j + 1]
            if l2:
                np.multiply(rows[j], decay, out=nxt)
            else:
                np.copyto(nxt, rows[j])
            nxt -= step * (R if gram else X_train @ R)  # dα = (A − Y)ᵀ/m, or dw = X(A − Y)ᵀ/m
            b = b - step * R.sum(axis=0)
        self.b_next = b

    def run(self, last: int) -> None:
        """Evaluate iterations done+1 … last (at most ``self.chunk``) and record their statistics."""
        first, m = self.done + 1, self.m
        c = last - first + 1
        with np.errstate(all="ignore"):  # overflow shows up as non-finite logits, reported as divergence
            (self._loop_augmented if self.augmented else self._loop_general)(c)
            A = self.Sc[:c]  # (c, p, k)
            if self.augmented:
                self.bc[:c] = A.sum(axis=1)  # b = 1ᵀα
            if self.mt:
                self.Zc[:c, m:] = _apply(self.M_test, A) + self.bc[:c, None, :]
            sq = None
            if self.l2:  # ‖w‖² = αᵀGα, or wᵀw
                sq = np.einsum("cpk,cpk->ck", A, _apply(self.p.G, A) if self.engine == "gram" else A)
            self._record(first, last, sq)
        for i in range(first, last + 1):
            if i in self.ckpt_iters:
                self.ckpt_states[i] = A[i - first].copy()
        self.S, self.b = A[c - 1].copy(), self.bc[c - 1].copy()
        self.Sc[0] = self.Sc[c]  # the next chunk starts from the next state
        self.done = last

    def _record(self, first: int, last: int, sq: np.ndarray | None) -> None:
        c, m, y = last - first + 1, self.m, self.y
        Z = self.Zc[:c]  # (c, m + mt, k)
        if self.augmented:
            cost = _cross_entropy_signed(self.pos_sum[:c], self.Pc[:c])  # (c, k)
        else:
            cost = _cross_entropy(Z[:, :m], y)  # (c, k)
        if sq is not None:
            cost += self.l2 / (2 * m) * sq
        bad = ~(np.isfinite(Z).all(axis=1) & np.isfinite(cost))  # (c, k)
        if bad.any():
            i, j = np.argwhere(bad)[0]
            rate = f" (learning rate {self.lr[j]:g})" if self.k > 1 else ""
            raise TrainingDiverged(f"training diverged at iteration {first + i}{rate}; lower the learning rate")
        wrong = _predicted(Z) != self.labels  # (c, m + mt, k)
        rows = slice(first, last + 1)
        # 100 − mean|Ŷ − Y|·100: the mean of 0/1 values is the exact count / m, as in the exercise
        self.train_cost[:, rows] = cost.T
        self.train_acc[:, rows] = (100 - np.count_nonzero(wrong[:, :m], axis=1) / m * 100).T
        if self.mt:
            self.test_cost[:, rows] = _cross_entropy(Z[:, m:], self.p.Y_test.reshape(-1, 1)).T
            self.test_acc[:, rows] = (100 - np.count_nonzero(wrong[:, m:], axis=1) / self.mt * 100).T
        self.b_hist[:, rows] = self.bc[:c].T
        # float32 keeps every prediction: a logit beyond its range is saturated and keeps its sign
        self.logits[:, rows] = np.clip(Z, -_MAX_LOGIT, _MAX_LOGIT).transpose(2, 0, 1)

    def weights(self, S: np.ndarray) -> np.ndarray:
        """w (d, k) float64 of a state S."""
        return self.p.X_train @ S if self.engine == "gram" else S.copy()

    def history(self, j: int) -> History:
        """Read-only views of column j's record up to the last evaluated iteration."""
        upto, m = self.done, self.m
        states = {i: S[:, j] for i, S in self.ckpt_states.items() if i <= upto}
        states.setdefault(upto, self.S[:, j].copy())
        checkpoints = Checkpoints(states, self.p.X_train if self.engine == "gram" else None)

        def view(a: np.ndarray | None) -> np.ndarray | None:
            return None if a is None else _readonly(a[j, : upto + 1])

        logits = self.logits[j, : upto + 1]
        return History(
            train_cost=view(self.train_cost),
            test_cost=view(self.test_cost),
            train_accuracy=view(self.train_acc),
            test_accuracy=view(self.test_acc),
            b=view(self.b_hist),
            train_logits=_readonly(logits[:, :m]),
            test_logits=_readonly(logits[:, m:]) if self.mt else None,
            checkpoints=checkpoints,
        )

    def result(self, j: int, config: TrainConfig, stopped: bool, seconds: float) -> TrainResult:
        return TrainResult(
            config=config,
            w=self.weights(self.S[:, j : j + 1]),
            b=float(self.b[j]),
            history=self.history(j),
            engine=self.engine,
            iterations_run=self.done,
            stopped=stopped,
            seconds=seconds,
        )


def train(
    problem: Problem,
    config: TrainConfig,
    callback: Callable[[Progress], bool | None] | None = None,
    progress_every: int = 100,
) -> TrainResult:
    """Gradient descent from w = 0, b = 0, recording every iteration.

    Args:
        problem: from :func:`prepare`.
        config: the settings; ``config.engine`` "auto" runs ``problem.engine``.
        callback: called with a :class:`Progress` every ``progress_every`` iterations and at the end; if it
            returns ``False`` the run stops there (``stopped=True``).
        progress_every: iterations between callbacks, at least 1.

    Returns:
        A :class:`TrainResult`.

    Raises:
        CatlrInputError: the run exceeds the work budget or the history memory cap.
        TrainingDiverged: the weights or the cost became non-finite.
    """
    if not isinstance(progress_every, int) or isinstance(progress_every, bool) or progress_every < 1:
        raise CatlrInputError(f"progress_every must be a whole number ≥ 1; got {progress_every!r}")
    n = config.num_iterations
    config.check_budget(problem.m_train)
    _check_history_size(n, problem, 1)
    engine = _engine_for(problem, config.engine)
    start = time.perf_counter()
    run = _Run(problem, engine, [config.learning_rate], n, config.l2)
    stopped = False
    while run.done < n:
        next_report = n if callback is None else min((max(run.done, 0) // progress_every + 1) * progress_every, n)
        run.run(min(next_report, run.done + run.chunk))
        if callback is not None and run.done == next_report:
            answer = callback(Progress(iteration=run.done, num_iterations=n, history=run.history(0)))
            if answer is False and run.done < n:
                stopped = True
                break
    return run.result(0, config, stopped, time.perf_counter() - start)


def sweep(problem: Problem, learning_rates: Sequence[float], num_iterations: int, l2: float = 0.0) -> list[TrainResult]:
    """Train one model per learning rate, all in one batched pass (one matrix product per iteration).

    Args:
        problem: from :func:`prepare`; its engine runs.
        learning_rates: 1 to ``limits.MAX_SWEEP_RATES`` rates, each valid for :class:`TrainConfig`.
        num_iterations: iterations of every run. l2: the L2 penalty λ of every run.

    Returns:
        One :class:`TrainResult` per rate, in order; ``seconds`` is the time of the whole pass.

    Raises:
        CatlrInputError: a bad rate or setting, too many rates, or the budgets exceeded.
        TrainingDiverged: a run diverged (the message names its learning rate).
    """
    rates = list(learning_rates)
    if not 1 <= len(rates) <= limits.MAX_SWEEP_RATES:
        raise CatlrInputError(f"a sweep takes 1 to {limits.MAX_SWEEP_RATES} learning rates; got {len(rates)}")
    configs = [TrainConfig(num_iterations, lr, l2, problem.engine) for lr in rates]
    configs[0].check_budget(problem.m_train)
    _check_history_size(configs[0].num_iterations, problem, len(rates))
    start = time.perf_counter()
    run = _Run(problem, problem.engine, [c.learning_rate for c in configs], configs[0].num_iterations, configs[0].l2)
    while run.done < run.n:
        run.run(min(run.done + run.chunk, run.n))
    seconds = time.perf_counter() - start
    return [run.result(j, c, False, seconds) for j, c in enumerate(configs)]


def logits(w, b, X) -> np.ndarray:
    """z = wᵀX + b for w (d, 1) or (d,), X (d, m); returns (m,)."""
    return np.asarray(w, dtype=np.float64).reshape(-1) @ np.asarray(X, dtype=np.float64) + float(b)


def predict_proba(w, b, X) -> np.ndarray:
    """P(cat) = σ(wᵀX + b) for w (d, 1) or (d,), X (d, m); returns (m,), never an overflow warning."""
    return sigmoid(logits(w, b, X))


def evaluate(problem: Problem, w, b: float, config: TrainConfig) -> TrainResult:
    """A :class:`TrainResult` for given weights, e.g. a model loaded from a file.

    Its history is the one state it is in (``iterations_run`` = 0, every array of length 1), so every
    view of a trained model (metrics, mistakes, explanations) works on it; ``config`` records how it
    was trained.

    Args:
        problem: from :func:`prepare`. w: (d, 1) or (d,) weights for its images. b: the bias.

    Raises:
        CatlrInputError: w does not fit the problem's images, or w or b are not finite.
    """
    w = np.array(w, dtype=np.float64).reshape(-1, 1)
    if w.shape[0] != problem.n_features:
        raise CatlrInputError(
            f"the model has {w.shape[0]:,} weights but this dataset's images have {problem.n_features:,} values"
        )
    if not (np.isfinite(w).all() and np.isfinite(b)):
        raise CatlrInputError("the model's weights are not all finite numbers")
    start = time.perf_counter()
    m, mt = problem.m_train, problem.m_test
    X_all = problem.X_train if not mt else np.concatenate([problem.X_train, problem.X_test], axis=1)
    Y_all = problem.Y_train if not mt else np.concatenate([problem.Y_train, problem.Y_test], axis=1)
    with np.errstate(all="ignore"):
        Z = logits(w, b, X_all).reshape(1, -1, 1)  # (c=1, m + mt, k=1)
        wrong = _predicted(Z)[0, :, 0] != (Y_all.reshape(-1) == 1.0)

    def one(values: float) -> np.ndarray:
        return _readonly(np.array([values], dtype=np.float64))

    clipped = np.clip(Z[0, :, 0], -_MAX_LOGIT, _MAX_LOGIT).astype(np.float32).reshape(1, -1)
    history = History(
        train_cost=one(_cross_entropy(Z[:, :m], problem.Y_train.reshape(-1, 1))[0, 0]),
        test_cost=one(_cross_entropy(Z[:, m:], problem.Y_test.reshape(-1, 1))[0, 0]) if mt else None,
        train_accuracy=one(100 - np.count_nonzero(wrong[:m]) / m * 100),
        test_accuracy=one(100 - np.count_nonzero(wrong[m:]) / mt * 100) if mt else None,
        b=one(float(b)),
        train_logits=_readonly(clipped[:, :m]),
        test_logits=_readonly(clipped[:, m:]) if mt else None,
        checkpoints=Checkpoints({0: w[:, 0].copy()}, None),
    )
    return TrainResult(config, _readonly(w), float(b), history, "loaded", 0, False, time.perf_counter() - start)
