"""Redis adapters: the user directory, update dedupe and delivery log.

Keys (the `{...}` parts are values, not hash tags):
    edge:character:{user}            chosen character id
    edge:session:{user}:{character}  current session of that conversation
    edge:plan:{user}                 cached plan; edge:plan_at:{user} its event time (ms)
    edge:voice:{user}                "on" | "off"
    edge:inactive:{user}             why the user cannot be reached (blocked, chat gone)
    edge:update:{bot_id}:{update_id} "1" once an update was taken (TTL: dedupe window)
    edge:delivery:{key}              delivery record of a bus event or a direct answer (see
                                     nectar_edge.domain.delivery)
    edge:answered:{turn_id}          the turn got its answer (stops the chat action)
    edge:language:{user}             language chosen with /language
    edge:rate:{user}                 sliding-window log (ZSET of message times, ms)
    edge:rate_notice:{user}          the user was told they are rate limited (TTL: the wait)
    edge:cost:{day}:{user}           cost guard: model-backed requests of the user that day
    edge:cost:{day}:all              cost guard: all users' requests that day
    edge:stars:{charge_id}           a Stars charge turned into `billing.payment_received`
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import cast

from nectar_contracts import Plan
from redis.asyncio import Redis

from nectar_edge.domain.delivery import DeliveryRecord
from nectar_edge.domain.limits import RateDecision, day_key, seconds_until_next_day
from nectar_edge.domain.messages import StoredUser

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

# Take a delivery for ARGV[1] unless it is sent or someone else's claim is live. A lapsed
# claim (its lease in the value is past Redis's clock) or a partial record is taken over with
# the ids sent so far. A claim without ids lives as long as its lease (PX); one with ids as
# long as a record (EX ARGV[3]): the ids must outlive the lease. Returns the stored record.
_CLAIM_DELIVERY = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local v = redis.call('GET', KEYS[1])
local ids = ''
if v then
  local status, rest = string.match(v, '^(%a+):(.*)$')
  if status == 'sent' then return v end
  if status == 'partial' then
    ids = rest
  elseif status == 'pending' then
    local holder, held = string.match(rest, '^([^:]*):(.*)$')
    local who, lease = string.match(holder, '^([^@]*)@?(%d*)$')
    local until_ms = tonumber(lease) or 0
    if who == ARGV[1] or until_ms == 0 or until_ms > now then return v end
    ids = held
  end
end
local new = 'pending:' .. ARGV[1] .. '@' .. (now + tonumber(ARGV[2])) .. ':' .. ids
if ids == '' then
  redis.call('SET', KEYS[1], new, 'PX', ARGV[2])
else
  redis.call('SET', KEYS[1], new, 'EX', ARGV[3])
end
return new
"""

# Record the ids sent so far under ARGV[1]'s claim, renewing its lease; kept ARGV[4] s.
_PROGRESS = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('SET', KEYS[1], 'pending:' .. ARGV[1] .. '@' .. (now + tonumber(ARGV[2])) .. ':'
           .. ARGV[3], 'EX', ARGV[4])
return 1
"""

# Give up ARGV[1]'s claim: nothing sent -> delete; ids sent -> partial (kept).
_DROP_CLAIM = """
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local who, ids = string.match(v, '^pending:([^:@]*)@?%d*:(.*)$')
if who ~= ARGV[1] then return 0 end
if ids == '' then return redis.call('DEL', KEYS[1]) end
redis.call('SET', KEYS[1], 'partial:' .. ids, 'KEEPTTL')
return 1
"""


# Sliding-window log: drop hits older than the window, count, add this one if under the limit;
# when over, answer how long until the hit that blocks leaves the window.
_RATE_HIT = """
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local n = redis.call('ZCARD', KEYS[1])
if n < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, 0}
end
if limit <= 0 then return {0, window} end
local blocking = redis.call('ZRANGE', KEYS[1], n - limit, n - limit, 'WITHSCORES')
return {0, tonumber(blocking[2]) + window - now}
"""

# Both daily budgets are checked and spent together, or neither is touched.
_COST_SPEND = """
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local all = tonumber(redis.call('GET', KEYS[2]) or '0')
if used >= tonumber(ARGV[1]) or all >= tonumber(ARGV[2]) then return 0 end
redis.call('INCR', KEYS[1])
redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[3])
return 1
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

    async def profile(self, user_id: int, default_character: str) -> StoredUser:
        u = user_id
        character, plan, language, voice, inactive, session = (
            _text(v) for v in await self.redis.mget(
                f"edge:character:{u}", f"edge:plan:{u}", f"edge:language:{u}",
                f"edge:voice:{u}", f"edge:inactive:{u}",
                f"edge:session:{u}:{default_character}"))
        if character is not None and character != default_character:
            session = _text(await self.redis.get(f"edge:session:{u}:{character}"))
        return StoredUser(character=character, session=session, plan=plan,
                          language=language, voice=voice == "on", inactive=inactive is not None)

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

    async def language(self, user_id: int) -> str | None:
        return _text(await self.redis.get(f"edge:language:{user_id}"))

    async def set_language(self, user_id: int, language: str) -> None:
        await self.redis.set(f"edge:language:{user_id}", language)

    async def set_session(self, user_id: int, character: str, session: str) -> None:
        await self.redis.set(f"edge:session:{user_id}:{character}", session)

    async def onboard(self, user_id: int, character: str) -> bool:
        return bool(await self.redis.set(f"edge:character:{user_id}", character, nx=True))


class RedisRateLimiter:
    """Per-user sliding-window log in a ZSET, checked and updated in one Lua call."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._hit = redis.register_script(_RATE_HIT)

    async def notice_once(self, user_id: int, ttl_s: float) -> bool:
        return bool(await self.redis.set(f"edge:rate_notice:{user_id}", "1", nx=True,
                                         px=max(1, int(ttl_s * 1000))))

    async def hit(self, user_id: int, limit: int, window_s: float) -> RateDecision:
        now_ms = time.time() * 1000
        allowed, wait_ms = await self._hit(
            keys=[f"edge:rate:{user_id}"],
            args=[f"{now_ms:.3f}", int(window_s * 1000), limit, uuid.uuid4().hex])
        return RateDecision(bool(allowed), max(0.0, float(wait_ms) / 1000))


class RedisCostGuard:
    """Daily counters per user and for all users, spent atomically; keys expire after the
    day ends."""

    def __init__(self, redis: Redis) -> None:
        self._spend = redis.register_script(_COST_SPEND)

    async def spend(self, user_id: int, user_limit: int, global_limit: int) -> bool:
        now = datetime.now(UTC)
        day = day_key(now)
        ttl = seconds_until_next_day(now) + 3600
        return bool(await self._spend(keys=[f"edge:cost:{day}:{user_id}", f"edge:cost:{day}:all"],
                                      args=[user_limit, global_limit, ttl]))


class RedisPaymentLog:
    """`SET NX edge:stars:{charge_id}`: one payment event per Telegram charge, kept a year."""

    TTL_S = 366 * 86400

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def record(self, charge_id: str) -> bool:
        return bool(await self.redis.set(f"edge:stars:{charge_id}", "1", nx=True,
                                         ex=self.TTL_S))

    async def forget(self, charge_id: str) -> None:
        await self.redis.delete(f"edge:stars:{charge_id}")


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
    """Delivery records under `edge:delivery:{key}`; claims are atomic (Lua, on Redis's
    clock, so replicas' clocks do not matter)."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._claim = redis.register_script(_CLAIM_DELIVERY)
        self._progress = redis.register_script(_PROGRESS)
        self._drop = redis.register_script(_DROP_CLAIM)

    @staticmethod
    def _key(key: str) -> str:
        return f"edge:delivery:{key}"

    async def claim(self, key: str, owner: str, ttl_s: float,
                    record_ttl_s: int = 7 * 24 * 3600) -> DeliveryRecord:
        raw = await self._claim(keys=[self._key(key)],
                                args=[owner, max(1, int(ttl_s * 1000)), record_ttl_s])
        return DeliveryRecord.decode(_text(raw) or "")

    async def progress(self, key: str, owner: str, message_ids: tuple[int, ...],
                       lease_s: float, record_ttl_s: int) -> None:
        await self._progress(keys=[self._key(key)],
                             args=[owner, max(1, int(lease_s * 1000)),
                                   ",".join(str(i) for i in message_ids), record_ttl_s])

    async def save(self, key: str, record: DeliveryRecord, ttl_s: int) -> None:
        await self.redis.set(self._key(key), record.encode(), ex=ttl_s)

    async def drop(self, key: str, owner: str) -> None:
        await self._drop(keys=[self._key(key)], args=[owner])

    async def mark_answered(self, turn_id: str, ttl_s: int) -> None:
        await self.redis.set(f"edge:answered:{turn_id}", "1", ex=ttl_s)

    async def answered(self, turn_id: str) -> bool:
        return bool(await self.redis.exists(f"edge:answered:{turn_id}"))
