"""catlr.config.TrainConfig: the validation boundary for hyper-parameters (catalogue rows N02, N03)."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import numpy as np
import pytest

from catlr import limits
from catlr.config import TrainConfig
from catlr.errors import CatlrInputError


def test_defaults_and_normalisation():
    c = TrainConfig()
    assert (c.num_iterations, c.learning_rate, c.l2, c.solver) == (2000, 0.005, 0.0, "auto")
    c = TrainConfig(num_iterations=np.int64(300), learning_rate=Fraction(1, 2), l2=np.float32(0.5), solver="gram")
    assert c.num_iterations == 300 and type(c.num_iterations) is int
    assert c.learning_rate == 0.5 and type(c.learning_rate) is float and type(c.l2) is float
    assert TrainConfig(num_iterations=1500.0).num_iterations == 1500
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.learning_rate = 1.0


@pytest.mark.parametrize(
    "rate",
    [
        pytest.param(0, id="N02-zero"),
        pytest.param(-0.1, id="N02-negative"),
        pytest.param(float("nan"), id="N02-nan"),
        pytest.param(float("inf"), id="N02-inf"),
        pytest.param(1e6, id="N02-huge"),
        pytest.param(10**400, id="N02-int-beyond-float"),
        pytest.param("0.1", id="N02-string"),
        pytest.param(True, id="N02-bool"),
        pytest.param(None, id="N02-none"),
    ],
)
def test_n02_bad_learning_rates(rate):
    with pytest.raises(CatlrInputError, match=r"learning rate must be a finite number in \[1e-06, 10\]"):
        TrainConfig(learning_rate=rate)


def test_learning_rate_bounds_are_inclusive():
    assert TrainConfig(learning_rate=limits.MIN_LEARNING_RATE).learning_rate == limits.MIN_LEARNING_RATE
    assert TrainConfig(learning_rate=limits.MAX_LEARNING_RATE).learning_rate == limits.MAX_LEARNING_RATE


@pytest.mark.parametrize(
    ("iterations", "match"),
    [
        pytest.param(-1, "between 0 and 20,000; got -1", id="N03-negative"),
        pytest.param(2.5, "whole number; got 2.5", id="N03-fraction"),
        pytest.param(1e9, "between 0 and 20,000; got 1,000,000,000", id="N03-huge"),
        pytest.param(10**400, "between 0 and 20,000; got a 401-digit number", id="N03-int-beyond-float"),
        pytest.param(float("nan"), "whole number", id="N03-nan"),
        pytest.param("100", "whole number", id="N03-string"),
        pytest.param(False, "whole number", id="N03-bool"),
    ],
)
def test_n03_bad_iterations(iterations, match):
    with pytest.raises(CatlrInputError, match=match):
        TrainConfig(num_iterations=iterations)


def test_n03_zero_iterations_means_untrained():
    assert TrainConfig(num_iterations=0).num_iterations == 0


@pytest.mark.parametrize("l2", [-1e-9, float("nan"), limits.MAX_L2 * 2])
def test_bad_l2(l2):
    with pytest.raises(CatlrInputError, match="L2 penalty must be"):
        TrainConfig(l2=l2)


def test_bad_solver():
    with pytest.raises(CatlrInputError, match="solver must be one of auto, gram, primal"):
        TrainConfig(solver="fast")


def test_work_budget():
    TrainConfig(num_iterations=10_000).check_budget(209)
    most = limits.MAX_ITERATION_EXAMPLES // 1000
    TrainConfig(num_iterations=most).check_budget(1000)
    with pytest.raises(CatlrInputError, match=f"use at most {most:,} iterations"):
        TrainConfig(num_iterations=most + 1).check_budget(1000)
