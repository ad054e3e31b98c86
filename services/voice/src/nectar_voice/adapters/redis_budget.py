"""`CharacterBudget` in Redis: two counters per engine and UTC day, shared by every replica.

Keys: `voice:chars:{day}:{engine}:u:{user}` (one user) and `voice:chars:{day}:{engine}:all`
(everyone), each expiring `ttl_s` after its last write (a day's counters outlive the day a
little, then vanish). `reserve` is one Lua script: read both, refuse when either limit would
be passed, else `INCRBY` both, so two replicas never both take the last characters.
`settle` adds the difference between used and reserved to both (negative when the provider
billed less, or the call failed). The counters hold usage, which matters for money: the
Redis of the stack runs `noeviction`.
"""

from __future__ import annotations

from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from nectar_voice.domain.budget import Refusal, Reservation
from nectar_voice.domain.errors import BudgetUnavailable

DEFAULT_TTL_S = 3 * 24 * 3600

_RESERVE = """
local user = tonumber(redis.call('GET', KEYS[1]) or '0')
local all = tonumber(redis.call('GET', KEYS[2]) or '0')
local chars = tonumber(ARGV[1])
if user + chars > tonumber(ARGV[2]) then return {0, user, all} end
if all + chars > tonumber(ARGV[3]) then return {-1, user, all} end
user = redis.call('INCRBY', KEYS[1], chars)
all = redis.call('INCRBY', KEYS[2], chars)
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[4])
return {1, user, all}
"""

_SETTLE = """
local delta = tonumber(ARGV[1])
for i = 1, 2 do
  local value = redis.call('INCRBY', KEYS[i], delta)
  if value < 0 then redis.call('SET', KEYS[i], 0) end
  redis.call('EXPIRE', KEYS[i], ARGV[2])
end
return 1
"""


def user_key(day: str, engine: str, user_id: int) -> str:
    return f"voice:chars:{day}:{engine}:u:{int(user_id)}"


def global_key(day: str, engine: str) -> str:
    return f"voice:chars:{day}:{engine}:all"


class RedisCharacterBudget:
    """The budget counters in Redis (the runtime's client)."""

    def __init__(self, redis: Redis, *, ttl_s: int = DEFAULT_TTL_S) -> None:
        self.redis = redis
        self.ttl_s = ttl_s
        self._reserve: Any = redis.register_script(_RESERVE)
        self._settle: Any = redis.register_script(_SETTLE)

    async def reserve(self, *, engine: str, user_id: int, day: str, chars: int,
                      user_limit: int, global_limit: int) -> Reservation:
        if chars < 0:
            raise ValueError("chars must not be negative")
        try:
            verdict, user, everyone = await self._reserve(
                keys=[user_key(day, engine, user_id), global_key(day, engine)],
                args=[chars, user_limit, global_limit, self.ttl_s])
        except RedisError as exc:
            raise BudgetUnavailable(f"voice budget counters: {type(exc).__name__}: "
                                    f"{exc}"[:200]) from exc
        verdict = int(verdict)
        refusal = None if verdict == 1 else (Refusal.USER if verdict == 0 else Refusal.GLOBAL)
        return Reservation(engine=engine, user_id=user_id, day=day, chars=chars,
                           granted=verdict == 1, refusal=refusal, user_spent=int(user),
                           global_spent=int(everyone))

    async def settle(self, reservation: Reservation, used: int) -> None:
        if not reservation.granted:
            return
        delta = max(used, 0) - reservation.chars
        if delta == 0:
            return
        try:
            await self._settle(keys=[user_key(reservation.day, reservation.engine,
                                              reservation.user_id),
                                     global_key(reservation.day, reservation.engine)],
                               args=[delta, self.ttl_s])
        except RedisError as exc:
            raise BudgetUnavailable(f"voice budget counters: {type(exc).__name__}") from exc

    async def spent(self, *, engine: str, user_id: int, day: str) -> tuple[int, int]:
        try:
            user, everyone = await self.redis.mget(user_key(day, engine, user_id),
                                                   global_key(day, engine))
        except RedisError as exc:
            raise BudgetUnavailable(f"voice budget counters: {type(exc).__name__}") from exc
        return int(user or 0), int(everyone or 0)

    async def forget_user(self, user_id: int) -> int:
        deleted = 0
        try:
            async for key in self.redis.scan_iter(match=f"voice:chars:*:u:{int(user_id)}",
                                                  count=500):
                deleted += int(await self.redis.delete(key))
        except RedisError as exc:
            raise BudgetUnavailable(f"voice budget counters: {type(exc).__name__}") from exc
        return deleted
