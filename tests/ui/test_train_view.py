"""ui.train_view: the learning-rate comparison is trained once per setting, and a stopped run is not redone."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def script() -> None:
    import streamlit as st

    from ui import session_model, train_view

    calls = st.session_state.setdefault("test_calls", [])
    original = session_model.sweep

    def counting(rates, iterations):
        calls.append((tuple(rates), iterations))
        return original(rates, iterations)

    session_model.sweep = counting
    try:
        first = train_view.comparison([0.001, 0.01], 50)
        again = train_view.comparison([0.01, 0.001], 50)  # the same rates in another order
        other = train_view.comparison([0.01], 50)
    finally:
        session_model.sweep = original
    st.write(f"{len(calls)} {calls[0]} {again is first} {len(other)}")


def test_the_comparison_is_kept_for_the_same_settings(real_data_dir, monkeypatch):
    monkeypatch.setenv("CATLR_DATA_DIR", str(real_data_dir))
    at = AppTest.from_function(script, default_timeout=60).run()
    assert not at.exception
    assert at.markdown[0].value == "2 ((0.01, 0.001), 50) True 1"
