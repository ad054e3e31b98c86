"""Which events a consumer has handled, and who is handling one right now.

Idempotency by event id, across replicas: before a handler runs, its replica *claims*
`(consumer, event_id)` with a lease. The answer is one of
- `new`: the claim is ours, run the handler;
- `done`: the effect is complete (a redelivery or a duplicate publish): ack, do nothing;
- `busy`: another live replica holds the lease: hand the message back for later.

The lease is renewed with the message's in-progress heartbeat and is shorter than the ack wait,
so a replica that dies releases its claims before JetStream redelivers its messages: a
redelivery never finds a dead replica's claim (which would drop the message as a duplicate).
Completing marks the event done (kept `idempotency_ttl_s`) and drops the lease in one step.
"""

from __future__ import annotations

import time
from typing import Literal, Protocol

from redis.asyncio import Redis

ClaimResult = Literal["new", "done", "busy"]


class ProcessedStore(Protocol):
    """Port: claims and completions of `(consumer, event_id)`.

    Errors: raises the client's connection/timeout errors when the store is down (the consumer
    loop treats them as an outage and retries)."""

    async def claim(self, consumer: str, event_id: str, owner: str,
                    lease_s: float) -> ClaimResult: ...

    async def renew(self, consumer: str, event_id: str, owner: str, lease_s: float) -> None: ...

    async def complete(self, consumer: str, event_id: str, owner: str) -> None: ...

    async def release(self, consumer: str, event_id: str, owner: str) -> None: ...


# KEYS: done key, claim key; ARGV: owner, lease ms
_CLAIM = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 'done' end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return 'new' end
return 'busy'
"""
# KEYS: claim key; ARGV: owner, lease ms
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
# KEYS: done key, claim key; ARGV: owner, ttl s
_COMPLETE = """
redis.call('SET', KEYS[1], '1', 'EX', ARGV[2])
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return 1
"""
# KEYS: claim key; ARGV: owner
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisProcessedStore:
    """Claims as `SET NX PX` leases and completions as keys with a TTL, one script each."""

    def __init__(self, redis: Redis, ttl_s: int) -> None:
        self.redis = redis
        self.ttl_s = ttl_s
        self._claim = redis.register_script(_CLAIM)
        self._renew = redis.register_script(_RENEW)
        self._complete = redis.register_script(_COMPLETE)
        self._release = redis.register_script(_RELEASE)

    @staticmethod
    def done_key(consumer: str, event_id: str) -> str:
        return f"nectar:done:{consumer}:{event_id}"

    @staticmethod
    def claim_key(consumer: str, event_id: str) -> str:
        return f"nectar:claim:{consumer}:{event_id}"

    async def claim(self, consumer: str, event_id: str, owner: str,
                    lease_s: float) -> ClaimResult:
        result = await self._claim(
            keys=[self.done_key(consumer, event_id), self.claim_key(consumer, event_id)],
            args=[owner, max(int(lease_s * 1000), 1)])
        return result.decode() if isinstance(result, bytes) else result

    async def renew(self, consumer: str, event_id: str, owner: str, lease_s: float) -> None:
        await self._renew(keys=[self.claim_key(consumer, event_id)],
                          args=[owner, max(int(lease_s * 1000), 1)])

    async def complete(self, consumer: str, event_id: str, owner: str) -> None:
        await self._complete(
            keys=[self.done_key(consumer, event_id), self.claim_key(consumer, event_id)],
            args=[owner, self.ttl_s])

    async def release(self, consumer: str, event_id: str, owner: str) -> None:
        await self._release(keys=[self.claim_key(consumer, event_id)], args=[owner])


class InMemoryProcessedStore:
    """Fake for unit tests and single-process tools; the same rules as the Redis store."""

    def __init__(self) -> None:
        self.done: dict[tuple[str, str], float] = {}
        self.claims: dict[tuple[str, str], tuple[str, float]] = {}

    def _holder(self, key: tuple[str, str]) -> str | None:
        held = self.claims.get(key)
        if held is None or held[1] < time.monotonic():
            self.claims.pop(key, None)
            return None
        return held[0]

    async def claim(self, consumer: str, event_id: str, owner: str,
                    lease_s: float) -> ClaimResult:
        key = (consumer, event_id)
        if key in self.done:
            return "done"
        if self._holder(key) is not None:
            return "busy"
        self.claims[key] = (owner, time.monotonic() + lease_s)
        return "new"

    async def renew(self, consumer: str, event_id: str, owner: str, lease_s: float) -> None:
        key = (consumer, event_id)
        if self._holder(key) == owner:
            self.claims[key] = (owner, time.monotonic() + lease_s)

    async def complete(self, consumer: str, event_id: str, owner: str) -> None:
        key = (consumer, event_id)
        self.done[key] = time.monotonic()
        if self._holder(key) == owner:
            del self.claims[key]

    async def release(self, consumer: str, event_id: str, owner: str) -> None:
        key = (consumer, event_id)
        if self._holder(key) == owner:
            del self.claims[key]
