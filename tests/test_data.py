"""catlr.data: the real files, flatten, and every row of docs/bad-inputs.md section B through both loaders."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from h5fixtures import H5_CASES, case_files, h5_bytes, write_dataset_files

from catlr import data, h5_reader, limits, sandbox
from catlr.data import Dataset, flatten, load_dataset, load_dataset_from_bytes
from catlr.data_files import TEST_FILE, TRAIN_FILE
from catlr.errors import CatlrInputError

# ---------------------------------------------------------------------------------------------
# The real dataset


@pytest.fixture(scope="module")
def real(real_data_dir: Path) -> Dataset:
    return load_dataset(real_data_dir)


def test_real_files_shapes_classes_and_balance(real: Dataset) -> None:
    assert real.train_set_x_orig.shape == (209, 64, 64, 3) and real.train_set_x_orig.dtype == np.uint8
    assert real.test_set_x_orig.shape == (50, 64, 64, 3)
    assert real.train_set_y.shape == (1, 209) and real.train_set_y.dtype == np.int64
    assert real.test_set_y.shape == (1, 50)
    assert (real.m_train, real.m_test, real.num_px) == (209, 50, 64)
    assert real.classes == ("non-cat", "cat")
    assert (int(real.train_set_y.sum()), int((real.train_set_y == 0).sum())) == (72, 137)
    assert (int(real.test_set_y.sum()), int((real.test_set_y == 0).sum())) == (33, 17)
    assert real.warnings == ()
    assert real.source == str(Path(real.source).resolve())


def test_real_files_are_read_in_process(real_data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_sandbox(*args: object, **kwargs: object) -> None:
        raise AssertionError("the known files must not go through the sandbox")

    monkeypatch.setattr(sandbox, "run_sandboxed", no_sandbox)
    loaded = load_dataset(real_data_dir)
    assert loaded.m_train == 209


def test_unpacks_like_the_exercise(real: Dataset, real_data_dir: Path) -> None:
    import h5py

    train_x, train_y, test_x, test_y, classes = real
    with h5py.File(real_data_dir / TRAIN_FILE) as f:
        np.testing.assert_array_equal(train_x, f["train_set_x"][()])
        np.testing.assert_array_equal(train_y, f["train_set_y"][()].reshape(1, -1))
        np.testing.assert_array_equal(classes, f["list_classes"][()])
    with h5py.File(real_data_dir / TEST_FILE) as f:
        np.testing.assert_array_equal(test_x, f["test_set_x"][()])
        np.testing.assert_array_equal(test_y, f["test_set_y"][()].reshape(1, -1))
    assert classes.tolist() == [b"non-cat", b"cat"]


def test_arrays_are_read_only(real: Dataset) -> None:
    for array in (*real, real.train_set_x_orig):
        with pytest.raises(ValueError, match="read-only"):
            array.reshape(-1)[0] = 1
    with pytest.raises(AttributeError):
        real.num_px = 3  # type: ignore[misc]


def test_dataset_built_by_hand_does_not_freeze_the_callers_arrays() -> None:
    x = np.zeros((2, 4, 4, 3), np.uint8)
    y = np.array([[0, 1]])
    ds = Dataset(x, y, x, y, ("a", "b"), 4, "hand")
    x[0, 0, 0, 0] = 5  # the caller keeps a writable array
    assert ds.train_set_x_orig[0, 0, 0, 0] == 5 and not ds.train_set_x_orig.flags.writeable


def test_flatten_real_shape_and_values(real: Dataset) -> None:
    x = real.train_set_x_orig
    flat = flatten(x)
    assert flat.shape == (12288, 209) and flat.dtype == np.float64
    assert 0.0 <= flat.min() and flat.max() <= 1.0
    rng = np.random.default_rng(0)
    for _ in range(50):  # oracle: feature (row·64 + col)·3 + channel of image j
        j, r, c, ch = rng.integers(0, 209), rng.integers(0, 64), rng.integers(0, 64), rng.integers(0, 3)
        assert flat[(r * 64 + c) * 3 + ch, j] == x[j, r, c, ch] / 255.0


def test_flatten_tiny_by_hand() -> None:
    images = np.arange(2 * 2 * 2 * 3, dtype=np.uint8).reshape(2, 2, 2, 3)
    expected = np.array([[v / 255.0 for v in range(12)], [v / 255.0 for v in range(12, 24)]]).T
    np.testing.assert_array_equal(flatten(images), expected)


# ---------------------------------------------------------------------------------------------
# Small generated files


def test_oversized_file_in_folder_is_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_dataset_files(tmp_path)
    monkeypatch.setattr(limits, "MAX_H5_BYTES", 100)
    with pytest.raises(CatlrInputError, match="larger than"):
        load_dataset(tmp_path)


def test_fixture_files_load_through_the_sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real_run = sandbox.run_sandboxed

    def spy(target: str, jobs: list, **kwargs: object) -> object:
        calls.append([job.label for job in jobs])
        return real_run(target, jobs, **kwargs)

    monkeypatch.setattr(sandbox, "run_sandboxed", spy)
    ds = load_dataset(write_dataset_files(tmp_path, m_train=6, m_test=4, num_px=8))
    assert calls == [[TRAIN_FILE, TEST_FILE]]  # both files, one child
    assert ds.train_set_x_orig.shape == (6, 8, 8, 3) and ds.test_set_y.shape == (1, 4)
    assert set(ds.train_set_y.ravel().tolist()) == {0, 1}
    train_file = tmp_path / TRAIN_FILE
    import h5py

    with h5py.File(train_file) as f:
        np.testing.assert_array_equal(ds.train_set_x_orig, f["train_set_x"][()])


def test_fixture_images_are_learnable(tmp_path: Path) -> None:
    ds = load_dataset(write_dataset_files(tmp_path, m_train=40, m_test=20, num_px=8, seed=3))
    x, y = flatten(ds.train_set_x_orig), ds.train_set_y
    red = x[0::3].mean(axis=0)  # mean red value per image: the pattern cats carry
    threshold = (red[y[0] == 1].min() + red[y[0] == 0].max()) / 2
    assert ((red > threshold) == (y[0] == 1)).mean() == 1.0


def test_untrusted_output_is_checked_again_in_the_parent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A child that read a hostile file may lie: a float image array from it is refused."""
    monkeypatch.setattr(data, "SANDBOX_READER", "tests.h5fixtures:lying_reader")
    with pytest.raises(CatlrInputError, match=r"must be uint8 with shape .*got float64"):
        load_dataset(write_dataset_files(tmp_path))


def test_real_train_with_one_changed_byte_goes_to_the_sandbox(real_data_dir: Path, tmp_path: Path) -> None:
    import h5py

    content = bytearray((real_data_dir / TRAIN_FILE).read_bytes())
    with h5py.File(real_data_dir / TRAIN_FILE) as f:
        first_pixel = f["train_set_x"].id.get_offset()  # the images are stored contiguously
    content[first_pixel] ^= 0xFF
    ds = load_dataset_from_bytes(bytes(content), (real_data_dir / TEST_FILE).read_bytes())
    assert ds.m_train == 209 and ds.source == "uploaded files"
    assert int(ds.train_set_x_orig[0, 0, 0, 0]) == content[first_pixel]


# ---------------------------------------------------------------------------------------------
# Section B, every row, through both public entry points


def _loaders(case_id: str, folder: Path) -> dict[str, tuple[Callable[[], Dataset], dict[str, str]]]:
    """The row's pair through ``load_dataset`` (a folder) and ``load_dataset_from_bytes``."""
    case_files(case_id, folder / "files", workdir=folder)
    train, test = (folder / "files" / TRAIN_FILE).read_bytes(), (folder / "files" / TEST_FILE).read_bytes()
    return {
        "folder": (lambda: load_dataset(folder / "files"), {"train": TRAIN_FILE, "test": TEST_FILE}),
        "bytes": (lambda: load_dataset_from_bytes(train, test), {"train": "uploaded train", "test": "uploaded test"}),
    }


def _outcome(load: Callable[[], Dataset]) -> Dataset | Exception:
    try:
        return load()
    except Exception as error:  # kept, and asserted on by the row's own test
        return error


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], tuple[object, dict[str, str]]]:
    """Every row with default limits, loaded both ways, four at a time from threads (as a server would)."""
    jobs = {}
    for case_id, case in H5_CASES.items():
        if not case.limits:
            for way, (load, labels) in _loaders(case_id, tmp_path_factory.mktemp(case_id)).items():
                jobs[case_id, way] = (load, labels)
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {key: (pool.submit(_outcome, load), labels) for key, (load, labels) in jobs.items()}
        return {key: (future.result(), labels) for key, (future, labels) in futures.items()}


def _assert_refused(case_id: str, outcome: object, labels: dict[str, str]) -> None:
    case = H5_CASES[case_id]
    assert isinstance(outcome, CatlrInputError), f"{case_id}: expected CatlrInputError, got {outcome!r}"
    message = str(outcome)
    assert re.search(case.match, message), f"{case_id}: {message!r} does not match {case.match!r}"
    for side in ("train", "test") if case.bad == "both" else (case.bad,):
        assert labels[side] in message
    assert "Traceback" not in message and "h5py" not in message


REJECTED = [pytest.param(cid, id=cid) for cid, case in H5_CASES.items() if case.match is not None and not case.limits]
ACCEPTED = [pytest.param(cid, id=cid) for cid, case in H5_CASES.items() if case.match is None]
NEEDS_LIMITS = [pytest.param(cid, id=cid) for cid, case in H5_CASES.items() if case.limits]


@pytest.mark.parametrize("way", ["folder", "bytes"])
@pytest.mark.parametrize("case_id", REJECTED)
def test_bad_file_is_refused_with_a_clear_message(case_id: str, way: str, outcomes: dict) -> None:
    outcome, labels = outcomes[case_id, way]
    _assert_refused(case_id, outcome, labels)


@pytest.mark.parametrize("case_id", NEEDS_LIMITS)
def test_reader_stopped_by_its_limits(case_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """H25 (a real slow read) and H26 (a real large read) with the limits lowered to run in a second."""
    for name, value in H5_CASES[case_id].limits.items():
        monkeypatch.setattr(limits, name, value)
    for load, labels in _loaders(case_id, tmp_path).values():
        _assert_refused(case_id, _outcome(load), labels)


def test_h25_a_million_tiny_chunks_are_refused_before_reading(tmp_path: Path) -> None:
    """The H25 file with the default limits: its 786,432 chunks are counted from the metadata, not read."""
    for load, labels in _loaders("H25", tmp_path).values():
        outcome = _outcome(load)
        assert isinstance(outcome, CatlrInputError), outcome
        assert re.search(r"'train_set_x' is stored in 786,432 chunks \(at most 100,000\)", str(outcome)), outcome
        assert labels["train"] in str(outcome)


@pytest.mark.parametrize("way", ["folder", "bytes"])
@pytest.mark.parametrize("case_id", ACCEPTED)
def test_acceptable_file_loads(case_id: str, way: str, outcomes: dict) -> None:
    ds, _ = outcomes[case_id, way]
    assert isinstance(ds, Dataset), f"{case_id}: expected a Dataset, got {ds!r}"
    assert ds.m_train == 4 and ds.train_set_x_orig.shape == (4, 8, 8, 3)
    if case_id == "H23":
        assert ds.train_set_y.shape == (1, 4)  # the file stored (1, m) labels
        assert sorted(ds.train_set_y.ravel().tolist()) == [0, 0, 1, 1]
    elif case_id == "H24":
        first, second = ds.classes
        assert first.startswith("<b>non</b>") and "\ufffd" in first  # kept as text; escaping is the UI's job
        assert len(second) == limits.MAX_CLASS_NAME_CHARS and second.endswith("…")
    elif case_id == "H27":
        assert ds.train_set_y.ravel().tolist() == [1, 1, 1, 1]
        assert any("labelled 1 (cat)" in w for w in ds.warnings)
    else:
        assert ds.warnings == () and ds.classes == ("non-cat", "cat")


def test_passwd_never_reaches_the_user(tmp_path: Path) -> None:
    """H05: the file really reads /etc/passwd when opened naively; through catlr nothing of it shows."""
    import h5py

    train, test = H5_CASES["H05"].build(tmp_path)
    passwd = Path("/etc/passwd").read_bytes()[:12]
    with h5py.File(io.BytesIO(train)) as f:
        assert bytes(f["train_set_x"][()].ravel()[:12]) == passwd  # the hostile file is real
    for loader, _ in _loaders("H05", tmp_path).values():
        with pytest.raises(CatlrInputError) as caught:
            loader()
        assert passwd.decode() not in str(caught.value)
    with pytest.raises(CatlrInputError, match="external storage"):
        h5_reader.read_split(train, "train", "in-process")  # refused before reading, in this process too


def test_self_referencing_virtual_dataset_is_refused_in_process() -> None:
    """H09: the checks come before any read, so even in-process the segfaulting file is only refused."""
    train, _ = H5_CASES["H09"].build(Path("."))
    with pytest.raises(CatlrInputError, match="virtual dataset"):
        h5_reader.read_split(train, "train", "in-process")


@pytest.mark.parametrize(
    "content, match",
    [
        pytest.param(b"", "the file is empty", id="empty"),
        pytest.param("text", "expected the file's bytes; got str", id="not-bytes"),
    ],
)
def test_upload_that_is_not_a_file(content: object, match: str) -> None:
    with pytest.raises(CatlrInputError, match=match):
        load_dataset_from_bytes(content, h5_bytes("test"))  # type: ignore[arg-type]
