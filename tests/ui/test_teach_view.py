"""ui.teach_view on a tiny uploaded dataset: keys, growth, removal, the cap, restore (the page test uses real data)."""

from __future__ import annotations

from h5fixtures import write_dataset_files
from streamlit.testing.v1 import AppTest


def script(train: bytes, test: bytes) -> None:
    import numpy as np
    import streamlit as st

    from catlr import limits
    from catlr.errors import CatlrInputError
    from ui import session_data, session_model, session_photo, state, teach_view

    base = session_data.use_uploaded(train, test)
    base_key = session_data.active().key
    session_model.ensure()
    rng = np.random.default_rng(0)
    for i in range(3):
        image = rng.integers(0, 256, (8, 8, 3), dtype=np.uint8)
        session_photo.use_dataset_image(("Dataset", "x", i), f"photo {i}", image)
        change = teach_view.add(session_photo.current(), i % 2)
        active = session_data.active()
        same = bool((active.dataset.train_set_x_orig[-1] == image).all())
        rebuilt = active.problem.X_train.T @ active.problem.X_train  # G grown, checked against a rebuild
        st.write(f"{active.dataset.m_train} {active.key.startswith(base_key + '+taught:')} {same} {change.action}")
        st.write(f"G ok: {bool(np.allclose(active.problem.G, rebuilt))}")
    teach_view.remove(1)
    kept = [t.name for t in teach_view.current().added]
    st.write(f"after remove: {session_data.active().dataset.m_train} {kept}")
    limits.MAX_TAUGHT_PHOTOS = 2  # B19
    session_photo.use_dataset_image(("Dataset", "x", 9), "photo 9", rng.integers(0, 256, (8, 8, 3), dtype=np.uint8))
    try:
        teach_view.add(session_photo.current(), 1)
    except CatlrInputError as exc:
        st.write(str(exc))
    teach_view.restore()
    now = session_data.active()
    st.write(f"restored: {now.key == base_key} {now.dataset.m_train} {base.m_train}")
    st.write(f"teaching: {teach_view.current()} model: {session_model.current()}")
    st.write(f"{state.get(state.USER_DATA) is not None}")


def test_photos_join_this_users_own_data_and_leave_again(real_data_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("CATLR_DATA_DIR", str(real_data_dir))
    folder = write_dataset_files(tmp_path, m_train=12, m_test=6, num_px=8)
    files = {split: (folder / f"{split}_catvnoncat.h5").read_bytes() for split in ("train", "test")}
    from catlr import limits

    monkeypatch.setattr(limits, "MAX_TAUGHT_PHOTOS", limits.MAX_TAUGHT_PHOTOS)  # the script lowers it
    at = AppTest.from_function(script, kwargs=files, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert [m.value for m in at.markdown] == [
        "13 True True added", "G ok: True",
        "14 True True added", "G ok: True",
        "15 True True added", "G ok: True",
        "after remove: 14 ['photo 0', 'photo 2']",
        "at most 2 photos can be added; remove one first",
        "restored: True 12 12",
        "teaching: None model: None",
        "True",  # the base was this user's own upload: it stays their data
    ]  # fmt: skip
