"""Start and stop a real `streamlit run app.py` on a free loopback port (used by the e2e tests and benchmarks)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from scripts.warm_up import warm_up
from tests.helpers import stop_process

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CATLR_CHROMIUM", "/usr/lib/chromium/chromium")
# No background traffic: this machine (and CI) has no network beyond loopback.
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, timeout: float = 60.0) -> float:
    """Poll /_stcore/health until it answers ok; returns the seconds it took."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return time.perf_counter() - start
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"streamlit did not become healthy at {url} within {timeout} s")


@contextlib.contextmanager
def streamlit_server(
    env: dict[str, str] | None = None,
    extra_args: list[str] | None = None,
    script: str = "app.py",
    warm: bool = True,
    port: int | None = None,
) -> Iterator[tuple[str, subprocess.Popen]]:
    """Yield (base URL, process) of a live dashboard (or another ``script``) on ``port`` (default: a free one);
    the server is terminated on exit."""
    port = port or free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", script,
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.address", "127.0.0.1", "--server.port", str(port), "--server.fileWatcherType", "none",
        "--global.developmentMode", "false", "--client.toolbarMode", "minimal",
    ] + (extra_args or [])  # fmt: skip
    log = tempfile.NamedTemporaryFile("w+", prefix=f"catlr-streamlit-{port}-", suffix=".log", delete=False)
    env = {**os.environ, **(env or {})}
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_healthy(url)
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}; server log:\n{Path(log.name).read_text()[-4000:]}") from None
        if warm:  # as scripts/app.sh does: in the background, so the first page load overlaps it
            threading.Thread(target=warm_up, args=(url,), daemon=True).start()
        yield url, proc
    finally:
        stop_process(proc)
        log.close()


def wait_idle(page, timeout: float = 30_000) -> None:
    """Wait for a rerun to finish, as Streamlit's own e2e suite does."""
    page.wait_for_timeout(210)
    page.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']").wait_for(
        state="attached", timeout=timeout
    )
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        state="attached", timeout=timeout
    )
    page.wait_for_function("document.querySelectorAll(\"[data-testid='stSkeleton']\").length === 0", timeout=timeout)
