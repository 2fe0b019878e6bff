"""ui.session_data: a user's own upload becomes their data (and only theirs); going back restores the exercise's."""

from __future__ import annotations

from h5fixtures import write_dataset_files
from streamlit.testing.v1 import AppTest


def script(train: bytes, test: bytes) -> None:
    import streamlit as st

    from ui import session_data

    before = session_data.active().key
    session_data.use_uploaded(train, test)
    own = session_data.active()
    st.write(f"{before.split(':')[0]} -> {own.key.split(':')[0]} {own.problem.m_train} {own.dataset.num_px}")
    session_data.use_exercise_data()
    st.write(f"back: {session_data.active().key.split(':')[0]} {session_data.is_own()}")


def test_an_upload_becomes_this_users_data_and_can_be_dropped(real_data_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("CATLR_DATA_DIR", str(real_data_dir))
    folder = write_dataset_files(tmp_path, m_train=12, m_test=6, num_px=8)
    files = {split: (folder / f"{split}_catvnoncat.h5").read_bytes() for split in ("train", "test")}
    at = AppTest.from_function(script, kwargs=files, default_timeout=60).run()
    assert not at.exception
    assert [m.value for m in at.markdown] == ["exercise -> upload 12 8", "back: exercise False"]
