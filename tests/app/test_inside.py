"""The Inside-the-model page through AppTest, on the real dataset."""

from __future__ import annotations

import pytest

from catlr import data, engine
from catlr.config import TrainConfig
from catlr.problem import from_dataset
from catlr.results import TrainResult
from tests.helpers import metric
from ui import state, widgets

PAGE = "pages/inside.py"
SCRUBBER = state.INSIDE_ITERATION



@pytest.fixture(scope="module")
def default_result(real_data_dir) -> TrainResult:
    """The default model, trained here through catlr, independently of the app's session."""
    ds = data.load_dataset(real_data_dir)
    problem = from_dataset(ds)
    return engine.train(problem, TrainConfig())


def test_opens_cold_with_the_four_weight_images_and_the_scrubber(app, default_result):
    at = app(PAGE)
    assert not at.exception and not at.error, [e.value for e in at.error]
    captions = [c for image in at.image for c in image.captions]
    assert captions == ["All channels (R + G + B), iteration 2,000", "Red channel", "Green channel", "Blue channel"]
    scrubber = at.select_slider(key=SCRUBBER)
    assert scrubber.options == [f"{i:,}" for i in default_result.history.checkpoints]
    assert scrubber.value == default_result.iterations_run
    assert metric(at, "Test accuracy") == widgets.pct(default_result.test_accuracy)
    assert metric(at, "Bias b") == f"{default_result.b:.4f}"


def test_scrubbing_to_iteration_zero_shows_the_untrained_model(app, default_result):
    at = app(PAGE)
    before = [image.value for image in at.image]
    at.select_slider(key=SCRUBBER).set_value(0).run()
    assert not at.exception
    history = default_result.history
    assert metric(at, "Test accuracy") == widgets.pct(history.test_accuracy[0])
    assert metric(at, "Train accuracy") == widgets.pct(history.train_accuracy[0])
    assert metric(at, "Train cost") == f"{history.train_cost[0]:.6f}"
    assert metric(at, "Test accuracy") != widgets.pct(default_result.test_accuracy)
    assert at.image[0].captions == ["All channels (R + G + B), iteration 0"]
    assert [image.value for image in at.image] != before, "the weight images change with the scrubber"


def test_a_link_with_the_iteration_opens_there(app, default_result):
    at = app()
    at.query_params[SCRUBBER] = "100"
    at.switch_page(PAGE).run()
    assert at.select_slider(key=SCRUBBER).value == 100
    assert metric(at, "Test accuracy") == widgets.pct(default_result.history.test_accuracy[100])


def test_the_colour_scale_toggle_redraws_early_weights(app):
    at = app(PAGE)
    at.select_slider(key=SCRUBBER).set_value(100).run()
    fixed = [image.value for image in at.image]
    at.toggle(key="inside_fixed_scale").set_value(False).run()
    own = [image.value for image in at.image]
    assert all(a != b for a, b in zip(fixed, own, strict=True)), "at iteration 100 the run-wide scale is paler"


def test_settings_survive_a_page_switch_and_a_shorter_retrain(app):
    at = app(PAGE)
    at.select_slider(key=SCRUBBER).set_value(1500).run()
    at.switch_page("pages/home.py").run()
    at.switch_page(PAGE).run()
    assert at.select_slider(key=SCRUBBER).value == 1500
    at.switch_page("pages/train.py").run()
    at.slider(key=state.TRAIN_ITERATIONS).set_value(500).run()
    at.switch_page(PAGE).run()
    assert not at.exception and not at.error
    assert at.select_slider(key=SCRUBBER).value == 500, "an iteration the new model lacks falls back to its last"
