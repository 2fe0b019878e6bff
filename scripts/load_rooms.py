"""The load generator's rooms mode: one presenter and N audience members, all over Streamlit's websocket protocol.

    .venv/bin/python scripts/load.py --rooms --start --users 100 --questions 5 [--rooms-url redis://127.0.0.1:P/0]

The presenter is a browser tab on /room?app_presenter=true: it presses "Open a room", reads the code off the
page, and for each question types an image number, presses "Ask the room", lets the live tally (a fragment with
``run_every``) refresh on its own timer as a browser does, and presses "Reveal" once every member's vote was
acknowledged and a tally asked for after the last acknowledgement came back (or the question's deadline passed).
Each member is a tab on /join?room=CODE: it joins, refreshes on the page's own timer, and on each new question
waits a moment (``--think``, seeded) and presses one option; the page saying "Your vote: …" is the
acknowledgement. Every tenth member reloads once after its first vote (a new tab on the same URL): it must be
the same member, with the same vote and no buttons.

Checked: every member's vote on every question acknowledged; the room's revealed tally (the presenter's page
after the reveal, and with --rooms-url the Redis store read directly) equal to the acknowledged votes, option
by option (fewer: lost, more: double-counted); the room counting exactly N members. Vote-to-tally latency:
for each acknowledged vote, the time until the presenter's tally from the first refresh *sent after* the
acknowledgement arrived (that refresh read the store after the vote was counted, so this is an upper bound of
when the presenter's screen showed it).
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field

from scripts.st_protocol import Page, Target, exchange, session

OPTIONS = ("cat", "not a cat")
SUBJECTS = (3, 5, 10, 20, 30, 1, 2, 4, 6, 7)  # test images asked, in order (the first 5 by default)
QUESTION_TIMEOUT = 60.0  # seconds a question stays open at most
MEMBER_ID = re.compile(r"[A-Za-z0-9_-]{22}")


@dataclass
class Observation:
    """One refresh of the presenter's tally: question, when sent and received, the votes per option shown."""

    question: int
    sent: float
    received: float
    tally: dict[str, int]
    members: int


@dataclass
class Vote:
    member: int
    question: int
    option: str
    acked: float  # time.perf_counter() when the page said "Your vote: …"


@dataclass
class Room:
    """What the presenter and the members share in this process: the code, the question, and the record."""

    members: int
    questions: int
    think: float
    store_url: str | None = None  # a Redis store to read the revealed tallies from directly
    code_ready: asyncio.Event = field(default_factory=asyncio.Event)
    code: str = ""
    joined: int = 0
    finished: bool = False
    votes: list[Vote] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    revealed: dict[int, dict[str, int]] = field(default_factory=dict)  # the presenter's page after the reveal
    shown_members: dict[int, int] = field(default_factory=dict)
    stored: dict[int, dict[str, int]] | None = None  # read from the store (Redis) before the room closes
    refreshes_checked: int = 0
    problems: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # tabs that failed or timed out
    failed_members: int = 0

    @property
    def voters(self) -> int:
        """The members still taking part."""
        return self.members - self.failed_members

    def acked(self, question: int) -> list[Vote]:
        return [v for v in self.votes if v.question == question]


def option_for(member: int, question: int) -> int:
    """The option member ``member`` picks on ``question`` (seeded: about 60 % "cat")."""
    return 0 if random.Random(member * 1009 + question).random() < 0.6 else 1


def tally_of(page: Page) -> tuple[dict[str, int], int]:
    """(votes per option, members) as the presenter's tally metrics show them."""
    votes_text = page.run.metrics.get("Votes", "")
    match = re.fullmatch(r"(\d+) of (\d+)", votes_text)
    if match is None:
        raise RuntimeError(f"the presenter's tally shows no 'Votes' metric (metrics: {page.run.metrics})")
    return {o: int(page.run.metrics.get(o, "0")) for o in OPTIONS}, int(match.group(2))


def question_on(page: Page) -> int | None:
    """The number of the question the page shows, or None."""
    for text in page.run.texts:
        if match := re.match(r"Question (\d+):", text):
            return int(match.group(1))
    return None


async def tick(next_at: float) -> None:
    await asyncio.sleep(max(0.0, next_at - time.perf_counter()))


async def presenter(target: Target, room: Room, deadline: float) -> None:
    """Open the room, wait for everyone to join, then ask, watch the tally and reveal, question by question."""
    async with session(target, "room") as (ws, page):
        page.query = {"app_presenter": ["true"]}
        await exchange(ws, page)
        await exchange(ws, page, press="room_open")
        found = re.search(r"code \*\*(\w{3}) (\w{3})\*\*", " ".join(page.run.texts))
        if found is None:
            raise RuntimeError(f"no room code on the presenter's page: {page.run.texts}")
        room.code = "".join(found.groups())
        room.code_ready.set()
        while room.joined < room.voters and time.perf_counter() < deadline:
            await asyncio.sleep(0.1)
        for number in range(1, room.questions + 1):
            page.set_int("room_index", SUBJECTS[(number - 1) % len(SUBJECTS)])
            await exchange(ws, page)
            await exchange(ws, page, press="room_ask")
            if question_on(page) != number:
                raise RuntimeError(f"asked question {number}, the page shows {question_on(page)}")
            await watch(ws, page, room, number, min(deadline, time.perf_counter() + QUESTION_TIMEOUT))
            fragment = next(iter(page.auto_reruns))
            await exchange(ws, page, fragment, press="room_reveal")
            if not any(t.startswith("Answer: ") for t in page.run.texts):
                raise RuntimeError(f"question {number}: no answer after the reveal: {page.run.texts}")
            room.revealed[number], room.shown_members[number] = tally_of(page)
        if room.store_url:
            from catlr.room_store import open_store

            room.stored = {r.question.number: r.tally for r in open_store(room.store_url).history(room.code)}
        room.finished = True
        await exchange(ws, page, press="room_close")


async def watch(ws, page: Page, room: Room, number: int, until: float) -> None:
    """Let the tally refresh on its timer until every member's vote is acknowledged and a refresh sent after the
    last acknowledgement shows them all (or ``until``)."""
    fragment, interval = next(iter(page.auto_reruns.items()))
    next_at = time.perf_counter() + interval
    while time.perf_counter() < until:
        await tick(next_at)
        sent = time.perf_counter()
        next_at = sent + interval
        await exchange(ws, page, fragment, auto=True)
        tally, members = tally_of(page)
        room.observations.append(Observation(number, sent, time.perf_counter(), tally, members))
        acked = room.acked(number)
        if len(acked) >= room.voters and sent >= max(v.acked for v in acked) and sum(tally.values()) >= len(acked):
            return


async def member(target: Target, room: Room, index: int, start_at: float) -> None:
    """Join, then on each new question wait a moment and vote once; leave after the last reveal."""
    await tick(start_at)
    await room.code_ready.wait()
    reload_after = 1 if index % 10 == 0 else None
    async with session(target, "join") as (ws, page):
        page.query = {"room": [room.code]}
        await exchange(ws, page)
        if not MEMBER_ID.fullmatch((page.query.get("member") or [""])[0]):
            raise RuntimeError(f"member {index}: joining gave no member id in the URL ({page.query})")
        room.joined += 1
        voted = await take_part(ws, page, room, index, set(), reload_after)
    if reload_after is not None and reload_after in voted and not room.finished:
        await reload(target, room, index, page.query, voted)


async def take_part(ws, page: Page, room: Room, index: int, voted: set[int], stop_after: int | None) -> set[int]:
    """Refresh on the page's timer; vote on each question not voted on yet. Returns the questions voted on."""
    fragment, interval = next(iter(page.auto_reruns.items()))
    rng = random.Random(index)
    next_at = time.perf_counter() + interval
    while not room.finished:
        number = question_on(page)
        revealed = any(t.startswith("Answer: ") for t in page.run.texts)
        if number is not None and number not in voted and not revealed:
            option = option_for(index, number)
            await asyncio.sleep(rng.uniform(0, room.think))
            await exchange(ws, page, fragment, press=f"join_vote_{number}_{option}")
            if f"Your vote: **{OPTIONS[option]}**. Wait for the reveal on the big screen." not in page.run.texts:
                raise RuntimeError(f"member {index}: no acknowledgement of the vote on {number}: {page.run.texts}")
            room.votes.append(Vote(index, number, OPTIONS[option], time.perf_counter()))
            voted.add(number)
            if number == stop_after:
                return voted
        if revealed and number == room.questions:
            return voted
        await tick(next_at)
        next_at = max(next_at + interval, time.perf_counter())
        await exchange(ws, page, fragment, auto=True)
    return voted


async def reload(target: Target, room: Room, index: int, query: dict, voted: set[int]) -> None:
    """A new tab on the member's URL: the same member (no new join), the same vote, no buttons; then go on."""
    async with session(target, "join") as (ws, page):
        page.query = dict(query)
        await exchange(ws, page)
        number = question_on(page)
        mine = {v.question: v.option for v in room.votes if v.member == index}
        said = f"Your vote: **{mine.get(number)}**. Wait for the reveal on the big screen."
        buttons = [k for k in page.buttons if k.startswith("join_vote_")]
        if number in voted and not any(t.startswith("Answer: ") for t in page.run.texts):
            if said not in page.run.texts or buttons:
                room.problems.append(f"member {index}: after a reload the page lost its vote on {number}")
        room.refreshes_checked += 1
        await take_part(ws, page, room, index, voted, None)


async def run_room(target: Target, room: Room, ramp: float, timeout: float) -> Room:
    """The whole room, within ``timeout`` seconds; every tab's failure goes into ``room.failures``."""
    start = time.perf_counter()
    deadline = start + timeout

    async def guarded(name: str, coro) -> None:
        try:
            await asyncio.wait_for(coro, deadline - time.perf_counter())
        except TimeoutError:
            room.failures.append(f"{name}: timed out")
        except Exception as exc:  # noqa: BLE001 - every failure is reported, the run goes on
            room.failures.append(f"{name}: {type(exc).__name__}: {exc}")
        else:
            return
        if name == "presenter":
            room.finished = True
            room.code_ready.set()
        else:
            room.failed_members += 1

    tabs = [guarded("presenter", presenter(target, room, deadline))]
    members = room.members
    tabs += [guarded(f"member {i}", member(target, room, i, start + ramp * i / members)) for i in range(members)]
    await asyncio.gather(*tabs)
    return room


# --- the verdict -----------------------------------------------------------------------------------------


def latencies(room: Room, question: int | None = None) -> tuple[list[float], int]:
    """(vote-to-tally seconds of the votes a later refresh showed, how many votes no refresh sent after showed),
    over every question or one."""
    found, unseen = [], 0
    for vote in room.votes:
        if question is not None and vote.question != question:
            continue
        after = [o for o in room.observations if o.question == vote.question and o.sent >= vote.acked]
        if after:
            found.append(min(after, key=lambda o: o.sent).received - vote.acked)
        else:
            unseen += 1
    return found, unseen


def tally_problems(room: Room, stored: dict[int, dict[str, int]] | None) -> tuple[list[str], int, int]:
    """(lines, votes lost, votes double-counted): the revealed tallies against the acknowledged votes."""
    lines, lost, double = [], 0, 0
    for number in range(1, room.questions + 1):
        sent = Counter(v.option for v in room.acked(number))
        if len(room.acked(number)) != room.members:
            lines.append(f"question {number}: {len(room.acked(number))} of {room.members} votes acknowledged")
        sources = [("the presenter's page", room.revealed.get(number))]
        if stored is not None:
            sources.append(("the store", stored.get(number)))
        for name, tally in sources:
            if tally is None:
                lines.append(f"question {number}: no revealed tally from {name}")
                continue
            for option in OPTIONS:
                diff = tally.get(option, 0) - sent[option]
                lost, double = lost + max(0, -diff), double + max(0, diff)
                if diff:
                    shown = tally.get(option, 0)
                    lines.append(f"question {number}: {name} counts {shown} '{option}', members sent {sent[option]}")
        if room.shown_members.get(number, room.members) != room.members:
            lines.append(f"question {number}: the room counts {room.shown_members[number]} members, not {room.members}")
    return lines, lost, double


@dataclass
class RoomReport:
    """One rooms run: the room's record, the servers' RSS (bytes) and CPU (s), health latencies (s), wall (s)."""

    room: Room
    health: list[float]
    health_failures: int
    rss_before: int
    rss_after: int
    rss_peak: int
    cpu_used: float
    client_cpu: float
    wall: float
    pids: list[int]
    gone: list[int]
    target: float  # seconds: the presenter's tally should be this current
    load_average: tuple[float, float] = (0.0, 0.0)  # the machine's 1-minute load average before and after

    def verdict(self) -> tuple[list[str], int, int]:
        """(problem lines, votes lost, votes double-counted)."""
        lines, lost, double = tally_problems(self.room, self.room.stored)
        lines = self.room.failures + self.room.problems + lines
        lines += [f"server process {pid} exited during the run" for pid in self.gone]
        _, unseen = latencies(self.room)
        if unseen:
            lines.append(f"{unseen} acknowledged votes never reached a tally refresh sent after them")
        return lines, lost, double

    @property
    def passed(self) -> bool:
        return not self.verdict()[0]


def measure_room(target: Target, pids: list[int], args) -> RoomReport:
    """Run the room against a live target with health polls and /proc samples."""
    from scripts.load import HealthPoller, cpu_seconds, rss_bytes

    room = Room(args.users, args.questions, args.think, args.rooms_url)
    rss_before = sum(rss_bytes(p) for p in pids)
    cpu_before = {p: cpu_seconds(p) for p in pids}
    client_before = time.process_time()
    load_before = os.getloadavg()[0]
    poller = HealthPoller(target, pids)
    poller.start()
    t0 = time.perf_counter()
    try:
        asyncio.run(run_room(target, room, args.ramp, args.timeout))
    finally:
        poller.stopped.set()
        poller.join(15)
    wall = time.perf_counter() - t0
    cpu_after = {p: cpu_seconds(p) for p in pids}
    rss_after = sum(rss_bytes(p) for p in pids)
    return RoomReport(
        room=room,
        health=list(poller.latencies),
        health_failures=poller.failures,
        rss_before=rss_before,
        rss_after=rss_after,
        rss_peak=max(poller.peak_rss, rss_before, rss_after),
        cpu_used=sum(cpu_after[p] - cpu_before[p] for p in pids if None not in (cpu_before[p], cpu_after[p])),
        client_cpu=time.process_time() - client_before,
        wall=wall,
        pids=pids,
        gone=[p for p in pids if cpu_after[p] is None],
        target=args.target,
        load_average=(load_before, os.getloadavg()[0]),
    )


def format_room_report(r: RoomReport) -> list[str]:
    """The report: one line per problem, the figures, and last the one-line summary starting with ``load:``."""
    from scripts.load import percentile, spread

    room = r.room
    lines, lost, double = r.verdict()
    found, unseen = latencies(room)
    l50, l95, lmax = spread(found)
    within = sum(x <= r.target for x in found)
    expected = room.members * room.questions
    h50, hmax = 1000 * percentile(r.health, 50), 1000 * max(r.health, default=float("nan"))
    rss_before, rss_after, rss_peak = (x / 2**20 for x in (r.rss_before, r.rss_after, r.rss_peak))
    refreshes = len(room.observations)
    per_question = []
    for number in range(1, room.questions + 1):
        q50, _, qmax = spread(latencies(room, number)[0])
        per_question.append(f"Q{number} {q50:.2f}/{qmax:.2f}")
    r50, r95, rmax = spread([o.received - o.sent for o in room.observations])
    source = "the presenter's page and the Redis store" if room.stored is not None else "the presenter's page"
    return lines + [
        f"room              1 presenter, {room.members} members, {room.questions} questions",
        f"votes             {len(room.votes)}/{expected} acknowledged; revealed tallies ({source}): "
        f"lost {lost}, double-counted {double}",
        f"reloads           {room.refreshes_checked} members reloaded after voting (same member, same vote)",
        f"vote -> tally     p50 {l50:.2f} s  p95 {l95:.2f} s  max {lmax:.2f} s  "
        f"({within}/{len(found)} within {r.target:g} s)",
        f"  per question    p50/max s: {'  '.join(per_question)}",
        f"tally refresh     p50 {r50:.2f} s  p95 {r95:.2f} s  max {rmax:.2f} s  (sent -> shown, {refreshes} refreshes)",
        f"health            p50 {h50:.0f} ms  worst {hmax:.0f} ms  ({len(r.health)} polls, {r.health_failures} failed)",
        f"server RSS        before {rss_before:.0f} MB  after {rss_after:.0f} MB  peak {rss_peak:.0f} MB"
        f"  (sum over pids {', '.join(map(str, r.pids)) or 'none'})",
        f"server CPU        {r.cpu_used:.1f} s used over {r.wall:.1f} s (this load process: {r.client_cpu:.1f} s)",
        f"machine           {os.cpu_count()} cores, load average {r.load_average[0]:.1f} before, "
        f"{r.load_average[1]:.1f} after (everything on the machine, this run included)",
        f"load: {'PASS' if not lines else 'FAIL'} mode=rooms members={room.members} questions={room.questions}"
        f" votes={len(room.votes)}/{expected} lost={lost} double={double} unseen={unseen} failures={len(lines)}"
        f" tally_p50={l50:.2f}s tally_p95={l95:.2f}s tally_max={lmax:.2f}s within={within}/{len(found)}"
        f" health_worst={hmax:.0f}ms rss={rss_after:.0f}MB rss_peak={rss_peak:.0f}MB cpu={r.cpu_used:.1f}s"
        f" wall={r.wall:.1f}s",
    ]
