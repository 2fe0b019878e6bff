"""Browser benchmark and load check (prints figures; not a test).

    .venv/bin/python scripts/bench_browser.py [--sessions 10] [--load 8]

Measures, against a live `streamlit run app.py` on 127.0.0.1 driven by Debian's chromium:
server start to first page idle; slider change to updated metric (median of 10); photo upload to
result; server memory after N sessions. Then the load check: LOAD browser sessions train different
settings at the same time; each must show its own correct accuracy; the health endpoint is polled
throughout (worst latency reported); server memory is read again after they close.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import statistics
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.async_api import async_playwright  # noqa: E402

from catlr import engine  # noqa: E402
from catlr.config import TrainConfig  # noqa: E402
from catlr.data import load_dataset  # noqa: E402
from catlr.data_files import find_data_dir  # noqa: E402
from catlr.problem import from_dataset  # noqa: E402
from catlr.runtime import TRIM_EVERY_SECONDS  # noqa: E402
from scripts.load import rss_bytes  # noqa: E402
from tests.e2e.server import CHROMIUM, CHROMIUM_ARGS, streamlit_server  # noqa: E402

SESSION_TTL = 10  # seconds
IDLE_JS = (
    "() => document.querySelector(\"[data-testid='stApp'][data-test-script-state='notRunning']\") !== null"
    " && document.querySelectorAll(\"[data-testid='stSkeleton']\").length === 0"
)


def rss_mb(pid: int) -> float:
    return rss_bytes(pid) / 2**20


async def idle(page) -> None:
    await page.wait_for_timeout(210)
    await page.wait_for_function(IDLE_JS, timeout=60_000)


async def metric(page, label: str) -> str:
    box = page.locator("[data-testid='stMetric']", has_text=label).first
    return await box.locator("[data-testid='stMetricValue']").inner_text()


def photo_file() -> Path:
    from PIL import Image
    from skimage import data as skdata

    path = ROOT / "build" / "bench-chelsea.jpg"
    path.parent.mkdir(exist_ok=True)
    buf = io.BytesIO()
    Image.fromarray(skdata.chelsea()).save(buf, format="JPEG", quality=92)
    path.write_bytes(buf.getvalue())
    return path


# What a control's answer looks like: the text of the first element matching a selector and containing a word.
SNAPSHOT_JS = """([selector, word]) => {
  const e = [...document.querySelectorAll(selector)].find(x => x.innerText.includes(word));
  return e ? e.innerText : null; }"""
CONTROLS = [  # (page, widget key, element whose text is the answer, a word it contains)
    ("train", "train_lr", "[data-testid='stMetric']", "Final cost"),
    ("mistakes", "mistakes_threshold", "[data-testid='stMarkdown']", "gets"),
    ("mistakes", "mistakes_iteration", "[data-testid='stMarkdown']", "gets"),
    ("inside", "inside_iteration", "[data-testid='stMetric']", "Train cost"),
]


async def slider_times(page, key: str, selector: str, word: str, moves: int = 10) -> tuple[list[float], list[float]]:
    """Move a slider one step ``moves`` times (alternating left and right): seconds to the new answer, and
    to the page being idle again."""
    slider = page.locator(f".st-key-{key} input[type='range']")
    answers, idles = [], []
    for i in range(moves):
        before = await page.evaluate(SNAPSHOT_JS, [selector, word])
        await slider.focus()
        t0 = time.perf_counter()
        await slider.press("ArrowLeft" if i % 2 == 0 else "ArrowRight")
        await page.wait_for_function(
            f"([s, w, b]) => ({SNAPSHOT_JS})([s, w]) !== b", arg=[selector, word, before], timeout=30_000
        )
        answers.append(time.perf_counter() - t0)
        await page.wait_for_function(IDLE_JS, timeout=30_000)
        idles.append(time.perf_counter() - t0)
    return answers, idles


def ms(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:.0f} ms, worst {max(values) * 1000:.0f} ms"


async def minimal_floor(browser) -> float:
    """The same slider on the smallest possible page, in this run: the floor to compare catlr with."""
    with streamlit_server(script="scripts/bench_minimal_app.py") as (url, _):
        page = await browser.new_page(viewport={"width": 1400, "height": 900})
        await page.goto(url)
        await idle(page)
        answers, idles = await slider_times(page, "train_lr", "[data-testid='stMetric']", "Train accuracy")
        await page.close()
    print(f"minimal page (one select_slider, one metric): to the new metric {ms(answers)}; idle again {ms(idles)}")
    return statistics.median(answers)


async def single_user(browser, url: str, pid: int, sessions: int, started: float) -> None:
    ctx = await browser.new_context(viewport={"width": 1400, "height": 900})
    page = await ctx.new_page()
    t0 = time.perf_counter()
    await page.goto(f"{url}/train")
    await idle(page)
    await page.locator("[data-testid='stMetricValue']").first.wait_for()
    now = time.perf_counter()
    print(
        f"first Train page idle (cold: loads data, trains default model): {now - t0:.2f} s; "
        f"server start to first page idle: {now - started:.2f} s"
    )
    floor = await minimal_floor(browser)
    for name, key, selector, word in CONTROLS:
        await page.goto(f"{url}/{name}")
        await idle(page)
        answers, idles = await slider_times(page, key, selector, word)
        ratio = statistics.median(answers) / floor
        print(f"{name} {key}: to the new answer {ms(answers)} ({ratio:.1f}x the minimal page); idle again {ms(idles)}")

    await page.goto(f"{url}/predict")
    await idle(page)
    t0 = time.perf_counter()
    await page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(photo_file()))
    await page.locator("[data-testid='stMetric']", has_text="P(cat)").wait_for(timeout=30_000)
    print(f"photo upload to result: {(time.perf_counter() - t0) * 1000:.0f} ms")
    await ctx.close()

    for _ in range(sessions - 1):
        ctx = await browser.new_context()
        page = await ctx.new_page()
        await page.goto(f"{url}/train")
        await idle(page)
        await page.locator("[data-testid='stMetricValue']").first.wait_for()
        await ctx.close()
    print(f"server memory after {sessions} sessions: {rss_mb(pid):.0f} MB RSS")


async def settle(browser, url: str, pid: int, what: str) -> None:
    """Wait until closed sessions have expired, then report the server's memory."""
    await asyncio.sleep(SESSION_TTL + 5)
    # Streamlit drops expired sessions lazily, when its session store next changes: one more visit.
    ctx = await browser.new_context()
    page = await ctx.new_page()
    await page.goto(f"{url}/home")
    await idle(page)
    await ctx.close()
    await asyncio.sleep(TRIM_EVERY_SECONDS + 2)  # the server gives free heap pages back at this interval
    waited = f"{SESSION_TTL} s TTL, one more visit, {TRIM_EVERY_SECONDS + 2:g} s"
    print(f"server memory {what} ({waited}): {rss_mb(pid):.0f} MB RSS")


def expected_accuracies(settings: list[tuple[float, int]]) -> list[tuple[str, str]]:
    ds = load_dataset(find_data_dir())
    problem = from_dataset(ds)
    out = []
    for lr, n in settings:
        r = engine.train(problem, TrainConfig(num_iterations=n, learning_rate=lr))
        out.append((f"{r.train_accuracy:.2f} %", f"{r.test_accuracy:.2f} %"))
    return out


async def load(browser, url: str, pid: int, n: int) -> None:
    rates = [1e-4, 3e-4, 1e-3, 2e-3, 3e-3, 5e-3, 7e-3, 1e-2]
    settings = [(rates[i % len(rates)], 10_000 - 500 * i) for i in range(n)]
    expected = expected_accuracies(settings)
    latencies: list[float] = []
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            t0 = time.perf_counter()
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=30) as r:
                assert r.read().strip() == b"ok"
            latencies.append(time.perf_counter() - t0)
            time.sleep(0.05)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()

    async def one(i: int) -> tuple[str, str]:
        ctx = await browser.new_context()
        page = await ctx.new_page()
        lr, iters = settings[i]
        await page.goto(f"{url}/train?train_lr={lr:g}&train_iterations={iters}")
        await idle(page)
        await page.locator("[data-testid='stMetricValue']").first.wait_for()
        got = (await metric(page, "Train accuracy"), await metric(page, "Test accuracy"))
        await ctx.close()
        return got

    t0 = time.perf_counter()
    got = await asyncio.gather(*(one(i) for i in range(n)))
    wall = time.perf_counter() - t0
    stop.set()
    poller.join()
    right = sum(g == e for g, e in zip(got, expected, strict=True))
    print(
        f"load: {n} sessions trained at once (up to 10,000 iterations each) in {wall:.1f} s; "
        f"{right}/{n} showed their own correct accuracies"
    )
    for (lr, iters), g, e in zip(settings, got, expected, strict=True):
        print(f"  lr={lr:g} iterations={iters}: shown {g}, expected {e}{'' if g == e else '  MISMATCH'}")
    print(
        f"health endpoint during load: {len(latencies)} polls, median {statistics.median(latencies) * 1000:.0f} ms, "
        f"worst {max(latencies) * 1000:.0f} ms"
    )
    await asyncio.sleep(2)
    print(f"server memory 2 s after the load sessions closed: {rss_mb(pid):.0f} MB RSS")
    await settle(browser, url, pid, "after the load sessions expired")
    if right != n:
        raise SystemExit(1)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--load", type=int, default=8)
    parser.add_argument(
        "--browser-nice",
        type=int,
        default=10,
        help="run chromium at this niceness during the load so its renderers, sharing the "
        "machine with the server, do not decide the server's latency (0 = same priority)",
    )
    args = parser.parse_args()
    chromium = CHROMIUM
    if args.browser_nice:
        wrapper = ROOT / "build" / "nice-chromium"
        wrapper.parent.mkdir(exist_ok=True)
        wrapper.write_text(f'#!/bin/sh\nexec nice -n {args.browser_nice} {CHROMIUM} "$@"\n')
        wrapper.chmod(0o755)
        chromium = str(wrapper)
    os.environ.setdefault("CATLR_DATA_DIR", str(find_data_dir()))
    t0 = time.perf_counter()
    # A short TTL for closed sessions (the app's default is Streamlit's 120 s) to see memory come back.
    with streamlit_server(extra_args=["--server.disconnectedSessionTTL", str(SESSION_TTL)]) as (url, proc):
        print(
            f"server start to healthy: {time.perf_counter() - t0:.2f} s; baseline memory {rss_mb(proc.pid):.0f} MB RSS"
        )
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            await single_user(browser, url, proc.pid, args.sessions, t0)
            await settle(browser, url, proc.pid, "after those sessions expired (the warm baseline)")
            await browser.close()
            if args.load:
                browser = await p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
                await load(browser, url, proc.pid, args.load)
            await browser.close()


if __name__ == "__main__":
    asyncio.run(main())
