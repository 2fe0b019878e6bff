"""docs/bad-inputs.md rows that only a real browser can show: deep links, escaping, isolation, slider storms."""

from __future__ import annotations

import urllib.request

import pytest

from tests.e2e.browsing import expect_metric, open_app, press_on_slider, upload
from tests.e2e.server import streamlit_server, wait_idle
from tests.h5fixtures import h5_bytes
from tests.helpers import PAGE_TITLES, browser_metric
from ui import state

pytestmark = pytest.mark.e2e


def test_a_deep_link_as_the_very_first_request_still_goes_through_the_router(browser, real_data_dir):
    # Streamlit decides at the first session whether pages/ means an old-style app; see ui/widgets.py.
    with streamlit_server({"CATLR_DATA_DIR": str(real_data_dir)}) as (url, _):
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{url}/mistakes")
        wait_idle(page)
        page.wait_for_timeout(300)
        wait_idle(page)
        links = [t.split("\n")[-1] for t in page.locator("[data-testid='stSidebarNavLink']").all_inner_texts()]
        assert links == PAGE_TITLES  # the menu of st.navigation, not of the pages/ folder (which has more files)
        assert page.locator("h1", has_text="Mistakes").count() == 1
        assert page.locator("[data-testid='stException']").count() == 0
        context.close()


def test_S01_a_hostile_file_name_is_shown_as_text(page, server, tmp_path):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_app(page, server, "predict")
    hostile = tmp_path / "<img src=x onerror=alert(1)>.jpg"
    hostile.write_bytes(b"GIF89a but not really")
    upload(page, page.locator("[data-testid='stFileUploaderDropzoneInput']"), str(hostile))
    alert = page.locator("[data-testid='stAlertContentError']")
    assert "<img src=x onerror=alert(1)>.jpg" in alert.inner_text()
    assert page.locator("img[src='x']").count() == 0
    assert not dialogs


def test_S04_two_browser_sessions_keep_their_own_models(browser, server):
    alice_ctx, bob_ctx = browser.new_context(), browser.new_context()
    alice, bob = alice_ctx.new_page(), bob_ctx.new_page()
    open_app(alice, server, "train?train_lr=0.0001&train_iterations=1500")
    open_app(bob, server, "train?train_lr=0.01&train_iterations=1500")
    assert browser_metric(alice, "Train accuracy") == "68.42 %"  # exercise-api.md, lr 0.0001
    assert browser_metric(bob, "Train accuracy") == "99.52 %"  # exercise-api.md, lr 0.01
    alice.reload()
    wait_idle(alice)
    assert browser_metric(alice, "Train accuracy") == "68.42 %"
    alice_ctx.close()
    bob_ctx.close()


def test_N09_dragging_through_twenty_values_settles_on_the_last_one(page, server):
    open_app(page, server, "train")
    thumb = page.locator(f".st-key-{state.TRAIN_ITERATIONS} input[type='range']")
    thumb.focus()
    for _ in range(20):
        thumb.press("ArrowLeft")  # 2000 -> 1000 in 20 quick steps, no waiting
    wait_idle(page)
    page.wait_for_timeout(500)
    wait_idle(page)
    assert page.locator(f".st-key-{state.TRAIN_ITERATIONS} [data-testid='stSliderThumbValue']").inner_text() == "1000"
    # The metric belongs to the final setting: the same setting reached in one step, in another session.
    with urllib.request.urlopen(f"{server}/_stcore/health", timeout=5) as r:
        assert r.read().strip() == b"ok"
    other = page.context.browser.new_context().new_page()
    open_app(other, server, f"train?{state.TRAIN_ITERATIONS}=1000")
    expect_metric(page, "Train accuracy", browser_metric(other, "Train accuracy"))
    other.context.close()
    press_on_slider(page, state.TRAIN_ITERATIONS, "ArrowRight")
    assert page.locator(f".st-key-{state.TRAIN_ITERATIONS} [data-testid='stSliderThumbValue']").inner_text() == "1050"


def test_N07_out_of_range_values_in_the_url_are_ignored(page, server):
    open_app(page, server, "train?train_lr=1e6&train_iterations=99999999&train_l2=-3")
    assert page.locator(f".st-key-{state.TRAIN_LR} [data-testid='stSliderThumbValue']").inner_text() == "0.005"
    assert browser_metric(page, "Train accuracy") == "99.04 %"
    assert page.locator("[data-testid='stException']").count() == 0


def test_a_long_run_can_be_stopped_and_started_again(page, server, tmp_path, screenshot_dir):
    # 2,500 training images of 20×20 px: the primal engine, so the default run takes a few seconds
    train, test = tmp_path / "train.h5", tmp_path / "test.h5"
    train.write_bytes(h5_bytes("train", m=2500, num_px=20, seed=3))
    test.write_bytes(h5_bytes("test", m=50, num_px=20, seed=4))
    open_app(page, server)
    page.get_by_text("Use your own dataset (.h5 files)").click()
    panel = page.locator("[data-testid='stExpander']", has_text="Use your own dataset (.h5 files)")
    uploaders = panel.locator("[data-testid='stFileUploaderDropzoneInput']")
    upload(page, uploaders.nth(0), str(train))
    upload(page, uploaders.nth(1), str(test))
    page.get_by_role("button", name="Use these files").click()
    wait_idle(page, 60_000)
    assert browser_metric(page, "Training images") == "2500"
    page.locator("[data-testid='stSidebarNavLink']", has_text="Train").click()
    stop = page.get_by_role("button", name="Stop training")
    stop.wait_for(timeout=30_000)  # shown once the run has lasted long enough to be drawn live
    stop.click()
    wait_idle(page)
    info = page.locator("[data-testid='stAlertContentInfo']").inner_text()
    assert "Training stopped before it finished" in info and "No model was trained yet" in info
    assert page.locator("[data-testid='stMetric']").count() == 0  # nothing half-trained was kept
    page.screenshot(path=str(screenshot_dir / "train-stopped.png"), full_page=True)
    page.get_by_role("button", name="Train 2,000 iterations at learning rate 0.005").click()
    wait_idle(page, 120_000)
    assert browser_metric(page, "Train accuracy").endswith("%")
    assert page.get_by_role("button", name="Stop training").count() == 0
