"""Asking "Cat or not?" about a photo on a room's wall.

The question names the photo (``photo/<id>``, checked by :func:`catlr.room_inputs.question_subject`) and
nothing else: its pixels are looked up in the room's *approved* photos (``store.wall(code)``) whenever it is
asked or drawn, so a waiting, rejected or unknown photo is never asked about nor drawn, whatever a subject says.
Its answer is not known before the reveal: the presenter, who chose the photo, gives it then
(``store.reveal(..., answer)``).
"""

from __future__ import annotations

from catlr import room_inputs, rooms
from catlr.errors import CatlrInputError

NOT_ON_WALL = "That photo is not on the room's wall: only an approved photo can be asked about."


def photo_of(store: rooms.RoomStore, code: str, subject: str) -> rooms.WallPhoto | None:
    """The approved wall photo ``subject`` names in room ``code``, or None (not a photo's subject, or a photo that
    is waiting, was rejected, or was never sent there)."""
    if room_inputs.subject_photo_id(subject) is None:
        return None
    return on_wall(store.wall(code), subject)


def on_wall(approved: list[rooms.WallPhoto], subject: str) -> rooms.WallPhoto | None:
    """The photo of ``approved`` (a room's ``store.wall(code)``) that ``subject`` names, or None."""
    wanted = room_inputs.subject_photo_id(subject)
    return next((photo for photo in approved if photo.id == wanted), None) if wanted is not None else None


def ask_photo(store: rooms.RoomStore, code: str, secret: str, photo_id: str, p_cat: float) -> rooms.Question:
    """Ask room ``code`` "Cat or not?" about its approved photo ``photo_id``, with the model's P(cat) ``p_cat``
    (decision: cat when > 0.5) hidden until the reveal; returns the question as asked.

    Raises:
        CatlrInputError: the photo is not on the room's approved wall (NOT_ON_WALL), or the store refuses the ask.
    """
    subject = room_inputs.PHOTO_SUBJECT + (photo_id if isinstance(photo_id, str) else "")
    if photo_of(store, code, subject) is None:
        raise CatlrInputError(NOT_ON_WALL)
    question = rooms.Question("cat", subject, model_answer=rooms.cat_said(p_cat), model_p=float(p_cat))
    return store.ask(code, secret, question)
