"""catlr.rooms: the room store's rules, run over both implementations (in-process and a real redis-server).

The ``store`` fixture is parametrized: every test here runs against ``rooms_memory.MemoryRoomStore`` and
``rooms_redis.RedisRoomStore`` (picked by ``room_store.open_store``) on the session's redis-server
(tests/redis_server.py), with the same fake clock.
"""

from __future__ import annotations

import base64
import random
import threading

import numpy as np
import pytest

from catlr import limits, room_inputs, room_store, rooms, rooms_memory, rooms_redis
from catlr.config import TrainConfig
from catlr.errors import CatlrInputError
from catlr.rooms import Question


class FakeClock:
    def __init__(self) -> None:
        import time

        self.now = time.time()  # real time: the Redis keys' TTL is set from it

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["memory", "redis"])
def store(request):
    clock = FakeClock()
    if request.param == "memory":
        made = rooms_memory.MemoryRoomStore(clock)
    else:
        made = room_store.open_store(request.getfixturevalue("redis_url"), clock)
        made.redis.flushdb()
    made.fake_clock = clock
    return made


def member() -> str:
    return room_inputs.new_member_id()


CAT = Question("cat", "test/3", answer="cat", model_answer="not a cat", model_p=0.2)
EXERCISE_SCENE = room_inputs.scene_text(TrainConfig())  # "follow me": the exercise's 2000 iterations at 0.005


def test_open_gives_a_code_of_the_alphabet_and_a_secret_no_join_link_holds(store):
    code, secret = store.open()
    assert room_inputs.room_code(code) == code
    link = room_inputs.join_url("https://catlr.example.org/", code)
    assert link == f"https://catlr.example.org/join?room={code}" and secret not in link
    assert store.snapshot(code.lower()).code == code  # typed in lower case: the same room
    assert store.open()[0] != code


def test_a_member_joining_twice_is_one_member(store):
    code, secret = store.open()
    alice, bob = member(), member()
    assert store.join(code, alice).members == 1
    assert store.join(code, alice).members == 1  # a refresh: the same member id from the URL
    assert store.join(code, bob, "  Bob\t ").members == 2
    store.join(code, alice, "Alice")
    store.join(code, alice)  # joining again without a nickname keeps it
    assert store.nicknames(code, secret) == ["Alice", "Bob"]


def test_one_vote_per_member_per_question(store):
    code, secret = store.open()
    alice, bob = member(), member()
    for m in (alice, bob):
        store.join(code, m)
    q = store.ask(code, secret, CAT)
    assert q.number == 1 and store.snapshot(code).question == q
    assert store.vote(code, alice, q.number, "cat") is True
    assert store.vote(code, alice, q.number, "cat") is False
    assert store.vote(code, alice, q.number, "not a cat") is False  # no changing it either
    assert store.vote(code, bob, q.number, "not a cat") is True
    assert store.snapshot(code).tally == {"cat": 1, "not a cat": 1}
    assert store.my_vote(code, alice) == "cat" and store.my_vote(code, member()) is None
    q2 = store.ask(code, secret, Question("curve", "0.5"))
    assert q2.number == 2 and store.snapshot(code).tally == dict.fromkeys(rooms.CURVE_OPTIONS, 0)
    assert store.vote(code, alice, q2.number, "oscillates") is True  # a new question: a new vote


def test_concurrent_votes_are_each_counted_exactly_once(store):
    code, secret = store.open()
    people = [member() for _ in range(60)]
    for m in people:
        store.join(code, m)
    q = store.ask(code, secret, CAT)
    rng = random.Random(7)
    wanted = {m: rng.choice(rooms.CAT_OPTIONS) for m in people}
    counted: list[bool] = []
    lock = threading.Lock()

    def voter(share: list[str]) -> None:
        for m in share:
            for _ in range(3):  # each member taps three times
                ok = store.vote(code, m, q.number, wanted[m])
                with lock:
                    counted.append(ok)

    threads = [threading.Thread(target=voter, args=(people[i::6] * 2,)) for i in range(6)]  # every member twice
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(counted) == len(people) and len(counted) == 6 * len(people)
    expected = {o: sum(v == o for v in wanted.values()) for o in rooms.CAT_OPTIONS}
    assert store.snapshot(code).tally == expected


def test_R05_a_forged_presenter_secret_changes_nothing(store):
    code, secret = store.open()
    store.ask(code, secret, CAT)
    other_code, other_secret = store.open()
    for forged in ("", "x" * 32, other_secret, None, secret.upper() if secret.upper() != secret else secret + "x"):
        for act in (
            lambda s: store.ask(code, s, Question("curve", "1")),
            lambda s: store.reveal(code, s),
            lambda s: store.nicknames(code, s),
            lambda s: store.follow(code, s, EXERCISE_SCENE),
            lambda s: store.close(code, s),
        ):
            with pytest.raises(CatlrInputError, match=f"Only the presenter who opened room {code} can run it"):
                act(forged)
    now = store.snapshot(code)
    assert now.question.kind == "cat" and not now.revealed and store.history(code) == [] and now.scene is None


@pytest.mark.parametrize("case", ["stranger", "old-question", "after-reveal", "bad-option", "no-question"])
def test_R06_votes_that_break_a_rule_are_refused_and_count_nothing(store, case):
    code, secret = store.open()
    alice = member()
    store.join(code, alice)
    if case != "no-question":
        q = store.ask(code, secret, CAT)
    messages = {
        "stranger": f"Join room {code} before voting",
        "old-question": "That question is over",
        "after-reveal": "Voting on this question has closed",
        "bad-option": "Vote for one of: cat, not a cat",
        "no-question": "That question is over",
    }
    who, number, option = alice, 1, "cat"
    if case == "stranger":
        who = member()
    elif case == "old-question":
        q = store.ask(code, secret, CAT)
    elif case == "after-reveal":
        store.reveal(code, secret)
    elif case == "bad-option":
        option = "dog"
    with pytest.raises(CatlrInputError, match=messages[case]):
        store.vote(code, who, number, option)
    assert store.snapshot(code).votes == 0
    if case != "no-question":
        assert store.my_vote(code, who) is None and q is not None


def test_R07_an_expired_room_is_gone_like_one_that_never_was(store):
    code, secret = store.open()
    alice = member()
    store.join(code, alice)
    q = store.ask(code, secret, CAT)
    store.fake_clock.now += limits.ROOM_TTL_SECONDS + 1
    unknown = next(c for c in iter(room_inputs.new_room_code, None) if c != code)
    for c in (code, unknown):
        for act in (
            lambda c: store.snapshot(c),
            lambda c: store.join(c, alice),
            lambda c: store.vote(c, alice, q.number, "cat"),
            lambda c: store.history(c),
            lambda c: store.reveal(c, secret),
        ):
            with pytest.raises(CatlrInputError, match=f"^Room {c} has ended or does not exist"):
                act(c)


def test_close_ends_the_room(store):
    code, secret = store.open()
    store.ask(code, secret, CAT)
    store.close(code, secret)
    with pytest.raises(CatlrInputError, match="has ended or does not exist"):
        store.snapshot(code)


def test_reveal_closes_voting_and_keeps_the_round(store):
    code, secret = store.open()
    with pytest.raises(CatlrInputError, match="no open question to reveal"):
        store.reveal(code, secret)
    people = [member() for _ in range(5)]
    for m in people:
        store.join(code, m)
    q = store.ask(code, secret, Question("curve", "0.01"))
    for m, option in zip(people, ["oscillates"] * 3 + ["converges"] * 2, strict=True):
        store.vote(code, m, q.number, option)
    with pytest.raises(CatlrInputError, match="Give this question's answer"):
        store.reveal(code, secret)
    with pytest.raises(CatlrInputError, match="Vote for one of"):
        store.reveal(code, secret, "explodes")
    done = store.reveal(code, secret, "oscillates")
    assert done.question.answer == "oscillates" and done.room_answer == "oscillates" and done.votes == 5
    assert store.snapshot(code).revealed and store.snapshot(code).question.answer == "oscillates"
    assert store.history(code) == [done]
    with pytest.raises(CatlrInputError, match="no open question to reveal"):
        store.reveal(code, secret, "oscillates")


def test_a_round_of_images_scores_the_room_against_the_model(store):
    # Oracle: the scores recomputed by brute force from the votes the test cast.
    code, secret = store.open()
    people = [member() for _ in range(7)]
    for m in people:
        store.join(code, m)
    rng = random.Random(11)
    cast = []
    for i in range(6):
        truth, model = rng.choice(rooms.CAT_OPTIONS), rng.choice(rooms.CAT_OPTIONS)
        q = store.ask(code, secret, Question("cat", f"test/{i}", answer=truth, model_answer=model, model_p=0.5))
        votes = [rng.choice(rooms.CAT_OPTIONS) for _ in people[: rng.randint(0, 7)]]
        for m, v in zip(people, votes, strict=False):
            store.vote(code, m, q.number, v)
        store.reveal(code, secret)
        cast.append((truth, model, votes))
    s = rooms.scores(store.history(code))

    def majority(votes):
        counts = {o: votes.count(o) for o in rooms.CAT_OPTIONS}
        top = max(counts.values())
        return None if top == 0 or list(counts.values()).count(top) > 1 else max(counts, key=counts.get)

    assert s.rounds == 6
    assert s.room_right == sum(majority(v) == t for t, _, v in cast)
    assert s.model_right == sum(m == t for t, m, _ in cast)
    assert (s.votes, s.votes_right) == (sum(len(v) for *_, v in cast), sum(v.count(t) for t, _, v in cast))
    assert len(s.disagreements) == sum(majority(v) not in (None, m) for _, m, v in cast)


def test_R08_a_room_is_bounded_in_members_and_questions(store, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ROOM_MEMBERS", 2)
    monkeypatch.setattr(limits, "MAX_ROOM_QUESTIONS", 2)
    code, secret = store.open()
    a, b = member(), member()
    store.join(code, a)
    store.join(code, b)
    with pytest.raises(CatlrInputError, match=f"Room {code} is full"):
        store.join(code, member())
    store.join(code, a)  # a member already in comes back
    store.ask(code, secret, CAT)
    store.ask(code, secret, CAT)
    with pytest.raises(CatlrInputError, match="has had 2 questions; open a new room"):
        store.ask(code, secret, CAT)


@pytest.mark.parametrize("bad", ["", "ABC", "ABCDEFG", "0OIL1U", "ABC$EF", None, 12345678])
def test_R01_a_bad_room_code_is_refused_before_any_lookup(store, bad):
    with pytest.raises(CatlrInputError, match="room code"):
        store.snapshot(bad)
    with pytest.raises(CatlrInputError, match="room code"):
        store.join(bad, member())


@pytest.mark.parametrize("bad", ["", "short", "x" * 22 + "y", "../../etc/passwd000000", None, "a b" * 8])
def test_R02_a_damaged_member_id_is_refused(store, bad):
    code, _ = store.open()
    with pytest.raises(CatlrInputError, match="This join link is damaged"):
        store.join(code, bad)


@pytest.mark.parametrize(
    "bad, message",
    [
        ("x" * 25, "at most 24 characters"),
        ("Bob\x00", "may only hold"),
        ("Bob\u202e", "may only hold"),  # right-to-left override: it would flip text on the projector
        (3, "a few words of text"),
    ],
)
def test_R03_a_bad_nickname_is_refused(store, bad, message):
    code, _ = store.open()
    with pytest.raises(CatlrInputError, match=message):
        store.join(code, member(), bad)
    assert store.snapshot(code).members == 0


def test_a_redis_that_does_not_answer_gives_a_message():
    from tests.redis_server import free_port

    dead = room_store.open_store(f"redis://127.0.0.1:{free_port()}/0")
    with pytest.raises(CatlrInputError, match="The room service is not answering"):
        dead.open()


@pytest.mark.parametrize("url", ["http://localhost:6379", "redis", 5, "postgres://x"])
def test_R09_a_bad_rooms_url_is_refused(url):
    with pytest.raises(CatlrInputError, match="CATLR_ROOMS_URL must be a redis://"):
        room_store.open_store(url)


def test_no_url_means_the_in_process_store():
    assert isinstance(room_store.open_store(None), rooms_memory.MemoryRoomStore)
    assert isinstance(room_store.open_store(""), rooms_memory.MemoryRoomStore)


def test_the_memory_store_holds_a_bounded_number_of_rooms_and_forgets_expired_ones(monkeypatch):
    monkeypatch.setattr(limits, "MAX_ROOMS", 3)
    clock = FakeClock()
    store = rooms_memory.MemoryRoomStore(clock)
    for _ in range(3):
        store.open()
    with pytest.raises(CatlrInputError, match="as many rooms as it can"):
        store.open()
    clock.now += limits.ROOM_TTL_SECONDS + 1
    store.open()  # the expired three are swept first


def test_follow_me_shows_the_presenters_scene_to_everyone_until_stopped(store):
    code, secret = store.open()
    alice = member()
    assert store.join(code, alice).scene is None
    store.follow(code, secret, EXERCISE_SCENE)
    assert store.snapshot(code).scene == EXERCISE_SCENE == store.join(code, member()).scene
    assert room_inputs.scene_config(store.snapshot(code).scene) == TrainConfig()
    store.ask(code, secret, CAT)  # a question and a scene side by side
    assert store.snapshot(code).scene == EXERCISE_SCENE and store.vote(code, alice, 1, "cat")
    store.follow(code, secret, None)
    assert store.snapshot(code).scene is None and store.snapshot(code).votes == 1


@pytest.mark.parametrize(
    "bad", ["", "train:2000:0.005", "train:2000:fast:0", "train:9999999:0.005:0", "train:2000:50:0", "val:1:1:1", 3]
)
def test_R12_a_scene_that_is_no_training_setting_is_refused(store, bad):
    code, secret = store.open()
    store.follow(code, secret, EXERCISE_SCENE)
    with pytest.raises(CatlrInputError):
        store.follow(code, secret, bad)
    assert store.snapshot(code).scene == EXERCISE_SCENE  # unchanged


def photo(seed: int):
    """A checked wall photo: (64, 64, 3) uint8 pixels, as room_inputs.wall_photo makes them."""
    return np.random.default_rng(seed).integers(0, 256, (room_inputs.WALL_PX, room_inputs.WALL_PX, 3), dtype=np.uint8)


def wall_room(store, *nicknames: str | None):
    """(code, secret, members): a room with its wall open and one member per nickname."""
    code, secret = store.open()
    store.set_wall(code, secret, True)
    people = [member() for _ in nicknames]
    for m, nick in zip(people, nicknames, strict=True):
        store.join(code, m, nick)
    return code, secret, people


def test_R13_the_wall_is_closed_until_the_presenter_opens_it(store):
    code, secret = store.open()
    alice = member()
    assert store.join(code, alice).wall is False
    with pytest.raises(CatlrInputError, match=f"The photo wall of room {code} is not open"):
        store.send_photo(code, alice, photo(1))
    store.set_wall(code, secret, True)
    assert store.snapshot(code).wall is True
    with pytest.raises(CatlrInputError, match=f"Join room {code} before sending a photo"):
        store.send_photo(code, member(), photo(1))
    store.send_photo(code, alice, photo(1))
    store.set_wall(code, secret, False)
    with pytest.raises(CatlrInputError, match="is not open"):
        store.send_photo(code, alice, photo(2))
    with pytest.raises(CatlrInputError, match="either on or off"):
        store.set_wall(code, secret, "yes")
    assert store.snapshot(code).wall is False and len(store.pending_photos(code, secret)) == 1


def test_photos_wait_for_the_presenter_and_only_approved_ones_reach_the_wall(store):
    code, secret, (alice, bob) = wall_room(store, "Alice", None)
    sent = [store.send_photo(code, who, photo(i)) for i, who in enumerate((alice, bob, alice))]
    waiting = store.pending_photos(code, secret)
    assert [p.id for p in waiting] == sent and [p.nickname for p in waiting] == ["Alice", "", "Alice"]
    assert all(np.array_equal(p.pixels, photo(i)) for i, p in enumerate(waiting))
    assert store.wall(code) == []  # nothing is shown unapproved
    store.judge_photo(code, secret, sent[1], True)
    store.judge_photo(code, secret, sent[0], False)
    store.judge_photo(code, secret, sent[2], True)
    assert store.pending_photos(code, secret) == []
    wall = store.wall(code)
    assert [p.id for p in wall] == [sent[1], sent[2]] and [p.nickname for p in wall] == ["", ""]
    assert np.array_equal(wall[0].pixels, photo(1)) and not wall[0].pixels.flags.writeable
    assert [p.id for p in store.wall(code, newest=1)] == [sent[2]] and len(store.wall(code, newest=5)) == 2
    for bad in (0, -1, True, "2"):
        with pytest.raises(CatlrInputError, match="at least one photo"):
            store.wall(code, newest=bad)
    for judged in sent:  # a photo is judged once: a rejected one is gone, an approved one stays approved
        with pytest.raises(CatlrInputError, match="not waiting for a decision"):
            store.judge_photo(code, secret, judged, False)
    assert [p.id for p in store.wall(code)] == [sent[1], sent[2]]
    with pytest.raises(CatlrInputError, match="either approved or rejected"):
        store.judge_photo(code, secret, store.send_photo(code, bob, photo(4)), "yes")


def test_R14_a_waiting_photo_cannot_be_reached_by_its_id_or_a_guess(store):
    code, secret, (alice,) = wall_room(store, None)
    ids = {store.send_photo(code, alice, photo(i)) for i in range(3)}
    assert len(ids) == 3 and all(room_inputs.photo_id(i) == i and len(i) == 22 for i in ids)  # 128 random bits
    assert store.wall(code) == [] and store.snapshot(code).wall  # what a phone can ask for: no waiting photo
    for guess in (alice, room_inputs.new_photo_id(), "../photos", "", None, "A" * 22, code):
        with pytest.raises(CatlrInputError, match="not waiting for a decision"):
            store.judge_photo(code, secret, guess, True)
    assert {p.id for p in store.pending_photos(code, secret)} == ids and store.wall(code) == []


def test_R18_a_forged_secret_neither_sees_nor_judges_waiting_photos(store):
    code, secret, (alice,) = wall_room(store, "Alice")
    waiting = store.send_photo(code, alice, photo(0))
    other_code, other_secret = store.open()
    for forged in ("", "x" * 32, other_secret, None, secret + "x"):
        for act in (
            lambda s: store.pending_photos(code, s),
            lambda s: store.judge_photo(code, s, waiting, True),
            lambda s: store.judge_photo(code, s, waiting, False),
            lambda s: store.set_wall(code, s, False),
        ):
            with pytest.raises(CatlrInputError, match=f"Only the presenter who opened room {code} can run it"):
                act(forged)
    assert store.snapshot(code).wall and store.wall(code) == []
    assert [p.id for p in store.pending_photos(code, secret)] == [waiting]


def test_R17_a_wall_holds_a_bounded_number_of_photos(store, monkeypatch):
    monkeypatch.setattr(limits, "MAX_MEMBER_PHOTOS", 2)
    monkeypatch.setattr(limits, "MAX_ROOM_PHOTOS", 3)
    code, secret, (a, b, c) = wall_room(store, None, None, None)
    first = store.send_photo(code, a, photo(0))
    store.send_photo(code, a, photo(1))
    store.judge_photo(code, secret, first, False)
    with pytest.raises(CatlrInputError, match="You have sent 2 photos, the most one person may send"):
        store.send_photo(code, a, photo(2))  # a rejected photo still counts: no resending until one passes
    store.judge_photo(code, secret, store.send_photo(code, b, photo(3)), True)
    store.send_photo(code, b, photo(4))
    with pytest.raises(CatlrInputError, match=f"The wall of room {code} holds 3 photos"):
        store.send_photo(code, c, photo(5))
    store.judge_photo(code, secret, store.pending_photos(code, secret)[-1].id, False)
    store.send_photo(code, c, photo(5))  # a rejected photo frees its place in the room
    assert len(store.pending_photos(code, secret)) == 2 and len(store.wall(code)) == 1


@pytest.mark.parametrize(
    "given",
    [b"\x89PNG\r\n\x1a\n", np.zeros((64, 64, 4), np.uint8), np.zeros((64, 64, 3)), np.zeros((32, 32, 3), np.uint8)],
    ids=["upload-bytes", "rgba", "float", "32px"],
)
def test_R16_the_store_keeps_only_checked_pixels_never_an_upload(store, given):
    code, secret, (alice,) = wall_room(store, None)
    with pytest.raises(CatlrInputError, match="must be checked first: 64 × 64 RGB pixels"):
        store.send_photo(code, alice, given)
    assert store.pending_photos(code, secret) == []


def test_close_drops_the_photos_and_an_expired_room_has_no_wall(store):
    code, secret, (alice,) = wall_room(store, None)
    store.judge_photo(code, secret, store.send_photo(code, alice, photo(0)), True)
    store.send_photo(code, alice, photo(1))
    store.close(code, secret)
    with pytest.raises(CatlrInputError, match="has ended or does not exist"):
        store.wall(code)
    if isinstance(store, rooms_memory.MemoryRoomStore):
        assert code not in store._rooms
    else:
        assert store.redis.keys(f"catlr:room:{{{code}}}:*") == []  # nothing of the room is left in Redis
    code, secret, (alice,) = wall_room(store, None)
    store.judge_photo(code, secret, store.send_photo(code, alice, photo(0)), True)
    store.fake_clock.now += limits.ROOM_TTL_SECONDS + 1
    for act in (lambda: store.wall(code), lambda: store.send_photo(code, alice, photo(1))):
        with pytest.raises(CatlrInputError, match=f"^Room {code} has ended or does not exist"):
            act()


def test_redis_keeps_the_photos_under_the_rooms_keys_expiring_with_it(redis_url):
    store = room_store.open_store(redis_url)
    code, secret, (alice,) = wall_room(store, None)
    store.judge_photo(code, secret, store.send_photo(code, alice, photo(0)), True)
    store.send_photo(code, alice, photo(1))
    meta_expiry = store.redis.expiretime(f"catlr:room:{{{code}}}:meta")
    for part in rooms_redis.WALL_PARTS:
        key = f"catlr:room:{{{code}}}:{part}"
        assert store.redis.exists(key) and store.redis.expiretime(key) == meta_expiry, part
    kept = store.redis.hvals(f"catlr:room:{{{code}}}:photos")
    assert sorted(len(base64.b64decode(v)) for v in kept) == [12288, 12288]  # the pixels only, 64 × 64 × 3
