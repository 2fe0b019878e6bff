"""Real-browser fixtures: one live streamlit server per session, Debian's chromium driven by Playwright."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.e2e.browsing import checked_page
from tests.e2e.server import CHROMIUM, CHROMIUM_ARGS, REPO_ROOT, streamlit_server

SCREENSHOTS = REPO_ROOT / (
    "docs/screenshots" if os.environ.get("CATLR_UPDATE_SCREENSHOTS") == "1" else "build/screenshots"
)


@pytest.fixture(scope="session")
def server(real_data_dir: Path, redis_url: str):
    """The session's server. Its rooms live in the session's Redis (CATLR_ROOMS_URL), so the rooms test needs
    only one more server beside it to show two servers sharing one room."""
    with streamlit_server({"CATLR_DATA_DIR": str(real_data_dir), "CATLR_ROOMS_URL": redis_url}) as (url, proc):
        yield url


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"chromium not found at {CHROMIUM}: run scripts/test.sh (it installs Debian's chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A desktop-sized page (1400 × 900) in a new session."""
    with checked_page(browser, viewport={"width": 1400, "height": 900}) as pg:
        yield pg


@pytest.fixture
def phone(browser):
    """A phone: 390 × 844, touch, mobile viewport rules."""
    with checked_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True) as pg:
        yield pg


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
