"""The router: page config, the navigation over pages/, presenter mode and the error guard, in one function.

Streamlit 1.67 decides, when the first session of a server starts, whether a folder named ``pages/``
beside ``app.py`` makes this an old-style multipage app; until some session runs ``st.navigation``, a
deep link such as ``/train`` runs ``pages/train.py`` on its own (so does every AppTest run, which resets
that decision). Every page therefore starts with :func:`ensure_routed` (through
:func:`ui.widgets.header`): a page started outside the router runs the router in the same run, which
runs the page inside it, and stops the outer copy. No rerun, so no widget event is lost; public API only.
The documented contract this relies on: once any session runs ``st.navigation``, the ``pages/`` folder
is ignored in all sessions (``tests/e2e/test_hardening.py`` checks a first request to a deep link).
"""

from __future__ import annotations

import logging
import threading
from contextvars import ContextVar

import streamlit as st

from catlr import runtime
from ui import session_model, state

_ROUTED: ContextVar[bool] = ContextVar("catlr_routed", default=False)
_WARM_LOCK = threading.Lock()
_WARMED: list[bool] = []  # not empty once this process started its warm-up
_log = logging.getLogger("catlr")

# Static CSS only (no user text ever goes into st.html): larger type for a projector.
PRESENTER_CSS = """<style>
  .stMainBlockContainer { font-size: 1.3rem; max-width: 100%; }
  .stMainBlockContainer p, .stMainBlockContainer li { font-size: 1.3rem; }
  [data-testid='stMetricValue'], [data-testid='stMetricValue'] * { font-size: 3.2rem !important; }
  [data-testid='stMetricLabel'] p { font-size: 1.3rem; }
  h1 { font-size: 3.2rem !important; }
</style>"""


def pages(presenter: bool = False) -> list:
    """Every page, in menu order (built per run: a Page carries per-run state). The room a presenter runs is
    in the menu in presenter mode; the audience's page is reached by its link (or QR code), never the menu."""
    room = "visible" if presenter else "hidden"
    return [
        st.Page("pages/home.py", title="Home", icon="🏠", url_path="home", default=True),
        st.Page("pages/train.py", title="Train", icon="📉", url_path="train"),
        st.Page("pages/dataset.py", title="Dataset", icon="🖼️", url_path="dataset"),
        st.Page("pages/mistakes.py", title="Mistakes", icon="❌", url_path="mistakes"),
        st.Page("pages/predict.py", title="Predict", icon="🔮", url_path="predict"),
        st.Page("pages/inside.py", title="Inside the model", icon="🔬", url_path="inside"),
        st.Page("pages/room.py", title="Open a room", icon="📣", url_path="room", visibility=room),
        st.Page("pages/join.py", title="Join a room", icon="🙋", url_path="join", visibility="hidden"),
    ]


def start_warm_up() -> None:
    """Once per process, on a daemon thread: the first run (the server's script health check, which
    scripts/app.sh and serve.sh request as soon as the server is up) loads the data and trains the default
    model into the store, so the first visitor does not wait for them."""
    with _WARM_LOCK:
        if _WARMED:
            return
        _WARMED.append(True)
    threading.Thread(target=session_model.warm_up, name="catlr-warm-up", daemon=True).start()


def main() -> None:
    """Run the app: process settings (once), page config, navigation, presenter mode, then the page."""
    runtime.configure_process(server=True)
    start_warm_up()
    st.set_page_config(page_title="catlr — see a classifier learn", page_icon="🐱", layout="wide")
    presenter = st.sidebar.toggle(
        "Presenter mode",
        key=state.APP_PRESENTER,
        bind="query-params",
        help="Larger text for a projector, and rooms the audience joins from their phones; kept in the URL.",
    )
    page = st.navigation(pages(presenter))
    if presenter:
        st.html(PRESENTER_CSS)
    token = _ROUTED.set(True)
    try:
        page.run()
    except Exception:  # noqa: BLE001 - Streamlit's own rerun/stop signals are BaseExceptions and pass through.
        # Last line of defence: pages handle bad input themselves; this only catches our own bugs.
        _log.exception("page %s failed", page.title)
        st.error("Something went wrong on this page. Your model and data are unchanged; try again or reload.")
    finally:
        _ROUTED.reset(token)


def ensure_routed() -> None:
    """If Streamlit ran this page file on its own (``pages/`` folder mode), run it through the router instead."""
    if _ROUTED.get():
        return
    _log.info("a page started outside app.py; running it through the router")
    main()
    st.stop()  # the outer, unrouted copy draws nothing more
