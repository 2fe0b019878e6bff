"""catlr.sandbox: a hostile file can crash, stall or bloat only the child; the parent reports it and goes on."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from h5fixtures import H5_CASES, h5_bytes, large_file, make_split

from catlr import data, h5_reader, limits
from catlr.errors import CatlrInputError
from catlr.sandbox import Job, run_sandboxed

HOOKS = "tests.h5fixtures"


def _job(content: bytes, label: str = "evil.h5", **kwargs: str) -> Job:
    return Job(content, label, kwargs)


@pytest.fixture(scope="module")
def self_virtual() -> bytes:
    return H5_CASES["H09"].build(Path("."))[0]


def test_naive_reader_reads_a_good_file() -> None:
    """The control for the crash test: the naive reader itself works."""
    (result,) = run_sandboxed(f"{HOOKS}:naive_read", [_job(h5_bytes(m=3, seed=5))])
    np.testing.assert_array_equal(result["x"], make_split(3, 8, 5)[0])


def test_segfault_kills_only_the_child(self_virtual: bytes) -> None:
    """H09 read with no checks segfaults HDF5; the parent gets a message and the next read works."""
    with pytest.raises(CatlrInputError, match=r"evil\.h5 could not be read safely: the reader crashed \(SIGSEGV\)"):
        run_sandboxed(f"{HOOKS}:naive_read", [_job(self_virtual)])
    ds = data.load_dataset_from_bytes(h5_bytes("train"), h5_bytes("test", seed=1))
    assert ds.m_train == 4


def test_the_message_names_the_file_being_read(self_virtual: bytes) -> None:
    jobs = [_job(h5_bytes(), "good.h5"), _job(self_virtual, "bad.h5")]
    with pytest.raises(CatlrInputError, match=r"^bad\.h5 could not be read safely"):
        run_sandboxed(f"{HOOKS}:naive_read", jobs)


def test_wall_clock_limit() -> None:
    start = time.perf_counter()
    with pytest.raises(CatlrInputError, match=r"could not be read safely: the reader took longer than 1 s"):
        run_sandboxed(f"{HOOKS}:spin", [_job(b"")], timeout_s=1)
    assert time.perf_counter() - start < 10


def test_cpu_limit() -> None:
    with pytest.raises(CatlrInputError, match=r"the reader used more than 1 s of CPU time"):
        run_sandboxed(f"{HOOKS}:spin", [_job(b"")], cpu_seconds=1, timeout_s=30)


def test_memory_limit_stops_a_large_legitimate_read() -> None:
    """H26: 12 MB of pixels under an 8 MB allowance fails cleanly; under the default it loads."""
    job = _job(large_file(), "big.h5", split="train")
    with pytest.raises(CatlrInputError, match=r"big\.h5 could not be read safely: the reader needed more than 8 MB"):
        run_sandboxed(data.SANDBOX_READER, [job], memory_bytes=8 * 2**20)
    (result,) = run_sandboxed(data.SANDBOX_READER, [job])
    np.testing.assert_array_equal(result["x"], make_split(1000, 64, 7)[0])


def test_child_limits_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CATLR_TEST_SECRET", "hunter2")
    content = bytes(range(256)) * 3
    (report,) = run_sandboxed(f"{HOOKS}:report_child", [_job(content)])
    soft, hard = report["as"].tolist()
    assert soft == hard and 0 < soft - limits.SANDBOX_MEMORY_BYTES < 2 * 2**30  # interpreter + the allowance
    assert report["cpu"].tolist() == [limits.SANDBOX_CPU_SECONDS, limits.SANDBOX_CPU_SECONDS + 1]
    assert report["core"].tolist() == [0, 0]
    assert str(report["preload"]) == "::"
    assert report["plugins"].size == 0  # HDF5_PLUGIN_PATH is an empty folder
    assert "CATLR_TEST_SECRET" not in report["env"].tolist()
    assert report["input"].tobytes() == content  # bytes in, arrays out


def test_input_errors_come_back_word_for_word() -> None:
    """The child runs the same reader: its message for H19 is the in-process one."""
    train, _ = H5_CASES["H19"].build(Path("."))
    with pytest.raises(CatlrInputError) as in_process:
        h5_reader.read_split(train, "train", "labels.h5")
    with pytest.raises(CatlrInputError) as in_child:
        run_sandboxed(data.SANDBOX_READER, [_job(train, "labels.h5", split="train")])
    assert str(in_child.value) == str(in_process.value)
    assert "must be 0 or 1; found 2" in str(in_child.value)


def test_output_needing_pickle_is_refused() -> None:
    with pytest.raises(CatlrInputError, match="returned data that is not plain arrays"):
        run_sandboxed(f"{HOOKS}:pickling_reader", [_job(b"")])


def test_a_dead_helper_is_replaced() -> None:
    from catlr import sandbox

    run_sandboxed(f"{HOOKS}:naive_read", [_job(h5_bytes())])
    old = sandbox._current
    old._process.kill()
    old._process.wait()
    (result,) = run_sandboxed(f"{HOOKS}:naive_read", [_job(h5_bytes(m=2, seed=9))])
    np.testing.assert_array_equal(result["x"], make_split(2, 8, 9)[0])
    assert sandbox._current is not old


def test_reads_from_many_threads_at_once(self_virtual: bytes) -> None:
    """As under a Streamlit server: crashing and good reads interleave, each gets its own answer."""
    from concurrent.futures import ThreadPoolExecutor

    def read(i: int) -> object:
        content = self_virtual if i % 3 == 0 else h5_bytes(m=2, seed=i)
        try:
            return run_sandboxed(f"{HOOKS}:naive_read", [_job(content, f"f{i}.h5")])[0]["x"]
        except CatlrInputError as error:
            return str(error)

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(read, range(12)))
    for i, outcome in enumerate(outcomes):
        if i % 3 == 0:
            assert outcome.startswith(f"f{i}.h5 could not be read safely: the reader crashed (SIGSEGV)")
        else:
            np.testing.assert_array_equal(outcome, make_split(2, 8, i)[0])


# ---------------------------------------------------------------------------------------------
