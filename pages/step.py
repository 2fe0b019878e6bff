"""Step through: gradient descent one iteration at a time, forward and back, with every view following."""

import streamlit as st

from ui import session_data, state, step_view, widgets

widgets.header(
    "👣 Step through",
    "Gradient descent one step at a time: who moved the weights, is the step safe, the real loss landscape.",
)
ds = session_data.require()

c1, c2, c3 = st.columns([3, 3, 2])
iterations = c1.slider(
    "Iterations",
    0,
    5_000,
    2_000,
    step=50,
    key=state.STEP_ITERATIONS,
    bind="query-params",
    help="The run to step through (trained once, then shared).",
)
rate = c2.select_slider(
    "Learning rate",
    step_view.RATES,
    value=0.005,
    format_func=widgets.number,
    key=state.STEP_LR,
    bind="query-params",
    help="Try 0.002 (below 2/L) against 0.1: the same images flip back and forth.",
)
l2 = c3.select_slider(
    "L2 penalty λ",
    step_view.L2_CHOICES,
    value=0.0,
    format_func=widgets.number,
    key=state.STEP_L2,
    bind="query-params",
)
run = step_view.run_for(step_view.config_for(iterations, rate, l2))
step_view.clamp(run.last)

p1, p2 = st.columns([1, 3], vertical_alignment="bottom")
playing = p1.toggle("Play", key=state.STEP_PLAY, help="Advance on its own, a tick every half second.")
speed = (
    p2.segmented_control(
        "Iterations per tick",
        step_view.SPEEDS,
        default=5,
        format_func=step_view.per_tick,
        key=state.STEP_SPEED,
        bind="query-params",
        label_visibility="collapsed",  # its options say it: "5 per tick"
    )
    or 5
)
step_view.stepper(run, ds, playing, speed)
