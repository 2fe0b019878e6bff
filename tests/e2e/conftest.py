"""Real-browser fixtures: one live streamlit server per session, Debian's chromium driven by Playwright."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.e2e.browsing import watched
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
    # Playwright's 5 s default for expect() is a wait, not a target: on the 2-core CI machine, with four workers
    # and their servers at once, a first prediction once took longer. Speed is shown by the benchmarks instead.
    expect.set_options(timeout=15_000)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


DESKTOP = {"width": 1400, "height": 900}


@pytest.fixture(scope="session")
def desktop_tab(browser):
    """One browser tab for the desktop-sized tests of this worker. Each test's first navigation opens a new
    Streamlit session in it; keeping the tab keeps its renderer, which has compiled Streamlit's scripts once (a
    page load in a new tab cost chromium 3.8 s of CPU, in a kept tab 1.4 s)."""
    context = browser.new_context(viewport=DESKTOP)
    yield context.new_page()
    context.close()


@pytest.fixture
def page(desktop_tab):
    """A desktop-sized page (1400 × 900); the test's first navigation starts its new session."""
    desktop_tab.set_viewport_size(DESKTOP)
    with watched(desktop_tab) as pg:
        yield pg
    desktop_tab.goto("about:blank")  # the test's session ends here, not during the next test


@pytest.fixture(scope="session")
def phone_tab(browser):
    """The phone-sized tests' tab (kept, as ``desktop_tab``): 390 × 844, touch, mobile viewport rules."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone(phone_tab):
    """A phone; the test's first navigation starts its new session."""
    with watched(phone_tab) as pg:
        yield pg
    phone_tab.goto("about:blank")


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
