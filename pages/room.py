"""Room: the presenter opens a room, the audience joins from their phones, votes, and sees the reveal."""

import streamlit as st

from ui import room_host, room_pick, room_wall, state, widgets

widgets.header(
    "📣 Room",
    "Ask the room before the model answers: *cat or not?*, or what a learning rate will do. "
    "The audience joins from their phones with the code or the QR code; no app, no account.",
)

room = room_host.hosted()
if room is None:
    st.markdown(
        "Open a room and put this page on the projector: it shows a code and a QR code. Phones that open it "
        "vote on your questions; you see the tally live and reveal the answer next to the model's."
    )
    if st.button("Open a room", key=state.ROOM_OPEN, type="primary"):
        room_host.open_room()
    st.stop()
code, secret = room

left, right = st.columns(2, gap="large")
with left:
    room_host.join_panel(code)
with right:
    activity = st.segmented_control(
        "Activity", ["Cat or not?", "Predict the curve", "Follow me"], default="Cat or not?", key=state.ROOM_ACTIVITY
    )
    if activity == "Follow me":
        room_host.follow_panel(code, secret)
    elif activity == "Predict the curve":
        room_host.curve_panel(code, secret)
    else:
        room_pick.cat_panel(code, secret)
    room_host.live(code, secret)

room_wall.host_panel(code, secret)
room_host.history(code, secret)
if st.button("Close the room", key=state.ROOM_CLOSE, help="Ends it for everyone: votes, members, photos go"):
    room_host.close(code, secret)
