"""A process-wide store of finished runs, shared read-only by every user, bounded in memory (least recently used).

A run depends only on the data and its settings, so when a hundred users ask for the exercise's
2000 iterations at learning rate 0.005, the server trains it once and every session holds a
reference to the same read-only :class:`~catlr.results.TrainResult`. Keys are small hashable values
(the dataset's key and a frozen :class:`~catlr.config.TrainConfig`, or a sweep's rates); values are
results or lists of results. Thread-safe.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

import numpy as np

from catlr.results import TrainResult

DEFAULT_MAX_BYTES = 96 * 1024 * 1024


def result_bytes(value: TrainResult | list[TrainResult]) -> int:
    """The memory a result (or a list of them) holds in NumPy arrays, counting each shared base once."""
    results = value if isinstance(value, list) else [value]
    bases: dict[int, int] = {}
    for r in results:
        h = r.history
        arrays = (r.w, h.train_cost, h.test_cost, h.train_accuracy, h.test_accuracy, h.b, h.train_logits, h.test_logits)
        for a in arrays:
            if a is not None:
                base = a if a.base is None else a.base
                while isinstance(base, np.ndarray) and base.base is not None:
                    base = base.base
                bases[id(base)] = getattr(base, "nbytes", a.nbytes)
        bases[id(h.checkpoints)] = h.checkpoints.nbytes()
    return sum(bases.values())


class ResultStore:
    """{key: result}, evicting the least recently used entries beyond ``max_bytes``."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Hashable):
        """The stored value for ``key`` (now the most recently used), or None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry[0]

    def put(self, key: Hashable, value) -> None:
        """Keep ``value`` under ``key``; a value larger than the whole budget is not kept."""
        size = result_bytes(value)
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            if size > self.max_bytes:
                return
            self._entries[key] = (value, size)
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped

    @property
    def nbytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)
