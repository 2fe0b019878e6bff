"""Accessibility in the real browser: axe-core (the engine behind Lighthouse) in the states people reach, failing on
any serious or critical violation (every page's first state: tests/e2e/test_screens.py), and the keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.browsing import go, open_app, open_tab, press_on_slider, upload, violations
from tests.e2e.server import streamlit_server, wait_idle
from tests.photo_fixtures import real_photo_bytes
from ui import poke_views, state

pytestmark = pytest.mark.e2e


def test_no_serious_violation_in_the_states_people_reach(page, server):
    # Every page's first state is checked where the pages are opened anyway: at phone size and in presenter mode
    # on a projector (tests/e2e/test_screens.py). Here, what people do next, in one session.
    found = {}
    open_app(page, server, "train")
    press_on_slider(page, state.TRAIN_LR, "ArrowLeft")  # a second run: the overlay control appears
    found["train, two runs"] = violations(page)
    go(page, "Mistakes")
    page.locator(f".st-key-{state.item_key(state.PAGE_MISTAKES, 'open', 'test', 5)} button").click()
    wait_idle(page)
    found["mistakes, an image opened"] = violations(page)
    go(page, "Predict")
    page.locator(f".st-key-{state.PREDICT_SOURCE} button", has_text="Dataset").click()
    wait_idle(page)
    open_tab(page, "Nearest training images")
    found["predict, nearest images"] = violations(page)
    open_tab(page, "When did it flip")
    page.get_by_text(poke_views.NUDGE_LABEL).click()
    wait_idle(page)
    page.get_by_text(poke_views.VERDICT_LABEL).click()
    wait_idle(page)
    found["predict, when it flipped, what would flip it, how stable"] = violations(page)
    go(page, "Inside the model")
    press_on_slider(page, state.INSIDE_ITERATION, "ArrowLeft", times=3)
    found["inside, scrubbed"] = violations(page)
    go(page, "Step through")
    page.get_by_role("button", name="+10", exact=True).click()
    wait_idle(page)
    open_tab(page, "The loss landscape")
    found["step, ten steps on, the landscape"] = violations(page)
    assert {where: v for where, v in found.items() if v} == {}


def test_no_serious_violation_when_a_photo_is_refused_or_predicted_or_the_data_is_missing(
    page, server, browser, tmp_path
):
    open_app(page, server, "predict")
    bad = tmp_path / "not-a-photo.jpg"
    bad.write_text("<html>not a photo</html>")
    uploader = page.locator("[data-testid='stFileUploaderDropzoneInput']")
    upload(page, uploader, bad)
    expect(page.locator("[data-testid='stAlertContentError']")).to_have_count(1)
    assert violations(page) == []
    cat = {"name": "cat.jpg", "mimeType": "image/jpeg", "buffer": real_photo_bytes("chelsea")}
    upload(page, uploader, [cat])
    expect(page.locator("[data-testid='stMetric']", has_text="P(cat)")).to_have_count(1)
    page.locator(f".st-key-{state.PREDICT_TEACH_POSITIVE} button").click()  # teach it: before → after
    expect(page.get_by_role("button", name="Remove")).to_have_count(1)
    wait_idle(page)
    assert violations(page) == []
    empty = tmp_path / "no-data"
    empty.mkdir()
    with streamlit_server({"CATLR_DATA_DIR": str(empty), "XDG_CACHE_HOME": str(tmp_path / "cache")}) as (url, _):
        other = browser.new_page()
        open_app(other, url, "")
        assert other.get_by_text("Get the dataset").count() == 1
        assert violations(other) == []
        other.close()


def tab_to(page, selector: str, most: int = 60) -> int:
    """Press Tab from the top of the page until the focus is inside ``selector``; returns how many presses."""
    page.locator("body").focus()
    for presses in range(1, most + 1):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement && !!document.activeElement.closest(s)", selector):
            return presses
    raise AssertionError(f"{selector} not reached in {most} presses of Tab")


def looks(page, selector: str) -> bytes:
    return page.locator(selector).screenshot(animations="disabled")


def test_by_keyboard_alone_the_learning_rate_moves_and_a_mistake_opens_with_the_focus_visible(page, server):
    open_app(page, server, "train")
    slider = f".st-key-{state.TRAIN_LR}"
    unfocused = looks(page, slider)
    tab_to(page, f"{slider} input[type='range']")  # past its help icon, onto the slider itself
    assert looks(page, slider) != unfocused  # the focused slider is drawn differently: focus is visible
    page.keyboard.press("ArrowRight")  # 0.005 → 0.007
    page.wait_for_timeout(300)
    wait_idle(page)
    expect(page.locator(".st-key-" + state.TRAIN_LR + " [data-testid='stSliderThumbValue']")).to_have_text("0.007")
    test_accuracy = page.locator("[data-testid='stMetric']", has_text="Test accuracy")
    expect(test_accuracy.locator("[data-testid='stMetricValue']")).not_to_have_text("70.00 %")

    open_app(page, server, "mistakes")
    opener = f".st-key-{state.item_key(state.PAGE_MISTAKES, 'open', 'test', 5)}"
    unfocused = looks(page, opener)
    tab_to(page, opener)
    assert looks(page, opener) != unfocused
    page.keyboard.press("Enter")
    wait_idle(page)
    expect(page.get_by_role("heading", name="Test image #5")).to_have_count(1)

