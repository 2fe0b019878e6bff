"""catlr: the exercise's logistic-regression cat classifier, exact and fast, with no UI."""

from catlr.config import TrainConfig
from catlr.errors import CatlrInputError

__all__ = ["CatlrInputError", "TrainConfig"]
