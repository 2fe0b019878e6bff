"""ui.session_photo: a photo is decoded once, a bad one keeps the previous, and P(cat) is the model's."""

from __future__ import annotations

import numpy as np
from streamlit.testing.v1 import AppTest

from tests.helpers import chelsea_jpeg


def script(good: bytes) -> None:
    import streamlit as st

    from catlr import imaging
    from ui import session_photo

    calls = st.session_state.setdefault("test_calls", [])
    original = imaging.open_photo

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    imaging.open_photo = counting
    try:
        session_photo.use_photo(("Upload", "a", "crop"), "cat.jpg", good, 64, "crop")
        session_photo.use_photo(("Upload", "a", "crop"), "cat.jpg", good, 64, "crop")  # the same input again
        session_photo.use_photo(("Upload", "b", "crop"), "bad.jpg", b"<html>", 64, "crop")
        session_photo.use_photo(("Upload", "b", "crop"), "bad.jpg", b"<html>", 64, "crop")
    finally:
        imaging.open_photo = original
    shown = session_photo.current()
    st.write(f"decoded {len(calls)}; shown {shown.name}; error {session_photo.error_for(('Upload', 'b', 'crop'))}")


def test_a_photo_is_decoded_once_and_a_bad_one_keeps_the_previous():
    at = AppTest.from_function(script, kwargs={"good": chelsea_jpeg()}, default_timeout=30).run()
    assert not at.exception
    text = at.markdown[0].value
    assert text.startswith("decoded 2; shown cat.jpg; error bad.jpg:"), text  # one decode per input


def test_p_cat_is_the_models_probability_of_the_model_input():
    from catlr import engine
    from catlr.config import TrainConfig
    from catlr.problem import prepare
    from ui import session_photo

    rng = np.random.default_rng(0)
    X, Y = rng.random((4 * 4 * 3, 10)), (rng.random((1, 10)) > 0.5).astype(float)
    result = engine.train(prepare(X, Y), TrainConfig(num_iterations=50, learning_rate=0.5))
    image = rng.integers(0, 256, (4, 4, 3), dtype=np.uint8)
    shown = session_photo.Prediction(("Dataset", "test", 0), "x", image, image, ())
    expected = 1 / (1 + np.exp(-(result.w[:, 0] @ (image.reshape(-1) / 255.0) + result.b)))
    assert abs(session_photo.p_cat(result, shown) - expected) < 1e-12
