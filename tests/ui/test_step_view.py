"""ui.step_view: the step buttons stay within the run, and a dataset or run that cannot be stepped through
gets one message (N11, N12) instead of a traceback, before anything is trained."""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from catlr import engine, limits
from ui import session_model, step_view


def moves() -> None:
    import streamlit as st

    from ui import state, step_view

    seen = []
    for by, last in ((10, 12), (1, 12), (100, 12), (-1, 12), (-100, 12), (-1, 12)):
        step_view.move(by, last)
        seen.append(state.get(state.STEP_AT))
    state.put(state.STEP_AT, 40)
    step_view.clamp(25)  # a new, shorter run
    seen.append(state.get(state.STEP_AT))
    step_view.clamp(100)
    seen.append(state.get(state.STEP_AT))
    st.write(" ".join(map(str, seen)))


def test_steps_stay_between_zero_and_the_last_iteration():
    at = AppTest.from_function(moves).run()
    assert not at.exception
    assert at.markdown[0].value == "10 11 12 11 0 0 25 25"


def tiny_run(data_dir: str) -> None:
    import streamlit as st

    from catlr import data, problem
    from ui import session_data, state, step_view

    ds = data.load_dataset(data_dir)
    state.put(state.USER_DATA, session_data.ActiveData(ds, problem.from_dataset(ds), "tiny"))
    step_view.run_for(step_view.config_for(20, 0.01, 0.0))
    st.write("stepped")


@pytest.fixture
def tiny_data(tmp_path):
    from h5fixtures import write_dataset_files

    return str(write_dataset_files(tmp_path, m_train=20, m_test=4, num_px=2))  # 12 values an image: primal


def test_N12_too_many_training_images_are_refused_before_training(tiny_data, monkeypatch):
    monkeypatch.setattr(limits, "GRAM_MAX_EXAMPLES", 19)

    def never(*args, **kwargs):
        raise AssertionError("trained a run it cannot step through")

    monkeypatch.setattr(session_model, "shared_run", never)
    at = AppTest.from_function(tiny_run, args=(tiny_data,), default_timeout=30).run()
    assert not at.exception
    message = "stepping through training works on at most 19 training images; this dataset has 20."
    assert [e.value for e in at.error] == [message]
    assert not at.markdown, "the page stops there"


def test_N11_a_run_without_history_is_refused_with_a_message(tiny_data, monkeypatch):
    def loaded(config, *args, **kwargs):
        from ui import session_data

        return engine.evaluate(session_data.active().problem, [0.0] * 12, 0.0, config)

    monkeypatch.setattr(session_model, "shared_run", loaded)
    at = AppTest.from_function(tiny_run, args=(tiny_data,), default_timeout=30).run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "a model loaded from a file has no training history to step through; train one."
    ]
    assert not at.markdown
    at = AppTest.from_function(tiny_run, args=(tiny_data,), default_timeout=30)
    monkeypatch.undo()
    at.run()
    assert not at.exception and not at.error and at.markdown[0].value == "stepped"  # the same data, trained


def tiny_mistakes(data_dir: str, iterations: tuple[int, ...]) -> None:

    from catlr import data, problem
    from ui import session_data, state, step_view

    ds = data.load_dataset(data_dir)
    state.put(state.USER_DATA, session_data.ActiveData(ds, problem.from_dataset(ds), "tiny-mistakes"))
    run = step_view.run_for(step_view.config_for(40, 0.05, 0.0))
    for t in iterations:
        step_view.mistakes_at(run, ds, t)


def test_the_mistakes_tab_lists_the_wrong_test_images_at_each_iteration(tmp_path):
    from h5fixtures import write_dataset_files

    from catlr import data, engine, problem
    from catlr.config import TrainConfig

    folder = str(write_dataset_files(tmp_path, m_train=30, m_test=24, num_px=4))
    ds = data.load_dataset(folder)
    result = engine.train(problem.from_dataset(ds), TrainConfig(num_iterations=40, learning_rate=0.05))
    y = ds.test_set_y.ravel()

    def oracle(t: int) -> list[int]:  # straight from the stored logits (the last state from w and b)
        z = result.history.logits("test")[t].astype(np.float64)
        if t == 40:
            z = (np.asarray(result.w).T @ (ds.test_set_x_orig.reshape(ds.m_test, -1).T / 255.0)).ravel() + result.b
        return [int(i) for i in np.flatnonzero((z > 0).astype(int) != y)]

    ts = (0, 3, 4, 40)
    at = AppTest.from_function(tiny_mistakes, args=(folder, ts), default_timeout=30).run()
    assert not at.exception
    headings = [m.value for m in at.markdown]
    assert len(headings) == len(ts)
    assert "the start: nothing has flipped yet" in headings[0]
    shown, images = [], list(at.image)
    for t, heading in zip(ts, headings, strict=True):
        wrong = oracle(t)
        assert f"**{len(wrong)} of {ds.m_test} test images wrong** after iteration {t:,}" in heading
        if t:
            flipped = len(set(oracle(t - 1)) ^ set(wrong))
            assert f"{flipped} image{'' if flipped == 1 else 's'} flipped on this step" in heading
        rows = -(-len(wrong) // step_view.MISTAKES_PER_ROW)
        got, images = images[:rows], images[rows:]
        assert all(len(image.captions) <= step_view.MISTAKES_PER_ROW for image in got), "one element a row"
        shown.append([int(c.split(" ")[0][1:]) for image in got for c in image.captions])
        assert [len(image.value) for image in got] == [len(image.captions) for image in got]
    assert shown == [oracle(t) for t in ts]
    assert 0 < len(shown[0]) and shown[0] == [int(i) for i in np.flatnonzero(y == 1)], "at w = 0 every cat is missed"
