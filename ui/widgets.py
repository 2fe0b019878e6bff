"""Small rendering helpers shared by the pages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st
from PIL import Image
from streamlit.runtime.pages_manager import PagesManager

from ui import scenes


def _route_through_app() -> None:
    """Make sure this page runs inside app.py's router, never on its own.

    Streamlit decides when a session starts whether a folder named pages/ makes this an old-style
    multipage app, and only st.navigation (in app.py) switches that off. If the very first request
    after the server starts is a deep link such as /train (and in every AppTest run), Streamlit would
    run pages/train.py on its own, without app.py's page config and error guard. Switch it off and
    rerun through app.py.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def header(title: str, purpose: str) -> None:
    """Every page starts the same way: a title and one line saying what the page is for."""
    _route_through_app()
    scenes.apply()
    st.title(title)
    st.caption(purpose)


def upscale(image: np.ndarray, size: int) -> np.ndarray:
    """A (n, n, 3) uint8 image enlarged to (size, size, 3) with nearest-neighbour, so pixels stay crisp."""
    return np.asarray(Image.fromarray(np.asarray(image, dtype=np.uint8)).resize((size, size), Image.Resampling.NEAREST))


def pct(value: float) -> str:
    """An accuracy in percent as the metrics show it, e.g. ``99.04 %``."""
    return f"{value:.2f} %"


def number(value: float) -> str:
    """A setting as the sliders show it: ``0.005``, ``1e-05``, ``10``."""
    return f"{value:g}"


def count(value: int) -> str:
    """A count with thousands separators: ``10,000``."""
    return f"{value:,}"


def download_progress(bar):
    """A catlr.download progress callback that moves the st.progress ``bar``."""

    def report(name: str, done: int, total: int) -> None:
        bar.progress(min(done / total, 1.0) if total else 0.0, text=name)

    return report


def label_name(label: int, classes: tuple[str, str]) -> str:
    """The class name of a 0/1 label."""
    return classes[int(label)]


def line_chart(
    frame: pd.DataFrame, x_label: str, y_label: str, colors: list[str], height: int = 380, key: str | None = None
) -> None:
    """Draw each column of ``frame`` (index = x) as a line, coloured in column order.

    A hand-written Vega-Lite spec: st.line_chart builds the same chart through Altair at about 80 ms a
    call, which a slider rerun with four charts would feel; this costs about 2 ms.
    """
    series = [str(c) for c in frame.columns]
    long = frame.set_axis(series, axis=1).rename_axis("x").reset_index().melt("x", var_name="series", value_name="y")
    long = long.dropna()
    spec = {
        "height": height,
        "mark": {"type": "line", "strokeWidth": 1.6},
        "encoding": {
            "x": {"field": "x", "type": "quantitative", "title": x_label},
            "y": {"field": "y", "type": "quantitative", "title": y_label},
            "color": {
                "field": "series",
                "type": "nominal",
                "scale": {"domain": series, "range": colors[: len(series)]},
                "legend": {"orient": "bottom", "title": None},
            },
            "tooltip": [
                {"field": "series", "type": "nominal"},
                {"field": "x", "type": "quantitative", "title": x_label},
                {"field": "y", "type": "quantitative", "title": y_label, "format": ".6g"},
            ],
        },
    }
    st.vega_lite_chart(long, spec, key=key)
