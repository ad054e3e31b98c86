"""Redis-backed cost guard and model cooldowns (shared by every replica).

Cost guard keys (USD, `INCRBYFLOAT`, expiring two days after their day starts):
`nectar:llm:cost:{YYYYMMDD}:user:{user_id}` and `nectar:llm:cost:{YYYYMMDD}:global`.
Reading them fails closed: an unreachable Redis refuses new generations.

Cooldown keys: `nectar:llm:cooldown:{model}` with a TTL of the provider's `Retry-After`;
unreachable Redis means no cooldowns (an optimisation must not fail a turn).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from nectar_llm.domain.errors import BudgetExceeded, GuardUnavailable

log = logging.getLogger("nectar.llm.guard")

_COUNTER_TTL_S = 2 * 24 * 3600


def _today() -> str:
    return datetime.now(UTC).strftime("%Y%m%d")


class RedisCostGuard:
    """`CostGuard` on Redis counters; `start()` opens the client, `close()` closes it."""

    def __init__(self, redis_url: str, *, user_daily_usd: float, global_daily_usd: float,
                 timeout_s: float = 0.5, day: Callable[[], str] = _today,
                 client: aioredis.Redis | None = None, retries: int = 2,
                 retry_delay_s: float = 0.15) -> None:
        self.redis_url = redis_url
        #: a single slow answer (a redelivery burst, a fork for AOF) is not an outage: read
        #: again before failing closed; a real outage still fails closed within ~1 s
        self.retries = retries
        self.retry_delay_s = retry_delay_s
        self.user_daily_usd = user_daily_usd
        self.global_daily_usd = global_daily_usd
        self.timeout_s = timeout_s
        self._day = day
        self._client = client
        self._pending: set[asyncio.Task[None]] = set()

    def keys(self, user_id: int) -> tuple[str, str]:
        day = self._day()
        return (f"nectar:llm:cost:{day}:user:{user_id}", f"nectar:llm:cost:{day}:global")

    async def start(self) -> None:
        if self._client is None:
            self._client = aioredis.from_url(
                self.redis_url, socket_connect_timeout=self.timeout_s,
                socket_timeout=self.timeout_s, retry_on_timeout=False)

    async def close(self) -> None:
        await self.flush()
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    async def check(self) -> None:
        """Readiness: the counters answer (a guard that cannot read refuses every turn)."""
        if self._client is None:
            raise RuntimeError("cost guard not started")
        await self._client.ping()

    async def admit(self, user_id: int) -> None:
        if self._client is None:
            raise GuardUnavailable("cost guard not started")
        user_key, global_key = self.keys(user_id)
        for attempt in range(self.retries + 1):
            try:
                user_raw, global_raw = await self._client.mget(user_key, global_key)
                break
            except (RedisError, OSError) as exc:
                if attempt < self.retries:
                    log.info("spend counters slow or unreachable; reading again",
                             extra={"error": type(exc).__name__, "attempt": attempt + 1})
                    await asyncio.sleep(self.retry_delay_s * 2 ** attempt)
                    continue
                raise GuardUnavailable(
                    f"spend counters unreachable ({type(exc).__name__}) after "
                    f"{self.retries + 1} tries; refusing new generations (fail closed)"
                ) from exc
        spent_user = float(user_raw or 0)
        spent_all = float(global_raw or 0)
        if spent_all >= self.global_daily_usd:
            raise BudgetExceeded(f"global daily ceiling reached: {spent_all:.4f} >= "
                                 f"{self.global_daily_usd:.4f} USD")
        if spent_user >= self.user_daily_usd:
            raise BudgetExceeded(f"user daily ceiling reached: {spent_user:.4f} >= "
                                 f"{self.user_daily_usd:.4f} USD")

    async def record(self, user_id: int, cost_usd: float) -> None:
        """Add spend in the background (the reply need not wait for the counters); pending
        writes are awaited by `close()` and `flush()`."""
        if cost_usd <= 0 or self._client is None:
            return
        task = asyncio.create_task(self._record(user_id, cost_usd))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def flush(self) -> None:
        """Wait for spend writes still in flight."""
        if self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)

    async def _record(self, user_id: int, cost_usd: float) -> None:
        assert self._client is not None
        user_key, global_key = self.keys(user_id)
        try:
            async with self._client.pipeline(transaction=False) as pipe:
                pipe.incrbyfloat(user_key, cost_usd).expire(user_key, _COUNTER_TTL_S)
                pipe.incrbyfloat(global_key, cost_usd).expire(global_key, _COUNTER_TTL_S)
                await pipe.execute()
        except (RedisError, OSError) as exc:
            # The generation already happened; the next check fails closed anyway.
            log.error("could not record spend", extra={"error": type(exc).__name__,
                                                       "cost_usd": cost_usd})


class RedisCooldowns:
    """`Cooldowns` on Redis keys with a TTL.

    Lookups are remembered for `local_cache_s` (per model), so the hot path of a turn
    usually makes no round trip for them: a cooldown another replica sets is seen at most
    that much later; one this replica sets is seen at once.
    """

    def __init__(self, redis_url: str, *, timeout_s: float = 0.5, local_cache_s: float = 1.0,
                 client: aioredis.Redis | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.redis_url = redis_url
        self.timeout_s = timeout_s
        self.local_cache_s = local_cache_s
        self._client = client
        self._clock = clock
        # model -> (looked up at, cooling until); until 0.0 = not cooling
        self._seen: dict[str, tuple[float, float]] = {}

    @staticmethod
    def key(model: str) -> str:
        return f"nectar:llm:cooldown:{model}"

    async def start(self) -> None:
        if self._client is None:
            self._client = aioredis.from_url(
                self.redis_url, socket_connect_timeout=self.timeout_s,
                socket_timeout=self.timeout_s, retry_on_timeout=False)

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    async def check(self) -> None:
        if self._client is None:
            raise RuntimeError("cooldowns not started")

    async def active(self, models: Sequence[str]) -> dict[str, float]:
        if self._client is None or not models:
            return {}
        now = self._clock()
        seen = [self._seen.get(m) for m in models]
        if all(s is not None and now - s[0] < self.local_cache_s for s in seen):
            return {m: s[1] - now for m, s in zip(models, seen, strict=True)
                    if s is not None and s[1] > now}
        try:
            async with self._client.pipeline(transaction=False) as pipe:
                for model in models:
                    pipe.pttl(self.key(model))
                ttls = await pipe.execute()
        except (RedisError, OSError) as exc:
            log.warning("cooldowns unreadable; trying every model",
                        extra={"error": type(exc).__name__})
            return {}
        cooling = {m: ttl / 1000 for m, ttl in zip(models, ttls, strict=True)
                   if isinstance(ttl, int) and ttl > 0}
        for model in models:
            self._seen[model] = (now, now + cooling.get(model, 0.0))
        return cooling

    async def put(self, model: str, seconds: float) -> None:
        if self._client is None or seconds <= 0:
            return
        now = self._clock()
        self._seen[model] = (now, now + seconds)
        try:
            await self._client.set(self.key(model), "1", px=max(int(seconds * 1000), 1))
        except (RedisError, OSError) as exc:
            log.warning("could not record a cooldown", extra={"model": model,
                                                              "error": type(exc).__name__})
