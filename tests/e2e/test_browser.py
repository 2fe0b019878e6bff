"""The dashboard in a real browser: Debian's chromium, driven by Playwright, against `streamlit run app.py`."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from catlr import engine
from catlr.config import TrainConfig
from catlr.data import flatten, load_dataset
from catlr.problem import from_dataset
from tests.e2e.browsing import (
    assert_no_exception,
    expect_metric,
    full_screenshot,
    go,
    open_app,
    open_tab,
    press_on_slider,
    upload,
)
from tests.e2e.server import wait_idle
from tests.helpers import PAGE_TITLES, browser_metric, chelsea_jpeg, real_problem
from ui import state

pytestmark = pytest.mark.e2e



def test_every_page_from_a_cold_start(page, server, screenshot_dir):
    open_app(page, server)
    for title in PAGE_TITLES:
        go(page, title)
        page.wait_for_timeout(500)  # charts and images finish drawing
        assert_no_exception(page)
        assert page.locator("h1", has_text=title if title != "Home" else "catlr").count() == 1
        assert page.locator("[data-testid='stMain'] img:not([alt])").count() == 0, "every image says what it shows"
        full_screenshot(page, screenshot_dir / f"{title.lower().split()[0]}.png")


def test_sliders_retrain_and_redraw(page, server):
    open_app(page, server, "train")
    assert browser_metric(page, "Train accuracy") == "99.04 %"
    assert browser_metric(page, "Test accuracy") == "70.00 %"
    chart_before = page.locator("[data-testid='stVegaLiteChart']").first.screenshot()

    press_on_slider(page, state.TRAIN_LR, "ArrowLeft", 3)  # 0.005 -> 0.001
    assert page.locator(f".st-key-{state.TRAIN_LR} [data-testid='stSliderThumbValue']").inner_text() == "0.001"
    lowered = browser_metric(page, "Train accuracy")
    assert lowered != "99.04 %"
    page.wait_for_timeout(400)
    assert page.locator("[data-testid='stVegaLiteChart']").first.screenshot() != chart_before

    press_on_slider(page, state.TRAIN_ITERATIONS, "ArrowRight", 2)  # 2000 -> 2100
    assert page.locator(f".st-key-{state.TRAIN_ITERATIONS} [data-testid='stSliderThumbValue']").inner_text() == "2100"
    assert browser_metric(page, "Train accuracy") != lowered
    assert "train_lr=0.001" in page.url and "train_iterations=2100" in page.url, "settings are in the URL (shareable)"
    assert_no_exception(page)


def test_a_shared_link_opens_with_its_settings(page, server):
    open_app(page, server, "train?train_lr=0.0001&train_iterations=1500")
    assert page.locator(f".st-key-{state.TRAIN_LR} [data-testid='stSliderThumbValue']").inner_text() == "0.0001"
    assert browser_metric(page, "Train accuracy") == "68.42 %"  # the exercise's lr 0.0001 row, 1500 iterations
    assert browser_metric(page, "Test accuracy") == "36.00 %"


def test_predict_upload_bad_file_then_good_file(page, server, tmp_path, screenshot_dir):
    open_app(page, server, "predict")
    good = tmp_path / "chelsea.jpg"
    good.write_bytes(chelsea_jpeg())
    bad = tmp_path / "holiday.jpg"
    bad.write_bytes(b"\x00" * 64 + b"definitely not a photo")
    dropzone = page.locator("[data-testid='stFileUploaderDropzoneInput']")

    upload(page, dropzone, str(good))
    first = browser_metric(page, "P(cat)")
    assert 0.0 <= float(first) <= 1.0
    full_screenshot(page, screenshot_dir / "predict-photo.png")

    page.locator("[data-testid='stFileChipDeleteBtn']").first.click()
    wait_idle(page)
    upload(page, dropzone, str(bad))
    alert = page.locator("[data-testid='stAlertContentError']")
    assert "holiday.jpg" in alert.inner_text()
    assert browser_metric(page, "P(cat)") == first, "the previous result stays"

    page.locator("[data-testid='stFileChipDeleteBtn']").first.click()
    wait_idle(page)
    upload(page, dropzone, str(good))
    assert page.locator("[data-testid='stAlertContentError']").count() == 0
    assert browser_metric(page, "P(cat)") == first
    assert_no_exception(page)


def test_open_an_image_on_mistakes(page, server, real_data_dir):
    ds = load_dataset(real_data_dir)
    default = engine.train(
        from_dataset(ds),
        TrainConfig(),
    )
    expected = engine.predict_proba(default.w, default.b, flatten(ds.test_set_x_orig[29:30]))[0]
    open_app(page, server, "mistakes")
    page.locator(".st-key-mistakes_open_test_29 button").click()
    wait_idle(page)
    assert page.get_by_text("True label: non-cat").count() == 1
    assert browser_metric(page, "P(cat)") == f"{expected:.4f}"
    assert_no_exception(page)


def test_why_this_prediction_when_it_flipped_and_its_neighbours(page, server, tmp_path, screenshot_dir):
    open_app(page, server, "predict")
    photo = tmp_path / "chelsea.jpg"
    photo.write_bytes(chelsea_jpeg())
    upload(page, page.locator("[data-testid='stFileUploaderDropzoneInput']"), str(photo))
    why = page.locator(".st-key-predict_why")
    assert "P(cat) = σ(z)" in why.inner_text()
    full_screenshot(page, screenshot_dir / "predict-why.png")
    open_tab(page, "When did it flip")
    assert "changed" in page.locator(".st-key-predict_flip").inner_text()
    full_screenshot(page, screenshot_dir / "predict-flip.png")
    open_tab(page, "Nearest training images")
    assert page.locator(".st-key-predict_neighbours [data-testid='stImage']").count() == 5
    full_screenshot(page, screenshot_dir / "predict-neighbours.png")
    assert_no_exception(page)


def test_threshold_moves_the_confusion_matrix(page, server, screenshot_dir):
    open_app(page, server, "mistakes?mistakes_threshold=0.8")
    assert "threshold 0.80" in page.locator("[data-testid='stMarkdownContainer']", has_text="gets").first.inner_text()
    assert page.get_by_text("ROC curve of the test set").count() == 1
    full_screenshot(page, screenshot_dir / "mistakes-threshold.png")
    press_on_slider(page, state.MISTAKES_THRESHOLD, "ArrowLeft", 30)  # 0.80 -> 0.50, the exercise's threshold
    # 30 key presses can reach the server as more than one rerun; wait for the last one (auto-retrying)
    summary = page.locator("[data-testid='stMarkdownContainer']", has_text="gets").first
    expect(summary).to_have_text(re.compile(r"gets 15 of 50 test images wrong\.$"), timeout=30_000)  # 0.5: no note
    assert_no_exception(page)


def test_presenter_mode_enlarges_the_text(page, server, screenshot_dir):
    open_app(page, server, "train")
    normal = page.locator("[data-testid='stMetricValue']").first.evaluate("e => getComputedStyle(e).fontSize")
    open_app(page, server, "train?app_presenter=true")
    large = page.locator("[data-testid='stMetricValue']").first.evaluate("e => getComputedStyle(e).fontSize")
    assert float(large.rstrip("px")) > float(normal.rstrip("px"))
    page.screenshot(path=str(screenshot_dir / "train-presenter.png"))


def test_home_scenes_open_their_settings(page, server):
    open_app(page, server)
    page.get_by_text("Learning rate too high").click()
    wait_idle(page)
    assert "lr=0.3" in page.url, "the address bar holds a link to this scene"
    assert page.locator(f".st-key-{state.TRAIN_LR} [data-testid='stSliderThumbValue']").inner_text() == "0.3"
    go(page, "Home")
    page.get_by_text("Baseline: the untrained model").click()
    wait_idle(page)
    assert browser_metric(page, "Test accuracy") == "34.00 %"  # w = 0 calls everything non-cat: 17 of 50
    go(page, "Home")
    page.get_by_text("The exercise: 2000 iterations, lr 0.005").click()
    wait_idle(page)
    assert (browser_metric(page, "Train accuracy"), browser_metric(page, "Test accuracy")) == ("99.04 %", "70.00 %")
    assert_no_exception(page)


def test_learning_rate_race_and_history_tabs(page, server, screenshot_dir):
    open_app(page, server, "train")
    open_tab(page, "Learning rates")
    assert page.get_by_text("lr = 0.0001 — too slow.").count() == 1
    full_screenshot(page, screenshot_dir / "train-learning-rates.png")
    open_tab(page, "History")
    assert page.get_by_text("Load a saved model (.npz)").count() == 1
    page.get_by_text("How good is 70.00 %?").click()
    full_screenshot(page, screenshot_dir / "train-history.png")
    assert_no_exception(page)


def test_the_downloaded_model_loads_back(page, server, real_data_dir, tmp_path):
    # The bytes the History tab's button serves: the model this page trained, exactly, and loadable again.
    from catlr import persistence

    open_app(page, server, f"train?{state.TRAIN_LR}=0.0001")
    trained = (browser_metric(page, "Train accuracy"), browser_metric(page, "Test accuracy"))
    open_tab(page, "History")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the model (.npz)").click()
    saved_path = tmp_path / "downloaded.npz"
    download.value.save_as(saved_path)
    saved = persistence.model_from_bytes(saved_path.read_bytes())
    _, problem = real_problem(real_data_dir)
    expected = engine.train(problem, TrainConfig(learning_rate=0.0001))
    assert saved.config == TrainConfig(learning_rate=0.0001) and saved.num_px == 64
    assert abs(saved.w - expected.w).max() < 1e-12 and abs(saved.b - expected.b) < 1e-12

    press_on_slider(page, state.TRAIN_LR, "ArrowRight", 5)  # 0.0001 -> 0.005: another model
    assert browser_metric(page, "Train accuracy") == "99.04 %"
    open_tab(page, "History")
    upload(page, page.locator("[data-testid='stFileUploaderDropzoneInput']"), str(saved_path))
    page.get_by_role("button", name="Use this model").click()
    expect_metric(page, "Train accuracy", trained[0])
    expect_metric(page, "Test accuracy", trained[1])
    expect(page.get_by_text("Showing a loaded model")).to_be_visible()
    assert_no_exception(page)
