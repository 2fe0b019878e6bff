"""What the presenter's room and the audience's phones both draw: the question, its image, the tally, the reveal.

Room images are the exercise's dataset (``"test/12"``: split and index), the same for every server, so a
question names its image and each phone draws it from its own server's shared copy; or a photo on the room's
wall (``"photo/<id>"``), drawn from the store's approved photos only (:mod:`catlr.wall_questions`).
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from catlr import limits, room_inputs, rooms, wall_questions
from catlr.errors import CatlrInputError
from catlr.results import TrainResult
from ui import cache, session_data, session_model, state, widgets

SPLITS = ("train", "test")
CURVE_ITERATIONS = 2000  # "predict the curve" runs the exercise's iteration count at the asked learning rate
LIMITS = {  # per session, over a sliding minute
    "joins": limits.JOIN_ATTEMPTS_PER_MINUTE,
    "votes": limits.VOTE_ATTEMPTS_PER_MINUTE,
    "photos": limits.PHOTO_ATTEMPTS_PER_MINUTE,
    "rooms opened": 5,
}


def store() -> rooms.RoomStore:
    """The process's room store (CatlrInputError if ``CATLR_ROOMS_URL`` is bad)."""
    return cache.room_service()


def limit(what: str) -> None:
    """Count one ``what`` (a key of LIMITS) of this session; CatlrInputError past the limit."""
    limiters = state.get(state.ROOM_LIMITS)
    if limiters is None:
        limiters = {name: room_inputs.RateLimiter(n) for name, n in LIMITS.items()}
        state.put(state.ROOM_LIMITS, limiters)
    limiters[what].check(what)


def model() -> TrainResult:
    """The model the room's verdicts come from ("Cat or not?", the photo wall): the exercise's default run on the
    exercise's data, one run shared by every session of this server.

    Raises:
        CatlrInputError: the exercise's data is missing.
    """
    return session_model.shared_run(session_model.DEFAULT_CONFIG, active=session_data.exercise_data())


def subject_image(subject: str) -> tuple[np.ndarray, int] | None:
    """The (num_px, num_px, 3) uint8 image named ``"split/index"`` in the exercise's data and its 0/1 label,
    or None when it names none (or the data is missing)."""
    split, _, index = subject.partition("/")
    if split not in SPLITS or not index.isdigit():
        return None
    try:
        ds = session_data.exercise_data().dataset
    except CatlrInputError:
        return None
    images, labels = (ds.train_set_x_orig, ds.train_set_y) if split == "train" else (ds.test_set_x_orig, ds.test_set_y)
    i = int(index)
    return (images[i], int(labels[0, i])) if i < len(images) else None


def split_size(split: str) -> int:
    """How many images the exercise's ``split`` holds (1 when the data is missing: asking then says so)."""
    try:
        ds = session_data.exercise_data().dataset
    except CatlrInputError:
        return 1
    return ds.m_train if split == "train" else ds.m_test


def question_block(question: rooms.Question, code: str, width: int = 320) -> None:
    """The question as everyone sees it before the reveal: its prompt, and its image for "cat or not?" (a wall
    photo's pixels only from room ``code``'s approved wall)."""
    st.subheader(f"Question {question.number}: {question.prompt}")
    if question.kind == "cat" and room_inputs.subject_photo_id(question.subject) is not None:
        photo = wall_questions.photo_of(store(), code, question.subject)
        if photo is not None:
            st.image(widgets.upscale(photo.pixels, width), width=width, alt=PHOTO_ALT)
    elif question.kind == "cat":
        found = subject_image(question.subject)
        if found is not None:
            st.image(
                cache.room_image(session_data.exercise_data().key, question.subject, width, found[0]),
                width=width,
                alt=f"Image {question.subject} of the dataset: is it a cat? (the answer comes at the reveal)",
            )


PHOTO_ALT = "A photo from the room's wall: is it a cat? (the presenter answers at the reveal)"


def tally_block(snap: rooms.Snapshot) -> None:
    """The votes so far: one metric per option and a bar of its share, and how many of the room voted."""
    total = snap.votes
    st.metric("Votes", f"{total} of {snap.members}", help="members who voted / members who joined")
    cols = st.columns(len(snap.tally))
    for col, (option, n) in zip(cols, snap.tally.items(), strict=True):
        col.metric(option, n)
        col.progress(n / total if total else 0.0, text=f"{round(100 * n / total) if total else 0} %")


def reveal_block(question: rooms.Question, tally: dict[str, int]) -> None:
    """After the reveal: the answer, the room's split, and (cat or not?) the model's P(cat) and decision."""
    total = sum(tally.values())
    split = ", ".join(f"{o} {round(100 * n / total) if total else 0} %" for o, n in tally.items())
    said = "The presenter says" if room_inputs.subject_photo_id(question.subject) else "Answer"  # a wall photo
    st.success(f"{said}: **{question.answer}**. The room: {split} ({total} votes).")
    if question.kind == "cat" and question.model_p is not None:
        st.info(f"The model says **{question.model_answer}**: P(cat) = {question.model_p:.2f}.")


def scene_label(text: str) -> str:
    """A scene ("follow me") in words: ``2000 iterations, learning rate 0.005`` (and L2 when set)."""
    config = room_inputs.scene_config(text)
    l2 = f", L2 {config.l2:g}" if config.l2 else ""
    return f"{config.num_iterations} iterations, learning rate {config.learning_rate:g}{l2}"


def scene_block(text: str) -> None:
    """"Follow me" on a phone, read-only: the presenter's scene's accuracies and cost curve (a run shared by every
    session of this server, trained once)."""
    try:
        label = scene_label(text)
        result = session_model.shared_run(room_inputs.scene_config(text), active=session_data.exercise_data())
    except CatlrInputError as exc:
        st.warning(str(exc))
        return
    st.subheader(f"On the big screen: {label}")
    c1, c2 = st.columns(2)
    c1.metric("Train accuracy", widgets.pct(result.train_accuracy))
    if result.test_accuracy is not None:
        c2.metric("Test accuracy", widgets.pct(result.test_accuracy))
    costs = result.history.train_cost  # (iterations + 1,)
    step = max(1, len(costs) // 200)
    if len(costs) > 1:
        st.line_chart(costs[::step], x_label=f"iteration / {step}", y_label="cost", height=220)


def scores_block(history: list[rooms.Round], code: str) -> None:
    """Over the round so far: the room's accuracy against the model's, and the images where they disagreed (a wall
    photo drawn from room ``code``'s approved wall)."""
    s = rooms.scores(history)
    if not s.rounds:
        return
    st.subheader(f"This round: {s.rounds} image{'s' if s.rounds > 1 else ''}")
    c1, c2, c3 = st.columns(3)
    c1.metric("The room (majority)", f"{s.room_right}/{s.rounds}")
    c2.metric("Members one by one", widgets.pct(100 * s.votes_right / s.votes) if s.votes else "—")
    c3.metric("The model", f"{s.model_right}/{s.rounds}")
    if s.disagreements:
        st.caption("Where the room and the model disagreed:")
        cols = st.columns(min(len(s.disagreements), 6))
        # The room's wall read once for all the rounds (only if one of them asked about a wall photo).
        asked = any(room_inputs.subject_photo_id(r.question.subject) for r in s.disagreements)
        approved = store().wall(code) if asked else []
        for i, r in enumerate(s.disagreements):
            photo = wall_questions.on_wall(approved, r.question.subject)
            found = (photo.pixels, None) if photo is not None else subject_image(r.question.subject)
            name = "A wall photo" if photo is not None else r.question.subject
            if found is not None:
                cols[i % len(cols)].image(
                    widgets.upscale(found[0], 128),
                    caption=f"{name}: room {r.room_answer}, model {r.question.model_answer}",
                    alt=f"{name if photo else 'Image ' + name}: the room said {r.room_answer}, the model "
                    f"{r.question.model_answer}, the answer is {r.question.answer}",
                )
