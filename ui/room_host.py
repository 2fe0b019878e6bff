"""The presenter's side of a room: open it, show its code and QR code, ask, watch the live tally, reveal, close.

The presenter's secret lives in this session only (``state.ROOM_HOSTED``): no link holds it, so reloading
the page gives up the room (it ends on its own at its expiry). Every action goes through the room store,
which checks the secret.
"""

from __future__ import annotations

import os
import urllib.parse

import numpy as np
import streamlit as st

from catlr import engine, explain, qr_code, room_inputs, rooms, wall_questions
from catlr.config import TrainConfig
from catlr.errors import CatlrInputError
from ui import charts, room_view, room_wall, scenes, session_data, session_model, state, train_view

TALLY_EVERY = 0.5  # seconds between the live tally's refreshes (one session: cheap; halves the wait for a new vote)
CURVE_RATES = [1e-4, 1e-3, 5e-3, 1e-2, 0.1, 1.0]
CURVE_ANSWER = {"good": "converges", "too slow": "too slow", "oscillating": "oscillates", "diverging": "diverges"}
FIT_ITERATIONS = [100, 200, 500, 1000, 2000, 5000]  # "will it overfit?" at the exercise's learning rate
FIT_RATE = 0.005


def hosted() -> tuple[str, str] | None:
    """(code, secret) of the room this session runs, or None (also when it ended: then it is forgotten)."""
    found = state.get(state.ROOM_HOSTED)
    if found is None:
        return None
    try:
        room_view.store().snapshot(found[0])
    except CatlrInputError as exc:
        state.drop(state.ROOM_HOSTED)
        st.warning(str(exc))
        return None
    return found


def open_room() -> None:
    """Open a room for this session (at most a few a minute); its code and secret go into the session."""
    try:
        room_view.limit("rooms opened")
        state.put(state.ROOM_HOSTED, room_view.store().open())
    except CatlrInputError as exc:
        st.error(str(exc))
        return
    st.rerun()


def base_url() -> str:
    """The address the audience opens: ``CATLR_PUBLIC_URL`` if set, else this browser's (scheme and host)."""
    configured = os.environ.get("CATLR_PUBLIC_URL")
    if configured:
        return room_inputs.public_url(configured)
    parts = urllib.parse.urlsplit(st.context.url or "")
    return room_inputs.public_url(f"{parts.scheme}://{parts.netloc}")


def join_panel(code: str) -> None:
    """The room's code in large type, the QR code of the join link, and the link itself."""
    st.markdown(f"## Join at the QR code or with the code **{' '.join([code[:3], code[3:]])}**")
    try:
        link = room_inputs.join_url(base_url(), code)
    except CatlrInputError as exc:
        st.error(f"{exc} Set CATLR_PUBLIC_URL to the address the room opens.")
        return
    st.image(
        qr_code.png(link),
        width=480,
        alt=f"QR code of the join link {link}: point a phone camera at it to join room {code}",
    )
    st.markdown(f"Or open **{link}**")


def ask_cat(code: str, secret: str, split: str, index: int) -> None:
    """Ask "cat or not?" about dataset image ``split/index``; the model's P(cat) and the label ride along, hidden."""
    active = session_data.exercise_data()
    found = room_view.subject_image(f"{split}/{index}")
    if found is None:
        st.error(f"There is no {split} image {index}.")
        return
    label = found[1]
    result = room_view.model()
    X, _ = active.problem.split(split)  # (d, m): the images as the model sees them
    p = float(engine.predict_proba(result.w, result.b, X[:, index : index + 1])[0])
    question = rooms.Question(
        "cat",
        f"{split}/{index}",
        answer=rooms.CAT_OPTIONS[0] if label == 1 else rooms.CAT_OPTIONS[1],
        model_answer=rooms.cat_said(p),
        model_p=p,
    )
    _ask(code, secret, question)


def ask_photo(code: str, secret: str, photo: rooms.WallPhoto) -> None:
    """Ask "cat or not?" about the approved wall ``photo``; the model's P(cat) rides along, hidden (no label: the
    presenter gives the answer at the reveal)."""
    ps = room_wall.verdicts([photo])
    if ps is None:
        st.error("The model's verdict needs the exercise's data on this server (python -m catlr download).")
        return
    try:
        wall_questions.ask_photo(room_view.store(), code, secret, photo.id, ps[0])
    except CatlrInputError as exc:
        st.error(str(exc))


def ask_curve(code: str, secret: str, rate: float) -> None:
    """Ask the room what the cost curve of ``rate`` will do (the answer comes from running it at the reveal)."""
    _ask(code, secret, rooms.Question("curve", f"{rate:g}"))


def curve_panel(code: str, secret: str) -> None:
    """"Predict the curve": what a learning rate will do over 2000 iterations, or whether a run of some number of
    iterations at the exercise's learning rate will overfit."""
    vary = st.segmented_control("Vary", ["Learning rate", "Iterations"], default="Learning rate",
                                key=state.ROOM_CURVE_VARY) or "Learning rate"  # fmt: skip
    if vary == "Iterations":
        iterations = st.select_slider(f"Iterations (learning rate {FIT_RATE})", FIT_ITERATIONS, value=2000,
                                      key=state.ROOM_FIT_ITERATIONS)  # fmt: skip
        if st.button("Ask the room", key=state.ROOM_ASK, type="primary"):
            _ask(code, secret, rooms.Question("fit", str(int(iterations))))
        return
    rate = st.select_slider("Learning rate (2000 iterations)", CURVE_RATES, value=0.1, key=state.ROOM_LR)
    if st.button("Ask the room", key=state.ROOM_ASK, type="primary"):
        ask_curve(code, secret, rate)


def fit_answer(iterations: int) -> tuple[str, np.ndarray, np.ndarray]:
    """Run the exercise's data for ``iterations`` at FIT_RATE: ("overfits" or "does not overfit", by
    :func:`catlr.explain.overfits`, the train and the test cost curves)."""
    config = TrainConfig(num_iterations=iterations, learning_rate=FIT_RATE)
    history = session_model.shared_run(config, active=session_data.exercise_data()).history
    over = explain.overfits(history.train_cost, history.test_cost)
    return rooms.FIT_OPTIONS[0 if over else 1], history.train_cost, history.test_cost


FOLLOW_SCENES = [name for name, scene in scenes.SCENES.items() if scene.page == "pages/train.py"]


def scene_config(name: str) -> TrainConfig:
    """The training setting of the lecture scene ``name`` (one of FOLLOW_SCENES)."""
    settings = scenes.SCENES[name].settings
    return TrainConfig(
        num_iterations=settings[state.TRAIN_ITERATIONS],
        learning_rate=settings[state.TRAIN_LR],
        l2=settings[state.TRAIN_L2],
    )


def follow_panel(code: str, secret: str) -> None:
    """"Follow me": pick a lecture scene and show it on every phone (read-only curves and metrics), or stop."""
    name = st.selectbox(
        "Scene",
        FOLLOW_SCENES,
        index=FOLLOW_SCENES.index("exercise"),
        format_func=lambda n: scenes.SCENES[n].label,
        key=state.ROOM_FOLLOW_SCENE,
    )
    c1, c2 = st.columns(2)
    if c1.button("Show on phones", key=state.ROOM_FOLLOW, type="primary"):
        _follow(code, secret, room_inputs.scene_text(scene_config(name)))
    if c2.button("Stop following", key=state.ROOM_UNFOLLOW):
        _follow(code, secret, None)


def _follow(code: str, secret: str, scene: str | None) -> None:
    try:
        room_view.store().follow(code, secret, scene)
    except CatlrInputError as exc:
        st.error(str(exc))


def _ask(code: str, secret: str, question: rooms.Question) -> None:
    try:
        room_view.store().ask(code, secret, question)
    except CatlrInputError as exc:
        st.error(str(exc))


def curve_answer(rate: float) -> tuple[str, np.ndarray | None]:
    """Run the exercise's data at ``rate`` for CURVE_ITERATIONS: (the answer, the cost curve or None)."""
    config = TrainConfig(num_iterations=room_view.CURVE_ITERATIONS, learning_rate=rate)
    try:
        result = session_model.shared_run(config, active=session_data.exercise_data())
    except CatlrInputError:  # TrainingDiverged: the cost left the numbers
        return "diverges", None
    costs = result.history.train_cost
    return CURVE_ANSWER[explain.diagnose_curve(costs).kind], costs


def reveal_photo(code: str, secret: str, question: rooms.Question) -> None:
    """A wall photo's answer is not known: the presenter, who chose it, reveals it as a cat or as not a cat."""
    st.caption("Only you know this photo's answer: reveal it with the right one.")
    cat, other = rooms.CAT_OPTIONS
    c1, c2 = st.columns(2)
    if c1.button(f"Reveal: {cat}", key=state.ROOM_REVEAL_CAT, type="primary"):
        reveal(code, secret, question, cat)
    if c2.button(f"Reveal: {other}", key=state.ROOM_REVEAL_NOT, type="primary"):
        reveal(code, secret, question, other)


def reveal(code: str, secret: str, question: rooms.Question, answer: str | None = None) -> None:
    """Close the vote (with ``answer`` when only the presenter knows it: a wall photo); for "predict the curve"
    run the rate first and reveal what its curve did."""
    if question.kind == "curve":
        answer, _ = curve_answer(float(question.subject))
    elif question.kind == "fit":
        answer = fit_answer(int(question.subject))[0]
    try:
        room_view.store().reveal(code, secret, answer)
    except CatlrInputError as exc:
        st.error(str(exc))
        return
    st.rerun(scope="app")


@st.fragment(run_every=TALLY_EVERY)
def live(code: str, secret: str) -> None:
    """The current question, its tally refreshed every TALLY_EVERY s, then the reveal (this fragment only reruns)."""
    try:
        snap = room_view.store().snapshot(code)
    except CatlrInputError as exc:
        st.error(str(exc))
        return
    if snap.scene is not None:
        st.caption(f"The phones follow you: {room_view.scene_label(snap.scene)} (between questions).")
    if snap.question is None:
        st.info(f"{snap.members} joined so far. Pick an activity and ask the room.")
        return
    room_view.question_block(snap.question, code, width=240)
    room_view.tally_block(snap)
    if not snap.revealed and room_inputs.subject_photo_id(snap.question.subject) is not None:
        reveal_photo(code, secret, snap.question)
        return
    if not snap.revealed:
        label = "Run it and reveal" if snap.question.kind in ("curve", "fit") else "Reveal"
        if st.button(label, key=state.ROOM_REVEAL, type="primary"):
            reveal(code, secret, snap.question)
        return
    room_view.reveal_block(snap.question, snap.tally)
    if snap.question.kind == "curve":
        _, costs = curve_answer(float(snap.question.subject))
        if costs is not None:
            label = f"iteration / 10 (learning rate {snap.question.subject})"
            st.line_chart(costs[::10], x_label=label, y_label="cost")
    if snap.question.kind == "fit":
        _, train, test = fit_answer(int(snap.question.subject))  # Train's two curves, in Train's colours
        frame = charts.per_iteration({"train cost": train, "test cost": test})
        charts.line_chart(frame, "iteration", "cost", train_view.PALETTE, height=240)


def history(code: str, secret: str) -> None:
    """The round so far, and (if the presenter chooses) the nicknames the members gave."""
    try:
        rounds = room_view.store().history(code)
        room_view.scores_block(rounds, code)
        if st.toggle("Show the nicknames", key=state.ROOM_SHOW_NICKNAMES, help="Off by default: names stay private"):
            names = room_view.store().nicknames(code, secret)
            st.text(", ".join(names) if names else "No one gave a nickname.")  # text: never markdown
    except CatlrInputError as exc:
        st.error(str(exc))


def close(code: str, secret: str) -> None:
    """End the room now: its votes, members and photos are dropped."""
    try:
        room_view.store().close(code, secret)
    except CatlrInputError as exc:
        st.error(str(exc))
    state.drop(state.ROOM_HOSTED)
    st.rerun()
