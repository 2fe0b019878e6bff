"""catlr.runtime: importing catlr changes no process setting; configure_process makes each one, once.

Every probe runs in a fresh Python process, so what one test sets cannot leak into another.
"""

from __future__ import annotations

import sys

import pytest

from tests.conftest import fresh_python_json

LINUX = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator; the server is Linux")

THREADS = """
import json, threading
from threadpoolctl import threadpool_info
def blas():
    found = [i for i in threadpool_info() if i["user_api"] == "blas"]
    return sorted((i["filepath"].split("/")[-2], i["num_threads"]) for i in found)
import numpy, scipy.linalg  # both BLAS copies loaded before anything is set
before = (blas(), threading.active_count())
{code}
print(json.dumps({{"before": before, "after": (blas(), threading.active_count()),
                   "threads": [t.name for t in threading.enumerate()]}}))
"""

IMPORT_EVERYTHING = (
    "import catlr, catlr.cli, catlr.bench, catlr.engine, catlr.exercise, catlr.model, catlr.runtime, ui, ui.state"
)


def probe(code: str) -> dict:
    return fresh_python_json(THREADS.format(code=code), drop_env=("OPENBLAS_NUM_THREADS", "MALLOC_"))


def test_importing_catlr_and_ui_changes_no_thread_setting_and_starts_no_thread():
    got = probe(IMPORT_EVERYTHING)
    assert got["before"] == got["after"]
    assert any(n > 1 for _, n in got["before"][0]), "the probe needs a multi-threaded BLAS to mean anything"


def test_the_cli_setting_puts_only_scipys_blas_on_one_thread():
    # SciPy's bundled OpenBLAS would otherwise fight NumPy's over the two cores (warm training ~3x slower).
    got = probe("from catlr.runtime import configure_process; configure_process(server=False)")
    before, after = dict(got["before"][0]), dict(got["after"][0])
    assert after["scipy.libs"] == 1
    assert after["numpy.libs"] == before["numpy.libs"]  # NumPy's copy keeps its threads
    assert "catlr-malloc-trim" not in got["threads"]


def test_the_server_setting_runs_every_blas_on_one_thread_and_one_trim_thread_however_often_called():
    got = probe(
        "from catlr.runtime import configure_process\n"
        "for _ in range(3): configure_process(server=True)"
    )
    assert {n for _, n in got["after"][0]} == {1}
    assert got["threads"].count("catlr-malloc-trim") == 1


MMAP_PROBE = """
import ctypes, json, numpy as np
{setup}
class Info(ctypes.Structure):
    names = "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost"
    _fields_ = [(n, ctypes.c_size_t) for n in names.split()]
libc = ctypes.CDLL(None)
libc.mallinfo2.restype = Info
a = np.ones(4 << 20, np.uint8)
del a
before = libc.mallinfo2().hblkhd  # bytes in blocks that have a mapping of their own
b = np.ones(1 << 20, np.uint8)
print(json.dumps(libc.mallinfo2().hblkhd - before))
"""


@LINUX
@pytest.mark.parametrize(
    "setup, keeps_a_mapping",
    [
        ("from catlr.runtime import configure_process; configure_process(server=True)", True),
        (IMPORT_EVERYTHING, False),  # importing alone changes nothing: the probe sees glibc's own behaviour
    ],
)
def test_the_server_returns_freed_history_arrays_to_the_system(setup, keeps_a_mapping):
    # Without a fixed threshold, freeing a 4 MB array raises glibc's mmap threshold, and the next 1 MB array
    # comes from the heap instead of a mapping of its own (so the memory of closed sessions stayed with
    # the process). Both cases run, so the probe itself is checked too.
    grew = fresh_python_json(MMAP_PROBE.format(setup=setup), drop_env=("MALLOC_",))
    assert grew >= 1 << 20 if keeps_a_mapping else grew == 0


TRIM_PROBE = """
import json
import numpy as np
from catlr.runtime import release_free_memory

def rss_mb():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:")) / 1024

blocks = [np.ones(60_000, np.uint8) for _ in range(600)]  # 36 MB of heap blocks (below the mmap threshold)
allocated = rss_mb()
del blocks[:-1]  # the last block stays at the top of the heap, so free() alone cannot give the rest back
freed = rss_mb()
release_free_memory()
print(json.dumps({"allocated": allocated, "freed": freed, "trimmed": rss_mb()}))
"""


@LINUX
def test_release_free_memory_gives_free_heap_pages_back():
    mb = fresh_python_json(TRIM_PROBE, drop_env=("MALLOC_",))
    assert mb["freed"] > mb["allocated"] - 5  # freeing alone kept the memory: the situation being fixed
    assert mb["trimmed"] < mb["freed"] - 25
