"""The audience's side of a room, phone first: join by link or code, see the question, vote once, see the reveal.

A member is an unguessable id made on the first visit and kept in this session and in the page's URL
(``?room=CODE&member=ID``), so a refresh is the same member with the same vote. The join link the
presenter shows holds only the room code.
"""

from __future__ import annotations

import streamlit as st

from catlr import limits, room_inputs, rooms
from catlr.errors import CatlrInputError
from ui import room_view, room_wall, state

ROOM_PARAM = "room"
MEMBER_PARAM = "member"
REFRESH_EVERY = 3.0  # seconds between a phone's looks (at 2 s, 100 phones kept one server 87 % busy; README)

# Static CSS only (no user text ever goes into st.html): big touch targets on a phone.
PHONE_CSS = """<style>
  .stMainBlockContainer button { min-height: 4rem; font-size: 1.5rem; }
  .stMainBlockContainer button p { font-size: 1.5rem; }
  .stMainBlockContainer input { font-size: 1.3rem; min-height: 3rem; }
</style>"""


def phone_layout() -> None:
    """Big buttons and text; the sidebar starts closed (nothing in it is needed to take part)."""
    st.set_page_config(initial_sidebar_state="collapsed")
    st.html(PHONE_CSS)


def code_in_url() -> str | None:
    """The room code of the URL (``?room=``), checked; None without one. A bad one is said once and dropped."""
    raw = st.query_params.get(ROOM_PARAM)
    if raw is None:
        return None
    try:
        return room_inputs.room_code(raw)
    except CatlrInputError as exc:
        st.error(str(exc))
        del st.query_params[ROOM_PARAM]
        return None


def ask_for_code() -> None:
    """The form for a room code typed by hand (a QR code opens the room directly)."""
    with st.form(state.JOIN_GO, border=False):
        typed = st.text_input("Room code", max_chars=12, key=state.JOIN_CODE, placeholder="e.g. 7KQ2MX")
        if st.form_submit_button("Join", type="primary", width="stretch"):
            try:
                room_view.limit("joins")
                code = room_inputs.room_code(typed)
                room_view.store().snapshot(code)
            except CatlrInputError as exc:
                st.error(str(exc))
                return
            st.query_params[ROOM_PARAM] = code
            st.rerun()


def member(code: str) -> str | None:
    """This session's member id in room ``code``: kept, or from the URL (a refresh), or new; joined to the room.
    None when the room cannot be joined (the reason is shown)."""
    kept = state.get(state.ROOM_MEMBER)
    if kept is not None and kept[0] == code:
        return kept[1]
    try:
        room_view.limit("joins")
        raw = st.query_params.get(MEMBER_PARAM)
        member_id = room_inputs.member_id(raw) if raw is not None else room_inputs.new_member_id()
        room_view.store().join(code, member_id)
    except CatlrInputError as exc:
        st.error(str(exc))
        return None
    state.put(state.ROOM_MEMBER, (code, member_id))
    st.query_params[MEMBER_PARAM] = member_id
    return member_id


@st.fragment(run_every=REFRESH_EVERY)
def live(code: str, member_id: str) -> None:
    """The room now, looked at every REFRESH_EVERY s: the question and its vote buttons, or the reveal."""
    try:
        snap = room_view.store().snapshot(code)
        mine = room_view.store().my_vote(code, member_id)
    except CatlrInputError as exc:
        st.error(str(exc))
        return
    room_wall.follow_switch(snap.wall)
    st.caption(f"Room {code} · {snap.members} {'person' if snap.members == 1 else 'people'} in it")
    question = snap.question
    if snap.scene is not None and (question is None or snap.revealed):  # "follow me", between questions
        room_view.scene_block(snap.scene)
        if question is not None:
            room_view.reveal_block(question, snap.tally)
        return
    if question is None:
        st.info("Waiting for the presenter's first question…")
        return
    room_view.question_block(question, code, width=300)
    if snap.revealed:
        st.write(f"You voted **{mine}**." if mine else "You did not vote on this one.")
        room_view.reveal_block(question, snap.tally)
        return
    if mine is None:
        slot = st.empty()
        with slot.container():
            tapped = buttons(question)
        if tapped is None:
            return
        mine = vote(code, member_id, question, tapped)
        if mine is not None:
            slot.empty()  # the buttons go as the vote is taken
    if mine is not None:
        st.success(f"Your vote: **{mine}**. Wait for the reveal on the big screen.")


def buttons(question: rooms.Question) -> str | None:
    """One big button per option, all alike (none looks like the one to press); the option tapped, or None."""
    tapped = None
    for i, option in enumerate(question.options):
        if st.button(option, key=state.item_key(state.PAGE_JOIN, "vote", question.number, i), width="stretch"):
            tapped = option
    return tapped


def vote(code: str, member_id: str, question: rooms.Question, option: str) -> str | None:
    """Send the vote (rate-limited); the member's vote on ``question`` afterwards, or None if it was refused."""
    try:
        room_view.limit("votes")
        if not room_view.store().vote(code, member_id, question.number, option):
            st.warning("You had voted on this question already; your first vote counts.")
        return room_view.store().my_vote(code, member_id)
    except CatlrInputError as exc:
        st.error(str(exc))
        return None


def nickname(code: str, member_id: str) -> None:
    """An optional nickname, shown only if the presenter chooses to."""
    with st.expander("Add a nickname (optional)"):
        given = st.text_input("Nickname", max_chars=limits.MAX_NICKNAME_CHARS, key=state.JOIN_NICKNAME,
                              help="Shown only if the presenter chooses to show nicknames.")  # fmt: skip
        if st.button("Save", key=state.JOIN_NICKNAME_SAVE):
            try:
                room_view.store().join(code, member_id, given)
            except CatlrInputError as exc:
                st.error(str(exc))
            else:
                st.success("Saved.")
