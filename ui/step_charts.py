"""Vega-Lite specs of the Step-through page: curves with a marker at the current iteration and the loss
landscape (the stability meter's strip is shared with Train: :func:`ui.charts.stability_strip`).
Hand-written specs, as in :mod:`ui.charts` (a spec costs about 2 ms).

What changes from one iteration to the next is kept out of the specs, in named datasets (``"datasets"``,
which Streamlit sends as Arrow): while a chart's spec is unchanged the browser swaps its data in place
instead of compiling and rebuilding the chart, which is most of what a step used to cost."""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image

from catlr import colours, landscape
from ui import charts

TRAIN, TEST, MARK = "#e8590c", "#1c7ed6", "#1f2328"
SLICE_SCALE = {"zero": False, "nice": False}  # the axes end where the heat map does


def _series(columns: dict[str, np.ndarray | None]) -> list[dict]:
    """Thinned rows {iteration, series, value} of per-iteration series (None ones left out)."""
    rows = []
    for name, values in columns.items():
        if values is None:
            continue
        idx = charts.thin(len(values))
        rows += [{"iteration": int(i), "series": name, "value": float(values[i])} for i in idx]
    return rows


def curves_spec(columns: dict[str, np.ndarray | None], at: int, y_title: str, colours: list[str]) -> dict:
    """Lines of per-iteration series with a vertical rule and dots at iteration ``at``.

    The spec itself does not depend on ``at``: the lines and the marker are named datasets, so a step
    only replaces the marker's data and the browser redraws the chart in place instead of rebuilding it.
    """
    present = [name for name, values in columns.items() if values is not None]
    here = [{"iteration": at, "series": n, "value": float(columns[n][at])} for n in present]
    x = {"field": "iteration", "type": "quantitative", "title": "iteration"}
    y = {"field": "value", "type": "quantitative", "title": y_title}
    colour = {
        "field": "series",
        "type": "nominal",
        "scale": {"domain": present, "range": colours[: len(present)]},
        "legend": {"orient": "bottom", "title": None},
    }
    return {
        "height": 260,
        "datasets": {"lines": _series(columns), "here": here},
        "layer": [
            {
                "data": {"name": "lines"},
                "mark": {"type": "line", "strokeWidth": 1.6},
                "encoding": {"x": x, "y": y, "color": colour},
            },
            {
                "data": {"name": "here"},
                "mark": {"type": "rule", "color": MARK, "strokeDash": [4, 3]},
                "encoding": {"x": x},
            },
            {
                "data": {"name": "here"},
                "mark": {"type": "point", "filled": True, "size": 80},
                "encoding": {
                    "x": x,
                    "y": y,
                    "color": colour,
                    "tooltip": [{"field": "series"}, {"field": "value", "format": ".6g"}],
                },
            },
        ],
    }


def heat_map_url(cost: np.ndarray) -> str:
    """A cost grid (q, p) as a viridis PNG data URL, row 0 at the top (so pass the grid upside down)."""
    rgb = colours.sequential_rgb(cost, float(cost.min()), float(cost.max()))
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def landscape_spec(piece: landscape.Slice, at: int) -> dict:
    """The cost on the slice as one heat-map image, the projected path as a line and the current state as a dot.

    The 41 × 41 costs travel as one small PNG (about 3 kB) instead of 1,681 rectangles, and, as in
    :func:`curves_spec`, everything that changes with ``at`` is a named dataset: the spec stays the same.
    """
    du, dv = (piece.u[1] - piece.u[0]) / 2, (piece.v[1] - piece.v[0]) / 2
    u0, u1, v0, v1 = float(piece.u[0] - du), float(piece.u[-1] + du), float(piece.v[0] - dv), float(piece.v[-1] + dv)
    low, high = float(piece.cost.min()), float(piece.cost.max())
    path = [
        {"u": float(a), "v": float(b), "iteration": int(i)}
        for a, b, i in zip(piece.path_u, piece.path_v, piece.path_iterations, strict=True)
    ]
    u = {"field": "u", "type": "quantitative", "title": "along the current weights θₜ", "scale": SLICE_SCALE}
    v = {"field": "v", "type": "quantitative", "title": "along the path's main bend", "scale": SLICE_SCALE}
    return {
        "height": 380,
        "datasets": {
            "heat": [{"u": u0, "u2": u1, "v": v0, "v2": v1, "url": heat_map_url(piece.cost[::-1])}],
            "scale": [{"u": u0, "v": v0, "cost": low}, {"u": u1, "v": v1, "cost": high}],
            "path": path,
            "here": [{"u": piece.point[0], "v": piece.point[1], "iteration": at}],
        },
        "layer": [
            {
                "data": {"name": "heat"},
                "mark": {"type": "image", "aspect": False},
                "encoding": {"x": u, "x2": {"field": "u2"}, "y": v, "y2": {"field": "v2"}, "url": {"field": "url"}},
            },
            {  # invisible corners that carry the colour legend (the image's own colours are the same viridis)
                "data": {"name": "scale"},
                "mark": {"type": "point", "opacity": 0},
                "encoding": {
                    "x": u,
                    "y": v,
                    "color": {
                        "field": "cost",
                        "type": "quantitative",
                        "scale": {"scheme": "viridis"},
                        "title": "train cost",
                    },
                },
            },
            {
                "data": {"name": "path"},
                "mark": {"type": "line", "color": "#ffffff", "strokeWidth": 2},
                "encoding": {"x": u, "y": v, "order": {"field": "iteration", "type": "quantitative"}},
            },
            {
                "data": {"name": "here"},
                "mark": {"type": "point", "filled": True, "size": 160, "color": "#e8590c", "stroke": "#ffffff"},
                "encoding": {"x": u, "y": v, "tooltip": [{"field": "iteration"}]},
            },
        ],
    }
