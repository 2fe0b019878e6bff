"""The explanation features as pages show them: baseline and interval, learning-rate race, threshold,
replay, presenter mode — each checked against catlr computing the same thing independently."""

from __future__ import annotations

import re

import numpy as np
import pytest

from catlr import engine, explain, metrics
from catlr.config import TrainConfig
from catlr.data import load_dataset
from catlr.exercise import sigmoid
from catlr.problem import from_dataset
from ui import router, state


@pytest.fixture(scope="module")
def oracle(real_data_dir):
    ds = load_dataset(real_data_dir)
    problem = from_dataset(ds)
    return ds, problem, engine.train(problem, TrainConfig())


def mistakes_line(at) -> str:
    return next(m.value for m in at.markdown if "test images wrong" in m.value)


def test_baseline_and_wilson_interval_next_to_test_accuracy(app, oracle):
    ds, _, result = oracle
    low, high = metrics.wilson_interval(35, 50)  # 70 % of 50
    baseline = metrics.majority_baseline(ds.train_set_y, ds.test_set_y, ds.classes)
    at = app("pages/train.py")
    label = at.expander[0].label
    assert f"95 % interval {100 * low:.0f}–{100 * high:.0f} %" in label
    assert f'guessing "{baseline.name}" scores {100 * baseline.test_accuracy:.0f} %' in label
    text = " ".join(m.value for m in at.expander[0].markdown)
    assert f"{100 * low:.1f} % – {100 * high:.1f} %" in text and baseline.best_sentence in text


def test_learning_rate_race_diagnoses_each_curve(app, oracle):
    _, problem, _ = oracle
    expected = [
        explain.diagnose_curve(r.history.train_cost) for r in engine.sweep(problem, [0.01, 0.001, 0.0001], 1500)
    ]
    at = app("pages/train.py")
    assert not at.dataframe and not any("too slow" in m.value for m in at.markdown), "not computed until asked"
    at.session_state[state.TRAIN_TAB] = "Learning rates"  # the user opens the tab
    at.run()
    table = at.dataframe[0].value
    assert list(table["diagnosis"]) == [d.kind for d in expected]
    assert "too slow" in list(table["diagnosis"])  # lr 0.0001 barely moves in 1500 iterations
    for d in expected:
        assert any(d.sentence in m.value for m in at.markdown)


def test_threshold_changes_the_mistakes_and_the_confusion_matrix(app, oracle):
    ds, problem, result = oracle
    p = engine.predict_proba(result.w, result.b, problem.X_test)
    cm = metrics.confusion(ds.test_set_y, p, 0.8)
    at = app("pages/mistakes.py")
    assert "15 of 50" in mistakes_line(at)
    at.slider(key=state.MISTAKES_THRESHOLD).set_value(0.8).run()
    assert f"{cm.fp + cm.fn} of 50" in mistakes_line(at)
    matrix = at.dataframe[0].value
    assert matrix.iloc[0, 0] == cm.tp and matrix.iloc[1, 0] == cm.fp
    assert at.get("vega_lite_chart"), "the ROC curve is drawn"
    assert any("overstates accuracy" in w.value for w in at.warning)


def test_replay_shows_the_mistakes_at_any_iteration(app, oracle):
    ds, _, result = oracle
    z = result.history.test_logits[100].astype(np.float64)
    wrong = int(np.count_nonzero((sigmoid(z) > 0.5) != ds.test_set_y.ravel()))
    at = app("pages/mistakes.py")
    at.slider(key="mistakes_iteration").set_value(100).run()
    assert f"at iteration 100 gets **{wrong} of 50**" in mistakes_line(at)
    # A shorter model afterwards: the replay setting must not break the page.
    at.switch_page("pages/train.py").run()
    at.slider(key=state.TRAIN_ITERATIONS).set_value(50).run()
    at.switch_page("pages/mistakes.py").run()
    assert not at.exception and not at.error
    assert re.search(r"gets \*\*\d+ of 50\*\*", mistakes_line(at))


def test_presenter_mode_adds_large_type_on_every_page(app):
    at = app("pages/train.py")
    assert [h.proto.body for h in at.get("html")] == [router.SCREEN_CSS]  # the phone's compact layout only
    at.toggle(key=state.APP_PRESENTER).set_value(True).run()
    assert router.PRESENTER_CSS in [h.proto.body for h in at.get("html")]
    at.switch_page("pages/mistakes.py").run()
    assert router.PRESENTER_CSS in [h.proto.body for h in at.get("html")]
