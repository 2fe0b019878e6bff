"""Rooms: a presenter asks, the audience votes from their phones, the presenter reveals.

A room has a short code (the audience's key to it, see :mod:`catlr.room_inputs`), a presenter secret
(the only key to running it; no audience link holds it), an expiry, members (each an unguessable id kept
in the member's own URL and session), at most one current question, one vote per member per question,
the tally, the history of revealed rounds, the scene the presenter shows the phones ("follow me"), and the
photo wall: off until the presenter opens it; members send photos (kept only as their checked 64 × 64 pixels),
the presenter approves or rejects each, and everyone sees only the approved ones.

:class:`RoomStore` is the interface; :class:`catlr.rooms_memory.MemoryRoomStore` keeps rooms in this process
(thread-safe: Streamlit runs sessions in threads), :class:`catlr.rooms_redis.RedisRoomStore` in Redis for
several app servers; :func:`catlr.room_store.open_store` picks one from ``CATLR_ROOMS_URL``. Every method
validates what it is given (codes, member ids, nicknames, votes) and raises :class:`CatlrInputError` with a
message a person can act on.
"""

from __future__ import annotations

import hmac
import json
import secrets
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace

import numpy as np

from catlr import limits, room_inputs
from catlr.errors import CatlrInputError

CAT_OPTIONS = ("cat", "not a cat")
CURVE_OPTIONS = ("converges", "too slow", "oscillates", "diverges")
FIT_OPTIONS = ("overfits", "does not overfit")
KINDS = {"cat": CAT_OPTIONS, "curve": CURVE_OPTIONS, "fit": FIT_OPTIONS}
PROMPTS = {"cat": "Cat or not?", "curve": "Learning rate {subject}: what will the cost curve do?",
           "fit": "{subject} iterations: will the model overfit?"}  # fmt: skip


def cat_said(p_cat: float) -> str:
    """The option "Cat or not?" reads off the model's P(cat): "cat" above 0.5, else "not a cat"."""
    return CAT_OPTIONS[0] if p_cat > 0.5 else CAT_OPTIONS[1]


def gone(code: str) -> CatlrInputError:
    """One message for an unknown and an expired room: which codes ever existed is not told."""
    return CatlrInputError(f"Room {code} has ended or does not exist. Check the code on the presenter's screen.")


def not_presenter(code: str) -> CatlrInputError:
    return CatlrInputError(f"Only the presenter who opened room {code} can run it.")


@dataclass(frozen=True)
class Question:
    """One question put to the room.

    Attributes:
        kind: "cat" (cat or not?), "curve" (predict the cost curve of a learning rate) or "fit" (will a run of
            that many iterations overfit?).
        subject: what it is about: an image of the exercise's data ("test/12"), a wall photo ("photo/<id>", see
            :mod:`catlr.wall_questions`) or a learning rate; checked by :func:`room_inputs.question_subject`.
        answer: the truth, one of the options, when known before the reveal (cat: the label), else None.
        model_answer: the model's answer (cat: its decision), or None.
        model_p: the model's P(cat) in [0, 1], or None.
        number: 1, 2, … in the room (given by the store).
    """

    kind: str
    subject: str
    answer: str | None = None
    model_answer: str | None = None
    model_p: float | None = None
    number: int = 0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise CatlrInputError(f"A question is one of {', '.join(KINDS)}; not {str(self.kind)[:20]!r}.")
        room_inputs.question_subject(self.kind, self.subject)
        for value in (self.answer, self.model_answer):
            if value is not None:
                room_inputs.choice(value, self.options)
        if self.model_p is not None and not (isinstance(self.model_p, float) and 0.0 <= self.model_p <= 1.0):
            raise CatlrInputError("The model's P(cat) must be a number between 0 and 1.")

    @property
    def options(self) -> tuple[str, ...]:
        return KINDS[self.kind]

    @property
    def prompt(self) -> str:
        return PROMPTS[self.kind].format(subject=self.subject)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str | bytes) -> Question:
        return cls(**json.loads(text))


@dataclass(frozen=True)
class Round:
    """A revealed question and the room's final tally (option -> votes, every option present)."""

    question: Question
    tally: dict[str, int]

    @property
    def votes(self) -> int:
        return sum(self.tally.values())

    @property
    def room_answer(self) -> str | None:
        """The option most voted for; None with no votes or a tie at the top."""
        top = max(self.tally.values(), default=0)
        leaders = [o for o, n in self.tally.items() if n == top]
        return leaders[0] if top > 0 and len(leaders) == 1 else None

    def to_json(self) -> str:
        return json.dumps({"question": asdict(self.question), "tally": self.tally})

    @classmethod
    def from_json(cls, text: str | bytes) -> Round:
        raw = json.loads(text)
        return cls(Question(**raw["question"]), {str(k): int(v) for k, v in raw["tally"].items()})


@dataclass(frozen=True)
class Scores:
    """Over the revealed rounds of one kind with a known answer: how often the room's majority, the members
    one by one, and the model were right, and the rounds where the room and the model disagreed."""

    rounds: int
    room_right: int
    model_right: int
    votes: int
    votes_right: int
    disagreements: tuple[Round, ...]


def scores(history: list[Round], kind: str = "cat") -> Scores:
    """:class:`Scores` of the rounds of ``kind`` in ``history`` whose answer is known."""
    done = [r for r in history if r.question.kind == kind and r.question.answer is not None]
    return Scores(
        rounds=len(done),
        room_right=sum(r.room_answer == r.question.answer for r in done),
        model_right=sum(r.question.model_answer == r.question.answer for r in done),
        votes=sum(r.votes for r in done),
        votes_right=sum(r.tally.get(r.question.answer, 0) for r in done),
        disagreements=tuple(r for r in done if r.room_answer not in (None, r.question.model_answer)),
    )


@dataclass(frozen=True)
class Snapshot:
    """What everyone in a room may see now (the current question's answer is the caller's to hide until
    ``revealed``). ``tally`` maps every option of the current question to its votes so far."""

    code: str
    question: Question | None
    revealed: bool
    tally: dict[str, int]
    members: int
    expires_at: float
    scene: str | None = None  # what the presenter shows the phones ("follow me"), see room_inputs.scene_text
    wall: bool = False  # the photo wall is open: members may send photos

    @property
    def votes(self) -> int:
        return sum(self.tally.values())


@dataclass(frozen=True, eq=False)
class WallPhoto:
    """A photo sent to a room's wall.

    Attributes:
        id: unguessable (:func:`catlr.room_inputs.new_photo_id`).
        pixels: (WALL_PX, WALL_PX, 3) uint8, read-only: what Predict's check made of the upload, nothing more.
        nickname: the sender's nickname, on waiting photos listed for the presenter only ('' when none).
    """

    id: str
    pixels: np.ndarray
    nickname: str = ""

    @classmethod
    def from_bytes(cls, photo_id: str, raw: bytes, nickname: str = "") -> WallPhoto:
        """From the 12,288 bytes a store keeps (:func:`catlr.room_inputs.wall_pixels`)."""
        side = room_inputs.WALL_PX
        return cls(photo_id, np.frombuffer(raw, dtype=np.uint8).reshape(side, side, 3), nickname)  # read-only view


WALL_REFUSED = {  # the rules of sending a photo, by the name each store gives the broken one
    "stranger": "Join room {code} before sending a photo: open its link again.",
    "off": "The photo wall of room {code} is not open: the presenter turns it on when photos are welcome.",
    "member": "You have sent {n} photos, the most one person may send to this wall.",
    "room": "The wall of room {code} holds {n} photos, as many as it can: no more can be sent.",
}


def photo_refused(status: str, code: str) -> CatlrInputError:
    """The message for a photo refused by the rule ``status`` (a key of WALL_REFUSED)."""
    n = limits.MAX_MEMBER_PHOTOS if status == "member" else limits.MAX_ROOM_PHOTOS
    return CatlrInputError(WALL_REFUSED[status].format(code=code, n=n))


def check_photo(code: str, member: bool, wall: bool, sent: int, held: int) -> None:
    """The rules of sending a photo: a member, the wall open, under the member's and the room's caps."""
    for status, broken in (
        ("stranger", not member),
        ("off", not wall),
        ("member", sent >= limits.MAX_MEMBER_PHOTOS),
        ("room", held >= limits.MAX_ROOM_PHOTOS),
    ):
        if broken:
            raise photo_refused(status, code)


def on_off(value: object, message: str = "The photo wall is either on or off.") -> bool:
    """A switch (the wall open, a photo approved): True or False, nothing else; CatlrInputError(``message``)."""
    if not isinstance(value, bool):
        raise CatlrInputError(message)
    return value


DECISION = "A photo is either approved or rejected."


def full_tally(question: Question | None, counts: dict[str, int]) -> dict[str, int]:
    """Every option of ``question`` in order with its count (0 when none)."""
    return {} if question is None else {o: int(counts.get(o, 0)) for o in question.options}


class RoomStore(ABC):
    """Rooms behind one small interface; ``clock()`` gives the time in seconds since the epoch."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock

    @abstractmethod
    def open(self) -> tuple[str, str]:
        """Open a room: (code, presenter secret)."""

    @abstractmethod
    def close(self, code: str, secret: str) -> None:
        """End the room now (the presenter only); everything in it is dropped."""

    @abstractmethod
    def join(self, code: str, member: str, nickname: str | None = None) -> Snapshot:
        """Add ``member`` to the room (again: no new member; a nickname replaces the last), and its snapshot."""

    @abstractmethod
    def snapshot(self, code: str) -> Snapshot:
        """The room now."""

    @abstractmethod
    def ask(self, code: str, secret: str, question: Question) -> Question:
        """Put ``question`` to the room (the presenter only), replacing the current one; returns it numbered."""

    @abstractmethod
    def vote(self, code: str, member: str, number: int, option: str) -> bool:
        """Count ``member``'s vote for ``option`` on question ``number``; False if they voted on it already."""

    @abstractmethod
    def my_vote(self, code: str, member: str) -> str | None:
        """``member``'s vote on the current question, or None."""

    @abstractmethod
    def reveal(self, code: str, secret: str, answer: str | None = None) -> Round:
        """Close voting on the current question (the presenter only), with ``answer`` if it was not known yet;
        it joins the history."""

    @abstractmethod
    def follow(self, code: str, secret: str, scene: str | None) -> None:
        """Show ``scene`` (checked by :func:`catlr.room_inputs.scene_config`) on the members' phones, or stop
        (None); the presenter only."""

    @abstractmethod
    def history(self, code: str) -> list[Round]:
        """The revealed rounds, oldest first."""

    @abstractmethod
    def nicknames(self, code: str, secret: str) -> list[str]:
        """The members' nicknames (the presenter only; shown only when the presenter chooses)."""

    @abstractmethod
    def set_wall(self, code: str, secret: str, on: bool) -> None:
        """Open (True) or close (False) the photo wall to new photos (the presenter only); off at first."""

    @abstractmethod
    def send_photo(self, code: str, member: str, pixels: np.ndarray) -> str:
        """Send ``member``'s checked (WALL_PX, WALL_PX, 3) uint8 photo to the wall, waiting for the presenter;
        returns its id. Refused (:data:`WALL_REFUSED`) for a stranger, a closed wall, or past a cap."""

    @abstractmethod
    def pending_photos(self, code: str, secret: str) -> list[WallPhoto]:
        """The photos waiting for a decision, oldest first, with the sender's nickname (the presenter only)."""

    @abstractmethod
    def judge_photo(self, code: str, secret: str, photo_id: str, approve: bool) -> None:
        """Approve a waiting photo (it joins the wall) or reject it (it is dropped); the presenter only."""

    @abstractmethod
    def wall(self, code: str, newest: int | None = None) -> list[WallPhoto]:
        """The approved photos in the order they were approved (only the ``newest`` many when given), without
        nicknames: what everyone may see."""

    def _new_secret(self) -> str:
        return secrets.token_urlsafe(24)

    @staticmethod
    def _same_secret(given: object, kept: str) -> bool:
        return isinstance(given, str) and hmac.compare_digest(given.encode(), kept.encode())


VOTE_REFUSED = {  # the rules of a vote, by the name each store gives the broken one
    "stranger": "Join room {code} before voting: open its link again.",
    "over": "That question is over; vote on the one on screen now.",
    "closed": "Voting on this question has closed.",
}


def check_vote(code: str, question: Question | None, revealed: bool, member: bool, number: object, option: str):
    """The rules of a vote: a member, on the current open question, for one of its options."""
    if not member:
        raise CatlrInputError(VOTE_REFUSED["stranger"].format(code=code))
    if question is None or isinstance(number, bool) or number != question.number:
        raise CatlrInputError(VOTE_REFUSED["over"])
    if revealed:
        raise CatlrInputError(VOTE_REFUSED["closed"])
    room_inputs.choice(option, question.options)


def revealed_question(code: str, question: Question | None, revealed: bool, answer: str | None) -> Question:
    """The current question with its answer, checked for a reveal: there is one, not revealed, answer known."""
    if question is None or revealed:
        raise CatlrInputError(f"Room {code} has no open question to reveal; ask one first.")
    if answer is not None:
        question = replace(question, answer=room_inputs.choice(answer, question.options))
    if question.answer is None:
        raise CatlrInputError("Give this question's answer to reveal it.")
    return question
