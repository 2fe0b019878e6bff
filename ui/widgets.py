"""Small rendering helpers shared by the pages."""

from __future__ import annotations

import numpy as np
import streamlit as st
from PIL import Image

from ui import router, scenes

# Checked by tests/e2e/test_privacy.py: an uploaded photo's bytes appear in no file the server writes.
PHOTO_PRIVACY = (
    "🔒 Your photo stays yours: it is processed in memory on this server, never written to disk or to a log, "
    "and never shown to anyone else. It is gone when you close the page."
)


def header(title: str, purpose: str) -> None:
    """Every page starts the same way: a title and one line saying what the page is for."""
    router.ensure_routed()
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
