"""Read untrusted files in a resource-limited child process.

A hostile HDF5 file can crash the reader (a self-referencing virtual dataset segfaults HDF5),
hang it or exhaust memory. Under ``streamlit run`` every user shares one process, so such a file
is read in a separate process, never in the caller's.

The sandbox is a generic runner: the caller hands it the function to run (``"module:function"``)
and the files, and it knows nothing of what the function reads. On first use it starts one helper,
:mod:`catlr.sandbox_zygote` (fork+exec, safe from a threaded server), with a minimal environment
(no secrets of the caller), ``HDF5_PLUGIN_PRELOAD="::"`` (no filter plugin is ever loaded) and
``HDF5_PLUGIN_PATH`` set to an empty folder. The helper imports each target's module once, then forks
a fresh single-use child for every request, which saves the imports of NumPy, h5py and the reader on
every file. Each child:

- works in its own temporary folder: bytes in (``in0.h5``, ...), plain NumPy arrays out
  (``out.npz``, read here with ``allow_pickle=False`` and checked again by the caller);
- limits itself before touching the file: address space (interpreter + ``SANDBOX_MEMORY_BYTES``),
  CPU time, output size, no core dumps;
- is killed after ``SANDBOX_TIMEOUT_SECONDS`` of wall-clock time.

Whatever happens to the child, the caller gets one :class:`CatlrInputError` saying what went
wrong, and carries on; if the helper itself dies, the next request starts a new one.
"""

from __future__ import annotations

import atexit
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np

from catlr import limits
from catlr.errors import CatlrInputError
from catlr.sandbox_zygote import EXIT_INPUT_ERROR, EXIT_MEMORY, MAX_MESSAGE_CHARS

_HELPER_GONE = "helper-gone"
# Started with -c, not -m: under -m the package's own imports would load the module a second time.
_HELPER_COMMAND = "import sys; from catlr.sandbox_zygote import main; sys.exit(main())"
_PACKAGE_ROOT = Path(__file__).resolve().parent.parent
_ENV_KEPT = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "PYTHONHOME", "VIRTUAL_ENV")


class Job(NamedTuple):
    """One file for the child: its bytes, its name in messages, extra keyword arguments (str)."""

    data: bytes
    label: str
    kwargs: dict[str, str]


def run_sandboxed(
    target: str,
    jobs: Sequence[Job],
    *,
    timeout_s: float | None = None,
    memory_bytes: int | None = None,
    cpu_seconds: int | None = None,
) -> list[dict[str, np.ndarray]]:
    """Run ``target(path, label, **kwargs)`` on each job's bytes in one limited child process.

    Safe to call from many threads at once.

    Args:
        target: ``"module:function"``; the function takes the path of a file holding the job's
            bytes, its label and the job's kwargs, and returns a dict of NumPy arrays (no objects).
            It raises :class:`CatlrInputError` for a bad file.
        jobs: the files to read.
        timeout_s, memory_bytes, cpu_seconds: default to ``limits.SANDBOX_*`` (read at call time).
    Returns:
        one dict of arrays per job, in order.
    Raises:
        CatlrInputError: the file is bad (the child's message), or the child crashed, took too long
            or needed too much memory.
    """
    timeout_s = limits.SANDBOX_TIMEOUT_SECONDS if timeout_s is None else timeout_s
    memory_bytes = limits.SANDBOX_MEMORY_BYTES if memory_bytes is None else memory_bytes
    cpu_seconds = limits.SANDBOX_CPU_SECONDS if cpu_seconds is None else cpu_seconds
    cap = _output_cap(len(jobs))
    with tempfile.TemporaryDirectory(prefix="catlr-sandbox-") as tmp:
        work = Path(tmp)
        for i, job in enumerate(jobs):
            (work / f"in{i}.h5").write_bytes(job.data)
        (work / "jobs.json").write_text(json.dumps([{"label": j.label, "kwargs": j.kwargs} for j in jobs]))
        request = {"dir": str(work), "argv": [target, str(memory_bytes), str(cpu_seconds), str(cap)]}
        status = _helper().run(request, timeout_s)
        if status == _HELPER_GONE:  # the helper died (not the child): one more try with a new one
            status = _helper().run(request, timeout_s)
        if status is None:
            raise CatlrInputError(
                f"{_culprit(work, jobs)} could not be read safely: the reader took longer than {timeout_s:g} s"
            )
        if status == _HELPER_GONE:
            raise CatlrInputError(f"{_culprit(work, jobs)} could not be read: the sandbox process stopped")
        return _collect(status, work, jobs, memory_bytes, cpu_seconds, cap)


def _output_cap(n_jobs: int) -> int:
    """Largest output the child may write: the biggest images allowed, per file, plus room."""
    images = limits.MAX_IMAGES * limits.MAX_NUM_PX * limits.MAX_NUM_PX * 3
    return n_jobs * (images + 8 * limits.MAX_IMAGES) + 16 * 2**20


def _culprit(work: Path, jobs: Sequence[Job]) -> str:
    """The label of the file the child was reading (it writes the index before each file)."""
    try:
        return jobs[int((work / "current").read_text())].label
    except (OSError, ValueError, IndexError):
        return " or ".join(job.label for job in jobs)


def _collect(
    code: int, work: Path, jobs: Sequence[Job], memory_bytes: int, cpu_seconds: int, cap: int
) -> list[dict[str, np.ndarray]]:
    """Turn the child's exit status and files into results or one clear error."""
    unsafe = f"{_culprit(work, jobs)} could not be read safely"
    if code == EXIT_INPUT_ERROR:
        try:
            message = (work / "error.txt").read_text(encoding="utf-8", errors="replace")[:MAX_MESSAGE_CHARS]
        except OSError:
            message = f"{unsafe}: the reader rejected it without saying why"
        raise CatlrInputError(message)
    if code == EXIT_MEMORY:
        raise CatlrInputError(f"{unsafe}: the reader needed more than {memory_bytes / 2**20:,.0f} MB of memory")
    if code == -signal.SIGXCPU:
        raise CatlrInputError(f"{unsafe}: the reader used more than {cpu_seconds} s of CPU time")
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.valid_signals() else f"signal {-code}"
        raise CatlrInputError(f"{unsafe}: the reader crashed ({name}); the file is damaged or hostile")
    out = work / "out.npz"
    if code != 0 or not out.is_file() or out.stat().st_size > cap:
        raise CatlrInputError(f"{unsafe}: the reader failed unexpectedly (exit code {code})")
    try:
        with np.load(out, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
    except (ValueError, OSError, EOFError, KeyError, zipfile.BadZipFile):
        raise CatlrInputError(f"{unsafe}: the reader returned data that is not plain arrays") from None
    results: list[dict[str, np.ndarray]] = [{} for _ in jobs]
    for name, array in arrays.items():
        index, _, key = name.partition("_")
        if index.isdigit() and int(index) < len(jobs):
            results[int(index)][key] = array
    return results


# ---------------------------------------------------------------------------------------------
# The caller's side of the helper


class _Helper:
    """The running helper (:mod:`catlr.sandbox_zygote`); requests and replies are JSON lines, matched by id."""

    def __init__(self) -> None:
        self.owner = os.getpid()  # a forked copy of the caller must start its own helper
        self._plugins = tempfile.mkdtemp(prefix="catlr-no-plugins-")
        self._process = subprocess.Popen(
            [sys.executable, "-c", _HELPER_COMMAND],
            cwd=self._plugins,
            env=_child_env(Path(self._plugins)),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._lock = threading.Lock()
        self._waiting: dict[int, queue.Queue] = {}
        self._next_id = 0
        self._gone = False
        threading.Thread(target=self._read_replies, name="catlr-sandbox-replies", daemon=True).start()

    @property
    def alive(self) -> bool:
        return self.owner == os.getpid() and not self._gone and self._process.poll() is None

    def run(self, request: dict, timeout_s: float) -> int | str | None:
        """The child's exit status (negative: killed by that signal), None on timeout, or _HELPER_GONE."""
        replies: queue.Queue = queue.Queue()
        with self._lock:
            request_id = self._next_id
            self._next_id += 1
            self._waiting[request_id] = replies
            sent = self._send({**request, "id": request_id})
        try:
            if not sent:
                return _HELPER_GONE
            try:
                return replies.get(timeout=timeout_s)
            except queue.Empty:
                with self._lock:
                    self._send({"kill": request_id})
                try:
                    replies.get(timeout=10)  # the killed child's status, once the helper has reaped it
                except queue.Empty:
                    pass
                return None
        finally:
            with self._lock:
                self._waiting.pop(request_id, None)

    def _send(self, message: dict) -> bool:
        try:
            self._process.stdin.write(json.dumps(message).encode() + b"\n")
            self._process.stdin.flush()
            return True
        except (OSError, ValueError):  # broken pipe, or closed
            self._gone = True
            return False

    def _read_replies(self) -> None:
        for line in self._process.stdout:
            try:
                reply = json.loads(line)
                replies = self._waiting.get(reply["id"])
            except (ValueError, KeyError, TypeError):
                continue
            if replies is not None:
                replies.put(int(reply["status"]))
        with self._lock:
            self._gone = True
            for replies in self._waiting.values():
                replies.put(_HELPER_GONE)

    def stop(self) -> None:
        try:
            self._process.stdin.close()  # the helper kills its children and exits on end of input
            self._process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self._process.kill()
        shutil.rmtree(self._plugins, ignore_errors=True)


_helper_lock = threading.Lock()
_current: _Helper | None = None


def _helper() -> _Helper:
    global _current
    with _helper_lock:
        if _current is None or not _current.alive:
            if _current is not None and _current.owner == os.getpid():
                _current.stop()
            _current = _Helper()
            atexit.register(_current.stop)
        return _current


def _child_env(plugin_dir: Path) -> dict[str, str]:
    env = {key: os.environ[key] for key in _ENV_KEPT if key in os.environ}
    inherited = os.environ.get("PYTHONPATH", "")
    env.update(
        PYTHONPATH=os.pathsep.join(p for p in (str(_PACKAGE_ROOT), inherited) if p),
        PYTHONDONTWRITEBYTECODE="1",
        HDF5_PLUGIN_PRELOAD="::",
        HDF5_PLUGIN_PATH=str(plugin_dir),
        OMP_NUM_THREADS="1",
        OPENBLAS_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
    )
    return env
