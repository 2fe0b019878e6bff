"""What the presenter asks "Cat or not?" about: a dataset image by its number, one of the model's mistakes on the
test set, or a photo the presenter approved on the room's wall (issue #16).

A mistake is asked exactly as its test image picked by number (:func:`ui.room_host.ask_cat`); a wall photo
through :func:`ui.room_host.ask_photo` (its answer is the presenter's, given at the reveal).
"""

from __future__ import annotations

import streamlit as st

from catlr.errors import CatlrInputError
from ui import room_host, room_view, room_wall, session_data, state, widgets

BY_NUMBER, MISTAKE, WALL_PHOTO = "By number", "A mistake", "A wall photo"


def model_mistakes() -> list:
    """The model's mistakes on the exercise's test set (:func:`catlr.report.mistakes_on_test_set`, by image
    number), with the model "Cat or not?" asks with; [] when the data is missing."""
    from catlr import report  # matplotlib is loaded only when a mistake is asked about

    try:
        return list(report.mistakes_on_test_set(session_data.exercise_data().dataset, room_view.model()))
    except CatlrInputError:
        return []


def mistake_label(mistake) -> str:
    """``test #5``: only the number, since the presenter's screen is the projector and the room votes before it
    learns the label or what the model said."""
    return f"test #{mistake.index}"


def cat_panel(code: str, secret: str) -> None:
    """The "Cat or not?" controls: where the image comes from, the picker for it, and "Ask the room"."""
    try:
        shown = room_view.store().wall(code)
    except CatlrInputError as exc:
        st.error(str(exc))
        return
    sources = [BY_NUMBER, MISTAKE] + ([WALL_PHOTO] if shown else [])
    source = st.segmented_control("Image", sources, default=BY_NUMBER, key=state.ROOM_CAT_SOURCE) or BY_NUMBER
    if source == MISTAKE:
        mistake_picker(code, secret)
    elif source == WALL_PHOTO and shown:
        photo_picker(code, secret, shown)
    else:
        c1, c2 = st.columns(2)
        split = c1.segmented_control("Split", room_view.SPLITS, default="test", key=state.ROOM_SPLIT) or "test"
        index = c2.number_input("Image number", 0, room_view.split_size(split) - 1, 0, key=state.ROOM_INDEX)
        if st.button("Ask the room", key=state.ROOM_ASK, type="primary"):
            room_host.ask_cat(code, secret, split, int(index))


def mistake_picker(code: str, secret: str) -> None:
    """A test image the model gets wrong, asked as that image by number."""
    mistakes = model_mistakes()
    if not mistakes:
        st.info("The model gets no test image wrong (or the exercise's data is missing).")
        return
    by_index = {m.index: m for m in mistakes}
    index = st.selectbox(
        "A mistake of the model",
        list(by_index),
        format_func=lambda i: mistake_label(by_index[i]),
        key=state.ROOM_MISTAKE,
        help="Test images the model gets wrong. Only their numbers are listed: the room sees this screen.",
    )
    if st.button("Ask the room", key=state.ROOM_ASK, type="primary") and index is not None:
        room_host.ask_cat(code, secret, "test", int(index))


def photo_picker(code: str, secret: str, shown: list) -> None:
    """An approved wall photo (numbered as on the wall), shown to the presenter before it is asked about."""
    by_id = {photo.id: (n, photo) for n, photo in enumerate(shown, start=1)}
    chosen = st.selectbox(
        "A photo on the wall",
        list(by_id),
        format_func=lambda i: f"Photo {by_id[i][0]} on the wall",
        key=state.ROOM_WALL_PICK,
    )
    if chosen is None or chosen not in by_id:
        return
    n, photo = by_id[chosen]
    st.image(
        widgets.upscale(photo.pixels, room_wall.THUMB),
        width=room_wall.THUMB,
        alt=f"Photo {n} on the wall, to ask about",
    )
    if st.button("Ask the room", key=state.ROOM_ASK, type="primary"):
        room_host.ask_photo(code, secret, photo)
