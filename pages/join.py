"""Join: an audience member's phone in a room: the presenter's question, a big button per answer, the reveal."""

import streamlit as st

from ui import room_join, room_wall, widgets

widgets.header("🙋 Join a room", "Answer the presenter's questions from your phone.")
room_join.phone_layout()

code = room_join.code_in_url()
if code is None:
    room_join.ask_for_code()
    st.stop()
member = room_join.member(code)
if member is None:
    st.stop()
room_join.live(code, member)
room_wall.phone_panel(code, member)
room_join.nickname(code, member)
