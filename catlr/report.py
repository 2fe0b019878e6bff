"""A handout to take away: one run's settings, curves, yardsticks, learning-rate comparison, mistakes and weights.

:func:`handout` returns the PDF as bytes (the app offers them for download, the command line writes them
with :func:`save`). The words and numbers are worked out here (:func:`summarise`), the pages are drawn by
:mod:`catlr.report_pages`: matplotlib's object API only (``Figure`` + ``PdfPages``), never ``pyplot``,
whose global state is not safe in the Streamlit server's threads.

Black-and-white safe: train and test differ by line style and marker as well as colour, every label is
in words, and the weights are also drawn as two grey maps, one per sign. The text is real vector text
(TrueType, ``pdf.fonttype`` 42: it can be searched, copied and read aloud), and the creation date is
left out, so the same run gives the same bytes. Importing this module changes nothing; making a handout
sets matplotlib's settings only inside an ``rc_context``, under a lock (``rcParams`` is global, so two
handouts drawn at once in two threads could otherwise leave one's settings behind).
"""

from __future__ import annotations

import io
import os
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib.backends.backend_pdf import PdfPages

from catlr import engine, metrics, report_pages
from catlr.data import Dataset, flatten
from catlr.results import TrainResult

MAX_MISTAKES_SHOWN = 30  # images in the mistakes grid (the exercise's model makes 15 on the test set)
RC = {
    "pdf.fonttype": 42,  # TrueType: real text in the PDF, not glyph drawings
    "font.family": "DejaVu Sans",  # bundled with matplotlib: the same glyphs (σ, λ, →, ≈) on every machine
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "image.interpolation": "nearest",  # pixels stay square
}
_DRAWING = threading.Lock()


@dataclass(frozen=True)
class Mistake:
    """One misclassified test image: its index, true label (0/1), the label said, and P(cat)."""

    index: int
    true: int
    said: int
    p_cat: float


@dataclass(frozen=True)
class Summary:
    """What the handout says, worked out once.

    Attributes:
        title: the first line. settings, results: lines of text for page 1.
        mistakes: the test images the model gets wrong at the 0.5 threshold, by image number.
        classes: the names of labels 0 and 1. num_px: the image side.
    """

    title: str
    settings: tuple[str, ...]
    results: tuple[str, ...]
    mistakes: tuple[Mistake, ...]
    classes: tuple[str, str]
    num_px: int


def pct(value: float) -> str:
    """An accuracy in percent as the app shows it: ``99.04 %``."""
    return f"{value:.2f} %"


def _settings(dataset: Dataset, result: TrainResult) -> tuple[str, ...]:
    c = result.config
    l2 = "0 (none, as in the exercise)" if c.l2 == 0 else f"{c.l2:g}"
    if result.loaded:
        how = f"a model loaded from a file, trained with {c.num_iterations:,} iterations"
    else:
        how = f"{result.iterations_run:,} iterations of batch gradient descent from w = 0, b = 0"
    return (
        f"Settings: {how}; learning rate {c.learning_rate:g}; L2 penalty λ = {l2}.",
        f"Data: {dataset.m_train:,} training and {dataset.m_test:,} test images of {dataset.num_px} × "
        f"{dataset.num_px} pixels; label 0 = {dataset.classes[0]}, 1 = {dataset.classes[1]}.",
    )


def _results(dataset: Dataset, result: TrainResult) -> tuple[str, ...]:
    h = result.history
    lines = [f"Train accuracy {pct(result.train_accuracy)}; final training cost {result.final_cost:.6f}."]
    if result.test_accuracy is None or h.test_cost is None or dataset.m_test == 0:
        return (*lines, "No test set: no test accuracy, interval or baseline.")
    correct = round(result.test_accuracy / 100 * dataset.m_test)
    low, high = metrics.wilson_interval(correct, dataset.m_test)
    baseline = metrics.majority_baseline(dataset.train_set_y, dataset.test_set_y, dataset.classes)
    return (
        *lines,
        f"Test accuracy {pct(result.test_accuracy)} ({correct} of {dataset.m_test} test images right); "
        f"final test cost {float(h.test_cost[-1]):.6f}.",
        f"Uncertainty: the 95 % Wilson interval for the true accuracy is {100 * low:.1f} % – {100 * high:.1f} %; "
        "with so few test images, differences of a few points between runs are noise.",
        f"Baseline: {baseline.sentence}",
        f"Ceiling for guessing: {baseline.best_sentence}",
    )


def mistakes_on_test_set(dataset: Dataset, result: TrainResult) -> tuple[Mistake, ...]:
    """The test images the model gets wrong ("cat" when P(cat) > 0.5, the exercise's rule), by image number."""
    if dataset.m_test == 0:
        return ()
    p = engine.predict_proba(result.w, result.b, flatten(dataset.test_set_x_orig))  # (m_test,) exact float64
    y = dataset.test_set_y.ravel()
    said = (p > 0.5).astype(int)
    return tuple(Mistake(int(i), int(y[i]), int(said[i]), float(p[i])) for i in np.flatnonzero(said != y))


def summarise(dataset: Dataset, result: TrainResult) -> Summary:
    """The handout's words and numbers for ``result`` trained on ``dataset``."""
    return Summary(
        title="catlr handout: a logistic-regression cat / non-cat classifier",
        settings=_settings(dataset, result),
        results=_results(dataset, result),
        mistakes=mistakes_on_test_set(dataset, result),
        classes=tuple(dataset.classes),
        num_px=dataset.num_px,
    )


def handout(dataset: Dataset, result: TrainResult, comparison: Sequence[TrainResult] | str | None = None) -> bytes:
    """The handout of ``result`` as PDF bytes: two pages, three with a learning-rate comparison.

    Args:
        dataset: the data ``result`` was trained on (images for the mistakes grid, labels for the baseline).
        result: the model, from :func:`catlr.engine.train` (or :func:`catlr.engine.evaluate` for a loaded one).
        comparison: the runs of :func:`catlr.engine.sweep` to compare; a string says why there is none (a
            page with that sentence); None leaves the page out.

    Returns:
        The PDF; the same arguments give the same bytes.
    """
    summary = summarise(dataset, result)
    buffer = io.BytesIO()
    metadata = {"Title": summary.title, "Creator": "catlr", "CreationDate": None}
    with _DRAWING, matplotlib.rc_context(RC), PdfPages(buffer, metadata=metadata) as pdf:
        pdf.savefig(report_pages.model_page(summary, result))
        pdf.savefig(report_pages.mistakes_page(summary, dataset, result, MAX_MISTAKES_SHOWN))
        if comparison is not None:
            pdf.savefig(report_pages.comparison_page(comparison))
    return buffer.getvalue()


def save(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (a temporary file in the same folder, then a rename)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        Path(tmp).chmod(0o644)  # mkstemp made it private; a handout is not secret
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
