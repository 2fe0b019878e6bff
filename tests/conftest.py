"""Shared fixtures: where the real dataset is, and a guard that turns any skip into a failure.

The suite never skips silently: a test that needs the real data or a browser and cannot find it
fails with a message saying how to provide it. Set CATLR_ALLOW_SKIPS=1 to relax the guard locally.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_FILES = ("train_catvnoncat.h5", "test_catvnoncat.h5")


def find_real_data_dir() -> Path | None:
    """CATLR_DATA_DIR if set, else ../shared/data beside the project (where CI puts it)."""
    candidates = []
    if os.environ.get("CATLR_DATA_DIR"):
        candidates.append(Path(os.environ["CATLR_DATA_DIR"]))
    candidates.append(REPO_ROOT.parent / "shared" / "data")
    for c in candidates:
        if all((c / f).is_file() for f in DATA_FILES):
            return c.resolve()
    return None


def fresh_python_json(code: str, drop_env: tuple[str, ...] = ()):
    """Run ``code`` in a fresh Python process (cwd = the repo) and return the JSON it prints.

    Environment variables whose names start with any of ``drop_env`` are removed first.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop_env)} if drop_env else None
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO_ROOT, env=env
    )
    return json.loads(run.stdout)


def pytest_configure(config: pytest.Config) -> None:
    # The app keeps prepared arrays in the per-user cache folder: give the suite (and the servers it starts)
    # a fresh one, so tests neither read nor leave files in the real one.
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="catlr-test-cache-")


@pytest.fixture(scope="session")
def real_data_dir() -> Path:
    """The folder holding the two real .h5 files; fails (never skips) when they are missing."""
    found = find_real_data_dir()
    if found is None:
        pytest.fail(
            "the real dataset was not found: set CATLR_DATA_DIR to the folder holding "
            f"{' and '.join(DATA_FILES)}, or run `python -m catlr download`"
        )
    return found


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get("CATLR_ALLOW_SKIPS") == "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped and exitstatus == 0:
        reporter.write_line(f"FAILED: {len(skipped)} test(s) skipped; this suite must run every test", red=True)
        session.exitstatus = 1


@pytest.fixture(scope="session")
def redis_url():
    """A real redis-server on a free loopback port for the whole session (tests/redis_server.py)."""
    from tests.redis_server import redis_server

    with redis_server() as url:
        yield url
