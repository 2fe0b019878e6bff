"""Charts as hand-written Vega-Lite specs, drawn from thinned series (a few hundred points per line).

st.line_chart builds the same charts through Altair at about 80 ms a call, which a slider rerun with
four charts would feel; a spec costs about 2 ms.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from catlr import stability

CURVE_POINTS = 400  # points kept per line
THRESHOLD_COLOUR = "#e8590c"  # the ROC curve's current-threshold dot: the theme's primary colour
# Cat dark, non-cat light: told apart by lightness, so also in grey and with any colour-vision deficiency
# (tests/ui/test_charts.py simulates three).
CLASS_COLOURS = ("#0068c9", "#83c9ff")  # (class 1, class 0)
INK = "#1f2328"
SAFE, UNSAFE = "#2b8a3e", "#c92a2a"  # the stability strip's zones (also told apart by their legend's words)


def thin(n: int, most: int = CURVE_POINTS) -> np.ndarray:
    """Indices 0..n-1 thinned to at most ``most`` evenly spaced points, always keeping the last."""
    if n <= most:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, most).round().astype(int))


def per_iteration(columns: dict[str, np.ndarray | None]) -> pd.DataFrame:
    """Per-iteration series (index = iteration, thinned for drawing); None columns are left out."""
    present = {name: np.asarray(values) for name, values in columns.items() if values is not None}
    idx = thin(len(next(iter(present.values()))))
    return pd.DataFrame({name: values[idx] for name, values in present.items()}, index=idx).rename_axis("iteration")


def line_chart(
    frame: pd.DataFrame, x_label: str, y_label: str, colors: list[str], height: int = 380, key: str | None = None
) -> None:
    """Draw each column of ``frame`` (index = x) as a line, coloured in column order."""
    series = [str(c) for c in frame.columns]
    long = _long_form(frame, series)
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
                "legend": {"orient": "top", "title": None, "offset": 2, "padding": 0},
            },
            "tooltip": [
                {"field": "series", "type": "nominal"},
                {"field": "x", "type": "quantitative", "title": x_label},
                {"field": "y", "type": "quantitative", "title": y_label, "format": ".6g"},
            ],
        },
    }
    st.vega_lite_chart(long, spec, key=key)


def _long_form(frame: pd.DataFrame, series: list[str]) -> pd.DataFrame:
    """Columns x, series, y: one row per (x, column) where y is a number, column by column.

    The same rows as ``frame.melt(...).dropna()``, built with NumPy: melting and the string column it makes
    were a fifth of the server's time under load; the series are categorical (sent to the browser once).
    """
    values = frame.to_numpy(dtype=np.float64).T  # (k, n)
    keep = ~np.isnan(values)
    x = np.broadcast_to(frame.index.to_numpy(), values.shape)[keep]
    codes = np.broadcast_to(np.arange(len(series))[:, None], values.shape)[keep]
    labels = pd.Categorical.from_codes(codes, categories=series)
    return pd.DataFrame({"x": x, "series": labels, "y": values[keep]})


def roc_spec(fpr: np.ndarray, tpr: np.ndarray, point: tuple[float, float], height: int = 260) -> dict:
    """A Vega-Lite spec of a ROC curve (steps through (fpr, tpr)) with a dot at ``point`` = (fpr, tpr)."""
    axes = {
        "x": {"field": "fpr", "type": "quantitative", "title": "false-positive rate"},
        "y": {"field": "tpr", "type": "quantitative", "title": "true-positive rate"},
    }
    return {
        "height": height,
        "layer": [
            {
                "data": {"values": [{"fpr": float(a), "tpr": float(b)} for a, b in zip(fpr, tpr, strict=True)]},
                "mark": {"type": "line", "interpolate": "step-after"},
                "encoding": axes,
            },
            {
                "data": {"values": [{"fpr": float(point[0]), "tpr": float(point[1])}]},
                "mark": {"type": "point", "filled": True, "size": 120, "color": THRESHOLD_COLOUR},
                "encoding": axes,
            },
        ],
    }


def stability_strip(bound: stability.Bound, rates: list[float]) -> dict:
    """A log-scale strip: the safe rates (≤ 2/L), the rates that may oscillate (> 2/L), and a tick at each of
    ``rates``, labelled (``lr = r`` for one rate; for several, the labels alternate above and below the strip so
    neighbours do not overlap). Step through's stability meter and Train's learning-rate comparison draw it."""
    low, high = min(*rates, bound.safe_rate) / 30, max(*rates, bound.safe_rate) * 30
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
        "scale": {"range": [SAFE, UNSAFE]},
    }
    ordered = sorted(rates)
    ticks = [{"from": r, "row": "rates", "label": f"lr = {r:g}" if len(rates) == 1 else f"{r:g}"} for r in ordered]
    text = {"type": "text", "dx": 6, "align": "left", "color": INK, "fontWeight": "bold"}
    labels = (
        [{"data": {"values": ticks}, "mark": text, "encoding": {"x": x, "y": y, "text": {"field": "label"}}}]
        if len(ticks) == 1
        else [
            {
                "data": {"values": ticks[first::2]},
                "mark": {**text, "dx": 0, "align": "center", "dy": dy},
                "encoding": {"x": x, "y": y, "text": {"field": "label"}},
            }
            for first, dy in ((0, -16), (1, 16))
            if ticks[first::2]
        ]
    )
    return {
        "height": {"step": 48 if len(ticks) == 1 else 64},
        "layer": [
            {
                "data": {"values": zones},
                "mark": {"type": "bar", "opacity": 0.35},
                "encoding": {"x": x, "x2": {"field": "to"}, "y": y, "color": colour},
            },
            {
                "data": {"values": ticks},
                "mark": {"type": "tick", "color": INK, "thickness": 3},
                "encoding": {"x": x, "y": y},
            },
            *labels,
        ],
    }
