"""Steps the browser tests share: open a page, switch pages, press keys on a slider, take a full screenshot."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.e2e.server import wait_idle

# Streamlit deletes a run's images once the next run has finished without them, so an image that a quick rerun
# replaced before the browser fetched it fails to load ("Image source error", a 404) although nobody sees it:
# its element is gone. Only such superseded images are forgiven; an image still on the page must have loaded.
IMAGE_ERROR = re.compile(r"Image source error - (\S+)")


@contextlib.contextmanager
def checked_page(browser, **context_args) -> Iterator:
    """A page in a fresh browser context (a new Streamlit session) whose console errors, failed requests and
    broken images fail the test."""
    context = browser.new_context(**context_args)
    try:
        with watched(context.new_page()) as pg:
            yield pg
    finally:
        context.close()


@contextlib.contextmanager
def watched(pg) -> Iterator:
    """``pg`` while it is watched: console errors, failed requests and broken images on it fail the test."""
    errors: list[tuple[str, str]] = []  # (message, the resource or script it is about)
    failed: list[str] = []
    listeners = {
        "console": lambda m: errors.append((m.text, m.location.get("url", ""))) if m.type == "error" else None,
        "pageerror": lambda exc: errors.append((str(exc), "")),
        "response": lambda r: failed.append(r.url) if r.status >= 400 else None,
    }
    for event, listener in listeners.items():
        pg.on(event, listener)
    try:
        yield pg
        shown = pg.evaluate("Array.from(document.images).map(i => [i.src, i.complete && i.naturalWidth === 0])")
    finally:
        for event, listener in listeners.items():
            pg.remove_listener(event, listener)
    broken = [src for src, is_broken in shown if is_broken]
    assert not broken, f"images on the page that did not load: {broken}"
    on_page = {src for src, _ in shown}
    gone = {m.group(1) for text, _ in errors if (m := IMAGE_ERROR.search(text))}
    # Not every such 404 is logged as an "Image source error" first, nor seen as a response by Playwright.
    gone |= {u for u in failed + [url for _, url in errors] if "/media/" in u}
    superseded = gone - on_page
    # On a deep link (/train) Streamlit's front end first probes /train/_stcore/health and host-config
    # to find the server's base path, and logs those two 404s; they are its design, not our errors.
    probes = {u for u in failed if re.search(r"/[\w-]+/_stcore/(health|host-config)$", u)}
    forgiven = probes | superseded

    def expected(text: str, url: str) -> bool:
        if (m := IMAGE_ERROR.search(text)) and m.group(1) in superseded:
            return True
        return text.startswith("Failed to load resource") and "404" in text and url in forgiven

    unexpected = [f"{text} ({url})" for text, url in errors if not expected(text, url)]
    assert not unexpected, f"browser console errors: {unexpected}"
    assert set(failed) <= forgiven, f"failed requests: {sorted(set(failed) - forgiven)}"


def open_app(page, server: str, path: str = "") -> None:
    page.goto(f"{server}/{path}")
    wait_idle(page)


def go(page, title: str) -> None:
    page.locator("[data-testid='stSidebarNavLink']", has_text=title).click()
    wait_idle(page)



def assert_no_exception(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0



def full_screenshot(page, path) -> None:
    """The whole page: Streamlit scrolls inside its main container, so grow the viewport to fit it. Only when the
    docs' screenshots are being retaken (CATLR_UPDATE_SCREENSHOTS=1): drawing a page 6,000 px tall costs the
    browser seconds, and a test run keeps just the first screen."""
    if os.environ.get("CATLR_UPDATE_SCREENSHOTS") != "1":
        page.screenshot(path=str(path))
        return
    height = page.evaluate("document.querySelector(\"[data-testid='stMain']\").scrollHeight")
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": min(max(height, size["height"]), 6000)})
    wait_idle(page)
    page.wait_for_timeout(400)
    page.screenshot(path=str(path))
    page.set_viewport_size(size)


def upload(page, dropzone_input, files) -> None:
    """Give a file uploader ``files`` (a path, or a list of paths or of {"name", "mimeType", "buffer"}) and wait
    for the rerun they cause. The upload itself is an HTTP request that can outlast wait_idle's first pause on
    a busy machine, so first wait until each file's chip is under the uploader with no spinner."""
    dropzone_input.set_input_files(files)
    given = files if isinstance(files, list) else [files]
    names = [f["name"] if isinstance(f, dict) else os.path.basename(str(f)) for f in given]
    uploader = dropzone_input.locator("xpath=ancestor::*[@data-testid='stFileUploader'][1]")
    for name in names:  # a long name is shortened on its chip: its first characters are enough to tell them apart
        chip = uploader.locator("[data-testid='stFileChipName']", has_text=name[:6]).first
        expect(chip).to_be_visible(timeout=30_000)
    expect(uploader.locator("[data-testid='stFileChipIconSpinner']")).to_have_count(0, timeout=30_000)
    wait_idle(page)


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


def sideways_scroll(page) -> int:
    """How many pixels the page (or its main area) can scroll sideways: 0 when everything fits the width."""
    return page.evaluate(
        """() => {
          const main = document.querySelector("[data-testid='stMain']");
          return Math.max(document.documentElement.scrollWidth - window.innerWidth,
                          main.scrollWidth - main.clientWidth);
        }"""
    )


def cut_labels(page) -> list[str]:
    """Labels in the main area that are truncated or clipped: an ellipsis, or cut off by an ancestor hiding overflow."""
    return page.evaluate(
        """() => {
          const cut = [];
          const labels = document.querySelector("[data-testid='stMain']").querySelectorAll(
            "[data-testid='stWidgetLabel'] p, [data-testid='stMetricLabel'] p, [data-testid='stMetricValue'] div," +
            " [data-testid='stButtonGroup'] button, [data-testid='stTab'] p, [data-testid='stExpander'] summary p");
          for (const el of labels) {
            const r = el.getBoundingClientRect();
            if (r.width === 0) continue;
            if (el.scrollWidth > el.clientWidth + 1) { cut.push(el.textContent); continue; }
            for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
              const overflow = getComputedStyle(a).overflowX;
              if (overflow === 'visible') continue;
              // Inside a box that scrolls sideways (a phone's tab bar) every label stays reachable.
              if (overflow === 'auto' || overflow === 'scroll') break;
              const box = a.getBoundingClientRect();
              if (r.right > box.right + 1 || r.left < box.left - 1) { cut.push(el.textContent); break; }
            }
          }
          return cut;
        }"""
    )


def on_first_screen(page, selector: str) -> float:
    """The fraction (0–1) of the first element matching ``selector`` that is inside the first screen."""
    box = page.locator(selector).first.bounding_box()
    if not box or box["height"] == 0:
        return 0.0
    visible = min(box["y"] + box["height"], page.viewport_size["height"]) - max(box["y"], 0)
    return max(visible, 0) / box["height"]


def title_under_header(page) -> float:
    """The fraction (0–1) of the page title's line (its h1 text) that Streamlit's fixed header covers. A line box
    has leading above its letters, so a few pixels (under a quarter) hide nothing that is drawn."""
    header = page.locator("[data-testid='stHeader']").bounding_box()
    line = page.evaluate("""() => { const h1 = document.querySelector('h1'); if (!h1) return null;
        const r = document.createRange(); r.selectNodeContents(h1); const b = r.getBoundingClientRect();
        return [b.top, b.height]; }""")
    if not header or not line or line[1] == 0:
        return 0.0
    return min(1.0, max(0.0, header["y"] + header["height"] - line[0]) / line[1])


AXE = Axe()
BLOCKING = ("serious", "critical")


def violations(page) -> list[str]:
    """The serious and critical axe-core violations on the page, one line per element."""
    page.wait_for_timeout(500)  # charts and images finish drawing
    found = AXE.run(page).response["violations"]
    blocking = [v for v in found if v["impact"] in BLOCKING]
    return [f"{v['id']} ({v['impact']}): {node['html'][:120]}" for v in blocking for node in v["nodes"]]

