"""Real-browser fixtures: one live streamlit server per session, Debian's chromium driven by Playwright."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

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
    """A fresh browser context (a new Streamlit session) whose console errors fail the test."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    failed: list[str] = []
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    yield pg
    context.close()
    # On a deep link (/train) Streamlit's front end first probes /train/_stcore/health and host-config
    # to find the server's base path, and logs those two 404s; they are its design, not our errors.
    probes = [u for u in failed if re.search(r"/[\w-]+/_stcore/(health|host-config)$", u)]
    unexpected = [e for e in errors if not (probes and e.startswith("Failed to load resource") and "404" in e)]
    assert not unexpected, f"browser console errors: {unexpected}"
    assert len(failed) == len(probes), f"failed requests: {failed}"


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
