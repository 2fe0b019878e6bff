"""Run the real `scripts/serve.sh` (N workers behind HAProxy) on free loopback ports, and stop it as a service
manager would: SIGTERM to the script alone, then a check that nothing it started is left behind."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.e2e.server import REPO_ROOT, wait_healthy

READY = re.compile(r"^catlr is served on (http://127\.0\.0\.1:\d+) ", re.M)
WORKER = re.compile(r"^worker (w\d+): pid (\d+) on (http://127\.0\.0\.1:\d+)$", re.M)
BALANCER = re.compile(r"^haproxy: pid (\d+) ", re.M)


@dataclass
class Deployment:
    """A running serve.sh: the balancer's URL, each worker's own URL and pid, HAProxy's pid."""

    url: str
    workers: dict[str, str]  # server name in the HAProxy config ("w1") -> the worker's own URL
    pids: dict[str, int]  # "w1", "w2", ..., "haproxy" -> pid
    log: Path
    left_behind: list[str] = field(default_factory=list)  # filled on exit: processes still alive after SIGTERM


def free_port_run(count: int, attempts: int = 50) -> int:
    """A port P such that P, P+1, ..., P+count-1 are all free on 127.0.0.1."""
    for _ in range(attempts):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            first = s.getsockname()[1]
        if first + count > 65535:
            continue
        try:
            with contextlib.ExitStack() as stack:
                for port in range(first, first + count):
                    s = stack.enter_context(socket.socket())
                    s.bind(("127.0.0.1", port))
        except OSError:
            continue
        return first
    raise RuntimeError(f"no run of {count} free ports found on 127.0.0.1")


def _group_members(pgid: int) -> list[str]:
    """Live processes of process group ``pgid``, as "pid command" (zombies excluded)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        # pid (comm) state ppid pgrp ...: comm may hold spaces, so split after its closing parenthesis
        state, _ppid, pgrp = text[text.rindex(")") + 2 :].split()[:3]
        if int(pgrp) == pgid and state != "Z":
            members.append(f"{stat.parent.name} {text[text.index('(') + 1 : text.rindex(')')]}")
    return members


def _wait_for_output(proc: subprocess.Popen, log: Path, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log.read_text()
        if READY.search(text):
            return text
        if proc.poll() is not None:
            raise RuntimeError(f"serve.sh exited with {proc.returncode}; its output:\n{text[-4000:]}")
        time.sleep(0.1)
    raise RuntimeError(f"serve.sh was not ready within {timeout} s; its output:\n{log.read_text()[-4000:]}")


@contextlib.contextmanager
def served(workers: int = 2, env: dict[str, str] | None = None, timeout: float = 90.0) -> Iterator[Deployment]:
    """Yield a live ``scripts/serve.sh --workers N --port FREE``; on exit SIGTERM it and record what survived.

    serve.sh runs in its own process group, so whatever it leaves behind is found (and then killed) by group.
    """
    port = free_port_run(workers + 1)
    log = Path(tempfile.NamedTemporaryFile(prefix=f"catlr-serve-{port}-", suffix=".log", delete=False).name)
    with log.open("w") as out:
        proc = subprocess.Popen(
            ["bash", "scripts/serve.sh", "--workers", str(workers), "--port", str(port)],
            cwd=REPO_ROOT,
            env={**os.environ, **(env or {})},
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deployment = None
    try:
        text = _wait_for_output(proc, log, timeout)
        url = READY.search(text).group(1)
        wait_healthy(url, timeout=10)
        found = WORKER.findall(text)
        deployment = Deployment(
            url=url,
            workers={name: worker_url for name, _, worker_url in found},
            pids={**{name: int(pid) for name, pid, _ in found}, "haproxy": int(BALANCER.search(text).group(1))},
            log=log,
        )
        yield deployment
    finally:
        left = _stop(proc)
        if deployment is not None:
            deployment.left_behind = left


def _stop(proc: subprocess.Popen) -> list[str]:
    """SIGTERM serve.sh alone (its trap must stop all it started); return what survived, then kill it by group."""
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=20)
    deadline = time.monotonic() + 5  # a log prefixer may take a moment to see its input close
    while (left := _group_members(proc.pid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    return left
