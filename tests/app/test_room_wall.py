"""The room's photo wall through AppTest: a presenter and a phone in one process's room store."""

from __future__ import annotations

import re

from catlr import cli, room_inputs, rooms
from tests.helpers import metric, room_code
from tests.photo_fixtures import HOSTILE_EXPECTED, hostile_photo, real_photo_bytes
from ui import room_view, room_wall, state


def images(at, alt: str) -> list[tuple[str, str]]:
    """(media URL, caption) of the images whose alt text starts with ``alt``."""
    return [(one.url, one.caption) for i in at.image for one in i.proto.imgs if one.alt.startswith(alt)]


def upload(phone, name: str, data: bytes) -> None:
    phone.file_uploader(key=state.JOIN_PHOTO_UPLOAD).set_value((name, data, "image/jpeg")).run()


def cli_p_cat(tmp_path, capsys, data_dir, name: str) -> str:
    """P(cat) the command line prints for the photo ``name`` (Predict's figure on the same bytes), to 2 places."""
    path = tmp_path / f"{name}.jpg"
    path.write_bytes(real_photo_bytes(name))
    assert cli.main(["predict", str(path), "--data-dir", str(data_dir)]) == 0
    printed = re.search(r"P\(cat\)=(\d\.\d{4})", capsys.readouterr().out).group(1)
    return f"{float(printed):.2f}"


def test_R14_the_presenter_approves_one_photo_and_phones_see_only_that_one(rooms_app, tmp_path, capsys, real_data_dir):
    host = rooms_app("pages/room.py", app_presenter="true")
    host.button(key=state.ROOM_OPEN).click().run()
    code = room_code(host)
    phone = rooms_app("pages/join.py", room=code)
    assert not phone.get("file_uploader"), "no uploader while the wall is closed (R13)"

    host.toggle(key=state.ROOM_WALL).set_value(True).run()
    phone.run()
    assert any(room_wall.WALL_PRIVACY == c.value for c in phone.caption)
    for name in ("chelsea", "coffee"):
        upload(phone, f"{name}.jpg", real_photo_bytes(name))
        assert [s.value for s in phone.success] == [room_wall.SENT]
    host.run()
    assert any(c.value == "2 waiting for you · 0 on the wall" for c in host.caption)
    assert images(host, "Waiting photo") == [], "waiting photos are drawn only when the presenter reviews them"

    host.toggle(key=state.ROOM_WALL_REVIEW).set_value(True).run()
    waiting = images(host, "Waiting photo")
    approve = [b for b in host.button if b.key and b.key.startswith("room_approve_")]
    reject = [b for b in host.button if b.key and b.key.startswith("room_reject_")]
    assert len(waiting) == len(approve) == len(reject) == 2
    approve[0].click().run()  # chelsea, sent first
    host.button(key=reject[1].key).click().run()  # coffee
    assert any(c.value == "0 waiting for you · 1 on the wall" for c in host.caption)

    on_wall = images(host, "Photo 1 on the wall")
    phone.run()
    # A phone draws at the review's size: the same pixels give the same media URL, so this is the approved photo.
    assert images(phone, "Photo") == [(waiting[0][0], on_wall[0][1])]
    assert waiting[1][0] not in [url for i in phone.image for url in i.value], "the rejected photo is on no phone"
    host.switch_page("pages/home.py").run()  # the presenter shows another page and comes back: the wall stays open
    host.switch_page("pages/room.py").run()
    assert host.toggle(key=state.ROOM_WALL).value and images(host, "Photo 1 on the wall") == on_wall
    # The verdict is Predict's for the same bytes: the command line's P(cat) with the exercise's model.
    assert on_wall[0][1] == f"cat · P(cat) = {cli_p_cat(tmp_path, capsys, real_data_dir, 'chelsea')}"

    host.toggle(key=state.ROOM_WALL).set_value(False).run()  # closed again: the phones' wall and uploader go
    phone.run()
    assert not phone.get("file_uploader") and images(phone, "Photo") == []


def test_R15_R16_a_bad_photo_on_a_phone_says_why_and_reaches_no_one(rooms_app, monkeypatch):
    monkeypatch.setitem(room_view.LIMITS, "photos", 3)  # R17: a session's photos a minute (6 in the app)
    host = rooms_app("pages/room.py", app_presenter="true")
    host.button(key=state.ROOM_OPEN).click().run()
    host.toggle(key=state.ROOM_WALL).set_value(True).run()
    phone = rooms_app("pages/join.py", room=room_code(host))
    for key in ("I20", "I07", "I04"):  # over 20 MB; a decompression bomb; a truncated JPEG
        upload(phone, f"{key}.jpg", hostile_photo(key))
        assert len(phone.error) == 1 and re.search(HOSTILE_EXPECTED[key], phone.error[0].value), key
        assert f"{key}.jpg" in phone.error[0].value and not phone.success
    upload(phone, "cat.jpg", real_photo_bytes("chelsea"))  # a good photo, past the session's limit
    assert re.match(r"Too many photos in a minute: wait \d+ s", phone.error[0].value) and not phone.success
    assert not phone.exception
    host.run()
    assert any(c.value == "0 waiting for you · 0 on the wall" for c in host.caption)


def test_the_presenter_asks_about_an_approved_wall_photo_and_reveals_its_answer(rooms_app):
    host = rooms_app("pages/room.py", app_presenter="true")
    host.button(key=state.ROOM_OPEN).click().run()
    code = room_code(host)
    assert "A wall photo" not in host.button_group(key=state.ROOM_CAT_SOURCE).options, "none approved yet"
    host.toggle(key=state.ROOM_WALL).set_value(True).run()
    phone = rooms_app("pages/join.py", room=code)
    for name in ("chelsea", "coffee"):
        upload(phone, f"{name}.jpg", real_photo_bytes(name))
    host.toggle(key=state.ROOM_WALL_REVIEW).set_value(True).run()
    next(b for b in host.button if b.key and b.key.startswith("room_approve_")).click().run()  # chelsea; coffee waits
    on_wall = images(host, "Photo 1 on the wall")

    host.button_group(key=state.ROOM_CAT_SOURCE).set_value("A wall photo").run()
    assert host.selectbox(key=state.ROOM_WALL_PICK).options == ["Photo 1 on the wall"], "approved photos only"
    host.button(key=state.ROOM_ASK).click().run()
    assert not any(b.key == state.ROOM_REVEAL for b in host.button), "the answer is the presenter's to give"
    phone.run()
    drawn = images(phone, room_view.PHOTO_ALT)
    assert len(drawn) == 1  # its pixels are the approved photo's: tests/test_wall_questions.py
    assert any(s.value == "Question 1: Cat or not?" for s in phone.subheader)
    vote_button = phone.button(key=state.item_key(state.PAGE_JOIN, "vote", 1, 1))  # "not a cat"
    vote_button.click().run()

    host.button(key=state.ROOM_REVEAL_CAT).click().run()
    assert host.success[0].value == "The presenter says: **cat**. The room: cat 0 %, not a cat 100 % (1 votes)."
    # The model's P(cat) is the wall's own verdict for this photo (Predict's figure, see R14's test above).
    p = re.search(r"P\(cat\) = (\d\.\d\d)", on_wall[0][1]).group(1)
    assert any(f"The model says **cat**: P(cat) = {p}." == i.value for i in host.info)
    phone.run()
    assert any(s.value.startswith("The presenter says: **cat**") for s in phone.success)
    # The round's scores count it with the presenter's answer; the room (not a cat) and the model (cat) disagreed.
    assert (metric(host, "The room (majority)"), metric(host, "The model")) == ("0/1", "1/1")
    assert [c for _, c in images(host, "A wall photo: the room said")] == ["A wall photo: room not a cat, model cat"]


def test_R20_a_question_naming_a_waiting_or_unknown_photo_draws_nothing_on_a_phone(rooms_app):
    host = rooms_app("pages/room.py", app_presenter="true")
    host.button(key=state.ROOM_OPEN).click().run()
    code, secret = host.session_state[state.ROOM_HOSTED]
    host.toggle(key=state.ROOM_WALL).set_value(True).run()
    phone = rooms_app("pages/join.py", room=code)
    for name in ("chelsea", "coffee"):
        upload(phone, f"{name}.jpg", real_photo_bytes(name))
    store = room_view.store()  # the process's store, the one the app's sessions share
    approved, pending = store.pending_photos(code, secret)
    store.judge_photo(code, secret, approved.id, True)  # one photo on the wall, one waiting
    for n, photo_id in enumerate((pending.id, room_inputs.new_photo_id()), start=1):
        store.ask(code, secret, rooms.Question("cat", f"photo/{photo_id}"))  # past the app's own check
        phone.run()
        assert any(s.value == f"Question {n}: Cat or not?" for s in phone.subheader)
        assert images(phone, room_view.PHOTO_ALT) == [], "no image for a photo that is not approved"
        assert len(images(phone, "Photo 1 on the wall")) == 1 and len(images(phone, "")) == 1
        assert not phone.exception
