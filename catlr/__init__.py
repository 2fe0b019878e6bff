"""catlr: the exercise's logistic-regression cat classifier, exact and fast, with no UI.

The exercise's API is in :mod:`catlr.model`; the fast engine in :mod:`catlr.engine`.
"""

from catlr.config import TrainConfig
from catlr.data import Dataset, find_data_dir, flatten, load_dataset, load_dataset_from_bytes
from catlr.engine import Problem, TrainingDiverged, TrainResult, predict_proba, prepare, sweep, train
from catlr.errors import CatlrInputError
from catlr.imaging import load_photo, open_photo, to_model_input
from catlr.model import initialize_with_zeros, model, optimize, predict, propagate, sigmoid
from catlr.persistence import SavedModel, load_model, save_model

__all__ = [
    "CatlrInputError",
    "Dataset",
    "Problem",
    "SavedModel",
    "TrainConfig",
    "TrainResult",
    "TrainingDiverged",
    "find_data_dir",
    "flatten",
    "initialize_with_zeros",
    "load_dataset",
    "load_dataset_from_bytes",
    "load_model",
    "load_photo",
    "model",
    "open_photo",
    "optimize",
    "predict",
    "predict_proba",
    "prepare",
    "propagate",
    "save_model",
    "sigmoid",
    "sweep",
    "to_model_input",
    "train",
]
