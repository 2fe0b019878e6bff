"""Benchmark: the exercise's own primal loop against the fast engine, on the real dataset.

    python -m catlr.bench [--data-dir DIR] [--repeats N]

Times, in one process, at 2000 iterations and learning rate 0.005: the exercise's implementation (a
faithful copy below, with its log-formula cost, kept as the reference), the fast engine cold (including
the Gram matrix) and warm (Gram matrix cached), and a 10-rate sweep; prints medians over the repeats,
the speed-ups, and the largest deviation between the reference and the engine (costs, w, b).
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from catlr.config import TrainConfig
from catlr.data_files import find_data_dir
from catlr.engine import sweep, train
from catlr.errors import CatlrInputError
from catlr.exercise import cost_line, predict
from catlr.problem import prepare
from catlr.runtime import configure_process

ITERATIONS = 2000
LEARNING_RATE = 0.005
SWEEP_RATES = tuple(float(r) for r in np.geomspace(1e-4, 1e-2, 10))


# --- The exercise's implementation, as written there (the reference; do not "improve" it) --------------


def ref_sigmoid(z):
    return 1 / (1 + np.exp(-z))


def ref_initialize_with_zeros(dim):
    w = np.zeros((dim, 1), dtype=np.float32)
    b = 0.0
    return w, b


def ref_propagate(w, b, X, Y):
    m = X.shape[1]
    A = ref_sigmoid(np.dot(w.T, X) + b)
    cost = -1 / m * np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A))
    dw = 1 / m * np.dot(X, (A - Y).T)
    db = 1 / m * np.sum(A - Y)
    cost = np.squeeze(np.array(cost))
    return {"dw": dw, "db": db}, cost


def ref_optimize(w, b, X, Y, num_iterations=100, learning_rate=0.009, print_cost=False):
    w = copy.deepcopy(w)
    b = copy.deepcopy(b)
    costs = []
    for i in range(num_iterations):
        grads, cost = ref_propagate(w, b, X, Y)
        dw = grads["dw"]
        db = grads["db"]
        w = w - learning_rate * dw
        b = b - learning_rate * db
        if i % 100 == 0:
            costs.append(cost)
            if print_cost:
                print(cost_line(i, cost))
    params = {"w": w, "b": b}
    grads = {"dw": dw, "db": db}
    return params, grads, costs


def ref_predict(w, b, X):
    m = X.shape[1]
    Y_prediction = np.zeros((1, m))
    w = w.reshape(X.shape[0], 1)
    A = ref_sigmoid(np.dot(w.T, X) + b)
    for i in range(A.shape[1]):
        if A[0, i] > 0.5:
            Y_prediction[0, i] = 1
        else:
            Y_prediction[0, i] = 0
    return Y_prediction


def ref_model(X_train, Y_train, X_test, Y_test, num_iterations=2000, learning_rate=0.5, print_cost=False):
    w, b = ref_initialize_with_zeros(X_train.shape[0])
    params, grads, costs = ref_optimize(w, b, X_train, Y_train, num_iterations, learning_rate, print_cost)
    w = params["w"]
    b = params["b"]
    Y_prediction_test = ref_predict(w, b, X_test)
    Y_prediction_train = ref_predict(w, b, X_train)
    return {
        "costs": costs,
        "Y_prediction_test": Y_prediction_test,
        "Y_prediction_train": Y_prediction_train,
        "w": w,
        "b": b,
        "learning_rate": learning_rate,
        "num_iterations": num_iterations,
    }


# --- The benchmark ----------------------------------------------------------------------------------------


def load_real_data(data_dir: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The exercise's own loading and preprocessing: X = x.reshape(m, -1).T / 255. (d, m), Y (1, m) int64.

    Kept independent of :mod:`catlr.data` on purpose: it is part of the reference.
    """
    import h5py

    arrays = []
    for split in ("train", "test"):
        path = Path(data_dir) / f"{split}_catvnoncat.h5"
        try:
            with h5py.File(path, "r") as f:
                x, y = np.array(f[f"{split}_set_x"][:]), np.array(f[f"{split}_set_y"][:])
        except (OSError, KeyError) as error:
            raise CatlrInputError(f"cannot read {path}: {error}") from error
        m = x.shape[0]
        arrays += [x.reshape(m, -1).T / 255.0, y.reshape(1, m)]
    return tuple(arrays)


def _timed(fn):
    """(seconds, return value) of one call."""
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def run(data_dir: Path, repeats: int) -> dict[str, float]:
    """Run every measurement; returns the figures (median seconds, deviations).

    The measurements are interleaved (one of each per repeat) so that a change in the machine's load
    affects them all alike.
    """
    X, Y, Xt, Yt = load_real_data(data_dir)
    config = TrainConfig(ITERATIONS, LEARNING_RATE, solver="gram")
    problem = prepare(X, Y, Xt, Yt, solver="gram")
    cases = {
        "primal": lambda: ref_model(X, Y, Xt, Yt, ITERATIONS, LEARNING_RATE),
        "cold": lambda: train(prepare(X, Y, Xt, Yt, solver="gram"), config),
        "warm": lambda: train(problem, config),
        "sweep_warm": lambda: sweep(problem, SWEEP_RATES, ITERATIONS),
        "sweep_cold": lambda: sweep(prepare(X, Y, Xt, Yt, solver="gram"), SWEEP_RATES, ITERATIONS),
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    outputs = {}
    for _ in range(repeats):
        for name, fn in cases.items():
            seconds, outputs[name] = _timed(fn)
            times[name].append(seconds)
    ref, fast = outputs["primal"], outputs["warm"]
    ref_costs = np.array([float(c) for c in ref["costs"]])
    return {
        "m_train": X.shape[1],
        "m_test": Xt.shape[1],
        "d": X.shape[0],
        **{name: statistics.median(t) for name, t in times.items()},
        "dev_costs": float(np.max(np.abs(ref_costs - fast.exercise_costs()))),
        "dev_w": float(np.max(np.abs(ref["w"] - fast.w))),
        "dev_b": abs(float(ref["b"]) - fast.b),
        "same_predictions": bool(
            np.array_equal(ref["Y_prediction_train"], predict(fast.w, fast.b, X))
            and np.array_equal(ref["Y_prediction_test"], predict(fast.w, fast.b, Xt))
        ),
    }


def _report(f: dict[str, float], repeats: int) -> str:
    rows = [
        ("exercise's primal loop (reference)", f["primal"]),
        ("fast engine, cold (incl. Gram matrix)", f["cold"]),
        ("fast engine, warm (Gram matrix cached)", f["warm"]),
        (f"{len(SWEEP_RATES)}-rate sweep, warm", f["sweep_warm"]),
        (f"{len(SWEEP_RATES)}-rate sweep, cold", f["sweep_cold"]),
    ]
    lines = [
        f"catlr benchmark: {f['m_train']} train / {f['m_test']} test images, d = {f['d']:,}, "
        f"{ITERATIONS} iterations, lr {LEARNING_RATE}, median of {repeats}",
        f"{'':42}{'seconds':>10}{'speed-up':>11}",
    ]
    lines += [f"{name:42}{sec:10.4f}{f['primal'] / sec:10.1f}×" for name, sec in rows]
    lines.append(
        f"largest deviation from the reference: costs {f['dev_costs']:.2e}, w {f['dev_w']:.2e}, "
        f"b {f['dev_b']:.2e}; predictions identical: {'yes' if f['same_predictions'] else 'NO'}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m catlr.bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="folder holding train_catvnoncat.h5 and test_catvnoncat.h5 (default: found as the CLI finds it)",
    )
    parser.add_argument("--repeats", type=int, default=3, help="timed repeats per figure (default 3)")
    args = parser.parse_args(argv)
    configure_process(server=False)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    try:
        figures = run(find_data_dir(args.data_dir), args.repeats)
    except CatlrInputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(_report(figures, args.repeats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
