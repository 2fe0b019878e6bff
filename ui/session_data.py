"""This user's dataset: the exercise's (shared by everyone, read-only) or their own uploaded .h5 files.

The exercise's dataset and its Gram matrices are cached once per process (:mod:`ui.cache`) and shared
read-only by all users. A user's own uploaded files live in that user's session only.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import streamlit as st

from catlr import data, data_files, limits, problem
from catlr.errors import CatlrInputError
from ui import cache, state


@dataclass(frozen=True, eq=False)
class ActiveData:
    """The dataset in use, its prepared problem, and ``key``: a short name for per-dataset caches."""

    dataset: data.Dataset
    problem: problem.Problem
    key: str


def exercise_data() -> ActiveData:
    """The exercise's data, shared by every user of this process (needs no session).

    Raises:
        CatlrInputError: the data folder is missing or a file failed validation (the message says how to fix it).
    """
    folder = str(data_files.find_data_dir())
    dataset, prepared = cache.exercise_data(folder)
    return ActiveData(dataset, prepared, f"exercise:{folder}")


def _current() -> tuple[ActiveData | None, str | None]:
    """(the data in use, None), or (None, why it cannot be loaded with how to fix it)."""
    own = state.get(state.USER_DATA)
    if own is not None:
        return own, None
    try:
        return exercise_data(), None
    except CatlrInputError as exc:
        return None, str(exc)


def active() -> ActiveData | None:
    """This user's data (their own upload, else the exercise's), or None when it cannot be loaded."""
    return _current()[0]


def dataset() -> data.Dataset | None:
    """This user's dataset, or None when it cannot be loaded (see :func:`load_error`)."""
    found = active()
    return None if found is None else found.dataset


def problem_in_use() -> problem.Problem:
    """The prepared problem (X, Y and the Gram matrices) of :func:`dataset`; call after it returned one."""
    return active().problem


def load_error() -> str | None:
    """Why :func:`dataset` returns None (no data folder, or a file that failed validation), else None."""
    return _current()[1]


def is_own() -> bool:
    """True when this user works on their own uploaded files."""
    return state.get(state.USER_DATA) is not None


def use_uploaded(train: bytes, test: bytes) -> data.Dataset:
    """Validate two uploaded .h5 files (in the sandbox) and make them this user's dataset.

    Raises:
        CatlrInputError: the files are unusable; this user's dataset and model stay as they were.
    """
    dataset = data.load_dataset_from_bytes(train, test, source="your uploaded files")
    use_dataset(dataset, "upload:" + hashlib.sha256(train + b"\0" + test).hexdigest()[:32])
    return dataset


def use_dataset(dataset: data.Dataset, key: str) -> None:
    """Make a validated dataset (an upload, or one built from photos) this user's data; ``key`` names its content."""
    own = ActiveData(dataset, problem.from_dataset(dataset), key)
    state.drop(*state.DATASET_DEPENDENT)
    state.put(state.USER_DATA, own)


def use_exercise_data() -> None:
    """Go back to the exercise's dataset."""
    state.drop(state.USER_DATA, state.BUILT, *state.DATASET_DEPENDENT)


def typical_distance(active_data: ActiveData) -> float:
    """How far apart the training images typically are (computed once per dataset)."""
    return cache.typical_distance(active_data.key, active_data.dataset.train_set_x_orig)


def require() -> data.Dataset:
    """The dataset, or stop this page with a pointer to the Home page's set-up panel."""
    found = dataset()
    if found is None:
        st.warning("The dataset is not loaded yet. The **Home** page shows how to get it.", icon="🗂️")
        st.page_link("pages/home.py", label="Go to Home", icon="🏠")
        st.stop()
    return found


def own_dataset_panel() -> None:
    """Upload a train and a test file in the exercise's schema; they become this user's dataset."""
    st.markdown(
        "Two HDF5 files in the exercise's schema: `train_set_x` uint8 (m, n, n, 3), `train_set_y` 0/1 labels, "
        "`list_classes`, and the same with `test_` in the test file. They are checked in a sandbox before use and "
        f"only you see them. Up to {limits.MAX_H5_BYTES // 2**20} MB each (the server accepts 50 MB per upload)."
    )
    u1, u2 = st.columns(2)
    train = u1.file_uploader("Training file (.h5)", key=state.HOME_TRAIN_FILE)
    test = u2.file_uploader("Test file (.h5)", key=state.HOME_TEST_FILE)
    if st.button("Use these files", disabled=train is None or test is None, key=state.HOME_USE_FILES):
        try:
            with st.spinner("Checking the files in a sandbox…"):
                own = use_uploaded(train.getvalue(), test.getvalue())
        except CatlrInputError as exc:
            st.error(str(exc), icon="🚫")
        else:
            st.toast(f"Loaded {own.m_train} training and {own.m_test} test images of {own.num_px}×{own.num_px} px.")
            st.rerun()
    if is_own() and st.button("Back to the exercise's dataset", key=state.HOME_BACK_TO_EXERCISE):
        use_exercise_data()
        st.rerun()
