"""The room's photo wall, both sides: phones send photos, the presenter approves or rejects each one, and the
approved ones show on the big screen and on every phone with the model's verdict.

A phone's photo goes through Predict's own check in its session (:func:`catlr.room_inputs.wall_photo`, which
is :func:`catlr.imaging.load_photo`); only the 64 × 64 pixels that come out reach the room store, which keeps
them for the room's life. Nothing is shown unapproved: a phone only ever reads ``store.wall(code, …)`` (the approved
photos); the waiting ones are listed with the presenter's secret, and drawn only when the presenter asks to
review them (the presenter's screen is often the projector).
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from catlr import engine, imaging, room_inputs, rooms
from catlr.data import flatten
from catlr.errors import CatlrInputError
from ui import room_view, state, widgets

HOST_EVERY = 2.0  # seconds between the presenter's looks at the waiting photos
PHONE_EVERY = 3.0  # seconds between a phone's looks at the wall
PHONE_WALL = 12  # the newest approved photos a phone shows (it redraws them at each look)
REVIEW_AT_ONCE = 8  # waiting photos drawn at a time for the presenter
THUMB = 128  # px: a 64 × 64 photo drawn at twice its size on a phone, pixels crisp
BIG = 192  # px: three times its size on the big screen
# Predict's line (widgets.PHOTO_PRIVACY) says a photo is never shown to anyone else: on the wall it may be, so
# this line says what happens instead.
WALL_PRIVACY = (
    "🔒 Your photo is checked in memory on this server and never written to a file or a log. Only a 64 × 64 copy "
    "is kept, for this room's life: the presenter sees it first, the room only if the presenter approves it. "
    "It is dropped when the room closes."
)
SENT = "Sent — the presenter will choose what the room sees."


def verdicts(photos: list[rooms.WallPhoto]) -> list[float] | None:
    """The model's P(cat) of each photo, from the model "Cat or not?" asks with (:func:`room_view.model`);
    None when that model cannot be had (the exercise's data is missing)."""
    if not photos:
        return []
    try:
        result = room_view.model()
    except CatlrInputError:
        return None
    X = flatten(np.stack([p.pixels for p in photos]))  # (64·64·3, n), as Predict flattens a photo
    return [float(p) for p in engine.predict_proba(result.w, result.b, X)]


def verdict(p: float) -> str:
    """``cat · P(cat) = 0.93``: the decision as "Cat or not?" makes it (P(cat) > 0.5), and the probability."""
    return f"{rooms.cat_said(p)} · P(cat) = {p:.2f}"


def wall_block(photos: list[rooms.WallPhoto], size: int = THUMB) -> None:
    """The approved ``photos`` side by side (wrapping on a phone), each captioned with the model's verdict."""
    ps = verdicts(photos)
    if ps is None:
        st.warning("The model's verdicts need the exercise's data on this server (python -m catlr download).")
    said = [verdict(p) for p in ps] if ps else [""] * len(photos)
    st.image(
        [widgets.upscale(photo.pixels, size) for photo in photos],
        caption=said,
        alt=[f"Photo {i + 1} on the wall" + (f": the model says {s}" if s else "") for i, s in enumerate(said)],
    )


def host_panel(code: str, secret: str) -> None:
    """The presenter's "Photo wall": the switch (off at first), then the waiting photos and the wall, live."""
    try:
        was = room_view.store().snapshot(code).wall
        # The room's state seeds the switch: Streamlit forgets a widget's value on another page, and coming back
        # must not close the wall.
        on = st.toggle("Photo wall", value=was, key=state.ROOM_WALL, help="On: phones may send photos; you choose")
        if on != was:
            room_view.store().set_wall(code, secret, on)
    except CatlrInputError as exc:
        st.error(str(exc))
        return
    if on:
        review = st.toggle(
            "Review waiting photos",
            key=state.ROOM_WALL_REVIEW,
            help="Waiting photos are not for the room: blank the projector before you look at them",
        )
        host_live(code, secret, review)


@st.fragment(run_every=HOST_EVERY)
def host_live(code: str, secret: str, review: bool) -> None:
    """How many photos wait; when reviewing, each with Approve / Reject; then the wall with the model's verdicts."""
    try:
        waiting = room_view.store().pending_photos(code, secret)
        shown = room_view.store().wall(code)
    except CatlrInputError as exc:
        st.error(str(exc))
        return
    st.caption(f"{len(waiting)} waiting for you · {len(shown)} on the wall")
    if review and waiting:
        review_block(code, secret, waiting[:REVIEW_AT_ONCE])
    if shown:
        st.subheader("On the wall")
        wall_block(shown, BIG)


def review_block(code: str, secret: str, waiting: list[rooms.WallPhoto]) -> None:
    """The waiting photos (oldest first), the sender's nickname if they gave one, Approve / Reject under each."""
    cols = st.columns(4)
    for i, photo in enumerate(waiting):
        with cols[i % 4]:
            st.image(widgets.upscale(photo.pixels, THUMB), alt=f"Waiting photo {i + 1}")
            if photo.nickname:
                st.text(f"from {photo.nickname}")  # text: a nickname is never markdown
            tag = photo.id.encode().hex()  # the key scheme's lower-case letters and digits
            approve, reject = st.columns(2)
            if approve.button("Approve", key=state.item_key(state.PAGE_ROOM, "approve", tag), type="primary"):
                judge(code, secret, photo.id, True)
            if reject.button("Reject", key=state.item_key(state.PAGE_ROOM, "reject", tag)):
                judge(code, secret, photo.id, False)


def judge(code: str, secret: str, photo_id: str, approve: bool) -> None:
    """Approve or reject one waiting photo, then draw the page again without it."""
    try:
        room_view.store().judge_photo(code, secret, photo_id, approve)
    except CatlrInputError as exc:
        st.error(str(exc))
        return
    st.rerun()  # the whole page: a click can come in a full run too, where a fragment-scoped rerun is refused


def phone_panel(code: str, member_id: str) -> None:
    """On a phone: the wall, refreshed on its own timer, while it is open; nothing (and no timer) while it is closed.
    :func:`follow_switch`, at each of the phone's looks at the room, notices when the presenter flips it."""
    try:
        on = room_view.store().snapshot(code).wall
    except CatlrInputError:
        return  # the room's own fragment (room_join.live) says why
    state.put(state.JOIN_WALL_SEEN, on)
    if on:
        phone_live(code, member_id)


def follow_switch(on: bool) -> None:
    """Called with the room's wall switch at each look at the room: when it changed since the page was drawn,
    draw the page again (the wall appears or goes)."""
    if state.get(state.JOIN_WALL_SEEN) not in (None, on):
        state.put(state.JOIN_WALL_SEEN, on)
        st.rerun(scope="app")


@st.fragment(run_every=PHONE_EVERY)
def phone_live(code: str, member_id: str) -> None:
    """The open wall on a phone: its newest PHONE_WALL approved photos with the model's verdicts, and "Send a photo"."""
    try:
        shown = room_view.store().wall(code, newest=PHONE_WALL)
    except CatlrInputError:
        return  # the room's own fragment (room_join.live) says why
    st.subheader("Photo wall")
    if shown:
        wall_block(shown)
    else:
        st.caption("No photo is on the wall yet.")
    sender(code, member_id)


def sender(code: str, member_id: str) -> None:
    """"Send a photo" by upload or camera, as on Predict; each upload is checked and sent once."""
    with st.expander("Send a photo", expanded=True):
        if st.toggle("Use the camera", key=state.JOIN_PHOTO_CAMERA_ON):
            given = st.camera_input("Take a photo", key=state.JOIN_PHOTO_CAMERA)
        else:
            given = st.file_uploader(
                f"Send a photo ({', '.join(imaging.SUPPORTED_EXTENSIONS)})",
                key=state.JOIN_PHOTO_UPLOAD,
                help="Phone photos are turned upright; transparent areas become white.",
            )
        st.caption(WALL_PRIVACY)
        if given is not None:
            outcome = send(code, member_id, given.file_id, given.name, given.getvalue())
            if outcome is None:
                st.success(SENT)
            else:
                st.error(outcome)


def send(code: str, member_id: str, marker: str, name: str, payload: bytes) -> str | None:
    """Check and send one upload, once per ``marker`` (its file id): None when sent, else why not."""
    done = state.get(state.JOIN_PHOTOS_SENT, {})
    if marker not in done:
        try:
            room_view.limit("photos")
            pixels = room_inputs.wall_photo(payload, name)  # Predict's check; only its pixels go on
            room_view.store().send_photo(code, member_id, pixels)
            done[marker] = None
        except CatlrInputError as exc:
            done[marker] = str(exc)
        state.put(state.JOIN_PHOTOS_SENT, done)
    return done[marker]
