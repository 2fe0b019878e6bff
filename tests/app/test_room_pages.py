"""The room's two pages and their roles, through AppTest: a presenter and two phones in one process's store."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers import MISCLASSIFIED_TEST, metric, room_code
from ui import room_join, state


def vote_button(at: AppTest, number: int, option_index: int):
    return at.button(key=state.item_key(state.PAGE_JOIN, "vote", number, option_index))


def test_a_presenter_asks_two_phones_vote_once_each_and_the_reveal_reaches_them(rooms_app):
    host = rooms_app("pages/room.py", app_presenter="true")
    host.button(key=state.ROOM_OPEN).click().run()
    code = room_code(host)
    secret = host.session_state[state.ROOM_HOSTED][1]
    assert any(f"https://catlr.example.org/join?room={code}" in m.value for m in host.markdown)
    assert all(secret not in m.value for m in host.markdown), "the secret is never on screen"
    host.number_input(key=state.ROOM_INDEX).set_value(3).run()  # test image 3 is a cat
    host.button(key=state.ROOM_ASK).click().run()
    assert metric(host, "Votes") == "0 of 0"

    phones = [rooms_app("pages/join.py", room=code) for _ in range(2)]
    members = {p.session_state[state.ROOM_MEMBER][1] for p in phones}
    assert len(members) == 2 and all(secret not in str(p.query_params) for p in phones)
    vote_button(phones[0], 1, 0).click().run()  # "cat"
    vote_button(phones[1], 1, 1).click().run()  # "not a cat"
    assert any("Your vote: **cat**" in s.value for s in phones[0].success)
    host.run()
    assert (metric(host, "Votes"), metric(host, "cat"), metric(host, "not a cat")) == ("2 of 2", "1", "1")
    assert not any(b.key == state.ROOM_REVEAL for b in phones[0].button), "only the presenter can reveal"

    host.button(key=state.ROOM_REVEAL).click().run()
    assert any("Answer: **cat**" in s.value for s in host.success)
    assert any("P(cat) = " in i.value for i in host.info)
    phones[1].run()
    assert any("Answer: **cat**" in s.value for s in phones[1].success)
    assert metric(host, "The room (majority)") == "0/1"  # a tie is no majority
    assert metric(host, "The model") == "1/1"


def test_a_refresh_is_the_same_member_with_the_same_vote(rooms_app):
    host = rooms_app("pages/room.py", app_presenter="true")
    host.button(key=state.ROOM_OPEN).click().run()
    code = room_code(host)
    host.button_group(key=state.ROOM_ACTIVITY).set_value("Predict the curve").run()
    host.button(key=state.ROOM_ASK).click().run()  # a curve: nothing is trained until its reveal
    phone = rooms_app("pages/join.py", room=code)
    vote_button(phone, 1, 1).click().run()
    member = phone.session_state[state.ROOM_MEMBER][1]
    again = rooms_app("pages/join.py", room=code, member=member)  # a new session from the same URL
    assert any("Your vote: **too slow**" in s.value for s in again.success)
    assert not any(b.key.startswith("join_vote_") for b in again.button if b.key), "no second vote"
    host.run()
    assert metric(host, "Votes") == "1 of 1"


@pytest.mark.parametrize(
    "query, message",
    [
        ({"room": "0OIL1U"}, "A room code is 6 letters"),  # R01 on the page
        ({"room": "ABCDEF"}, "Room ABCDEF has ended or does not exist"),  # R07 on the page
    ],
)
def test_a_bad_or_unknown_room_in_the_link_says_so_and_asks_for_a_code(rooms_app, query, message):
    phone = rooms_app("pages/join.py", **query)
    assert any(message in e.value for e in phone.error)
    assert not phone.exception


def test_R02_a_forged_member_in_the_link_is_refused_on_the_page(rooms_app):
    host = rooms_app("pages/room.py", app_presenter="true")
    host.button(key=state.ROOM_OPEN).click().run()
    phone = rooms_app("pages/join.py", room=room_code(host), member="not-a-member-id")
    assert any("This join link is damaged" in e.value for e in phone.error)
    assert state.ROOM_MEMBER not in phone.session_state


def test_R11_joining_code_after_code_is_rate_limited(rooms_app):
    phone = rooms_app("pages/join.py")
    for i in range(12):
        phone.text_input(key=state.JOIN_CODE).set_value(f"ABCDE{'23456789ABCD'[i]}")
        phone.button[0].click().run()  # the form's "Join"
    assert any("Too many joins in a minute" in e.value for e in phone.error)
    assert room_join.ROOM_PARAM not in phone.query_params


def test_follow_me_shows_the_presenters_scene_on_the_phones_between_questions(rooms_app):
    host = rooms_app("pages/room.py", app_presenter="true")
    host.button(key=state.ROOM_OPEN).click().run()
    code = room_code(host)
    host.button_group(key=state.ROOM_ACTIVITY).set_value("Follow me").run()
    host.selectbox(key=state.ROOM_FOLLOW_SCENE).set_value("exercise").run()
    host.button(key=state.ROOM_FOLLOW).click().run()
    assert any("The phones follow you: 2000 iterations, learning rate 0.005" in c.value for c in host.caption)

    phone = rooms_app("pages/join.py", room=code)
    assert any(s.value == "On the big screen: 2000 iterations, learning rate 0.005" for s in phone.subheader)
    # The exercise's golden figures (docs: exercise-api.md), read-only: no widget on the phone changes them.
    assert (metric(phone, "Train accuracy"), metric(phone, "Test accuracy")) == ("99.04 %", "70.00 %")
    assert len(phone.get("vega_lite_chart")) == 1 and not phone.slider

    host.button_group(key=state.ROOM_ACTIVITY).set_value("Predict the curve").run()
    host.button(key=state.ROOM_ASK).click().run()
    phone.run()  # an open question takes the phone: the vote buttons, not the scene
    assert vote_button(phone, 1, 0) is not None and not any("big screen" in s.value for s in phone.subheader)
    host.button_group(key=state.ROOM_ACTIVITY).set_value("Follow me").run()
    host.button(key=state.ROOM_UNFOLLOW).click().run()
    assert not any("follow you" in c.value for c in host.caption)


def asked_and_revealed(host: AppTest) -> tuple[str, str, str, list[str]]:
    """Reveal the presenter's current question: (its heading, the answer line, the model's line, its image URLs)."""
    host.button(key=state.ROOM_REVEAL).click().run()
    heading = next(s.value for s in host.subheader if s.value.startswith("Question 1:"))
    urls = [one.url for i in host.image for one in i.proto.imgs if one.alt.startswith("Image test/")]
    return heading, host.success[0].value, host.info[0].value, urls


def test_a_mistake_of_the_model_is_asked_as_its_test_image_by_number(rooms_app):
    host = rooms_app("pages/room.py", app_presenter="true")
    host.button(key=state.ROOM_OPEN).click().run()
    host.button_group(key=state.ROOM_CAT_SOURCE).set_value("A mistake").run()
    box = host.selectbox(key=state.ROOM_MISTAKE)
    # Only the numbers: the presenter's screen is the projector, and the room votes before the answer.
    listed = [int(re.fullmatch(r"test #(\d+)", o).group(1)) for o in box.options]
    assert listed == MISCLASSIFIED_TEST  # the seed's 15 test mistakes (tests/helpers.py), in order
    box.set_value(MISCLASSIFIED_TEST[1]).run()
    host.button(key=state.ROOM_ASK).click().run()
    from_mistake = asked_and_revealed(host)

    again = rooms_app("pages/room.py", app_presenter="true")  # the same test image, picked by number
    again.button(key=state.ROOM_OPEN).click().run()
    again.number_input(key=state.ROOM_INDEX).set_value(MISCLASSIFIED_TEST[1]).run()
    again.button(key=state.ROOM_ASK).click().run()
    assert from_mistake == asked_and_revealed(again) and len(from_mistake[3]) == 1
    answer = re.search(r"Answer: \*\*(.+?)\*\*", from_mistake[1]).group(1)
    model = re.search(r"The model says \*\*(.+?)\*\*", from_mistake[2]).group(1)
    assert answer != model, "a mistake: the model's answer is not the label"


@pytest.mark.parametrize("iterations", [200, 2000])
def test_will_it_overfit_is_revealed_by_running_it(rooms_app, real_data_dir, iterations):
    from catlr import engine, explain, problem
    from catlr.config import TrainConfig
    from catlr.data import load_dataset

    host = rooms_app("pages/room.py", app_presenter="true")
    host.button(key=state.ROOM_OPEN).click().run()
    code = room_code(host)
    host.button_group(key=state.ROOM_ACTIVITY).set_value("Predict the curve").run()
    host.button_group(key=state.ROOM_CURVE_VARY).set_value("Iterations").run()
    host.select_slider(key=state.ROOM_FIT_ITERATIONS).set_value(iterations).run()
    host.button(key=state.ROOM_ASK).click().run()
    phone = rooms_app("pages/join.py", room=code)
    assert phone.subheader[-1].value == f"Question 1: {iterations} iterations: will the model overfit?"
    vote_button(phone, 1, 0).click().run()  # "overfits"
    host.run()
    host.button(key=state.ROOM_REVEAL).click().run()
    run = engine.train(problem.from_dataset(load_dataset(real_data_dir)), TrainConfig(iterations, 0.005))
    truth = "overfits" if explain.overfits(run.history.train_cost, run.history.test_cost) else "does not overfit"
    assert truth == ("overfits" if iterations == 2000 else "does not overfit")  # the exercise's own curves
    assert any(f"Answer: **{truth}**" in s.value for s in host.success)
    assert len(host.get("vega_lite_chart")) == 1  # the run's train and test cost curves
    phone.run()
    assert any(f"Answer: **{truth}**" in s.value for s in phone.success)
