"""ui.mistakes_view: the table of mistakes at any threshold, and its filters, against a brute-force loop."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ui import mistakes_view

RNG = np.random.default_rng(3)
Y = RNG.integers(0, 2, 40)
SCORES = RNG.random(40)
SPLITS = {"test": (Y, np.zeros((40, 2, 2, 3), np.uint8))}


@pytest.mark.parametrize("threshold", [0.1, 0.5, 0.83])
def test_mistakes_are_exactly_the_images_on_the_wrong_side_of_the_threshold(threshold):
    table = mistakes_view.mistakes(SPLITS, {"test": SCORES}, threshold)
    expected = [i for i in range(40) if int(SCORES[i] > threshold) != Y[i]]
    assert list(table["index"]) == expected
    assert all(table["predicted"] == (table["p_cat"] > threshold).astype(int))
    assert all(table["true"] != table["predicted"])


def test_chosen_filters_kinds_and_sorts_by_confidence():
    table = mistakes_view.mistakes(SPLITS, {"test": SCORES}, 0.5)
    fp = mistakes_view.chosen(table, "false positives", "image number", 0.5)
    assert set(fp["predicted"]) <= {1} and len(fp) == int(((SCORES > 0.5) & (Y == 0)).sum())
    most = mistakes_view.chosen(table, "all mistakes", "most confident first", 0.5)
    confidence = (most["p_cat"] - 0.5).abs().to_numpy()
    assert np.all(np.diff(confidence) <= 0) and len(most) == len(table)
    least = mistakes_view.chosen(table, "all mistakes", "least confident first", 0.5)
    assert list(least["index"]) == list(most["index"])[::-1] or np.all(
        np.diff((least["p_cat"] - 0.5).abs().to_numpy()) >= 0
    )


def test_no_mistakes_is_an_empty_table_with_its_columns():
    table = mistakes_view.mistakes({"test": (np.array([0, 1]), None)}, {"test": np.array([0.1, 0.9])}, 0.5)
    assert table.empty and list(table.columns) == ["split", "index", "true", "predicted", "p_cat"]
    assert isinstance(mistakes_view.chosen(table, "false negatives", "most confident first", 0.5), pd.DataFrame)
