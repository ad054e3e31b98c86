"""The audio library in object storage: the shared cache and each user's voice messages.

Layout and erasure are in `domain/storage.py`. `find` is the chain's cache lookup (a hit makes
no engine call and spends no budget); `keep` stores a fresh rendering in the shared cache;
`deliver` writes the user's copy, the object `voice.voice_ready` names. `forget_user` erases
a user: the shared objects their copies came from, then everything under `users/<id>/`.

Errors: the store's `ObjectStoreUnavailable` passes through (an outage: the runtime retries
the request; nothing is lost).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from nectar_runtime.objectstore import ObjectNotFound, ObjectStore, user_prefix

from nectar_voice.domain.model import Speech
from nectar_voice.domain.storage import (
    OGG_CONTENT_TYPE,
    cache_key_of,
    cache_object,
    user_object,
    user_voice_prefix,
)

log = logging.getLogger("nectar.voice.library")


@dataclass(frozen=True)
class Erased:
    """What a user's erasure deleted."""

    cached: int
    user_objects: int


@dataclass(frozen=True)
class AudioLibrary:
    """Voice audio in one bucket of the object store."""

    store: ObjectStore
    bucket: str

    async def find(self, key: str) -> bytes | None:
        """The shared cache's audio for `key`, or None."""
        try:
            return (await self.store.get(cache_object(key))).data
        except ObjectNotFound:
            return None

    async def keep(self, speech: Speech) -> str:
        """Store a fresh rendering in the shared cache (replaces a corrupt one)."""
        key = cache_object(speech.cache_key)
        await self.store.put(key, speech.ogg, OGG_CONTENT_TYPE)
        return key

    async def deliver(self, user_id: int, speech: Speech) -> str:
        """Write the user's copy of `speech`; its key (under `users/<id>/`)."""
        key = user_object(user_id, speech.cache_key)
        await self.store.put(key, speech.ogg, OGG_CONTENT_TYPE)
        return key

    async def forget_user(self, user_id: int) -> Erased:
        """Delete the shared objects made for the user, then the user's prefix. Safe to run
        again: a redelivery finds less, and deletes what is left."""
        copies = await self.store.list(user_voice_prefix(user_id))
        cached = 0
        for key in {k for k in (cache_key_of(c) for c in copies) if k is not None}:
            await self.store.delete(cache_object(key))
            cached += 1
        removed = await self.store.delete_prefix(user_prefix(user_id))
        log.info("voice audio of a deleted user erased", extra={
            "user_id": user_id, "cached_objects": cached, "user_objects": removed})
        return Erased(cached=cached, user_objects=removed)
