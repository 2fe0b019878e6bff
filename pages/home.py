"""Home: what catlr is, the dataset at a glance, and how to get the data when it is missing."""

import pandas as pd
import streamlit as st

from catlr import download
from catlr.errors import CatlrInputError
from ui import cache, charts, own_images, scenes, session_data, state, widgets

widgets.header(
    "🐱 catlr — see a classifier learn",
    "A cat / non-cat classifier written from scratch in NumPy: logistic regression trained by gradient descent, "
    "exactly as in the classic exercise. Move the sliders on **Train** and watch it learn in real time.",
)


ds = session_data.dataset()
if ds is None:
    st.error(session_data.load_error() or "The dataset could not be loaded.", icon="🗂️")
    st.header("Get the dataset")
    st.markdown(
        "catlr needs the exercise's two files, `train_catvnoncat.h5` and `test_catvnoncat.h5` (3 MB in all):\n"
        "1. **Download** them here (the checksums are verified), or run `python -m catlr download`;\n"
        "2. or point `CATLR_DATA_DIR` at a folder that holds them, then restart the app;\n"
        "3. or upload two files in the exercise's schema below, or build a dataset from your own photos."
    )
    if st.button("Download the dataset", type="primary", key=state.HOME_DOWNLOAD):
        bar = st.progress(0.0, text="Downloading…")
        try:
            download.download_dataset(progress=widgets.download_progress(bar))
        except CatlrInputError as exc:
            st.error(str(exc))
        else:
            cache.clear()
            st.rerun()
    session_data.own_dataset_panel()
    st.subheader("Or use your own images")
    own_images.panel()
    st.stop()

c1, c2, c3 = st.columns(3)
c1.metric("Training images", ds.m_train)
c2.metric("Test images", ds.m_test)
c3.metric("Image size", f"{ds.num_px} × {ds.num_px} RGB")

train_cats, test_cats = int(ds.train_set_y.sum()), int(ds.test_set_y.sum())
balance = pd.DataFrame(
    {ds.classes[1]: [train_cats, test_cats], ds.classes[0]: [ds.m_train - train_cats, ds.m_test - test_cats]},
    index=pd.Index(["train", "test"], name="split"),
)
origin = f"Your own data ({ds.source})" if session_data.is_own() else "The exercise's own files"
left, right = st.columns([2, 3])
with left:
    st.header("Class balance")
    st.bar_chart(balance, y_label="images", color=list(charts.CLASS_COLOURS), horizontal=True, height=220)
with right:
    st.header("Where the data comes from")
    st.markdown(
        f"{origin}. Each image is flattened to a vector of "
        f"{ds.num_px}·{ds.num_px}·3 = {ds.num_px * ds.num_px * 3:,} numbers and divided by 255. "
        "Note the two splits have **opposite** class balance: training is mostly non-cats, the test set "
        "mostly cats — so a model that always says *cat* would already score "
        f"{100 * ds.test_set_y.mean():.0f} % on test."
    )
for warning in ds.warnings:
    st.warning(warning)

st.header("Scenes for a lecture")
st.caption("Each link opens a page with its settings; the address bar then holds a link you can share.")
scenes.links()

with st.expander("Use your own images", expanded=own_images.pending() is not None):
    own_images.panel()
with st.expander("Use your own dataset (.h5 files)", expanded=session_data.is_own()):
    session_data.own_dataset_panel()
