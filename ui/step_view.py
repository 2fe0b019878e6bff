"""The Step-through page's logic: one cached run, the step controls, and every view at the current iteration.

Stepping never retrains: the run comes from the process's store (:func:`ui.session_model.shared_run`), its
path from :func:`ui.cache.run_path`, and each view at iteration t is computed exactly from the stored
logits (:mod:`catlr.trajectory`). While playing, the controls and views run in a fragment that reruns on
a timer, so only they are redrawn.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from catlr import colours, landscape, stability, trajectory
from catlr.config import TrainConfig
from catlr.data import Dataset
from catlr.errors import CatlrInputError
from catlr.results import TrainResult
from ui import cache, charts, explain_views, mistakes_view, session_data, session_model, state, step_charts, widgets

RATES = [1e-4, 1e-3, 2e-3, 3e-3, 4e-3, 5e-3, 7e-3, 1e-2, 2e-2, 5e-2, 0.1, 0.3, 1.0]
L2_CHOICES = [0.0, 0.1, 1.0, 10.0]
STEPS = (-100, -10, -1, 1, 10, 100)
SPEEDS = [1, 5, 20, 100]  # iterations per tick while playing
TICK_SECONDS = 0.5
PUSHERS = 8  # images shown pushing each way
MISTAKES_PER_ROW = 8
THUMB_PX = 96
TABS = ["Who moved the weights", "The mistakes", "The loss landscape", "Where the error sits"]
THRESHOLD = 0.5  # a cat when P(cat) > 0.5, as on Mistakes
WEIGHT_PX = 256


def per_tick(speed: int) -> str:
    """How a playing speed reads on its control: ``5 per tick``."""
    return f"{speed} per tick"


@dataclass(frozen=True, eq=False)
class StepRun:
    """A finished run ready to step through (everything read-only, shared through the caches).

    Attributes:
        result: the run. trajectory: its states. path: its thinned path. bound: the 2/L bound at its λ.
        outcome: what its cost curve did (:func:`catlr.stability.classify`).
        weight_limit: the largest |Σ channels of w| of the last state (the weight images' full colour).
        shares: per iteration (n + 1,), the share of the error on the PUSHERS and on the hardest 10 % images.
    """

    result: TrainResult
    trajectory: trajectory.Trajectory
    path: landscape.Path
    bound: stability.Bound
    outcome: str
    weight_limit: float
    shares: dict[str, np.ndarray]

    @property
    def last(self) -> int:
        return self.result.iterations_run


def config_for(iterations: int, rate: float, l2: float) -> TrainConfig:
    """The settings as a :class:`TrainConfig`; a bad value (e.g. from a hand-edited link) is shown and stops."""
    try:
        return TrainConfig(num_iterations=iterations, learning_rate=rate, l2=l2)
    except CatlrInputError as exc:
        st.error(str(exc))
        st.stop()


def run_for(config: TrainConfig) -> StepRun:
    """The run of ``config`` on this user's data, from the store when anyone trained it (else trained once)."""
    active = session_data.active()
    try:
        trajectory.check_size(active.problem)  # before training a run that could not be stepped through
        with st.spinner("Training once; stepping through it will not retrain…"):
            result = session_model.shared_run(config)
        traj = trajectory.from_result(result, active.problem)
    except CatlrInputError as exc:
        st.error(f"{exc}.")
        st.stop()
    path = cache.run_path(active.key, config, traj)
    bound = stability.bound(active.problem, config.l2, cache.top_eigenvalue(active.key, active.problem))
    w_sum = np.asarray(result.w).reshape(-1, 3).sum(axis=1)
    tenth = max(1, traj.m // 10)
    counts = cache.run_shares(active.key, config, traj, (PUSHERS, tenth))
    shares = {f"{PUSHERS} hardest images": counts[PUSHERS], f"hardest 10 % ({tenth})": counts[tenth]}
    outcome = stability.classify(result.history.train_cost)
    return StepRun(result, traj, path, bound, outcome, float(np.abs(w_sum).max()), shares)


def move(by: int, last: int) -> None:
    """A step button's callback: move the current iteration by ``by``, within 0 … last."""
    state.put(state.STEP_AT, int(np.clip(state.get(state.STEP_AT, 0) + by, 0, last)))


def clamp(last: int) -> None:
    """Keep the current iteration within a (possibly shorter) new run; call before its widget is drawn."""
    if state.get(state.STEP_AT, 0) > last:
        state.put(state.STEP_AT, last)


def stepper(run: StepRun, ds: Dataset, playing: bool, speed: int) -> None:
    """The controls and every view, in a fragment that advances ``speed`` iterations a tick while playing."""

    def body() -> None:
        if playing and state.get(state.STEP_AT, 0) < run.last:
            move(speed, run.last)
        at = controls(run)
        views(run, ds, at)

    st.fragment(body, run_every=TICK_SECONDS if playing else None)()


def controls(run: StepRun) -> int:
    """Six step buttons and the iteration box (URL-bound); returns the current iteration."""
    cols = st.columns([1, 1, 1, 1, 1, 1, 3], vertical_alignment="bottom")
    for col, by in zip(cols, STEPS, strict=False):
        col.button(
            f"{by:+d}",
            key=state.item_key(state.PAGE_STEP, "move", by),
            on_click=move,
            args=(by, run.last),
            help=f"{'Forward' if by > 0 else 'Back'} {abs(by)} iteration{'s' if abs(by) > 1 else ''}",
            width="stretch",
        )
    return int(
        cols[-1].number_input(f"Iteration (0–{run.last:,})", 0, run.last, 0, key=state.STEP_AT, bind="query-params")
    )


def views(run: StepRun, ds: Dataset, at: int) -> None:
    """Everything at iteration ``at``: metrics, curves, stability, weights and update; then the pushers, the
    mistakes, the landscape and the error's spread in tabs, of which only the open one runs (and is redrawn
    by a step)."""
    now = run.trajectory.state(at)
    h = run.result.history
    metrics(run, at, now)
    left, right = st.columns([3, 2])
    with left:
        st.markdown("**Cost while training** (the dashed line is the current iteration)")
        spec = step_charts.curves_spec(
            {"train cost": h.train_cost, "test cost": h.test_cost}, at, "cost", [step_charts.TRAIN, step_charts.TEST]
        )
        st.vega_lite_chart(spec, key=state.item_key(state.PAGE_STEP, "curves"))
    with right:
        meter(run)
    weights_and_update(run, ds, at, now)
    who, wrong, land, spread = st.tabs(TABS, key=state.STEP_TAB, on_change="rerun")
    if who.open:
        with who:
            pushers(ds, now)
    if wrong.open:
        with wrong:
            mistakes_at(run, ds, at)
    if land.open:
        with land:
            landscape_view(run, at)
    if spread.open:
        with spread:
            error_concentration(run, at)


def metrics(run: StepRun, at: int, now: trajectory.State) -> None:
    h = run.result.history
    dw, db = now.gradient()
    m = st.columns(5)
    m[0].metric("Iteration", f"{at:,}", help=f"Of {run.last:,}: the state after this many updates.")
    m[1].metric("Train cost", f"{h.train_cost[at]:.6f}")
    m[2].metric("Test cost", "—" if h.test_cost is None else f"{h.test_cost[at]:.6f}")
    m[3].metric("Train accuracy", widgets.pct(h.train_accuracy[at]))
    m[4].metric(
        "Step size ‖lr·dw‖",
        f"{run.result.config.learning_rate * float(np.linalg.norm(dw)):.4g}",
        help=f"The update's length; db = {db:.4g}.",
    )


def meter(run: StepRun) -> None:
    """The stability meter: where this learning rate sits against 2/L, and what the run did."""
    rate, bound = run.result.config.learning_rate, run.bound
    st.markdown("**Stability meter**")
    st.vega_lite_chart(charts.stability_strip(bound, [rate]), key=state.item_key(state.PAGE_STEP, "meter"))
    rise = stability.first_rise(run.result.history.train_cost)
    did = "the cost fell at every step" if rise is None else f"the cost first rose after iteration {rise:,}"
    st.caption(
        f"L = λ_max(X̃ᵀX̃)/(4m){' + λ/m' if bound.l2 else ''} = {bound.lipschitz:.4g}, so 2/L = "
        f"**{bound.safe_rate:.4g}**. This rate is {bound.ratio(rate):.2f} × 2/L: the bound says the cost "
        f"**{bound.predicts(rate)}**; the run **{run.outcome}** ({did})."
    )


def weights_and_update(run: StepRun, ds: Dataset, at: int, now: trajectory.State) -> None:
    """w_t and the update −lr·dw_t as images, blue–white–red as on Inside the model."""
    lr = run.result.config.learning_rate
    dw, _ = now.gradient()
    w_sum = now.w.reshape(-1, 3).sum(axis=1).reshape(ds.num_px, ds.num_px)
    step = (-lr * dw).reshape(-1, 3).sum(axis=1).reshape(ds.num_px, ds.num_px)
    step_limit = float(np.abs(step).max())
    c1, c2, c3 = st.columns([2, 2, 3])
    with c1:
        st.image(
            widgets.upscale(colours.diverging_rgb(w_sum, run.weight_limit), WEIGHT_PX),
            caption=f"Weights after iteration {at:,}",
            alt=f"the weights after iteration {at:,}, channels added: red pushes towards {ds.classes[1]}, "
            f"blue towards {ds.classes[0]}, full colour ±{run.weight_limit:.3g}",
        )
        explain_views.colour_bar(run.weight_limit, *ds.classes)
    with c2:
        st.image(
            widgets.upscale(colours.diverging_rgb(step, step_limit), WEIGHT_PX),
            caption=f"The next update −lr·dw (iteration {at:,} → {at + 1:,})",
            alt=f"the update gradient descent adds to the weights at iteration {at:,}: red makes the pixel count "
            f"more towards {ds.classes[1]}, blue towards {ds.classes[0]}, full colour ±{step_limit:.3g}",
        )
        explain_views.colour_bar(step_limit, *ds.classes)
    c3.markdown(
        "**Who moved the weights.** The update is a weighted sum of the training images: "
        "−lr·dw = (lr/m)·Σ (yᵢ − aᵢ)·xᵢ. A cat the model still doubts (aᵢ < 1) adds its own pixels in red; a "
        "non-cat it half-believes subtracts its pixels. Same colours as the weights; the update is far smaller, "
        f"so it has its own scale (full colour ±{step_limit:.3g}, the weights' is ±{run.weight_limit:.3g})."
    )


def pushers(ds: Dataset, now: trajectory.State) -> None:
    """The eight images pulling hardest towards each class, with their signed amounts yᵢ − aᵢ."""
    push = now.pushes()
    order = np.argsort(push, kind="stable")
    for title, picked in (
        (f"Pushing hardest towards **{ds.classes[1]}** (yᵢ − aᵢ > 0)", order[::-1][:PUSHERS]),
        (f"Pushing hardest towards **{ds.classes[0]}** (yᵢ − aᵢ < 0)", order[:PUSHERS]),
    ):
        st.markdown(title)
        labels = [ds.classes[int(ds.train_set_y[0, i])] for i in picked]
        st.image(  # one element for the row: a step redraws 2 elements here, not 16
            [widgets.upscale(ds.train_set_x_orig[i], THUMB_PX) for i in picked],
            caption=[f"{push[i]:+.3f} · #{i} ({label})" for i, label in zip(picked, labels, strict=True)],
            alt=[
                f"training image {i}, a {label}, pulling the update by {push[i]:+.3f}"
                for i, label in zip(picked, labels, strict=True)
            ],
            width=THUMB_PX,
        )


def misclassified(run: StepRun, ds: Dataset, at: int) -> tuple[pd.DataFrame, int]:
    """The test images wrong after ``at`` updates, exactly as Mistakes lists them at the 0.5 threshold, and how
    many test images changed verdict on the update into ``at`` (0 at the start).

    Returns:
        the mistakes table of :func:`ui.mistakes_view.mistakes` (index, true, predicted, p_cat), ascending;
        the number of test images whose prediction differs between iterations at − 1 and at.
    """
    splits = mistakes_view.splits_shown(ds, include_train=False)
    problem = session_data.active().problem

    def scores(t: int) -> dict[str, np.ndarray]:
        return {"test": session_model.probabilities(run.result, problem, "test", t)}

    now = scores(at)
    flipped = 0 if at == 0 else int(((scores(at - 1)["test"] > THRESHOLD) != (now["test"] > THRESHOLD)).sum())
    return mistakes_view.mistakes(splits, now, THRESHOLD), flipped


def mistakes_at(run: StepRun, ds: Dataset, at: int) -> None:
    """The test images misclassified at iteration ``at``, as thumbnails (one image element a row), and how many
    flipped on the step into it."""
    if run.result.history.test_logits is None or ds.m_test == 0:
        st.info("This dataset has no test images, so there are no mistakes to follow.")
        return
    table, flipped = misclassified(run, ds, at)
    change = (
        "the start: nothing has flipped yet"
        if at == 0
        else (f"{flipped} image{'' if flipped == 1 else 's'} flipped on this step")
    )
    st.markdown(
        f"**{len(table)} of {ds.m_test} test images wrong** after iteration {at:,} (a cat when P(cat) > "
        f"{THRESHOLD:g}, as on Mistakes); {change}."
    )
    if table.empty:
        st.success("No mistakes at this iteration. 🎉")
    rows = [table.iloc[k : k + MISTAKES_PER_ROW] for k in range(0, len(table), MISTAKES_PER_ROW)]
    for row in rows:  # one element a row: a step redraws a few elements, not one per mistake
        picked = [int(i) for i in row["index"]]
        labels = [ds.classes[int(y)] for y in row["true"]]
        p_cat = [float(p) for p in row["p_cat"]]
        st.image(
            [widgets.upscale(ds.test_set_x_orig[i], THUMB_PX) for i in picked],
            caption=[f"#{i} ({label}) · P(cat) {p:.2f}" for i, label, p in zip(picked, labels, p_cat, strict=True)],
            alt=[
                f"test image {i}, a {label}, misclassified with P(cat) = {p:.3f} at iteration {at:,}"
                for i, label, p in zip(picked, labels, p_cat, strict=True)
            ],
            width=THUMB_PX,
        )


def error_concentration(run: StepRun, at: int) -> None:
    """How the total error Σ|aᵢ − yᵢ| concentrates on a few hard images as training goes on."""
    st.markdown("**Where the error sits**: share of Σ|aᵢ − yᵢ| carried by the hardest images")
    spec = step_charts.curves_spec(run.shares, at, "share of the error", [step_charts.TRAIN, step_charts.TEST])
    st.vega_lite_chart(spec, key=state.item_key(state.PAGE_STEP, "shares"))


def landscape_view(run: StepRun, at: int) -> None:
    """The real loss landscape through 0, θ_t and the path's main bend, with the path and θ_t."""
    piece = landscape.cost_slice(run.trajectory, run.path, at)
    if piece is None:
        st.info("The weights never left zero in this run: there is no slice to draw. Train for some iterations.")
        return
    chart, text = st.columns([3, 2])
    chart.vega_lite_chart(step_charts.landscape_spec(piece, at), key=state.item_key(state.PAGE_STEP, "landscape"))
    text.markdown(
        f"**The loss landscape, for real**: the training cost at {landscape.GRID} × {landscape.GRID} points of the "
        "plane through w = 0, the current weights (the orange dot) and the way the path bends most, each cost "
        "computed exactly. The white line is gradient descent's actual path projected onto the plane (at most "
        f"{piece.off_plane.max():.3g} away from it)."
    )
