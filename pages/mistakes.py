"""Mistakes: the images the current model gets wrong, at any threshold and any iteration of its training."""

import numpy as np
import pandas as pd
import streamlit as st

from catlr import explain
from ui import data, model, state, widgets
from ui import explain as explain_ui

COLUMNS = 6

widgets.header(
    "❌ Mistakes", "Every image the current model misclassifies, with its true label, prediction and P(cat)."
)
ds = data.require()
result = model.ensure()
problem = data.problem()
last = result.iterations_run

f1, f2, f3 = st.columns([3, 2, 2])
kind = (
    f1.segmented_control(
        "Show",
        ["all mistakes", "false positives", "false negatives"],
        default="all mistakes",
        key=state.MISTAKES_KIND,
        bind="query-params",
    )
    or "all mistakes"
)
order = f2.selectbox(
    "Sort by",
    ["image number", "most confident first", "least confident first"],
    key=state.MISTAKES_SORT,
    bind="query-params",
)
include_train = f3.toggle("Training-set mistakes too", key=state.MISTAKES_TRAIN, bind="query-params")
g1, g2 = st.columns(2)
threshold = g1.slider(
    "Decision threshold",
    0.01,
    0.99,
    0.5,
    step=0.01,
    key=state.MISTAKES_THRESHOLD,
    bind="query-params",
    help="An image is called a cat when P(cat) is above this. The exercise uses 0.5.",
)
if state.get(state.MISTAKES_ITERATION, 0) > last:  # a replay point beyond a newer, shorter model
    state.put(state.MISTAKES_ITERATION, last)
iteration = (
    g2.slider(
        "Replay at iteration",
        0,
        last,
        last,
        key=state.MISTAKES_ITERATION,
        bind="query-params",
        help="See which images the model got wrong at any moment of its training.",
    )
    if last > 0
    else 0
)


splits = {"test": (ds.test_set_y.ravel(), ds.test_set_x_orig)}
if include_train:
    splits["train"] = (ds.train_set_y.ravel(), ds.train_set_x_orig)
scores = {name: model.probabilities(result, problem, name, iteration) for name in splits}
rows = []
for name, (y, _) in splits.items():
    predicted = (scores[name] > threshold).astype(int)
    for i in np.flatnonzero(predicted != y):
        rows.append((name, int(i), int(y[i]), int(predicted[i]), float(scores[name][i])))
table = pd.DataFrame(rows, columns=["split", "index", "true", "predicted", "p_cat"])
n_test = int((table["split"] == "test").sum())
when = "" if iteration == last else f" at iteration {iteration:,}"
st.markdown(
    f"The current model ({result.config.num_iterations} iterations, learning rate "
    f"{result.config.learning_rate:g}){when} gets **{n_test} of {ds.m_test}** test images wrong"
    + (f" and **{int((table['split'] == 'train').sum())} of {ds.m_train}** training images." if include_train else ".")
    + ("" if threshold == 0.5 else f" (threshold {threshold:.2f})")
)

with st.expander("Threshold, confusion matrix and ROC curve", expanded=threshold != 0.5):
    y_test = ds.test_set_y.ravel()
    cm = explain.confusion(y_test, scores["test"], threshold)
    c1, c2 = st.columns([2, 3])
    c1.dataframe(
        pd.DataFrame(
            {f"predicted {ds.classes[1]}": [cm.tp, cm.fp], f"predicted {ds.classes[0]}": [cm.fn, cm.tn]},
            index=[f"is {ds.classes[1]}", f"is {ds.classes[0]}"],
        )
    )
    c1.markdown(
        f"Accuracy **{100 * cm.accuracy:.1f} %**, precision {100 * cm.precision:.1f} %, recall {100 * cm.recall:.1f} %."
    )
    fpr, tpr, _ = explain.roc_curve(y_test, scores["test"])
    area = explain.auc(fpr, tpr)
    point_fpr = cm.fp / max(cm.fp + cm.tn, 1)
    point_tpr = cm.tp / max(cm.tp + cm.fn, 1)
    c2.vega_lite_chart(
        {
            "height": 260,
            "layer": [
                {
                    "data": {"values": [{"fpr": float(a), "tpr": float(b)} for a, b in zip(fpr, tpr, strict=True)]},
                    "mark": {"type": "line", "interpolate": "step-after"},
                    "encoding": {
                        "x": {"field": "fpr", "type": "quantitative", "title": "false-positive rate"},
                        "y": {"field": "tpr", "type": "quantitative", "title": "true-positive rate"},
                    },
                },
                {
                    "data": {"values": [{"fpr": point_fpr, "tpr": point_tpr}]},
                    "mark": {"type": "point", "filled": True, "size": 120, "color": "#e8590c"},
                    "encoding": {
                        "x": {"field": "fpr", "type": "quantitative"},
                        "y": {"field": "tpr", "type": "quantitative"},
                    },
                },
            ],
        },
        width="stretch",
    )
    c2.caption(f"ROC curve of the test set (area {area:.3f}); the dot is the current threshold.")
    st.warning(
        "Tuning the threshold while watching the test set overstates accuracy: the test set then helped choose "
        "the model. Choose a threshold on separate validation data.",
        icon="⚠️",
    )

if kind == "false positives":
    table = table[table["predicted"] == 1]
elif kind == "false negatives":
    table = table[table["predicted"] == 0]
confidence = (table["p_cat"] - threshold).abs().to_numpy()
if order == "most confident first":
    table = table.iloc[np.argsort(-confidence, kind="stable")]
elif order == "least confident first":
    table = table.iloc[np.argsort(confidence, kind="stable")]

if table.empty:
    st.success("No mistakes of this kind. 🎉")
for start in range(0, len(table), COLUMNS):
    cols = st.columns(COLUMNS)
    for col, row in zip(cols, table.iloc[start : start + COLUMNS].itertuples(), strict=False):
        with col:
            st.image(
                widgets.upscale(splits[row.split][1][row.index], 128),
                caption=f"{row.split} #{row.index}: {ds.classes[row.true]} → said {ds.classes[row.predicted]}"
                f" · P(cat) {row.p_cat:.3f}",
            )
            if st.button("Open", key=f"mistakes_open_{row.split}_{row.index}", width="stretch"):
                state.put(state.MISTAKE_PICK, (row.split, row.index))

pick = state.get(state.MISTAKE_PICK)
if pick is not None and pick[0] in splits:
    split, i = pick
    y = int(splits[split][0][i])
    p = float(scores[split][i])
    st.divider()
    big, text = st.columns([1, 2])
    big.image(widgets.upscale(splits[split][1][i], 320), caption=f"{split} image #{i}")
    text.subheader(f"{split.capitalize()} image #{i}")
    text.metric("P(cat)", f"{p:.4f}")
    text.markdown(
        f"True label: **{ds.classes[y]}** (y = {y}). The model says **{ds.classes[int(p > threshold)]}**"
        f" with P(cat) = {p:.4f}."
    )
    why_tab, flip_tab = st.tabs(["Why this prediction", "When did it flip"])
    with why_tab:
        if iteration != last:
            st.caption("The breakdown is for the final model.")
        explain_ui.why(splits[split][1][i], result, ds.classes, key_prefix="mistakes", heading=None)
    with flip_tab:
        logits, iterations = explain_ui.logits_for_dataset(result, split, i)
        explain_ui.flip(logits, iterations, key_prefix="mistakes", classes=ds.classes, heading=None)
