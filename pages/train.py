"""Train: hyper-parameter sliders over the NumPy core, live cost curves, comparisons and the run history."""

import streamlit as st

from catlr.config import COMPARISON_ITERATIONS, COMPARISON_RATES, TrainConfig
from catlr.errors import CatlrInputError
from ui import session_data, session_model, state, train_view, widgets

LEARNING_RATES = [1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 2e-3, 3e-3, 5e-3, 7e-3, 1e-2, 2e-2, 5e-2, 0.1, 0.3, 1.0]
L2_CHOICES = [0.0, 0.01, 0.1, 1.0, 5.0, 10.0, 50.0, 100.0]
SWEEP_CHOICES = [1.0, 0.1, 0.05, 0.01, 0.005, 0.001, 0.0005, 0.0001, 1e-5]

widgets.header(
    "📉 Train",
    "Batch gradient descent on the cross-entropy cost, from w = 0. Move a slider and the model retrains at once.",
)
ds = session_data.require()

c1, c2, c3 = st.columns([3, 3, 2])
rate_label, rate_help = train_view.rate_texts()
iterations = c1.slider(
    "Iterations",
    0,
    10_000,
    session_model.DEFAULT_CONFIG.num_iterations,
    step=50,
    key=state.TRAIN_ITERATIONS,
    bind="query-params",
    help="Number of gradient-descent steps (0 = the untrained model).",
)
learning_rate = c2.select_slider(
    rate_label,
    LEARNING_RATES,
    value=session_model.DEFAULT_CONFIG.learning_rate,
    format_func=widgets.number,
    key=state.TRAIN_LR,
    bind="query-params",
    help=rate_help,
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

result = train_view.model_for(config)
if result is None:
    st.stop()
train_view.metrics_row(result, config)
train_view.how_good(result, ds)

# Only the open tab runs (a tab switch reruns the page): the comparison trains only when asked for.
cost_tab, acc_tab, lr_tab, history_tab = st.tabs(
    ["Cost", "Accuracy", "Learning rates", "History"], key=state.TRAIN_TAB, on_change="rerun"
)
if cost_tab.open:
    with cost_tab:
        train_view.cost_tab(result)
if acc_tab.open:
    with acc_tab:
        train_view.accuracy_tab(result)
if lr_tab.open:
    with lr_tab:
        s1, s2 = st.columns([3, 1])
        rates = s1.multiselect(
            "Learning rates to compare",
            SWEEP_CHOICES,
            default=list(COMPARISON_RATES),
            format_func=widgets.number,
            key=state.TRAIN_SWEEP_RATES,
            bind="query-params",
            persist_state="session",  # kept while another tab is open
        )
        sweep_iterations = s2.number_input(
            "Iterations",
            1,
            10_000,
            COMPARISON_ITERATIONS,
            step=100,
            key=state.TRAIN_SWEEP_ITERATIONS,
            bind="query-params",
            persist_state="session",
        )
        if not rates:
            st.info("Pick at least one learning rate.")
        elif (compared := train_view.comparison(rates, sweep_iterations)) is not None:
            train_view.comparison_block(compared)
if history_tab.open:
    with history_tab:
        train_view.history_tab(result, ds, config)
