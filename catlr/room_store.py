"""The room store a server uses: in this process by default, in Redis when ``CATLR_ROOMS_URL`` names one."""

from __future__ import annotations

import time
from collections.abc import Callable

from catlr.errors import CatlrInputError
from catlr.rooms import RoomStore
from catlr.rooms_memory import MemoryRoomStore


def open_store(url: str | None, clock: Callable[[], float] = time.time) -> RoomStore:
    """The store ``CATLR_ROOMS_URL`` names: in this process when unset or empty, else Redis (``redis://``,
    ``rediss://`` or ``unix://``). CatlrInputError for anything else."""
    if not url:
        return MemoryRoomStore(clock)
    if not isinstance(url, str) or not url.startswith(("redis://", "rediss://", "unix://")):
        raise CatlrInputError("CATLR_ROOMS_URL must be a redis:// (or rediss://, unix://) URL, or unset.")
    from catlr import rooms_redis  # only a server that uses Redis imports its client

    return rooms_redis.RedisRoomStore(url, clock)

