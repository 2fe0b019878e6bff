"""AppTest fixtures: a fresh app session per test, on the real dataset, with process-global caches cleared."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO_ROOT


@pytest.fixture(autouse=True)
def _fresh_caches(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(REPO_ROOT)  # AppTest reads .streamlit/config.toml from the cwd
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def app(real_data_dir: Path, monkeypatch: pytest.MonkeyPatch):
    """Factory: an AppTest of the whole app opened on ``page`` (a path under pages/), already run once."""
    monkeypatch.setenv("CATLR_DATA_DIR", str(real_data_dir))

    def open_page(page: str = "pages/home.py") -> AppTest:
        at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
        at.run()
        if page != "pages/home.py":
            at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return open_page


@pytest.fixture
def rooms_app(real_data_dir, monkeypatch):
    """Factory: an AppTest of the app on ``page`` with ``query`` in its URL, run once (straight on the page,
    as a link opens it: no run of Home first)."""
    monkeypatch.setenv("CATLR_DATA_DIR", str(real_data_dir))
    monkeypatch.setenv("CATLR_PUBLIC_URL", "https://catlr.example.org")

    def open_page(page: str, **query: str) -> AppTest:
        at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
        at.query_params.update(query)
        at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return open_page
