"""The Mistakes page's logic and blocks: the mistakes table, the threshold's confusion matrix and ROC, the gallery."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from catlr import metrics
from catlr.data import Dataset
from catlr.results import TrainResult
from ui import charts, explain_views, poke_views, session_data, session_model, state, widgets

COLUMNS = 6
KINDS = ["all mistakes", "false positives", "false negatives"]
ORDERS = ["image number", "most confident first", "least confident first"]


def splits_shown(ds: Dataset, include_train: bool) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{split: (labels (m,), images (m, n, n, 3))}: the test set, and the training set on request."""
    shown = {"test": (ds.test_set_y.ravel(), ds.test_set_x_orig)}
    if include_train:
        shown["train"] = (ds.train_set_y.ravel(), ds.train_set_x_orig)
    return shown


def scores_at(result: TrainResult, splits: dict, iteration: int) -> dict[str, np.ndarray]:
    """{split: P(cat) (m,)} of the model after ``iteration`` updates."""
    problem = session_data.problem_in_use()
    return {name: session_model.probabilities(result, problem, name, iteration) for name in splits}


def mistakes(splits: dict, scores: dict[str, np.ndarray], threshold: float) -> pd.DataFrame:
    """One row per misclassified image: split, index, true, predicted (0/1) and p_cat."""
    rows = []
    for name, (y, _) in splits.items():
        predicted = (scores[name] > threshold).astype(int)
        for i in np.flatnonzero(predicted != y):
            rows.append((name, int(i), int(y[i]), int(predicted[i]), float(scores[name][i])))
    return pd.DataFrame(rows, columns=["split", "index", "true", "predicted", "p_cat"])


def chosen(table: pd.DataFrame, kind: str, order: str, threshold: float) -> pd.DataFrame:
    """The mistakes of ``kind`` (one of KINDS) in ``order`` (one of ORDERS; confidence = |p − threshold|)."""
    if kind == "false positives":
        table = table[table["predicted"] == 1]
    elif kind == "false negatives":
        table = table[table["predicted"] == 0]
    confidence = (table["p_cat"] - threshold).abs().to_numpy()
    if order == "most confident first":
        return table.iloc[np.argsort(-confidence, kind="stable")]
    if order == "least confident first":
        return table.iloc[np.argsort(confidence, kind="stable")]
    return table


def summary(result: TrainResult, ds: Dataset, table: pd.DataFrame, splits: dict, iteration: int, threshold: float):
    """One sentence: how many test (and, when shown, training) images the model gets wrong."""
    when = "" if iteration == result.iterations_run else f" at iteration {iteration:,}"
    n_test = int((table["split"] == "test").sum())
    n_train = int((table["split"] == "train").sum())
    train_part = f" and **{n_train} of {ds.m_train}** training images." if "train" in splits else "."
    st.markdown(
        f"The current model ({result.config.num_iterations} iterations, learning rate "
        f"{result.config.learning_rate:g}){when} gets **{n_test} of {ds.m_test}** test images wrong"
        + train_part
        + ("" if threshold == 0.5 else f" (threshold {threshold:.2f})")
    )


def threshold_block(ds: Dataset, test_scores: np.ndarray, threshold: float) -> None:
    """The test set's confusion matrix at ``threshold``, and its ROC curve with this threshold's point."""
    y_test = ds.test_set_y.ravel()
    cm = metrics.confusion(y_test, test_scores, threshold)
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
    fpr, tpr, _ = metrics.roc_curve(y_test, test_scores)
    c2.vega_lite_chart(charts.roc_spec(fpr, tpr, (cm.false_positive_rate, cm.recall)), width="stretch")
    c2.caption(f"ROC curve of the test set (area {metrics.auc(fpr, tpr):.3f}); the dot is the current threshold.")
    st.warning(
        "Tuning the threshold while watching the test set overstates accuracy: the test set then helped choose "
        "the model. Choose a threshold on separate validation data.",
        icon="⚠️",
    )


def gallery(table: pd.DataFrame, splits: dict, ds: Dataset) -> None:
    """The mistakes as a grid of images, each with an Open button that picks it."""
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
                    alt=f"{row.split} image {row.index}: {ds.classes[row.true]}, the model says "
                    f"{ds.classes[row.predicted]}, P(cat) {row.p_cat:.2f}",
                )
                key = state.item_key(state.PAGE_MISTAKES, "open", row.split, row.index)
                if st.button("Open", key=key, width="stretch"):
                    state.put(state.MISTAKE_PICK, (row.split, row.index))


def picked(result: TrainResult, ds: Dataset, splits: dict, scores: dict, threshold: float, iteration: int) -> None:
    """The picked image large, with its explanation and when its prediction flipped."""
    pick = state.get(state.MISTAKE_PICK)
    if pick is None or pick[0] not in splits:
        return
    split, i = pick
    y, p = int(splits[split][0][i]), float(scores[split][i])
    st.divider()
    big, text = st.columns([1, 2])
    said = ds.classes[int(p > threshold)]
    big.image(
        widgets.upscale(splits[split][1][i], 320),
        caption=f"{split} image #{i}",
        alt=f"{split} image {i}, enlarged: {ds.classes[y]}, the model says {said}, P(cat) {p:.2f}",
    )
    text.header(f"{split.capitalize()} image #{i}")
    text.metric("P(cat)", f"{p:.4f}")
    text.markdown(
        f"True label: **{ds.classes[y]}** (y = {y}). The model says **{ds.classes[int(p > threshold)]}**"
        f" with P(cat) = {p:.4f}."
    )
    why_tab, flip_tab = st.tabs(["Why this prediction", "When did it flip"], key=state.MISTAKES_TAB, on_change="rerun")
    if why_tab.open:
        with why_tab:
            if iteration != result.iterations_run:
                st.caption("The breakdown is for the final model.")
            explain_views.why(splits[split][1][i], result, ds.classes, key_prefix=state.PAGE_MISTAKES, heading=None)
    if flip_tab.open:
        with flip_tab:
            logits, iterations = explain_views.logits_for_dataset(result, split, i)
            explain_views.flip(logits, iterations, key_prefix=state.PAGE_MISTAKES, classes=ds.classes, heading=None)
    poke_views.expanders(splits[split][1][i], result, ds.classes, key_prefix=state.PAGE_MISTAKES)
