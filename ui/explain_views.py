"""Renderers that explain the current model exactly: its weights, one prediction, its history, its neighbours.

Every function takes what it shows as arguments (no hidden globals) and a ``key_prefix`` that keeps the
keys of its elements apart when a page shows it more than once (see :func:`ui.state.item_key`). The maths
is in :mod:`catlr.explain` and :mod:`catlr.colours`.
"""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from catlr import colours, explain
from catlr.data import flatten
from catlr.logistic import sigmoid
from catlr.results import TrainResult
from ui import charts, session_data, state, widgets

CHANNEL_NAMES = ("red", "green", "blue")
EXPLAIN_PX = 320  # side of the image and of its contribution overlay in "Why this prediction"
NEIGHBOUR_PX = 192  # side of each nearest training image
FLIP_POINTS = 1_000  # most points drawn on the P(cat) curve
PARTS = ("bias b", "Σ towards cat", "Σ away from cat", "logit z")  # the logit breakdown, in order
RED, BLUE, GREY, INK = "#b2182b", "#2166ac", "#8c8c8c", "#1f2328"


# ------------------------------------------------------------------------------------------ the weights


@dataclass(frozen=True)
class WeightView:
    """One drawing of the weights: a title, the (n, n, 3) uint8 picture and the weight drawn as full colour."""

    title: str
    rgb: np.ndarray
    limit: float


def weight_views(result: TrainResult, num_px: int, iteration: int, same_scale: bool) -> list[WeightView]:
    """The weights at a checkpoint iteration: all channels summed per pixel, then red, green and blue alone.

    Args:
        result: a trained model; ``iteration`` must be one of ``result.history.checkpoints``.
        num_px: image side.
        iteration: the checkpoint to draw.
        same_scale: True colours every checkpoint on one scale (max |weight| over all checkpoints, so
            early weights look pale); False scales each checkpoint to its own largest weight.

    Returns:
        Four :class:`WeightView`; the three channels share one scale so they compare directly.
    """
    checkpoints = result.history.checkpoints
    w_img = colours.weights_image(checkpoints[iteration], num_px)  # (n, n, 3)
    if same_scale:
        stack = np.stack([colours.weights_image(checkpoints[i], num_px) for i in checkpoints])  # (k, n, n, 3)
        sum_limit = float(np.abs(stack.sum(axis=3)).max())
        channel_limit = float(np.abs(stack).max())
    else:
        sum_limit = float(np.abs(w_img.sum(axis=2)).max())
        channel_limit = float(np.abs(w_img).max())
    views = [WeightView("All channels (R + G + B)", colours.diverging_rgb(w_img.sum(axis=2), sum_limit), sum_limit)]
    for c, name in enumerate(CHANNEL_NAMES):
        rgb = colours.diverging_rgb(w_img[:, :, c], channel_limit)
        views.append(WeightView(f"{name.capitalize()} channel", rgb, channel_limit))
    return views


def change_from_last(series: np.ndarray | None, at: int, unit: str = "") -> str | None:
    """A metric's change from the last iteration to iteration ``at`` (2 decimals with a unit, else 6), or None.

    Args:
        series: (n + 1,) a per-iteration history (e.g. ``history.test_accuracy``), or None.
        at: the iteration shown.
        unit: e.g. " pp" for accuracies in percent.
    """
    if series is None or at == len(series) - 1:
        return None
    return f"{series[at] - series[-1]:+.{2 if unit else 6}f}{unit}"


def colour_bar(limit: float, low: str = "non-cat", high: str = "cat") -> None:
    """A legend for the diverging colours: −limit (full blue) … 0 (white) … +limit (full red)."""
    stops = colours.diverging_rgb(np.linspace(-1.0, 1.0, 11), 1.0)  # (11, 3) uint8
    gradient = ", ".join(f"#{r:02x}{g:02x}{b:02x}" for r, g, b in stops.tolist())
    st.markdown(
        '<div style="display:flex;align-items:center;gap:0.5rem;font-size:0.8rem;margin-top:-0.5rem">'
        f"<span>−{limit:.3g}<br>→ {low}</span>"
        f'<div style="flex:1;height:12px;border-radius:3px;background:linear-gradient(to right, {gradient})"></div>'
        f'<span style="text-align:right">+{limit:.3g}<br>→ {high}</span></div>',
        unsafe_allow_html=True,
    )


# ------------------------------------------------------------------------------------ one prediction


def breakdown_sentence(c: explain.Contribution, classes: tuple[str, str]) -> str:
    """The logit written out: b + Σ positive + Σ negative = z → σ(z) = P(cat), 4 decimals."""
    verdict = classes[int(c.probability > 0.5)]
    return (
        f"z = b + Σ positive + Σ negative = {c.bias:.4f} + {c.positive:.4f} + ({c.negative:.4f}) = **{c.logit:.4f}**, "
        f"so P(cat) = σ(z) = **{c.probability:.4f}**: {verdict}."
    )


def _breakdown(c: explain.Contribution, classes: tuple[str, str], key_prefix: str) -> None:
    """The logit's parts as a table, in words, and as bars."""
    parts = pd.DataFrame(
        {"part": list(PARTS), "value": [c.bias, c.positive, c.negative, c.logit], "colour": [GREY, RED, BLUE, INK]}
    )
    st.dataframe(
        parts[["part", "value"]],
        hide_index=True,
        column_config={"value": st.column_config.NumberColumn(format="%.4f")},
        key=state.item_key(key_prefix, "why", "parts"),
    )
    st.markdown(breakdown_sentence(c, classes))
    bars = (
        alt.Chart(parts)
        .mark_bar()
        .encode(
            x=alt.X("value:Q", title=None),
            y=alt.Y("part:N", sort=None, title=None),
            color=alt.Color("colour:N", scale=None),
            tooltip=["part", alt.Tooltip("value:Q", format=".4f")],
        )
        .properties(height=150)
    )
    st.altair_chart(bars, key=state.item_key(key_prefix, "why", "bars"))


def why(
    image: np.ndarray,
    result: TrainResult,
    classes: tuple[str, str],
    key_prefix: str,
    heading: str | None = "Why this prediction",
) -> explain.Contribution:
    """Render "Why this prediction": each pixel's push on the logit, and the logit added up exactly.

    Args:
        image: (n, n, 3) uint8, exactly what the model sees.
        result: the model (its final ``w``, ``b``).
        classes: names of label 0 and label 1.
        key_prefix: keeps this block's element keys unique on the page.
        heading: a sub-heading, or None for none.

    Returns:
        The :class:`catlr.explain.Contribution` shown.
    """
    c = explain.contributions(result.w, result.b, image)
    with st.container(key=state.item_key(key_prefix, "why")):
        if heading:
            st.header(heading)
        left, middle, right = st.columns([2, 2, 3])
        side = image.shape[0]
        left.image(
            widgets.upscale(image, EXPLAIN_PX),
            caption="What the model sees",
            width="stretch",
            output_format="PNG",
            alt=f"the {side} × {side} image the model sees",
        )
        middle.image(
            widgets.upscale(colours.overlay(image, c.pixel_map), EXPLAIN_PX),
            caption="Red pixels push towards cat, blue ones away (Σ over R, G, B of wᵢ·xᵢ)",
            width="stretch",
            output_format="PNG",
            alt=f"each pixel's push on the answer over a grey copy of the image: red towards {classes[1]}, blue "
            f"towards {classes[0]}; in all the pixels add {c.positive:.2f} towards and {c.negative:.2f} away",
        )
        with right:
            _breakdown(c, classes, key_prefix)
        st.caption(
            "The model is linear, so this is exact, not an approximation: every pixel channel adds wᵢ·xᵢ to the "
            "logit, and the parts above add up to z."
        )
    return c


# ------------------------------------------------------------------------------------ over training


def logits_for_dataset(result: TrainResult, split: str, index: int) -> tuple[np.ndarray, np.ndarray]:
    """One dataset image's logit after every update, from the recorded history.

    Args:
        result: the model. split: ``"train"`` or ``"test"``. index: the image's number in that split.

    Returns:
        (logits (n + 1,) float64, iterations (n + 1,) = 0, 1, …, n).
    """
    z = np.asarray(result.history.logits(split)[:, index], dtype=np.float64)  # (n + 1,)
    return z, np.arange(z.size)


def logits_for_image(result: TrainResult, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Any image's logit at each stored checkpoint: z_k = w_k·x + b_k.

    Args:
        result: the model. image: (n, n, 3) uint8 the model sees.

    Returns:
        (logits (k,) float64, iterations (k,)), k checkpoints in increasing order.
    """
    checkpoints = result.history.checkpoints
    iterations = np.array(sorted(checkpoints))  # (k,)
    W = np.stack([checkpoints[i] for i in iterations]).astype(np.float64)  # (k, d)
    x = flatten(np.asarray(image)[None])[:, 0]  # (d,)
    return W @ x + np.asarray(result.history.b, dtype=np.float64)[iterations], iterations


def flip_sentence(logits: np.ndarray, iterations: np.ndarray, classes: tuple[str, str] = ("non-cat", "cat")) -> str:
    """When the prediction last changed, from :func:`catlr.explain.flip_iteration`, in words.

    Args:
        logits: (k,) the image's logit at ``iterations``.
        iterations: (k,) increasing; 0, 1, …, n (every iteration) or checkpoints.
    """
    z = np.asarray(logits, dtype=np.float64).ravel()
    its = np.asarray(iterations).ravel()
    final = classes[int(sigmoid(z[-1]) > 0.5)]
    k = explain.flip_iteration(z)
    every = bool(np.all(np.diff(its) == 1))
    if k is None:
        span = "iteration" if every else f"one of the {its.size} stored checkpoints"
        return f"The prediction never changed: {final} at every {span} from {its[0]:,} to {its[-1]:,}."
    before = classes[int(sigmoid(z[k - 1]) > 0.5)]
    if every:
        return (
            f"The prediction last changed at iteration {its[k]:,}: from {before} to {final}, "
            f"and it stayed {final} through iteration {its[-1]:,}."
        )
    return (
        f"The prediction last changed between iteration {its[k - 1]:,} and {its[k]:,}: from {before} to {final}, "
        f"and it stayed {final} through iteration {its[-1]:,}. The weights are kept at {its.size} checkpoints, so "
        "a change that reverted between two of them does not show."
    )


def flip(
    logits: np.ndarray,
    iterations: np.ndarray,
    key_prefix: str,
    classes: tuple[str, str] = ("non-cat", "cat"),
    heading: str | None = "When did it flip",
) -> int | None:
    """Render "When did it flip": P(cat) over training with the 0.5 line, and when the answer last changed.

    Args:
        logits: (k,) the image's logit at ``iterations`` (see :func:`logits_for_dataset`, :func:`logits_for_image`).
        iterations: (k,) increasing iteration numbers.
        key_prefix: keeps this block's element keys unique on the page.
        classes: names of label 0 and label 1.
        heading: a sub-heading, or None for none.

    Returns:
        The iteration at which the prediction last changed (for checkpoints: the first checkpoint showing
        the final answer), or None if it never changed.
    """
    z = np.asarray(logits, dtype=np.float64).ravel()
    its = np.asarray(iterations).ravel()
    k = explain.flip_iteration(z)
    with st.container(key=state.item_key(key_prefix, "flip")):
        if heading:
            st.header(heading)
        keep = charts.thin(z.size, FLIP_POINTS)
        if k is not None:
            keep = np.union1d(keep, [k - 1, k])  # the flip stays visible however thin the curve
        frame = pd.DataFrame({"iteration": its[keep], "P(cat)": sigmoid(z[keep])})
        line = (
            alt.Chart(frame)
            .mark_line(point=z.size <= 60, color=RED)
            .encode(
                x=alt.X("iteration:Q", title="iteration"),
                y=alt.Y("P(cat):Q", scale=alt.Scale(domain=[0, 1]), title="P(cat)"),
                tooltip=["iteration", alt.Tooltip("P(cat):Q", format=".4f")],
            )
        )
        layers = [line, alt.Chart(pd.DataFrame({"y": [0.5]})).mark_rule(strokeDash=[4, 4], color=GREY).encode(y="y:Q")]
        if k is not None:
            layers.append(
                alt.Chart(pd.DataFrame({"x": [int(its[k])]})).mark_rule(color=INK, opacity=0.5).encode(x="x:Q")
            )
        st.altair_chart(alt.layer(*layers).properties(height=220), key=state.item_key(key_prefix, "flip", "chart"))
        st.markdown(flip_sentence(z, its, classes))
        st.caption(f"Above the dashed line (P(cat) > 0.5) the model answers {classes[1]}.")
    return None if k is None else int(its[k])


# ------------------------------------------------------------------------------------ neighbours


def neighbours(
    image: np.ndarray,
    active: session_data.ActiveData,
    key_prefix: str,
    k: int = 5,
    heading: str | None = "Nearest training images",
) -> explain.Novelty:
    """Render the k training images closest to ``image``, and warn when it is unlike all of them.

    Args:
        image: (n, n, 3) uint8 the model sees.
        active: the data in use; its training images are searched.
        key_prefix: keeps this block's element keys unique on the page.
        k: how many neighbours.
        heading: a sub-heading, or None for none.

    Returns:
        The :class:`catlr.explain.Novelty` of ``image``.
    """
    dataset = active.dataset
    train = dataset.train_set_x_orig
    indices, distances = explain.nearest_images(image, train, k)
    novelty = explain.novelty(float(distances[0]), session_data.typical_distance(active))
    with st.container(key=state.item_key(key_prefix, "neighbours")):
        if heading:
            st.header(heading)
        labels = dataset.train_set_y.ravel()
        for col, i, d in zip(st.columns(k), indices.tolist(), distances.tolist(), strict=False):
            col.image(
                widgets.upscale(train[i], NEIGHBOUR_PX),
                caption=f"train #{i} · {widgets.label_name(labels[i], dataset.classes)} · distance {d:.1f}",
                width="stretch",
                output_format="PNG",
                alt=f"training image {i}: {widgets.label_name(labels[i], dataset.classes)}, distance {d:.1f}",
            )
        if novelty.is_unusual:
            st.warning(novelty.sentence, icon="🧭")
        else:
            st.caption(
                novelty.sentence + (" It is one of the training images itself." if novelty.distance == 0 else "")
            )
    return novelty
