"""Process-wide settings, made in one explicit call by the entry points; importing catlr changes nothing.

:func:`configure_process` is called by ``app.py`` (``server=True``), the CLI and the benchmark
(``server=False``). What each setting is for, and the measurements behind it, are in
docs/architecture.md ("Process settings") and docs/memory-after-load.md.
"""

from __future__ import annotations

import ctypes
import functools
import threading
import time
from pathlib import Path

import scipy
from threadpoolctl import ThreadpoolController, threadpool_limits

MMAP_THRESHOLD = 128 * 1024  # glibc's initial mmap threshold, kept fixed
TRIM_EVERY_SECONDS = 10.0
_M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter number (malloc.h)
_TRIM_THREAD_NAME = "catlr-malloc-trim"
_lock = threading.Lock()
_configured: set[bool] = set()  # the ``server`` values configure_process has run with


@functools.cache
def _libc_function(name: str):
    """The C library's function ``name``, or None where there is none (not glibc); looked up once."""
    try:
        return getattr(ctypes.CDLL(None), name)
    except (OSError, AttributeError, TypeError):
        return None


def scipy_blas_on_one_thread() -> None:
    """Run SciPy's own copy of OpenBLAS (its wheels bundle one beside NumPy's) on a single thread.

    The engine calls it only for the loop's (m, m) symmetric matrix-vector product, too small for threads
    to pay; with two threads each, the two libraries' pools fight over the cores (warm training about 3×
    slower). NumPy's copy keeps its threads. Where both share one library, nothing is changed.
    """
    bundled = Path(scipy.__file__).resolve().parent.parent / "scipy.libs"
    for lib in ThreadpoolController().select(internal_api="openblas").lib_controllers:
        if Path(lib.filepath).resolve().parent == bundled:
            lib.set_num_threads(1)


def fix_mmap_threshold(nbytes: int = MMAP_THRESHOLD) -> bool:
    """Fix glibc's mmap threshold at ``nbytes`` (no dynamic raising); False where there is no mallopt."""
    mallopt = _libc_function("mallopt")
    return mallopt is not None and bool(mallopt(_M_MMAP_THRESHOLD, nbytes))


def release_free_memory() -> bool:
    """Return glibc's free heap pages to the system (``malloc_trim(0)``); False where there is none."""
    trim = _libc_function("malloc_trim")
    if trim is None:
        return False
    trim(0)
    return True


def _trim_forever(every: float) -> None:
    while release_free_memory():
        time.sleep(every)


def configure_process(server: bool) -> None:
    """Make the process-wide settings; safe to call on every rerun (each is made once).

    Always: SciPy's bundled BLAS on one thread (training speed). With ``server=True`` (the Streamlit
    server, where many sessions share one process): every BLAS on one thread (no per-caller buffers kept
    for good), glibc's mmap threshold fixed (freed histories go back to the system) and a daemon thread
    returning glibc's free heap pages every ``TRIM_EVERY_SECONDS``.
    """
    with _lock:
        if server in _configured:
            return
        scipy_blas_on_one_thread()
        if server:
            threadpool_limits(limits=1, user_api="blas")
            fix_mmap_threshold()
            thread = threading.Thread(target=_trim_forever, args=(TRIM_EVERY_SECONDS,), name=_TRIM_THREAD_NAME)
            thread.daemon = True
            thread.start()
        _configured.add(server)
