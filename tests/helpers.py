"""Helpers shared by the test modules: the page list, reading metrics, real photos, the real problem."""

from __future__ import annotations

import io
import re
import subprocess
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image

REPO_ROOT = Path(__file__).resolve().parent.parent
PAGES = [  # page files in menu order (ui/router.py)
    "pages/home.py",
    "pages/train.py",
    "pages/dataset.py",
    "pages/mistakes.py",
    "pages/predict.py",
    "pages/inside.py",
    "pages/step.py",
]
PAGE_TITLES = ["Home", "Train", "Dataset", "Mistakes", "Predict", "Inside the model", "Step through"]
MISCLASSIFIED_TEST = [5, 6, 10, 11, 13, 18, 19, 28, 29, 30, 33, 34, 41, 44, 46]  # ../shared/data/README.md


def metric(at, label: str) -> str:
    """The value of the AppTest metric labelled ``label``."""
    return next(m.value for m in at.metric if m.label == label)


def room_code(at) -> str:
    """The code of the room an AppTest of the presenter's page shows (the heading "… with the code **7KQ 2MX**")."""
    heading = next(m.value for m in at.markdown if "with the code" in m.value)
    return re.search(r"\*\*(\w{3}) (\w{3})\*\*", heading).expand(r"\1\2")


def browser_metric(page, label: str) -> str:
    """The value of the metric labelled ``label`` on a Playwright page."""
    box = page.locator("[data-testid='stMetric']", has_text=label).first
    return box.locator("[data-testid='stMetricValue']").inner_text()


@cache
def chelsea() -> np.ndarray:
    """scikit-image's photo of a cat, (300, 451, 3) uint8."""
    from skimage import data as skdata

    return skdata.chelsea()


def jpeg_bytes(rgb: np.ndarray, quality: int = 92) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="JPEG", quality=quality)
    return buf.getvalue()


def chelsea_jpeg() -> bytes:
    """The cat photo as JPEG bytes, as a phone would upload it."""
    return jpeg_bytes(chelsea())


def png_bytes(color=(200, 30, 30), size=(80, 60)) -> bytes:
    """A plain PNG of one colour."""
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format="PNG")
    return buf.getvalue()


def real_problem(real_data_dir: Path):
    """(the real Dataset, its prepared Problem)."""
    from catlr import data, problem

    ds = data.load_dataset(real_data_dir)
    return ds, problem.from_dataset(ds)


def seeded(seed: int = 1234) -> np.random.Generator:
    """A seeded generator: every random test input is reproducible."""
    return np.random.default_rng(seed)


def seed_flatten(images: np.ndarray) -> np.ndarray:
    """The exercise's own preprocessing, written out here as the oracle: (m, n, n, 3) → (d, m)."""
    return images.reshape(images.shape[0], -1).T / 255.0


def real_split(folder: Path, name: str) -> tuple[np.ndarray, np.ndarray]:
    """The raw images and labels of one real file, read with h5py directly (no catlr code in between)."""
    import h5py

    with h5py.File(folder / f"{name}_catvnoncat.h5", "r") as f:
        return f[f"{name}_set_x"][:], f[f"{name}_set_y"][:]


def open_tab(at, key: str, label: str):
    """Open the tab ``label`` of the tabs keyed ``key`` in an AppTest (only the open tab's content runs)."""
    at.session_state[key] = label
    return at.run()


CVD_TYPES = ("protanomaly", "deuteranomaly", "tritanomaly")  # red-, green-, blue-cone deficiency
CLEARLY_DIFFERENT = 20.0  # ΔE in CAM02-UCS; about 1 is just noticeable, 20 tells two lines apart at a glance


def colour_distances(first, second) -> dict[str, float]:
    """ΔE (CAM02-UCS) between two colours as seen with normal vision and with each full colour-vision deficiency.

    The simulation is Machado, Oliveira and Fernandes (2009) at severity 100, as implemented by colorspacious
    (the library behind matplotlib's viridis design). Colours are "#rrggbb" strings or RGB in [0, 255].
    """
    from colorspacious import cspace_convert, deltaE

    def rgb(colour) -> np.ndarray:
        if isinstance(colour, str):
            colour = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
        return np.asarray(colour, dtype=np.float64) / 255

    a, b = rgb(first), rgb(second)
    seen = {"normal": (a, b)}
    for cvd in CVD_TYPES:
        space = {"name": "sRGB1+CVD", "cvd_type": cvd, "severity": 100}
        seen[cvd] = tuple(np.clip(cspace_convert(c, space, "sRGB1"), 0, 1) for c in (a, b))
    return {name: float(deltaE(x, y, input_space="sRGB1")) for name, (x, y) in seen.items()}


def stop_process(proc) -> None:
    """Terminate a child server (streamlit, redis-server) and reap it, killing it if it ignores the request."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()

