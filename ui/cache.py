"""Everything cached across users, in one place: only read-only things, shared by every session.

``st.cache_resource`` objects are shared by all users, so only read-only data goes here (the
exercise's dataset and its prepared problem, whose arrays are read-only). Per-user things live in
``st.session_state`` (see :mod:`ui.state`). Cache keys are short strings, never arrays.
"""

from __future__ import annotations

import io
import os

import numpy as np
import streamlit as st
from PIL import Image

from catlr import data, data_files, explain, problem, room_store, rooms, store

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


@st.cache_data(max_entries=32)
def room_image(data_key: str, subject: str, size: int, _image: np.ndarray) -> bytes:
    """PNG bytes of the image ``subject`` ("test/12", the (n, n, 3) uint8 ``_image``) of the data named
    ``data_key``, enlarged to (size, size) with nearest-neighbour so pixels stay crisp. Made once per process:
    every phone in a room redraws the question's image at each look (every few seconds)."""
    enlarged = Image.fromarray(np.asarray(_image, dtype=np.uint8)).resize((size, size), Image.Resampling.NEAREST)
    out = io.BytesIO()
    enlarged.save(out, format="PNG")
    return out.getvalue()


@st.cache_resource
def results() -> store.ResultStore:
    """The process's store of finished runs (read-only results shared by every user, least recently used out)."""
    return store.ResultStore(STORE_BYTES)


@st.cache_resource
def room_service() -> rooms.RoomStore:
    """The process's room store: in this process, or the Redis that ``CATLR_ROOMS_URL`` names (shared by every
    server using it). Raises CatlrInputError for a bad URL (nothing is cached then)."""
    return room_store.open_store(os.environ.get("CATLR_ROOMS_URL"))


DATA_CACHES = (exercise_data, typical_distance, room_image, results)  # what a new dataset makes stale
KEPT = (room_service,)  # open rooms are no cache of the data: their members and votes outlive a download


def clear() -> None:
    """Forget everything cached about the data (after the dataset was downloaded, so the next visit loads it).
    The room store is kept: the rooms open on this server go on."""
    for cached in DATA_CACHES:
        cached.clear()
