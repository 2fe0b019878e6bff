"""ui.scenes: a scene link sets its page's widgets, then leaves the URL."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO_ROOT
from ui import scenes, state


def test_every_scene_sets_only_registered_keys_of_its_page():
    for name, scene in scenes.SCENES.items():
        page = scene.page.removeprefix("pages/").removesuffix(".py")
        assert all(key.startswith(f"{page}_") for key in scene.settings), name


@pytest.mark.parametrize(
    "name, key, value", [("lr-too-high", state.TRAIN_LR, 0.3), ("baseline", state.TRAIN_ITERATIONS, 0)]
)
def test_a_scene_link_opens_its_page_with_its_settings(real_data_dir, monkeypatch, name, key, value):
    monkeypatch.setenv("CATLR_DATA_DIR", str(real_data_dir))
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    at.query_params[scenes.PARAM] = name
    at.run()
    at.switch_page("pages/train.py").run()
    assert not at.exception
    widget = at.select_slider(key=key) if key == state.TRAIN_LR else at.slider(key=key)
    assert widget.value == value
    assert scenes.PARAM not in at.query_params
