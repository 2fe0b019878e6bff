"""Load generator: simulated users speaking Streamlit's websocket protocol to a live catlr server on loopback.

    .venv/bin/python scripts/load.py --start --users 10 [--warmup] [--rates 0.001,0.01] [--ramp 2] [--timeout 120]
    .venv/bin/python scripts/load.py --url http://127.0.0.1:8501 --pid 1234 [--pid 1235] --users 50
    .venv/bin/python scripts/load.py --rooms --start --users 100 --questions 5 [--rooms-url redis://127.0.0.1:6380/0]

Each user, like a browser tab: GET /_stcore/health (its reply sets the XSRF cookie; a balancer in front may add
a sticky-session cookie, kept and sent on every later request), GET /_stcore/host-config, then the websocket
/_stcore/stream. It opens the Train page, waits for the run to finish and reads the accuracy metrics (page
ready), then moves the learning-rate slider once, sending every widget state and the URL's query string as
the browser does, and reads the new metrics (slider -> result). Every answer is checked afterwards against
catlr's engine run in this process, once per distinct setting. Meanwhile a thread polls /_stcore/health
every 75 ms and samples the servers' memory.

Prints p50/p95/max of both timings, the health latencies, the servers' RSS and CPU seconds (from /proc, for
--pid or the --start server), the wall time, and one line starting with ``load:``. Loopback only, at most
MAX_USERS users, a global deadline (--timeout). Exit code 0 only when every answer is right and nothing
timed out or failed. Speed is shown by this benchmark, never asserted (tests/test_load.py runs a small one).

With ``--rooms``, the users are a room's audience instead: one presenter and ``--users`` members voting over
``--questions`` questions (scripts/load_rooms.py): no vote lost or double-counted, and the vote-to-tally latency.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import ipaddress
import math
import os
import resource
import socket
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts.st_protocol import HTTP_TIMEOUT, Page, Target, rerun, session  # noqa: E402

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
MAX_USERS = 200
MAX_TIMEOUT = 1800.0  # seconds
MAX_QUESTIONS = 20  # --rooms: questions asked
DEFAULT_RATES = "0.001,0.002,0.003,0.007,0.01,0.0001"
PAGE = "train"
LR_KEY, ITERATIONS_KEY, L2_KEY = "train_lr", "train_iterations", "train_l2"
METRICS = ("Train accuracy", "Test accuracy")
HEALTH_EVERY = 0.075  # seconds between health polls


class UsageError(Exception):
    """A bad command line: printed as is, exit code 2."""


def parse_target(url: str) -> Target:
    """Check that ``url`` is plain HTTP on 127.0.0.1, localhost or ::1 and return it; UsageError otherwise."""
    parts = urllib.parse.urlsplit(url)
    host = (parts.hostname or "").lower()
    if host not in LOOPBACK_NAMES:
        raise UsageError(
            f"refusing {url!r}: the load generator only targets this machine "
            f"(http://127.0.0.1:PORT, http://localhost:PORT or http://[::1]:PORT)"
        )
    if parts.scheme != "http":
        raise UsageError(f"refusing {url!r}: use http:// (the local server speaks plain HTTP)")
    if host == "localhost":  # a hosts file could point it elsewhere
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
        if not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses):
            raise UsageError(f"refusing {url!r}: localhost resolves to {sorted(addresses)}, not only loopback")
    try:
        port = parts.port or 80
    except ValueError as exc:
        raise UsageError(f"refusing {url!r}: {exc}") from None
    return Target(host, port)


# --- one simulated user -----------------------------------------------------------------------------------


@dataclass
class Answer:
    """One answer the page gave: for which settings, and the two accuracy metrics it showed."""

    step: str  # "page" or "slider"
    settings: tuple[int, float, float]
    shown: tuple[str | None, str | None]
    expected: tuple[str, str] | None = None

    @property
    def correct(self) -> bool:
        return self.expected is not None and self.shown == self.expected


@dataclass
class UserResult:
    """One simulated user: its learning rate, where it got to, its two timings and answers, what went wrong."""

    index: int
    rate: float
    stage: str = "waiting"
    page_ready: float | None = None  # seconds: first request -> first run finished with the metrics
    slider: float | None = None  # seconds: slider BackMsg sent -> the new metrics arrived
    answers: list[Answer] = field(default_factory=list)
    error: str | None = None
    timed_out: bool = False


def settings(page: Page) -> tuple[int, float, float]:
    """(iterations, learning rate, L2 λ) as the Train page's widgets hold them."""
    iterations = page.widget(ITERATIONS_KEY).state.double_array_value.data[0]
    lr = page.widget(LR_KEY).state.string_array_value.data[0]
    l2 = page.widget(L2_KEY).state.string_array_value.data[0]
    return int(iterations), float(lr), float(l2)


def read_answer(page: Page, step: str) -> Answer:
    """The accuracies the last run showed, for the settings the widgets held; RuntimeError if it showed none."""
    shown = tuple(page.run.metrics.get(m) for m in METRICS)
    if page.run.errors:
        raise RuntimeError(f"{step}: the page showed {'; '.join(page.run.errors)}")
    if None in shown:
        raise RuntimeError(f"{step}: the run finished without the metrics {', '.join(METRICS)}")
    return Answer(step, settings(page), shown)


def label_for(page: Page, rate: float) -> str:
    """The learning-rate slider's label for ``rate`` (its options are formatted, e.g. ``0.001``, ``1e-05``)."""
    options = page.widget(LR_KEY).options
    for label in options:
        if math.isclose(float(label), rate, rel_tol=1e-9):
            return label
    raise ValueError(f"learning rate {rate:g} is not one of the slider's options {options}")


async def simulated_user(target: Target, result: UserResult, start_at: float) -> None:
    """Open the Train page, read the metrics, move the learning-rate slider once, read the new metrics."""
    await asyncio.sleep(max(0.0, start_at - time.perf_counter()))
    t0 = time.perf_counter()

    def on_stage(stage: str) -> None:
        result.stage = stage

    async with session(target, PAGE, on_stage) as (ws, page):
        result.stage = "page"
        await rerun(ws, page)
        result.page_ready = time.perf_counter() - t0
        result.answers.append(read_answer(page, "page"))
        result.stage = "slider"
        page.set_labels(LR_KEY, [label_for(page, result.rate)])
        sent = time.perf_counter()
        await rerun(ws, page)
        result.answers.append(read_answer(page, "slider"))
        result.slider = max(page.run.metric_times[m] for m in METRICS) - sent
        result.stage = "done"


async def run_users(target: Target, rates: list[float], users: int, ramp: float, deadline: float) -> list[UserResult]:
    """Run ``users`` simulated users (user i at rate ``rates[i % len]``), started over ``ramp`` seconds."""
    results = [UserResult(i, rates[i % len(rates)]) for i in range(users)]
    start = time.perf_counter()

    async def one(result: UserResult) -> None:
        try:
            await asyncio.wait_for(
                simulated_user(target, result, start + ramp * result.index / users), deadline - time.perf_counter()
            )
        except TimeoutError:
            result.timed_out = True
        except Exception as exc:  # noqa: BLE001 - every failure is reported per user, the run goes on
            result.error = f"{type(exc).__name__}: {exc}"

    await asyncio.gather(*(one(r) for r in results))
    return results


# --- the servers: memory and CPU from /proc; health from a thread ----------------------------------------


def rss_bytes(pid: int) -> int:
    """Resident memory of ``pid`` (VmRSS in /proc/PID/status); 0 once the process is gone."""
    with contextlib.suppress(FileNotFoundError, ProcessLookupError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of ``pid`` (fields 14 and 15 of /proc/PID/stat); None once the process is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def health(target: Target) -> tuple[bool, str]:
    """One GET /_stcore/health within HTTP_TIMEOUT: (answered ok, what went wrong)."""
    conn = http.client.HTTPConnection(target.host, target.port, timeout=HTTP_TIMEOUT)
    try:
        conn.request("GET", "/_stcore/health")
        response = conn.getresponse()
        body = response.read(100)
    except (OSError, http.client.HTTPException) as exc:
        return False, f"{type(exc).__name__}: {exc}"
    finally:
        conn.close()
    return (response.status == 200 and body.strip() == b"ok"), f"answered {response.status} {body[:40]!r}"


class HealthPoller(threading.Thread):
    """Polls GET /_stcore/health every HEALTH_EVERY seconds and the servers' RSS, until stopped."""

    def __init__(self, target: Target, pids: list[int]) -> None:
        super().__init__(name="load-health", daemon=True)
        self.target, self.pids = target, pids
        self.latencies: list[float] = []
        self.failures = 0
        self.peak_rss = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            t0 = time.perf_counter()
            ok, _ = health(self.target)
            elapsed = time.perf_counter() - t0
            if ok:
                self.latencies.append(elapsed)
            else:
                self.failures += 1
            self.peak_rss = max(self.peak_rss, sum(rss_bytes(p) for p in self.pids))
            self.stopped.wait(max(0.0, HEALTH_EVERY - elapsed))


# --- checking the answers --------------------------------------------------------------------------------


def check_answers(results: list[UserResult], data_dir: Path) -> int:
    """Fill in every answer's expected metrics from catlr's engine (once per setting); return the settings count."""
    from catlr import engine
    from catlr.config import TrainConfig
    from catlr.data import load_dataset
    from catlr.problem import from_dataset
    from catlr.runtime import configure_process

    configure_process(server=False)
    answers = [a for r in results for a in r.answers]
    settings = sorted({a.settings for a in answers})
    if not settings:
        return 0
    problem = from_dataset(load_dataset(data_dir))
    expected = {}
    for iterations, lr, l2 in settings:
        run = engine.train(problem, TrainConfig(num_iterations=iterations, learning_rate=lr, l2=l2))
        expected[(iterations, lr, l2)] = (f"{run.train_accuracy:.2f} %", f"{run.test_accuracy:.2f} %")
    for answer in answers:
        answer.expected = expected[answer.settings]
    return len(settings)


# --- the report ------------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank percentile (p in [0, 100]); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


@dataclass
class Report:
    """One run's figures: per-user results, health latencies (s), servers' RSS (bytes) and CPU (s), wall (s)."""

    users: int
    results: list[UserResult]
    health: list[float]
    health_failures: int
    rss_before: int
    rss_after: int
    rss_peak: int
    cpu_used: float
    client_cpu: float
    wall: float
    pids: list[int]
    warmup: list[UserResult] = field(default_factory=list)  # untimed users run first, reported if they fail
    gone: list[int] = field(default_factory=list)  # server processes that exited during the run

    @property
    def answers(self) -> list[Answer]:
        return [a for r in self.results for a in r.answers]

    @property
    def wrong(self) -> int:
        return sum(not a.correct for a in self.answers)

    @property
    def timeouts(self) -> int:
        return sum(r.timed_out for r in self.results)

    @property
    def errors(self) -> int:
        return sum(r.error is not None for r in self.results)

    @property
    def passed(self) -> bool:
        warm_ok = all(w.error is None and not w.timed_out and all(a.correct for a in w.answers) for w in self.warmup)
        complete = len(self.answers) == 2 * self.users
        return warm_ok and complete and not (self.wrong or self.timeouts or self.errors or self.gone)


def problems(result: UserResult, name: str) -> list[str]:
    """One line per thing that went wrong for this user (a wrong answer is always named, with both values)."""
    lines = []
    where = f"{name} {result.index} (lr {result.rate:g})"
    if result.timed_out:
        lines.append(f"{where}: timed out during {result.stage}")
    if result.error:
        lines.append(f"{where}: failed during {result.stage}: {result.error}")
    for a in result.answers:
        if not a.correct:
            it, lr, l2 = a.settings
            engine_says = "was not checked" if a.expected is None else f"gives {a.expected[0]} / {a.expected[1]}"
            lines.append(
                f"{where}: WRONG {a.step} answer for {it} iterations, lr {lr:g}, L2 {l2:g}: "
                f"showed {a.shown[0]} / {a.shown[1]}, the engine {engine_says}"
            )
    return lines


def spread(values: list[float]) -> tuple[float, float, float]:
    """(p50, p95, max) of ``values``; NaNs for none."""
    return percentile(values, 50), percentile(values, 95), max(values, default=math.nan)


def format_report(r: Report) -> list[str]:
    """The report: one line per problem, the figures, and last the one-line summary starting with ``load:``."""
    r50, r95, rmax = spread([u.page_ready for u in r.results if u.page_ready is not None])
    s50, s95, smax = spread([u.slider for u in r.results if u.slider is not None])
    h50, h99, hmax = (
        1000 * x for x in (percentile(r.health, 50), percentile(r.health, 99), max(r.health, default=math.nan))
    )
    rss_before, rss_after, rss_peak = (x / 2**20 for x in (r.rss_before, r.rss_after, r.rss_peak))
    correct, total = sum(a.correct for a in r.answers), 2 * r.users
    lines = [line for w in r.warmup for line in problems(w, "warm-up user")]
    lines += [f"server process {pid} exited during the run" for pid in r.gone]
    for u in r.results:
        lines += problems(u, "user")
    return lines + [
        f"users             {r.users}",
        f"answers correct   {correct}/{total} (wrong {r.wrong}, timeouts {r.timeouts}, errors {r.errors})",
        f"page ready        p50 {r50:.2f} s  p95 {r95:.2f} s  max {rmax:.2f} s",
        f"slider -> result  p50 {s50:.2f} s  p95 {s95:.2f} s  max {smax:.2f} s",
        f"health            p50 {h50:.0f} ms  p99 {h99:.0f} ms  worst {hmax:.0f} ms"
        f"  ({len(r.health)} polls, {r.health_failures} failed)",
        f"server RSS        before {rss_before:.0f} MB  after {rss_after:.0f} MB  peak {rss_peak:.0f} MB"
        f"  (sum over pids {', '.join(map(str, r.pids)) or 'none'})",
        f"server CPU        {r.cpu_used:.1f} s used (this load process: {r.client_cpu:.1f} s)",
        f"wall              {r.wall:.1f} s",
        f"load: {'PASS' if r.passed else 'FAIL'} users={r.users} correct={correct}/{total} wrong={r.wrong}"
        f" timeouts={r.timeouts} errors={r.errors} ready_p50={r50:.2f}s ready_p95={r95:.2f}s ready_max={rmax:.2f}s"
        f" slider_p50={s50:.2f}s slider_p95={s95:.2f}s slider_max={smax:.2f}s health_p50={h50:.0f}ms"
        f" health_worst={hmax:.0f}ms rss={rss_after:.0f}MB cpu={r.cpu_used:.1f}s wall={r.wall:.1f}s",
    ]


# --- putting it together ---------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line, checked: UsageError for anything out of bounds."""
    parser = argparse.ArgumentParser(
        prog="scripts/load.py",
        description="Simulated users speaking Streamlit's websocket protocol to catlr on this machine.",
    )
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="a running server or balancer, http://127.0.0.1:PORT (loopback only)")
    where.add_argument(
        "--start", action="store_true", help="start `streamlit run app.py` on a free port, stop it after"
    )
    parser.add_argument("--pid", type=int, action="append", default=[], help="a server process to measure (repeatable)")
    parser.add_argument("--users", type=int, default=10, help=f"simulated users, 1..{MAX_USERS} (default 10)")
    parser.add_argument("--rates", default=DEFAULT_RATES, help=f"learning rates, round-robin (default {DEFAULT_RATES})")
    parser.add_argument("--ramp", type=float, default=0.0, help="seconds over which the users start (default 0)")
    parser.add_argument("--timeout", type=float, default=120.0, help="global deadline in seconds (default 120)")
    parser.add_argument(
        "--warmup",
        action="store_true",
        help="first, one untimed user per --pid (at least one) opens the page: warm caches",
    )
    parser.add_argument("--data-dir", help="the dataset folder (default: $CATLR_DATA_DIR, ./data, the cache)")
    rooms = parser.add_argument_group("rooms mode (scripts/load_rooms.py)")
    rooms.add_argument("--rooms", action="store_true", help="a presenter and --users members voting in a room")
    rooms.add_argument("--questions", type=int, default=5, help=f"questions asked, 1..{MAX_QUESTIONS} (default 5)")
    rooms.add_argument("--think", type=float, default=2.0, help="a member votes 0..THINK s after seeing a question")
    rooms.add_argument("--target", type=float, default=2.0, help="how current the tally should be, s (default 2)")
    rooms.add_argument("--rooms-url", help="with --start: the server's CATLR_ROOMS_URL (redis://127.0.0.1:PORT/0)")
    args = parser.parse_args(argv)
    check_rooms_args(args)
    if not 1 <= args.users <= MAX_USERS:
        raise UsageError(f"--users must be between 1 and {MAX_USERS}, not {args.users}")
    if not 0 < args.timeout <= MAX_TIMEOUT:
        raise UsageError(f"--timeout must be more than 0 and at most {MAX_TIMEOUT:g} seconds, not {args.timeout:g}")
    if not 0 <= args.ramp < args.timeout:
        raise UsageError(f"--ramp must be at least 0 and under --timeout ({args.timeout:g} s), not {args.ramp:g}")
    try:
        args.rate_list = [float(x) for x in args.rates.split(",") if x.strip()]
    except ValueError:
        raise UsageError(f"--rates must be numbers separated by commas, not {args.rates!r}") from None
    if not args.rate_list or not all(math.isfinite(x) and x > 0 for x in args.rate_list):
        raise UsageError(f"--rates must list positive learning rates, not {args.rates!r}")
    if args.start and args.pid:
        raise UsageError("--pid goes with --url; with --start the started server is measured")
    for pid in args.pid:
        if not Path(f"/proc/{pid}/stat").exists():
            raise UsageError(f"--pid {pid}: no such process")
    return args


def check_rooms_args(args: argparse.Namespace) -> None:
    """The rooms mode's options, bounded; a Redis URL only on this machine. UsageError otherwise."""
    if not 1 <= args.questions <= MAX_QUESTIONS:
        raise UsageError(f"--questions must be between 1 and {MAX_QUESTIONS}, not {args.questions}")
    if not 0 <= args.think <= 30:
        raise UsageError(f"--think must be between 0 and 30 seconds, not {args.think:g}")
    if not 0 < args.target <= 60:
        raise UsageError(f"--target must be more than 0 and at most 60 seconds, not {args.target:g}")
    if args.rooms_url is not None:
        parts = urllib.parse.urlsplit(args.rooms_url)
        if parts.scheme != "redis" or (parts.hostname or "").lower() not in LOOPBACK_NAMES:
            raise UsageError(f"refusing --rooms-url {args.rooms_url!r}: a redis:// URL on 127.0.0.1 only")
        if not args.start:
            raise UsageError("--rooms-url goes with --start (a running server has its own CATLR_ROOMS_URL)")
    if (args.rooms_url or args.questions != 5) and not args.rooms:
        raise UsageError("--questions and --rooms-url go with --rooms")


def measure(target: Target, pids: list[int], args: argparse.Namespace) -> Report:
    """The run against a live target: the warm-up users, then the users with health polls and /proc samples."""
    t_start = time.perf_counter()
    deadline = t_start + args.timeout
    warmup = []
    if args.warmup:  # one per process: behind a round-robin balancer each worker gets one
        warmup = asyncio.run(run_users(target, [args.rate_list[0]], max(1, len(pids)), 0.0, deadline))
    rss_before = sum(rss_bytes(p) for p in pids)
    cpu_before = {p: cpu_seconds(p) for p in pids}
    client_before = resource.getrusage(resource.RUSAGE_SELF)
    poller = HealthPoller(target, pids)
    poller.start()
    t0 = time.perf_counter()
    try:
        results = asyncio.run(run_users(target, args.rate_list, args.users, args.ramp, deadline))
    finally:
        poller.stopped.set()
        poller.join(HTTP_TIMEOUT + 1)
    wall = time.perf_counter() - t0
    client_after = resource.getrusage(resource.RUSAGE_SELF)
    cpu_after = {p: cpu_seconds(p) for p in pids}
    rss_after = sum(rss_bytes(p) for p in pids)
    return Report(
        users=args.users,
        results=results,
        health=list(poller.latencies),
        health_failures=poller.failures,
        rss_before=rss_before,
        rss_after=rss_after,
        rss_peak=max(poller.peak_rss, rss_before, rss_after),
        cpu_used=sum(cpu_after[p] - cpu_before[p] for p in pids if None not in (cpu_before[p], cpu_after[p])),
        client_cpu=(client_after.ru_utime + client_after.ru_stime) - (client_before.ru_utime + client_before.ru_stime),
        wall=wall,
        pids=pids,
        warmup=warmup,
        gone=[p for p in pids if cpu_after[p] is None],
    )


def main(argv: list[str] | None = None) -> int:
    """Run the load generator; returns the exit code (0: every answer right, nothing timed out or failed)."""
    from catlr.data_files import find_data_dir
    from catlr.errors import CatlrInputError

    try:
        args = parse_args(argv)
        target = parse_target(args.url) if args.url else None
        data_dir = find_data_dir(args.data_dir)  # before any load: the answers are checked against this data
    except (UsageError, CatlrInputError) as exc:
        print(f"load: error: {exc}", file=sys.stderr)
        return 2
    with contextlib.ExitStack() as stack:
        if args.start:
            from tests.e2e.server import streamlit_server

            print("starting streamlit run app.py on a free 127.0.0.1 port ...", flush=True)
            env = {"CATLR_DATA_DIR": str(data_dir)}
            if args.rooms_url:
                env["CATLR_ROOMS_URL"] = args.rooms_url
            try:
                url, proc = stack.enter_context(streamlit_server(env=env))
            except RuntimeError as exc:
                print(f"load: error: {exc}", file=sys.stderr)
                return 2
            target, pids = parse_target(url), [proc.pid]
        else:
            pids = args.pid
            ok, why = health(target)
            if not ok:
                print(f"load: error: no healthy server at {target.base}: /_stcore/health {why}", file=sys.stderr)
                return 2
        if args.rooms:
            return run_rooms(target, pids, args)
        print(
            f"{args.users} users against {target.base} (pids {', '.join(map(str, pids)) or 'none'}), learning rates "
            f"{', '.join(f'{x:g}' for x in args.rate_list)}, ramp {args.ramp:g} s, deadline {args.timeout:g} s",
            flush=True,
        )
        report = measure(target, pids, args)
    settings = check_answers(report.results + report.warmup, data_dir)
    print(f"checked every answer against catlr's engine ({settings} distinct settings)")
    for line in format_report(report):
        print(line)
    return 0 if report.passed else 1


def run_rooms(target: Target, pids: list[int], args: argparse.Namespace) -> int:
    """The rooms mode: run the room, print its report; 0 only when no vote was lost or double-counted."""
    from scripts import load_rooms

    print(
        f"a room of 1 presenter and {args.users} members against {target.base} (pids "
        f"{', '.join(map(str, pids)) or 'none'}), {args.questions} questions, store "
        f"{args.rooms_url or 'in-process' if args.start else 'the server’s'}, ramp {args.ramp:g} s, "
        f"think 0..{args.think:g} s, deadline {args.timeout:g} s",
        flush=True,
    )
    report = load_rooms.measure_room(target, pids, args)
    for line in load_rooms.format_room_report(report):
        print(line)
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
