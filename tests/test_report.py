"""catlr.report (and the pages of catlr.report_pages): the PDF handout, opened with pypdf and read back as text."""

from __future__ import annotations

import io
import math
import re
import threading

import numpy as np
import pypdf
import pytest
from h5fixtures import make_split, write_dataset_files

from catlr import engine, exercise, problem, report
from catlr.config import TrainConfig
from catlr.data import load_dataset
from tests.conftest import fresh_python_json
from tests.helpers import MISCLASSIFIED_TEST

SETTINGS = TrainConfig(num_iterations=300, learning_rate=0.01)
RATES = [0.05, 0.01, 0.001]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A small generated dataset (12 test images, 3 of them labelled against their colour, so there are some
    mistakes), a run and a sweep."""
    x, y = make_split(12, 8, seed=1)
    y[:3] = 1 - y[:3]
    ds = load_dataset(write_dataset_files(tmp_path_factory.mktemp("data"), m_train=24, num_px=8, test_x=x, test_y=y))
    prepared = problem.from_dataset(ds)
    return ds, prepared, engine.train(prepared, SETTINGS), engine.sweep(prepared, RATES, 200)


@pytest.fixture(scope="module")
def full(tiny) -> bytes:
    """The handout of the tiny run with its comparison (made once: a handout takes about a second)."""
    ds, _, result, compared = tiny
    return report.handout(ds, result, compared)


def pdf_pages(data: bytes) -> list[str]:
    """The text of every page, whitespace collapsed (wrapped lines join back into their paragraph)."""
    assert data.startswith(b"%PDF-")
    return [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def test_the_handout_says_the_settings_and_the_figures_the_engine_computes(tiny, full):
    ds, prepared, result, _ = tiny
    pages = pdf_pages(full)
    assert len(pages) == 3
    text = " ".join(pages)
    assert "300 iterations" in text and "learning rate 0.01" in text and "L2 penalty λ = 0" in text
    assert f"{ds.m_train} training and {ds.m_test} test images of 8 × 8 pixels" in text
    splits = ((prepared.X_train, ds.train_set_y, "Train", "training"), (prepared.X_test, ds.test_set_y, "Test", "test"))
    for X, Y, name, cost_name in splits:
        # Oracles apart from the engine's history: the final weights' decisions and the exercise's own cost.
        right = float(np.mean(((result.w[:, 0] @ X + result.b) > 0) == (Y.ravel() == 1)))
        _, cost = exercise.propagate(result.w, result.b, X, Y)
        assert f"{name} accuracy {100 * right:.2f} %" in text
        assert f"final {cost_name} cost {float(cost):.6f}" in text
    correct = round(result.test_accuracy / 100 * ds.m_test)
    assert f"({correct} of {ds.m_test} test images right)" in text


def wilson_by_search(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """The Wilson interval as the p whose score test just accepts k of n: |k/n − p| = z·√(p(1−p)/n), by bisection."""

    def outside(p: float) -> bool:
        return abs(k / n - p) > z * math.sqrt(p * (1 - p) / n)

    def edge(lo: float, hi: float) -> float:  # outside(lo) != outside(hi)
        for _ in range(200):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if outside(mid) == outside(lo) else (lo, mid)
        return (lo + hi) / 2

    p = k / n
    return (0.0 if k == 0 else edge(0.0, p)), (1.0 if k == n else edge(p, 1.0))


def test_the_handout_gives_the_honest_baseline_and_the_interval(tiny, full):
    ds, _, result, _ = tiny
    text = " ".join(pdf_pages(full))
    correct = round(result.test_accuracy / 100 * ds.m_test)
    low, high = wilson_by_search(correct, ds.m_test)
    assert f"Wilson interval for the true accuracy is {100 * low:.1f} % – {100 * high:.1f} %" in text
    train_counts = np.bincount(ds.train_set_y.ravel(), minlength=2)
    majority = int(np.argmax(train_counts))
    share = float(np.mean(ds.test_set_y.ravel() == majority))
    assert f'Baseline: Always answering "{ds.classes[majority]}"' in text
    assert f"({train_counts[majority]} of {ds.m_train}), scores {share:.0%} on the test set" in text
    assert "Ceiling for guessing:" in text


def test_the_mistakes_are_the_images_the_model_gets_wrong(tiny, full):
    ds, prepared, result, _ = tiny
    said = exercise.predict(result.w, result.b, prepared.X_test).ravel()  # the exercise's rule, independently
    wrong = [int(i) for i in np.flatnonzero(said != ds.test_set_y.ravel())]
    assert wrong, "the fixture must make some mistakes for this test to mean anything"
    assert [m.index for m in report.mistakes_on_test_set(ds, result)] == wrong
    page = pdf_pages(full)[1]
    assert f"Test images the model gets wrong: {len(wrong)} of {ds.m_test}" in page
    assert [int(i) for i in re.findall(r"test #(\d+):", page)] == wrong
    assert "The weights as an image" in page and "pushes towards cat (darker = stronger)" in page


def test_the_comparison_page_has_one_row_per_rate(tiny, full):
    compared = tiny[3]
    page = pdf_pages(full)[2]
    assert "Each rate trained 200 iterations from w = 0, no L2 penalty" in page
    for r in compared:
        row = f"{r.config.learning_rate:g} "
        assert row in page and f"{r.train_accuracy:.2f} %" in page and f"{r.final_cost:.6f}" in page
        assert f"Learning rate {r.config.learning_rate:g} (" in page


def test_a_loaded_model_gets_two_pages_without_a_comparison(tiny):
    ds, prepared, result, _ = tiny
    loaded = engine.evaluate(prepared, result.w, result.b, result.config)  # one state, no history
    pages = pdf_pages(report.handout(ds, loaded))
    assert len(pages) == 2
    assert "a model loaded from a file, trained with 300 iterations" in pages[0]
    assert "one state only: no training history" in pages[0]


def test_the_untrained_model_with_a_long_list_of_mistakes_and_no_comparison(tiny, monkeypatch):
    ds, prepared, _, _ = tiny
    untrained = engine.train(prepared, TrainConfig(num_iterations=0))  # P(cat) = 0.5 everywhere: every cat is missed
    monkeypatch.setattr(report, "MAX_MISTAKES_SHOWN", 2)
    reason = "training diverged at iteration 2 (learning rate 10); lower the learning rate"
    pages = pdf_pages(report.handout(ds, untrained, reason))
    assert "0 iterations of batch gradient descent" in pages[0] and "final training cost 0.693147" in pages[0]
    assert f"gets wrong: {int(ds.test_set_y.sum())} of {ds.m_test}" in pages[1] and "The first 2 are shown." in pages[1]
    assert pages[1].count("test #") == 2
    assert len(pages) == 3 and f"No learning-rate comparison: {reason}" in pages[2]


def test_the_same_run_gives_the_same_bytes_even_from_two_threads_at_once(tiny, full):
    ds, _, result, compared = tiny
    made: list[bytes] = []
    threads = [threading.Thread(target=lambda: made.append(report.handout(ds, result, compared))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert made == [full, full]
    assert b"/CreationDate" not in full  # no clock in the file


def test_save_writes_the_bytes_and_leaves_nothing_else(tmp_path):
    target = tmp_path / "run.pdf"
    target.write_bytes(b"old")
    report.save(target, b"%PDF-new")
    assert target.read_bytes() == b"%PDF-new" and [p.name for p in tmp_path.iterdir()] == ["run.pdf"]


IMPORT_AND_DRAW = """
import json, sys
import ui.train_view
train_page = "matplotlib" in sys.modules
import matplotlib
names = [k for k in matplotlib.rcParams if k != "backend"]  # reading "backend" itself may import pyplot
before = {k: repr(matplotlib.rcParams[k]) for k in names}
import catlr.report
imported = "matplotlib.pyplot" in sys.modules
from catlr import data, engine, problem
from catlr.config import TrainConfig
import numpy as np
rng = np.random.default_rng(0)
images = rng.integers(0, 255, (10, 4, 4, 3), dtype=np.uint8)
y = np.array([[0, 1, 0, 1, 1, 0, 1, 0, 1, 0]])
ds = data.Dataset(images[:6], y[:, :6], images[6:], y[:, 6:], ("non-cat", "cat"), 4, "probe")
prepared = problem.from_dataset(ds)
pdf = catlr.report.handout(ds, engine.train(prepared, TrainConfig(50, 0.01)), engine.sweep(prepared, [0.01], 20))
changed = [k for k in names if repr(matplotlib.rcParams[k]) != before[k]]
print(json.dumps({"train_page": train_page, "imported": imported, "drawn": "matplotlib.pyplot" in sys.modules,
                  "changed": changed, "pdf": pdf[:5].decode()}))
"""


def test_making_a_handout_never_imports_pyplot_nor_changes_matplotlibs_settings():
    got = fresh_python_json(IMPORT_AND_DRAW)
    assert got["pdf"] == "%PDF-"  # the probe did draw
    assert got["train_page"] is False  # the Train page loads matplotlib only when a handout is asked for
    assert got["imported"] is False and got["drawn"] is False  # no pyplot, neither by importing nor by drawing
    assert got["changed"] == []


@pytest.mark.realdata
def test_the_seeds_handout_says_99_04_and_70_percent(real_data_dir):
    ds = load_dataset(real_data_dir)
    prepared = problem.from_dataset(ds)
    pages = pdf_pages(report.handout(ds, engine.train(prepared, TrainConfig(2000, 0.005))))
    text = " ".join(pages)
    assert "Train accuracy 99.04 %" in text and "Test accuracy 70.00 % (35 of 50 test images right)" in text
    assert "2,000 iterations" in text and "learning rate 0.005" in text
    assert "Test images the model gets wrong: 15 of 50" in pages[1]
    assert [f"test #{i}:" in pages[1] for i in MISCLASSIFIED_TEST] == [True] * len(MISCLASSIFIED_TEST)
