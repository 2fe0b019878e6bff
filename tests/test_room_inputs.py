"""catlr.room_inputs: the boundary for room codes, member ids, nicknames, votes, join links, wall photos; the rate
limit."""

from __future__ import annotations

import re

import numpy as np
import pytest

from catlr import imaging, limits, room_inputs
from catlr.config import TrainConfig
from catlr.errors import CatlrInputError
from tests.photo_fixtures import HOSTILE_EXPECTED, hostile_photo, real_photo_bytes


def test_new_codes_are_canonical_and_spread_over_the_alphabet():
    codes = {room_inputs.new_room_code() for _ in range(2000)}
    assert len(codes) == 2000  # 2000 draws from 29**6 codes: a repeat would be a broken generator
    assert all(room_inputs.room_code(c) == c and len(c) == limits.ROOM_CODE_LENGTH for c in codes)
    assert set("".join(codes)) == set(room_inputs.ROOM_CODE_ALPHABET)
    assert not set("01ILOUV") & set(room_inputs.ROOM_CODE_ALPHABET)


@pytest.mark.parametrize("typed", ["7kq2mx", " 7KQ-2MX ", "7KQ 2MX"])
def test_a_code_typed_loosely_is_understood(typed):
    assert room_inputs.room_code(typed) == "7KQ2MX"


def test_member_ids_are_what_the_validator_accepts():
    ids = {room_inputs.new_member_id() for _ in range(100)}
    assert len(ids) == 100 and all(room_inputs.member_id(i) == i for i in ids)


def test_nicknames_are_cleaned():
    assert room_inputs.nickname(None) == "" and room_inputs.nickname("   ") == ""
    assert room_inputs.nickname("  Ada \t Lovelace ") == "Ada Lovelace"
    assert room_inputs.nickname("Ｂｏｂ") == "Bob"  # NFKC: full-width letters
    assert room_inputs.nickname("x" * limits.MAX_NICKNAME_CHARS) == "x" * limits.MAX_NICKNAME_CHARS


@pytest.mark.parametrize("bad", ["dog", "", None, 1, "Cat"])
def test_R04_a_vote_is_one_of_the_options(bad):
    with pytest.raises(CatlrInputError, match="^Vote for one of: cat, not a cat.$"):
        room_inputs.choice(bad, ("cat", "not a cat"))


@pytest.mark.parametrize(
    "good, canonical",
    [
        ("https://catlr.example.org/", "https://catlr.example.org"),
        ("http://192.168.1.20:8501", "http://192.168.1.20:8501"),
        ("https://example.org/apps/catlr/", "https://example.org/apps/catlr"),
    ],
)
def test_public_urls(good, canonical):
    assert room_inputs.public_url(good) == canonical
    assert room_inputs.join_url(good, "7kq2mx") == f"{canonical}/join?room=7KQ2MX"


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "ftp://example.org",
        "javascript:alert(1)",
        "https://user:pw@example.org",
        "https://example.org/?secret=1",
        "https://example.org/#x",
        "https://example.org:99999",
        "https://exa mple.org",
        "https://" + "a" * 300,
        None,
    ],
)
def test_R10_a_bad_public_address_is_refused(bad):
    with pytest.raises(CatlrInputError, match="public address"):
        room_inputs.public_url(bad)


def test_R11_the_rate_limit_refuses_a_flood_then_lets_a_person_go_on():
    now = [1000.0]
    limiter = room_inputs.RateLimiter(3, 60.0, clock=lambda: now[0])
    for _ in range(3):
        limiter.check("votes")
    with pytest.raises(CatlrInputError, match="^Too many votes in a minute: wait 60 s and try again.$"):
        limiter.check("votes")
    now[0] += 30
    with pytest.raises(CatlrInputError, match="wait 30 s"):
        limiter.check("votes")
    now[0] += 30.5
    limiter.check("votes")  # the first three are a minute old: one more is allowed


@pytest.mark.parametrize(
    "config", [TrainConfig(), TrainConfig(num_iterations=0), TrainConfig(10_000, 1e-05, 0.5), TrainConfig(100, 0.3)]
)
def test_a_scene_is_a_training_setting_as_text_and_back(config):
    text = room_inputs.scene_text(config)
    assert room_inputs.scene_config(text) == config and len(text) <= 60


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("train:2000:0.005", "A scene for the room is a training setting"),
        ("train:2000:1e5e5:0", "must be numbers"),
        ("train:2000:nan:0", "A scene for the room is a training setting"),
        ("train:2000:50:0", "learning rate"),
        (None, "A scene for the room is a training setting"),
    ],
)
def test_R12_a_scene_text_names_a_training_setting_within_bounds(bad, message):
    with pytest.raises(CatlrInputError, match=message):
        room_inputs.scene_config(bad)


real_load = imaging.load_photo


@pytest.mark.parametrize("given", ["chelsea", "I10-6", "I12", "I17-gif"])
def test_a_wall_photo_is_exactly_what_predict_makes_of_it(given, monkeypatch):
    # Oracle: Predict's own two steps (ui/session_photo.use_photo), run here by hand on the same bytes.
    data = real_photo_bytes(given) if given == "chelsea" else hostile_photo(given)
    predict = imaging.to_model_input(imaging.open_photo(data).rgb, num_px=64, fit=imaging.DEFAULT_FIT)
    calls = []
    monkeypatch.setattr(imaging, "load_photo", lambda *a, **k: calls.append(k) or real_load(*a, **k))
    pixels = room_inputs.wall_photo(data, "mine.jpg")
    assert calls == [{"num_px": 64, "fit": imaging.DEFAULT_FIT, "name": "mine.jpg"}]  # Predict's check, no other
    assert pixels.shape == (64, 64, 3) and np.array_equal(pixels, predict)
    assert len(room_inputs.wall_pixels(pixels)) == 12288


@pytest.mark.parametrize("key", ["I20", "I06"])
def test_R15_an_oversized_photo_for_the_wall_is_refused_by_predicts_check(key):
    with pytest.raises(CatlrInputError, match=re.escape("mine.png") + ".*" + HOSTILE_EXPECTED[key]):
        room_inputs.wall_photo(hostile_photo(key), "mine.png")


@pytest.mark.parametrize("key", ["I07", "I04", "I05", "I02-random", "I02-html", "I03", "I09", "I01"])
def test_R16_a_hostile_photo_for_the_wall_is_refused_by_predicts_check(key):
    with pytest.raises(CatlrInputError, match=HOSTILE_EXPECTED[key]):
        room_inputs.wall_photo(hostile_photo(key))


def test_photo_ids_are_unguessable_and_what_the_validator_accepts():
    ids = {room_inputs.new_photo_id() for _ in range(100)}
    assert len(ids) == 100 and all(room_inputs.photo_id(i) == i and len(i) == 22 for i in ids)
    for bad in ("", "x" * 21, "x" * 23, "a/b" * 7 + "c", None, 5):
        with pytest.raises(CatlrInputError, match="not waiting for a decision"):
            room_inputs.photo_id(bad)


@pytest.mark.parametrize(
    "kind, bad",
    [
        ("cat", "photo/short"),  # not a photo id
        ("cat", "photo/" + "A" * 21 + "$"),
        ("cat", "photo/../photos/xyz/abcdefghijklmn"),
        ("cat", "photos/" + "A" * 22),
        ("cat", "PHOTO/" + "A" * 22),
        ("cat", " photo/" + "A" * 22),
        ("cat", "photo/" + "A" * 23),
        ("cat", "valid/12"),
        ("cat", "test/x"),
        ("cat", "test/12 "),
        ("cat", "<img src=x>"),
        ("cat", ""),
        ("cat", None),
        ("curve", "photo/" + "A" * 22),
        ("curve", "fast"),
        ("fit", "0"),
        ("fit", "20001"),
        ("fit", "2000.0"),
        ("fit", "-5"),
        ("fit", "２０００"),  # full-width digits
        ("fit", "test/12"),
    ],
)
def test_R19_a_question_names_a_dataset_image_a_wall_photo_or_a_rate_and_nothing_else(kind, bad):
    from catlr.rooms import Question

    with pytest.raises(
        CatlrInputError, match="subject is a short text|is about a dataset image|learning rate|iteration count"
    ):
        Question(kind, bad)


def test_an_overfitting_question_is_about_an_iteration_count():
    from catlr.rooms import FIT_OPTIONS, Question

    q = Question("fit", "2000", answer="overfits")
    assert q.options == FIT_OPTIONS and q.prompt == "2000 iterations: will the model overfit?"
    assert Question.from_json(q.to_json()) == q and Question("fit", "20000").subject == "20000"


def test_a_wall_photo_subject_is_accepted_in_its_one_shape():
    from catlr.rooms import Question

    pid = room_inputs.new_photo_id()
    subject = room_inputs.PHOTO_SUBJECT + pid
    assert Question("cat", subject).subject == subject and room_inputs.subject_photo_id(subject) == pid
    assert Question.from_json(Question("cat", subject, model_p=0.25).to_json()).subject == subject
    assert [room_inputs.subject_photo_id(s) for s in ("test/12", pid, "photo/" + pid[:-1])] == [None] * 3
    assert Question("cat", "train/208").subject == "train/208" and Question("curve", "1e-05").subject == "1e-05"
