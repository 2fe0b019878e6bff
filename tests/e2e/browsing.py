"""Steps the browser tests share: open a page, switch pages, press keys on a slider, take a full screenshot."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.server import wait_idle


def open_app(page, server: str, path: str = "") -> None:
    page.goto(f"{server}/{path}")
    wait_idle(page)


def go(page, title: str) -> None:
    page.locator("[data-testid='stSidebarNavLink']", has_text=title).click()
    wait_idle(page)



def assert_no_exception(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0



def full_screenshot(page, path) -> None:
    """The whole page: Streamlit scrolls inside its main container, so grow the viewport to fit it."""
    height = page.evaluate("document.querySelector(\"[data-testid='stMain']\").scrollHeight")
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": min(max(height, size["height"]), 6000)})
    wait_idle(page)
    page.wait_for_timeout(400)
    page.screenshot(path=str(path))
    page.set_viewport_size(size)


def press_on_slider(page, key: str, keyname: str, times: int = 1) -> None:
    thumb = page.locator(f".st-key-{key} input[type='range']")
    thumb.focus()
    for _ in range(times):
        thumb.press(keyname)
    page.wait_for_timeout(300)  # let the slider send its last value before waiting for the rerun
    wait_idle(page)


def expect_metric(page, label: str, value: str, timeout: float = 15_000) -> None:
    """Wait until the metric labelled ``label`` shows ``value`` (a rerun in flight may still show the old one)."""
    box = page.locator("[data-testid='stMetric']", has_text=label).first
    expect(box.locator("[data-testid='stMetricValue']")).to_have_text(value, timeout=timeout)


def open_tab(page, name: str) -> None:
    """Click a tab and wait for the rerun that draws its content (only the open tab's content runs)."""
    page.get_by_role("tab", name=name).click()
    wait_idle(page)
