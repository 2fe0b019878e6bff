"""Mistakes: the images the current model gets wrong, at any threshold and any iteration of its training."""

import streamlit as st

from ui import mistakes_view, session_data, session_model, state, widgets

widgets.header(
    "❌ Mistakes", "Every image the current model misclassifies, with its true label, prediction and P(cat)."
)
ds = session_data.require()
result = session_model.ensure()
last = result.iterations_run

f1, f2, f3 = st.columns([3, 2, 2])
kind = (
    f1.segmented_control(
        "Show", mistakes_view.KINDS, default="all mistakes", key=state.MISTAKES_KIND, bind="query-params"
    )
    or "all mistakes"
)
order = f2.selectbox("Sort by", mistakes_view.ORDERS, key=state.MISTAKES_SORT, bind="query-params")
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

splits = mistakes_view.splits_shown(ds, include_train)
scores = mistakes_view.scores_at(result, splits, iteration)
table = mistakes_view.mistakes(splits, scores, threshold)
mistakes_view.summary(result, ds, table, splits, iteration, threshold)
with st.expander("Threshold, confusion matrix and ROC curve", expanded=threshold != 0.5):
    mistakes_view.threshold_block(ds, scores["test"], threshold)
mistakes_view.gallery(mistakes_view.chosen(table, kind, order, threshold), splits, ds)
mistakes_view.picked(result, ds, splits, scores, threshold, iteration)
