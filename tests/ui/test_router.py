"""ui.router: every page runs inside the router (page config, navigation, presenter toggle, error guard)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO_ROOT
from tests.helpers import PAGES
from ui import state


@pytest.mark.parametrize("page", PAGES)
def test_a_page_opened_directly_still_runs_inside_the_router(real_data_dir, monkeypatch, page):
    # AppTest starts every run in Streamlit's pages/-folder mode: switch_page runs the page file on its own,
    # and ensure_routed must run the router around it in the same run.
    monkeypatch.setenv("CATLR_DATA_DIR", str(real_data_dir))
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60).run()
    at.switch_page(page).run()
    assert not at.exception
    assert [t.key for t in at.sidebar.toggle] == [state.APP_PRESENTER]  # drawn by router.main only
    assert len(at.title) == 1  # the page drew once, not once outside and once inside the router


def test_the_error_guard_shows_a_message_not_a_traceback(real_data_dir, monkeypatch):
    from ui import widgets

    def broken(*args, **kwargs):
        raise RuntimeError("internal detail")

    monkeypatch.setenv("CATLR_DATA_DIR", str(real_data_dir))
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60).run()
    monkeypatch.setattr(widgets, "count", broken)  # used by the Inside page's scrubber
    at.switch_page("pages/inside.py").run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Something went wrong on this page. Your model and data are unchanged; try again or reload."
    ]


def test_the_warm_up_trains_the_default_model_into_the_store_once(real_data_dir, monkeypatch):
    import threading

    from ui import cache, session_data, session_model

    monkeypatch.setenv("CATLR_DATA_DIR", str(real_data_dir))
    session_model.warm_up()  # what the warm-up thread runs
    key = (session_data.exercise_data().key, session_model.DEFAULT_CONFIG)
    stored = cache.results().get(key)
    assert stored is not None and stored.iterations_run == 2000
    session_model.warm_up()
    assert cache.results().get(key) is stored  # a second warm-up reuses it
    from ui import router

    router.start_warm_up()
    router.start_warm_up()
    assert [t.name for t in threading.enumerate()].count("catlr-warm-up") <= 1
