"""Vega-Lite specs of the Step-through page: curves with a marker at the current iteration, the stability
meter and the loss landscape. Hand-written specs, as in :mod:`ui.charts` (a spec costs about 2 ms)."""

from __future__ import annotations

import numpy as np

from catlr import landscape, stability
from ui import charts

TRAIN, TEST, MARK, INK = "#e8590c", "#1c7ed6", "#1f2328", "#1f2328"


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
    """Lines of per-iteration series with a vertical rule and dots at iteration ``at``."""
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
        "layer": [
            {
                "data": {"values": _series(columns)},
                "mark": {"type": "line", "strokeWidth": 1.6},
                "encoding": {"x": x, "y": y, "color": colour},
            },
            {
                "data": {"values": [{"iteration": at}]},
                "mark": {"type": "rule", "color": MARK, "strokeDash": [4, 3]},
                "encoding": {"x": x},
            },
            {
                "data": {"values": here},
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


def meter_spec(bound: stability.Bound, rate: float) -> dict:
    """A log-scale strip: the safe rates (≤ 2/L), the rates that may oscillate, and the chosen rate."""
    low, high = min(rate, bound.safe_rate) / 30, max(rate, bound.safe_rate) * 30
    x = {
        "field": "from",
        "type": "quantitative",
        "scale": {"type": "log", "domain": [low, high]},
        "title": "learning rate (log scale)",
    }
    y = {"field": "row", "type": "nominal", "axis": None}  # one band: the strip
    zones = [
        {"from": low, "to": bound.safe_rate, "row": "rates", "zone": "cost falls every step (≤ 2/L)"},
        {"from": bound.safe_rate, "to": high, "row": "rates", "zone": "may oscillate or diverge (> 2/L)"},
    ]
    colour = {
        "field": "zone",
        "type": "nominal",
        "legend": {"orient": "bottom", "title": None, "direction": "vertical", "labelLimit": 400},
        "scale": {"range": ["#2b8a3e", "#c92a2a"]},
    }
    return {
        "height": {"step": 48},
        "layer": [
            {
                "data": {"values": zones},
                "mark": {"type": "bar", "opacity": 0.35},
                "encoding": {"x": x, "x2": {"field": "to"}, "y": y, "color": colour},
            },
            {
                "data": {"values": [{"from": rate, "row": "rates"}]},
                "mark": {"type": "tick", "color": INK, "thickness": 3},
                "encoding": {"x": x, "y": y},
            },
            {
                "data": {"values": [{"from": rate, "row": "rates", "label": f"lr = {rate:g}"}]},
                "mark": {"type": "text", "dx": 6, "align": "left", "color": INK, "fontWeight": "bold"},
                "encoding": {"x": x, "y": y, "text": {"field": "label"}},
            },
        ],
    }


def landscape_spec(piece: landscape.Slice, at: int) -> dict:
    """The cost on the slice as a heat map, the projected path as a line and the current state as a dot."""
    U, V = np.meshgrid(piece.u, piece.v)
    du, dv = (piece.u[1] - piece.u[0]) / 2, (piece.v[1] - piece.v[0]) / 2
    cells = [
        {"u": float(a - du), "u2": float(a + du), "v": float(b - dv), "v2": float(b + dv), "cost": float(c)}
        for a, b, c in zip(U.ravel(), V.ravel(), piece.cost.ravel(), strict=True)
    ]
    path = [
        {"u": float(a), "v": float(b), "iteration": int(i)}
        for a, b, i in zip(piece.path_u, piece.path_v, piece.path_iterations, strict=True)
    ]
    u = {"field": "u", "type": "quantitative", "title": "along the current weights θₜ", "scale": {"zero": False}}
    v = {"field": "v", "type": "quantitative", "title": "along the path's main bend", "scale": {"zero": False}}
    return {
        "height": 380,
        "layer": [
            {
                "data": {"values": cells},
                "mark": {"type": "rect"},
                "encoding": {
                    "x": u,
                    "x2": {"field": "u2"},
                    "y": v,
                    "y2": {"field": "v2"},
                    "color": {
                        "field": "cost",
                        "type": "quantitative",
                        "scale": {"scheme": "viridis"},
                        "title": "train cost",
                    },
                    "tooltip": [{"field": "cost", "type": "quantitative", "format": ".4f"}],
                },
            },
            {
                "data": {"values": path},
                "mark": {"type": "line", "color": "#ffffff", "strokeWidth": 2},
                "encoding": {"x": u, "y": v, "order": {"field": "iteration", "type": "quantitative"}},
            },
            {
                "data": {"values": [{"u": piece.point[0], "v": piece.point[1], "iteration": at}]},
                "mark": {"type": "point", "filled": True, "size": 160, "color": "#e8590c", "stroke": "#ffffff"},
                "encoding": {"x": u, "y": v, "tooltip": [{"field": "iteration"}]},
            },
        ],
    }
