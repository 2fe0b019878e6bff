"""Everything cached across users, in one place: only read-only things, shared by every session.

``st.cache_resource`` objects are shared by all users, so only read-only data goes here (the
exercise's dataset and its prepared problem, whose arrays are read-only). Per-user things live in
``st.session_state`` (see :mod:`ui.state`). Cache keys are short strings, never arrays.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from catlr import data, data_files, explain, landscape, problem, stability, store, trajectory
from catlr.config import TrainConfig

STORE_BYTES = 64 * 1024 * 1024  # finished runs shared by every session of this process


@st.cache_resource(show_spinner="Loading the dataset…")
def exercise_data(data_dir: str) -> tuple[data.Dataset, problem.Problem]:
    """The exercise's dataset in ``data_dir`` and its prepared problem, loaded once per process."""
    dataset = data.load_dataset(data_dir)
    # Prepared arrays on disk: every server process maps the same read-only copy (never for users' own data).
    return dataset, problem.from_dataset(dataset, cache_dir=data_files.default_cache_dir() / "prepared")


@st.cache_data(show_spinner="Measuring how far apart the training images are…", max_entries=8)
def typical_distance(data_key: str, _images: np.ndarray) -> float:
    """:func:`catlr.explain.typical_distance` of the training images of the dataset named ``data_key``."""
    return explain.typical_distance(_images)


@st.cache_resource(show_spinner=False, max_entries=8)
def top_eigenvalue(data_key: str, _problem: problem.Problem) -> float:
    """λ_max(G + 11ᵀ) of the dataset named ``data_key`` (:func:`catlr.stability.top_eigenvalue`)."""
    return stability.top_eigenvalue(_problem)


@st.cache_resource(show_spinner="Tracing the run's path…", max_entries=4)
def run_path(data_key: str, config: TrainConfig, _trajectory: trajectory.Trajectory) -> landscape.Path:
    """The thinned path of the run of ``config`` on the dataset named ``data_key`` (read-only, shared)."""
    return landscape.path_of(_trajectory)


@st.cache_resource(show_spinner=False, max_entries=4)
def run_shares(data_key: str, config: TrainConfig, _trajectory: trajectory.Trajectory, hardest: tuple[int, ...]):
    """Per iteration (n + 1,), the share of the error carried by each count of ``hardest`` images (read-only)."""
    every = np.arange(_trajectory.iterations + 1)
    shares = {k: trajectory.error_shares(_trajectory, k, every) for k in hardest}
    for values in shares.values():
        values.setflags(write=False)
    return shares


@st.cache_resource
def results() -> store.ResultStore:
    """The process's store of finished runs (read-only results shared by every user, least recently used out)."""
    return store.ResultStore(STORE_BYTES)


def clear() -> None:
    """Forget everything cached (after the dataset was downloaded, so the next visit loads it)."""
    st.cache_resource.clear()
    st.cache_data.clear()
