"""catlr: the exercise's logistic-regression cat classifier, exact and fast, with no UI.

The exercise's own API (``sigmoid``, ``propagate``, ``optimize``, ``predict``, ``model``) is in
:mod:`catlr.exercise` (also importable as ``catlr.model``, the name the exercise's notebooks use); it
is not re-exported here, so ``catlr.model`` is always that module. The fast engine is
:func:`train` / :func:`sweep` on a :class:`Problem` from :func:`prepare`. Importing catlr changes no
process setting: entry points call :func:`catlr.runtime.configure_process`.
"""

from catlr.config import TrainConfig
from catlr.data import Dataset, flatten, load_dataset, load_dataset_from_bytes
from catlr.data_files import find_data_dir
from catlr.engine import evaluate, predict_proba, sweep, train
from catlr.errors import CatlrInputError, TrainingDiverged
from catlr.imaging import load_photo, open_photo, to_model_input
from catlr.persistence import SavedModel, load_model, save_model
from catlr.problem import Problem, prepare
from catlr.results import History, TrainResult

__all__ = [
    "CatlrInputError",
    "Dataset",
    "History",
    "Problem",
    "SavedModel",
    "TrainConfig",
    "TrainResult",
    "TrainingDiverged",
    "evaluate",
    "find_data_dir",
    "flatten",
    "load_dataset",
    "load_dataset_from_bytes",
    "load_model",
    "load_photo",
    "open_photo",
    "predict_proba",
    "prepare",
    "save_model",
    "sweep",
    "to_model_input",
    "train",
]
