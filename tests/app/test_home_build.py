"""Home's "Use your own images": build from two uploaders or a zip, read the summary, use it on every page."""

from __future__ import annotations

import numpy as np
from photo_sets import good_zip, photos

from catlr import imaging
from tests.helpers import PAGES, metric
from ui import state


def _uploads(kind: str, n: int, mime: str = "image/jpeg") -> list[tuple[str, bytes, str]]:
    return [(name, data, mime) for name, data in photos(kind, n)]


def test_build_from_two_uploaders_then_every_page_works_on_it(app):
    at = app()
    at.text_input(key=state.HOME_BUILD_NAME1).set_value("Chelsea")
    at.text_input(key=state.HOME_BUILD_NAME0).set_value("anything else")
    at.file_uploader(key=state.HOME_BUILD_FILES1).set_value(_uploads("cat", 5)).run()
    others = [*_uploads("other", 6), ("notes.jpg", b"just some text\n", "image/jpeg")]
    at.file_uploader(key=state.HOME_BUILD_FILES0).set_value(others).run()
    at.segmented_control(key=state.HOME_BUILD_NUM_PX).set_value(32).run()
    at.button(key=state.HOME_BUILD).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]

    pending = at.session_state[state.BUILT]
    table = at.dataframe[0].value
    assert table.to_dict("list") == {"class": ["Chelsea (1)", "anything else (0)"], "train": [4, 5], "test": [1, 1]}
    left_out = at.dataframe[1].value
    assert left_out["file"].tolist() == ["notes.jpg"]
    assert left_out["reason"].iloc[0].startswith("This is not a supported image: it is a text file")
    assert state.USER_DATA not in at.session_state, "nothing is used before the user says so"

    at.button(key=state.HOME_BUILD_USE).click().run()
    own = at.session_state[state.USER_DATA]
    assert own.key == pending.key and own.key.startswith("built:")
    assert own.dataset.classes == ("anything else", "Chelsea") and own.dataset.num_px == 32
    assert metric(at, "Training images") == "9" and metric(at, "Image size") == "32 × 32 RGB"
    for page in PAGES[1:]:
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert not at.error, (page, [e.value for e in at.error])
    at.switch_page("pages/predict.py").run()
    at.segmented_control(key=state.PREDICT_SOURCE).set_value("Dataset").run()
    said = [h.value for h in at.header if "Chelsea" in h.value or "anything else" in h.value]
    assert said, "Predict names the built dataset's classes"
    image = at.session_state[state.PREDICTION].model_input
    np.testing.assert_array_equal(image, own.dataset.test_set_x_orig[0])


def test_build_from_a_zip_with_the_classes_swapped(app):
    at = app()
    at.segmented_control(key=state.HOME_BUILD_SOURCE).set_value("One .zip with two folders").run()
    at.file_uploader(key=state.HOME_BUILD_ZIP).set_value(("mine.zip", good_zip(4, 4), "application/zip")).run()
    at.toggle(key=state.HOME_BUILD_SWAP).set_value(True).run()
    at.button(key=state.HOME_BUILD).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    built = at.session_state[state.BUILT].built
    assert built.dataset.classes == ("cats", "other"), "swapped: the second folder, 'other', is class 1"
    assert built.summary.settings.fit == imaging.DEFAULT_FIT


def test_a_hostile_zip_is_one_message_and_nothing_changes(app):
    from photo_sets import zip_with

    at = app()
    at.segmented_control(key=state.HOME_BUILD_SOURCE).set_value("One .zip with two folders").run()
    evil = zip_with("../../evil.jpg", b"x")
    at.file_uploader(key=state.HOME_BUILD_ZIP).set_value(("evil.zip", evil, "application/zip")).run()
    at.button(key=state.HOME_BUILD).click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "evil.zip: '../../evil.jpg' points outside the archive (an absolute path or '..'); the archive was not used"
    ]  # B01, through the Home page
    assert state.BUILT not in at.session_state and state.USER_DATA not in at.session_state
    assert metric(at, "Training images") == "209"
