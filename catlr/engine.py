"""The fast engine: train, sweep and evaluate, recording every iteration.

A run is a :class:`~catlr.descent.Descent` (the loop) feeding a :class:`~catlr.recorder.Recorder`
(the statistics), chunk by chunk; :mod:`catlr.problem` explains the Gram form they share. The L2
penalty λ adds λ/(2m)·‖w‖² to the training cost; its gradient λw/m stays in the span:
α ← α(1 − lr·λ/m) − lr·(A − Y)ᵀ/m.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import numpy as np

from catlr import limits, logistic
from catlr.arrays import read_only
from catlr.config import TrainConfig
from catlr.descent import Descent
from catlr.errors import CatlrInputError
from catlr.problem import Problem
from catlr.recorder import MAX_LOGIT, Recorder, check_history_size
from catlr.results import Checkpoints, History, Progress, TrainResult


def _solver_for(problem: Problem, requested: str) -> str:
    if requested == "gram" and problem.solver != "gram":
        raise CatlrInputError("this dataset was prepared for the primal solver; prepare it with solver='gram'")
    return problem.solver if requested == "auto" else requested


def _start(problem: Problem, solver: str, rates: Sequence[float], n: int, l2: float) -> tuple[Descent, Recorder]:
    descent = Descent(problem, solver, rates, n, l2)
    return descent, Recorder(problem, descent.rates, n, l2, gram=solver == "gram")


def _advance(descent: Descent, recorder: Recorder, last: int) -> None:
    """Run and record iterations recorder.done + 1 … last (at most one chunk)."""
    c = last - recorder.done
    recorder.record(descent.run_chunk(c))
    descent.next_chunk(c)


def _result(descent: Descent, recorder: Recorder, j: int, config: TrainConfig, stopped: bool, seconds: float):
    return TrainResult(
        config=config,
        w=read_only(descent.weights(recorder.last_state[:, j : j + 1])),
        b=float(recorder.last_bias[j]),
        history=recorder.history(j),
        solver=descent.solver,
        iterations_run=recorder.done,
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
        problem: from :func:`catlr.problem.prepare`.
        config: the settings; ``config.solver`` "auto" runs ``problem.solver``.
        callback: called with a :class:`~catlr.results.Progress` every ``progress_every`` iterations and at
            the end; if it returns ``False`` the run stops there (``stopped=True``).
        progress_every: iterations between callbacks, at least 1.

    Returns:
        A :class:`~catlr.results.TrainResult`.

    Raises:
        CatlrInputError: the run exceeds the work budget or the history memory cap.
        TrainingDiverged: the weights or the cost became non-finite.
    """
    if not isinstance(progress_every, int) or isinstance(progress_every, bool) or progress_every < 1:
        raise CatlrInputError(f"progress_every must be a whole number ≥ 1; got {progress_every!r}")
    n = config.num_iterations
    config.check_budget(problem.m_train)
    check_history_size(n, problem, 1)
    solver = _solver_for(problem, config.solver)
    start = time.perf_counter()
    descent, recorder = _start(problem, solver, [config.learning_rate], n, config.l2)
    stopped = False
    while recorder.done < n:
        done = recorder.done
        next_report = n if callback is None else min((max(done, 0) // progress_every + 1) * progress_every, n)
        _advance(descent, recorder, min(next_report, done + descent.chunk_size))
        if callback is not None and recorder.done == next_report:
            answer = callback(Progress(iteration=recorder.done, num_iterations=n, history=recorder.history(0)))
            if answer is False and recorder.done < n:
                stopped = True
                break
    return _result(descent, recorder, 0, config, stopped, time.perf_counter() - start)


def sweep(problem: Problem, learning_rates: Sequence[float], num_iterations: int, l2: float = 0.0) -> list[TrainResult]:
    """Train one model per learning rate, all in one batched pass (one matrix product per iteration).

    Args:
        problem: from :func:`catlr.problem.prepare`; its solver runs.
        learning_rates: 1 to ``limits.MAX_SWEEP_RATES`` rates, each valid for :class:`TrainConfig`.
        num_iterations: iterations of every run. l2: the L2 penalty λ of every run.

    Returns:
        One :class:`~catlr.results.TrainResult` per rate, in order; ``seconds`` is the time of the whole pass.

    Raises:
        CatlrInputError: a bad rate or setting, too many rates, or the budgets exceeded.
        TrainingDiverged: a run diverged (the message names its learning rate).
    """
    rates = list(learning_rates)
    if not 1 <= len(rates) <= limits.MAX_SWEEP_RATES:
        raise CatlrInputError(f"a sweep takes 1 to {limits.MAX_SWEEP_RATES} learning rates; got {len(rates)}")
    configs = [TrainConfig(num_iterations, lr, l2, problem.solver) for lr in rates]
    n = configs[0].num_iterations
    configs[0].check_budget(problem.m_train)
    check_history_size(n, problem, len(rates))
    start = time.perf_counter()
    descent, recorder = _start(problem, problem.solver, [c.learning_rate for c in configs], n, configs[0].l2)
    while recorder.done < n:
        _advance(descent, recorder, min(recorder.done + descent.chunk_size, n))
    seconds = time.perf_counter() - start
    return [_result(descent, recorder, j, c, False, seconds) for j, c in enumerate(configs)]


def logits(w, b, X) -> np.ndarray:
    """z = wᵀX + b for w (d, 1) or (d,), X (d, m); returns (m,)."""
    return np.asarray(w, dtype=np.float64).reshape(-1) @ np.asarray(X, dtype=np.float64) + float(b)


def predict_proba(w, b, X) -> np.ndarray:
    """P(cat) = σ(wᵀX + b) for w (d, 1) or (d,), X (d, m); returns (m,), never an overflow warning."""
    return logistic.sigmoid(logits(w, b, X))


def _one(value: float) -> np.ndarray:
    return read_only(np.array([value], dtype=np.float64))


def evaluate(problem: Problem, w, b: float, config: TrainConfig) -> TrainResult:
    """A :class:`~catlr.results.TrainResult` for given weights, e.g. a model loaded from a file.

    Its history is the one state it is in (``iterations_run`` = 0, every array of length 1, ``solver``
    None), so every view of a trained model (metrics, mistakes, explanations) works on it; ``config``
    records how it was trained.

    Args:
        problem: from :func:`catlr.problem.prepare`. w: (d, 1) or (d,) weights for its images. b: the bias.

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
    scores = {}
    for split in ("train", "test") if problem.m_test else ("train",):
        X, Y = problem.split(split)
        with np.errstate(all="ignore"):
            z = logits(w, b, X)  # (m,)
            cost = logistic.cost(z, Y)
            accuracy = logistic.accuracy(logistic.says_cat(z), Y.reshape(-1) == 1.0)
        kept = read_only(np.clip(z, -MAX_LOGIT, MAX_LOGIT).astype(np.float32)[None])  # (1, m)
        scores[split] = (_one(cost), _one(accuracy), kept)
    test = scores.get("test", (None, None, None))
    history = History(
        train_cost=scores["train"][0],
        test_cost=test[0],
        train_accuracy=scores["train"][1],
        test_accuracy=test[1],
        b=_one(float(b)),
        train_logits=scores["train"][2],
        test_logits=test[2],
        checkpoints=Checkpoints({0: w[:, 0].copy()}, None),
    )
    return TrainResult(config, read_only(w), float(b), history, None, 0, False, time.perf_counter() - start)
