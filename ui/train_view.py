"""The Train page's logic and blocks: the train / stop / resume states, the comparison, the metrics and tabs."""

from __future__ import annotations

import functools
import time

import pandas as pd
import streamlit as st

from catlr import explain, metrics, persistence, stability
from catlr.config import COMPARISON_ITERATIONS, COMPARISON_RATES, TrainConfig
from catlr.data import Dataset
from catlr.errors import CatlrInputError
from catlr.results import History, Progress, TrainResult
from ui import cache, charts, session_data, session_model, state, widgets

# Train is the theme's orange, test blue; overlays and sweeps take the rest in order.
PALETTE = ["#e8590c", "#1c7ed6", "#2b8a3e", "#862e9c", "#c2255c", "#5c940d", "#0b7285", "#e67700", "#495057"]
LIVE_EVERY_SECONDS = 0.25  # runs shorter than this are drawn once, at the end, instead of flickering


def cost_frame(history: History) -> pd.DataFrame:
    """Train and test cost per iteration (thinned for drawing)."""
    return charts.per_iteration({"train cost": history.train_cost, "test cost": history.test_cost})


class LiveDrawing:
    """A training callback that redraws the progress bar and cost curves into ``slot``.

    It redraws at most every ``every`` seconds, so only runs long enough to watch are drawn live, and
    then offers a Stop button in ``stop_slot``. A class rather than a closure in the page: a function
    defined in a page keeps the page's globals (the model, the dataset) in a reference cycle that
    outlives the session (tests/app/test_sessions_and_faults.py).
    """

    def __init__(self, slot, stop_slot, every: float = LIVE_EVERY_SECONDS) -> None:
        self.slot, self.stop_slot, self.every = slot, stop_slot, every
        self.drawn_at, self.times = time.perf_counter(), 0

    def __call__(self, progress: Progress) -> None:
        if time.perf_counter() - self.drawn_at <= self.every:
            return
        if not self.times:  # long enough to watch, so long enough to want to stop
            self.stop_slot.button("Stop training", key=state.TRAIN_STOP, icon="⏹️")
        with self.slot.container():
            st.progress(
                progress.iteration / max(progress.num_iterations, 1),
                text=f"Iteration {progress.iteration:,} of {progress.num_iterations:,}",
            )
            charts.line_chart(cost_frame(progress.history), "iteration", "cost", PALETTE, height=300)
        self.drawn_at, self.times = time.perf_counter(), self.times + 1


def model_for(config: TrainConfig) -> TrainResult | None:
    """The model to show for the sliders' ``config``: trained now (drawn live when long), or kept.

    States: a model trained for these settings is shown as it is; otherwise the settings are trained,
    unless the user stopped a run of exactly these settings, in which case the previous model stays
    and a button offers to train them. A failed run keeps the previous model. Returns None when there
    is no model to show (nothing trained yet and the run was stopped or failed).
    """
    if state.get(state.TRAIN_STOP):  # pressed during the last run, which it interrupted
        state.put(state.STOPPED_FOR, config)
    live, stop_slot = st.empty(), st.empty()
    result = session_model.current()
    if result is not None and state.get(state.TRAINED_FOR) == config:
        return result
    if state.get(state.STOPPED_FOR) == config and not state.get(state.TRAIN_RESUME):
        kept = "No model was trained yet." if result is None else "The model below is still the previous one."
        with live.container():
            st.info(f"Training stopped before it finished; nothing was kept from it. {kept}", icon="⏹️")
            st.button(
                f"Train {config.num_iterations:,} iterations at learning rate {config.learning_rate:g}",
                key=state.TRAIN_RESUME,
            )
        return result
    state.drop(state.STOPPED_FOR)
    try:
        result = session_model.train(
            config, callback=LiveDrawing(live, stop_slot), progress_every=max(250, config.num_iterations // 40)
        )
    except CatlrInputError as exc:
        st.error(f"{exc}. The previous model is kept.")
        result = session_model.current()
    live.empty()
    stop_slot.empty()
    return result


def metrics_row(result: TrainResult, config: TrainConfig) -> None:
    """Train and test accuracy (with the change from the previous model), final cost, training time."""
    previous = state.get(state.PREVIOUS_MODEL)
    # A row that wraps instead of stacking: on a phone (compact type, ui/router.py) the four stay on one line.
    row = st.container(horizontal=True, gap="small")
    accuracies = others = row
    for label, value, before in (
        ("Train accuracy", result.train_accuracy, None if previous is None else previous.train_accuracy),
        ("Test accuracy", result.test_accuracy, None if previous is None else previous.test_accuracy),
    ):
        accuracies.metric(label, widgets.pct(value), None if before is None else f"{value - before:+.2f} pp")
    others.metric("Final cost", f"{result.final_cost:.6f}")
    solver = result.solver or "loaded"
    others.metric("Training time", f"{result.seconds * 1000:.0f} ms", help=f"Solver: {solver}", delta_color="off")
    if result.loaded:
        st.caption(
            f"Showing a loaded model (trained with {result.config.num_iterations} iterations, learning rate "
            f"{result.config.learning_rate:g}). Move a slider to train a new one."
        )
    elif result.config != config:
        shown = result.config
        st.caption(f"Showing the previous model ({shown.num_iterations} iterations, lr {shown.learning_rate:g}).")


def how_good(result: TrainResult, ds: Dataset) -> None:
    """The test accuracy's 95 % Wilson interval and the honest baseline, in an expander."""
    if result.test_accuracy is None:
        return
    baseline = metrics.majority_baseline(ds.train_set_y, ds.test_set_y, ds.classes)
    correct = round(result.test_accuracy / 100 * ds.m_test)
    low, high = metrics.wilson_interval(correct, ds.m_test)
    with st.expander(
        f"How good is {widgets.pct(result.test_accuracy)}? 95 % interval {100 * low:.0f}–{100 * high:.0f} %; "
        f'guessing "{baseline.name}" scores {100 * baseline.test_accuracy:.0f} %',
    ):
        st.markdown(
            f"- **Uncertainty.** {correct} of {ds.m_test} test images right. With so few images the 95 % Wilson "
            f"interval for the true accuracy is **{100 * low:.1f} % – {100 * high:.1f} %**: differences of a few "
            "points between runs are noise.\n"
            f"- **Baseline.** {baseline.sentence}\n"
            f"- **Ceiling for guessing.** {baseline.best_sentence}"
        )


def cost_tab(result: TrainResult) -> None:
    """Train and test cost per iteration, with earlier runs overlaid on request."""
    frame = cost_frame(result.history)
    records = session_model.runs()
    # Only when there is something to overlay: an empty multiselect is drawn disabled, in grey text that
    # fails the contrast check (2.6:1).
    earlier = [r.label for r in records[:-1]]
    overlay = []
    if earlier:
        overlay = st.multiselect("Overlay earlier runs (train cost)", earlier, key=state.TRAIN_OVERLAY_RUNS)
    for record in records:
        if record.label in overlay:
            curve = pd.Series(record.curve_train_cost, index=record.curve_iterations, name=record.label)
            frame = frame.join(curve, how="outer")
    charts.line_chart(frame.interpolate(limit_area="inside"), "iteration", "cost", PALETTE * 6, height=240)
    st.caption(
        "The cost is the mean cross-entropy −[y·log a + (1−y)·log(1−a)], computed from the logits so it stays "
        "finite at any learning rate. Train cost keeps falling; test cost turning up is overfitting. Early on, "
        "the step is so large that the test cost jumps up and down at every iteration — the exercise's curve, "
        "sampled every 100 iterations, hides that."
    )


def accuracy_tab(result: TrainResult) -> None:
    """Train and test accuracy per iteration."""
    history = result.history
    frame = charts.per_iteration({"train accuracy": history.train_accuracy, "test accuracy": history.test_accuracy})
    charts.line_chart(frame, "iteration", "accuracy (%)", PALETTE)
    st.caption(
        "With 12,288 weights and 209 images the model can memorise the training set: train accuracy climbs to "
        "~100 % while test accuracy stalls around 70 %."
    )


def bound(l2: float) -> stability.Bound:
    """The 2/L bound of this user's data at penalty ``l2`` (λ_max computed once per dataset)."""
    active = session_data.active()
    return stability.bound(active.problem, l2, cache.top_eigenvalue(active.key, active.problem))


def rate_texts() -> tuple[str, str]:
    """The learning-rate control's label and help, with where guaranteed descent ends (2/L at the current λ): in
    the label's own line, so it costs no room above the cost curve on a phone or a projector."""
    safe = bound(float(state.get(state.TRAIN_L2) or 0.0)).safe_rate
    label = f"Learning rate (steady up to {safe:.2g})"
    help_text = (
        f"Step size α (log scale). Up to 2/L = {safe:.3g} the cost falls at every step (L: the largest curvature "
        "of the cost); above it the cost may oscillate or diverge — the Learning rates tab shows where each rate "
        "falls."
    )
    return label, help_text


def comparison(rates: list[float], iterations: int) -> list[TrainResult] | None:
    """The learning-rate comparison for these settings: kept from the last call, else trained now.

    Shows the error and returns None when the settings cannot be trained.
    """
    key = (tuple(sorted(rates, reverse=True)), int(iterations))
    cached = state.get(state.SWEEP)
    if cached is not None and cached[0] == key:
        return cached[1]
    try:
        results = session_model.sweep(list(key[0]), key[1])
    except CatlrInputError as exc:
        st.error(str(exc))
        return None
    state.put(state.SWEEP, (key, results))
    return results


def comparison_block(results: list[TrainResult]) -> None:
    """Where the compared rates sit against 2/L, their cost curves, a table, and each curve's diagnosis."""
    limit = bound(results[0].config.l2)
    rates = [r.config.learning_rate for r in results]
    above = [f"{r:g}" for r in sorted(rates) if r > limit.safe_rate]
    verb = "lies" if len(above) == 1 else "lie"
    where = (
        f"{', '.join(above)} {verb} above it, where the cost may oscillate or diverge"
        if above
        else ("every compared rate lies at or below it")
    )
    st.markdown(f"**Against the bound**: 2/L = {limit.safe_rate:.3g}; {where}.")
    st.vega_lite_chart(charts.stability_strip(limit, rates))
    curves = charts.per_iteration({f"lr = {r.config.learning_rate:g}": r.history.train_cost for r in results})
    charts.line_chart(curves, "iteration", "train cost", PALETTE * 2)
    diagnoses = [explain.diagnose_curve(r.history.train_cost) for r in results]
    table = pd.DataFrame(
        {
            "learning rate": [f"{r.config.learning_rate:g}" for r in results],
            "diagnosis": [d.kind for d in diagnoses],
            "2/L bound predicted": [limit.predicts(r.config.learning_rate) for r in results],
            "the curve did": [stability.classify(r.history.train_cost) for r in results],
            "train accuracy": [widgets.pct(r.train_accuracy) for r in results],
            "test accuracy": [widgets.pct(r.test_accuracy) for r in results],
            "final cost": [f"{r.final_cost:.6f}" for r in results],
        }
    )
    st.dataframe(table, hide_index=True)
    for r, d in zip(results, diagnoses, strict=True):
        st.markdown(f"**lr = {r.config.learning_rate:g} — {d.kind}.** {d.sentence}")
    st.caption(
        f"All rates train side by side in one batched pass of the engine. 2/L = {limit.safe_rate:.3g}: below it "
        "the cost is guaranteed to fall at every step; above it the bound promises nothing."
    )


def handout_pdf(ds: Dataset, result: TrainResult, make_comparison) -> bytes:
    """The handout of ``result``: called when the button is clicked, off the script thread (no Streamlit here)."""
    from catlr import report  # matplotlib is loaded only when someone asks for a handout

    try:
        comparison = make_comparison()
    except CatlrInputError as exc:  # e.g. a rate that diverges: the comparison page says so
        comparison = str(exc)
    return report.handout(ds, result, comparison)


def handout_button(slot, result: TrainResult, ds: Dataset) -> None:
    """The "Download a handout (PDF)" button: the current model, with the Learning rates tab's comparison."""
    rates = sorted(state.get(state.TRAIN_SWEEP_RATES) or COMPARISON_RATES, reverse=True)  # as comparison() keys it
    iterations = int(state.get(state.TRAIN_SWEEP_ITERATIONS) or COMPARISON_ITERATIONS)
    slot.download_button(
        "Download a handout (PDF)",
        functools.partial(handout_pdf, ds, result, session_model.sweep_later(rates, iterations)),
        "catlr-handout.pdf",
        "application/pdf",
        key=state.TRAIN_DOWNLOAD_HANDOUT,
        help="Two or three printable pages: the settings, the curves, the accuracy with its baseline and interval, "
        "the mistakes, the weights and the learning-rate comparison.",
    )


def history_tab(result: TrainResult, ds: Dataset, config: TrainConfig) -> None:
    """The run history with its CSV, the model download, and loading a saved model."""
    table = session_model.runs_table(session_model.runs())
    st.dataframe(table, hide_index=True)
    d1, d2, d3 = st.columns(3)
    # Deferred: the file is made when the button is clicked, not on every rerun (and no stale media URL is
    # left behind for the browser to fetch when a rerun replaces the model).
    d1.download_button(
        "Download the history (CSV)",
        functools.partial(table.to_csv, index=False),
        "catlr-history.csv",
        "text/csv",
        key=state.TRAIN_DOWNLOAD_CSV,
    )
    saved = persistence.SavedModel.from_result(result, num_px=ds.num_px)
    d2.download_button(
        "Download the model (.npz)",
        functools.partial(persistence.model_to_bytes, saved),
        "catlr-model.npz",
        "application/octet-stream",
        key=state.TRAIN_DOWNLOAD_MODEL,
    )
    handout_button(d3, result, ds)
    st.divider()
    upload = st.file_uploader("Load a saved model (.npz)", key=state.TRAIN_MODEL_FILE)
    if upload is not None and st.button("Use this model", key=state.TRAIN_USE_MODEL):
        try:
            session_model.load(upload.getvalue(), upload.name, config)
        except CatlrInputError as exc:
            st.error(str(exc), icon="🚫")
        else:
            st.rerun()
