"""This user's model and run history: train through catlr, commit to session state only on success."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from catlr import engine, persistence
from catlr.config import TrainConfig
from catlr.errors import CatlrInputError
from catlr.logistic import sigmoid
from catlr.problem import Problem
from catlr.results import TrainResult
from ui import cache, charts, session_data, state

# Training is a Python loop of small numpy calls that holds the GIL between them; several at once
# starve the server's event loop (health checks took seconds under 8 concurrent runs). One run at a
# time: a waiting session blocks on the semaphore without holding the GIL, and a run takes < 0.5 s.
_TRAINING_SLOT = threading.BoundedSemaphore(1)

DEFAULT_CONFIG = TrainConfig()  # the exercise's 2000 iterations at learning rate 0.005
MAX_RUNS = 50  # run history kept per user


@dataclass(frozen=True)
class RunRecord:
    """One finished run as the history table shows it, with a thinned cost curve for overlays."""

    run: int
    config: TrainConfig
    solver: str | None
    train_accuracy: float
    test_accuracy: float
    final_cost: float
    seconds: float
    curve_iterations: np.ndarray  # (k,)
    curve_train_cost: np.ndarray  # (k,)

    @property
    def label(self) -> str:
        c = self.config
        l2 = f", λ={c.l2:g}" if c.l2 else ""
        return f"#{self.run}: {c.num_iterations} it, lr={c.learning_rate:g}{l2}"


def probabilities(result: TrainResult, problem: Problem, split: str, iteration: int) -> np.ndarray:
    """P(cat) of every image of ``split`` ("train" or "test") after ``iteration`` updates, shape (m,).

    The final model's scores are exact float64; earlier ones come from the stored float32 logits.
    """
    if iteration == result.iterations_run:
        X, _ = problem.split(split)
        return engine.predict_proba(result.w, result.b, X)
    return sigmoid(result.history.logits(split)[iteration].astype(np.float64))


def current() -> TrainResult | None:
    """The current model of this session, or None if none was trained yet."""
    return state.get(state.MODEL)


def ensure() -> TrainResult:
    """The current model; on a cold start, train the default (2000, 0.005) model first."""
    result = current()
    if result is None:
        session_data.require()
        with st.spinner("Training the default model (2000 iterations, learning rate 0.005)…"):
            try:
                result = train(DEFAULT_CONFIG)
            except CatlrInputError as exc:
                st.error(f"The default model cannot be trained on this dataset: {exc}. Try the **Train** page.")
                st.stop()
    return result


def shared_run(
    config: TrainConfig,
    callback: Callable | None = None,
    progress_every: int = 100,
    active: session_data.ActiveData | None = None,
) -> TrainResult:
    """The run of ``config`` on this user's data (or ``active``): from the process's store when anyone made it
    already, else trained now (one run at a time per server) and stored for everyone. A stopped run is not
    stored.

    Raises:
        CatlrInputError: bad settings for this dataset or a diverged run.
    """
    active = active or session_data.active()
    return _stored(
        (active.key, config),
        lambda: engine.train(active.problem, config, callback=callback, progress_every=progress_every),
        keep=lambda result: not result.stopped,
    )


def _stored(key: tuple, make: Callable, keep: Callable = lambda value: True, results=None):
    """The process store's value for ``key``; else ``make()`` under the training slot (one at a time per
    server), looking again once the slot is free in case another session made it meanwhile, and stored
    when ``keep`` says so. ``results`` is the store when called off the script thread (else looked up)."""
    results = cache.results() if results is None else results
    found = results.get(key)
    if found is not None:
        return found
    with _TRAINING_SLOT:
        found = results.get(key)
        if found is not None:
            return found
        made = make()
    if keep(made):
        results.put(key, made)
    return made


def train(config: TrainConfig, callback: Callable | None = None, progress_every: int = 100) -> TrainResult:
    """Train on this user's dataset (or reuse the same run made for anyone); only a finished run replaces the
    current model and joins the history.

    Raises:
        CatlrInputError: bad settings for this dataset or a diverged run; nothing in the session changes.
    """
    result = shared_run(config, callback, progress_every)
    if not result.stopped:
        _make_current(result, config)
    return result


def load(payload: bytes, name: str, sliders: TrainConfig) -> TrainResult:
    """Validate a saved model file and make it the current model (until a slider moves).

    Raises:
        CatlrInputError: not a usable catlr model for this dataset; nothing in the session changes.
    """
    saved = persistence.model_from_bytes(payload, name=name)
    ds = session_data.dataset()
    if saved.num_px != ds.num_px:
        raise CatlrInputError(
            f"{name}: the model is for {saved.num_px}×{saved.num_px} images, this dataset has {ds.num_px}×{ds.num_px}"
        )
    result = engine.evaluate(session_data.problem_in_use(), saved.w, saved.b, saved.config)
    _make_current(result, sliders)
    return result


def _make_current(result: TrainResult, sliders: TrainConfig) -> None:
    """Commit a finished model: it becomes current and joins the run history."""
    previous = current()
    runs = list(state.get(state.RUNS, []))
    number = state.get(state.RUN_COUNTER, 0) + 1
    idx = charts.thin(result.iterations_run + 1)
    runs.append(
        RunRecord(
            run=number,
            config=result.config,
            solver=result.solver,
            train_accuracy=float(result.train_accuracy),
            test_accuracy=float(result.test_accuracy),
            final_cost=float(result.final_cost),
            seconds=result.seconds,
            curve_iterations=idx,
            curve_train_cost=np.asarray(result.history.train_cost)[idx],
        )
    )
    state.put(state.PREVIOUS_MODEL, previous)
    state.put(state.MODEL, result)
    state.put(state.TRAINED_FOR, sliders)
    state.put(state.RUNS, runs[-MAX_RUNS:])
    state.put(state.RUN_COUNTER, number)


def sweep(learning_rates: list[float], num_iterations: int) -> list[TrainResult]:
    """One model per learning rate in one batched pass on this user's dataset, shared like :func:`shared_run`."""
    active = session_data.active()
    key = (active.key, "sweep", tuple(learning_rates), num_iterations)
    return _stored(key, lambda: engine.sweep(active.problem, learning_rates, num_iterations))


def sweep_later(learning_rates: list[float], num_iterations: int) -> Callable[[], list[TrainResult]]:
    """:func:`sweep` as a call to make later, off the script thread (a deferred download): the session's data
    and the store are looked up now, so the call touches no Streamlit state."""
    active, results = session_data.active(), cache.results()
    key = (active.key, "sweep", tuple(learning_rates), num_iterations)
    make = functools.partial(engine.sweep, active.problem, list(learning_rates), num_iterations)
    return functools.partial(_stored, key, make, results=results)


def runs() -> list[RunRecord]:
    """This session's finished runs, oldest first."""
    return list(state.get(state.RUNS, []))


def runs_table(records: list[RunRecord]) -> pd.DataFrame:
    """The run history as a table (also the CSV download)."""
    return pd.DataFrame(
        {
            "run": [r.run for r in records],
            "iterations": [r.config.num_iterations for r in records],
            "learning_rate": [r.config.learning_rate for r in records],
            "l2": [r.config.l2 for r in records],
            "solver": [r.solver or "loaded" for r in records],
            "train_accuracy_pct": [round(r.train_accuracy, 4) for r in records],
            "test_accuracy_pct": [round(r.test_accuracy, 4) for r in records],
            "final_cost": [round(r.final_cost, 6) for r in records],
            "seconds": [round(r.seconds, 3) for r in records],
        }
    )


def warm_up() -> None:
    """Load the exercise's data and train its default model into the store, before anyone asks (no session
    needed); a missing dataset is left for the pages to explain."""
    try:
        shared_run(DEFAULT_CONFIG, active=session_data.exercise_data())
    except CatlrInputError:
        pass
