"""catlr.store: finished runs shared by every user, least recently used out, bounded in bytes."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from catlr import engine, store
from catlr.config import TrainConfig
from catlr.problem import prepare


@pytest.fixture(scope="module")
def problem():
    rng = np.random.default_rng(2)
    X, Y = rng.random((48, 30)), (rng.random((1, 30)) > 0.5).astype(float)
    return prepare(X, Y, rng.random((48, 9)), (rng.random((1, 9)) > 0.5).astype(float))


def run(problem, n=200):
    return engine.train(problem, TrainConfig(num_iterations=n, learning_rate=0.1))


def test_result_bytes_counts_every_array_once(problem):
    r = run(problem)
    h = r.history
    logits = h.train_logits.base if h.train_logits.base is not None else h.train_logits
    assert store.result_bytes(r) >= logits.nbytes + r.w.nbytes + h.checkpoints.nbytes()
    assert store.result_bytes([r, r]) == store.result_bytes(r)  # an array two results share counts once


def test_least_recently_used_entries_go_first(problem):
    one = store.result_bytes(run(problem))
    s = store.ResultStore(max_bytes=int(2.5 * one))
    for key in "abc":
        s.put(key, run(problem))
    assert len(s) == 2 and s.get("a") is None and s.get("b") is not None
    s.put("d", run(problem))  # "b" was just read, so "c" goes
    assert s.get("c") is None and s.get("b") is not None and s.get("d") is not None
    assert s.nbytes <= s.max_bytes


def test_a_value_larger_than_the_budget_is_not_kept(problem):
    s = store.ResultStore(max_bytes=10)
    s.put("a", run(problem))
    assert s.get("a") is None and len(s) == 0 and s.nbytes == 0


def test_shared_results_are_read_only(problem):
    r = run(problem)
    for array in (r.w, r.history.train_cost, r.history.train_logits, r.history.checkpoints[200]):
        with pytest.raises(ValueError, match="read-only"):
            array.flat[0] = 0


def test_the_store_is_consistent_under_threads(problem):
    s = store.ResultStore(max_bytes=3 * store.result_bytes(run(problem)))
    values = [run(problem, n) for n in (50, 100, 150, 200)]

    def work(i: int) -> None:
        for j in range(200):
            key = (i + j) % 4
            s.put(key, values[key])
            got = s.get((key + 1) % 4)
            assert got is None or got is values[(key + 1) % 4]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert s.nbytes == sum(store.result_bytes(values[k]) for k in range(4) if s.get(k) is not None)
