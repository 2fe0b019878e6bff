"""Rooms in this process: the default :class:`catlr.rooms.RoomStore` (one server, nothing to install).

One lock around a dict of rooms (every operation is short); Streamlit runs sessions in threads.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from catlr import limits, room_inputs
from catlr.errors import CatlrInputError
from catlr.rooms import (
    DECISION,
    Question,
    RoomStore,
    Round,
    Snapshot,
    WallPhoto,
    check_photo,
    check_vote,
    full_tally,
    gone,
    not_presenter,
    on_off,
    revealed_question,
)


@dataclass
class _Photo:
    member: str
    pixels: bytes  # (WALL_PX, WALL_PX, 3) uint8 as bytes: room_inputs.wall_pixels
    approved: bool = False


@dataclass
class _Room:
    secret: str
    expires_at: float
    members: dict[str, str] = field(default_factory=dict)  # member id -> nickname
    question: Question | None = None
    revealed: bool = False
    votes: dict[str, str] = field(default_factory=dict)  # member id -> option, current question
    counts: dict[str, int] = field(default_factory=dict)
    history: list[Round] = field(default_factory=list)
    asked: int = 0
    scene: str | None = None
    wall: bool = False
    photos: dict[str, _Photo] = field(default_factory=dict)  # photo id -> photo, waiting or approved, in order sent
    approved: list[str] = field(default_factory=list)  # photo ids, in the order approved
    sent: dict[str, int] = field(default_factory=dict)  # member id -> photos sent (rejected ones too)


class MemoryRoomStore(RoomStore):
    """Rooms in this process, expired ones swept when a room opens; at most ``limits.MAX_ROOMS``."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        super().__init__(clock)
        self._rooms: dict[str, _Room] = {}
        self._lock = threading.Lock()

    def _room(self, code: str) -> tuple[str, _Room]:
        code = room_inputs.room_code(code)
        room = self._rooms.get(code)
        if room is None or room.expires_at <= self.clock():
            self._rooms.pop(code, None)
            raise gone(code)
        return code, room

    def _presenter(self, code: str, secret: str) -> tuple[str, _Room]:
        code, room = self._room(code)
        if not self._same_secret(secret, room.secret):
            raise not_presenter(code)
        return code, room

    def open(self) -> tuple[str, str]:
        with self._lock:
            now = self.clock()
            for old in [c for c, r in self._rooms.items() if r.expires_at <= now]:
                del self._rooms[old]
            if len(self._rooms) >= limits.MAX_ROOMS:
                raise CatlrInputError("This server runs as many rooms as it can; close one or try later.")
            code = room_inputs.new_room_code()
            while code in self._rooms:
                code = room_inputs.new_room_code()
            self._rooms[code] = _Room(self._new_secret(), now + limits.ROOM_TTL_SECONDS)
            return code, self._rooms[code].secret

    def close(self, code: str, secret: str) -> None:
        with self._lock:
            code, _ = self._presenter(code, secret)
            del self._rooms[code]

    def join(self, code: str, member: str, nickname: str | None = None) -> Snapshot:
        member, nick = room_inputs.member_id(member), room_inputs.nickname(nickname)
        with self._lock:
            code, room = self._room(code)
            if member not in room.members and len(room.members) >= limits.MAX_ROOM_MEMBERS:
                raise CatlrInputError(f"Room {code} is full ({limits.MAX_ROOM_MEMBERS} people).")
            if nick or member not in room.members:
                room.members[member] = nick
            return self._snapshot(code, room)

    def snapshot(self, code: str) -> Snapshot:
        with self._lock:
            return self._snapshot(*self._room(code))

    def _snapshot(self, code: str, room: _Room) -> Snapshot:
        tally = full_tally(room.question, room.counts)
        return Snapshot(
            code, room.question, room.revealed, tally, len(room.members), room.expires_at, room.scene, room.wall
        )

    def ask(self, code: str, secret: str, question: Question) -> Question:
        with self._lock:
            code, room = self._presenter(code, secret)
            if room.asked >= limits.MAX_ROOM_QUESTIONS:
                raise CatlrInputError(f"Room {code} has had {limits.MAX_ROOM_QUESTIONS} questions; open a new room.")
            room.asked += 1
            room.question = replace(question, number=room.asked)
            room.revealed, room.votes, room.counts = False, {}, {}
            return room.question

    def vote(self, code: str, member: str, number: int, option: str) -> bool:
        member = room_inputs.member_id(member)
        with self._lock:
            code, room = self._room(code)
            check_vote(code, room.question, room.revealed, member in room.members, number, option)
            if member in room.votes:
                return False
            room.votes[member] = option
            room.counts[option] = room.counts.get(option, 0) + 1
            return True

    def my_vote(self, code: str, member: str) -> str | None:
        member = room_inputs.member_id(member)
        with self._lock:
            return self._room(code)[1].votes.get(member)

    def reveal(self, code: str, secret: str, answer: str | None = None) -> Round:
        with self._lock:
            code, room = self._presenter(code, secret)
            question = revealed_question(code, room.question, room.revealed, answer)
            room.question, room.revealed = question, True
            done = Round(question, full_tally(question, room.counts))
            room.history.append(done)
            return done

    def follow(self, code: str, secret: str, scene: str | None) -> None:
        if scene is not None:
            room_inputs.scene_config(scene)
        with self._lock:
            self._presenter(code, secret)[1].scene = scene

    def history(self, code: str) -> list[Round]:
        with self._lock:
            return list(self._room(code)[1].history)

    def nicknames(self, code: str, secret: str) -> list[str]:
        with self._lock:
            return sorted(n for n in self._presenter(code, secret)[1].members.values() if n)

    def set_wall(self, code: str, secret: str, on: bool) -> None:
        on = on_off(on)
        with self._lock:
            self._presenter(code, secret)[1].wall = on

    def send_photo(self, code: str, member: str, pixels) -> str:
        member, raw = room_inputs.member_id(member), room_inputs.wall_pixels(pixels)
        with self._lock:
            code, room = self._room(code)
            check_photo(code, member in room.members, room.wall, room.sent.get(member, 0), len(room.photos))
            photo_id = room_inputs.new_photo_id()
            room.photos[photo_id] = _Photo(member, raw)
            room.sent[member] = room.sent.get(member, 0) + 1
            return photo_id

    def pending_photos(self, code: str, secret: str) -> list[WallPhoto]:
        with self._lock:
            _, room = self._presenter(code, secret)
            return [
                WallPhoto.from_bytes(i, p.pixels, room.members.get(p.member, ""))
                for i, p in room.photos.items()
                if not p.approved
            ]

    def judge_photo(self, code: str, secret: str, photo_id: str, approve: bool) -> None:
        approve = on_off(approve, DECISION)
        with self._lock:
            _, room = self._presenter(code, secret)
            photo = room.photos.get(room_inputs.photo_id(photo_id))
            if photo is None or photo.approved:
                raise CatlrInputError(room_inputs.NO_SUCH_PHOTO)
            if approve:
                photo.approved = True
                room.approved.append(photo_id)
            else:
                del room.photos[photo_id]

    def wall(self, code: str, newest: int | None = None) -> list[WallPhoto]:
        newest = room_inputs.how_many(newest)
        with self._lock:
            _, room = self._room(code)
            shown = room.approved if newest is None else room.approved[-newest:]
            return [WallPhoto.from_bytes(i, room.photos[i].pixels) for i in shown]
