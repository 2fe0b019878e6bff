"""docs/bad-inputs.md sections C and D at the app level (AppTest): isolation, bad uploads, no tracebacks."""

from __future__ import annotations

import gc
import tomllib

import pytest
from h5fixtures import H5_CASES, case_files, write_dataset_files

from tests.conftest import REPO_ROOT
from tests.helpers import PAGES, metric, open_tab, png_bytes
from ui import state


def test_S03_S08_server_config_hides_tracebacks_and_keeps_protections():
    config = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"
    assert config["server"]["address"] == "127.0.0.1"
    assert config["browser"]["gatherUsageStats"] is False
    # No full garbage collection after every rerun (40 % of the CPU under load); safe because pages make
    # no reference cycles (test_a_page_run_leaves_nothing_for_the_garbage_collector below).
    assert config["runner"]["postScriptGC"] is False
    # XSRF and CORS protections stay at their (enabled) defaults.
    assert config["server"].get("enableXsrfProtection", True) is True
    assert config["server"].get("enableCORS", True) is True


def test_S03_an_unexpected_error_shows_a_message_not_a_traceback(app, monkeypatch):
    from ui import session_model

    def broken(*args, **kwargs):
        raise RuntimeError("secret internal detail /etc/passwd")

    monkeypatch.setattr(session_model, "ensure", broken)
    at = app("pages/home.py")
    at.switch_page("pages/mistakes.py").run()
    assert not at.exception
    assert len(at.error) == 1
    assert "went wrong" in at.error[0].value and "secret" not in at.error[0].value


def test_S04_two_sessions_never_see_each_other(app):
    alice = open_tab(app("pages/train.py"), state.TRAIN_TAB, "History")
    bob = open_tab(app("pages/train.py"), state.TRAIN_TAB, "History")
    alice.select_slider(key=state.TRAIN_LR).set_value(0.0001).run()
    bob.slider(key=state.TRAIN_ITERATIONS).set_value(100).run()
    assert metric(alice, "Train accuracy") != metric(bob, "Train accuracy")
    assert list(alice.dataframe[-1].value["learning_rate"]) == [0.005, 0.0001]
    assert list(bob.dataframe[-1].value["iterations"]) == [2000, 100]
    # Bob uploads a photo; Alice's Predict page has none.
    bob.switch_page("pages/predict.py").run()
    bob.file_uploader(key="predict_upload").set_value(("mine.png", png_bytes(), "image/png")).run()
    assert any(m.label == "P(cat)" for m in bob.metric)
    alice.switch_page("pages/predict.py").run()
    assert not any(m.label == "P(cat)" for m in alice.metric)


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("<img src=x onerror=alert(1)>.png", id="S01"),
        pytest.param("../../.streamlit/secrets.toml", id="S02"),
    ],
)
def test_S01_S02_hostile_file_names_are_only_ever_text(app, name):
    at = app("pages/predict.py")
    at.file_uploader(key="predict_upload").set_value((name, b"not an image at all", "image/png")).run()
    assert not at.exception
    assert len(at.error) == 1 and "not a supported image" in at.error[0].value
    at.file_uploader(key="predict_upload").set_value((name, png_bytes(), "image/png")).run()
    assert not at.exception and not at.error
    assert any(m.label == "P(cat)" for m in at.metric)


def test_I28_upload_cleared_or_same_file_twice(app):
    at = app("pages/predict.py")
    photo = ("red.png", png_bytes(), "image/png")
    at.file_uploader(key="predict_upload").set_value(photo).run()
    first = metric(at, "P(cat)")
    at.file_uploader(key="predict_upload").set_value(photo).run()
    assert metric(at, "P(cat)") == first and not at.exception
    at.file_uploader(key="predict_upload").set_value(None).run()
    assert not at.exception
    assert metric(at, "P(cat)") == first, "the last result stays visible after the upload is cleared"


def upload_dataset(at, train: bytes, test: bytes):
    at.file_uploader(key="home_train_file").set_value(("train.h5", train, "application/x-hdf5")).run()
    at.file_uploader(key="home_test_file").set_value(("test.h5", test, "application/x-hdf5")).run()
    at.button(key="home_use_files").click().run()
    return at


@pytest.mark.parametrize("case", ["H02", "H05", "H09", "H19"])
def test_S05_S06_bad_dataset_upload_keeps_everything_then_a_good_one_works(app, tmp_path, case):
    at = app("pages/train.py")
    trained = metric(at, "Test accuracy")
    at.switch_page("pages/home.py").run()
    bad = case_files(case, tmp_path / "bad")
    upload_dataset(at, (bad / "train_catvnoncat.h5").read_bytes(), (bad / "test_catvnoncat.h5").read_bytes())
    assert not at.exception
    assert len(at.error) == 1, f"{case}: one clear message"
    assert metric(at, "Training images") == "209", "the exercise's dataset is still in use"
    at.switch_page("pages/train.py").run()
    assert metric(at, "Test accuracy") == trained, "the model is kept"

    good = write_dataset_files(tmp_path / "good", m_train=12, m_test=6, num_px=8)
    at.switch_page("pages/home.py").run()
    upload_dataset(at, (good / "train_catvnoncat.h5").read_bytes(), (good / "test_catvnoncat.h5").read_bytes())
    assert not at.exception and not at.error
    assert metric(at, "Training images") == "12"
    for page in ["pages/train.py", "pages/dataset.py", "pages/mistakes.py", "pages/predict.py", "pages/inside.py"]:
        at.switch_page(page).run()
        assert not at.exception, page
        assert not at.error, (page, [e.value for e in at.error])


def test_H_catalogue_is_available_to_the_app_tests():
    assert {"H02", "H05", "H09", "H19"} <= set(H5_CASES)


def test_N07_out_of_range_settings_in_the_url_are_ignored(app):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    at.query_params[state.TRAIN_LR] = "1e6"
    at.query_params[state.TRAIN_ITERATIONS] = "99999999"
    at.run()
    at.switch_page("pages/train.py").run()
    assert not at.exception and not at.error
    assert at.select_slider(key=state.TRAIN_LR).value == 0.005
    assert at.slider(key=state.TRAIN_ITERATIONS).value <= 10_000


def test_N08_a_run_over_the_work_budget_is_refused_and_the_model_kept(app, tmp_path):
    at = app("pages/home.py")
    big = write_dataset_files(tmp_path / "big", m_train=600, m_test=20, num_px=8)
    upload_dataset(at, (big / "train_catvnoncat.h5").read_bytes(), (big / "test_catvnoncat.h5").read_bytes())
    assert metric(at, "Training images") == "600"
    at.switch_page("pages/train.py").run()
    kept = (metric(at, "Train accuracy"), metric(at, "Test accuracy"))
    at.slider(key=state.TRAIN_ITERATIONS).set_value(10_000).run()  # 10,000 × 600 > 5,000,000
    assert not at.exception
    assert len(at.error) == 1 and "at most 8,333 iterations" in at.error[0].value
    assert "previous model is kept" in at.error[0].value
    assert (metric(at, "Train accuracy"), metric(at, "Test accuracy")) == kept


@pytest.mark.parametrize("page", PAGES)
def test_without_the_dataset_every_page_explains_how_to_get_it(page, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("CATLR_DATA_DIR", str(tmp_path / "empty"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    if page == "pages/home.py":
        assert "Could not find" in at.error[0].value
        assert any(b.key == state.HOME_DOWNLOAD for b in at.button)
        assert any(u.key == state.HOME_TRAIN_FILE for u in at.get("file_uploader"))
    else:
        assert "not loaded yet" in at.warning[0].value


@pytest.mark.parametrize("page", PAGES)
def test_a_page_run_leaves_nothing_for_the_garbage_collector(app, page):
    # Streamlit runs a page in a fresh module dict each time. A function or lambda defined in the page keeps
    # that dict as its __globals__ while the dict keeps the function: a reference cycle, so everything the
    # page held (a model with megabytes of history, an uploaded dataset) outlived the run and the session
    # until a full garbage collection, which a busy server runs rarely (+94 MB after 8 sessions had gone).
    # Without a cycle, reference counting frees the page's globals as soon as the run ends.
    from catlr.results import TrainResult
    from ui import state

    at = app(page)
    if page == "pages/train.py":
        at.slider(key=state.TRAIN_ITERATIONS).set_value(1500)  # the checked run trains a new model, replacing one
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)  # keep what a collection finds unreachable, to look at it
    try:
        at.run()
        gc.collect()
        stranded = [o for o in gc.garbage if isinstance(o, dict) and str(o.get("__file__", "")).endswith(page)]
        models = [o for o in gc.garbage if isinstance(o, TrainResult)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert not at.exception
    assert stranded == [], f"{page}'s globals were only freed by the cyclic garbage collector"
    assert models == []
