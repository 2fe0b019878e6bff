"""A phone in the hand and a projector in the hall: every page fits the width, the picture that matters is on the
first screen with its controls, and no label is cut."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.browsing import (
    checked_page,
    cut_labels,
    full_screenshot,
    on_first_screen,
    open_app,
    press_on_slider,
    sideways_scroll,
)
from tests.e2e.server import wait_idle
from tests.photo_fixtures import real_photo_bytes
from ui import state

pytestmark = pytest.mark.e2e

PREDICT_DATASET = f"predict?{state.PREDICT_SOURCE}=Dataset"
# "" is Home (the default page). Each page's main picture: the thing the room (or the student) came to see.
MAIN_PICTURE = {
    "": "[data-testid='stVegaLiteChart']",  # the class balance
    "train": "[data-testid='stVegaLiteChart']",  # the cost curve
    "dataset": "[data-testid='stImage']",  # the first images of the grid
    "mistakes": "[data-testid='stImage']",  # the first misclassified image
    PREDICT_DATASET: "[data-testid='stMetric']",  # P(cat)
    "inside": "[data-testid='stImage']",  # the weights as an image
}
SLIDERS = "[data-testid='stSlider'] >> visible=true"  # not those in a folded expander


def test_on_a_phone_nothing_scrolls_sideways_and_train_shows_its_sliders_and_cost_curve_at_once(
    phone, server, screenshot_dir
):
    for path in MAIN_PICTURE:
        open_app(phone, server, path)
        assert sideways_scroll(phone) == 0, path or "home"
        assert cut_labels(phone) == [], path or "home"
    open_app(phone, server, "train")
    sliders = phone.locator(SLIDERS)
    assert sliders.count() == 3
    assert all(on_first_screen(phone, f"{SLIDERS} >> nth={i}") == 1 for i in range(3))
    assert on_first_screen(phone, "[data-testid='stMetric']") == 1
    assert on_first_screen(phone, MAIN_PICTURE["train"]) == 1  # the whole cost curve, legend to axis
    phone.screenshot(path=str(screenshot_dir / "phone-train.png"))
    press_on_slider(phone, state.TRAIN_LR, "ArrowRight")  # a new learning rate, a new model
    expect(phone.get_by_text("Showing the previous model")).to_have_count(0)
    expect(phone.locator("[data-testid='stMetricValue']").nth(1)).not_to_have_text("70.00 %")


def test_on_a_phone_predict_takes_an_upload_and_offers_the_camera(phone, server, screenshot_dir):
    open_app(phone, server, "predict")
    uploader = phone.locator("[data-testid='stFileUploaderDropzoneInput']")
    uploader.set_input_files(
        files=[{"name": "chelsea.jpg", "mimeType": "image/jpeg", "buffer": real_photo_bytes("chelsea")}]
    )
    wait_idle(phone)
    expect(phone.locator("[data-testid='stMetric']", has_text="P(cat)")).to_have_count(1)
    assert sideways_scroll(phone) == 0
    full_screenshot(phone, screenshot_dir / "phone-predict.png")
    phone.locator(f".st-key-{state.PREDICT_SOURCE} button", has_text="Camera").click()
    wait_idle(phone)
    expect(phone.locator("[data-testid='stCameraInput']")).to_have_count(1)


# Every page at 720p, the tightest; at 1080p the pages whose controls sit side by side (a wider screen changes
# how their columns share the width, not how tall the page is).
@pytest.mark.parametrize(
    ("size", "paths"),
    [((1280, 720), list(MAIN_PICTURE)), ((1920, 1080), ["train", "mistakes", PREDICT_DATASET])],
    ids=["720p", "1080p"],
)
def test_on_a_projector_each_pages_picture_is_on_the_first_screen_with_its_controls(
    browser, server, screenshot_dir, size, paths
):
    width, height = size
    with checked_page(browser, viewport={"width": width, "height": height}) as projector:
        for path in paths:
            picture = MAIN_PICTURE[path]
            joiner = "&" if "?" in path else "?"
            open_app(projector, server, f"{path}{joiner}{state.APP_PRESENTER}=true")
            where = path or "home"
            # The stage is the page: a presenter's link opens with the sidebar folded.
            assert projector.locator("[data-testid='stSidebar'][aria-expanded='true']").count() == 0, where
            assert cut_labels(projector) == [], where
            assert sideways_scroll(projector) == 0, where
            sliders = projector.locator(SLIDERS)
            assert all(on_first_screen(projector, f"{SLIDERS} >> nth={i}") == 1 for i in range(sliders.count()))
            assert on_first_screen(projector, picture) >= 0.5, where
            if path == "train":  # the whole cost curve with the sliders and the metrics
                assert on_first_screen(projector, picture) == 1
                assert on_first_screen(projector, "[data-testid='stMetric']") == 1
                projector.screenshot(path=str(screenshot_dir / f"projector-train-{height}p.png"))
            if path == "mistakes":
                projector.screenshot(path=str(screenshot_dir / f"projector-mistakes-{height}p.png"))
