"""This user's photo on the Predict page: the last one that decoded, kept until a good one replaces it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from catlr import engine, imaging
from catlr.data import flatten
from catlr.errors import CatlrInputError
from catlr.results import TrainResult
from ui import state

PREVIEW_PX = 640  # the original is kept at most this large for display


@dataclass(frozen=True)
class Prediction:
    """A decoded photo: what the user gave and the exact (num_px, num_px, 3) uint8 image the model sees."""

    marker: tuple  # identifies the input (source, file id, fit): the same input is not decoded twice
    name: str
    preview: np.ndarray  # (h, w, 3) uint8, at most PREVIEW_PX on its long side
    model_input: np.ndarray  # (num_px, num_px, 3) uint8
    notes: tuple[str, ...]


def preview(rgb: np.ndarray) -> np.ndarray:
    """A display copy of an (H, W, 3) uint8 image, shrunk to at most PREVIEW_PX on its long side."""
    image = Image.fromarray(rgb)
    image.thumbnail((PREVIEW_PX, PREVIEW_PX))
    return np.asarray(image)


def use_photo(marker: tuple, name: str, payload: bytes, num_px: int, fit: str) -> None:
    """Decode an uploaded or camera photo, once per ``marker``; on success it becomes the current prediction.

    On bad input the previous prediction stays and the message is kept for this marker (not decoded again).
    """
    shown = current()
    if (shown is not None and shown.marker == marker) or error_for(marker) is not None:
        return
    try:
        photo = imaging.open_photo(payload, name=name)
        model_input = imaging.to_model_input(photo.rgb, num_px=num_px, fit=fit)
    except CatlrInputError as exc:
        state.put(state.PREDICT_ERROR, (marker, str(exc)))
        return
    state.put(state.PREDICT_ERROR, None)
    state.put(state.PREDICTION, Prediction(marker, name, preview(photo.rgb), model_input, photo.notes))


def use_dataset_image(marker: tuple, name: str, image: np.ndarray) -> None:
    """Use a dataset image as it is (it already has the model's size), unless it is already shown."""
    shown = current()
    if shown is not None and shown.marker == marker:
        return
    state.put(state.PREDICT_ERROR, None)
    state.put(state.PREDICTION, Prediction(marker, name, image, image, ()))


def current() -> Prediction | None:
    """The last photo that decoded, or None."""
    return state.get(state.PREDICTION)


def error_for(marker: tuple) -> str | None:
    """The message for ``marker`` if that input was rejected."""
    err = state.get(state.PREDICT_ERROR)
    return err[1] if err and err[0] == marker else None


def p_cat(result: TrainResult, prediction: Prediction) -> float:
    """P(cat) of the prediction's model input, flattened exactly as the CLI does."""
    x = flatten(prediction.model_input[None])  # (num_px·num_px·3, 1)
    return float(engine.predict_proba(result.w, result.b, x)[0])
