"""Your own images in a real browser: teach the model with a photo on Predict; a dataset built on Home."""

from __future__ import annotations

import numpy as np
import pytest
from photo_sets import photos
from playwright.sync_api import expect

from catlr import engine, imaging
from catlr.config import TrainConfig
from catlr.data import flatten, load_dataset, with_train_images
from catlr.problem import from_dataset
from tests.e2e.browsing import assert_no_exception, expect_metric, full_screenshot, open_app, upload
from tests.e2e.server import wait_idle
from tests.helpers import browser_metric, chelsea_jpeg
from ui import state

pytestmark = pytest.mark.e2e


def _click(page, key: str) -> None:
    page.locator(f".st-key-{key} button").click()
    wait_idle(page)


def test_teach_it_a_photo_see_what_changed_remove_it_and_restore(page, server, tmp_path, real_data_dir, screenshot_dir):
    ds = load_dataset(real_data_dir)
    photo = imaging.load_photo(chelsea_jpeg(), num_px=64)
    before = engine.train(from_dataset(ds), TrainConfig())
    after = engine.train(from_dataset(with_train_images(ds, photo[None], [1])), TrainConfig())
    x_test = flatten(ds.test_set_x_orig)
    said_before = engine.predict_proba(before.w, before.b, x_test) > 0.5
    flips = np.flatnonzero(said_before != (engine.predict_proba(after.w, after.b, x_test) > 0.5))
    p_before = f"{engine.predict_proba(before.w, before.b, flatten(photo[None]))[0]:.4f}"
    p_after = f"{engine.predict_proba(after.w, after.b, flatten(photo[None]))[0]:.4f}"

    open_app(page, server, "predict")
    path = tmp_path / "chelsea.jpg"
    path.write_bytes(chelsea_jpeg())
    upload(page, page.locator("[data-testid='stFileUploaderDropzoneInput']"), str(path))
    assert browser_metric(page, "P(cat)") == p_before

    _click(page, state.PREDICT_TEACH_POSITIVE)
    expect_metric(page, "This photo's P(cat)", p_after)
    assert browser_metric(page, "P(cat)") == p_after
    assert browser_metric(page, "Test accuracy") == f"{after.test_accuracy:.2f} %"
    main = page.locator("[data-testid='stMain']")
    expect(main.get_by_text(f"P(cat) {p_before} → {p_after}", exact=False)).to_be_visible()
    flipped = main.locator("img[alt^='test image']")
    assert flipped.count() == len(flips) > 0
    assert [flipped.nth(i).get_attribute("alt").split(",")[0] for i in range(len(flips))] == [
        f"test image {i}" for i in flips
    ]
    assert main.locator("img[alt^='added photo chelsea.jpg']").count() == 1
    full_screenshot(page, screenshot_dir / "predict-teach.png")

    _click(page, state.item_key(state.PAGE_PREDICT, "teach_remove", 0))
    expect_metric(page, "P(cat)", p_before)
    expect(main.locator("img[alt^='added photo']")).to_have_count(0)  # stale until the run ends

    _click(page, state.PREDICT_TEACH_POSITIVE)
    expect_metric(page, "P(cat)", p_after)
    _click(page, state.PREDICT_TEACH_RESTORE)
    expect_metric(page, "P(cat)", p_before)
    expect(main.locator("img[alt^='added photo']")).to_have_count(0)  # stale until the run ends
    expect(main.get_by_text("This photo's P(cat)")).to_have_count(0)
    assert_no_exception(page)


def test_a_dataset_built_from_photos_on_home(page, server, tmp_path, screenshot_dir):
    open_app(page, server)
    page.get_by_text("Use your own images").click()
    for key, kind, n in ((state.HOME_BUILD_FILES1, "cat", 5), (state.HOME_BUILD_FILES0, "other", 6)):
        folder = tmp_path / kind
        folder.mkdir()
        for name, data in photos(kind, n):
            (folder / name).write_bytes(data)
        if kind == "other":
            (folder / "scan.png").write_bytes(b"<html>not a photo</html>")
        files = [str(p) for p in sorted(folder.iterdir())]
        upload(page, page.locator(f".st-key-{key} [data-testid='stFileUploaderDropzoneInput']"), files)
    _click(page, state.HOME_BUILD)
    main = page.locator("[data-testid='stMain']")
    expect(main.get_by_text("Built: 9 training and 2 test images")).to_be_visible()
    expect(main.get_by_text("Left out: 1 file(s)")).to_be_visible()
    _click(page, state.HOME_BUILD_USE)
    expect_metric(page, "Training images", "9")
    expect(main.get_by_text("In use on every page.")).to_be_visible()
    page.set_viewport_size({"width": 1400, "height": 2000})  # the whole block on screen: nothing clipped
    page.mouse.move(5, 5)  # no table toolbar shown on hover
    block = page.locator(f".st-key-{state.HOME_BUILD_PANEL}")
    block.scroll_into_view_if_needed()
    page.wait_for_timeout(400)  # tables finish drawing
    block.screenshot(path=str(screenshot_dir / "home-build.png"))
    assert_no_exception(page)
