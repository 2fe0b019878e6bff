"""A phone in the hand and a projector in the hall: every page fits the width, the picture that matters is on the
first screen with its controls, no label is cut, and axe-core finds no serious or critical violation on any page
(its first state, at phone size and in presenter mode)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.browsing import (
    cut_labels,
    full_screenshot,
    on_first_screen,
    open_app,
    press_on_slider,
    sideways_scroll,
    title_under_header,
    upload,
    violations,
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
    "step": "[data-testid='stVegaLiteChart']",  # the cost curve with the current iteration
}
SLIDERS = "[data-testid='stSlider'] >> visible=true"  # not those in a folded expander


def test_on_a_phone_nothing_scrolls_sideways_and_train_shows_its_sliders_and_cost_curve_at_once(
    phone, server, screenshot_dir
):
    found = {}
    for path in MAIN_PICTURE:
        open_app(phone, server, path)
        assert sideways_scroll(phone) == 0, path or "home"
        assert cut_labels(phone) == [], path or "home"
        assert title_under_header(phone) < 0.25, path or "home"
        found[path or "home"] = violations(phone)
    assert {where: v for where, v in found.items() if v} == {}
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
    upload(phone, uploader, [{"name": "chelsea.jpg", "mimeType": "image/jpeg", "buffer": real_photo_bytes("chelsea")}])
    expect(phone.locator("[data-testid='stMetric']", has_text="P(cat)")).to_have_count(1)
    assert sideways_scroll(phone) == 0
    full_screenshot(phone, screenshot_dir / "phone-predict.png")
    phone.locator(f".st-key-{state.PREDICT_SOURCE} button", has_text="Camera").click()
    wait_idle(phone)
    expect(phone.locator("[data-testid='stCameraInput']")).to_have_count(1)


def projector_checks(projector, picture: str, where: str) -> None:
    # The stage is the page: a presenter's link opens with the sidebar folded.
    assert projector.locator("[data-testid='stSidebar'][aria-expanded='true']").count() == 0, where
    assert cut_labels(projector) == [], where
    assert sideways_scroll(projector) == 0, where
    sliders = projector.locator(SLIDERS)
    assert all(on_first_screen(projector, f"{SLIDERS} >> nth={i}") == 1 for i in range(sliders.count())), where
    assert on_first_screen(projector, picture) >= 0.5, where
    if where.startswith("train"):  # the whole cost curve with the sliders and the metrics
        assert on_first_screen(projector, picture) == 1, where
        assert on_first_screen(projector, "[data-testid='stMetric']") == 1, where


# Every page at 720p, the tightest; then, resized in place to 1080p, the pages whose controls sit side by side (a
# wider screen changes how their columns share the width, not how tall the page is).
WIDER = ("train", "mistakes", PREDICT_DATASET)


def test_on_a_projector_each_pages_picture_is_on_the_first_screen_with_its_controls(page, server, screenshot_dir):
    found = {}
    projector = page
    projector.set_viewport_size({"width": 1280, "height": 720})
    for path, picture in MAIN_PICTURE.items():
        joiner = "&" if "?" in path else "?"
        open_app(projector, server, f"{path}{joiner}{state.APP_PRESENTER}=true")
        where = path or "home"
        projector_checks(projector, picture, f"{where} at 720p")
        found[where] = violations(projector)
        if path in ("train", "mistakes"):
            projector.screenshot(path=str(screenshot_dir / f"projector-{path}-720p.png"))
        if path in WIDER:
            projector.set_viewport_size({"width": 1920, "height": 1080})
            wait_idle(projector)
            projector_checks(projector, picture, f"{where} at 1080p")
            if path == "train":
                projector.screenshot(path=str(screenshot_dir / "projector-train-1080p.png"))
            projector.set_viewport_size({"width": 1280, "height": 720})
    assert {where: v for where, v in found.items() if v} == {}
