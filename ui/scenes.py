"""Ready-made scenes for a lecture: links that open a page with every one of its settings chosen.

A link cannot set a URL-bound widget back to its default (Streamlit drops default values from the URL,
so the user's last value would win); a scene therefore writes its settings into the widgets' state
before the page draws them, then removes itself from the URL.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.errors import StreamlitAPIException

from ui import state

PARAM = "scene"
URL_BOUND = {  # widgets bound to the URL that a scene sets
    state.TRAIN_ITERATIONS,
    state.TRAIN_LR,
    state.TRAIN_L2,
    state.MISTAKES_THRESHOLD,
    state.PREDICT_SOURCE,
    state.INSIDE_ITERATION,
}


@dataclass(frozen=True)
class Scene:
    page: str
    label: str
    icon: str
    settings: dict


_EXERCISE = {state.TRAIN_ITERATIONS: 2000, state.TRAIN_LR: 0.005, state.TRAIN_L2: 0.0}
SCENES = {
    "baseline": Scene("pages/train.py", "Baseline: the untrained model", "0️⃣", {**_EXERCISE, state.TRAIN_ITERATIONS: 0}),
    "exercise": Scene("pages/train.py", "The exercise: 2000 iterations, lr 0.005", "🎯", _EXERCISE),
    "overfitting": Scene(
        "pages/train.py", "Overfitting: 10,000 iterations", "📈", {**_EXERCISE, state.TRAIN_ITERATIONS: 10_000}
    ),
    "lr-too-high": Scene("pages/train.py", "Learning rate too high", "💥", {**_EXERCISE, state.TRAIN_LR: 0.3}),
    "mistakes": Scene("pages/mistakes.py", "The mistakes", "❌", {state.MISTAKES_THRESHOLD: 0.5}),
    "photo": Scene("pages/predict.py", "Your photo", "📷", {state.PREDICT_SOURCE: "Upload"}),
    "weights": Scene("pages/inside.py", "The weights after 100 iterations", "🔬", {state.INSIDE_ITERATION: 100}),
}


def apply() -> None:
    """If the URL names a scene, set its widgets' values for this run and drop it from the URL."""
    name = st.query_params.get(PARAM)
    if name is None:
        return
    scene = SCENES.get(name)
    if scene is not None:
        for key, value in scene.settings.items():
            st.session_state[key] = value
            if key in URL_BOUND:  # a bound widget set through session_state alone leaves the URL stale
                try:
                    st.query_params[key] = str(value)
                except StreamlitAPIException:  # the widget is on screen in this session: state alone updates it
                    pass
    del st.query_params[PARAM]


def links(columns: int = 3) -> None:
    """The scenes as page links, in columns."""
    cols = st.columns(columns)
    for i, (name, scene) in enumerate(SCENES.items()):
        cols[i * columns // len(SCENES)].page_link(
            scene.page, label=scene.label, icon=scene.icon, query_params={PARAM: name}
        )
