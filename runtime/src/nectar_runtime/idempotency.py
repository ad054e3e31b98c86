"""Which events a consumer has already handled (idempotency by event id)."""

from __future__ import annotations

import time
from typing import Protocol

from redis.asyncio import Redis


class ProcessedStore(Protocol):
    """Port: remembers `(consumer, event_id)` pairs whose effects are complete."""

    async def seen(self, consumer: str, event_id: str) -> bool: ...

    async def mark(self, consumer: str, event_id: str) -> None: ...


class RedisProcessedStore:
    """`SET` with a TTL per handled event; a key's presence means the effect is done."""

    def __init__(self, redis: Redis, ttl_s: int) -> None:
        self.redis = redis
        self.ttl_s = ttl_s

    @staticmethod
    def _key(consumer: str, event_id: str) -> str:
        return f"nectar:done:{consumer}:{event_id}"

    async def seen(self, consumer: str, event_id: str) -> bool:
        return bool(await self.redis.exists(self._key(consumer, event_id)))

    async def mark(self, consumer: str, event_id: str) -> None:
        await self.redis.set(self._key(consumer, event_id), "1", ex=self.ttl_s)


class InMemoryProcessedStore:
    """Fake for unit tests and single-process tools."""

    def __init__(self) -> None:
        self.done: dict[tuple[str, str], float] = {}

    async def seen(self, consumer: str, event_id: str) -> bool:
        return (consumer, event_id) in self.done

    async def mark(self, consumer: str, event_id: str) -> None:
        self.done[(consumer, event_id)] = time.monotonic()
