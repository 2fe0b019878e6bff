"""The Step-through page in a real browser: a step button moves the metrics (and says how long a step takes)."""

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
