"""The handout's pages, drawn on A4 ``matplotlib.figure.Figure`` objects (never pyplot): see :mod:`catlr.report`.

Page 1: the settings, the results with their yardsticks, the cost and accuracy curves. Page 2: the test
images the model gets wrong, and the weights as images. Page 3: the learning-rate comparison. Every
position is a fraction of the page, measured from its bottom-left corner. The page's own text is drawn
first (zorder −1, below the plots, which it never overlaps), so it comes first when the PDF is read aloud.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from catlr import colours, explain
from catlr.data import Dataset
from catlr.results import TrainResult

A4 = (8.27, 11.69)  # inches, portrait
LEFT, WIDTH = 0.09, 0.84  # the text column and the plots
LINE = 13.0 / (A4[1] * 72)  # one 9 pt line with its leading, as a fraction of the page's height
WRAP = 102  # characters per line of 9 pt text across the column
TRAIN = {"color": "#c2410c", "linestyle": "-", "marker": "o", "markerfacecolor": "#c2410c"}
TEST = {"color": "#1c5fa8", "linestyle": (0, (5, 2.5)), "marker": "s", "markerfacecolor": "white"}
STYLES = ["-", (0, (5, 2.5)), (0, (1, 1.5)), (0, (6, 2, 1, 2))]  # solid, dashed, dotted, dash-dot
MARKERS = ["o", "s", "^", "D", "v", "x", "+", "*"]
SWEEP_COLOURS = ["#c2410c", "#1c5fa8", "#2b8a3e", "#862e9c", "#495057", "#c2255c", "#0b7285", "#5c940d"]
GRID_COLUMNS = 5
# Every iteration is drawn (at most 10,001 points a line, vector paths): thinning to evenly spaced points
# kept only one phase of the early period-2 oscillation of the cost, so the printed curve looked smooth.
CURVE_POINTS = 10_001


def _page(title: str) -> tuple[Figure, float]:
    """A blank A4 page with its title; returns the page and the height below the title."""
    fig = Figure(figsize=A4)
    fig.text(LEFT, 0.955, title, fontsize=14, weight="bold", va="top", zorder=-1)
    return fig, 0.92


def _text(fig: Figure, lines: Sequence[str], top: float, size: float = 9, **style) -> float:
    """Paragraphs wrapped to the column, from ``top`` down; returns the height below them."""
    y = top
    for paragraph in lines:
        for line in textwrap.wrap(paragraph, int(WRAP * 9 / size)) or [""]:
            fig.text(LEFT, y, line, fontsize=size, va="top", zorder=-1, **style)
            y -= LINE * size / 9
        y -= LINE * 0.35
    return y


def _thin(n: int, most: int = CURVE_POINTS) -> np.ndarray:
    """Indices 0..n-1 thinned to at most ``most`` evenly spaced points, keeping the first and the last."""
    return np.arange(n) if n <= most else np.unique(np.linspace(0, n - 1, most).round().astype(int))


def _curve(ax, values: np.ndarray, label: str, style: dict) -> None:
    """One per-iteration series (index = iteration), thinned, with a dozen markers along it."""
    idx = _thin(len(values))
    ax.plot(idx, np.asarray(values)[idx], label=label, linewidth=1.4, markersize=4.5,
            markevery=max(1, len(idx) // 12), **style)  # fmt: skip


def _curves_axes(fig: Figure, rect: tuple, title: str, ylabel: str, series: list[tuple[str, np.ndarray, dict]]):
    ax = fig.add_axes(rect)
    for label, values, style in series:
        if values is not None:
            _curve(ax, values, label, style)
    ax.set_title(title, loc="left")
    ax.set_xlabel("iteration (gradient-descent updates)")
    ax.set_ylabel(ylabel)
    ax.grid(True, color="#d0d0d0", linewidth=0.5)
    ax.legend(loc="best", frameon=False)
    if len(series[0][1]) == 1:
        ax.text(0.5, 0.5, "one state only: no training history", transform=ax.transAxes, ha="center")
    return ax


def model_page(summary, result: TrainResult) -> Figure:
    """Page 1: settings, results with the baseline and interval, the cost and accuracy curves."""
    fig, top = _page(summary.title)
    y = _text(fig, summary.settings, top)
    fig.text(LEFT, y - LINE * 0.3, "Results", fontsize=11, weight="bold", va="top", zorder=-1)
    y = _text(fig, summary.results, y - LINE * 1.7)
    h = result.history
    room = y - 0.06 - 0.05  # two plots and the gap between them
    height = (room - 0.08) / 2
    _curves_axes(
        fig,
        (LEFT + 0.03, 0.05 + height + 0.085, WIDTH - 0.03, height),
        "Cost per iteration (mean cross-entropy, lower is better)",
        "cost",
        [("train cost (solid, dots)", h.train_cost, TRAIN), ("test cost (dashed, squares)", h.test_cost, TEST)],
    )
    _curves_axes(
        fig,
        (LEFT + 0.03, 0.05, WIDTH - 0.03, height),
        "Accuracy per iteration (share of images labelled right)",
        "accuracy (%)",
        [
            ("train accuracy (solid, dots)", h.train_accuracy, TRAIN),
            ("test accuracy (dashed, squares)", h.test_accuracy, TEST),
        ],
    )
    return fig


def _mistake_grid(fig: Figure, summary, dataset: Dataset, top: float, bottom: float, most: int) -> None:
    """The misclassified test images, GRID_COLUMNS to a row, each captioned in words."""
    shown = summary.mistakes[:most]
    rows = max(1, math.ceil(len(shown) / GRID_COLUMNS))
    cell_h = (top - bottom) / rows
    cell_w = WIDTH / GRID_COLUMNS
    size = min(cell_w * A4[0] * 0.7, (cell_h - 0.05) * A4[1])  # inches: room for three caption lines
    names = summary.classes
    for k, m in enumerate(shown):
        r, c = divmod(k, GRID_COLUMNS)
        x = LEFT + c * cell_w + (cell_w - size / A4[0]) / 2
        y = top - r * cell_h - size / A4[1]
        ax = fig.add_axes((x, y, size / A4[0], size / A4[1]))
        caption = f"test #{m.index}: {names[m.true]}\nsaid {names[m.said]}\nP(cat) {m.p_cat:.2f}"
        _image(ax, dataset.test_set_x_orig[m.index], caption)


def _image(ax, image: np.ndarray, caption: str, size: float = 8) -> None:
    """An (n, n, 3) uint8 image in ``ax``, framed in thin grey, with a caption under it."""
    ax.imshow(image)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_linewidth(0.5)
        spine.set_color("#808080")
    ax.set_xlabel(caption, fontsize=size)


def _grey(part: np.ndarray, limit: float) -> np.ndarray:
    """(n, n) values ≥ 0 as an (n, n, 3) uint8 grey image: white at 0, black at ``limit``."""
    level = 1.0 - (np.zeros_like(part) if limit == 0 else np.clip(part / limit, 0.0, 1.0))
    return np.repeat(np.rint(255 * level).astype(np.uint8)[..., None], 3, axis=2)


def _weights(fig: Figure, summary, result: TrainResult, top: float) -> None:
    """The weights summed over the colour channels: in blue-white-red, and as one grey map per sign."""
    total = colours.weights_image(result.w, summary.num_px).sum(axis=2)  # (n, n)
    limit = float(np.max(np.abs(total))) if total.size else 0.0
    cat, other = summary.classes[1], summary.classes[0]
    panels = [
        (colours.diverging_rgb(total, limit), f"red pushes towards {cat},\nblue towards {other}"),
        (_grey(np.maximum(total, 0), limit), f"pushes towards {cat}\n(darker = stronger)"),
        (_grey(np.maximum(-total, 0), limit), f"pushes towards {other}\n(darker = stronger)"),
    ]
    side = 0.22 * A4[0] / A4[1]  # square panels 22 % of the page wide
    for k, (image, caption) in enumerate(panels):
        ax = fig.add_axes((LEFT + k * 0.29, top - side, 0.22, side))
        _image(ax, image, caption)
    bar = fig.add_axes((LEFT, top - side - 0.062, 0.22, 0.008))
    bar.imshow(colours.diverging_rgb(np.linspace(-1.0, 1.0, 101), 1.0)[None], aspect="auto")
    bar.set_yticks([])
    bar.set_xticks([0, 50, 100], [f"−{limit:.3g}\n{other}", "0", f"+{limit:.3g}\n{cat}"], fontsize=7)


def mistakes_page(summary, dataset: Dataset, result: TrainResult, most: int) -> Figure:
    """Page 2: the test images the model gets wrong, and the weights as images."""
    fig, top = _page("What the model gets wrong, and what it looks at")
    n = len(summary.mistakes)
    shown = "" if n <= most else f" The first {most} are shown."
    intro = (
        f"Test images the model gets wrong: {n} of {dataset.m_test}, calling an image a cat when P(cat) > 0.5."
        f" Under each: its true label, what the model said, and P(cat).{shown}"
    )
    y = _text(fig, [intro], top)
    if n:
        _mistake_grid(fig, summary, dataset, y - 0.01, 0.47, most)
    else:
        fig.text(LEFT, y - 0.02, "No test image is misclassified.", fontsize=9, va="top", zorder=-1)
    fig.text(LEFT, 0.43, "The weights as an image", fontsize=11, weight="bold", va="top", zorder=-1)
    words = (
        "Each pixel shows its three weights (red, green, blue) added up: where a picture is bright, a red (left) "
        "or dark (middle) pixel raises P(cat); a blue (left) or dark (right) pixel lowers it. The three share one "
        "scale, shown by the bar under the left image."
    )
    _text(fig, [words], 0.405)
    _weights(fig, summary, result, 0.33)
    return fig


def _comparison_table(fig: Figure, comparison: Sequence[TrainResult], kinds: list[str], top: float) -> float:
    """One row per rate: the rate, how its curve reads, the accuracies, the final cost; returns its bottom."""
    height = 0.022 * (len(comparison) + 1)
    ax = fig.add_axes((LEFT, top - height, WIDTH, height))
    ax.axis("off")
    cells = [
        [
            f"{r.config.learning_rate:g}",
            kind,
            f"{r.train_accuracy:.2f} %",
            "none" if r.test_accuracy is None else f"{r.test_accuracy:.2f} %",
            f"{r.final_cost:.6f}",
        ]
        for r, kind in zip(comparison, kinds, strict=True)
    ]
    columns = ["learning rate", "reading of the curve", "train accuracy", "test accuracy", "final cost"]
    table = ax.table(
        cells, colLabels=columns, bbox=(0, 0, 1, 1), cellLoc="left", colWidths=[0.17, 0.25, 0.2, 0.19, 0.19]
    )
    table.auto_set_font_size(False)
    table.set_fontsize(9)
    for cell in table.get_celld().values():
        cell.set_edgecolor("#808080")
        cell.set_linewidth(0.5)
    return top - height


def comparison_page(comparison: Sequence[TrainResult] | str) -> Figure:
    """Page 3: the learning-rate comparison (train cost per iteration, a table, a reading of each curve)."""
    fig, top = _page("Learning rates compared")
    if isinstance(comparison, str):
        _text(fig, [f"No learning-rate comparison: {comparison}"], top)
        return fig
    first = comparison[0].config
    l2 = "no L2 penalty" if first.l2 == 0 else f"L2 penalty λ = {first.l2:g}"
    y = _text(fig, [f"Each rate trained {first.num_iterations:,} iterations from w = 0, {l2}, side by side."], top)
    series = []
    for k, r in enumerate(comparison):
        style = {"color": SWEEP_COLOURS[k % 8], "linestyle": STYLES[k % 4], "marker": MARKERS[k % 8]}
        series.append((f"learning rate {r.config.learning_rate:g}", r.history.train_cost, style))
    _curves_axes(fig, (LEFT + 0.03, y - 0.36, WIDTH - 0.03, 0.33), "Training cost per iteration", "cost", series)
    diagnoses = [explain.diagnose_curve(r.history.train_cost) for r in comparison]
    bottom = _comparison_table(fig, comparison, [d.kind for d in diagnoses], y - 0.43)
    rates = [r.config.learning_rate for r in comparison]
    _text(
        fig,
        [f"Learning rate {lr:g} ({d.kind}): {d.sentence}" for lr, d in zip(rates, diagnoses, strict=True)],
        bottom - 0.02,
    )
    return fig
