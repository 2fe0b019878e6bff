"""Where one step on the Step-through page spends its time (prints figures; not a test).

    .venv/bin/python scripts/bench_step.py [--steps 8] [--port N] [--path 'step?step_lr=0.1']

Against a live `streamlit run app.py` on 127.0.0.1 driven by Debian's chromium, opens /step and presses
"+10" ``--steps`` times. For each step it prints: click to the new iteration on screen, click to idle (as
the tests wait for it: 210 ms then no script running), the server's run (the rerun message sent to the
``script_finished`` message received, from the websocket frames), how many elements came back (charts and
images), the bytes of the websocket messages and of the images the browser then fetched, and the CPU
time each side spent: the server process (user + system, from /proc) and the browser's renderer main thread
(Chrome's ``Performance.getMetrics`` TaskDuration). CPU times hold up on a busy machine; wall times do not.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402, TID251 - the wire format, not the UI

from tests.e2e.server import CHROMIUM, CHROMIUM_ARGS, streamlit_server  # noqa: E402

IDLE_JS = (
    "() => document.querySelector(\"[data-testid='stApp'][data-test-script-state='notRunning']\") !== null"
    " && document.querySelectorAll(\"[data-testid='stSkeleton']\").length === 0"
)


class Wire:
    """The websocket frames and media requests of the step being measured."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.sent_at: float | None = None
        self.finished_at: float | None = None
        self.ws_bytes = 0
        self.kinds: dict[str, int] = {}
        self.media: list[int] = []

    def received(self, payload) -> None:
        if isinstance(payload, str):
            return
        self.ws_bytes += len(payload)
        msg = ForwardMsg()
        msg.ParseFromString(payload)
        kind = msg.WhichOneof("type")
        if kind == "script_finished" and self.finished_at is None:
            self.finished_at = time.perf_counter()
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element.WhichOneof("type")
            self.kinds[element] = self.kinds.get(element, 0) + 1

    def sent(self, payload) -> None:
        if self.sent_at is None:
            self.sent_at = time.perf_counter()

    def response(self, response) -> None:
        if "/media/" in response.url:
            try:
                self.media.append(len(response.body()))
            except Exception:  # noqa: BLE001 - a body the browser dropped: count it as 0 bytes
                self.media.append(0)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def renderer_seconds(cdp) -> float:
    """The page's main-thread task time so far (layout, style, script, paint)."""
    return next(m["value"] for m in cdp.send("Performance.getMetrics")["metrics"] if m["name"] == "TaskDuration")


def metric_is(page, label: str, value: str) -> None:
    box = page.locator("[data-testid='stMetric']", has_text=label).first
    box.locator("[data-testid='stMetricValue']", has_text=value).wait_for(timeout=60_000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--port", type=int, default=0, help="the server's port (default: a free one)")
    parser.add_argument("--tab", help="open this tab first, e.g. 'The loss landscape'")
    parser.add_argument("--path", default="step", help="the page and query, e.g. 'step?step_lr=0.1'")
    args = parser.parse_args()
    wire = Wire()
    with streamlit_server(port=args.port or None) as (url, proc), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.on("websocket", lambda ws: (ws.on("framereceived", wire.received), ws.on("framesent", wire.sent)))
        page.on("response", wire.response)
        cdp = page.context.new_cdp_session(page)
        cdp.send("Performance.enable")
        start = time.perf_counter()
        page.goto(f"{url}/{args.path}")
        page.wait_for_timeout(210)
        page.wait_for_function(IDLE_JS, timeout=120_000)
        print(f"page open to idle: {1000 * (time.perf_counter() - start):.0f} ms")
        if args.tab:
            page.get_by_role("tab", name=args.tab).click()
            page.wait_for_timeout(210)
            page.wait_for_function(IDLE_JS, timeout=60_000)
        button = page.locator(".st-key-step_move_10 button").first
        rows = []
        at = int(page.locator(".st-key-step_at input").input_value())
        for _ in range(args.steps):
            page.wait_for_timeout(300)
            wire.reset()
            at += 10
            server_cpu, browser_cpu = cpu_seconds(proc.pid), renderer_seconds(cdp)
            start = time.perf_counter()
            button.click()
            metric_is(page, "Iteration", f"{at:,}")
            shown = time.perf_counter() - start
            page.wait_for_timeout(210)
            page.wait_for_function(IDLE_JS, timeout=60_000)
            idle = time.perf_counter() - start - 0.210  # the tests' fixed 210 ms wait left out
            server = (wire.finished_at or start) - (wire.sent_at or start)
            server_cpu, browser_cpu = cpu_seconds(proc.pid) - server_cpu, renderer_seconds(cdp) - browser_cpu
            rows.append((shown, idle, server, server_cpu, browser_cpu))
            print(
                f"step to {at}: shown {1000 * shown:5.0f} ms, idle {1000 * idle:5.0f} ms (+210 ms wait), "
                f"server run {1000 * server:4.0f} ms; CPU: server {1000 * server_cpu:.0f} ms, "
                f"browser {1000 * browser_cpu:.0f} ms; elements {wire.kinds}; websocket {wire.ws_bytes / 1024:.0f} kB, "
                f"{len(wire.media)} images fetched ({sum(wire.media) / 1024:.0f} kB)"
            )
        for name, column in zip(
            ("shown", "idle", "server run", "server CPU", "browser CPU"), zip(*rows, strict=True), strict=True
        ):
            print(f"median {name}: {1000 * statistics.median(column):.0f} ms")
        browser.close()


if __name__ == "__main__":
    main()
