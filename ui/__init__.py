"""Streamlit helpers shared by the pages (the only place besides app.py and pages/ that imports Streamlit).

Importing this package, which every page does through app.py, sets three things for the server process,
however it was started:

- **BLAS on one thread.** Many users share one server process, and each page run is its own thread:
  when several of them called a multi-threaded OpenBLAS at once, it kept buffers for every concurrent
  caller for the rest of the process (measured: 8 threads doing the app's products at once, +70 MB that
  never came back; none with one thread). On the exercise's data the products are small (at most
  12,288 × 209), so one thread per call costs little, and users run in parallel anyway; a large uploaded
  dataset computes its Gram matrix on one core instead of two.
- **A fixed mmap threshold (glibc).** Every model keeps megabytes of per-iteration history in NumPy
  arrays. When such a block is freed, glibc raises its mmap threshold to its size, so later blocks come
  from the heap and their memory is not returned to the system as sessions come and go (measured with
  the 8-session load of scripts/bench_browser.py: warm baseline 324 MB and 538 MB after the load without
  it; 258 and 266 MB with it). Fixing the threshold at glibc's initial 128 KB keeps large blocks in their
  own mappings, returned when freed. Other C libraries have no ``mallopt``; nothing is changed there.
- **Free heap pages back to the system every 10 s (glibc).** Smaller blocks live in glibc's heaps, which
  give memory back only from their top; what closed sessions freed in the middle stays with the process.
  After four rounds of the 8-session load glibc held 30 MB of free heap while the memory in use stayed at
  50.6 MB and Python's object count did not change (no leak); one ``malloc_trim(0)`` returned 11 MB of it
  in 1.7 ms. A daemon thread calls it every ``TRIM_EVERY_SECONDS`` (10 s).
"""

import ctypes
import threading
import time

from threadpoolctl import threadpool_limits

MMAP_THRESHOLD = 128 * 1024
TRIM_EVERY_SECONDS = 10.0
_M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter number (malloc.h)


def _libc_function(name: str):
    """The C library's function ``name``, or None where there is none (not glibc)."""
    try:
        return getattr(ctypes.CDLL(None), name)
    except (OSError, AttributeError, TypeError):
        return None


_MALLOPT, _MALLOC_TRIM = _libc_function("mallopt"), _libc_function("malloc_trim")


def _fix_mmap_threshold(nbytes: int = MMAP_THRESHOLD) -> bool:
    """Fix glibc's mmap threshold at ``nbytes`` (no dynamic raising); False where there is no mallopt."""
    return _MALLOPT is not None and bool(_MALLOPT(_M_MMAP_THRESHOLD, nbytes))


def release_free_memory() -> bool:
    """Return glibc's free heap pages to the system (``malloc_trim(0)``); False where there is none."""
    if _MALLOC_TRIM is None:
        return False
    _MALLOC_TRIM(0)
    return True


def _trim_forever(every: float) -> None:
    while release_free_memory():
        time.sleep(every)


threadpool_limits(limits=1, user_api="blas")
_fix_mmap_threshold()
threading.Thread(target=_trim_forever, args=(TRIM_EVERY_SECONDS,), name="catlr-malloc-trim", daemon=True).start()
