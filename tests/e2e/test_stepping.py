"""The Step-through page in a real browser: a step button moves the metrics (and says how long a step takes),
Play advances on its own and Pause stops it."""

from __future__ import annotations

import time

import pytest

from catlr import engine
from catlr.config import TrainConfig
from tests.e2e.browsing import assert_no_exception, expect_metric, open_app
from tests.e2e.server import wait_idle
from tests.helpers import real_problem
from ui import state

pytestmark = pytest.mark.e2e
ITERATION_BEYOND = """(beyond) => {
  const box = [...document.querySelectorAll("[data-testid='stMetric']")].find(m => m.innerText.includes("Iteration"));
  return box && Number(box.querySelector("[data-testid='stMetricValue']").innerText.replace(/,/g, "")) > beyond; }"""


def iteration(page) -> int:
    box = page.locator("[data-testid='stMetric']", has_text="Iteration").first
    return int(box.locator("[data-testid='stMetricValue']").inner_text().replace(",", ""))


def test_stepping_moves_the_metrics(page, server, real_data_dir):
    _, problem = real_problem(real_data_dir)
    costs = engine.train(problem, TrainConfig()).history.train_cost
    open_app(page, server, "step")
    expect_metric(page, "Iteration", "0")
    times = []
    for by, expected in ((10, 10), (1, 11), (100, 111), (-10, 101)):
        start = time.perf_counter()
        page.locator(f".st-key-{state.item_key(state.PAGE_STEP, 'move', by)} button").first.click()
        expect_metric(page, "Iteration", f"{expected:,}")
        wait_idle(page)
        times.append(time.perf_counter() - start)
        expect_metric(page, "Train cost", f"{costs[expected]:.6f}")
    assert_no_exception(page)
    assert f"{state.STEP_AT}=101" in page.url
    print(f"\nstep to idle in the browser: {', '.join(f'{1000 * t:.0f} ms' for t in times)}")

    # Play advances on a timer (a fragment rerunning itself) and Pause stops it where it is.
    play = page.locator(f".st-key-{state.STEP_PLAY} label").first
    play.click()
    page.wait_for_function(ITERATION_BEYOND, arg=111, timeout=15_000)  # 101 + at least two ticks of 5
    play.click()
    wait_idle(page)
    paused = iteration(page)
    page.wait_for_timeout(1_500)  # three ticks, were it still playing
    assert iteration(page) == paused > 111
    expect_metric(page, "Train cost", f"{costs[paused]:.6f}")
    assert_no_exception(page)
