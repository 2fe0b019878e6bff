"""catlr.data_files: the known checksums, the cache folder and the data-folder lookup."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from h5fixtures import write_dataset_files

from catlr import data_files
from catlr.data import load_dataset
from catlr.data_files import TEST_FILE, TRAIN_FILE, find_data_dir
from catlr.errors import CatlrInputError


def test_known_checksums_match_the_real_files(real_data_dir: Path) -> None:
    for name in (TRAIN_FILE, TEST_FILE):
        assert hashlib.sha256((real_data_dir / name).read_bytes()).hexdigest() == data_files.KNOWN_SHA256[name]


@pytest.fixture
def places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Four candidate folders, none holding data yet; cwd, env and the cache pointed at them."""
    paths = {name: tmp_path / name for name in ("arg", "env", "cwd", "xdg")}
    for p in paths.values():
        p.mkdir()
    monkeypatch.chdir(paths["cwd"])
    monkeypatch.setenv("CATLR_DATA_DIR", str(paths["env"]))
    monkeypatch.setenv("XDG_CACHE_HOME", str(paths["xdg"]))
    return paths


def test_default_cache_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert data_files.default_cache_dir() == tmp_path / "catlr"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert data_files.default_cache_dir() == Path.home() / ".cache" / "catlr"


def test_lookup_order(places: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    folders = {
        "arg": places["arg"],
        "env": places["env"],
        "cwd": places["cwd"] / "data",
        "xdg": places["xdg"] / "catlr",
    }
    for folder in folders.values():
        write_dataset_files(folder)
    assert find_data_dir(places["arg"]) == folders["arg"].resolve()
    assert find_data_dir() == folders["env"].resolve()
    (folders["env"] / TEST_FILE).unlink()  # a folder with one file is passed over
    assert find_data_dir() == folders["cwd"].resolve()
    monkeypatch.delenv("CATLR_DATA_DIR")
    assert find_data_dir() == folders["cwd"].resolve()
    shutil.rmtree(folders["cwd"])
    assert find_data_dir() == folders["xdg"].resolve()
    assert load_dataset().source == str(folders["xdg"].resolve())


def test_lookup_failure_lists_places_and_ways(places: dict[str, Path]) -> None:
    with pytest.raises(CatlrInputError) as caught:
        find_data_dir()
    message = str(caught.value)
    for folder in (places["env"], places["cwd"] / "data", places["xdg"] / "catlr"):
        assert str(folder) in message
    for way in ("python -m catlr download", "CATLR_DATA_DIR", "--data-dir"):
        assert way in message


def test_explicit_folder_must_hold_the_files(places: dict[str, Path]) -> None:
    write_dataset_files(places["cwd"] / "data")
    (places["arg"] / TRAIN_FILE).write_bytes(b"x")
    with pytest.raises(CatlrInputError, match=f"does not hold {TEST_FILE}.*--data-dir"):
        find_data_dir(places["arg"])
