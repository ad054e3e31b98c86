"""Redis adapters: the user directory, update dedupe and delivery log.

Keys (the `{...}` parts are values, not hash tags):
    edge:character:{user}            chosen character id
    edge:session:{user}:{character}  current session of that conversation
    edge:plan:{user}                 cached plan; edge:plan_at:{user} its event time (ms)
    edge:voice:{user}                "on" | "off"
    edge:inactive:{user}             why the user cannot be reached (blocked, chat gone)
    edge:update:{bot_id}:{update_id} "1" once an update was taken (TTL: dedupe window)
    edge:delivery:{event_id}         delivery record (see nectar_edge.domain.delivery)
"""

from __future__ import annotations

from typing import cast

from nectar_contracts import Plan
from redis.asyncio import Redis
from redis.exceptions import WatchError

from nectar_edge.domain.delivery import DeliveryRecord, take_over

# Compare-and-set on the event time, so plan events applied out of order keep the newest.
_CACHE_PLAN = """
local at = tonumber(redis.call('GET', KEYS[2]) or '-1')
if tonumber(ARGV[2]) >= at then
  redis.call('SET', KEYS[1], ARGV[1])
  redis.call('SET', KEYS[2], ARGV[2])
  return 1
end
return 0
"""

# Delete only while the value is still this owner's pending claim.
_DROP_CLAIM = """
local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, string.len(ARGV[1])) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


def _text(value: bytes | str | None) -> str | None:
    if value is None:
        return None
    return value.decode() if isinstance(value, bytes) else value


class RedisUserDirectory:
    """What the edge knows about users, in Redis."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._cache_plan = redis.register_script(_CACHE_PLAN)

    async def character(self, user_id: int) -> str | None:
        return _text(await self.redis.get(f"edge:character:{user_id}"))

    async def session(self, user_id: int, character: str) -> str | None:
        return _text(await self.redis.get(f"edge:session:{user_id}:{character}"))

    async def plan(self, user_id: int) -> Plan | None:
        return cast(Plan | None, _text(await self.redis.get(f"edge:plan:{user_id}")))

    async def voice_enabled(self, user_id: int) -> bool:
        return _text(await self.redis.get(f"edge:voice:{user_id}")) == "on"

    async def set_voice(self, user_id: int, enabled: bool) -> None:
        await self.redis.set(f"edge:voice:{user_id}", "on" if enabled else "off")

    async def set_character(self, user_id: int, character: str) -> None:
        await self.redis.set(f"edge:character:{user_id}", character)

    async def cache_plan(self, user_id: int, plan: Plan, as_of_ms: int) -> bool:
        stored = await self._cache_plan(keys=[f"edge:plan:{user_id}",
                                              f"edge:plan_at:{user_id}"],
                                        args=[plan, as_of_ms])
        return bool(stored)

    async def mark_inactive(self, user_id: int, reason: str) -> None:
        await self.redis.set(f"edge:inactive:{user_id}", reason[:200] or "unreachable")

    async def mark_active(self, user_id: int) -> None:
        await self.redis.delete(f"edge:inactive:{user_id}")

    async def is_inactive(self, user_id: int) -> bool:
        return bool(await self.redis.exists(f"edge:inactive:{user_id}"))


class RedisUpdateLog:
    """Dedupe of Telegram updates: `SET NX edge:update:{bot_id}:{update_id} pending EX
    <claim ttl>` when taken, `done EX <dedupe ttl>` once handled, deleted after a failure."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def claim(self, bot_id: int, update_id: int, ttl_s: int) -> bool:
        return bool(await self.redis.set(f"edge:update:{bot_id}:{update_id}", "pending",
                                         nx=True, ex=ttl_s))

    async def complete(self, bot_id: int, update_id: int, ttl_s: int) -> None:
        await self.redis.set(f"edge:update:{bot_id}:{update_id}", "done", ex=ttl_s)

    async def release(self, bot_id: int, update_id: int) -> None:
        await self.redis.delete(f"edge:update:{bot_id}:{update_id}")


class RedisDeliveryLog:
    """Delivery records under `edge:delivery:{event_id}`; claims are atomic."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._drop = redis.register_script(_DROP_CLAIM)

    @staticmethod
    def _key(key: str) -> str:
        return f"edge:delivery:{key}"

    async def claim(self, key: str, owner: str, ttl_s: int) -> DeliveryRecord:
        fresh = take_over(None, owner)
        assert fresh is not None
        # The common case in one round trip: nobody has touched this event yet.
        if await self.redis.set(self._key(key), fresh.encode(), nx=True, ex=ttl_s):
            return fresh
        # Otherwise decide on what is stored (maybe a `partial` to take over), atomically.
        async with self.redis.pipeline(transaction=True) as pipe:
            while True:
                try:
                    await pipe.watch(self._key(key))
                    raw = _text(await pipe.get(self._key(key)))
                    current = DeliveryRecord.decode(raw) if raw else None
                    new = take_over(current, owner)
                    if new is None:
                        await pipe.unwatch()
                        assert current is not None
                        return current
                    pipe.multi()
                    pipe.set(self._key(key), new.encode(), ex=ttl_s)
                    await pipe.execute()
                    return new
                except WatchError:
                    continue

    async def save(self, key: str, record: DeliveryRecord, ttl_s: int) -> None:
        await self.redis.set(self._key(key), record.encode(), ex=ttl_s)

    async def drop(self, key: str, owner: str) -> None:
        await self._drop(keys=[self._key(key)], args=[f"pending:{owner}:"])
