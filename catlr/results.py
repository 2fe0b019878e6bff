"""What a training run gives back: its result, its per-iteration history and its weight checkpoints.

History index i is the state after i updates (i = 0: the untrained model), so the exercise's ``costs``
list is ``history.train_cost[0:n:100]``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from catlr.arrays import read_only
from catlr.config import TrainConfig


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
            iterations = sorted(self._states)
            A = np.stack([self._states[i] for i in iterations], axis=1)  # (p, n_checkpoints)
            with np.errstate(over="ignore"):  # a w beyond float32 (only while diverging) becomes ±inf
                W = (A if self._X is None else self._X @ A).astype(np.float32)  # (d, n_checkpoints)
            self._weights = {i: read_only(W[:, t]) for t, i in enumerate(iterations)}
        return self._weights

    def __getitem__(self, iteration: int) -> np.ndarray:
        return self._all()[iteration]

    def __iter__(self) -> Iterator[int]:
        return iter(sorted(self._states))

    def __len__(self) -> int:
        return len(self._states)

    def nbytes(self) -> int:
        """The memory the snapshots take once their weights are computed (float32 w of d values each)."""
        first = next(iter(self._states.values()))
        d = first.size if self._X is None else self._X.shape[0]
        return sum(s.nbytes for s in self._states.values()) + len(self._states) * d * 4


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

    def logits(self, split: str) -> np.ndarray | None:
        """(n+1, m) float32 logits of the split ``"train"`` or ``"test"`` (None: no test set)."""
        return self.test_logits if split == "test" else self.train_logits


@dataclass(frozen=True, eq=False)
class Progress:
    """What a progress callback sees: ``iteration`` updates done of ``num_iterations``, history so far."""

    iteration: int
    num_iterations: int
    history: History


@dataclass(frozen=True, eq=False)
class TrainResult:
    """One finished (or stopped) run, or a model loaded from a file.

    Attributes:
        config: the settings. w: (d, 1) float64. b: the bias.
        history: the per-iteration record.
        solver: ``"gram"`` or ``"primal"``, the form that ran; None for a loaded model (no training ran here).
        iterations_run: updates done (< config.num_iterations when stopped). stopped: the callback stopped it.
        seconds: wall-clock time of the run (for a sweep, of the whole batched pass).
    """

    config: TrainConfig
    w: np.ndarray
    b: float
    history: History
    solver: str | None
    iterations_run: int
    stopped: bool
    seconds: float

    @property
    def loaded(self) -> bool:
        """True for a model loaded from a file (its history is the one state it is in)."""
        return self.solver is None

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
