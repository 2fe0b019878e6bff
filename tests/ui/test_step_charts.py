"""ui.step_charts: the specs carry the data they draw (the marker at the current iteration, the 2/L zones)."""

from __future__ import annotations

import numpy as np

from catlr import stability
from ui import step_charts


def test_curves_mark_the_current_iteration_with_its_values():
    train, test = np.linspace(1, 0, 11), np.linspace(2, 1, 11)
    spec = step_charts.curves_spec({"train": train, "test": test, "none": None}, 4, "cost", ["#000", "#111"])
    lines, rule, dots = spec["layer"]
    assert rule["data"]["values"] == [{"iteration": 4}]
    assert [(d["series"], d["value"]) for d in dots["data"]["values"]] == [("train", train[4]), ("test", test[4])]
    assert {r["series"] for r in lines["data"]["values"]} == {"train", "test"}


def test_the_meter_splits_at_two_over_l_and_marks_the_rate():
    bound = stability.Bound(top_eigenvalue=400.0, m=100, l2=0.0)  # L = 1, 2/L = 2
    zones, tick, label = step_charts.meter_spec(bound, 5.0)["layer"]
    assert zones["data"]["values"][0]["to"] == zones["data"]["values"][1]["from"] == bound.safe_rate == 2.0
    assert tick["data"]["values"][0]["from"] == 5.0 and label["data"]["values"][0]["label"] == "lr = 5"
