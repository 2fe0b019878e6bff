"""catlr dashboard: the router. Run with `streamlit run app.py` (see README)."""

import logging

import streamlit as st

from ui import state

st.set_page_config(page_title="catlr — see a classifier learn", page_icon="🐱", layout="wide")

# Static CSS only (no user text ever goes into st.html): larger type for a projector.
PRESENTER_CSS = """<style>
  .stMainBlockContainer { font-size: 1.3rem; max-width: 100%; }
  .stMainBlockContainer p, .stMainBlockContainer li { font-size: 1.3rem; }
  [data-testid='stMetricValue'], [data-testid='stMetricValue'] * { font-size: 3.2rem !important; }
  [data-testid='stMetricLabel'] p { font-size: 1.3rem; }
  h1 { font-size: 3.2rem !important; }
</style>"""

PAGES = [
    st.Page("pages/home.py", title="Home", icon="🏠", url_path="home", default=True),
    st.Page("pages/train.py", title="Train", icon="📉", url_path="train"),
    st.Page("pages/dataset.py", title="Dataset", icon="🖼️", url_path="dataset"),
    st.Page("pages/mistakes.py", title="Mistakes", icon="❌", url_path="mistakes"),
    st.Page("pages/predict.py", title="Predict", icon="🔮", url_path="predict"),
    st.Page("pages/inside.py", title="Inside the model", icon="🔬", url_path="inside"),
]

page = st.navigation(PAGES)
if st.sidebar.toggle(
    "Presenter mode", key=state.PRESENTER, bind="query-params", help="Larger text for a projector; kept in the URL."
):
    st.html(PRESENTER_CSS)
try:
    page.run()
except Exception:  # noqa: BLE001 - Streamlit's own rerun/stop signals are BaseExceptions and pass through.
    # Last line of defence: pages handle bad input themselves; this only catches our own bugs.
    logging.getLogger("catlr").exception("page %s failed", page.title)
    st.error("Something went wrong on this page. Your model and data are unchanged; try again or reload.")
