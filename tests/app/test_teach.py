"""Predict's "Teach it with this photo", as a whole page: add, see what changed, remove, restore (AppTest)."""

from __future__ import annotations

import numpy as np

from catlr import engine, imaging
from catlr.config import TrainConfig
from catlr.data import flatten, load_dataset, with_train_images
from catlr.problem import from_dataset
from tests.helpers import chelsea_jpeg, metric
from ui import cache, state


def _oracle(real_data_dir, image: np.ndarray, label: int):
    """The default model retrained from scratch on the exercise's data plus the photo (G rebuilt, not grown)."""
    ds = load_dataset(real_data_dir)
    before = engine.train(from_dataset(ds), TrainConfig())
    after = engine.train(from_dataset(with_train_images(ds, image[None], [label])), TrainConfig())
    return ds, before, after


def test_teach_a_photo_see_what_changed_remove_it_and_restore(app, real_data_dir):
    at = app("pages/predict.py")
    at.file_uploader(key=state.PREDICT_UPLOAD).set_value(("chelsea.jpg", chelsea_jpeg(), "image/jpeg")).run()
    shown = at.session_state[state.PREDICTION]
    expected_input = imaging.load_photo(chelsea_jpeg(), num_px=64)
    np.testing.assert_array_equal(shown.model_input, expected_input)
    ds, before, after = _oracle(real_data_dir, expected_input, 0)

    at.button(key=state.PREDICT_TEACH_NEGATIVE).click().run()  # "no, that is not a cat" (to see it move)
    assert not at.exception and not at.error, [e.value for e in at.error]
    own = at.session_state[state.USER_DATA]
    assert own.dataset.m_train == 210 and own.key.startswith("exercise:") and "+taught:" in own.key
    np.testing.assert_array_equal(own.dataset.train_set_x_orig[-1], expected_input)
    change = at.session_state[state.TEACHING].change
    p = lambda r: float(engine.predict_proba(r.w, r.b, flatten(expected_input[None]))[0])  # noqa: E731
    assert abs(change.p_before - p(before)) < 1e-9 and abs(change.p_after - p(after)) < 1e-6
    assert change.p_after < change.p_before
    assert (change.test_before, change.test_after) == (before.test_accuracy, after.test_accuracy)
    X_test = flatten(ds.test_set_x_orig)
    old = engine.predict_proba(before.w, before.b, X_test) > 0.5
    new = engine.predict_proba(after.w, after.b, X_test) > 0.5
    assert [f[0] for f in change.flipped] == np.flatnonzero(old != new).tolist()
    assert metric(at, "This photo's P(cat)") == f"{change.p_after:.4f}"
    assert metric(at, "P(cat)") == f"{change.p_after:.4f}", "the prediction above now uses the retrained model"
    captions = [c.value for c in at.caption]
    assert any(f"P(cat) {change.p_before:.4f} → {change.p_after:.4f}" in c for c in captions)

    keys = [k for k, _ in cache.results()._entries.items()]  # the process's store of finished runs
    assert (own.key, TrainConfig()) in keys and all(k[0] != own.key or "+taught:" in k[0] for k in keys)

    at.button(key=state.item_key(state.PAGE_PREDICT, "teach_remove", 0)).click().run()
    assert not at.exception and not at.error
    assert state.USER_DATA not in at.session_state, "with nothing added, the exercise's data is back"
    assert at.session_state[state.TEACHING].change.action == "removed"
    assert metric(at, "P(cat)") == f"{p(before):.4f}"

    at.button(key=state.PREDICT_TEACH_POSITIVE).click().run()
    at.button(key=state.PREDICT_TEACH_POSITIVE).click().run()  # B18: the same photo twice
    assert [e.value for e in at.error] == ["chelsea.jpg: this photo is already in your training set; remove it first"]
    assert at.session_state[state.USER_DATA].dataset.m_train == 210
    at.button(key=state.PREDICT_TEACH_RESTORE).click().run()
    assert not at.exception
    assert state.USER_DATA not in at.session_state and state.TEACHING not in at.session_state
    assert metric(at, "P(cat)") == f"{p(before):.4f}"
