"""The one validation boundary for what a room's audience and its links send: room codes, member ids,
nicknames, votes, photo-wall ids and pixels, and the public address of join links; and the per-session rate
limit. (A photo's bytes are checked by Predict's boundary, :func:`catlr.imaging.load_photo`, before any of this.)

Everything here raises :class:`catlr.errors.CatlrInputError` with a message a person can act on, and
never echoes more than a short, cleaned piece of what was sent.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
import unicodedata
import urllib.parse
from collections import deque
from collections.abc import Callable

import numpy as np

from catlr import imaging, limits
from catlr.config import TrainConfig
from catlr.errors import CatlrInputError

# No 0/O, 1/I/L, U/V: a code read off a projector from the back of a hall is typed right the first time.
ROOM_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
_MEMBER_ID = re.compile(r"[A-Za-z0-9_-]{22}")  # secrets.token_urlsafe(16)
_PHOTO_ID = _MEMBER_ID  # the same 128 random bits: a waiting photo cannot be reached by guessing its id
WALL_PX = 64  # the exercise's num_px: a wall photo is scored by the exercise's model
NO_SUCH_PHOTO = "That photo is not waiting for a decision: it was judged already, or never sent to this room."
PHOTO_SUBJECT = "photo/"  # a "Cat or not?" question about an approved wall photo: "photo/<photo id>"
_DATA_SUBJECT = re.compile(r"(train|test)/\d{1,6}")  # a dataset image: "test/12"


def new_room_code() -> str:
    """A fresh room code: ``limits.ROOM_CODE_LENGTH`` characters of ROOM_CODE_ALPHABET, from ``secrets``."""
    return "".join(secrets.choice(ROOM_CODE_ALPHABET) for _ in range(limits.ROOM_CODE_LENGTH))


def new_member_id() -> str:
    """A fresh member id (128 random bits, URL-safe): it cannot be guessed, so no one votes as another."""
    return secrets.token_urlsafe(16)


def new_photo_id() -> str:
    """A fresh photo id (128 random bits, URL-safe): holding one is the only way to name a photo."""
    return secrets.token_urlsafe(16)


def photo_id(text: object) -> str:
    """A photo id as the store makes them; CatlrInputError (the same message as for an unknown one) otherwise."""
    if not isinstance(text, str) or not _PHOTO_ID.fullmatch(text):
        raise CatlrInputError(NO_SUCH_PHOTO)
    return text


def question_subject(kind: str, subject: object) -> str:
    """What a question is about: for "cat", a dataset image (``test/12``) or a wall photo (``photo/<photo id>``,
    the id as :func:`new_photo_id` makes them); for "curve", a learning rate as text; for "fit", an iteration
    count (1 to ``limits.MAX_ITERATIONS``, digits only).

    Raises:
        CatlrInputError: anything else (no other text reaches a phone as a subject).
    """
    if not isinstance(subject, str) or not 0 < len(subject) <= 40:
        raise CatlrInputError("A question's subject is a short text (an image or a learning rate).")
    if kind == "cat" and not (_DATA_SUBJECT.fullmatch(subject) or subject_photo_id(subject)):
        raise CatlrInputError("A cat-or-not question is about a dataset image (test/12) or a wall photo.")
    if kind == "curve":
        try:
            float(subject)
        except ValueError:
            raise CatlrInputError("A curve question is about a learning rate, a number.") from None
    if kind == "fit" and not (subject.isdigit() and subject.isascii() and 1 <= int(subject) <= limits.MAX_ITERATIONS):
        raise CatlrInputError(f"An overfitting question is about an iteration count, 1 to {limits.MAX_ITERATIONS:,}.")
    return subject


def subject_photo_id(subject: str) -> str | None:
    """The photo id a subject names (``photo/<id>``), or None when it names no wall photo."""
    rest = subject[len(PHOTO_SUBJECT) :] if subject.startswith(PHOTO_SUBJECT) else ""
    return rest if _PHOTO_ID.fullmatch(rest) else None


def wall_photo(data: object, name: str = "photo") -> np.ndarray:
    """An audience member's photo for the wall → (WALL_PX, WALL_PX, 3) uint8, through Predict's own check
    (:func:`catlr.imaging.load_photo`: byte cap, format sniff, structure walk, pixel caps and decompression-bomb
    guard, EXIF orientation, the default fit). There is no second photo validator.

    Raises:
        CatlrInputError: whatever Predict refuses (empty, too large, not an image, damaged, …), naming ``name``.
    """
    return imaging.load_photo(data, num_px=WALL_PX, fit=imaging.DEFAULT_FIT, name=name)


def wall_pixels(pixels: object) -> bytes:
    """A wall photo as a store keeps it: the (WALL_PX, WALL_PX, 3) uint8 pixels that Predict's check
    (:func:`catlr.imaging.load_photo`) made, as their 12,288 bytes. Anything else, the upload's own bytes
    above all, is refused: nothing a sender wrote is kept, only pixels decoded from it.

    Raises:
        CatlrInputError: not a (WALL_PX, WALL_PX, 3) uint8 array.
    """
    shape = (WALL_PX, WALL_PX, 3)
    if not isinstance(pixels, np.ndarray) or pixels.dtype != np.uint8 or pixels.shape != shape:
        raise CatlrInputError(f"A photo for the wall must be checked first: {WALL_PX} × {WALL_PX} RGB pixels.")
    return np.ascontiguousarray(pixels).tobytes()


def room_code(text: object) -> str:
    """A room code as a person may type it (lower case, spaces, dashes) → the canonical code.

    Raises:
        CatlrInputError: not a string, or not ``limits.ROOM_CODE_LENGTH`` letters and digits of the alphabet.
    """
    if not isinstance(text, str):
        raise CatlrInputError("Type the room code shown on the presenter's screen.")
    code = re.sub(r"[\s-]", "", text[:40]).upper()
    if not code:
        raise CatlrInputError("Type the room code shown on the presenter's screen.")
    if len(code) != limits.ROOM_CODE_LENGTH or any(c not in ROOM_CODE_ALPHABET for c in code):
        raise CatlrInputError(
            f"A room code is {limits.ROOM_CODE_LENGTH} letters and digits, like 7KQ2MX. "
            "Check the code on the presenter's screen."
        )
    return code


def member_id(text: object) -> str:
    """A member id as kept in a member's URL; CatlrInputError if it is not one this app makes."""
    if not isinstance(text, str) or not _MEMBER_ID.fullmatch(text):
        raise CatlrInputError("This join link is damaged. Scan the QR code or type the room code again.")
    return text


def nickname(text: object) -> str:
    """An optional nickname → cleaned text ('' for none): NFKC, spaces squeezed, printable, at most
    ``limits.MAX_NICKNAME_CHARS`` characters.

    Raises:
        CatlrInputError: too long, or holding control or invisible characters.
    """
    if text is None:
        return ""
    if not isinstance(text, str):
        raise CatlrInputError("A nickname is a few words of text.")
    cleaned = " ".join(unicodedata.normalize("NFKC", text[: 4 * limits.MAX_NICKNAME_CHARS]).split())
    if len(cleaned) > limits.MAX_NICKNAME_CHARS:
        raise CatlrInputError(f"A nickname has at most {limits.MAX_NICKNAME_CHARS} characters; shorten it.")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn") for c in cleaned):
        raise CatlrInputError("A nickname may only hold letters, digits, punctuation and spaces.")
    return cleaned


def how_many(newest: object) -> int | None:
    """``newest`` for :meth:`catlr.rooms.RoomStore.wall`: None (all) or a whole number of photos, at least 1."""
    if newest is None:
        return None
    if isinstance(newest, bool) or not isinstance(newest, int) or newest < 1:
        raise CatlrInputError("Ask for at least one photo of the wall.")
    return newest


def choice(text: object, options: tuple[str, ...]) -> str:
    """A vote: exactly one of ``options``; CatlrInputError otherwise (the options are named)."""
    if not isinstance(text, str) or text not in options:
        raise CatlrInputError(f"Vote for one of: {', '.join(options)}.")
    return text


def public_url(text: object) -> str:
    """The address people open, as set in ``CATLR_PUBLIC_URL`` or the browser's: ``http(s)://host[:port][/path]``
    with no query, fragment or credentials; returned without a trailing slash.

    Raises:
        CatlrInputError: anything else (join links built on it would not work or would leak something).
    """
    if not isinstance(text, str) or not text or len(text) > limits.MAX_PUBLIC_URL_CHARS:
        raise CatlrInputError(
            f"The public address must be an http(s) URL of at most {limits.MAX_PUBLIC_URL_CHARS} characters."
        )
    try:
        parts = urllib.parse.urlsplit(text.strip())
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise CatlrInputError("The public address is not a valid URL, e.g. https://catlr.example.org") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CatlrInputError("The public address must start with http:// or https:// and name a host.")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise CatlrInputError("The public address may not hold a user name, a password, a query or a fragment.")
    if any(c.isspace() or not c.isprintable() for c in text.strip()):
        raise CatlrInputError("The public address may not hold spaces or control characters.")
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


SCENE = re.compile(r"train:(\d{1,6}):([0-9.e+-]{1,24}):([0-9.e+-]{1,24})")


def scene_text(config: TrainConfig) -> str:
    """The scene a presenter shows the room ("follow me"): a training setting as short text,
    ``train:<iterations>:<learning rate>:<L2>``."""
    return f"train:{config.num_iterations}:{config.learning_rate!r}:{config.l2!r}"


def scene_config(text: object) -> TrainConfig:
    """The training setting a scene's text names (see :func:`scene_text`).

    Raises:
        CatlrInputError: not a scene's text, or settings out of their bounds (the message names which).
    """
    match = SCENE.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise CatlrInputError("A scene for the room is a training setting: iterations, learning rate and L2.")
    try:
        rate, l2 = float(match.group(2)), float(match.group(3))
    except ValueError:
        raise CatlrInputError("A scene's learning rate and L2 must be numbers.") from None
    return TrainConfig(num_iterations=int(match.group(1)), learning_rate=rate, l2=l2)


def join_url(base: str, code: str) -> str:
    """The audience's link for room ``code`` on the site at ``base``: ``<base>/join?room=<code>`` (no secret)."""
    return f"{public_url(base)}/join?room={room_code(code)}"


class RateLimiter:
    """At most ``limit`` events per ``window`` seconds (sliding); kept per session, so thread-safe but small.

    ``check(what)`` records one attempt or raises CatlrInputError saying how long to wait.
    """

    def __init__(self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._times: deque[float] = deque()
        self._lock = threading.Lock()

    def check(self, what: str) -> None:
        with self._lock:
            now = self.clock()
            while self._times and self._times[0] <= now - self.window:
                self._times.popleft()
            if len(self._times) >= self.limit:
                wait = max(1, round(self._times[0] + self.window - now))
                raise CatlrInputError(f"Too many {what} in a minute: wait {wait} s and try again.")
            self._times.append(now)
