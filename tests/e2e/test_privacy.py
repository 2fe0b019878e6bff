"""Your photos stay yours: after a photo is predicted (and another refused), none of their bytes is in any file
the server wrote — its log, its temporary folder, its cache, its home."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import expect

from catlr import imaging
from tests.e2e.browsing import checked_page, open_app, upload
from tests.e2e.server import streamlit_server
from tests.photo_fixtures import real_photo_bytes
from ui import widgets

pytestmark = pytest.mark.e2e


def fingerprints(data: bytes, count: int = 4, size: int = 48) -> list[bytes]:
    """Slices from inside ``data``: a file holding any of them holds part of the photo."""
    return [data[i : i + size] for i in np.linspace(len(data) // 8, len(data) - size, count, dtype=int)]


def files_holding(places: list[Path], prints: list[bytes]) -> list[str]:
    """The files among ``places`` (files, or folders searched to any depth) that contain any of ``prints``."""
    files = [f for place in places for f in ([place] if place.is_file() else place.rglob("*"))]
    return [str(f) for f in files if f.is_file() and not f.is_symlink() and any(p in f.read_bytes() for p in prints)]


def test_an_uploaded_photo_leaves_no_trace_in_the_servers_files(browser, real_data_dir, tmp_path):
    photo = real_photo_bytes("chelsea")
    refused = b"<html>" + real_photo_bytes("coffee")[200:5000]  # not a photo: refused with a message
    seen = imaging.to_model_input(imaging.open_photo(photo).rgb, 64).tobytes()  # the 64 × 64 input the model sees
    prints = fingerprints(photo) + fingerprints(refused[6:]) + fingerprints(seen)
    folders = {name: tmp_path / name for name in ("tmp", "cache", "home")}
    for folder in folders.values():
        folder.mkdir()
    env = {"CATLR_DATA_DIR": str(real_data_dir), "TMPDIR": str(folders["tmp"]), "HOME": str(folders["home"]),
           "XDG_CACHE_HOME": str(folders["cache"])}  # fmt: skip
    with streamlit_server(env, warm=False) as (url, _), checked_page(browser) as page:
        open_app(page, url, "predict")
        assert page.get_by_text(widgets.PHOTO_PRIVACY).count() == 1
        uploader = page.locator("[data-testid='stFileUploaderDropzoneInput']")
        upload(page, uploader, files=[{"name": "cat.jpg", "mimeType": "image/jpeg", "buffer": photo}])
        expect(page.locator("[data-testid='stMetric']", has_text="P(cat)")).to_have_count(1)
        upload(page, uploader, files=[{"name": "page.jpg", "mimeType": "image/jpeg", "buffer": refused}])
        expect(page.locator("[data-testid='stAlertContentError']")).to_have_count(1)
        port = url.rsplit(":", 1)[1]
        logs = list(Path(tempfile.gettempdir()).glob(f"catlr-streamlit-{port}-*.log"))
        assert len(logs) == 1  # the server's stdout and stderr (tests/e2e/server.py)
        assert logs[0].stat().st_size > 0
        # The search itself works: a file holding the photo is found.
        control = tmp_path / "control"
        control.mkdir()
        (control / "copy.jpg").write_bytes(photo)
        assert files_holding([control], prints) == [str(control / "copy.jpg")]
        assert files_holding([*folders.values(), logs[0]], prints) == []
