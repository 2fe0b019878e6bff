"""ui.step_charts: the specs carry the data they draw (the marker at the current iteration, the landscape)."""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image

from catlr import colours, landscape
from ui import step_charts


def test_curves_mark_the_current_iteration_with_its_values():
    train, test = np.linspace(1, 0, 11), np.linspace(2, 1, 11)
    spec = step_charts.curves_spec({"train": train, "test": test, "none": None}, 4, "cost", ["#000", "#111"])
    lines, rule, dots = spec["layer"]
    assert rule["data"] == dots["data"] == {"name": "here"} and lines["data"] == {"name": "lines"}
    here = spec["datasets"]["here"]
    assert [(d["iteration"], d["series"], d["value"]) for d in here] == [(4, "train", train[4]), (4, "test", test[4])]
    assert {r["series"] for r in spec["datasets"]["lines"]} == {"train", "test"}
    later = step_charts.curves_spec({"train": train, "test": test, "none": None}, 7, "cost", ["#000", "#111"])
    assert {k: v for k, v in later.items() if k != "datasets"} == {k: v for k, v in spec.items() if k != "datasets"}
    assert later["datasets"]["lines"] == spec["datasets"]["lines"]  # only the marker's data changes


def test_the_landscape_is_one_heat_map_image_the_right_way_up_with_the_path_and_the_point():
    u, v = np.linspace(-1.0, 1.0, 5), np.linspace(0.0, 2.0, 3)
    cost = np.add.outer(v, u)  # cost[j, i] at (u[i], v[j]): lowest at the bottom left, highest at the top right
    piece = landscape.Slice(
        u, v, cost, np.array([0.0, 0.5]), np.array([0.0, 1.0]), np.array([0, 9]), (0.5, 0.0), None, None, np.zeros(2)
    )
    spec = step_charts.landscape_spec(piece, 9)
    heat = spec["datasets"]["heat"][0]
    assert (heat["u"], heat["u2"], heat["v"], heat["v2"]) == (-1.25, 1.25, -0.5, 2.5)  # the cells' outer edges
    png = base64.b64decode(heat["url"].removeprefix("data:image/png;base64,"))
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    assert pixels.shape == (3, 5, 3)
    np.testing.assert_array_equal(pixels, colours.sequential_rgb(cost[::-1], cost.min(), cost.max()))
    assert tuple(pixels[0, -1]) == (0xFD, 0xE7, 0x25)  # the highest cost, top right: viridis' yellow end
    assert tuple(pixels[-1, 0]) == (0x44, 0x01, 0x54)  # the lowest, bottom left: its purple end
    assert [r["cost"] for r in spec["datasets"]["scale"]] == [-1.0, 3.0]  # the legend's ends
    assert [(p["u"], p["v"], p["iteration"]) for p in spec["datasets"]["path"]] == [(0.0, 0.0, 0), (0.5, 1.0, 9)]
    assert spec["datasets"]["here"] == [{"u": 0.5, "v": 0.0, "iteration": 9}]
