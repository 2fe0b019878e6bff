"""catlr.wall_questions: "Cat or not?" about an approved wall photo, over both room stores (the ``store`` fixture of
tests/test_rooms.py: in-process and a real redis-server)."""

from __future__ import annotations

import numpy as np
import pytest

from catlr import room_inputs, wall_questions
from catlr.errors import CatlrInputError
from tests.test_rooms import photo, wall_room
from tests.test_rooms import store as store  # noqa: F401 - the parametrized fixture (memory, redis)


def test_an_approved_photo_is_asked_about_drawn_from_the_wall_and_revealed_with_the_presenters_answer(store):
    code, secret, (alice,) = wall_room(store, "Alice")
    sent = [store.send_photo(code, alice, photo(i)) for i in range(2)]
    store.judge_photo(code, secret, sent[1], True)
    asked = wall_questions.ask_photo(store, code, secret, sent[1], 0.75)
    snap = store.snapshot(code)
    assert snap.question == asked and asked.subject == f"photo/{sent[1]}" and asked.number == 1
    assert (asked.answer, asked.model_answer, asked.model_p) == (None, "cat", 0.75)
    drawn = wall_questions.photo_of(store, code, asked.subject)
    assert drawn.id == sent[1] and np.array_equal(drawn.pixels, photo(1))
    assert wall_questions.ask_photo(store, code, secret, sent[1], 0.5).model_answer == "not a cat"  # P > 0.5 is cat
    store.vote(code, alice, 2, "cat")
    with pytest.raises(CatlrInputError, match="Give this question's answer"):
        store.reveal(code, secret)  # the answer is not known: the presenter gives it
    done = store.reveal(code, secret, "not a cat")
    assert done.question.answer == "not a cat" and done.tally == {"cat": 1, "not a cat": 0}
    assert store.history(code)[-1].question.subject == f"photo/{sent[1]}"


def test_R20_a_waiting_rejected_unknown_or_other_rooms_photo_is_never_asked_about_nor_drawn(store):
    code, secret, (alice,) = wall_room(store, None)
    waiting, rejected, approved = (store.send_photo(code, alice, photo(i)) for i in range(3))
    store.judge_photo(code, secret, rejected, False)
    store.judge_photo(code, secret, approved, True)
    other, other_secret, (bob,) = wall_room(store, None)
    elsewhere = store.send_photo(other, bob, photo(9))
    store.judge_photo(other, other_secret, elsewhere, True)
    for bad in (waiting, rejected, elsewhere, room_inputs.new_photo_id(), alice, "../x", "", None, 7):
        with pytest.raises(CatlrInputError, match="not on the room's wall"):
            wall_questions.ask_photo(store, code, secret, bad, 0.9)
        if isinstance(bad, str):
            assert wall_questions.photo_of(store, code, f"photo/{bad}") is None
    assert store.snapshot(code).question is None, "nothing was asked"
    assert wall_questions.photo_of(store, code, f"photo/{approved}").id == approved
    assert wall_questions.photo_of(store, code, "test/3") is None
    with pytest.raises(CatlrInputError, match="Only the presenter"):
        wall_questions.ask_photo(store, code, "forged", approved, 0.9)
    assert store.snapshot(code).question is None
