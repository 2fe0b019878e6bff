"""Predict: is this a cat? Upload a photo, take one, or pick a dataset image, and see what the model sees."""

import streamlit as st

from catlr import imaging
from ui import explain_views, poke_views, session_data, session_model, session_photo, state, teach_view, widgets

widgets.header(
    "🔮 Predict",
    "Give the model any photo: it is cropped or squashed to 64 × 64 pixels, flattened, and scored with σ(wᵀx + b).",
)
ds = session_data.require()
result = session_model.ensure()

c1, c2 = st.columns([3, 2])
source = (
    c1.segmented_control(
        "Photo from",
        ["Upload", "Camera", "Dataset"],
        default="Upload",
        key=state.PREDICT_SOURCE,
        bind="query-params",
    )
    or "Upload"
)
fit = (
    c2.segmented_control(
        "Fit to a square",
        list(imaging.FITS),
        default=imaging.DEFAULT_FIT,
        key=state.PREDICT_FIT,
        bind="query-params",
        help="crop: the centre square of the photo; squash: the whole photo resized, as the exercise does.",
    )
    or imaging.DEFAULT_FIT
)

marker = None
if source in ("Upload", "Camera"):
    if source == "Upload":
        given = st.file_uploader(
            f"Upload a photo ({', '.join(imaging.SUPPORTED_EXTENSIONS)})",
            key=state.PREDICT_UPLOAD,
            help="Phone photos are turned upright; transparent areas become white.",
        )
    else:
        given = st.camera_input("Take a photo", key=state.PREDICT_CAMERA)
    st.caption(widgets.PHOTO_PRIVACY)
    if given is not None:
        marker = (source, given.file_id, fit)
        session_photo.use_photo(marker, given.name, given.getvalue(), ds.num_px, fit)
else:
    d1, d2 = st.columns(2)
    split = (
        d1.segmented_control(
            "Split", ["test", "train"], default="test", key=state.PREDICT_DATASET_SPLIT, bind="query-params"
        )
        or "test"
    )
    images = ds.test_set_x_orig if split == "test" else ds.train_set_x_orig
    index = d2.number_input(
        f"Image number (0–{len(images) - 1})",
        0,
        len(images) - 1,
        0,
        key=state.PREDICT_DATASET_INDEX,
        bind="query-params",
    )
    marker = ("Dataset", split, int(index))
    session_photo.use_dataset_image(marker, f"{split} image #{index}", images[index])

error = session_photo.error_for(marker) if marker else None
if error:
    st.error(error, icon="🚫")

shown = session_photo.current()
if shown is None:
    st.info("Upload a photo, take one with the camera, or pick a dataset image to see what the model thinks.")
    st.stop()
if error or (marker is not None and shown.marker != marker):
    st.caption(f"Still showing the previous result: {shown.name}")

p = session_photo.p_cat(result, shown)
is_cat = p > 0.5
o1, o2, o3 = st.columns([2, 1, 2])
with o1:
    st.image(shown.preview, caption=f"Your photo: {shown.name}", width="stretch", alt=f"your photo {shown.name}")
with o2:
    st.image(
        widgets.upscale(shown.model_input, 256),
        caption=f"What the model sees ({ds.num_px} × {ds.num_px})",
        alt=f"the {ds.num_px} × {ds.num_px} image the model sees",
    )
with o3:
    st.metric("P(cat)", f"{p:.4f}")
    st.progress(p, text=f"{p:.1%} cat")
    st.header(f"{'🐱 ' + ds.classes[1] if is_cat else '🚫 ' + ds.classes[0]}")
    st.caption(
        f"Model: {result.config.num_iterations} iterations, learning rate {result.config.learning_rate:g} "
        f"(test accuracy {widgets.pct(result.test_accuracy)}). A linear model on 209 images is easily fooled."
    )
for note in shown.notes:
    st.info(note)
teach_view.panel(shown, ds.classes)

why_tab, flip_tab, near_tab = st.tabs(
    ["Why this prediction", "When did it flip", "Nearest training images"], key=state.PREDICT_TAB, on_change="rerun"
)
if why_tab.open:
    with why_tab:
        explain_views.why(shown.model_input, result, ds.classes, key_prefix=state.PAGE_PREDICT, heading=None)
if flip_tab.open:
    with flip_tab:
        if shown.marker[0] == "Dataset":
            logits, iterations = explain_views.logits_for_dataset(result, shown.marker[1], shown.marker[2])
        else:
            logits, iterations = explain_views.logits_for_image(result, shown.model_input)
        explain_views.flip(logits, iterations, key_prefix=state.PAGE_PREDICT, classes=ds.classes, heading=None)
if near_tab.open:
    with near_tab:
        active = session_data.active()
        explain_views.neighbours(shown.model_input, active, key_prefix=state.PAGE_PREDICT, heading=None)
poke_views.expanders(shown.model_input, result, ds.classes, key_prefix=state.PAGE_PREDICT)
