"""Home's "Use your own images": build a dataset from photos (two uploaders, or one .zip), check the summary,
use it, download it.

The building is :mod:`catlr.photo_sources` and :mod:`catlr.photo_dataset` (the same code as ``python -m catlr
build-dataset``); this module holds the widgets and this user's built dataset until they use it
(``state.BUILT``). Using it makes it this user's data, like an uploaded .h5 pair (:mod:`ui.session_data`).
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from catlr import dataset_export, imaging, limits, photo_dataset, photo_sources
from catlr.errors import CatlrInputError
from ui import session_data, state

SOURCES = ("Two sets of photos", "One .zip with two folders")


@dataclass(frozen=True, eq=False)
class Pending:
    """A built dataset shown before (and after) use: the build and its key (its ActiveData key once used)."""

    built: photo_dataset.Built
    key: str


def pending() -> Pending | None:
    """This user's built dataset (before or after they used it), or None."""
    return state.get(state.BUILT)


def data_key(built: photo_dataset.Built) -> str:
    """A short name for the built dataset's content (its result-store key)."""
    ds = built.dataset
    h = hashlib.sha256("\0".join(ds.classes).encode())
    for a in (ds.train_set_x_orig, ds.train_set_y, ds.test_set_x_orig, ds.test_set_y):
        h.update(repr(a.shape).encode())
        h.update(a.tobytes())
    return "built:" + h.hexdigest()[:32]


def _files(uploads) -> list[photo_sources.SourceFile]:
    return [photo_sources.SourceFile(u.name, u.getvalue()) for u in uploads or []]


def _settings() -> photo_dataset.BuildSettings:
    c1, c2, c3, c4 = st.columns(4)
    num_px = c1.segmented_control(
        "Image size (px)", list(photo_dataset.NUM_PX_CHOICES), default=64, key=state.HOME_BUILD_NUM_PX
    )
    fit = c2.segmented_control(
        "Fit to a square", list(imaging.FITS), default=imaging.DEFAULT_FIT, key=state.HOME_BUILD_FIT
    )
    fraction = c3.slider(
        "Test fraction",
        limits.MIN_TEST_FRACTION,
        limits.MAX_TEST_FRACTION,
        0.2,
        0.05,
        key=state.HOME_BUILD_TEST_FRACTION,
    )
    seed = c4.number_input("Split seed", 0, 2**31 - 1, 0, key=state.HOME_BUILD_SEED)
    return photo_dataset.BuildSettings(
        num_px=int(num_px or 64), fit=fit or imaging.DEFAULT_FIT, test_fraction=float(fraction), seed=int(seed)
    )


def _two_sets(settings: photo_dataset.BuildSettings) -> photo_dataset.Built | None:
    left, right = st.columns(2)
    name1 = left.text_input("Class 1 (the 'cat' side)", "my cat", key=state.HOME_BUILD_NAME1)
    ones = left.file_uploader(
        f"Photos of {name1 or 'class 1'}",
        type=imaging.SUPPORTED_EXTENSIONS,
        accept_multiple_files=True,
        key=state.HOME_BUILD_FILES1,
    )
    name0 = right.text_input("Class 0 (the 'non-cat' side)", "other", key=state.HOME_BUILD_NAME0)
    zeros = right.file_uploader(
        f"Photos of {name0 or 'class 0'}",
        type=imaging.SUPPORTED_EXTENSIONS,
        accept_multiple_files=True,
        key=state.HOME_BUILD_FILES0,
    )
    if not st.button("Build the dataset", disabled=not (ones or zeros), key=state.HOME_BUILD):
        return None
    files1, files0 = _files(ones), _files(zeros)
    return photo_dataset.build_dataset(files1, files0, class1_name=name1, class0_name=name0, settings=settings)


def _one_zip(settings: photo_dataset.BuildSettings) -> photo_dataset.Built | None:
    upload = st.file_uploader("A .zip with two folders, one per class", type=["zip"], key=state.HOME_BUILD_ZIP)
    swap = st.toggle(
        "Class 1 (the 'cat' side) is the second folder in alphabetical order",
        key=state.HOME_BUILD_SWAP,
        help="By default the first folder in alphabetical order is class 1; class names are the folder names.",
    )
    if not st.button("Build the dataset", disabled=upload is None, key=state.HOME_BUILD):
        return None
    collected = photo_sources.read_zip(upload.getvalue(), upload.name)
    one, zero = (1, 0) if swap else (0, 1)
    return photo_dataset.build_dataset(
        collected.files[one],
        collected.files[zero],
        class1_name=collected.folders[one],
        class0_name=collected.folders[zero],
        settings=settings,
        rejected=collected.rejected,
        source=upload.name,
    )


def summary_table(built: photo_dataset.Built) -> pd.DataFrame:
    """Images per class (rows, class 1 first) and split (columns)."""
    s = built.summary
    return pd.DataFrame(
        {
            "class": [f"{s.classes[1]} (1)", f"{s.classes[0]} (0)"],
            "train": [s.counts[("train", 1)], s.counts[("train", 0)]],
            "test": [s.counts[("test", 1)], s.counts[("test", 0)]],
        }
    )


def _summary(pending: Pending) -> None:
    built = pending.built
    s, ds = built.summary, built.dataset
    st.markdown(
        f"**Built: {ds.m_train} training and {ds.m_test} test images** of {s.settings.num_px} × {s.settings.num_px} "
        f"px ({s.settings.fit}, test fraction {s.settings.test_fraction:g}, seed {s.settings.seed})."
    )
    st.dataframe(summary_table(built), hide_index=True, width="content")
    if s.rejected:
        st.markdown(f"**Left out: {len(s.rejected)} file(s)**")
        st.dataframe(pd.DataFrame({"file": [r.name for r in s.rejected], "reason": [r.reason for r in s.rejected]}),
                     hide_index=True)  # fmt: skip
    for warning in ds.warnings:
        st.warning(warning)
    c1, c2, c3, c4 = st.columns(4)
    active = session_data.active()
    if active is not None and active.key == pending.key:
        c1.success("In use on every page.", icon="✅")
    elif c1.button("Use this dataset", type="primary", key=state.HOME_BUILD_USE):
        session_data.use_dataset(ds, pending.key)
        st.rerun()
    export = dataset_export.h5_bytes
    c2.download_button("train .h5", functools.partial(export, ds, "train"), "train_catvnoncat.h5",
                       key=state.HOME_BUILD_DOWNLOAD_TRAIN)  # fmt: skip
    c3.download_button("test .h5", functools.partial(export, ds, "test"), "test_catvnoncat.h5",
                       key=state.HOME_BUILD_DOWNLOAD_TEST)  # fmt: skip
    c4.download_button("images .zip", functools.partial(dataset_export.images_zip, ds, built.names),
                       "images.zip", key=state.HOME_BUILD_DOWNLOAD_ZIP)  # fmt: skip


def panel() -> None:
    """Build a dataset from photos: inputs, the build, the summary, use and downloads."""
    with st.container(key=state.HOME_BUILD_PANEL):
        _panel()


def _panel() -> None:
    st.markdown(
        f"Photos of two classes become a dataset through the same path as a photo on **Predict** (turned upright, "
        f"cropped or squashed to a square). Up to {limits.MAX_BUILD_PHOTOS:,} photos and "
        f"{limits.MAX_BUILD_BYTES // 2**20} MB in all (the server takes 50 MB per upload); a .zip may list at most "
        f"{limits.MAX_ZIP_ENTRIES:,} entries. A file that is not a usable photo is left out and listed. Only you see "
        "your photos."
    )
    source = st.segmented_control("Photos from", SOURCES, default=SOURCES[0], key=state.HOME_BUILD_SOURCE)
    settings = None
    try:
        settings = _settings()
        built = _one_zip(settings) if source == SOURCES[1] else _two_sets(settings)
    except CatlrInputError as exc:
        st.error(str(exc), icon="🚫")
        built = None
    if built is not None:
        state.put(state.BUILT, Pending(built, data_key(built)))
    shown = pending()
    if shown is not None:
        _summary(shown)
