"""The sandbox's helper process: it forks one resource-limited child per request and reports how each ended.

The helper is started once by :mod:`catlr.sandbox` with a minimal, plugin-free environment and has no
threads, so forking it is safe; each child starts with the modules the helper has already imported.
This module knows nothing of what the children read: each request names its target function
("module:function"), and the helper imports that module once, before the first child that needs it.

Protocol, one JSON object per line: ``{"id", "dir", "argv"}`` runs a child in folder ``dir``;
``{"kill": id}`` kills that request's child; each reply is ``{"id", "status"}``, the child's exit
status (negative: killed by that signal). End of input kills the children and ends the helper.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import select
import signal
from pathlib import Path

import numpy as np

from catlr.errors import CatlrInputError

# The child's exit codes besides 0 (its arrays are in out.npz) and 1 (an unexpected failure).
EXIT_INPUT_ERROR = 3  # the target raised CatlrInputError; its message is in error.txt
EXIT_MEMORY = 4
MAX_MESSAGE_CHARS = 2000


def main() -> int:
    """Fork one child per request line; reply with each child's exit status; stop at end of input."""
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    children: dict[int, int] = {}  # pid -> request id
    pending = b""
    while True:
        try:
            ready, _, _ = select.select([0, wake_r], [], [])
        except InterruptedError:
            continue
        if wake_r in ready:
            os.read(wake_r, 4096)
        if 0 in ready:
            chunk = os.read(0, 65536)
            if not chunk:
                break
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                _handle(json.loads(line), children)
        _reap(children)
    for pid in children:
        os.kill(pid, signal.SIGKILL)
    return 0


def _handle(request: dict, children: dict[int, int]) -> None:
    if "kill" in request:
        for pid, request_id in children.items():
            if request_id == request["kill"]:
                os.kill(pid, signal.SIGKILL)  # not reaped yet, so the pid is still this child's
        return
    _preload(request["argv"][0])
    pid = os.fork()
    if pid == 0:
        _forked_child(request)
    children[pid] = request["id"]


def _preload(target: str) -> None:
    """Import the target's module here, once, so every child forked afterwards starts with it loaded."""
    with contextlib.suppress(Exception):  # the child imports it again and its exit status reports the failure
        importlib.import_module(target.partition(":")[0])


def _reap(children: dict[int, int]) -> None:
    while children:
        pid, status = os.waitpid(-1, os.WNOHANG)
        if pid == 0:
            return
        request_id = children.pop(pid, None)
        if request_id is not None:
            reply = json.dumps({"id": request_id, "status": os.waitstatus_to_exitcode(status)})
            os.write(1, reply.encode() + b"\n")


def _forked_child(request: dict) -> None:
    code = 1
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):  # the helper's pipes are not the child's to write to
            os.dup2(null, fd)
        os.chdir(request["dir"])
        code = _child_main(request["argv"])
    finally:
        os._exit(code)


def _limit_resources(memory_bytes: int, cpu_seconds: int, output_bytes: int) -> None:
    import resource

    try:  # Linux: the interpreter's current address space; the allowance is on top of it
        with open("/proc/self/statm") as statm:
            baseline = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        baseline = 0
    resource.setrlimit(resource.RLIMIT_AS, (baseline + memory_bytes, baseline + memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (output_bytes, output_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _child_main(argv: list[str]) -> int:
    """In the child's folder: import the target, limit resources, read each ``in{i}.h5``."""
    target, memory_bytes, cpu_seconds, output_bytes = argv[0], int(argv[1]), int(argv[2]), int(argv[3])
    module_name, _, function_name = target.partition(":")
    function = getattr(importlib.import_module(module_name), function_name)  # imports before the limits
    jobs = json.loads(Path("jobs.json").read_text())
    _limit_resources(memory_bytes, cpu_seconds, output_bytes)
    arrays: dict[str, np.ndarray] = {}
    try:
        for i, job in enumerate(jobs):
            Path("current").write_text(str(i))
            for key, value in function(Path(f"in{i}.h5"), job["label"], **job["kwargs"]).items():
                arrays[f"{i}_{key}"] = np.asarray(value)
        np.savez(Path("out.npz"), **arrays)
    except CatlrInputError as error:
        Path("error.txt").write_text(str(error)[:MAX_MESSAGE_CHARS], encoding="utf-8")
        return EXIT_INPUT_ERROR
    except MemoryError:
        return EXIT_MEMORY
    return 0
