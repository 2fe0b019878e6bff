"""Every session-state key the app uses, defined once, with one naming scheme.

- **Results and per-user data** live under ``catlr.<name>`` keys that no widget owns, so they survive
  page switches (Streamlit deletes a widget's key when the user opens a page without that widget).
- **Widget and element keys** are ``<page>_<name>``, with page one of ``app`` (the sidebar), ``home``,
  ``train``, ``dataset``, ``mistakes``, ``predict``, ``inside``, ``step``, ``room`` (the presenter's room),
  ``join`` (the audience's page). A widget bound to the URL (``bind="query-params"``) uses its key as the
  query parameter, so links read ``/train?train_lr=0.01``.
- Keys made per item (one button per image, one block per explanation) come from the functions at the
  end, never from string literals in a page (``tests/ui/test_state.py`` checks both).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

# Results and per-user data (never widget keys).
MODEL = "catlr.model"  # the current TrainResult
TRAINED_FOR = "catlr.trained_for"  # the Train sliders' TrainConfig when MODEL was made (trained or loaded)
PREVIOUS_MODEL = "catlr.previous_model"  # the one before it (for metric deltas)
RUNS = "catlr.runs"  # list[ui.session_model.RunRecord], oldest first
RUN_COUNTER = "catlr.run_counter"
SWEEP = "catlr.sweep"  # (key, list[TrainResult]) of the last learning-rate comparison
PREDICTION = "catlr.prediction"  # ui.session_photo.Prediction of the last good photo
PREDICT_ERROR = "catlr.predict_error"  # (marker, message) of the last rejected photo, shown once
DATASET_PICK = "catlr.dataset_pick"  # (split, index) selected on the Dataset page
MISTAKE_PICK = "catlr.mistake_pick"  # (split, index) selected on the Mistakes page
USER_DATA = "catlr.user_data"  # ui.session_data.ActiveData of this user's own uploaded .h5 files, or absent
STOPPED_FOR = "catlr.stopped_for"  # the Train sliders' TrainConfig whose run the user stopped
TEACHING = "catlr.teaching"  # ui.teach_view.Teaching: photos this user added to training on Predict
BUILT = "catlr.built"  # ui.own_images.Pending: a dataset built from photos on Home, shown before and after use
ROOM_HOSTED = "catlr.room_hosted"  # (code, presenter secret) of the room this session opened; never in a URL
ROOM_MEMBER = "catlr.room_member"  # (code, member id) of the room this session joined
ROOM_LIMITS = "catlr.room_limits"  # {"joins" | "votes" | "rooms": catlr.room_inputs.RateLimiter} of this session
JOIN_WALL_SEEN = "catlr.join_wall_seen"  # whether the photo wall was open when this phone's page was drawn
JOIN_PHOTOS_SENT = "catlr.join_photos_sent"  # {upload's file id: None (sent) | why it was refused}: each sent once

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
    TEACHING,
)

# Widget keys, by page. Those bound to the URL are also its query parameters.
APP_PRESENTER = "app_presenter"  # the sidebar's presenter-mode toggle (app.py)
HOME_DOWNLOAD = "home_download"
HOME_TRAIN_FILE = "home_train_file"
HOME_TEST_FILE = "home_test_file"
HOME_USE_FILES = "home_use_files"
HOME_BACK_TO_EXERCISE = "home_back_to_exercise"
HOME_BUILD_SOURCE = "home_build_source"  # two uploaders or one zip
HOME_BUILD_NAME1 = "home_build_name1"
HOME_BUILD_NAME0 = "home_build_name0"
HOME_BUILD_FILES1 = "home_build_files1"
HOME_BUILD_FILES0 = "home_build_files0"
HOME_BUILD_ZIP = "home_build_zip"
HOME_BUILD_SWAP = "home_build_swap"
HOME_BUILD_NUM_PX = "home_build_num_px"
HOME_BUILD_FIT = "home_build_fit"
HOME_BUILD_TEST_FRACTION = "home_build_test_fraction"
HOME_BUILD_SEED = "home_build_seed"
HOME_BUILD = "home_build"  # the "Build the dataset" button
HOME_BUILD_USE = "home_build_use"
HOME_BUILD_DOWNLOAD_TRAIN = "home_build_download_train"
HOME_BUILD_DOWNLOAD_TEST = "home_build_download_test"
HOME_BUILD_DOWNLOAD_ZIP = "home_build_download_zip"
HOME_BUILD_PANEL = "home_build_panel"  # the container of the whole "Use your own images" block
TRAIN_ITERATIONS = "train_iterations"
TRAIN_LR = "train_lr"
TRAIN_L2 = "train_l2"
TRAIN_STOP = "train_stop"  # the Stop button shown during a long run
TRAIN_RESUME = "train_resume"  # "Train these settings" after a stop
TRAIN_SWEEP_RATES = "train_sweep_rates"
TRAIN_SWEEP_ITERATIONS = "train_sweep_iterations"
TRAIN_OVERLAY_RUNS = "train_overlay_runs"
TRAIN_MODEL_FILE = "train_model_file"
TRAIN_USE_MODEL = "train_use_model"
TRAIN_DOWNLOAD_CSV = "train_download_csv"
TRAIN_DOWNLOAD_MODEL = "train_download_model"
TRAIN_DOWNLOAD_HANDOUT = "train_download_handout"
TRAIN_TAB = "train_tab"  # the open tab: only its content runs
DATASET_SPLIT = "dataset_split"
DATASET_LABEL = "dataset_label"
DATASET_PAGE = "dataset_page"
MISTAKES_KIND = "mistakes_kind"
MISTAKES_SORT = "mistakes_sort"
MISTAKES_TRAIN = "mistakes_include_train"
MISTAKES_THRESHOLD = "mistakes_threshold"
MISTAKES_ITERATION = "mistakes_iteration"
MISTAKES_TAB = "mistakes_tab"
PREDICT_SOURCE = "predict_source"
PREDICT_FIT = "predict_fit"
PREDICT_UPLOAD = "predict_upload"
PREDICT_CAMERA = "predict_camera"
PREDICT_DATASET_SPLIT = "predict_dataset_split"
PREDICT_DATASET_INDEX = "predict_dataset_index"
PREDICT_TAB = "predict_tab"
PREDICT_TEACH_POSITIVE = "predict_teach_positive"  # "Add to training as cat"
PREDICT_TEACH_NEGATIVE = "predict_teach_negative"  # "Add to training as non-cat"
PREDICT_TEACH_RESTORE = "predict_teach_restore"
INSIDE_ITERATION = "inside_iteration"
INSIDE_FIXED_SCALE = "inside_fixed_scale"
STEP_ITERATIONS = "step_iterations"  # the run's settings on the Step-through page
STEP_LR = "step_lr"
STEP_L2 = "step_l2"
STEP_AT = "step_at"  # the current iteration
STEP_PLAY = "step_play"
STEP_SPEED = "step_speed"  # iterations per tick while playing
STEP_TAB = "step_tab"  # the open tab: only its content runs
ROOM_OPEN = "room_open"
ROOM_ACTIVITY = "room_activity"
ROOM_SPLIT = "room_split"
ROOM_INDEX = "room_index"
ROOM_LR = "room_lr"
ROOM_CURVE_VARY = "room_curve_vary"  # Predict the curve: the learning rate, or the iteration count
ROOM_FIT_ITERATIONS = "room_fit_iterations"
ROOM_ASK = "room_ask"
ROOM_REVEAL = "room_reveal"
ROOM_CLOSE = "room_close"
ROOM_SHOW_NICKNAMES = "room_show_nicknames"
ROOM_FOLLOW_SCENE = "room_follow_scene"
ROOM_FOLLOW = "room_follow"
ROOM_UNFOLLOW = "room_unfollow"
ROOM_WALL = "room_wall"  # the photo wall's switch
ROOM_WALL_REVIEW = "room_wall_review"  # draw the waiting photos (not for the projector)
ROOM_CAT_SOURCE = "room_cat_source"  # "Cat or not?" about: an image by number, a mistake, a wall photo
ROOM_MISTAKE = "room_mistake"  # the test image the model gets wrong, picked by its number
ROOM_WALL_PICK = "room_wall_pick"  # the approved wall photo picked, by its id
ROOM_REVEAL_CAT = "room_reveal_cat"  # reveal a wall photo's question: the presenter says it is a cat
ROOM_REVEAL_NOT = "room_reveal_not"  # … not a cat
JOIN_CODE = "join_code"
JOIN_GO = "join_go"
JOIN_NICKNAME = "join_nickname"
JOIN_NICKNAME_SAVE = "join_nickname_save"
JOIN_PHOTO_CAMERA_ON = "join_photo_camera_on"
JOIN_PHOTO_CAMERA = "join_photo_camera"
JOIN_PHOTO_UPLOAD = "join_photo_upload"

# Page prefixes of the keys made per item.
PAGE_DATASET = "dataset"
PAGE_MISTAKES = "mistakes"
PAGE_PREDICT = "predict"
PAGE_STEP = "step"
PAGE_ROOM = "room"
PAGE_JOIN = "join"


def item_key(page: str, name: str, *parts: object) -> str:
    """The key of one of many like elements: ``item_key(PAGE_MISTAKES, "open", "test", 5)`` is
    ``mistakes_open_test_5``."""
    return "_".join([page, name, *(str(p) for p in parts)])


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
