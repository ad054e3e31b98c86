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

Ordering across replicas: a claim made with an `order_key` (the user) also answers the stream
sequence of the last message of that key this consumer finished (its *position*); completing
moves the position forward. The consumer loop uses it to see whether an earlier message of
the same user is still unhandled (`nectar_runtime.bus`), wherever it is being handled.
"""

from __future__ import annotations

import time
from typing import Literal, NamedTuple, Protocol

from redis.asyncio import Redis

ClaimResult = Literal["new", "done", "busy"]


class Claim(NamedTuple):
    """What a claim found: `new` (ours), `done` or `busy`, and the order key's position
    (stream sequence of the last message of that key the consumer finished; 0: none known)."""

    state: ClaimResult
    position: int = 0


class ProcessedStore(Protocol):
    """Port: claims and completions of `(consumer, event_id)`.

    Errors: raises the client's connection/timeout errors when the store is down (the consumer
    loop treats them as an outage and retries)."""

    async def claim(self, consumer: str, event_id: str, owner: str, lease_s: float,
                    order_key: str | None = None) -> Claim: ...

    async def renew(self, consumer: str, event_id: str, owner: str, lease_s: float) -> None: ...

    async def complete(self, consumer: str, event_id: str, owner: str,
                       order_key: str | None = None, seq: int = 0) -> None: ...

    async def release(self, consumer: str, event_id: str, owner: str) -> None: ...

    async def advance(self, consumer: str, order_key: str, seq: int) -> None:
        """Move the key's position to `seq` without an effect (a dead-lettered message)."""
        ...


# KEYS: done key, claim key, position key (or the done key again); ARGV: owner, lease ms
_CLAIM = """
local pos = 0
if KEYS[3] ~= KEYS[1] then pos = tonumber(redis.call('GET', KEYS[3]) or '0') end
if redis.call('EXISTS', KEYS[1]) == 1 then return {'done', pos} end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {'new', pos} end
return {'busy', pos}
"""
# KEYS: claim key; ARGV: owner, lease ms
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
# KEYS: done key, claim key, position key (or the done key again); ARGV: owner, ttl s, seq
_COMPLETE = """
redis.call('SET', KEYS[1], '1', 'EX', ARGV[2])
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
if KEYS[3] ~= KEYS[1] then
  local seq = tonumber(ARGV[3])
  if seq > tonumber(redis.call('GET', KEYS[3]) or '0') then
    redis.call('SET', KEYS[3], seq, 'EX', ARGV[2])
  end
end
return 1
"""
# KEYS: position key; ARGV: seq, ttl s
_ADVANCE = """
local seq = tonumber(ARGV[1])
if seq > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], seq, 'EX', ARGV[2])
end
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
        self._advance = redis.register_script(_ADVANCE)

    @staticmethod
    def done_key(consumer: str, event_id: str) -> str:
        return f"nectar:done:{consumer}:{event_id}"

    @staticmethod
    def claim_key(consumer: str, event_id: str) -> str:
        return f"nectar:claim:{consumer}:{event_id}"

    @staticmethod
    def position_key(consumer: str, order_key: str) -> str:
        return f"nectar:pos:{consumer}:{order_key}"

    def _keys(self, consumer: str, event_id: str, order_key: str | None) -> list[str]:
        done = self.done_key(consumer, event_id)
        return [done, self.claim_key(consumer, event_id),
                self.position_key(consumer, order_key) if order_key is not None else done]

    async def claim(self, consumer: str, event_id: str, owner: str, lease_s: float,
                    order_key: str | None = None) -> Claim:
        state, position = await self._claim(
            keys=self._keys(consumer, event_id, order_key),
            args=[owner, max(int(lease_s * 1000), 1)])
        state = state.decode() if isinstance(state, bytes) else state
        return Claim(state, int(position or 0))

    async def renew(self, consumer: str, event_id: str, owner: str, lease_s: float) -> None:
        await self._renew(keys=[self.claim_key(consumer, event_id)],
                          args=[owner, max(int(lease_s * 1000), 1)])

    async def complete(self, consumer: str, event_id: str, owner: str,
                       order_key: str | None = None, seq: int = 0) -> None:
        await self._complete(keys=self._keys(consumer, event_id, order_key),
                             args=[owner, self.ttl_s, seq])

    async def release(self, consumer: str, event_id: str, owner: str) -> None:
        await self._release(keys=[self.claim_key(consumer, event_id)], args=[owner])

    async def advance(self, consumer: str, order_key: str, seq: int) -> None:
        await self._advance(keys=[self.position_key(consumer, order_key)],
                            args=[seq, self.ttl_s])


class InMemoryProcessedStore:
    """Fake for unit tests and single-process tools; the same rules as the Redis store."""

    def __init__(self) -> None:
        self.done: dict[tuple[str, str], float] = {}
        self.claims: dict[tuple[str, str], tuple[str, float]] = {}
        self.positions: dict[tuple[str, str], int] = {}

    def _holder(self, key: tuple[str, str]) -> str | None:
        held = self.claims.get(key)
        if held is None or held[1] < time.monotonic():
            self.claims.pop(key, None)
            return None
        return held[0]

    async def claim(self, consumer: str, event_id: str, owner: str, lease_s: float,
                    order_key: str | None = None) -> Claim:
        key = (consumer, event_id)
        position = self.positions.get((consumer, order_key), 0) if order_key else 0
        if key in self.done:
            return Claim("done", position)
        if self._holder(key) is not None:
            return Claim("busy", position)
        self.claims[key] = (owner, time.monotonic() + lease_s)
        return Claim("new", position)

    async def renew(self, consumer: str, event_id: str, owner: str, lease_s: float) -> None:
        key = (consumer, event_id)
        if self._holder(key) == owner:
            self.claims[key] = (owner, time.monotonic() + lease_s)

    async def complete(self, consumer: str, event_id: str, owner: str,
                       order_key: str | None = None, seq: int = 0) -> None:
        key = (consumer, event_id)
        self.done[key] = time.monotonic()
        if self._holder(key) == owner:
            del self.claims[key]
        if order_key is not None:
            await self.advance(consumer, order_key, seq)

    async def release(self, consumer: str, event_id: str, owner: str) -> None:
        key = (consumer, event_id)
        if self._holder(key) == owner:
            del self.claims[key]

    async def advance(self, consumer: str, order_key: str, seq: int) -> None:
        key = (consumer, order_key)
        self.positions[key] = max(self.positions.get(key, 0), seq)
