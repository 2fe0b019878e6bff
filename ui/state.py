"""Every session-state key the app uses, defined once.

Results live under ``catlr.*`` keys that no widget owns, so they survive page switches. Widget keys
are page-prefixed; settings widgets use ``persist_state="session"`` so a slider keeps its value when
the user comes back, and the Train page's sliders are also bound to the URL (shareable links).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

# Results and per-user data (never widget keys).
MODEL = "catlr.model"  # the current TrainResult
TRAINED_FOR = "catlr.trained_for"  # the Train sliders' TrainConfig when MODEL was made (trained or loaded)
PREVIOUS_MODEL = "catlr.previous_model"  # the one before it (for metric deltas)
RUNS = "catlr.runs"  # list[ui.model.RunRecord], oldest first
RUN_COUNTER = "catlr.run_counter"
SWEEP = "catlr.sweep"  # (key, list[TrainResult]) of the last learning-rate comparison
PREDICTION = "catlr.prediction"  # ui.predict.Prediction of the last good photo
PREDICT_ERROR = "catlr.predict_error"  # message of the last rejected photo, shown once
DATASET_PICK = "catlr.dataset_pick"  # (split, index) selected on the Dataset page
MISTAKE_PICK = "catlr.mistake_pick"  # (split, index) selected on the Mistakes page
USER_DATA = "catlr.user_data"  # (Dataset, Problem) of this user's own uploaded .h5 files, or absent
USER_DATA_ERROR = "catlr.user_data_error"  # message of the last rejected dataset upload
STOPPED_FOR = "catlr.stopped_for"  # the Train sliders' TrainConfig whose run the user stopped

# Everything that depends on the dataset: dropped when this user switches datasets.
DATASET_DEPENDENT = (
    MODEL,
    TRAINED_FOR,
    PREVIOUS_MODEL,
    RUNS,
    SWEEP,
    PREDICTION,
    PREDICT_ERROR,
    DATASET_PICK,
    MISTAKE_PICK,
    STOPPED_FOR,
)

# Widget keys (page-prefixed). The Train ones double as URL query parameters.
TRAIN_ITERATIONS = "iterations"
TRAIN_LR = "lr"
TRAIN_L2 = "l2"
SWEEP_RATES = "train_sweep_rates"
SWEEP_ITERATIONS = "train_sweep_iterations"
OVERLAY_RUNS = "train_overlay_runs"
MODEL_FILE = "train_model_file"
TRAIN_STOP = "train_stop"  # the Stop button shown during a long run
TRAIN_RESUME = "train_resume"  # "Train these settings" after a stop
DATASET_SPLIT = "dataset_split"
DATASET_LABEL = "dataset_label"
DATASET_PAGE = "dataset_page"
MISTAKES_SORT = "mistakes_sort"
MISTAKES_KIND = "mistakes_kind"
MISTAKES_TRAIN = "mistakes_include_train"
MISTAKES_THRESHOLD = "threshold"
MISTAKES_ITERATION = "mistakes_iteration"
PREDICT_SOURCE = "predict_source"
PREDICT_FIT = "predict_fit"
PREDICT_UPLOAD = "predict_upload"
PREDICT_CAMERA = "predict_camera"
PREDICT_DATASET_SPLIT = "predict_dataset_split"
PREDICT_DATASET_INDEX = "predict_dataset_index"
PRESENTER = "present"  # sidebar toggle in app.py, kept in the URL
HOME_TRAIN_FILE = "home_train_file"
HOME_TEST_FILE = "home_test_file"


def get(key: str, default: Any = None) -> Any:
    """The value under ``key`` in this user's session, or ``default``."""
    return st.session_state.get(key, default)


def put(key: str, value: Any) -> None:
    """Store ``value`` under ``key`` in this user's session (call only after validation succeeded)."""
    st.session_state[key] = value


def drop(*keys: str) -> None:
    """Remove ``keys`` from this user's session (missing ones are ignored)."""
    for key in keys:
        st.session_state.pop(key, None)


# Inside the model / explanations (widget keys of pages/inside.py; the first doubles as a URL query parameter).
INSIDE_ITERATION = "inside_iteration"
INSIDE_FIXED_SCALE = "inside_fixed_scale"
