"""scripts/load.py: a small real load run against a live server, its refusals, and its answer check.

Speed is shown by the benchmark (README), never asserted: the run's figures are only checked to be sane.
"""

from __future__ import annotations

import asyncio
import math
import re
import threading
from pathlib import Path

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.Slider_pb2 import Slider

from scripts import load, load_rooms
from scripts.st_protocol import Page, Target, default_state, rerun, user_key
from tests.e2e.server import streamlit_server


def summary(out: str) -> tuple[str, dict[str, str]]:
    """The verdict and the key=value figures of the one line starting with ``load:``."""
    lines = [line for line in out.splitlines() if line.startswith("load:")]
    assert len(lines) == 1, out
    _, verdict, *pairs = lines[0].split()
    return verdict, dict(pair.split("=", 1) for pair in pairs)


def number(figure: str) -> float:
    """``1.23s`` / ``4ms`` / ``300MB`` / ``3`` -> the number (units are the key's business)."""
    return float(re.fullmatch(r"([\d.]+|nan)(s|ms|MB)?", figure).group(1))


def in_own_thread(fn, *args):
    """``fn(*args)`` on a thread of its own: asyncio.run needs a thread without a running event loop, and the
    browser tests' Playwright keeps one running in the main thread for the whole session."""
    result: list = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            result.append(fn(*args))
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return result[0]


@pytest.fixture(scope="module")
def live_server(real_data_dir: Path):
    """(URL, process) of one live server for this module's load runs (one start instead of two)."""
    with streamlit_server({"CATLR_DATA_DIR": str(real_data_dir)}) as (url, proc):
        yield url, proc


def test_three_users_get_every_answer_right_from_a_live_server(live_server, real_data_dir: Path, capsys) -> None:
    url, proc = live_server
    code = in_own_thread(
        load.main,
        ["--url", url, "--pid", str(proc.pid), "--users", "3", "--rates", "0.001,0.01,0.0001", "--timeout", "60"]
        + ["--data-dir", str(real_data_dir)],
    )
    out = capsys.readouterr().out
    verdict, figures = summary(out)
    assert (code, verdict) == (0, "PASS"), out
    assert (figures["users"], figures["correct"]) == ("3", "6/6"), out
    assert figures["wrong"] == figures["timeouts"] == figures["errors"] == "0", out
    for step in ("ready", "slider"):
        p50, p95, worst = (number(figures[f"{step}_{p}"]) for p in ("p50", "p95", "max"))
        assert 0 < p50 <= p95 <= worst < 60, out
    assert 0 <= number(figures["health_p50"]) <= number(figures["health_worst"]), out
    assert number(figures["rss"]) > 0 and number(figures["cpu"]) > 0 and 0 < number(figures["wall"]) < 60, out
    assert "checked every answer against catlr's engine (4 distinct settings)" in out  # the default + 3 rates


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1:8501",
        "http://example.com:8501",
        "http://127.0.0.1.nip.io:8501",
        "http://0.0.0.0:8501",
        "https://127.0.0.1:8501",
        "ws://127.0.0.1:8501",
    ],
)
def test_a_url_off_loopback_or_not_http_is_refused(url: str, capsys) -> None:
    assert load.main(["--url", url, "--users", "1"]) == 2
    assert "refusing" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--users", "0"], "--users must be between 1 and 200"),
        (["--users", "201"], "--users must be between 1 and 200"),
        (["--timeout", "0"], "--timeout must be more than 0"),
        (["--timeout", "1e9"], "--timeout must be more than 0"),
        (["--ramp", "200"], "--ramp must be at least 0 and under --timeout"),
        (["--rates", "fast"], "--rates must be numbers"),
        (["--rates", "0,-1"], "--rates must list positive learning rates"),
    ],
)
def test_counts_and_times_are_bounded(args: list[str], message: str, capsys) -> None:
    assert load.main(["--url", "http://127.0.0.1:9", *args]) == 2
    assert message in capsys.readouterr().err


def test_a_wrong_answer_is_reported_and_fails_the_run(real_data_dir: Path) -> None:
    right = load.Answer("page", (2000, 0.005, 0.0), ("99.04 %", "70.00 %"))  # the exercise's figures
    wrong = load.Answer("slider", (2000, 0.001, 0.0), ("99.04 %", "70.00 %"))  # the old model left on the page
    user = load.UserResult(0, 0.001, stage="done", page_ready=1.0, slider=0.5, answers=[right, wrong])
    assert load.check_answers([user], real_data_dir) == 2
    report = load.Report(1, [user], [0.01], 0, 1, 1, 1, 1.0, 0.1, 2.0, [])
    lines = load.format_report(report)
    assert right.correct and not wrong.correct
    assert any("WRONG slider answer for 2000 iterations, lr 0.001" in line for line in lines), lines
    assert not report.passed and lines[-1].startswith("load: FAIL") and " wrong=1 " in lines[-1]


def test_a_select_slider_state_is_its_formatted_label_and_ids_carry_the_key() -> None:
    el = Slider(id="$$ID-61a95b771971be4e00477648a2e01f49-train_lr", options=["0.001", "0.005", "0.01"], default=[1])
    state = default_state("slider", el)
    assert list(state.string_array_value.data) == ["0.005"] and state.id == el.id
    assert user_key(el.id) == "train_lr"
    plain = Slider(id="$$ID-42a927e8a3ffe23c516578abd4908661-train_iterations", default=[2000.0])
    assert list(default_state("slider", plain).double_array_value.data) == [2000.0]


class FakeSocket:
    """Replays server messages; keeps what the client sent."""

    def __init__(self, messages: list[ForwardMsg]) -> None:
        self.incoming, self.sent = [m.SerializeToString() for m in messages], []

    async def send(self, data: bytes) -> None:
        self.sent.append(data)

    async def recv(self) -> bytes:
        return self.incoming.pop(0)


def forward(**fields) -> ForwardMsg:
    msg = ForwardMsg()
    if "finished" in fields:
        msg.script_finished = fields["finished"]
    if "session" in fields:
        msg.new_session.page_script_hash = "app-hash"
    if "page_hash" in fields:
        msg.navigation.page_script_hash = fields["page_hash"]
    if "metric" in fields:
        msg.delta.new_element.metric.label, msg.delta.new_element.metric.body = fields["metric"]
    if "slider" in fields:
        msg.delta.new_element.slider.CopyFrom(fields["slider"])
    return msg


def test_a_rerun_chain_is_read_to_its_last_run_and_the_next_rerun_carries_every_widget() -> None:
    lr = Slider(id="$$ID-0a-train_lr", options=["0.001", "0.005"], default=[1], query_param_key="train_lr")
    iterations = Slider(id="$$ID-0b-train_iterations", default=[2000.0], query_param_key="train_iterations")
    ws = FakeSocket(
        [
            forward(session=True),
            forward(metric=("Train accuracy", "1.00 %")),  # a run that st.rerun cut short
            forward(finished=ForwardMsg.FINISHED_EARLY_FOR_RERUN),
            forward(session=True),
            forward(page_hash="train-hash"),
            forward(slider=lr),
            forward(slider=iterations),
            forward(metric=("Train accuracy", "99.04 %")),
            forward(finished=ForwardMsg.FINISHED_SUCCESSFULLY),
        ]
    )
    page = Page(Target("127.0.0.1", 8501), "train")
    in_own_thread(asyncio.run, rerun(ws, page))
    assert not ws.incoming and page.run.metrics == {"Train accuracy": "99.04 %"} and page.page_hash == "train-hash"
    page.set_labels("train_lr", ["0.001"])
    again = page.rerun_message().rerun_script
    assert (again.page_script_hash, again.page_name, again.query_string) == ("train-hash", "train", "train_lr=0.001")
    states = {w.id: w for w in again.widget_states.widgets}
    assert list(states[lr.id].string_array_value.data) == ["0.001"]
    assert list(states[iterations.id].double_array_value.data) == [2000.0]
    assert again.context_info.url == "http://127.0.0.1:8501/train?train_lr=0.001"


def test_percentiles_are_nearest_rank() -> None:
    values = [0.4, 0.1, 0.3, 0.2]
    assert (load.percentile(values, 50), load.percentile(values, 95), load.percentile(values, 100)) == (0.2, 0.4, 0.4)
    assert math.isnan(load.percentile([], 50))


# --- rooms mode (scripts/load_rooms.py) ------------------------------------------------------------------


def test_a_small_room_over_the_protocol_counts_every_vote_once(live_server, real_data_dir: Path, capsys) -> None:
    # One presenter and five members over two questions; member 0 reloads after its first vote.
    url, proc = live_server
    code = in_own_thread(
        load.main,
        ["--rooms", "--url", url, "--pid", str(proc.pid), "--users", "5", "--questions", "2", "--think", "0.5"]
        + ["--timeout", "90", "--data-dir", str(real_data_dir)],
    )
    out = capsys.readouterr().out
    verdict, figures = summary(out)
    assert (code, verdict, figures["mode"]) == (0, "PASS", "rooms"), out
    assert (figures["members"], figures["votes"], figures["lost"], figures["double"]) == ("5", "10/10", "0", "0"), out
    assert figures["unseen"] == figures["failures"] == "0" and figures["within"].endswith("/10"), out
    p50, p95, worst = (number(figures[f"tally_{p}"]) for p in ("p50", "p95", "max"))
    assert 0 < p50 <= p95 <= worst < 90, out
    assert "reloads           1 members reloaded after voting (same member, same vote)" in out


def a_room(votes: list[tuple[int, int, str, float]], revealed: dict, observed: list[tuple]) -> load_rooms.Room:
    """A finished two-member, one-question room as the load generator records it."""
    room = load_rooms.Room(members=2, questions=1, think=0.0)
    room.votes = [load_rooms.Vote(*v) for v in votes]
    room.revealed, room.shown_members = revealed, dict.fromkeys(revealed, 2)
    room.observations = [load_rooms.Observation(1, sent, got, tally, 2) for sent, got, tally in observed]
    return room


def test_a_lost_or_double_counted_vote_fails_the_room() -> None:
    votes = [(0, 1, "cat", 1.0), (1, 1, "not a cat", 1.5)]
    right = a_room(votes, {1: {"cat": 1, "not a cat": 1}}, [])
    assert load_rooms.tally_problems(right, None) == ([], 0, 0)
    lost = a_room(votes, {1: {"cat": 1, "not a cat": 0}}, [])
    lines, n_lost, n_double = load_rooms.tally_problems(lost, None)
    assert (n_lost, n_double) == (1, 0) and "counts 0 'not a cat', members sent 1" in lines[0]
    double = a_room(votes, {1: {"cat": 1, "not a cat": 1}}, [])
    _, n_lost, n_double = load_rooms.tally_problems(double, {1: {"cat": 2, "not a cat": 1}})  # the store disagrees
    assert (n_lost, n_double) == (0, 1)
    missing = a_room(votes[:1], {1: {"cat": 1, "not a cat": 0}}, [])
    assert "1 of 2 votes acknowledged" in load_rooms.tally_problems(missing, None)[0][0]


def test_a_votes_latency_runs_to_the_first_tally_asked_for_after_its_acknowledgement() -> None:
    votes = [(0, 1, "cat", 1.0), (1, 1, "not a cat", 2.5)]
    # refreshes (sent, received): one sent before the first vote's acknowledgement does not count for it
    observed = [(0.9, 1.2, {"cat": 1}), (1.9, 2.2, {"cat": 1}), (2.9, 3.6, {"cat": 1, "not a cat": 1})]
    room = a_room(votes, {1: {"cat": 1, "not a cat": 1}}, observed)
    found, unseen = load_rooms.latencies(room)
    assert unseen == 0 and found == pytest.approx([2.2 - 1.0, 3.6 - 2.5])
    found, unseen = load_rooms.latencies(a_room(votes, {}, observed[:2]))
    assert (found, unseen) == (pytest.approx([1.2]), 1)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rooms", "--questions", "0"], "--questions must be between 1 and 20"),
        (["--rooms", "--think", "-1"], "--think must be between 0 and 30"),
        (["--rooms", "--start", "--rooms-url", "redis://10.0.0.1:6379/0"], "refusing --rooms-url"),
        (["--rooms", "--rooms-url", "redis://127.0.0.1:6379/0"], "--rooms-url goes with --start"),
        (["--questions", "3"], "go with --rooms"),
    ],
)
def test_the_rooms_mode_is_bounded_and_stays_on_this_machine(args: list[str], message: str, capsys) -> None:
    where = [] if "--start" in args else ["--url", "http://127.0.0.1:9"]
    assert load.main([*where, *args]) == 2
    assert message in capsys.readouterr().err
