"""Poking a photo: "What would make it a cat?" and "How stable is the verdict?", for Predict and Mistakes.

Both views sit in expanders that run only while open (``on_change="rerun"`` and ``.open``), so a page that
shows them pays nothing until someone asks. The maths is :mod:`catlr.adversarial` (the smallest change of
the model's input that flips its answer) and :mod:`catlr.variants` (16 everyday changes, scored at once).
Like :mod:`ui.explain_views`, every function takes what it shows as arguments and a ``key_prefix`` that
keeps its keys apart on each page.
"""

from __future__ import annotations

import math

import numpy as np
import streamlit as st

from catlr import adversarial, logistic, variants
from catlr.data import flatten
from catlr.errors import CatlrInputError
from catlr.results import TrainResult
from ui import state, widgets

NUDGE_LABEL = "🎯 What would make it a cat — or not?"
VERDICT_LABEL = "🔁 How stable is the verdict?"
SURE = 0.9  # the second target: how far to make the model say the other class with this confidence
BIG_PX = 224
THUMB_PX = 96


def expanders(image: np.ndarray, result: TrainResult, classes: tuple[str, str], key_prefix: str) -> None:
    """Both views, each in an expander whose content runs only while it is open.

    Args:
        image: (n, n, 3) uint8, the model's input. result: the model. classes: (non-cat name, cat name).
        key_prefix: the page's prefix (``state.PAGE_PREDICT``, ``state.PAGE_MISTAKES``).
    """
    nudge_box = st.expander(NUDGE_LABEL, key=state.item_key(key_prefix, "nudge"), on_change="rerun")
    if nudge_box.open:
        with nudge_box:
            nudge(image, result, classes)
    verdict_box = st.expander(VERDICT_LABEL, key=state.item_key(key_prefix, "variants"), on_change="rerun")
    if verdict_box.open:
        with verdict_box:
            verdict(image, result, classes)


def amplified(delta: np.ndarray) -> tuple[np.ndarray, float]:
    """A change (n, n, 3) in [−1, 1] made visible: grey 0.5 where nothing changed, the largest change at 0 or 1.

    Returns:
        ((n, n, 3) uint8, the factor it was multiplied by; 0 when nothing changed).
    """
    largest = float(np.abs(delta).max()) if delta.size else 0.0
    factor = 0.0 if largest == 0 else 0.5 / largest
    return np.rint((0.5 + factor * delta) * 255).astype(np.uint8), factor


def _p_cat(result: TrainResult, image: np.ndarray) -> float:
    """P(cat) of one (n, n, 3) uint8 image, scored as the exercise does (x / 255)."""
    z = float(np.asarray(result.w).reshape(-1) @ flatten(image[None])[:, 0] + result.b)
    return float(logistic.sigmoid(np.array([z]))[0])


def nudge(image: np.ndarray, result: TrainResult, classes: tuple[str, str]) -> None:
    """The smallest valid-pixel change that flips the verdict: the change amplified, the changed image, its size."""
    n = image.shape[0]
    x = flatten(image[None])[:, 0]  # (d,) in the seed's order
    try:
        flip = adversarial.minimal_flip(result.w, result.b, x)
        sure = adversarial.minimal_flip(result.w, result.b, x, margin=math.log(SURE / (1 - SURE)))
    except CatlrInputError as exc:
        st.error(f"{exc}.")
        return
    said, other = (classes[1], classes[0]) if logistic.says_cat(flip.logit_before) else (classes[0], classes[1])
    st.markdown(f"**What would make it {_article(other)}?** The model says {said} (z = {flip.logit_before:.3f}).")
    if not flip.feasible:
        st.info(f"Nothing can: even with every pixel pushed to its limit the model would still say {said}.")
        return
    delta = flip.delta.reshape(n, n, 3)
    shown, factor = amplified(delta)
    changed = np.rint(flip.changed.reshape(n, n, 3) * 255).astype(np.uint8)
    before, change, after = st.columns(3)
    before.image(
        widgets.upscale(image, BIG_PX), caption="The model's input", alt=f"the {n} × {n} input, {said}", width=BIG_PX
    )
    change.image(
        widgets.upscale(shown, BIG_PX),
        caption=f"The change × {factor:.0f} (grey: unchanged)",
        alt=f"the smallest change that makes the model say {other}, amplified {factor:.0f} times: grey where "
        "nothing changes, lighter or coloured where it adds to a channel, darker where it takes away",
        width=BIG_PX,
    )
    after.image(
        widgets.upscale(changed, BIG_PX),
        caption=f"The changed input: the model says {other}",
        alt=f"the input after the change, which the model calls {other}; it looks the same as before",
        width=BIG_PX,
    )
    st.markdown(
        f"On average **{flip.grey_levels:.2f} grey levels per pixel** (of 255; the largest "
        f"{255 * float(np.abs(flip.delta).max()):.1f}) move z from {flip.logit_before:.3f} to "
        f"{flip.logit_after:.2g}, just past the boundary. To make the model say {other} with P = {SURE:.0%} "
        f"takes {sure.grey_levels:.2f} grey levels per pixel."
    )
    st.caption(
        "The smallest change in the Euclidean sense runs along w, since only z = wᵀx + b matters; pixels that "
        f"would leave 0…255 stop at the limit and the others share the rest ({flip.rounds} round"
        f"{'s' if flip.rounds != 1 else ''}, {flip.clipped:,} values at a limit). Rounded to whole grey levels, "
        f"the changed image scores P(cat) = {_p_cat(result, changed):.4f}."
    )


def _article(name: str) -> str:
    return f"an {name}" if name[:1].lower() in "aeiou" else f"a {name}"


def verdict(image: np.ndarray, result: TrainResult, classes: tuple[str, str]) -> None:
    """The 16 variants with their P(cat): in how many the verdict holds, and the one that flips it hardest."""
    try:
        scored = variants.verdicts(result.w, result.b, image)
    except CatlrInputError as exc:
        st.error(f"{exc}.")
        return
    said = classes[int(scored.is_cat)]
    st.markdown(
        f"**The verdict ({said}, P(cat) = {scored.p_original:.3f}) holds in {scored.kept} of "
        f"{len(scored.names)}** small changes a person would still call the same photo."
    )
    marks = ["" if holds else "✗ " for holds in scored.holds]
    st.image(
        [widgets.upscale(v, THUMB_PX) for v in scored.images],
        caption=[f"{mark}{name}: {p:.3f}" for mark, name, p in zip(marks, scored.names, scored.p_cat, strict=True)],
        alt=[
            f"the photo {name}: P(cat) {p:.2f}, the model says {classes[int(p > 0.5)]}"
            for name, p in zip(scored.names, scored.p_cat, strict=True)
        ],
        width=THUMB_PX,
    )
    worst = scored.flipper
    if worst is None:
        st.caption(f"None of them changes the answer: every variant is still {said}. (✗ would mark one that does.)")
        return
    name, p = scored.names[worst], float(scored.p_cat[worst])
    big, text = st.columns([1, 3])
    big.image(
        widgets.upscale(scored.images[worst], BIG_PX),
        caption=f"{name}: P(cat) {p:.3f}",
        alt=f"the photo {name}, which flips the verdict to {classes[int(p > 0.5)]} (P(cat) {p:.2f})",
    )
    text.markdown(
        f"**{name.capitalize()}** flips it hardest: P(cat) goes from {scored.p_original:.3f} to {p:.3f}, so the "
        f"model says {classes[int(p > 0.5)]}. A linear model on raw pixels has no notion of *the same cat a little "
        "to the left*: each variant moves every pixel, and z = wᵀx + b follows."
    )
