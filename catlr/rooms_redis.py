"""Rooms in Redis: the same :class:`catlr.rooms.RoomStore` for several app servers sharing one Redis.

Keys of room CODE (the ``{CODE}`` hash tag keeps them in one slot), all expiring with the room:
``catlr:room:{CODE}:meta`` (hash: secret, expires_at, asked, question, options, revealed, scene),
``…:members`` (hash: member id -> nickname), ``…:votes:N`` (hash: member id -> option, question N),
``…:tally:N`` (hash: option -> votes), ``…:history`` (list of revealed rounds as JSON), and the photo wall's
``…:photos`` (hash: photo id -> its checked pixels, base64), ``…:senders`` (hash: waiting photo id -> member
id), ``…:pending`` and ``…:approved`` (lists of photo ids, in order) and ``…:sent`` (hash: member id -> photos
sent). Photos are kept as their checked 64 × 64 pixels only, never an upload's bytes.

Every operation that reads and then writes runs as one Lua script, so it is atomic: a vote is counted
at most once (``HSETNX`` on the member's field, then ``HINCRBY`` of the tally, in one script), and no vote
slips in after a reveal. The expiry is checked against the store's clock (as in the in-process store) and
the keys also carry a Redis TTL a minute past it, so an abandoned room frees its memory.
"""

from __future__ import annotations

import base64
import contextlib
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import replace

import redis

from catlr import limits, room_inputs
from catlr.errors import CatlrInputError
from catlr.rooms import (
    DECISION,
    VOTE_REFUSED,
    Question,
    RoomStore,
    Round,
    Snapshot,
    WallPhoto,
    full_tally,
    gone,
    not_presenter,
    on_off,
    photo_refused,
    revealed_question,
)

TTL_MARGIN = 60  # seconds the keys outlive the room's expiry (the clock decides; the TTL only cleans up)

# KEYS[1] meta; ARGV: secret, expires_at, expire-at (whole seconds). 0 if the code is taken.
_OPEN = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'secret', ARGV[1], 'expires_at', ARGV[2], 'asked', 0, 'question', '',
           'options', '', 'revealed', '0')
redis.call('EXPIREAT', KEYS[1], ARGV[3])
return 1
"""
# KEYS[1] meta, KEYS[2] members; ARGV: member, nickname, now, max members. -1 gone, -2 full, 1 joined.
_JOIN = """
local exp = redis.call('HGET', KEYS[1], 'expires_at')
if not exp or tonumber(exp) <= tonumber(ARGV[3]) then return -1 end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then
  if redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[4]) then return -2 end
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
elseif ARGV[2] ~= '' then
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
end
redis.call('EXPIREAT', KEYS[2], math.ceil(tonumber(exp)) + tonumber(ARGV[5]))
return 1
"""
# KEYS[1] meta, KEYS[2] members; ARGV: the tally key's prefix, now. false if gone, else
# {expires_at, asked, question, revealed, members, scene ('' for none), wall, option1, count1, ...}.
_SNAPSHOT = """
local m = redis.call('HMGET', KEYS[1], 'expires_at', 'asked', 'question', 'revealed', 'scene', 'wall')
if not m[1] or tonumber(m[1]) <= tonumber(ARGV[2]) then return false end
local out = {m[1], m[2], m[3], m[4], redis.call('HLEN', KEYS[2]), m[5] or '', m[6] or '0'}
for _, v in ipairs(redis.call('HGETALL', ARGV[1] .. m[2])) do out[#out + 1] = v end
return out
"""
# KEYS[1] meta, KEYS[2] members; ARGV: member, number, option, now, votes prefix, tally prefix, TTL margin.
_VOTE = """
local m = redis.call('HMGET', KEYS[1], 'expires_at', 'asked', 'revealed', 'options')
if not m[1] or tonumber(m[1]) <= tonumber(ARGV[4]) then return 'gone' end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then return 'stranger' end
if m[4] == '' or m[2] ~= ARGV[2] then return 'over' end
if m[3] == '1' then return 'closed' end
local valid = false
for option in string.gmatch(m[4], '[^\\n]+') do if option == ARGV[3] then valid = true end end
if not valid then return 'option' end
local votes, tally = ARGV[5] .. m[2], ARGV[6] .. m[2]
if redis.call('HSETNX', votes, ARGV[1], ARGV[3]) == 0 then return 'again' end
redis.call('HINCRBY', tally, ARGV[3], 1)
local at = math.ceil(tonumber(m[1])) + tonumber(ARGV[7])
redis.call('EXPIREAT', votes, at)
redis.call('EXPIREAT', tally, at)
return 'ok'
"""
# KEYS[1] meta; ARGV: question number, the question with its answer (JSON), tally prefix. false if the
# question changed or was revealed meanwhile, else the final tally {option1, count1, ...}.
_REVEAL = """
local m = redis.call('HMGET', KEYS[1], 'asked', 'revealed')
if m[1] ~= ARGV[1] or m[2] == '1' then return false end
redis.call('HSET', KEYS[1], 'revealed', '1', 'question', ARGV[2])
return redis.call('HGETALL', ARGV[3] .. ARGV[1])
"""

# KEYS: meta, members, photos, senders, pending, sent; ARGV: member, photo id, pixels (base64), now, photos per
# member, photos per room, TTL margin. A rule's name from rooms.WALL_REFUSED, 'gone' or 'ok'.
_SEND = """
local m = redis.call('HMGET', KEYS[1], 'expires_at', 'wall')
if not m[1] or tonumber(m[1]) <= tonumber(ARGV[4]) then return 'gone' end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then return 'stranger' end
if m[2] ~= '1' then return 'off' end
if tonumber(redis.call('HGET', KEYS[6], ARGV[1]) or '0') >= tonumber(ARGV[5]) then return 'member' end
if redis.call('HLEN', KEYS[3]) >= tonumber(ARGV[6]) then return 'room' end
redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
redis.call('HSET', KEYS[4], ARGV[2], ARGV[1])
redis.call('RPUSH', KEYS[5], ARGV[2])
redis.call('HINCRBY', KEYS[6], ARGV[1], 1)
local at = math.ceil(tonumber(m[1])) + tonumber(ARGV[7])
for i = 3, 6 do redis.call('EXPIREAT', KEYS[i], at) end
return 'ok'
"""
# KEYS: pending, approved, photos, senders; ARGV: photo id, '1' approve / '0' reject, expire-at. 0 if not waiting.
_JUDGE = """
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then return 0 end
redis.call('HDEL', KEYS[4], ARGV[1])
if ARGV[2] == '1' then
  redis.call('RPUSH', KEYS[2], ARGV[1])
  redis.call('EXPIREAT', KEYS[2], ARGV[3])
else
  redis.call('HDEL', KEYS[3], ARGV[1])
end
return 1
"""
WALL_PARTS = ("photos", "senders", "pending", "approved", "sent")


@contextlib.contextmanager
def _answering() -> Iterator[None]:
    """Redis faults become one message a person can act on (the traceback goes to the server's log)."""
    try:
        yield
    except redis.RedisError as exc:
        raise CatlrInputError("The room service is not answering; try again in a moment.") from exc


class RedisRoomStore(RoomStore):
    """Rooms in the Redis at ``url``; safe to share between threads and processes."""

    def __init__(self, url: str, clock: Callable[[], float] = time.time) -> None:
        super().__init__(clock)
        self.redis = redis.Redis.from_url(url, decode_responses=True, socket_timeout=5, socket_connect_timeout=5)
        self._scripts = {
            name: self.redis.register_script(text)
            for name, text in (("open", _OPEN), ("join", _JOIN), ("snapshot", _SNAPSHOT), ("vote", _VOTE),
                               ("reveal", _REVEAL), ("send", _SEND), ("judge", _JUDGE))
        }  # fmt: skip

    @staticmethod
    def _key(code: str, part: str) -> str:
        return f"catlr:room:{{{code}}}:{part}"

    def _expire_at(self, expires_at: float) -> int:
        return math.ceil(expires_at) + TTL_MARGIN

    def _presenter(self, code: str, secret: str) -> tuple[str, dict[str, str]]:
        """The checked code and the room's meta hash, once the secret matched."""
        code = room_inputs.room_code(code)
        meta = self.redis.hgetall(self._key(code, "meta"))
        if not meta or float(meta["expires_at"]) <= self.clock():
            raise gone(code)
        if not self._same_secret(secret, meta["secret"]):
            raise not_presenter(code)
        return code, meta

    def open(self) -> tuple[str, str]:
        secret, expires_at = self._new_secret(), self.clock() + limits.ROOM_TTL_SECONDS
        with _answering():
            while True:
                code = room_inputs.new_room_code()
                keys = [self._key(code, "meta")]
                if self._scripts["open"](keys, [secret, repr(expires_at), self._expire_at(expires_at)]):
                    return code, secret

    def close(self, code: str, secret: str) -> None:
        with _answering():
            code, meta = self._presenter(code, secret)
            asked = int(meta["asked"])
            numbered = [f"{kind}:{n}" for n in range(1, asked + 1) for kind in ("votes", "tally")]
            parts = ["meta", "members", "history", *WALL_PARTS, *numbered]
            self.redis.delete(*(self._key(code, p) for p in parts))

    def join(self, code: str, member: str, nickname: str | None = None) -> Snapshot:
        code = room_inputs.room_code(code)
        member, nick = room_inputs.member_id(member), room_inputs.nickname(nickname)
        keys = [self._key(code, "meta"), self._key(code, "members")]
        with _answering():
            args = [member, nick, repr(self.clock()), limits.MAX_ROOM_MEMBERS, TTL_MARGIN]
            status = self._scripts["join"](keys, args)
        if status == -1:
            raise gone(code)
        if status == -2:
            raise CatlrInputError(f"Room {code} is full ({limits.MAX_ROOM_MEMBERS} people).")
        return self.snapshot(code)

    def snapshot(self, code: str) -> Snapshot:
        code = room_inputs.room_code(code)
        keys = [self._key(code, "meta"), self._key(code, "members")]
        with _answering():
            raw = self._scripts["snapshot"](keys, [self._key(code, "tally:"), repr(self.clock())])
        if not raw:
            raise gone(code)
        expires_at, asked, question_json, revealed, members, scene, wall, *flat = raw
        question = Question.from_json(question_json) if question_json else None
        if question is not None:
            question = replace(question, number=int(asked))
        counts = {flat[i]: int(flat[i + 1]) for i in range(0, len(flat), 2)}
        tally = full_tally(question, counts)
        return Snapshot(
            code, question, revealed == "1", tally, int(members), float(expires_at), scene or None, wall == "1"
        )

    def ask(self, code: str, secret: str, question: Question) -> Question:
        with _answering():
            code, meta = self._presenter(code, secret)
            if int(meta["asked"]) >= limits.MAX_ROOM_QUESTIONS:
                raise CatlrInputError(f"Room {code} has had {limits.MAX_ROOM_QUESTIONS} questions; open a new room.")
            number = self.redis.hincrby(self._key(code, "meta"), "asked", 1)
            numbered = replace(question, number=number)
            fields = {"question": numbered.to_json(), "options": "\n".join(question.options), "revealed": "0"}
            self.redis.hset(self._key(code, "meta"), mapping=fields)
        return numbered

    def vote(self, code: str, member: str, number: int, option: str) -> bool:
        code, member = room_inputs.room_code(code), room_inputs.member_id(member)
        if isinstance(number, bool) or not isinstance(number, int) or not isinstance(option, str):
            raise CatlrInputError(VOTE_REFUSED["over"])
        keys = [self._key(code, "meta"), self._key(code, "members")]
        args = [member, number, option, repr(self.clock()), self._key(code, "votes:"), self._key(code, "tally:")]
        with _answering():
            status = self._scripts["vote"](keys, [*args, TTL_MARGIN])
        if status == "gone":
            raise gone(code)
        if status in VOTE_REFUSED:
            raise CatlrInputError(VOTE_REFUSED[status].format(code=code))
        if status == "option":
            question = self.snapshot(code).question
            room_inputs.choice(option, question.options if question else ())
        return status == "ok"

    def my_vote(self, code: str, member: str) -> str | None:
        current = self.snapshot(code)
        if current.question is None:
            return None
        with _answering():
            return self.redis.hget(self._key(current.code, f"votes:{current.question.number}"), member)

    def reveal(self, code: str, secret: str, answer: str | None = None) -> Round:
        with _answering():
            code, meta = self._presenter(code, secret)
            question = Question.from_json(meta["question"]) if meta["question"] else None
            if question is not None:
                question = replace(question, number=int(meta["asked"]))
            question = revealed_question(code, question, meta["revealed"] == "1", answer)
            flat = self._scripts["reveal"](
                [self._key(code, "meta")], [meta["asked"], question.to_json(), self._key(code, "tally:")]
            )
            if flat is False or flat is None:
                raise CatlrInputError(f"Room {code} has no open question to reveal; ask one first.")
            counts = {flat[i]: int(flat[i + 1]) for i in range(0, len(flat), 2)}
            done = Round(question, full_tally(question, counts))
            history = self._key(code, "history")
            self.redis.rpush(history, done.to_json())
            self.redis.expireat(history, self._expire_at(float(meta["expires_at"])))
        return done

    def follow(self, code: str, secret: str, scene: str | None) -> None:
        if scene is not None:
            room_inputs.scene_config(scene)
        with _answering():
            code, _ = self._presenter(code, secret)
            self.redis.hset(self._key(code, "meta"), "scene", scene or "")

    def history(self, code: str) -> list[Round]:
        code = room_inputs.room_code(code)
        self.snapshot(code)  # gone rooms have no history
        with _answering():
            return [Round.from_json(item) for item in self.redis.lrange(self._key(code, "history"), 0, -1)]

    def nicknames(self, code: str, secret: str) -> list[str]:
        with _answering():
            code, _ = self._presenter(code, secret)
            return sorted(n for n in self.redis.hvals(self._key(code, "members")) if n)

    def set_wall(self, code: str, secret: str, on: bool) -> None:
        on = on_off(on)
        with _answering():
            code, _ = self._presenter(code, secret)
            self.redis.hset(self._key(code, "meta"), "wall", "1" if on else "0")

    def send_photo(self, code: str, member: str, pixels) -> str:
        code, member = room_inputs.room_code(code), room_inputs.member_id(member)
        raw, photo_id = room_inputs.wall_pixels(pixels), room_inputs.new_photo_id()
        keys = [self._key(code, p) for p in ("meta", "members", "photos", "senders", "pending", "sent")]
        args = [member, photo_id, base64.b64encode(raw).decode("ascii"), repr(self.clock())]
        with _answering():
            status = self._scripts["send"](keys, [*args, limits.MAX_MEMBER_PHOTOS, limits.MAX_ROOM_PHOTOS, TTL_MARGIN])
        if status == "gone":
            raise gone(code)
        if status != "ok":
            raise photo_refused(status, code)
        return photo_id

    def _photos(self, code: str, ids: list[str]) -> list[tuple[str, bytes]]:
        """(id, pixels) of the photos ``ids`` still kept, in order."""
        kept = self.redis.hmget(self._key(code, "photos"), ids) if ids else []
        return [(i, base64.b64decode(p)) for i, p in zip(ids, kept, strict=True) if p is not None]

    def pending_photos(self, code: str, secret: str) -> list[WallPhoto]:
        with _answering():
            code, _ = self._presenter(code, secret)
            ids = self.redis.lrange(self._key(code, "pending"), 0, -1)
            senders = dict(zip(ids, self.redis.hmget(self._key(code, "senders"), ids), strict=True)) if ids else {}
            known = sorted({m for m in senders.values() if m is not None})
            nicks = dict(zip(known, self.redis.hmget(self._key(code, "members"), known), strict=True)) if known else {}
            return [WallPhoto.from_bytes(i, raw, nicks.get(senders.get(i)) or "") for i, raw in self._photos(code, ids)]

    def judge_photo(self, code: str, secret: str, photo_id: str, approve: bool) -> None:
        approve = on_off(approve, DECISION)
        with _answering():
            code, meta = self._presenter(code, secret)
            keys = [self._key(code, p) for p in ("pending", "approved", "photos", "senders")]
            args = [room_inputs.photo_id(photo_id), "1" if approve else "0", self._expire_at(float(meta["expires_at"]))]
            if not self._scripts["judge"](keys, args):
                raise CatlrInputError(room_inputs.NO_SUCH_PHOTO)

    def wall(self, code: str, newest: int | None = None) -> list[WallPhoto]:
        code, newest = room_inputs.room_code(code), room_inputs.how_many(newest)
        self.snapshot(code)  # gone rooms have no wall
        with _answering():
            ids = self.redis.lrange(self._key(code, "approved"), -newest if newest else 0, -1)
            return [WallPhoto.from_bytes(i, raw) for i, raw in self._photos(code, ids)]
