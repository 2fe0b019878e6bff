"""The deployment of deploy/README.md: `scripts/serve.sh --workers 2` (two Streamlit processes behind HAProxy),
driven by Debian's chromium through the balancer. A Streamlit session lives in one process, so every request
of a browser — the page, the websocket, media files, uploads — must reach the same worker (sticky sessions)."""

from __future__ import annotations

import csv
import io
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.browsing import expect_metric, open_tab, press_on_slider, upload
from tests.e2e.deploy import served
from tests.e2e.server import wait_idle
from tests.helpers import browser_metric
from ui import state

pytestmark = pytest.mark.e2e

# On a deep link Streamlit's front end probes /train/_stcore/... for its base path: 404s by design.
BASE_PATH_PROBE = re.compile(r"/[\w-]+/_stcore/(health|host-config)$")


def _new_session(browser, failed: list[str]):
    """A fresh browser context (its own cookies: a new Streamlit session) whose failed requests are recorded."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()

    def record(response) -> None:
        if response.status >= 400 and not BASE_PATH_PROBE.search(response.url):
            failed.append(f"{response.status} {response.request.method} {response.url}")

    page.on("response", record)
    return context, page


def _worker_of(context) -> str:
    """The worker HAProxy pins this browser to: its SERVERID cookie."""
    cookies = {c["name"]: c["value"] for c in context.cookies()}
    assert "SERVERID" in cookies, f"HAProxy set no SERVERID cookie, so sessions are not sticky: {cookies}"
    return cookies["SERVERID"]


def _history(page) -> tuple[list[tuple[int, float, str]], str]:
    """The History tab's runs as (iterations, learning rate, solver), read from its CSV download, and its URL.

    The download is a /media/ file held in the memory of the worker that ran the script.
    """
    open_tab(page, "History")  # opening a tab reruns the page: a click before that rerun ends can be lost
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the history (CSV)").click()
    download = info.value
    assert download.failure() is None, f"{download.url}: {download.failure()} (a /media/ file on another worker?)"
    rows = csv.DictReader(io.StringIO(Path(download.path()).read_text()))
    return [(int(r["iterations"]), float(r["learning_rate"]), r["solver"]) for r in rows], download.url


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_two_workers_behind_haproxy_keep_each_session_on_its_own_worker(browser, real_data_dir, tmp_path):
    failed: list[str] = []
    with served(workers=2, env={"CATLR_DATA_DIR": str(real_data_dir)}) as deployment:
        assert sorted(deployment.workers) == ["w1", "w2"]
        alice_ctx, alice = _new_session(browser, failed)
        bob_ctx, bob = _new_session(browser, failed)
        # Both open at once: the two cold first runs train in two processes, on both cores.
        alice.goto(f"{deployment.url}/train")
        bob.goto(f"{deployment.url}/train")
        wait_idle(alice)
        wait_idle(bob)
        homes = {"alice": _worker_of(alice_ctx), "bob": _worker_of(bob_ctx)}
        assert sorted(homes.values()) == ["w1", "w2"], f"round robin puts two new sessions on two workers: {homes}"
        assert browser_metric(alice, "Train accuracy") == browser_metric(bob, "Train accuracy") == "99.04 %"

        # A slider move is a rerun: the model retrains and joins this session's history.
        press_on_slider(alice, state.TRAIN_LR, "ArrowLeft")  # 0.005 -> 0.003
        press_on_slider(bob, state.TRAIN_LR, "ArrowRight")  # 0.005 -> 0.007
        lowered = browser_metric(alice, "Train accuracy")
        assert lowered != "99.04 %"

        alice_runs, alice_csv = _history(alice)
        bob_runs, _ = _history(bob)
        assert [r[:2] for r in alice_runs] == [(2000, 0.005), (2000, 0.003)]
        assert [r[:2] for r in bob_runs] == [(2000, 0.005), (2000, 0.007)], "each session keeps its own history"
        # Media live in one process's memory: through the balancer every request of Alice's browser finds hers
        # (round robin would alternate), and only her worker has the file at all.
        for _ in range(4):
            assert alice_ctx.request.get(alice_csv).status == 200
        other = {"w1": "w2", "w2": "w1"}[homes["alice"]]
        path = alice_csv.removeprefix(deployment.url)
        assert _status(deployment.workers[homes["alice"]] + path) == 200
        assert _status(deployment.workers[other] + path) == 404

        # An upload (a PUT with the XSRF cookie to /_stcore/upload_file/<session>/...) must reach the session's
        # worker too: load the lr-0.003 model back after training another one.
        with alice.expect_download() as info:
            alice.get_by_role("button", name="Download the model (.npz)").click()
        saved = tmp_path / "alice.npz"
        info.value.save_as(saved)
        press_on_slider(alice, state.TRAIN_LR, "ArrowRight")  # back to 0.005: a third model
        expect_metric(alice, "Train accuracy", "99.04 %")
        open_tab(alice, "History")
        upload(alice, alice.locator("[data-testid='stFileUploaderDropzoneInput']"), str(saved))
        assert not [f for f in failed if "/_stcore/upload_file/" in f], f"the upload went astray: {failed}"
        use = alice.get_by_role("button", name="Use this model")
        expect(use).to_be_visible(timeout=10_000)
        use.click()
        expect_metric(alice, "Train accuracy", lowered)

        alice_runs, _ = _history(alice)
        assert [r[:2] for r in alice_runs] == [(2000, 0.005), (2000, 0.003), (2000, 0.005), (2000, 0.003)]
        assert alice_runs[-1][2] == "loaded"
        assert [r[:2] for r in _history(bob)[0]] == [(2000, 0.005), (2000, 0.007)]
        assert {"alice": _worker_of(alice_ctx), "bob": _worker_of(bob_ctx)} == homes, "nobody changed workers"
        alice_ctx.close()
        bob_ctx.close()
    assert not failed, f"failed requests through the balancer: {failed}"
    assert deployment.left_behind == [], "SIGTERM to serve.sh must stop HAProxy and every worker"
