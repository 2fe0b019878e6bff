"""Train: hyper-parameter sliders over the NumPy core, live cost curves, comparisons and the run history."""

import pandas as pd
import streamlit as st

from catlr import explain, persistence
from catlr.config import TrainConfig
from catlr.errors import CatlrInputError
from ui import data, model, state, widgets

LEARNING_RATES = [1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 2e-3, 3e-3, 5e-3, 7e-3, 1e-2, 2e-2, 5e-2, 0.1, 0.3, 1.0]
L2_CHOICES = [0.0, 0.01, 0.1, 1.0, 5.0, 10.0, 50.0, 100.0]
SWEEP_CHOICES = [1.0, 0.1, 0.05, 0.01, 0.005, 0.001, 0.0005, 0.0001, 1e-5]
# Train is the theme's orange, test blue; overlays and sweeps take the rest in order.
PALETTE = ["#e8590c", "#1c7ed6", "#2b8a3e", "#862e9c", "#c2255c", "#5c940d", "#0b7285", "#e67700", "#495057"]


widgets.header(
    "📉 Train",
    "Batch gradient descent on the cross-entropy cost, from w = 0. Move a slider and the model retrains at once.",
)
ds = data.require()

c1, c2, c3 = st.columns([3, 3, 2])
iterations = c1.slider(
    "Iterations",
    0,
    10_000,
    model.DEFAULT_CONFIG.num_iterations,
    step=50,
    key=state.TRAIN_ITERATIONS,
    bind="query-params",
    help="Number of gradient-descent steps (0 = the untrained model).",
)
learning_rate = c2.select_slider(
    "Learning rate",
    LEARNING_RATES,
    value=model.DEFAULT_CONFIG.learning_rate,
    format_func=widgets.number,
    key=state.TRAIN_LR,
    bind="query-params",
    help="Step size α (log scale).",
)
l2 = c3.select_slider(
    "L2 penalty λ",
    L2_CHOICES,
    value=0.0,
    format_func=widgets.number,
    key=state.TRAIN_L2,
    bind="query-params",
    help="Adds λ/(2m)·‖w‖² to the cost; 0 is the exercise.",
)

try:
    config = TrainConfig(num_iterations=iterations, learning_rate=learning_rate, l2=l2)
except CatlrInputError as exc:
    st.error(str(exc))
    st.stop()

if st.session_state.get(state.TRAIN_STOP):  # pressed during the last run, which it interrupted
    state.put(state.STOPPED_FOR, config)
live, stop_slot = st.empty(), st.empty()
result = model.current()
if result is None or state.get(state.TRAINED_FOR) != config:
    if state.get(state.STOPPED_FOR) == config and not st.session_state.get(state.TRAIN_RESUME):
        kept = "No model was trained yet." if result is None else "The model below is still the previous one."
        with live.container():
            st.info(f"Training stopped before it finished; nothing was kept from it. {kept}", icon="⏹️")
            st.button(
                f"Train {config.num_iterations:,} iterations at learning rate {config.learning_rate:g}",
                key=state.TRAIN_RESUME,
            )
        if result is None:
            st.stop()
    else:
        state.drop(state.STOPPED_FOR)
        try:
            result = model.train(
                config,
                callback=model.LiveDrawing(live, stop_slot, PALETTE),
                progress_every=max(250, config.num_iterations // 40),
            )
        except CatlrInputError as exc:
            st.error(f"{exc}. The previous model is kept.")
            result = model.current()
            if result is None:
                st.stop()
        live.empty()
        stop_slot.empty()

previous = state.get(state.PREVIOUS_MODEL)
m1, m2, m3, m4 = st.columns(4)
m1.metric(
    "Train accuracy",
    widgets.pct(result.train_accuracy),
    None if previous is None else f"{result.train_accuracy - previous.train_accuracy:+.2f} pp",
)
m2.metric(
    "Test accuracy",
    widgets.pct(result.test_accuracy),
    None if previous is None else f"{result.test_accuracy - previous.test_accuracy:+.2f} pp",
)
m3.metric("Final cost", f"{result.final_cost:.6f}")
m4.metric("Training time", f"{result.seconds * 1000:.0f} ms", help=f"Engine: {result.engine}", delta_color="off")
if result.engine == "loaded":
    st.caption(
        f"Showing a loaded model (trained with {result.config.num_iterations} iterations, learning rate "
        f"{result.config.learning_rate:g}). Move a slider to train a new one."
    )
elif result.config != config:
    st.caption(
        f"Showing the previous model ({result.config.num_iterations} iterations, lr {result.config.learning_rate:g})."
    )

if result.test_accuracy is not None:
    baseline = explain.majority_baseline(ds.train_set_y, ds.test_set_y, ds.classes)
    correct = round(result.test_accuracy / 100 * ds.m_test)
    low, high = explain.wilson_interval(correct, ds.m_test)
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

cost_tab, acc_tab, lr_tab, history_tab = st.tabs(["Cost", "Accuracy", "Learning rates", "History"])

with cost_tab:
    frame = model.cost_frame(result.history)
    overlay = st.multiselect(
        "Overlay earlier runs (train cost)",
        [r.label for r in model.runs()[:-1]],
        key=state.OVERLAY_RUNS,
    )
    for record in model.runs():
        if record.label in overlay:
            curve = pd.Series(record.curve_train_cost, index=record.curve_iterations, name=record.label)
            frame = frame.join(curve, how="outer")
    widgets.line_chart(frame.interpolate(limit_area="inside"), "iteration", "cost", PALETTE * 6)
    st.caption(
        "The cost is the mean cross-entropy −[y·log a + (1−y)·log(1−a)], computed from the logits so it stays "
        "finite at any learning rate. Train cost keeps falling; test cost turning up is overfitting. Early on, "
        "the step is so large that the test cost jumps up and down at every iteration — the exercise's curve, "
        "sampled every 100 iterations, hides that."
    )

with acc_tab:
    acc = model.per_iteration(
        {"train accuracy": result.history.train_accuracy, "test accuracy": result.history.test_accuracy}
    )
    widgets.line_chart(acc, "iteration", "accuracy (%)", PALETTE)
    st.caption(
        "With 12,288 weights and 209 images the model can memorise the training set: train accuracy climbs to "
        "~100 % while test accuracy stalls around 70 %."
    )

with lr_tab:
    s1, s2 = st.columns([3, 1])
    rates = s1.multiselect(
        "Learning rates to compare",
        SWEEP_CHOICES,
        default=[0.01, 0.001, 0.0001],
        format_func=widgets.number,
        key=state.SWEEP_RATES,
        bind="query-params",
    )
    sweep_iterations = s2.number_input(
        "Iterations",
        1,
        10_000,
        1500,
        step=100,
        key=state.SWEEP_ITERATIONS,
        bind="query-params",
    )
    if rates:
        key = (tuple(sorted(rates, reverse=True)), int(sweep_iterations))
        cached = state.get(state.SWEEP)
        if cached is None or cached[0] != key:
            try:
                cached = (key, model.sweep(list(key[0]), key[1]))
            except CatlrInputError as exc:
                st.error(str(exc))
                cached = None
            else:
                state.put(state.SWEEP, cached)
        if cached is not None:
            _, results = cached
            curves = model.per_iteration({f"lr = {r.config.learning_rate:g}": r.history.train_cost for r in results})
            widgets.line_chart(curves, "iteration", "train cost", PALETTE * 2)
            diagnoses = [explain.diagnose_curve(r.history.train_cost) for r in results]
            st.dataframe(
                pd.DataFrame(
                    {
                        "learning rate": [f"{r.config.learning_rate:g}" for r in results],
                        "diagnosis": [d.kind for d in diagnoses],
                        "train accuracy": [widgets.pct(r.train_accuracy) for r in results],
                        "test accuracy": [widgets.pct(r.test_accuracy) for r in results],
                        "final cost": [f"{r.final_cost:.6f}" for r in results],
                    }
                ),
                hide_index=True,
            )
            for r, d in zip(results, diagnoses, strict=True):
                st.markdown(f"**lr = {r.config.learning_rate:g} — {d.kind}.** {d.sentence}")
            st.caption("All rates train side by side in one batched pass of the engine.")
    else:
        st.info("Pick at least one learning rate.")

with history_tab:
    table = model.runs_table(model.runs())
    st.dataframe(table, hide_index=True)
    d1, d2 = st.columns(2)
    d1.download_button(
        "Download the history (CSV)",
        table.to_csv(index=False),
        "catlr-history.csv",
        "text/csv",
        key="train_dl_csv",
    )
    saved = persistence.SavedModel.from_result(result, num_px=ds.num_px)
    d2.download_button(
        "Download the model (.npz)",
        persistence.model_to_bytes(saved),
        "catlr-model.npz",
        "application/octet-stream",
        key="train_dl_model",
    )
    st.divider()
    upload = st.file_uploader("Load a saved model (.npz)", key=state.MODEL_FILE)
    if upload is not None and st.button("Use this model", key="train_use_model"):
        try:
            model.load(upload.getvalue(), upload.name, config)
        except CatlrInputError as exc:
            st.error(str(exc), icon="🚫")
        else:
            st.rerun()
