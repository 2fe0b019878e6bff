"""Inside the model: the learned weights drawn as the image they multiply, at any point of training."""

import streamlit as st

from catlr.logistic import sigmoid
from ui import explain_views, session_data, session_model, state, widgets

BIG_PX = 448  # the all-channels image
SMALL_PX = 256  # each channel

widgets.header(
    "🔬 Inside the model",
    "The model's weights drawn as the image they multiply: what it looks for, and how it grew during training.",
)
ds = session_data.require()
result = session_model.ensure()
history = result.history
iterations = list(history.checkpoints)  # about 40 evenly spaced, 0 and the last included
n_weights = ds.num_px * ds.num_px * 3

s1, s2 = st.columns([3, 1], vertical_alignment="bottom")
if len(iterations) > 1:
    at = s1.select_slider(
        "Weights after iteration",
        iterations,
        value=iterations[-1],
        format_func=widgets.count,
        key=state.INSIDE_ITERATION,
        bind="query-params",
        persist_state="session",
        help="The weights are stored at about 40 evenly spaced points of the run; the last is the current model.",
    )
else:
    at = iterations[0]
    s1.caption("This model was not trained (0 iterations): its weights are all zero.")
same_scale = s2.toggle(
    "Fixed colour scale",
    value=True,
    key=state.INSIDE_FIXED_SCALE,
    bind="query-params",
    help="On: full colour is the largest weight of the whole run, so you see the weights grow from zero. "
    "Off: each iteration is scaled to its own largest weight, so early patterns show too.",
)

views = explain_views.weight_views(result, ds.num_px, at, same_scale)
b = float(history.b[at])
last = iterations[-1]
m1, m2, m3, m4, m5 = st.columns(5)
m1.metric(
    "Train accuracy",
    widgets.pct(history.train_accuracy[at]),
    explain_views.change_from_last(history.train_accuracy, at, " pp"),
)
m2.metric(
    "Test accuracy",
    "—" if history.test_accuracy is None else widgets.pct(history.test_accuracy[at]),
    explain_views.change_from_last(history.test_accuracy, at, " pp"),
)
m3.metric(
    "Train cost",
    f"{history.train_cost[at]:.6f}",
    explain_views.change_from_last(history.train_cost, at),
    delta_color="inverse",
)
m4.metric(
    "Test cost",
    "—" if history.test_cost is None else f"{history.test_cost[at]:.6f}",
    explain_views.change_from_last(history.test_cost, at),
    delta_color="inverse",
)
m5.metric("Bias b", f"{b:.4f}")
if at != last:
    st.caption(f"Changes are against the current model, after iteration {last:,}.")

big, small = st.columns([5, 7], gap="large")
with big:
    st.image(
        widgets.upscale(views[0].rgb, BIG_PX),
        caption=f"{views[0].title}, iteration {at:,}",
        width="stretch",
        output_format="PNG",
        alt=f"the weights after iteration {at:,} as an image, all channels: red pushes towards {ds.classes[1]}, "
        f"blue towards {ds.classes[0]}",
    )
    explain_views.colour_bar(views[0].limit, *ds.classes)
with small:
    for col, view in zip(st.columns(3), views[1:], strict=True):
        col.image(
            widgets.upscale(view.rgb, SMALL_PX),
            caption=view.title,
            width="stretch",
            output_format="PNG",
            alt=f"{view.title} of the weights as an image: red pushes towards {ds.classes[1]}",
        )
    explain_views.colour_bar(views[1].limit, *ds.classes)
    st.markdown(
        f"**How to read it.** The model scores a photo as z = w·x + b and answers P(cat) = σ(z). Each of its "
        f"{n_weights:,} weights multiplies one number of the photo ({ds.num_px} × {ds.num_px} pixels × red, green, "
        f"blue). Where a weight is **red**, a bright pixel pushes the answer towards *{ds.classes[1]}*; where it is "
        f"**blue**, towards *{ds.classes[0]}*; white weights hardly matter. The large image adds each pixel's three "
        "weights (the push a grey pixel would get); the small ones show each colour on its own."
    )
    st.markdown(
        f"**Why it looks like noise.** {n_weights:,} weights are fitted to only {ds.m_train} images. Gradient "
        "descent from zero keeps w a weighted mix of the training photos, and with so many more weights than "
        "images it can get each training photo right on its own instead of learning what a cat looks like: "
        f"{widgets.pct(result.train_accuracy)} right on the training images, "
        f"{'—' if result.test_accuracy is None else widgets.pct(result.test_accuracy)} on unseen test images."
    )
    st.markdown(
        f"**The bias** b = {b:.4f} is the logit of an all-black photo (every x = 0, so the weights add nothing): "
        f"P(cat) = σ(b) = {float(sigmoid(b)):.4f}."
    )
st.caption(
    "Colours: blue–white–red centred on zero; "
    + (
        "one scale for every iteration (the largest weight of the run is full colour)."
        if same_scale
        else "each iteration scaled to its own largest weight."
    )
    + " The three channels share one scale so they compare directly."
)
