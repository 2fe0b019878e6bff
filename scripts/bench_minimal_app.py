"""The smallest page that does what Train's learning-rate slider does: one select_slider, one metric.

The browser benchmark (scripts/bench_browser.py) measures it in the same run as catlr, as the floor of
what a Streamlit rerun costs on this machine.
"""

import streamlit as st

RATES = [1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 2e-3, 3e-3, 5e-3, 7e-3, 1e-2, 2e-2, 5e-2, 0.1, 0.3, 1.0]

rate = st.select_slider("Learning rate", RATES, value=0.005, format_func=lambda r: f"{r:g}", key="train_lr")
st.metric("Train accuracy", f"{100 * RATES.index(rate) / len(RATES):.2f} %")
