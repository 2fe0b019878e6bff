"""The dataset and its prepared training problem.

The exercise's dataset and its Gram matrices are cached once per process and shared read-only by all
users. A user's own uploaded .h5 files live in that user's session only.
"""

from __future__ import annotations

import streamlit as st

from catlr import data as catlr_data
from catlr import engine, limits
from catlr.errors import CatlrInputError
from ui import state


def _prepare(ds: catlr_data.Dataset) -> engine.Problem:
    return engine.prepare(
        catlr_data.flatten(ds.train_set_x_orig), ds.train_set_y, catlr_data.flatten(ds.test_set_x_orig), ds.test_set_y
    )


@st.cache_resource(show_spinner="Loading the dataset…")
def _shared(data_dir: str) -> tuple[catlr_data.Dataset, engine.Problem]:
    ds = catlr_data.load_dataset(data_dir)
    return ds, _prepare(ds)


def _locate() -> tuple[str | None, str | None]:
    """(data folder, None) when the dataset is found, else (None, the reason with how to fix it)."""
    try:
        return str(catlr_data.find_data_dir()), None
    except CatlrInputError as exc:
        return None, str(exc)


def _current() -> tuple[catlr_data.Dataset | None, engine.Problem | None, str | None]:
    own = state.get(state.USER_DATA)
    if own is not None:
        return own[0], own[1], None
    folder, reason = _locate()
    if folder is None:
        return None, None, reason
    try:
        ds, problem = _shared(folder)
    except CatlrInputError as exc:
        return None, None, str(exc)
    return ds, problem, None


def dataset() -> catlr_data.Dataset | None:
    """This user's dataset (their own upload, else the exercise's), or None when it cannot be loaded."""
    return _current()[0]


def problem() -> engine.Problem:
    """The prepared problem (X, Y and the Gram matrices) of :func:`dataset`; call after it returned one."""
    return _current()[1]


def load_error() -> str | None:
    """Why :func:`dataset` returns None (no data folder, or a file that failed validation), else None."""
    return _current()[2]


def is_own() -> bool:
    """True when this user works on their own uploaded files."""
    return state.get(state.USER_DATA) is not None


def use_uploaded(train: bytes, test: bytes) -> catlr_data.Dataset:
    """Validate two uploaded .h5 files (in the sandbox) and make them this user's dataset.

    Raises:
        CatlrInputError: the files are unusable; this user's dataset and model stay as they were.
    """
    ds = catlr_data.load_dataset_from_bytes(train, test, source="your uploaded files")
    problem = _prepare(ds)
    state.drop(*state.DATASET_DEPENDENT)
    state.put(state.USER_DATA, (ds, problem))
    return ds


def use_exercise_data() -> None:
    """Go back to the exercise's dataset."""
    state.drop(state.USER_DATA, *state.DATASET_DEPENDENT)


def require() -> catlr_data.Dataset:
    """The dataset, or stop this page with a pointer to the Home page's set-up panel."""
    ds = dataset()
    if ds is None:
        st.warning("The dataset is not loaded yet. The **Home** page shows how to get it.", icon="🗂️")
        st.page_link("pages/home.py", label="Go to Home", icon="🏠")
        st.stop()
    return ds


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
    if st.button("Use these files", disabled=train is None or test is None, key="home_use_files"):
        try:
            with st.spinner("Checking the files in a sandbox…"):
                own = use_uploaded(train.getvalue(), test.getvalue())
        except CatlrInputError as exc:
            st.error(str(exc), icon="🚫")
        else:
            st.toast(f"Loaded {own.m_train} training and {own.m_test} test images of {own.num_px}×{own.num_px} px.")
            st.rerun()
    if is_own() and st.button("Back to the exercise's dataset", key="home_back_to_exercise"):
        use_exercise_data()
        st.rerun()
