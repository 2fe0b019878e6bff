"""Dataset: browse the training and test images with their labels, and the mean image of each class."""

import numpy as np
import streamlit as st

from ui import session_data, state, widgets

PER_PAGE = 24
COLUMNS = 8

widgets.header("🖼️ Dataset", "Every image the model learns from and is tested on, with its label (y = 1 is a cat).")
ds = session_data.require()

f1, f2, f3 = st.columns([2, 2, 3])
split = (
    f1.segmented_control("Split", ["train", "test"], default="train", key=state.DATASET_SPLIT, bind="query-params")
    or "train"
)
label_filter = (
    f2.segmented_control(
        "Label", ["all", ds.classes[1], ds.classes[0]], default="all", key=state.DATASET_LABEL, bind="query-params"
    )
    or "all"
)

images = ds.train_set_x_orig if split == "train" else ds.test_set_x_orig
labels = (ds.train_set_y if split == "train" else ds.test_set_y).ravel()
indices = np.arange(len(labels))
if label_filter != "all":
    indices = indices[labels == ds.classes.index(label_filter)]

pages = max(1, -(-len(indices) // PER_PAGE))
page = (
    f3.number_input(f"Page (of {pages})", 1, pages, 1, key=state.DATASET_PAGE, bind="query-params") if pages > 1 else 1
)
shown = indices[(page - 1) * PER_PAGE : page * PER_PAGE]
st.caption(f"{len(indices)} {split} images; showing {len(shown)}. Pick one to see it large.")

for row in range(0, len(shown), COLUMNS):
    cols = st.columns(COLUMNS)
    for col, i in zip(cols, shown[row : row + COLUMNS], strict=False):
        with col:
            st.image(
                widgets.upscale(images[i], 128),
                caption=f"#{i} · {ds.classes[labels[i]]}",
                alt=f"{split} image {i}: {ds.classes[labels[i]]}",
            )
            if st.button("View", key=state.item_key(state.PAGE_DATASET, "view", split, i), width="stretch"):
                state.put(state.DATASET_PICK, (split, int(i)))

pick = state.get(state.DATASET_PICK)
if pick is not None and pick[0] == split:
    i = pick[1]
    st.divider()
    big, text = st.columns([1, 2])
    big.image(
        widgets.upscale(images[i], 320),
        caption=f"{split} image #{i}",
        alt=f"{split} image {i}, enlarged: {ds.classes[labels[i]]}",
    )
    text.header(f"{split.capitalize()} image #{i}")
    text.markdown(f"y = {labels[i]}, it's a '{ds.classes[labels[i]]}' picture.")

st.divider()
st.header(f"Mean image of each class ({split})")
means = st.columns(4)
for col, cls in zip(means, (1, 0), strict=False):
    members = images[labels == cls]
    if len(members):
        col.image(
            widgets.upscale(members.mean(axis=0).round().astype(np.uint8), 192),
            caption=f"mean '{ds.classes[cls]}' ({len(members)})",
            alt=f"the average of the {len(members)} {split} images labelled {ds.classes[cls]}",
        )
st.caption(
    "Averages blur into a brownish centre: no single pixel separates cats from the rest, "
    "which is why a linear model struggles."
)
