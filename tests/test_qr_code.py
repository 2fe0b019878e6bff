"""catlr.qr_code: the PNG shows exactly segno's module matrix for the link, large enough for a hall."""

from __future__ import annotations

import io

import numpy as np
import pytest
import segno
from PIL import Image

from catlr import qr_code


@pytest.mark.parametrize("url", ["http://127.0.0.1:8501/join?room=7KQ2MX", "https://catlr.example.org/join?room=ABCDEF"])
def test_the_png_draws_the_code_module_by_module(url):
    image = np.asarray(Image.open(io.BytesIO(qr_code.png(url))).convert("L"))
    matrix = np.array(segno.make(url, error="m", micro=False).matrix, dtype=bool)  # True = dark
    n, px = matrix.shape[0], qr_code.MODULE_PX
    assert image.shape == ((n + 8) * px, (n + 8) * px)
    centres = image[4 * px + px // 2 : (n + 4) * px : px, 4 * px + px // 2 : (n + 4) * px : px]
    assert np.array_equal(centres < 128, matrix)
    assert (image[: 4 * px] == 255).all()  # the quiet zone is white
    assert image.shape[0] >= 500  # a hall: see the module's comment
