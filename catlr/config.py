"""Hyper-parameters: one frozen dataclass, validated where it is built.

This is the validation boundary for training settings, whatever their source (a slider, a query
string, the CLI, the API): a bad value raises :class:`~catlr.errors.CatlrInputError`.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

from catlr import limits
from catlr.errors import CatlrInputError

SOLVERS = ("auto", "gram", "primal")  # how the engine runs gradient descent (see catlr.problem)
# The exercise's learning-rate comparison, 1500 iterations each: the Train page's default and the handout's.
COMPARISON_RATES = (0.01, 0.001, 0.0001)
COMPARISON_ITERATIONS = 1500


def _as_iterations(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise CatlrInputError(f"iterations must be a whole number; got {value!r}")
    if not isinstance(value, numbers.Integral) and (not math.isfinite(value) or value != int(value)):
        raise CatlrInputError(f"iterations must be a whole number; got {value!r}")
    n = int(value)  # an Integral is never converted to float: 10**400 must not overflow
    if not 0 <= n <= limits.MAX_ITERATIONS:
        shown = f"{n:,}" if abs(n) < 10**15 else f"a {len(str(abs(n)))}-digit number"
        raise CatlrInputError(f"iterations must be between 0 and {limits.MAX_ITERATIONS:,}; got {shown}")
    return n


def _as_rate(value: object, name: str, low: float, high: float) -> float:
    span = f"a finite number in [{low:g}, {high:g}]"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise CatlrInputError(f"{name} must be {span}; got {value!r}")
    try:
        x = float(value)
    except OverflowError:  # an int beyond float range
        x = math.inf
    if math.isfinite(x) and low <= x <= high:
        return x
    raise CatlrInputError(f"{name} must be {span}; got {x:g}")


def check_solver(solver: object) -> str:
    """``solver`` if it is one of :data:`SOLVERS`, else a :class:`~catlr.errors.CatlrInputError`."""
    if solver not in SOLVERS:
        raise CatlrInputError(f"solver must be one of {', '.join(SOLVERS)}; got {solver!r}")
    return solver


@dataclass(frozen=True)
class TrainConfig:
    """Settings of one training run; defaults are the exercise's dashboard defaults.

    Attributes:
        num_iterations: gradient-descent steps, 0 (untrained) to ``limits.MAX_ITERATIONS``.
        learning_rate: step size, in [``limits.MIN_LEARNING_RATE``, ``limits.MAX_LEARNING_RATE``].
        l2: L2 penalty λ; the cost gains λ/(2m)·‖w‖² (0 = the exercise).
        solver: ``"auto"`` (Gram form when it fits, else primal), ``"gram"`` or ``"primal"``.
    """

    num_iterations: int = 2000
    learning_rate: float = 0.005
    l2: float = 0.0
    solver: str = "auto"

    def __post_init__(self) -> None:
        object.__setattr__(self, "num_iterations", _as_iterations(self.num_iterations))
        object.__setattr__(
            self,
            "learning_rate",
            _as_rate(self.learning_rate, "learning rate", limits.MIN_LEARNING_RATE, limits.MAX_LEARNING_RATE),
        )
        object.__setattr__(self, "l2", _as_rate(self.l2, "L2 penalty", 0.0, limits.MAX_L2))
        check_solver(self.solver)

    def check_budget(self, m_train: int) -> None:
        """Raise if ``num_iterations × m_train`` exceeds ``limits.MAX_ITERATION_EXAMPLES``."""
        work = self.num_iterations * m_train
        if work > limits.MAX_ITERATION_EXAMPLES:
            most = limits.MAX_ITERATION_EXAMPLES // max(m_train, 1)
            raise CatlrInputError(
                f"{self.num_iterations:,} iterations on {m_train:,} training images is more work than one run "
                f"may do; use at most {most:,} iterations for this dataset"
            )
