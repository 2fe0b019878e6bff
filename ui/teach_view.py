"""Teach it with this photo (Predict): the photo the model saw joins this user's training set, and it retrains.

This user's taught data is an :class:`ui.session_data.ActiveData` of its own (the data before teaching plus
the added photos), kept in their session under ``state.USER_DATA`` like an uploaded dataset, so every page
works on it. Its key names its content (``<base key>+taught:<sha256>``): a run on it is stored in the
process's result store under that key, never under the exercise's. G and K grow by one row and column
per photo (:func:`catlr.problem.add_examples`) rather than being rebuilt, so teaching stays instant.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import streamlit as st

from catlr import engine, limits, problem
from catlr.data import flatten, with_train_images
from catlr.errors import CatlrInputError
from catlr.results import TrainResult
from ui import session_data, session_model, session_photo, state, widgets

MAX_FLIPS_SHOWN = 24


@dataclass(frozen=True, eq=False)
class Taught:
    """One photo added to training: the exact (num_px, num_px, 3) uint8 input the model saw, and its label."""

    name: str
    image: np.ndarray
    label: int


@dataclass(frozen=True, eq=False)
class Change:
    """What adding or removing one photo did: its P(cat), the accuracies, and the test images that flipped.

    ``flipped`` holds (test index, true label, label before, label after) for every test image whose
    predicted label changed.
    """

    action: str  # "added" or "removed"
    photo: Taught
    p_before: float
    p_after: float
    train_before: float
    train_after: float
    test_before: float
    test_after: float
    flipped: tuple[tuple[int, int, int, int], ...]


@dataclass(frozen=True, eq=False)
class Teaching:
    """This user's teaching: the data before it (``base``), the photos added, and the last change."""

    base: session_data.ActiveData
    added: tuple[Taught, ...]
    change: Change | None


def current() -> Teaching | None:
    """This user's teaching, or None when no photo was added."""
    return state.get(state.TEACHING)


def _with_photos(base: session_data.ActiveData, added: tuple[Taught, ...], start=None) -> session_data.ActiveData:
    """``base`` plus ``added``; ``start`` (``base`` plus all but the last photo) lets G grow by one only."""
    if not added:
        return base
    images = np.stack([t.image for t in added])
    labels = np.array([t.label for t in added])
    digest = hashlib.sha256(images.tobytes() + labels.tobytes()).hexdigest()[:32]
    n = len(added)
    source = f"{base.dataset.source} + {n} photo{'s' if n > 1 else ''} you added"
    dataset = with_train_images(base.dataset, images, labels, source=source)
    if start is None:
        prepared = problem.add_examples(base.problem, flatten(images), labels.reshape(1, -1))
    else:
        prepared = problem.add_examples(start.problem, flatten(images[-1:]), labels[-1:].reshape(1, 1))
    return session_data.ActiveData(dataset, prepared, f"{base.key}+taught:{digest}")


def _test_labels(result: TrainResult, active: session_data.ActiveData) -> np.ndarray:
    X, _ = active.problem.split("test")
    return (engine.predict_proba(result.w, result.b, X) > 0.5).astype(int)


def _p_cat(result: TrainResult, image: np.ndarray) -> float:
    return float(engine.predict_proba(result.w, result.b, flatten(image[None]))[0])


def _apply(teaching: Teaching, added: tuple[Taught, ...], photo: Taught, action: str, start=None) -> Change:
    """Make ``base + added`` this user's data and retrain with the current model's settings; returns the change.

    Raises:
        CatlrInputError: the retrain was refused or diverged; nothing in the session changes.
    """
    before_data, before = session_data.active(), session_model.ensure()
    after_data = _with_photos(teaching.base, added, start)
    after = session_model.shared_run(before.config, active=after_data)  # no state changes until it finished
    old, new = _test_labels(before, before_data), _test_labels(after, after_data)
    truth = after_data.dataset.test_set_y.reshape(-1)
    flipped = tuple((int(i), int(truth[i]), int(old[i]), int(new[i])) for i in np.flatnonzero(old != new))
    change = Change(
        action, photo, _p_cat(before, photo.image), _p_cat(after, photo.image), float(before.train_accuracy),
        float(after.train_accuracy), float(before.test_accuracy), float(after.test_accuracy), flipped,
    )  # fmt: skip
    shown = session_photo.current()
    state.drop(*state.DATASET_DEPENDENT)
    state.put(state.PREDICTION, shown)  # the photo stays on Predict, scored by the new model
    state.put(state.TEACHING, Teaching(teaching.base, added, change))
    if added or not teaching.base.key.startswith("exercise:"):
        state.put(state.USER_DATA, after_data)  # with nothing added, after_data is the base itself
    else:
        state.drop(state.USER_DATA)
    session_model.train(before.config)  # the stored run: instant; it becomes the current model
    return change


def add(shown: session_photo.Prediction, label: int) -> Change:
    """Add the photo's model input to this user's training set as ``label`` and retrain.

    Raises:
        CatlrInputError: the photo is already added, the cap is reached, or the retrain failed.
    """
    teaching = current() or Teaching(session_data.active(), (), None)
    if any(np.array_equal(t.image, shown.model_input) for t in teaching.added):
        raise CatlrInputError(f"{shown.name}: this photo is already in your training set; remove it first")
    if len(teaching.added) >= limits.MAX_TAUGHT_PHOTOS:
        raise CatlrInputError(f"at most {limits.MAX_TAUGHT_PHOTOS} photos can be added; remove one first")
    photo = Taught(shown.name, np.asarray(shown.model_input), int(label))
    start = session_data.active() if teaching.added else teaching.base
    return _apply(teaching, (*teaching.added, photo), photo, "added", start=start)


def remove(index: int) -> Change:
    """Take the ``index``-th added photo out of training and retrain."""
    teaching = current()
    photo = teaching.added[index]
    return _apply(teaching, teaching.added[:index] + teaching.added[index + 1 :], photo, "removed")


def restore() -> None:
    """Forget every added photo: back to the data before teaching (the exercise's, or the user's own)."""
    teaching = current()
    if teaching is not None and not teaching.base.key.startswith("exercise:"):
        state.drop(*state.DATASET_DEPENDENT)
        state.put(state.USER_DATA, teaching.base)
    else:
        session_data.use_exercise_data()


def _change_block(change: Change, classes: tuple[str, str], ds) -> None:
    said = classes[change.photo.label]
    verb = "Added" if change.action == "added" else "Removed"
    st.markdown(f"**{verb} {change.photo.name}** ({'as' if change.action == 'added' else 'labelled'} *{said}*).")
    c1, c2, c3 = st.columns(3)
    c1.metric("This photo's P(cat)", f"{change.p_after:.4f}", f"{change.p_after - change.p_before:+.4f}",
              help=f"before: {change.p_before:.4f}")  # fmt: skip
    c2.metric("Train accuracy", widgets.pct(change.train_after), f"{change.train_after - change.train_before:+.2f} %",
              help=f"before: {widgets.pct(change.train_before)}")  # fmt: skip
    c3.metric("Test accuracy", widgets.pct(change.test_after), f"{change.test_after - change.test_before:+.2f} %",
              help=f"before: {widgets.pct(change.test_before)}")  # fmt: skip
    st.caption(
        f"Before → after: P(cat) {change.p_before:.4f} → {change.p_after:.4f}; train "
        f"{widgets.pct(change.train_before)} → {widgets.pct(change.train_after)}; test "
        f"{widgets.pct(change.test_before)} → {widgets.pct(change.test_after)}."
    )
    if not change.flipped:
        st.caption("No test image changed its label.")
        return
    st.markdown(f"**{len(change.flipped)} test image(s) flipped:**")
    shown = change.flipped[:MAX_FLIPS_SHOWN]
    st.image(
        [widgets.upscale(ds.test_set_x_orig[i], 96) for i, *_ in shown],
        caption=[f"#{i}: {classes[b]} → {classes[a]} ({'right' if a == y else 'wrong'} now)" for i, y, b, a in shown],
        alt=[f"test image {i}, a {classes[y]}: the model said {classes[b]}, now {classes[a]}" for i, y, b, a in shown],
        width=96,
    )


def panel(shown: session_photo.Prediction, classes: tuple[str, str]) -> None:
    """Predict's "Teach it with this photo" block: add the photo, what changed, the added photos, restore."""
    st.header("Teach it with this photo")
    st.caption("Add the exact image the model sees to your training set; the model retrains at once. Only you see it.")
    b1, b2 = st.columns(2)
    wanted = None
    if b1.button(f"Add to training as {classes[1]}", key=state.PREDICT_TEACH_POSITIVE, icon="➕"):
        wanted = 1
    if b2.button(f"Add to training as {classes[0]}", key=state.PREDICT_TEACH_NEGATIVE, icon="➕"):
        wanted = 0
    try:
        if wanted is not None:
            add(shown, wanted)
            st.rerun()
        teaching = current()
        if teaching is None:
            return
        for i in range(len(teaching.added)):
            if st.session_state.get(state.item_key(state.PAGE_PREDICT, "teach_remove", i)):
                remove(i)
                st.rerun()
    except CatlrInputError as exc:
        st.error(str(exc), icon="🚫")
        teaching = current()
        if teaching is None:
            return
    if teaching.change is not None:
        _change_block(teaching.change, classes, session_data.dataset())
    _added_list(teaching, classes)


def _added_list(teaching: Teaching, classes: tuple[str, str]) -> None:
    if teaching.added:
        st.markdown(f"**Photos you added ({len(teaching.added)} of at most {limits.MAX_TAUGHT_PHOTOS}):**")
    for i, photo in enumerate(teaching.added):
        c1, c2, c3 = st.columns([1, 4, 2], vertical_alignment="center")
        c1.image(widgets.upscale(photo.image, 64), alt=f"added photo {photo.name}, labelled {classes[photo.label]}")
        c2.markdown(f"{photo.name} — *{classes[photo.label]}*")
        c3.button("Remove", key=state.item_key(state.PAGE_PREDICT, "teach_remove", i), icon="✖️")
    exercise = teaching.base.key.startswith("exercise:")
    label = "Back to the exercise's data" if exercise else "Remove every added photo"
    if teaching.added and st.button(label, key=state.PREDICT_TEACH_RESTORE, icon="↩️"):
        restore()
        st.rerun()
